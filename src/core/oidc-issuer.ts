/**
 * Checks an OIDC issuer identifier before anything is stored or fetched: https only, a DNS host name
 * (no IP literal, no localhost or single-label host), no credentials, query or fragment (T21, T23, P2).
 * The identifier is otherwise kept verbatim: ID tokens carry `iss` exactly as the provider spells it,
 * trailing slash included (e.g. Auth0), and the relying party compares it exactly.
 * Returns a reason, or null when valid.
 *
 * `loopbackOrigin` is local mode's narrow exception: the local server's own origin
 * (http://localhost:<port>, http://127.0.0.1:<port> or http://[::1]:<port>), where its demo identity
 * provider lives. An issuer of exactly that origin is accepted over http; nothing else is. Production
 * composition roots never pass it.
 */
export const issuerProblem = (issuer: string, options: { loopbackOrigin?: string | undefined } = {}): string | null => {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'issuer is not a URL';
  }
  if (url.username || url.password) return 'issuer must not carry credentials';
  if (url.search || url.hash || issuer.includes('#') || issuer.includes('?')) return 'issuer must not have a query or fragment';
  if (isAllowedLoopback(url, options.loopbackOrigin)) return null;
  if (url.protocol !== 'https:') return 'issuer must use https';
  const host = url.hostname;
  if (host.startsWith('[') || /^[0-9.]+$/.test(host)) return 'issuer must be a host name, not an IP address';
  if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) return 'issuer must be a public host name';
  return null;
};

const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Whether `origin` is an http origin on this machine (the only kind local mode may allow). */
export const isLoopbackHttpOrigin = (origin: string): boolean => {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname) && url.origin === origin;
  } catch {
    return false;
  }
};

/** True only when the URL is on exactly the allowed loopback origin (itself an http loopback origin). */
export const isAllowedLoopback = (url: URL, loopbackOrigin: string | undefined): boolean =>
  loopbackOrigin !== undefined && isLoopbackHttpOrigin(loopbackOrigin) && url.protocol === 'http:' && url.origin === loopbackOrigin;
