import type { AppDeps } from '../app/deps';
import type { ShareLink, SiteSettings } from '../core/model';
import type { HttpRequest } from './http';

/**
 * Hook for the SSO gate (OIDC login). The share handler routes GET /s/<token>/sso/start and
 * /s/<token>/sso/callback here once the link is loaded, the token verified and the policy decided
 * that SSO is the next gate. The OIDC implementation (src/web/oidc.ts: startSsoLogin / completeSsoLogin)
 * plugs in below; until an identity provider is configured every call answers "SSO not configured".
 *
 * Contract for implementers:
 * - `start` returns a redirect to the IdP (with state, nonce, PKCE; any binding cookie in `setCookies`).
 * - `callback` validates the response and returns `verified` with the email the IdP vouches for
 *   (email_verified true); the share handler then records it in the visitor session (ssoEmail) and
 *   redirects to `returnUrl`. Any failure returns `error` (rendered as a 4xx page, the link stays gated).
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
}

export type SsoGateOutcome =
  | { kind: 'redirect'; location: string; setCookies?: string[] }
  | { kind: 'verified'; email: string }
  | { kind: 'error'; status: 400 | 401 | 403 | 409 | 502 | 503; title: string; message: string };

export interface SsoGate {
  start(input: SsoGateInput): Promise<SsoGateOutcome>;
  callback(input: SsoGateInput): Promise<SsoGateOutcome>;
}

const notConfigured: SsoGateOutcome = {
  kind: 'error',
  status: 503,
  title: 'Sign-in is not available',
  message:
    'This link requires signing in with an identity provider, but single sign-on is not configured for this site yet. Ask the person who shared the link.',
};

/** The gate used by the share handler. Replace the bodies with calls into src/web/oidc.ts. */
export const ssoGate: SsoGate = {
  start: async ({ site }) => (site.sso === null ? notConfigured : notConfigured),
  callback: async ({ site }) => (site.sso === null ? notConfigured : notConfigured),
};
