import { linkAuditScope, recordAudit } from '../app/audit';
import type { HttpResponse } from './http';
import { renderMessagePage } from './render/pages';
import { htmlResponse, notFoundResponse, redirectResponse } from './responses';
import type { ShareContext } from './share-context';
import { serializeSessionCookie, sessionPayload, signSession, SESSION_MAX_AGE_MS, type VisitorSession } from './session';

/** The generic 404, with the real reason recorded in the audit log (never shown). */
export const deniedResponse = async (ctx: Pick<ShareContext, 'deps' | 'link'>, reason: string): Promise<HttpResponse> => {
  await recordAudit(ctx.deps, {
    action: 'view_denied',
    actor: 'visitor',
    ...linkAuditScope(ctx.link),
    detail: reason,
  });
  return notFoundResponse();
};

/** A branded message page (link known, so branding may show). */
export const messageResponse = (
  ctx: Pick<ShareContext, 'site'>,
  status: number,
  title: string,
  message: string,
  back?: { url: string; label: string },
): HttpResponse => htmlResponse(status, renderMessagePage({ title, message, branding: ctx.site.customization, back }), [], ctx.site.customization);

/** Set-Cookie for the session (the cookie carrier); sent whenever the browser did not present it. */
export const sessionCookieHeader = (ctx: ShareContext, session: VisitorSession): string =>
  serializeSessionCookie(
    ctx.cookie.name,
    signSession(ctx.key, sessionPayload(session, 'c', ctx.now)),
    Math.min(SESSION_MAX_AGE_MS, session.expiresAt - ctx.now) / 1000,
    ctx.cookie.policy,
  );

export const cookiesToRefresh = (ctx: ShareContext): string[] =>
  ctx.sessionSource === 'cookie' ? [] : [sessionCookieHeader(ctx, ctx.session)];

/**
 * After a gate passed (or a session changed): set the upgraded cookie and go to `target`. When the
 * browser did not send a cookie with this request, the redirect also carries a fresh ticket so a
 * cookie-less browser keeps its session (T6).
 */
export const redirectWithSession = (ctx: ShareContext, session: VisitorSession, target: string): HttpResponse => {
  const cookie = sessionCookieHeader(ctx, session);
  if (ctx.sessionSource === 'cookie') return redirectResponse(target, [cookie]);
  const ticket = signSession(ctx.key, sessionPayload(session, 't', ctx.now));
  const hash = target.indexOf('#');
  const [path, fragment] = hash === -1 ? [target, ''] : [target.slice(0, hash), target.slice(hash)];
  const separator = path.includes('?') ? '&' : '?';
  return redirectResponse(`${path}${separator}t=${encodeURIComponent(ticket)}${fragment}`, [cookie]);
};
