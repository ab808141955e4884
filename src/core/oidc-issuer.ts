/**
 * Checks an OIDC issuer identifier before anything is stored or fetched: https only, a DNS host name
 * (no IP literal, no localhost or single-label host), no credentials, query or fragment (T21, T23, P2).
 * The identifier is otherwise kept verbatim: ID tokens carry `iss` exactly as the provider spells it,
 * trailing slash included (e.g. Auth0), and the relying party compares it exactly.
 * Returns a reason, or null when valid.
 */
export const issuerProblem = (issuer: string): string | null => {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'issuer is not a URL';
  }
  if (url.protocol !== 'https:') return 'issuer must use https';
  if (url.username || url.password) return 'issuer must not carry credentials';
  if (url.search || url.hash || issuer.includes('#') || issuer.includes('?')) return 'issuer must not have a query or fragment';
  const host = url.hostname;
  if (host.startsWith('[') || /^[0-9.]+$/.test(host)) return 'issuer must be a host name, not an IP address';
  if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) return 'issuer must be a public host name';
  return null;
};
