/**
 * Atlassian's published Confluence OpenAPI specs (spec/confluence-openapi/) as a request and response
 * validator: finds the operation for a method and path, checks path and query parameters (types, enums,
 * minimum/maximum such as `limit` and `depth`), the request body, and a response body against the
 * operation's response schema. The emulator refuses anything this rejects, and tests assert on it.
 *
 * Two deliberate, documented conversions of the published files (OpenAPI 3.0 → JSON Schema for ajv):
 * - `nullable: true` becomes a union with `null` (OpenAPI 3.0 has no `null` type);
 * - `oneOf` becomes `anyOf`: the specs use `oneOf` for alternatives that are not mutually exclusive
 *   (a comment body `{representation, value}` matches both CommentBodyWrite and CommentNestedBodyWrite),
 *   which real Confluence accepts.
 * Siblings of `$ref` are dropped, as OpenAPI 3.0 says they are ignored.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export type SpecName = 'v1' | 'v2';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  style?: string;
  explode?: boolean;
  schema?: JsonObject;
}

interface OperationEntry {
  spec: SpecName;
  method: string;
  /** Template as the spec writes it, e.g. `/pages/{id}` (v2) or `/wiki/rest/api/user` (v1). */
  template: string;
  /** Full request path template, e.g. `/wiki/api/v2/pages/{id}`. */
  fullTemplate: string;
  matcher: RegExp;
  paramNames: string[];
  literalSegments: number;
  operationId: string;
  operation: JsonObject;
  parameters: ParameterSpec[];
}

/** The operation a request matched, with its decoded path parameters and parsed query. */
export interface MatchedOperation {
  spec: SpecName;
  method: string;
  template: string;
  fullTemplate: string;
  operationId: string;
  pathParams: Record<string, string>;
  /** Query parameters coerced to the types the spec declares (arrays, integers, booleans). */
  query: Record<string, unknown>;
}

export interface SpecRequest {
  method: string;
  /** Path and query, e.g. `/wiki/api/v2/pages/1?body-format=storage`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | ArrayBuffer | Uint8Array;
}

export type RequestCheck =
  | { ok: true; operation: MatchedOperation; json?: unknown; form?: FormData }
  | { ok: false; reason: string; operation?: MatchedOperation };

/** Where each spec's paths live on a Confluence site. */
export const SPEC_BASE: Record<SpecName, string> = { v1: '', v2: '/wiki/api/v2' };

const SPEC_DIR = fileURLToPath(new URL('../../../spec/confluence-openapi/', import.meta.url));
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** OpenAPI 3.0 schema → JSON Schema as ajv reads it (see the module comment), refs made absolute. */
const convertSchema = (node: Json, specId: string): Json => {
  if (Array.isArray(node)) return node.map((item) => convertSchema(item, specId));
  if (!isObject(node)) return node;
  const ref = node['$ref'];
  if (typeof ref === 'string') return { $ref: ref.startsWith('#') ? `${specId}${ref}` : ref };
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example' || key === 'examples' || key === 'xml') continue;
    const converted = key === 'properties' || key === 'patternProperties' || key === 'definitions'
      ? Object.fromEntries(Object.entries(isObject(value) ? value : {}).map(([k, v]) => [k, convertSchema(v, specId)]))
      : convertSchema(value, specId);
    out[key === 'oneOf' ? 'anyOf' : key] = converted;
  }
  if (node['nullable'] === true) {
    const type = out['type'];
    if (typeof type === 'string') {
      out['type'] = [type, 'null'];
      if (Array.isArray(out['enum'])) out['enum'] = [...out['enum'], null];
      return out;
    }
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
};

const compilePath = (fullTemplate: string): { matcher: RegExp; paramNames: string[]; literalSegments: number } => {
  const paramNames: string[] = [];
  let literalSegments = 0;
  const pattern = fullTemplate
    .split('/')
    .map((segment) => {
      const param = /^\{([^}]+)\}$/.exec(segment);
      if (param?.[1]) {
        paramNames.push(param[1]);
        return '([^/]+)';
      }
      if (segment !== '') literalSegments += 1;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { matcher: new RegExp(`^${pattern}$`), paramNames, literalSegments };
};

const coerceScalar = (raw: string, schema: JsonObject | undefined): unknown => {
  const type = schema?.['type'];
  const types = Array.isArray(type) ? type : [type];
  if ((types.includes('integer') || types.includes('number')) && /^-?[0-9]+(\.[0-9]+)?$/.test(raw)) return Number(raw);
  if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
};

export interface ConfluenceSpecs {
  /** Finds the operation and validates parameters and body. Never throws. */
  checkRequest(request: SpecRequest): Promise<RequestCheck>;
  /** Errors of a response body against the operation's schema for that status ([] = valid or no schema). */
  checkResponse(operation: MatchedOperation, status: number, body: unknown): string[];
  /** Every operation, for listings and tests. */
  operations(): { spec: SpecName; method: string; fullTemplate: string; operationId: string }[];
}

const loadSpec = (name: SpecName): JsonObject => {
  const file = `${SPEC_DIR}confluence-${name}.json`;
  return JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
};

export const createConfluenceSpecs = (): ConfluenceSpecs => {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
  addFormats(ajv);
  const docs: Record<SpecName, JsonObject> = { v1: loadSpec('v1'), v2: loadSpec('v2') };
  const components: Record<SpecName, JsonObject> = { v1: {}, v2: {} };
  for (const name of ['v1', 'v2'] as const) {
    const id = `confluence-${name}`;
    components[name] = convertSchema(docs[name]['components'] ?? {}, id) as JsonObject;
    ajv.addSchema({ $id: id, components: components[name] } as object, id);
  }

  /** Follows a `#/components/...` reference inside the original document (parameters, request bodies). */
  const deref = (name: SpecName, node: Json | undefined): JsonObject | undefined => {
    let current: Json | undefined = node;
    for (let hops = 0; isObject(current) && typeof current['$ref'] === 'string' && hops < 10; hops += 1) {
      const parts = (current['$ref'] as string).replace(/^#\//, '').split('/');
      let target: Json | undefined = docs[name];
      for (const part of parts) target = isObject(target) ? target[part] : undefined;
      current = target;
    }
    return isObject(current) ? current : undefined;
  };

  const entries: OperationEntry[] = [];
  for (const name of ['v1', 'v2'] as const) {
    const paths = docs[name]['paths'];
    if (!isObject(paths)) continue;
    for (const [template, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      const shared = Array.isArray(item['parameters']) ? item['parameters'] : [];
      for (const method of METHODS) {
        const operation = item[method];
        if (!isObject(operation)) continue;
        const own = Array.isArray(operation['parameters']) ? operation['parameters'] : [];
        const byKey = new Map<string, ParameterSpec>();
        for (const raw of [...shared, ...own]) {
          const param = deref(name, raw) as unknown as ParameterSpec | undefined;
          if (param?.name && param.in) byKey.set(`${param.in}:${param.name}`, param);
        }
        const fullTemplate = `${SPEC_BASE[name]}${template}`;
        entries.push({
          spec: name,
          method: method.toUpperCase(),
          template,
          fullTemplate,
          ...compilePath(fullTemplate),
          operationId: typeof operation['operationId'] === 'string' ? operation['operationId'] : `${method} ${fullTemplate}`,
          operation,
          parameters: [...byKey.values()],
        });
      }
    }
  }
  // Literal segments win over templated ones (`/user/email` before `/user/{userId}`).
  entries.sort((a, b) => b.literalSegments - a.literalSegments || a.paramNames.length - b.paramNames.length);

  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (key: string, spec: SpecName, schema: Json): ValidateFunction => {
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(convertSchema(schema, `confluence-${spec}`) as object);
      validators.set(key, validate);
    }
    return validate;
  };
  const describe = (validate: ValidateFunction): string =>
    (validate.errors ?? [])
      .slice(0, 3)
      .map((e) => `${e.instancePath || '(value)'} ${e.message ?? 'is invalid'}`)
      .join('; ');

  const checkParameters = (entry: OperationEntry, pathValues: string[], url: URL): { params: Record<string, string>; query: Record<string, unknown> } | string => {
    const params: Record<string, string> = {};
    const query: Record<string, unknown> = {};
    const known = new Set<string>();
    for (const [i, name] of entry.paramNames.entries()) {
      try {
        params[name] = decodeURIComponent(pathValues[i] ?? '');
      } catch {
        return `path parameter ${name} is not valid percent-encoding`;
      }
    }
    for (const param of entry.parameters) {
      if (param.in === 'header' || param.in === 'cookie') continue;
      const schema = deref(entry.spec, param.schema) ?? {};
      const key = `${entry.spec}:${entry.operationId}:${param.in}:${param.name}`;
      let value: unknown;
      if (param.in === 'path') {
        value = coerceScalar(params[param.name] ?? '', schema);
      } else {
        known.add(param.name);
        const raw = url.searchParams.getAll(param.name);
        if (raw.length === 0) {
          if (param.required) return `query parameter ${param.name} is required`;
          continue;
        }
        if (schema['type'] === 'array') {
          const itemSchema = deref(entry.spec, schema['items']);
          const explode = param.explode ?? (param.style === undefined || param.style === 'form');
          const values = explode ? raw : raw.flatMap((r) => r.split(','));
          if (!explode && raw.length > 1) return `query parameter ${param.name} takes one comma-separated value, not repeats`;
          value = values.map((v) => coerceScalar(v, itemSchema));
        } else {
          if (raw.length > 1) return `query parameter ${param.name} is given ${raw.length} times but takes one value`;
          value = coerceScalar(raw[0] ?? '', schema);
        }
        query[param.name] = value;
      }
      const validate = validatorFor(key, entry.spec, param.schema ?? {});
      if (!validate(value)) return `${param.in} parameter ${param.name}=${JSON.stringify(value)}: ${describe(validate)}`;
    }
    for (const name of new Set(url.searchParams.keys())) {
      if (!known.has(name)) return `query parameter ${name} is not defined for ${entry.method} ${entry.fullTemplate}`;
    }
    return { params, query };
  };

  const bodyText = (body: SpecRequest['body']): string | undefined => {
    if (body === undefined) return undefined;
    if (typeof body === 'string') return body;
    return new TextDecoder().decode(body instanceof Uint8Array ? body : new Uint8Array(body));
  };

  const checkRequest = async (request: SpecRequest): Promise<RequestCheck> => {
    let url: URL;
    try {
      url = new URL(request.path, 'https://emulator.invalid');
    } catch {
      return { ok: false, reason: `${request.path} is not a valid path` };
    }
    if (url.origin !== 'https://emulator.invalid' || !request.path.startsWith('/')) {
      return { ok: false, reason: `${request.path} is not a site-relative path` };
    }
    const method = request.method.toUpperCase();
    const candidates = entries.filter((e) => e.matcher.test(url.pathname));
    if (candidates.length === 0) return { ok: false, reason: `no operation has the path ${url.pathname}` };
    const entry = candidates.find((e) => e.method === method);
    if (!entry) {
      return { ok: false, reason: `${method} is not defined for ${url.pathname} (defined: ${[...new Set(candidates.map((c) => c.method))].join(', ')})` };
    }
    const pathValues = (entry.matcher.exec(url.pathname) ?? []).slice(1);
    const checked = checkParameters(entry, pathValues, url);
    const base = {
      spec: entry.spec,
      method,
      template: entry.template,
      fullTemplate: entry.fullTemplate,
      operationId: entry.operationId,
    };
    if (typeof checked === 'string') return { ok: false, reason: `${entry.operationId}: ${checked}`, operation: { ...base, pathParams: {}, query: {} } };
    const operation: MatchedOperation = { ...base, pathParams: checked.params, query: checked.query };

    const requestBody = deref(entry.spec, entry.operation['requestBody']);
    const hasBody = request.body !== undefined && (typeof request.body === 'string' ? request.body.length > 0 : request.body.byteLength > 0);
    if (!requestBody) {
      return hasBody ? { ok: false, reason: `${entry.operationId}: takes no request body`, operation } : { ok: true, operation };
    }
    if (!hasBody) {
      return requestBody['required'] === true ? { ok: false, reason: `${entry.operationId}: a request body is required`, operation } : { ok: true, operation };
    }
    const contentTypes = isObject(requestBody['content']) ? requestBody['content'] : {};
    const headerType = Object.entries(request.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
    const mediaType = headerType.split(';')[0]?.trim().toLowerCase() ?? '';
    const media = contentTypes[mediaType];
    if (!isObject(media)) {
      return { ok: false, reason: `${entry.operationId}: content type "${mediaType}" is not accepted (accepted: ${Object.keys(contentTypes).join(', ')})`, operation };
    }
    const schema = deref(entry.spec, media['schema']) ?? {};
    if (mediaType === 'multipart/form-data') {
      let form: FormData;
      try {
        form = await new Response(request.body as BodyInit, { headers: { 'content-type': headerType } }).formData();
      } catch {
        return { ok: false, reason: `${entry.operationId}: the multipart body cannot be parsed`, operation };
      }
      const declared = isObject(schema['properties']) ? Object.keys(schema['properties']) : [];
      const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
      for (const name of required) if (!form.has(name)) return { ok: false, reason: `${entry.operationId}: multipart part "${name}" is required`, operation };
      const names = new Set<string>();
      form.forEach((_value, name) => names.add(name));
      for (const name of names) {
        if (!declared.includes(name)) return { ok: false, reason: `${entry.operationId}: multipart part "${name}" is not defined`, operation };
      }
      return { ok: true, operation, form };
    }
    let json: unknown;
    try {
      json = JSON.parse(bodyText(request.body) ?? '');
    } catch {
      return { ok: false, reason: `${entry.operationId}: the request body is not JSON`, operation };
    }
    const validate = validatorFor(`${entry.spec}:${entry.operationId}:body:${mediaType}`, entry.spec, media['schema'] ?? {});
    if (!validate(json)) return { ok: false, reason: `${entry.operationId}: request body ${describe(validate)}`, operation };
    return { ok: true, operation, json };
  };

  const checkResponse = (operation: MatchedOperation, status: number, body: unknown): string[] => {
    const entry = entries.find((e) => e.operationId === operation.operationId && e.spec === operation.spec && e.method === operation.method);
    if (!entry) return [`unknown operation ${operation.operationId}`];
    const responses = isObject(entry.operation['responses']) ? entry.operation['responses'] : {};
    const response = deref(entry.spec, responses[String(status)] ?? responses['default']);
    const content = response && isObject(response['content']) ? response['content'] : undefined;
    const media = content?.['application/json'];
    if (!isObject(media) || !media['schema']) return [];
    const validate = validatorFor(`${entry.spec}:${entry.operationId}:response:${status}`, entry.spec, media['schema']);
    return validate(body) ? [] : (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}`);
  };

  return {
    checkRequest,
    checkResponse,
    operations: () => entries.map((e) => ({ spec: e.spec, method: e.method, fullTemplate: e.fullTemplate, operationId: e.operationId })),
  };
};

let shared: ConfluenceSpecs | undefined;
/** One parsed copy of the specs per process (parsing and compiling them is the slow part). */
export const confluenceSpecs = (): ConfluenceSpecs => {
  shared ??= createConfluenceSpecs();
  return shared;
};
