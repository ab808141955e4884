import type { AppDeps } from '../app/deps';
import { linkAuditScope, recordAudit } from '../app/audit';
import { readPasswordThrottle, throttleClientOf } from '../app/view/password-gate';
import { defaultGlobalConfig, defaultSiteSettings } from '../core/defaults';
import { isClientIpHeaderName } from '../core/client-ip-header';
import { decideView, effectivePolicy, resolveSpaceLevel } from '../core/policy';
import { linkIdOf, tokenMatches } from '../core/token';
import { prefetchPageView, renderSharedPage } from './content-view';
import { creatorAccessKey } from '../app/view/creator-access';
import { MAX_UPLOAD_BYTES, MAX_URLENCODED_BYTES, parseForm, type FormProblem, type ParsedForm } from './forms';
import { gatePageFor, handleEmailSend, handleEmailVerify, handlePassword, handleSso, ssoApplies } from './gates';
import { header, type HttpRequest, type HttpResponse } from './http';
import { renderMessagePage } from './render/pages';
import { htmlResponse, notFoundResponse, redirectResponse } from './responses';
import type { ShareContext } from './share-context';
import { cookiesToRefresh, messageResponse } from './share-responses';
import { parseSharePath, type ShareRoute } from './share-routes';
import { searchShare } from './share-search';
import { createShareUrls } from './share-urls';
import { isSetupCheckPath } from '../app/setup-paths';
import { handleSsoCallbackHop, SSO_CALLBACK_PATH } from './sso-gate';
import {
  cookiePolicyFor,
  csrfMatches,
  csrfToken,
  keyedDigest,
  linkCookiePath,
  loadSessionKey,
  newSession,
  readCookie,
  serializeSessionCookie,
  sessionCookieName,
  sessionPayload,
  signSession,
  verifySession,
  type VisitorSession,
} from './session';
import { handleSharedWithMe, SHARED_WITH_ME_PATH } from './shared-with-me';
import { handleSubscriptionLink } from './subscription-links';
import { handleAuditExportDownload, isAuditExportPath } from './audit-export-download';
import { addComment, downloadAttachment, proxyImage, subscribe, unsubscribe, unsubscribeHere, uploadAttachment } from './visitor-actions';

/**
 * The anonymous share view: one platform-neutral handler behind both the Forge web trigger and the
 * local server. Order per request (SPEC "The anonymous view", perf A6):
 *   1. path and token format check — a malformed path costs no storage call (T1);
 *   2. store wave: link + global config + site settings + session key + share base URL, in parallel;
 *      the token is checked against the stored hash in constant time;
 *   3. store wave: space configuration (+ password attempt counters only for a password POST); a page
 *      view that link + global policy already allow starts its Confluence wave beside it (prefetch);
 *   4. the policy decision (pure) on every request; any deny is the same 404 page, reason audited;
 *   5. gates, or the route's content: one parallel wave of Confluence calls (or the prefetched one).
 * Any unexpected failure is a generic 503 page: never a 500, a stack trace, or content.
 */
export interface ShareHandlerOptions {
  /**
   * Embed pictures of shared pages as data: URLs instead of linking the image proxy. For hosts that
   * cannot return binary bodies to a browser (Forge web triggers until spike S4 says otherwise).
   */
  inlineImages?: boolean;
  /**
   * Serve attachment downloads as a page whose download link carries the file as a data: URL, for
   * hosts that cannot return binary bodies (Forge web triggers until spike S4 says otherwise).
   */
  inlineDownloads?: boolean;
  /**
   * The one-time-code send reply never comes sooner than this (wall clock), so the time an allowed
   * address spends on mail delivery does not tell visitors which addresses are allowed (M1/M11).
   */
  codeReplyFloorMs?: number;
}

export const createShareHandler =
  (deps: AppDeps, options: ShareHandlerOptions = {}) =>
  async (req: HttpRequest): Promise<HttpResponse> => {
    try {
      return await handleShareRequest(deps, req, options);
    } catch {
      return unavailableResponse();
    }
  };

const unavailableResponse = (): HttpResponse =>
  htmlResponse(
    503,
    renderMessagePage({
      title: 'Temporarily unavailable',
      message: 'This shared page cannot be shown right now. Please try again in a moment.',
      branding: null,
    }),
  );

const sizeLimit = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;

/** The branded page for a form that could not be read, with the limit when it was too large and a way back. */
const formProblemResponse = (ctx: ShareContext, problem: FormProblem): HttpResponse => {
  const pageId = 'pageId' in ctx.route ? ctx.route.pageId : null;
  const page = pageId ? ctx.urls.page(pageId) : ctx.urls.root();
  switch (problem) {
    case 'too_large':
      return ctx.route.kind === 'upload'
        ? messageResponse(ctx, 413, 'File too large', `Files can be at most ${sizeLimit(MAX_UPLOAD_BYTES)}. Choose a smaller file and try again.`, {
            url: `${page}#attachments`,
            label: 'Back to the page',
          })
        : messageResponse(ctx, 413, 'Too much text', `What you sent is larger than this page accepts (at most ${sizeLimit(MAX_URLENCODED_BYTES)}). Shorten it and try again.`, {
            url: page,
            label: 'Back to the page',
          });
    case 'unsupported_type':
      return messageResponse(ctx, 415, 'Request not accepted', 'The form was sent in a format this page does not accept.', { url: page, label: 'Back to the page' });
    case 'malformed':
      return messageResponse(ctx, 400, 'Request not accepted', 'The form could not be read. Reload the page and try again.', { url: page, label: 'Back to the page' });
  }
};

/**
 * The client IP used for the allow-list: the right-most entry of the configured header (default
 * X-Forwarded-For), i.e. the hop appended by the nearest proxy, never the client-supplied left part.
 * Which header the Atlassian edge sets, and whether its right-most entry is the real client, MUST be
 * verified on a real site (security.md spike S1) before relying on IP allow-lists in production.
 */
export const clientIpFrom = (req: HttpRequest, headerName: string): string | null => {
  const name = isClientIpHeaderName(headerName) ? headerName.toLowerCase() : 'x-forwarded-for';
  const entries = (req.headers[name] ?? [])
    .join(',')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  let ip = entries.at(-1);
  if (ip === undefined || ip.length > 64) return null;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$/.exec(ip);
  if (bracketed?.[1]) ip = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(ip)) ip = ip.slice(0, ip.indexOf(':'));
  return ip;
};

/** POSTs must come from our own pages: Fetch Metadata first, else an Origin equal to ours (T9). */
const sameOriginRequest = (req: HttpRequest, publicBase: string): boolean => {
  const site = header(req, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = header(req, 'origin');
  if (origin !== undefined && origin !== 'null') {
    const allowed = new Set<string>();
    let plainHttp = false;
    try {
      const base = new URL(publicBase);
      allowed.add(base.origin);
      plainHttp = base.protocol === 'http:';
    } catch {
      // An unparsable base leaves only the Host-derived origins.
    }
    const host = header(req, 'host');
    if (host) {
      allowed.add(`https://${host}`);
      if (plainHttp) allowed.add(`http://${host}`);
    }
    return allowed.has(origin);
  }
  return site !== undefined;
};

const ticketFrom = (req: HttpRequest, form: ParsedForm | null): string | undefined => form?.fields['t'] ?? req.query['t']?.[0];

const needsPasswordCounters = (route: ShareRoute, method: string): boolean => route.kind === 'password' && method === 'POST';

const handleShareRequest = async (deps: AppDeps, req: HttpRequest, options: ShareHandlerOptions): Promise<HttpResponse> => {
  if (req.path === SSO_CALLBACK_PATH) return handleSsoCallbackHop(deps, req);
  // Admin setup checks (test sign-in, custom domain): loaded only when asked for.
  if (isSetupCheckPath(req.path)) return (await import('./setup-checks')).handleSetupCheck(deps, req);
  if (req.path.startsWith('/subscriptions/')) return (await handleSubscriptionLink(deps, req)) ?? notFoundResponse();
  if (isAuditExportPath(req.path)) return (await handleAuditExportDownload(deps, req)) ?? notFoundResponse();
  if (req.path.startsWith(SHARED_WITH_ME_PATH)) return (await handleSharedWithMe(deps, req)) ?? notFoundResponse();
  const parsed = parseSharePath(req.path);
  if (!parsed) return notFoundResponse();
  const method = req.method.toUpperCase();
  if (!(parsed.methods as readonly string[]).includes(method)) {
    const response = htmlResponse(
      405,
      renderMessagePage({ title: 'Not allowed', message: 'This address does not accept that kind of request.', branding: null }),
    );
    return { ...response, headers: { ...response.headers, Allow: [parsed.methods.join(', ')] } };
  }
  const { token, route } = parsed;

  let form: ParsedForm | null = null;
  // An unreadable form is answered once the link is known, so the page can carry its branding and a
  // way back (an unknown or refused link still gets the same 404 as any other request).
  let formProblem: FormProblem | null = null;
  if (method === 'POST') {
    const result = await parseForm(req);
    if (result.ok) form = result.form;
    else formProblem = result.problem;
  }

  // Wave 1: everything that depends only on the token.
  const linkId = linkIdOf(token);
  // A page view also reads the creator's cached read rights now, so the checks they do not cover go
  // out with the first Confluence wave (content-view.ts). A failed read costs the cache, not the view.
  const creatorAccessRecord =
    route.kind === 'page' && method === 'GET'
      ? Promise.resolve()
          .then(() => deps.store.ephemeral.get(creatorAccessKey(linkId), deps.clock.now()))
          .catch(() => undefined)
      : undefined;
  // The registry (named configurations, the classification rule) is the one extra read of this wave.
  const [link, storedGlobal, storedSite, key, shareBase, registry] = await Promise.all([
    deps.store.links.get(linkId),
    deps.store.configs.getGlobal(),
    deps.store.configs.getSite(),
    loadSessionKey(deps.store.secrets, (n) => deps.random.bytes(n)),
    deps.shareBaseUrl(),
    deps.store.configs.getRegistry(),
  ]);
  if (!link || !tokenMatches(token, link.tokenHash)) {
    await recordAudit(deps, {
      action: 'view_denied',
      actor: 'visitor',
      linkId: link ? link.id : null,
      detail: link ? 'token does not match (rotated or forged)' : 'unknown link',
    });
    return notFoundResponse();
  }
  const now = deps.clock.now();
  const site = storedSite ?? defaultSiteSettings(now);
  const global = storedGlobal ?? defaultGlobalConfig(now);
  const clientIp = clientIpFrom(req, site.clientIpHeader);
  const clientKey = keyedDigest(key, 'client-ip', throttleClientOf(clientIp));

  // Sessions: a valid cookie and/or a valid ticket; the most recently issued one wins.
  const publicBase = (site.customDomain ?? shareBase).replace(/\/+$/, '');
  const cookiePolicy = { ...cookiePolicyFor(publicBase), path: linkCookiePath(publicBase, token) };
  const cookieName = sessionCookieName(link.id, cookiePolicy);
  const expect = { linkId: link.id, epoch: link.epoch, now };
  const cookieValue = readCookie(req, cookieName);
  const fromCookie = cookieValue ? verifySession(key, cookieValue, { ...expect, kind: 'c' }) : null;
  const ticketValue = ticketFrom(req, form);
  const fromTicket = ticketValue ? verifySession(key, ticketValue, { ...expect, kind: 't' }) : null;
  let session: VisitorSession;
  let sessionSource: ShareContext['sessionSource'];
  if (fromCookie && (!fromTicket || fromCookie.issuedAt >= fromTicket.issuedAt)) {
    session = fromCookie;
    sessionSource = 'cookie';
  } else if (fromTicket) {
    session = fromTicket;
    sessionSource = fromCookie ? 'cookie' : 'ticket';
  } else {
    session = newSession(link.id, link.epoch, now, (n) => deps.random.bytes(n));
    sessionSource = 'new';
  }
  const presentedSessionIds = [fromCookie?.sessionId, fromTicket?.sessionId].filter((id): id is string => id !== undefined);
  const viewSession = { passwordPassed: session.passwordPassed, verifiedEmail: session.verifiedEmail, ssoEmail: session.ssoEmail };

  // A page view whose session already passes what the link and the global policy ask starts its
  // Confluence wave now, beside wave 2: the space policy can only narrow or deny, and the reads are
  // used only if the full decision below allows. A request facing a gate never reads content.
  const classificationRule = registry?.classification ?? null;
  const provisional =
    route.kind === 'page' && method === 'GET'
      ? decideView({ link, policy: effectivePolicy(global, undefined), now, clientIp, session: viewSession })
      : undefined;
  const prefetch =
    provisional?.effect === 'allow' && route.kind === 'page'
      ? prefetchPageView(deps, link, provisional.permissions, route.pageId, { creatorAccess: creatorAccessRecord }, classificationRule)
      : undefined;

  // Wave 2: the space's policy (and attempt counters only when a password is being checked).
  const [space, passwordThrottle] = await Promise.all([
    deps.store.configs.getSpace(link.spaceKey),
    needsPasswordCounters(route, method) ? readPasswordThrottle(deps, link.id, clientKey) : Promise.resolve(null),
  ]);
  // The space's own settings, else its assigned configuration, else the one new spaces get, else the default.
  const policy = effectivePolicy(global, resolveSpaceLevel(link.spaceKey, space, registry, now).config);


  let decision = decideView({ link, policy, now, clientIp, session: viewSession });
  // An identity the link does not admit (an SSO account not among the selected users, or an address
  // removed from them) must not lock this browser out for the session's lifetime: it is dropped from
  // the session, and the visitor faces the gate again, told which account was refused.
  let refusedIdentity: ShareContext['refusedIdentity'];
  if (decision.effect === 'deny' && decision.reason === 'email_not_selected' && (session.ssoEmail || session.verifiedEmail)) {
    refusedIdentity = session.ssoEmail ? { email: session.ssoEmail, via: 'sso' } : { email: session.verifiedEmail ?? '', via: 'email' };
    await recordAudit(deps, { action: 'view_denied', actor: 'visitor', ...linkAuditScope(link), detail: `${decision.reason} (identity dropped from the session)` });
    session = { ...session, ssoEmail: null, verifiedEmail: null };
    if (sessionSource === 'cookie') sessionSource = 'new';
    decision = decideView({ link, policy, now, clientIp, session: { ...viewSession, ssoEmail: null, verifiedEmail: null } });
  }
  if (decision.effect === 'deny') {
    await recordAudit(deps, {
      action: 'view_denied',
      actor: 'visitor',
      ...linkAuditScope(link),
      detail: decision.reason,
    });
    return notFoundResponse();
  }

  const ticket = signSession(key, sessionPayload(session, 't', now));
  const ctx: ShareContext = {
    deps,
    options,
    req,
    token,
    route,
    link,
    site,
    policy,
    classificationRule,
    decision,
    key,
    now,
    clientIp,
    clientKey,
    form,
    cookie: { name: cookieName, policy: cookiePolicy },
    session,
    sessionSource,
    presentedSessionIds,
    urls: createShareUrls(publicBase, token, link.pageId, sessionSource === 'ticket' ? ticket : null),
    plainUrls: createShareUrls(publicBase, token, link.pageId, null),
    ticket,
    csrf: csrfToken(key, link.id, session.sessionId),
    ...(refusedIdentity ? { refusedIdentity } : {}),
    ...(decision.effect === 'allow' && prefetch ? { prefetch } : {}),
  };

  if (formProblem !== null) return formProblemResponse(ctx, formProblem);

  if (method === 'POST') {
    const presented = form?.fields['csrf'] ?? '';
    const tokenOk = presentedSessionIds.some((sid) => csrfMatches(key, link.id, sid, presented));
    if (!sameOriginRequest(req, publicBase) || !tokenOk) {
      return messageResponse(
        ctx,
        403,
        'Request refused',
        'This form has expired or was not sent from this page. Go back, reload the page and try again.',
        { url: ctx.urls.root(), label: 'Back to the page' },
      );
    }
  }

  if (route.kind === 'logout') return logout(ctx);
  if (route.kind === 'unsubscribe') return unsubscribe(ctx, route.subscriptionId, method === 'POST');

  if (decision.effect === 'gate') {
    const gate = decision.gate;
    if (route.kind === 'password' && gate === 'password' && passwordThrottle) return handlePassword(ctx, passwordThrottle);
    if (route.kind === 'email_send') return handleEmailSend(ctx);
    if (route.kind === 'email_verify') return handleEmailVerify(ctx);
    if ((route.kind === 'sso_start' || route.kind === 'sso_callback') && gate === 'sso') {
      return handleSso(ctx, route.kind === 'sso_start' ? 'start' : 'callback');
    }
    if (route.kind === 'page') return gatePageFor(ctx, gate);
    if (method === 'GET') return redirectResponse(ctx.urls.root(), cookiesToRefresh(ctx));
    return messageResponse(ctx, 403, 'Access needed', 'Open the page again to continue.', { url: ctx.urls.root(), label: 'Open the page' });
  }

  const { permissions } = decision;
  switch (route.kind) {
    case 'page':
      return renderSharedPage(ctx, permissions, route.pageId);
    case 'attachment':
      return downloadAttachment(ctx, permissions, route.pageId, route.attachmentId);
    case 'image':
      return proxyImage(ctx, permissions, route.pageId, route.fileName);
    case 'comment':
      return addComment(ctx, permissions, route.pageId);
    case 'upload':
      return uploadAttachment(ctx, permissions, route.pageId);
    case 'subscribe':
      return subscribe(ctx, permissions, route.pageId);
    case 'unsubscribe_page':
      return unsubscribeHere(ctx, permissions, route.pageId);
    case 'search':
      return searchShare(ctx, permissions);
    case 'email_send':
      return handleEmailSend(ctx);
    case 'email_verify':
      return handleEmailVerify(ctx);
    case 'sso_start':
    case 'sso_callback':
      // A signed-in visitor may switch to another account ("Use another account").
      if (ssoApplies(ctx)) return handleSso(ctx, route.kind === 'sso_start' ? 'start' : 'callback');
      return redirectResponse(ctx.urls.root(), cookiesToRefresh(ctx));
    case 'password':
      return redirectResponse(ctx.urls.root(), cookiesToRefresh(ctx));
  }
};

/** Ends the visitor's session in this browser: the cookie is cleared (tickets lapse within 15 minutes). */
const logout = (ctx: ShareContext): HttpResponse =>
  htmlResponse(
    200,
    renderMessagePage({
      title: 'You left the shared page',
      message: 'Your access in this browser has ended. Open the link again to come back.',
      branding: ctx.site.customization,
      back: { url: ctx.plainUrls.root(), label: 'Open the page again' },
    }),
    [serializeSessionCookie(ctx.cookie.name, '', 0, ctx.cookie.policy)],
    ctx.site.customization,
  );
