/**
 * Forge web trigger ↔ platform-neutral HttpRequest/HttpResponse (src/web/http.ts).
 *
 * Undocumented platform behaviour (research/security.md §1.6) is settled on each site by the self-test
 * (global settings → Diagnostics, src/app/diagnostics.ts), whose results set these options:
 * - S4: the response body is a string with no documented base64 flag. By default binary bodies are
 *   sent base64-encoded with `X-Body-Encoding: base64` (lossless and detectable, but a browser will not
 *   decode it), so the view embeds pictures and downloads in pages. `binaryResponses` switches to the
 *   mode the self-test proved byte-exact ('latin1' string or base64 with `isBase64Encoded`).
 * - S5: the request body arrives as a string. By default we assume the platform decoded the bytes as
 *   UTF-8 and re-encode to the latin1 byte string HttpRequest.body promises. Binary uploads cannot be
 *   shown to arrive intact that way, so `refuseUnprovenUploads` refuses any upload carrying non-ASCII
 *   bytes until the self-test proves an encoding byte-exact (`requestBodyEncoding`).
 */
import { BINARY_MODE_HEADER, type BinaryResponseMode, type BodyEncoding } from '../../app/diagnostics-results';
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
  /** Only in the 'base64-flag' binary mode, which the self-test tries (not documented by Forge). */
  isBase64Encoded?: boolean;
}

export interface WebTriggerAdapterOptions {
  /** How the platform turned request bytes into the body string (default 'utf8', see S5). */
  requestBodyEncoding?: BodyEncoding;
  /**
   * Refuse multipart uploads whose body carries non-ASCII characters: with an unproven body encoding
   * their bytes may not arrive intact (S5). Off once the self-test proved an encoding byte-exact.
   */
  refuseUnprovenUploads?: boolean;
  /** How binary response bodies are sent (default 'base64-header', see S4). */
  binaryResponses?: BinaryResponseMode;
  /** Logs adapter failures; never receives request bodies or secrets. */
  log?: (message: string, error: unknown) => void;
}


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
  return {
    method: String(req.method || 'GET').toUpperCase(),
    path: normalizePath(req.userPath),
    headers,
    query,
    body: bodyBytesOf(req.body ?? '', options.requestBodyEncoding ?? 'utf8'),
  };
};

/** The body as the latin1 byte string HttpRequest.body promises, under the given host encoding. */
const bodyBytesOf = (body: string, encoding: BodyEncoding): string => {
  if (encoding === 'latin1') return body;
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('latin1');
  return utf8ToLatin1Bytes(body);
};

const headerValue = (headers: Record<string, string[]>, name: string): string | undefined => {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key]?.[0] : undefined;
};

const BINARY_MODES = new Set<string>(['base64-header', 'latin1', 'base64-flag']);

export const toForgeResponse = (res: HttpResponse, binaryResponses: BinaryResponseMode = 'base64-header'): ForgeWebTriggerResponse => {
  const headers: Record<string, string[]> = {};
  let mode = binaryResponses;
  for (const [name, values] of Object.entries(res.headers)) {
    if (name.toLowerCase() === BINARY_MODE_HEADER.toLowerCase()) {
      // One response in a given mode (the self-test's probe); never sent on.
      if (values[0] && BINARY_MODES.has(values[0])) mode = values[0] as BinaryResponseMode;
      continue;
    }
    if (PLATFORM_HEADERS.has(name.toLowerCase())) continue;
    headers[name] = [...values];
  }
  if (typeof res.body === 'string') return { statusCode: res.status, headers, body: res.body };
  if (mode === 'latin1') return { statusCode: res.status, headers, body: Buffer.from(res.body).toString('latin1') };
  if (mode === 'base64-flag') return { statusCode: res.status, headers, body: Buffer.from(res.body).toString('base64'), isBase64Encoded: true };
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

const UPLOAD_REFUSED_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>File not accepted</title></head>' +
  '<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#172b4d">' +
  '<h1>File not accepted</h1><p>This site cannot yet guarantee that uploaded files arrive unchanged, so only plain-text files ' +
  '(letters, digits and punctuation without accents) can be uploaded through a share link for now. Go back with your ' +
  "browser's Back button. A Confluence administrator can run Secure Share's self-test (Secure Share settings → Diagnostics) " +
  'to allow every file type.</p><p><a href=".">Back to the page</a></p></body></html>';

const isMultipart = (req: ForgeWebTriggerRequest): boolean =>
  Object.entries(req.headers ?? {}).some(([name, value]) => name.toLowerCase() === 'content-type' && /^\s*multipart\//i.test(asArray(value)[0] ?? ''));

/** An upload whose bytes cannot be shown to survive the unproven body encoding (any non-ASCII character). */
const unprovenUpload = (req: ForgeWebTriggerRequest): boolean =>
  String(req.method).toUpperCase() === 'POST' && isMultipart(req) && /[^\x00-\x7f]/.test(req.body ?? '');

const uploadRefused = (): ForgeWebTriggerResponse => {
  const { 'Retry-After': _retry, ...headers } = adapterFailureResponse().headers;
  return { statusCode: 415, headers, body: UPLOAD_REFUSED_HTML };
};

/** Wraps a platform-neutral handler as a Forge web trigger function that never throws. */
export const createWebTriggerHandler =
  (handle: (req: HttpRequest) => Promise<HttpResponse>, options: WebTriggerAdapterOptions = {}) =>
  async (req: ForgeWebTriggerRequest): Promise<ForgeWebTriggerResponse> => {
    try {
      if (options.refuseUnprovenUploads && unprovenUpload(req)) return uploadRefused();
      const res = await handle(toHttpRequest(req, options));
      if (!Number.isInteger(res.status) || res.status < 100 || res.status > 599 || res.status === 500) {
        throw new Error(`handler returned status ${String(res.status)}`);
      }
      return withinBudget(toForgeResponse(res, options.binaryResponses));
    } catch (error) {
      (options.log ?? ((message, e) => console.error(message, e instanceof Error ? e.message : 'unknown error')))(
        'Share endpoint failed',
        error,
      );
      return adapterFailureResponse();
    }
  };
