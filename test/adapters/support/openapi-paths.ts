/**
 * A small request matcher over Atlassian's Confluence OpenAPI files (spec/confluence-openapi/): is
 * `METHOD path?query` a defined operation, with every path and query parameter declared and inside
 * its schema (integer, minimum/maximum, enum, pattern, array maxItems, required)? Enough for the REST
 * adapter's own tests; the Confluence emulator validates bodies and responses with ajv.
 */
import { readFileSync } from 'node:fs';

type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  maxItems?: number;
  items?: Schema;
  required?: string[];
  properties?: Record<string, Schema>;
};
interface Parameter {
  $ref?: string;
  name: string;
  in: string;
  required?: boolean;
  style?: string;
  explode?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { $ref?: string; content?: Record<string, { schema?: Schema }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation | Parameter[]>>;
  components: { parameters?: Record<string, Parameter>; schemas?: Record<string, Schema>; requestBodies?: Record<string, unknown> };
}

const load = (name: string): Spec =>
  JSON.parse(readFileSync(new URL(`../../../spec/confluence-openapi/confluence-${name}.json`, import.meta.url), 'utf8')) as Spec;

const SPECS = [
  { spec: load('v1'), base: '' },
  { spec: load('v2'), base: '/wiki/api/v2' },
];

const deref = <T extends { $ref?: string }>(spec: Spec, node: T): T => {
  let current: { $ref?: string } = node;
  for (let hops = 0; current.$ref && hops < 10; hops += 1) {
    const parts = current.$ref.replace(/^#\//, '').split('/');
    current = parts.reduce<unknown>((acc, key) => (acc as Record<string, unknown>)[key], spec) as { $ref?: string };
  }
  return current as T;
};

const checkValue = (spec: Spec, raw: string, schemaRef: Schema | undefined, where: string): string[] => {
  if (!schemaRef) return [];
  const schema = deref(spec, schemaRef);
  const errors: string[] = [];
  if (schema.type === 'integer' || schema.type === 'number') {
    if (!/^-?[0-9]+$/.test(raw)) return [`${where}: ${raw} is not an integer`];
    const n = Number(raw);
    if (schema.minimum !== undefined && n < schema.minimum) errors.push(`${where}: ${n} < minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && n > schema.maximum) errors.push(`${where}: ${n} > maximum ${schema.maximum}`);
  }
  if (schema.type === 'boolean' && raw !== 'true' && raw !== 'false') errors.push(`${where}: ${raw} is not a boolean`);
  if (schema.enum && !schema.enum.includes(raw)) errors.push(`${where}: ${raw} not in ${JSON.stringify(schema.enum)}`);
  if (schema.pattern && !new RegExp(schema.pattern).test(raw)) errors.push(`${where}: ${raw} does not match ${schema.pattern}`);
  return errors;
};

const matchTemplate = (template: string, path: string): Record<string, string> | undefined => {
  const names: string[] = [];
  const pattern = template
    .split('/')
    .map((segment) => {
      const param = /^\{([^}]+)\}$/.exec(segment);
      if (param?.[1]) {
        names.push(param[1]);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const m = new RegExp(`^${pattern}$`).exec(path);
  if (!m) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(m[i + 1] ?? '')]));
};

/** The spec operation a request matches: which API, and the path template as the spec writes it. */
export const matchOperation = (method: string, fullPath: string): { api: 'v1' | 'v2'; method: string; path: string } | undefined => {
  const pathPart = fullPath.split('?', 1)[0] ?? '';
  const verb = method.toLowerCase();
  const found = SPECS.flatMap(({ spec, base }, i) =>
    Object.entries(spec.paths).flatMap(([template, item]) =>
      item[verb] && pathPart.startsWith(base) && matchTemplate(base + template, pathPart)
        ? [{ api: (i === 0 ? 'v1' : 'v2') as 'v1' | 'v2', method: verb, path: template, literal: template.split('/').filter((x) => x !== '' && !x.startsWith('{')).length }]
        : [],
    ),
  ).sort((a, b) => b.literal - a.literal)[0];
  return found ? { api: found.api, method: found.method, path: found.path } : undefined;
};

/** Problems with one request ([] = a defined operation with valid parameters and JSON body keys). */
export const specProblems = (method: string, fullPath: string, body?: unknown): string[] => {
  const [pathPart = '', queryPart = ''] = fullPath.split('?', 2);
  const verb = method.toLowerCase();
  const candidates = SPECS.flatMap(({ spec, base }) =>
    Object.entries(spec.paths).flatMap(([template, item]) => {
      const op = item[verb] as Operation | undefined;
      if (!op || !pathPart.startsWith(base)) return [];
      const params = matchTemplate(base + template, pathPart);
      if (!params) return [];
      const literal = template.split('/').filter((s) => s !== '' && !s.startsWith('{')).length;
      const shared = (item['parameters'] as Parameter[] | undefined) ?? [];
      return [{ spec, template: base + template, op, params, literal, shared }];
    }),
  ).sort((a, b) => b.literal - a.literal);
  const match = candidates[0];
  if (!match) return [`${method} ${pathPart}: no such operation in the specs`];
  const { spec, op, params } = match;
  const where = `${method} ${match.template}`;
  const declared = [...match.shared, ...(op.parameters ?? [])].map((p) => deref(spec, p));
  const errors: string[] = [];
  for (const p of declared.filter((d) => d.in === 'path')) {
    const value = params[p.name];
    if (value === undefined) errors.push(`${where}: missing path parameter ${p.name}`);
    else errors.push(...checkValue(spec, value, p.schema, `${where} path ${p.name}`));
  }
  const query = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(queryPart)) query.set(name, [...(query.get(name) ?? []), value]);
  for (const [name, values] of query) {
    const p = declared.find((d) => d.in === 'query' && d.name === name);
    if (!p) {
      errors.push(`${where}: undeclared query parameter ${name}`);
      continue;
    }
    const schema = p.schema ? deref(spec, p.schema) : undefined;
    if (schema?.type === 'array') {
      const explode = p.explode ?? true;
      const items = explode ? values : values.length === 1 ? (values[0] ?? '').split(',') : [];
      if (!explode && values.length !== 1) errors.push(`${where}: ${name} must be one comma-separated value`);
      if (schema.maxItems !== undefined && items.length > schema.maxItems) errors.push(`${where}: ${name} has ${items.length} > ${schema.maxItems} items`);
      for (const item of items) errors.push(...checkValue(spec, item, schema.items, `${where} query ${name}`));
    } else {
      if (values.length !== 1) errors.push(`${where}: ${name} given ${values.length} times`);
      for (const value of values) errors.push(...checkValue(spec, value, p.schema, `${where} query ${name}`));
    }
  }
  for (const p of declared.filter((d) => d.in === 'query' && d.required)) {
    if (!query.has(p.name)) errors.push(`${where}: missing required query parameter ${p.name}`);
  }
  const bodySpec = op.requestBody ? deref(spec, op.requestBody) : undefined;
  const jsonSchema = bodySpec?.content?.['application/json']?.schema;
  if (jsonSchema && body !== undefined && typeof body === 'object' && body !== null) {
    const schema = deref(spec, jsonSchema);
    for (const key of schema.required ?? []) {
      if (!(key in body)) errors.push(`${where}: body misses required ${key}`);
    }
    for (const key of Object.keys(body)) {
      if (schema.properties && !(key in schema.properties)) errors.push(`${where}: body has undeclared ${key}`);
    }
  }
  return errors;
};
