import { brandingImageOrigins } from '../core/branding-images';
import type { HttpResponse } from './http';
import type { Branding } from './render/layout';
import { NOT_FOUND_HTML } from './render/pages';

/**
 * No script at all; inline styles only (our stylesheet and sanitized style attributes). `imageOrigins`
 * are the https origins of the site's logo/favicon (core/branding-images), admitted in img-src only on
 * pages that show the branding; every other directive is the same on every response.
 */
export const contentSecurityPolicy = (imageOrigins: readonly string[] = []): string =>
  `default-src 'none'; script-src 'none'; img-src ${["'self'", 'data:', ...imageOrigins].join(' ')}; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/** Headers sent on every response, including 404, errors, redirects and downloads (T2, T16–T18). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store, max-age=0',
  Pragma: 'no-cache',
  'X-Robots-Tag': 'noindex, nofollow, noarchive, nosnippet, noimageindex',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

const HTML_TYPE = 'text/html; charset=utf-8';

/**
 * The most any response may weigh (body plus headers), under the web trigger's 5 MB limit with room for
 * what the platform adds. Pages are built to fit it (inline images, download pages), and the Forge
 * adapter refuses to send anything larger.
 */
export const WEB_TRIGGER_RESPONSE_BUDGET = 4.5 * 1024 * 1024;

/** Room a page keeps for its frame (layout, branding, notices) around the payload it carries. */
export const PAGE_FRAME_BYTES = 256 * 1024;

/**
 * The largest attachment a data: download page can carry: its base64 form plus the page frame stay
 * within the response budget.
 */
export const MAX_DATA_URL_DOWNLOAD_BYTES = Math.floor(((WEB_TRIGGER_RESPONSE_BUDGET - PAGE_FRAME_BYTES) * 3) / 4);

/** UTF-8 bytes of a response body plus its header lines (what counts against the platform limit). */
export const responseBytes = (res: HttpResponse): number => {
  const body = typeof res.body === 'string' ? Buffer.byteLength(res.body, 'utf8') : res.body.byteLength;
  let headers = 0;
  for (const [name, values] of Object.entries(res.headers)) for (const value of values) headers += name.length + value.length + 4;
  return body + headers;
};

const baseHeaders = (contentType: string, extra: Record<string, string[]> = {}, imageOrigins: readonly string[] = []): Record<string, string[]> => {
  const headers: Record<string, string[]> = { 'Content-Type': [contentType] };
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers[name] = [value];
  if (imageOrigins.length > 0) headers['Content-Security-Policy'] = [contentSecurityPolicy(imageOrigins)];
  for (const [name, values] of Object.entries(extra)) headers[name] = values;
  return headers;
};

/**
 * An HTML page. `branding` must be the one the page was rendered with: its https logo/favicon origins
 * join img-src for this response only. Unbranded pages (the 404, 503, 405) keep the base policy.
 */
export const htmlResponse = (status: number, body: string, setCookies: string[] = [], branding: Branding | null = null): HttpResponse => ({
  status,
  headers: baseHeaders(HTML_TYPE, setCookies.length > 0 ? { 'Set-Cookie': setCookies } : {}, brandingImageOrigins(branding)),
  body,
});

/** The single 404 for every "this link does not exist for you" outcome: identical bytes and headers (never branded). */
export const notFoundResponse = (): HttpResponse => htmlResponse(404, NOT_FOUND_HTML);

/** 303 See Other to a server-built absolute URL (never one taken from the request, T15). */
export const redirectResponse = (location: string, setCookies: string[] = []): HttpResponse => ({
  status: 303,
  headers: baseHeaders(HTML_TYPE, {
    Location: [location],
    ...(setCookies.length > 0 ? { 'Set-Cookie': setCookies } : {}),
  }),
  body: '',
});

export const binaryResponse = (
  contentType: string,
  bytes: Uint8Array,
  extra: Record<string, string[]> = {},
): HttpResponse => ({
  status: 200,
  headers: baseHeaders(contentType, { 'Content-Length': [String(bytes.byteLength)], ...extra }),
  body: bytes,
});

/**
 * Content-Disposition for a download: an ASCII fallback plus the exact UTF-8 name in filename*
 * (RFC 6266/5987). Quotes, backslashes, separators, control and bidi characters never reach the header (K1, K2).
 */
export const contentDisposition = (kind: 'attachment' | 'inline', fileName: string): string => {
  const cleaned = fileName
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069\u200E\u200F]/g, '')
    .replace(/[/\\]/g, '_')
    .trim();
  const name = cleaned === '' ? 'download' : cleaned.slice(0, 200);
  const ascii = name.replace(/[^\x20-\x7E]/g, '_').replace(/["%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
};
