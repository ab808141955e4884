/**
 * The Confluence REST transport shared by every part of the adapter: request function types, safe
 * path building, status → DomainError mapping, JSON parsing against zod schemas, cursor pagination.
 */
import * as z from 'zod/mini';
import { DomainError } from '../../core/errors';

export interface RestHeaders {
  get(name: string): string | null;
}

export interface RestResponse {
  ok: boolean;
  status: number;
  headers: RestHeaders;
  json(): Promise<unknown>;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface RestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | ArrayBuffer;
}

/**
 * One authenticated Confluence request; `path` starts with /wiki/ and is already safe. Redirects are
 * followed (the v1 attachment download answers 302 to the media service).
 */
export type RequestFn = (path: string, init?: RestInit) => Promise<RestResponse>;

export const PAGE_ID = /^[0-9]{1,19}$/;
export const COMMENT_ID = /^[0-9]{1,19}$/;
export const ATTACHMENT_ID = /^(att)?[0-9]{1,19}$/;
export const SPACE_KEY = /^[A-Za-z0-9_~-]{1,255}$/;
export const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;

/** Tagged template: percent-encodes every value; refuses empty values and dot segments. */
export const path = (strings: TemplateStringsArray, ...values: (string | number)[]): string =>
  strings.reduce((acc, part, i) => {
    if (i === 0) return part;
    const raw = String(values[i - 1]);
    if (raw === '' || raw === '.' || raw === '..') throw new DomainError('invalid_input', 'Invalid identifier.');
    return acc + encodeURIComponent(raw) + part;
  }, '');

/** `name=v1&name=v2` (OpenAPI form style, explode: true), every value percent-encoded. */
export const repeated = (name: string, values: readonly string[]): string =>
  values.map((value) => `${name}=${encodeURIComponent(value)}`).join('&');

/** `_links.next` from Confluence, accepted only as a same-API relative path. */
export const nextPath = (next: string | null | undefined, expectedPrefix: string): string | undefined => {
  if (!next) return undefined;
  const full = next.startsWith('/wiki/') ? next : `/wiki${next.startsWith('/') ? '' : '/'}${next}`;
  if (!full.startsWith(expectedPrefix) || full.includes('..') || full.includes('//') || /[\s\\#]/.test(full)) {
    throw new DomainError('upstream_unavailable', 'Confluence returned an unexpected pagination link.');
  }
  return full;
};

/** Content that does not exist for this caller: an answer, never a failure. */
export const NOT_FOUND = new Set([404, 410]);
/** Confluence refused the app itself (credentials, scopes, site access): an admin problem, never "not found". */
export const REFUSED = new Set([401, 403]);

export const appUnauthorized = (status: number): DomainError =>
  new DomainError(
    'app_unauthorized',
    `Confluence refused the app's request (HTTP ${status}). A Confluence admin may need to check the Secure Share installation and its permissions.`,
    [{ rule: 'confluence.status', message: String(status) }],
  );

export const upstreamError = (res: RestResponse): DomainError => {
  if (REFUSED.has(res.status)) return appUnauthorized(res.status);
  if (res.status === 429) {
    const retryAfter = res.headers.get('retry-after');
    return new DomainError(
      'upstream_unavailable',
      'Confluence is rate limiting requests right now. Try again in a moment.',
      retryAfter ? [{ rule: 'retry-after', message: retryAfter }] : [],
    );
  }
  return new DomainError('upstream_unavailable', `Confluence answered with HTTP ${res.status}.`);
};

export const send = async (request: RequestFn, p: string, init?: RestInit): Promise<RestResponse> => {
  try {
    return await request(p, init);
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new DomainError('upstream_unavailable', 'Confluence could not be reached.');
  }
};

export const parse = async <S extends z.ZodMiniType>(res: RestResponse, schema: S): Promise<z.output<S>> => {
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new DomainError('upstream_unavailable', 'Confluence returned a response that is not JSON.');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new DomainError('upstream_unavailable', 'Confluence returned an unexpected response.');
  return parsed.data;
};

export const JSON_HEADERS = { Accept: 'application/json' };
export const JSON_BODY_HEADERS = { ...JSON_HEADERS, 'Content-Type': 'application/json' };

/** GET + parse; undefined when the content does not exist (404/410); 401/403 → app_unauthorized. */
export const getJson = async <S extends z.ZodMiniType>(
  request: RequestFn,
  p: string,
  schema: S,
): Promise<z.output<S> | undefined> => {
  const res = await send(request, p, { headers: JSON_HEADERS });
  if (res.ok) return parse(res, schema);
  if (NOT_FOUND.has(res.status)) return undefined;
  throw upstreamError(res);
};

/** Like getJson, but a refusal (401/403) also reads as "not available to this caller". */
export const getJsonOrHidden = async <S extends z.ZodMiniType>(
  request: RequestFn,
  p: string,
  schema: S,
): Promise<z.output<S> | undefined> => {
  const res = await send(request, p, { headers: JSON_HEADERS });
  if (res.ok) return parse(res, schema);
  if (NOT_FOUND.has(res.status) || REFUSED.has(res.status)) return undefined;
  throw upstreamError(res);
};

const MAX_LIST_PAGES = 50;

/** Follows `_links.next` (cursor pagination) until the last page, `maxPages` pages or at least `maxItems` items. */
export const collect = async <T>(
  request: RequestFn,
  first: string,
  schema: z.ZodMiniType<{ results: T[]; _links?: { next?: string | null | undefined } | null | undefined }>,
  limits: { maxPages?: number; maxItems?: number; onPage?: (items: T[]) => void } = {},
): Promise<T[] | undefined> => {
  const maxPages = limits.maxPages ?? MAX_LIST_PAGES;
  const maxItems = limits.maxItems ?? Infinity;
  const queryAt = first.indexOf('?');
  const prefix = queryAt === -1 ? first : first.slice(0, queryAt);
  const items: T[] = [];
  let next: string | undefined = first;
  for (let pageNo = 0; next && pageNo < maxPages && items.length < maxItems; pageNo += 1) {
    const body: { results: T[]; _links?: { next?: string | null | undefined } | null | undefined } | undefined = await getJson(
      request,
      next,
      schema,
    );
    if (!body) return pageNo === 0 ? undefined : items;
    items.push(...body.results);
    limits.onPage?.(body.results);
    next = nextPath(body._links?.next, prefix);
  }
  return items;
};

export { mapLimited } from '../../core/concurrency';

/** Splits a list into chunks of at most `size` (request parameters with a maxItems). */
export const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export const epoch = (value: string | null | undefined): number => {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : 0;
};

/** Longest single wait (Retry-After or backoff) before a retry; a longer Retry-After fails the request at once. */
export const MAX_RETRY_AFTER_MS = 2000;
/** Retries of one request answered 429 or 503. */
export const MAX_RETRIES = 3;
/** All retry waits of one adapter (= one invocation) together stay within this budget (a view has 55 s). */
export const RETRY_BUDGET_MS = 20_000;
/** Wait before the first retry when Confluence gives no Retry-After; doubled per retry. */
const BACKOFF_BASE_MS = 250;
/** Up to this share is added to each wait so that throttled callers do not all come back at once. */
const JITTER = 0.2;

const RETRIED_STATUSES = new Set([429, 503]);

/** Seconds (or an HTTP date) of a Retry-After header as milliseconds from `now`; undefined when unreadable. */
export const retryAfterMs = (value: string | null, now: number): number | undefined => {
  if (value === null) return undefined;
  if (/^\s*\d{1,6}\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
};

/** Reads, and the content permission check (a POST that changes nothing): safe to send again. */
const isRetrySafe = (p: string, init: RestInit | undefined): boolean => {
  const method = (init?.method ?? 'GET').toUpperCase();
  return method === 'GET' || (method === 'POST' && /^\/wiki\/rest\/api\/content\/[0-9]+\/permission\/check$/.test(p));
};

export interface RetryOptions {
  /** Longest single wait; 0 turns retries off. */
  maxWaitMs?: number;
  maxRetries?: number;
  /** Total wait of all retries through this request function. */
  budgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** [0, 1): jitter source (injected in tests). */
  random?: () => number;
}

/**
 * Rate limits are a normal condition: Confluence's quota is shared by every installation of the app.
 * Reads answered 429 or 503 are retried up to `maxRetries` times, after the Retry-After Confluence
 * asks for (or a doubling backoff without one), jittered, as long as each wait stays short and all
 * waits together stay within the budget. Writes are never retried (a POST may have been applied).
 */
export const retryingReads = (request: RequestFn, options: RetryOptions = {}): RequestFn => {
  const maxWait = options.maxWaitMs ?? MAX_RETRY_AFTER_MS;
  const maxRetries = options.maxRetries ?? MAX_RETRIES;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? (() => Date.now());
  const random = options.random ?? Math.random;
  let budgetLeft = options.budgetMs ?? RETRY_BUDGET_MS;
  return async (p, init) => {
    let res = await request(p, init);
    for (let attempt = 0; attempt < maxRetries && RETRIED_STATUSES.has(res.status) && isRetrySafe(p, init); attempt += 1) {
      const asked = retryAfterMs(res.headers.get('retry-after'), now());
      const base = asked ?? BACKOFF_BASE_MS * 2 ** attempt;
      if (base > maxWait) return res;
      const wait = Math.min(maxWait, Math.round(base + base * JITTER * random()));
      if (wait > budgetLeft) return res;
      budgetLeft -= wait;
      await sleep(wait);
      res = await request(p, init);
    }
    return res;
  };
};
