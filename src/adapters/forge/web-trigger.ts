/**
 * Forge web trigger ↔ platform-neutral HttpRequest/HttpResponse (src/web/http.ts).
 *
 * To verify on a real site (research/security.md §1.6):
 * - S4: the response body is a string and there is no documented base64 flag. Text bodies pass
 *   through; binary bodies are sent base64-encoded with `X-Body-Encoding: base64` (lossless and
 *   detectable, but a browser will not decode it). The web layer should prefer inline data: URLs
 *   for images on Forge until the spike shows how bytes survive (`FORGE_BINARY_RESPONSES`).
 * - S5: the request body arrives as a string. We assume the platform decoded the bytes as UTF-8
 *   (JSON transport) and re-encode to the latin1 byte string HttpRequest.body promises; binary file
 *   uploads may be lossy until verified (`requestBodyEncoding: 'latin1'` switches the assumption).
 */
import type { HttpRequest, HttpResponse } from '../../web/http';
import { WEB_TRIGGER_RESPONSE_BUDGET } from '../../web/responses';

/** The request Forge passes (WebTriggerRequest in @forge/api 8.3 plus the documented `userPath`). */
export interface ForgeWebTriggerRequest {
  method: string;
  path?: string;
  /** Path after the trigger id, '' when absent (forge-facts §2). */
  userPath?: string;
  headers?: Record<string, string[] | string | undefined>;
  queryParameters?: Record<string, string[] | string | undefined>;
  body?: string | null;
}

export interface ForgeWebTriggerResponse {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string;
}

export interface WebTriggerAdapterOptions {
  /** How the platform turned request bytes into the body string (default 'utf8', see S5). */
  requestBodyEncoding?: 'utf8' | 'latin1';
  /** Logs adapter failures; never receives request bodies or secrets. */
  log?: (message: string, error: unknown) => void;
}

/** Whether binary response bodies are known to reach the browser intact on Forge (spike S4). */
export const FORGE_BINARY_RESPONSES = false;

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|xhtml\+xml)|image\/svg\+xml)/i;
/** Headers the platform computes; a stale value would corrupt the response. */
const PLATFORM_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

const asArray = (value: string[] | string | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

const utf8ToLatin1Bytes = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

/** Normalizes the user path: always starts with '/', never contains a query or fragment. */
const normalizePath = (userPath: string | undefined): string => {
  const raw = (userPath ?? '').split(/[?#]/, 1)[0] ?? '';
  return raw.startsWith('/') ? raw : `/${raw}`;
};

export const toHttpRequest = (req: ForgeWebTriggerRequest, options: WebTriggerAdapterOptions = {}): HttpRequest => {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    const key = name.toLowerCase();
    headers[key] = [...(headers[key] ?? []), ...asArray(value)];
  }
  const query: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(req.queryParameters ?? {})) query[name] = asArray(value);
  const body = req.body ?? '';
  return {
    method: String(req.method || 'GET').toUpperCase(),
    path: normalizePath(req.userPath),
    headers,
    query,
    body: options.requestBodyEncoding === 'latin1' ? body : utf8ToLatin1Bytes(body),
  };
};

const headerValue = (headers: Record<string, string[]>, name: string): string | undefined => {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key]?.[0] : undefined;
};

export const toForgeResponse = (res: HttpResponse): ForgeWebTriggerResponse => {
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(res.headers)) {
    if (PLATFORM_HEADERS.has(name.toLowerCase())) continue;
    headers[name] = [...values];
  }
  if (typeof res.body === 'string') return { statusCode: res.status, headers, body: res.body };
  const contentType = headerValue(res.headers, 'content-type') ?? 'application/octet-stream';
  if (TEXT_TYPES.test(contentType)) {
    try {
      return { statusCode: res.status, headers, body: new TextDecoder('utf-8', { fatal: true }).decode(res.body) };
    } catch {
      // Not valid UTF-8 despite a text type: fall through to base64.
    }
  }
  headers['X-Body-Encoding'] = ['base64'];
  return { statusCode: res.status, headers, body: Buffer.from(res.body).toString('base64') };
};

const FAILURE_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable</title></head>' +
  '<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#172b4d">' +
  '<h1>Temporarily unavailable</h1><p>This shared page cannot be shown right now. Please try again in a few minutes.</p>' +
  '</body></html>';

/** Sent when the handler itself fails: 503 (never 500), no details, same hardening headers. */
export const adapterFailureResponse = (): ForgeWebTriggerResponse => ({
  statusCode: 503,
  headers: {
    'Content-Type': ['text/html; charset=utf-8'],
    'Content-Security-Policy': ["default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"],
    'Cache-Control': ['no-store, max-age=0'],
    'Referrer-Policy': ['no-referrer'],
    'X-Robots-Tag': ['noindex, nofollow'],
    'X-Content-Type-Options': ['nosniff'],
    'X-Frame-Options': ['DENY'],
    'Retry-After': ['60'],
  },
  body: FAILURE_HTML,
});

/** UTF-8 bytes of what the platform will send: body plus header lines. */
export const forgeResponseBytes = (res: ForgeWebTriggerResponse): number => {
  let bytes = Buffer.byteLength(res.body, 'utf8');
  for (const [name, values] of Object.entries(res.headers)) for (const value of values) bytes += Buffer.byteLength(`${name}: ${value}\r\n`, 'utf8');
  return bytes;
};

const TOO_LARGE_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Too large to show</title></head>' +
  '<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#172b4d">' +
  '<h1>Too large to show</h1><p>This part of the shared page is larger than a share link can deliver. Ask the person who shared it to send it another way.</p>' +
  '</body></html>';

/**
 * Last line of the response budget: pages are built to fit it (responses.ts), and anything that still
 * does not is replaced by a short 413 page rather than failing on the platform's 5 MB limit.
 */
const withinBudget = (res: ForgeWebTriggerResponse): ForgeWebTriggerResponse => {
  if (forgeResponseBytes(res) <= WEB_TRIGGER_RESPONSE_BUDGET) return res;
  const failure = adapterFailureResponse();
  const { 'Retry-After': _retry, ...headers } = failure.headers;
  return { statusCode: 413, headers, body: TOO_LARGE_HTML };
};

/** Wraps a platform-neutral handler as a Forge web trigger function that never throws. */
export const createWebTriggerHandler =
  (handle: (req: HttpRequest) => Promise<HttpResponse>, options: WebTriggerAdapterOptions = {}) =>
  async (req: ForgeWebTriggerRequest): Promise<ForgeWebTriggerResponse> => {
    try {
      const res = await handle(toHttpRequest(req, options));
      if (!Number.isInteger(res.status) || res.status < 100 || res.status > 599 || res.status === 500) {
        throw new Error(`handler returned status ${String(res.status)}`);
      }
      return withinBudget(toForgeResponse(res));
    } catch (error) {
      (options.log ?? ((message, e) => console.error(message, e instanceof Error ? e.message : 'unknown error')))(
        'Share endpoint failed',
        error,
      );
      return adapterFailureResponse();
    }
  };
