/**
 * The admin's setup checks on the share web trigger (src/app/setup.ts hands out one-time tickets):
 *
 *   GET /setup/sso-test?t=<ticket>       starts a real OIDC sign-in with the configured provider; the
 *                                        provider returns to the registered <base>/sso/callback, whose hop
 *                                        (sso-gate.ts) hands test transactions to finishSsoTest below
 *   GET /setup/domain-check?t=<ticket>   opened on the custom domain: arriving here proves it forwards
 *
 * Nothing here reads or shows shared content. An unknown, used or expired ticket gets a plain page
 * that says so (the ticket is single use and valid 10 minutes).
 */
import type { AppDeps } from '../app/deps';
import { SETUP_PATHS, SSO_TEST_LINK_ID } from '../app/setup-paths';
import { recordDomainCheck, recordSsoTest, takeSetupTicket } from '../app/setup';
import { defaultSiteSettings } from '../core/defaults';
import type { SiteSettings } from '../core/model';
import type { HttpRequest, HttpResponse } from './http';
import type { OidcFailure } from './oidc';
import { renderMessagePage } from './render/pages';
import { htmlResponse, redirectResponse } from './responses';
import { readCookie } from './session';
import { bindingCookie, bindingCookieName, oidcEnv, secureFor, settingsOf, SSO_CALLBACK_PATH } from './sso-gate';

const CLOSE = 'You can close this tab and select Show result in the Secure Share settings.';

/** What went wrong, for the admin who runs the test (the technical reason follows in brackets). */
const FAILURE_TEXT: Record<OidcFailure, string> = {
  not_configured: 'Single sign-on is not set up completely: the issuer, client ID or client secret is missing.',
  issuer_invalid: 'The issuer URL is not allowed: it must be an https:// address.',
  discovery_failed: "The identity provider could not be reached, or its configuration or signing keys could not be read.",
  state_invalid: 'The sign-in expired, was already used, or took longer than 10 minutes.',
  browser_mismatch: 'The sign-in finished in another browser, or this browser blocked the sign-in cookie.',
  link_mismatch: 'The sign-in did not belong to this test.',
  settings_changed: 'The single sign-on settings changed during the test.',
  idp_error: 'The identity provider refused the sign-in. Check the redirect URI registered with it and that your account may use the app.',
  token_exchange_failed: 'The identity provider refused to exchange the sign-in for tokens. Check the client secret and the redirect URI.',
  id_token_invalid: "The identity provider's ID token did not pass the checks (issuer, audience, signature, expiry or nonce).",
  email_unverified: 'The identity provider did not mark the email address as verified (email_verified is not true), so recipients could not use it to open links.',
};

const queryOf = (req: HttpRequest): URLSearchParams => {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(req.query)) for (const value of values) params.append(name, value);
  return params;
};

const siteOf = async (deps: AppDeps): Promise<SiteSettings> => (await deps.store.configs.getSite()) ?? defaultSiteSettings(deps.clock.now());

const page = (site: SiteSettings, status: number, title: string, message: string, setCookies: string[] = []): HttpResponse =>
  htmlResponse(status, renderMessagePage({ title, message, branding: site.customization }), setCookies, site.customization);

const expired = (site: SiteSettings): HttpResponse =>
  page(site, 404, 'This test link does not work any more', 'Test links work once and for 10 minutes. Start a new test from the Secure Share settings.');

/** Routes GET /setup/sso-test and /setup/domain-check. */
export const handleSetupCheck = async (deps: AppDeps, req: HttpRequest): Promise<HttpResponse> => {
  const site = await siteOf(deps);
  if (req.method.toUpperCase() !== 'GET') return expired(site);
  const ticket = req.query['t']?.[0];
  if (req.path === SETUP_PATHS.domainCheck) {
    if (!(await takeSetupTicket(deps, ticket, 'domain')) || !site.customDomain) return expired(site);
    await recordDomainCheck(deps, site.customDomain);
    return page(site, 200, 'Your custom domain works', `${site.customDomain} reached Secure Share, so links under it will open. ${CLOSE}`);
  }
  if (!(await takeSetupTicket(deps, ticket, 'sso'))) return expired(site);
  const settings = settingsOf(site);
  const { beginOidcLogin, OidcError } = await import('./oidc');
  const base = (site.customDomain ?? (await deps.shareBaseUrl())).replace(/\/+$/, '');
  const secure = secureFor(base);
  try {
    if (!settings) throw new OidcError('not_configured', 'no identity provider configured');
    const begun = await beginOidcLogin(await oidcEnv(deps), settings, {
      linkId: SSO_TEST_LINK_ID,
      epoch: 0,
      redirectUri: `${base}${SSO_CALLBACK_PATH}`,
      returnPath: SETUP_PATHS.ssoTest,
    });
    return redirectResponse(begun.authorizationUrl, [bindingCookie(secure, begun.browserBinding, (begun.expiresAt - deps.clock.now()) / 1000)]);
  } catch (error) {
    return failed(deps, site, error);
  }
};

const failed = async (deps: AppDeps, site: SiteSettings, error: unknown): Promise<HttpResponse> => {
  const { OidcError } = await import('./oidc');
  const oidc = error instanceof OidcError ? error : new OidcError('token_exchange_failed', 'unexpected error');
  const message = `${FAILURE_TEXT[oidc.reason]} (${oidc.reason}: ${oidc.detail})`.slice(0, 500);
  await recordSsoTest(deps, site, { ok: false, email: null, emailVerified: oidc.reason === 'email_unverified' ? false : null, message });
  return page(site, 200, 'Test sign-in failed', `${message} ${CLOSE}`);
};

/**
 * The provider came back to <base>/sso/callback with a test transaction: finish the sign-in exactly as
 * for a link (single-use state, browser binding, code exchange, ID token checks, email_verified) and
 * show what came back.
 */
export const finishSsoTest = async (deps: AppDeps, req: HttpRequest, site: SiteSettings, secure: boolean): Promise<HttpResponse> => {
  const { completeOidcLogin, OidcError, takeOidcTransaction } = await import('./oidc');
  try {
    const settings = settingsOf(site);
    if (!settings) throw new OidcError('not_configured', 'no identity provider configured');
    const env = await oidcEnv(deps);
    const query = queryOf(req);
    const transaction = await takeOidcTransaction(env, query, readCookie(req, bindingCookieName(secure)) ?? undefined);
    if (transaction.linkId !== SSO_TEST_LINK_ID) throw new OidcError('link_mismatch', 'not a test transaction');
    const identity = await completeOidcLogin(env, settings, transaction, query);
    const message = `Signed in as ${identity.email}. The identity provider works with Secure Share.`;
    await recordSsoTest(deps, site, { ok: true, email: identity.email, emailVerified: true, message });
    return page(site, 200, 'Test sign-in worked', `Issuer: ${identity.issuer}. Email: ${identity.email}. email_verified: true. ${CLOSE}`, [bindingCookie(secure, '', 0)]);
  } catch (error) {
    return failed(deps, site, error);
  }
};
