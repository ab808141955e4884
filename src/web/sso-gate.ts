import { recordAudit } from '../app/audit';
import type { AppDeps } from '../app/deps';
import { loopbackIssuerOrigin } from '../app/loopback-issuer';
import { SSO_TEST_LINK_ID } from '../app/setup-paths';
import { defaultSiteSettings } from '../core/defaults';
import type { ShareLink, SiteSettings } from '../core/model';
import { isWellFormedToken } from '../core/token';
import type { HttpRequest, HttpResponse } from './http';
import type { OidcEnv, OidcFailure, OidcSettings } from './oidc';
import { renderMessagePage } from './render/pages';
import { htmlResponse, redirectResponse } from './responses';
import { readCookie } from './session';
import { stringifySetCookie } from 'cookie';
import { outboundFetch } from '../app/outbound-fetch';

/**
 * Hook for the SSO gate (OIDC login). The share handler routes GET /s/<token>/sso/start and
 * /s/<token>/sso/callback here once the link is loaded, the token verified and the policy decided
 * that SSO is the next gate.
 *
 * Contract for implementers:
 * - `start` returns a redirect to the IdP (with state, nonce, PKCE; any binding cookie in `setCookies`).
 * - `callback` validates the response and returns `verified` with the email the IdP vouches for
 *   (email_verified true); the share handler then records it in the visitor session (ssoEmail) and
 *   redirects to `returnUrl`. Any failure returns `error` (rendered as a 4xx page, the link stays gated).
 *
 * Redirect URI. The IdP needs one exact, pre-registered redirect_uri. A per-link URI
 * (<base>/s/<token>/sso/callback) would put every share token into the IdP's client registration and
 * logs, and require an admin to register each new link. So the registered URI is the fixed
 * `<base>/sso/callback` (SSO_CALLBACK_PATH). That route knows no token: it finds the login transaction
 * by `state`, opens the return path sealed under the visitor's binding cookie (the token is never
 * stored in clear), and hops the browser to /s/<token>/sso/callback with the same query, where the
 * link is loaded and the policy decided as for any request, and the transaction is consumed.
 */
export interface SsoGateInput {
  req: HttpRequest;
  deps: AppDeps;
  link: ShareLink;
  site: SiteSettings;
  /** The visitor's session id (bind OIDC state to it). */
  sessionId: string;
  /** Absolute URL of the link's root page (where to return after login). */
  returnUrl: string;
  /** Absolute URL of /s/<token>/sso/callback (the exact redirect_uri). */
  callbackUrl: string;
  /** Whether the session cookie may carry Secure/__Host- (false on plain-http localhost). */
  secureCookies: boolean;
  /** `start` only: ask the provider for another account (the visitor chose "Use another account"). */
  prompt?: 'select_account' | 'login';
}

export type SsoGateOutcome =
  | { kind: 'redirect'; location: string; setCookies?: string[] }
  | { kind: 'verified'; email: string }
  | { kind: 'error'; status: 400 | 401 | 403 | 409 | 502 | 503; title: string; message: string };

export interface SsoGate {
  start(input: SsoGateInput): Promise<SsoGateOutcome>;
  callback(input: SsoGateInput): Promise<SsoGateOutcome>;
}

/** The redirect URI path registered at the identity provider (below the share base). */
export const SSO_CALLBACK_PATH = '/sso/callback';
export const SSO_CLIENT_SECRET = 'sso.clientSecret';

/**
 * The OIDC relying party (oauth4webapi, jose) serves only links that require SSO: loaded on the first
 * SSO request, so it is not parsed on every cold start of the share trigger.
 */
const loadOidc = () => import('./oidc');

export const bindingCookieName = (secure: boolean): string => (secure ? '__Host-ss_oidc' : 'ss_oidc');

export const bindingCookie = (secure: boolean, value: string, maxAgeSeconds: number): string =>
  stringifySetCookie({
    name: bindingCookieName(secure),
    value,
    maxAge: Math.max(0, Math.floor(maxAgeSeconds)),
    httpOnly: true,
    secure,
    path: '/',
    // Lax, not Strict: the IdP's redirect back is a cross-site top-level GET (T21).
    sameSite: 'lax',
  });

export const secureFor = (base: string): boolean => {
  try {
    const url = new URL(base);
    return !(url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
  } catch {
    return true;
  }
};

export const oidcEnv = async (deps: AppDeps): Promise<OidcEnv> => ({
  fetch: outboundFetch(deps),
  now: () => deps.clock.now(),
  randomBytes: (n) => deps.random.bytes(n),
  ephemeral: deps.store.ephemeral,
  clientSecret: () => deps.store.secrets.get(SSO_CLIENT_SECRET),
  loopbackIssuerOrigin: await loopbackIssuerOrigin(deps),
});

export const settingsOf = (site: SiteSettings): OidcSettings | null =>
  site.sso && site.sso.issuer && site.sso.clientId
    ? { issuer: site.sso.issuer, clientId: site.sso.clientId, scopes: site.sso.scopes }
    : null;

const notConfigured: SsoGateOutcome = {
  kind: 'error',
  status: 503,
  title: 'Sign-in is not available',
  message:
    'This link requires signing in with an identity provider, but single sign-on is not configured for this site yet. Ask the person who shared the link.',
};

const RESTART = 'Open the shared link again to start a new sign-in.';

/** What the visitor is told for each failure (no internals), and the status. */
const failureOutcome = (reason: OidcFailure): SsoGateOutcome => {
  switch (reason) {
    case 'not_configured':
      return notConfigured;
    case 'issuer_invalid':
      return { kind: 'error', status: 503, title: 'Sign-in is not available', message: 'Single sign-on is not set up correctly for this site. Ask the person who shared the link.' };
    case 'discovery_failed':
    case 'token_exchange_failed':
      return { kind: 'error', status: 502, title: 'Sign-in failed', message: `The identity provider could not be reached or refused the sign-in. ${RESTART}` };
    case 'state_invalid':
      return { kind: 'error', status: 400, title: 'Sign-in expired', message: `This sign-in is unknown, was already used, or took longer than 10 minutes. ${RESTART}` };
    case 'browser_mismatch':
      return { kind: 'error', status: 400, title: 'Sign-in not recognised', message: `The sign-in was started in another browser or your cookies were cleared. ${RESTART}` };
    case 'link_mismatch':
    case 'settings_changed':
      return { kind: 'error', status: 409, title: 'Sign-in no longer valid', message: `The link or its sign-in settings changed while you were signing in. ${RESTART}` };
    case 'idp_error':
      return { kind: 'error', status: 401, title: 'Sign-in was not completed', message: `The identity provider did not confirm your sign-in. ${RESTART}` };
    case 'id_token_invalid':
      return { kind: 'error', status: 401, title: 'Sign-in could not be verified', message: `The identity provider's answer did not pass our checks. ${RESTART}` };
    case 'email_unverified':
      return { kind: 'error', status: 403, title: 'Email address not verified', message: 'Your identity provider did not confirm your email address, so it cannot be used to open this link.' };
  }
};

const fail = async (deps: AppDeps, link: Pick<ShareLink, 'id' | 'pageId' | 'spaceKey'> | null, error: unknown): Promise<SsoGateOutcome> => {
  const { OidcError } = await loadOidc();
  const oidc = error instanceof OidcError ? error : new OidcError('token_exchange_failed', 'unexpected error');
  await recordAudit(deps, {
    action: 'gate_failed',
    actor: 'visitor',
    linkId: link?.id ?? null,
    pageId: link?.pageId ?? null,
    spaceKey: link?.spaceKey ?? null,
    detail: `sso: ${oidc.reason}: ${oidc.detail}`.slice(0, 300),
  });
  return failureOutcome(oidc.reason);
};

/** `<base>` from the link's root URL `<base>/s/<token>`. */
const baseOf = (returnUrl: string): string => {
  const cut = returnUrl.lastIndexOf('/s/');
  return cut === -1 ? returnUrl : returnUrl.slice(0, cut);
};

const queryOf = (req: HttpRequest): URLSearchParams => {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(req.query)) for (const value of values) params.append(name, value);
  return params;
};

/** The gate used by the share handler. */
export const ssoGate: SsoGate = {
  start: async ({ deps, link, site, returnUrl, secureCookies, prompt }) => {
    const { beginOidcLogin, OidcError } = await loadOidc();
    const settings = settingsOf(site);
    if (!settings) return fail(deps, link, new OidcError('not_configured', 'no identity provider configured'));
    const base = baseOf(returnUrl);
    try {
      const begun = await beginOidcLogin(await oidcEnv(deps), settings, {
        linkId: link.id,
        epoch: link.epoch,
        redirectUri: `${base}${SSO_CALLBACK_PATH}`,
        returnPath: returnUrl.slice(base.length),
        ...(prompt ? { prompt } : {}),
      });
      return {
        kind: 'redirect',
        location: begun.authorizationUrl,
        setCookies: [bindingCookie(secureCookies, begun.browserBinding, (begun.expiresAt - deps.clock.now()) / 1000)],
      };
    } catch (error) {
      return fail(deps, link, error);
    }
  },
  callback: async ({ req, deps, link, site, secureCookies }) => {
    const { completeOidcLogin, OidcError, takeOidcTransaction } = await loadOidc();
    const settings = settingsOf(site);
    if (!settings) return fail(deps, link, new OidcError('not_configured', 'no identity provider configured'));
    const env = await oidcEnv(deps);
    const query = queryOf(req);
    try {
      const transaction = await takeOidcTransaction(env, query, readCookie(req, bindingCookieName(secureCookies)) ?? undefined);
      if (transaction.linkId !== link.id || transaction.epoch !== link.epoch) {
        throw new OidcError('link_mismatch', transaction.linkId !== link.id ? 'transaction for another link' : 'link epoch changed');
      }
      const identity = await completeOidcLogin(env, settings, transaction, query);
      return { kind: 'verified', email: identity.email };
    } catch (error) {
      return fail(deps, link, error);
    }
  },
};

/**
 * GET <base>/sso/callback: the redirect URI registered at the IdP. Finds the transaction by `state`
 * (without consuming it), opens the sealed return path with the binding cookie and sends the browser
 * to /s/<token>/sso/callback with the same query. Every failure is a 4xx page, audited.
 */
export const handleSsoCallbackHop = async (deps: AppDeps, req: HttpRequest): Promise<HttpResponse> => {
  const [storedSite, shareBase] = await Promise.all([deps.store.configs.getSite(), deps.shareBaseUrl()]);
  const site = storedSite ?? defaultSiteSettings(deps.clock.now());
  const base = (site.customDomain ?? shareBase).replace(/\/+$/, '');
  const secure = secureFor(base);
  const query = queryOf(req);
  const page = (outcome: SsoGateOutcome): HttpResponse =>
    outcome.kind === 'error'
      ? htmlResponse(outcome.status, renderMessagePage({ title: outcome.title, message: outcome.message, branding: site.customization }), [], site.customization)
      : htmlResponse(400, renderMessagePage({ title: 'Sign-in failed', message: RESTART, branding: site.customization }), [], site.customization);
  if (req.method.toUpperCase() !== 'GET') return page(failureOutcome('state_invalid'));
  try {
    const { OidcError, peekOidcTransaction } = await loadOidc();
    const transaction = await peekOidcTransaction(await oidcEnv(deps), query, readCookie(req, bindingCookieName(secure)) ?? undefined);
    // An admin's Test sign-in (Single sign-on settings) ends here, not at a link.
    if (transaction.linkId === SSO_TEST_LINK_ID) return (await import('./setup-checks')).finishSsoTest(deps, req, site, secure);
    const match = /^\/s\/([^/?#]+)$/.exec(transaction.returnPath);
    if (!match?.[1] || !isWellFormedToken(match[1])) throw new OidcError('state_invalid', 'bad return path');
    return redirectResponse(`${base}/s/${match[1]}/sso/callback?${query.toString()}`);
  } catch (error) {
    const outcome = await fail(deps, null, error);
    return page(outcome);
  }
};
