/**
 * What the local server checks before any route runs (issue 11, item 6). A server on localhost is
 * still reachable from every web page the developer opens:
 *   - DNS rebinding: evil.example re-resolves to 127.0.0.1 and reads the demo links and the outbox with
 *     `Host: evil.example`; only the server's own host names are answered;
 *   - drive-by writes: a page on another site posts a "simple" request (text/plain, no preflight) to
 *     /api/invoke/resetApp; resolver calls and dev events must come from the server's own pages (or
 *     from scripts such as curl, which send neither Origin nor Sec-Fetch-Site).
 */
import type { HttpRequest } from '../web/http';
import { header } from '../web/http';

/** A bind address that stands for every interface: the host name it is reached by is unknown. */
const WILDCARD_BIND = new Set(['0.0.0.0', '::', '']);

/** `Host` values the server answers: localhost, 127.0.0.1 and [::1] on its port, plus an explicit bind host. */
export const ownHostsFor = (port: number, bindHost?: string): Set<string> => {
  const hosts = new Set([`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);
  if (bindHost !== undefined && !WILDCARD_BIND.has(bindHost)) {
    hosts.add(`${bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost}:${port}`.toLowerCase());
  }
  return hosts;
};

/** The host (and port, when not the scheme's default) of a custom share domain, e.g. a tunnel to this server. */
export const hostOfUrl = (url: string | null | undefined): string | null => {
  if (!url) return null;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
};

/** True when the request's single Host header names this server (one of `allowed`). */
export const hasOwnHost = (headers: Record<string, string[] | undefined>, allowed: ReadonlySet<string>): boolean => {
  const values = headers['host'];
  if (values === undefined || values.length !== 1) return false;
  const host = (values[0] ?? '').trim().toLowerCase();
  return allowed.has(host);
};

/** The media type of the body, lower-cased, without parameters ('' when absent). */
export const mediaTypeOf = (req: HttpRequest): string => (header(req, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * True unless the browser says the request comes from another site: Sec-Fetch-Site absent, `same-origin`
 * or `none` (typed into the address bar), and Origin absent or exactly this server's origin (the Host
 * header has already been checked to be one of ours; https for a custom domain tunnelled to this server).
 */
export const isSameOriginRequest = (req: HttpRequest): boolean => {
  const site = header(req, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = header(req, 'origin');
  if (origin === undefined) return true;
  const host = header(req, 'host')?.trim().toLowerCase();
  if (host === undefined) return false;
  // https: when a custom share domain tunnels to this server.
  return [`http://${host}`, `https://${host}`].includes(origin.trim().toLowerCase());
};
