/**
 * Absolute URLs the anonymous view shows, built only from the configured base (custom domain, web
 * trigger URL or the local server) and server-side values, never from the request's Host (K8).
 * In ticket mode (the browser returned no cookie) every navigational URL carries `?t=<ticket>`.
 */
export interface ShareUrls {
  base: string;
  root(): string;
  page(pageId: string): string;
  /** POST target (forms carry the ticket in a hidden field instead of the URL). */
  action(pageId: string | null, suffix: string): string;
  attachment(pageId: string, attachmentId: string): string;
  image(pageId: string, fileName: string): string;
  ssoStart(): string;
  ssoCallback(): string;
  logout(): string;
  unsubscribe(subscriptionId: string, signature: string): string;
  withNotice(url: string, notice: string): string;
}

export const createShareUrls = (base: string, token: string, rootPageId: string, ticket: string | null): ShareUrls => {
  const origin = base.replace(/\/+$/, '');
  const linkRoot = `${origin}/s/${token}`;
  const scope = (pageId: string | null): string => (pageId === null || pageId === rootPageId ? linkRoot : `${linkRoot}/p/${pageId}`);
  const carry = (url: string): string => (ticket ? `${url}${url.includes('?') ? '&' : '?'}t=${encodeURIComponent(ticket)}` : url);
  return {
    base: origin,
    root: () => carry(linkRoot),
    page: (pageId) => carry(scope(pageId)),
    action: (pageId, suffix) => `${scope(pageId)}${suffix}`,
    attachment: (pageId, attachmentId) => carry(`${scope(pageId)}/a/${encodeURIComponent(attachmentId)}`),
    image: (pageId, fileName) => carry(`${linkRoot}/img/${pageId}/${encodeURIComponent(fileName)}`),
    ssoStart: () => carry(`${linkRoot}/sso/start`),
    ssoCallback: () => `${linkRoot}/sso/callback`,
    logout: () => carry(`${linkRoot}/logout`),
    unsubscribe: (subscriptionId, signature) => `${linkRoot}/unsubscribe/${subscriptionId}?sig=${encodeURIComponent(signature)}`,
    withNotice: (url, notice) => `${url}${url.includes('?') ? '&' : '?'}n=${encodeURIComponent(notice)}`,
  };
};
