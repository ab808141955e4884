/**
 * OpenID Connect relying party for the SSO gate of the anonymous view: authorization code + PKCE
 * (S256), `state` and `nonce`, ID token validation (iss, aud, azp, exp/iat/nbf, nonce, signature via
 * the IdP's JWKS with an algorithm allowlist) and `email_verified === true`.
 *
 * Nothing is cached in module scope: Forge reuses warm runtimes across tenants, so discovery and
 * JWKS are fetched per invocation through the injected `fetch`. Transaction state lives in the
 * ephemeral store (single use via `take`, 10-minute window checked here, bound to link id + epoch and
 * to a browser-binding value the caller keeps in a cookie).
 */
import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import type { EphemeralStore } from '../app/ports';
import { isAllowedLoopback, issuerProblem } from '../core/oidc-issuer';

/** What the relying party needs from the outside world, injected per invocation. */
export interface OidcEnv {
  /** Outbound HTTPS to the IdP (Forge: @forge/api fetch; local: global fetch). */
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  now: () => number;
  randomBytes: (length: number) => Uint8Array;
  ephemeral: EphemeralStore;
  /** Reads the client secret from secret storage ('sso.clientSecret'). */
  clientSecret: () => Promise<string | undefined>;
  /**
   * Local mode only (see src/app/loopback-issuer.ts): the local server's own http origin, where an
   * issuer and its endpoints may be plain http. Absent in production: https everywhere.
   */
  loopbackIssuerOrigin?: string | undefined;
}

/** The non-secret provider settings (SiteSettings.sso). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  scopes: string;
}

/** Why a login failed. Every one of them maps to a 4xx page; none is a 500. */
export type OidcFailure =
  | 'not_configured'
  | 'issuer_invalid'
  | 'discovery_failed'
  | 'state_invalid'
  | 'browser_mismatch'
  | 'link_mismatch'
  | 'settings_changed'
  | 'idp_error'
  | 'token_exchange_failed'
  | 'id_token_invalid'
  | 'email_unverified';

export class OidcError extends Error {
  constructor(
    readonly reason: OidcFailure,
    /** Non-sensitive detail for the audit log (never tokens, codes or emails). */
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'OidcError';
  }
}

export const OIDC_TRANSACTION_TTL_MS = 10 * 60 * 1000;
const ID_TOKEN_ALGORITHMS = ['RS256', 'PS256', 'ES256'];
const CLOCK_TOLERANCE_S = 60;
const MAX_IDP_RESPONSE_BYTES = 512 * 1024;
const IDP_TIMEOUT_MS = 10_000;
const STATE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const TRANSACTION_PREFIX = 'oidc:';

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

const sameDigest = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
};

export { issuerProblem } from '../core/oidc-issuer';

/** Whether `url` is on the local-mode loopback origin (only ever true when the env carries one). */
const onLoopback = (env: OidcEnv, url: string): boolean =>
  URL.canParse(url) && isAllowedLoopback(new URL(url), env.loopbackIssuerOrigin);

/** https, or http on the local-mode loopback origin when the issuer itself is there. */
const endpointAllowed = (env: OidcEnv, issuer: string, endpoint: string | undefined): boolean =>
  endpoint !== undefined &&
  URL.canParse(endpoint) &&
  (new URL(endpoint).protocol === 'https:' || (onLoopback(env, issuer) && onLoopback(env, endpoint)));

const withTimeout = (env: OidcEnv, issuer: string): oauth.HttpRequestOptions<'GET' | 'POST', unknown> => ({
  signal: AbortSignal.timeout(IDP_TIMEOUT_MS),
  // oauth4webapi refuses http; local mode's demo IdP on the server's own origin is the one exception.
  ...(onLoopback(env, issuer) ? { [oauth.allowInsecureRequests]: true } : {}),
  [oauth.customFetch]: (url: string, options: oauth.CustomFetchOptions<'GET' | 'POST', unknown>) =>
    env.fetch(url, {
      method: options.method,
      headers: options.headers,
      body: options.body as BodyInit | undefined,
      redirect: 'manual',
      signal: options.signal,
    }),
});

const clientFor = (env: OidcEnv, settings: OidcSettings): oauth.Client => ({
  client_id: settings.clientId,
  // oauth4webapi validates timestamps against Date.now(); shift it to the injected clock.
  [oauth.clockSkew]: Math.round((env.now() - Date.now()) / 1000),
  [oauth.clockTolerance]: CLOCK_TOLERANCE_S,
});

/** Fetches and validates the discovery document (its `issuer` must equal the configured one exactly). */
export const discover = async (env: OidcEnv, settings: OidcSettings): Promise<oauth.AuthorizationServer> => {
  const problem = issuerProblem(settings.issuer, { loopbackOrigin: env.loopbackIssuerOrigin });
  if (problem) throw new OidcError('issuer_invalid', problem);
  const issuerUrl = new URL(settings.issuer);
  try {
    const response = await oauth.discoveryRequest(issuerUrl, { algorithm: 'oidc', ...withTimeout(env, settings.issuer) });
    const as = await oauth.processDiscoveryResponse(issuerUrl, response);
    for (const endpoint of [as.authorization_endpoint, as.token_endpoint, as.jwks_uri]) {
      if (!endpointAllowed(env, settings.issuer, endpoint)) {
        throw new OidcError('discovery_failed', 'provider metadata lacks an https authorization, token or jwks endpoint');
      }
    }
    return as;
  } catch (error) {
    if (error instanceof OidcError) throw error;
    throw new OidcError('discovery_failed', describe(error));
  }
};

/**
 * Every origin the app's backend calls for this provider: the issuer (discovery), the token, JWKS and
 * userinfo endpoints. Providers such as Google serve these from several hosts, and each needs egress.
 * The authorization endpoint is left out: only the visitor's browser goes there (a redirect), never
 * the backend. Order: issuer first, then as listed; no duplicates.
 */
export const providerOrigins = (issuer: string, as: oauth.AuthorizationServer): string[] => {
  const origins = new Set<string>();
  for (const url of [issuer, as.token_endpoint, as.jwks_uri, as.userinfo_endpoint]) {
    if (typeof url === 'string' && URL.canParse(url)) origins.add(new URL(url).origin);
  }
  return [...origins];
};

/** Discovery, then the provider's origins (see providerOrigins). Throws OidcError like `discover`. */
export const discoverProviderOrigins = async (env: OidcEnv, settings: OidcSettings): Promise<string[]> =>
  providerOrigins(settings.issuer, await discover(env, settings));

const describe = (error: unknown): string => {
  if (error instanceof oauth.AuthorizationResponseError) return `authorization error ${error.error}`;
  if (error instanceof oauth.ResponseBodyError) return `provider error ${error.error}`;
  if (error instanceof oauth.OperationProcessingError) return `${error.code ?? 'processing error'}: ${error.message}`;
  if (error instanceof joseErrors.JOSEError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.name === 'TimeoutError' ? 'provider timed out' : error.message;
  return 'unknown error';
};

const scopesWithOpenIdEmail = (scopes: string): string => {
  const list = scopes.split(/\s+/).filter((s) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s));
  for (const required of ['openid', 'email']) if (!list.includes(required)) list.unshift(required);
  return [...new Set(list)].join(' ');
};

// The return path carries the share token. It is sealed under a key only the visitor's browser
// holds (the binding cookie), so the token never sits in storage in a usable form.
const sealReturnPath = (binding: string, returnPath: string, iv: Uint8Array): string => {
  const cipher = createCipheriv('aes-256-gcm', sha256(`oidc-return|${binding}`), iv);
  const data = Buffer.concat([cipher.update(returnPath, 'utf8'), cipher.final()]);
  return `${b64u(iv)}.${b64u(data)}.${b64u(cipher.getAuthTag())}`;
};

const openReturnPath = (binding: string, sealed: string): string | null => {
  const [iv, data, tag] = sealed.split('.');
  if (!iv || !data || !tag) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sha256(`oidc-return|${binding}`), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
};

export interface BeginOidcInput {
  linkId: string;
  epoch: number;
  /** Exact redirect URI registered at the IdP. */
  redirectUri: string;
  /** Server-built path to return to after login (never taken from the client). */
  returnPath: string;
  /**
   * Ask the provider to let the person pick (or sign in to) another account instead of reusing the
   * one it is signed in with (OpenID Connect Core §3.1.2.1 `prompt`).
   */
  prompt?: 'select_account' | 'login';
}

export interface BeginOidcResult {
  authorizationUrl: string;
  /** Random value the caller must put in an HttpOnly cookie; the callback needs it back. */
  browserBinding: string;
  /** Epoch ms when the transaction expires (cookie Max-Age). */
  expiresAt: number;
}

/** Starts a login: discovery, PKCE pair, state, nonce, stored transaction, authorization URL. */
export const beginOidcLogin = async (env: OidcEnv, settings: OidcSettings, input: BeginOidcInput): Promise<BeginOidcResult> => {
  const as = await discover(env, settings);
  const state = b64u(env.randomBytes(32));
  const nonce = b64u(env.randomBytes(32));
  const codeVerifier = b64u(env.randomBytes(32));
  const browserBinding = b64u(env.randomBytes(32));
  const codeChallenge = await oauth.calculatePKCECodeChallenge(codeVerifier);
  const expiresAt = env.now() + OIDC_TRANSACTION_TTL_MS;

  await env.ephemeral.putIfAbsent({
    key: TRANSACTION_PREFIX + sha256Hex(state),
    expiresAt,
    value: {
      linkId: input.linkId,
      epoch: input.epoch,
      nonce,
      codeVerifier,
      bindingHash: sha256Hex(browserBinding),
      redirectUri: input.redirectUri,
      issuer: settings.issuer,
      clientId: settings.clientId,
      returnPath: sealReturnPath(browserBinding, input.returnPath, env.randomBytes(12)),
      createdAt: env.now(),
    },
  });

  const url = new URL(as.authorization_endpoint as string);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('scope', scopesWithOpenIdEmail(settings.scopes));
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('code_challenge', codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  if (input.prompt) url.searchParams.set('prompt', input.prompt);
  return { authorizationUrl: url.href, browserBinding, expiresAt };
};

/** The transaction a callback belongs to, before the IdP is contacted. */
export interface OidcTransaction {
  state: string;
  linkId: string;
  epoch: number;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  issuer: string;
  clientId: string;
  returnPath: string;
}

const readTransaction = async (
  env: OidcEnv,
  query: URLSearchParams,
  browserBinding: string | undefined,
  consume: boolean,
): Promise<OidcTransaction> => {
  const states = query.getAll('state');
  const state = states[0];
  if (states.length !== 1 || !state || !STATE_PATTERN.test(state)) throw new OidcError('state_invalid', 'missing or malformed state');
  const now = env.now();
  const key = TRANSACTION_PREFIX + sha256Hex(state);
  const record = consume ? await env.ephemeral.take(key, now) : await env.ephemeral.get(key, now);
  if (!record || record.expiresAt <= now) throw new OidcError('state_invalid', 'unknown, used or expired state');
  const v = record.value;
  const str = (k: string): string => (typeof v[k] === 'string' ? (v[k] as string) : '');
  if (typeof v.createdAt !== 'number' || now - v.createdAt > OIDC_TRANSACTION_TTL_MS) {
    throw new OidcError('state_invalid', 'expired state');
  }
  if (!browserBinding || !sameDigest(sha256Hex(browserBinding), str('bindingHash'))) {
    throw new OidcError('browser_mismatch', 'login was started in another browser');
  }
  const returnPath = openReturnPath(browserBinding, str('returnPath'));
  if (returnPath === null || typeof v.epoch !== 'number') throw new OidcError('state_invalid', 'corrupt transaction');
  return {
    state,
    linkId: str('linkId'),
    epoch: v.epoch,
    nonce: str('nonce'),
    codeVerifier: str('codeVerifier'),
    redirectUri: str('redirectUri'),
    issuer: str('issuer'),
    clientId: str('clientId'),
    returnPath,
  };
};

/**
 * Consumes (single use) the transaction named by the callback's `state`, checking the window and the
 * browser binding.
 */
export const takeOidcTransaction = (env: OidcEnv, query: URLSearchParams, browserBinding: string | undefined): Promise<OidcTransaction> =>
  readTransaction(env, query, browserBinding, true);

/**
 * Reads the transaction without consuming it, with the same checks: lets the fixed callback route learn
 * which link (and sealed return path) the login was for before the link's own route consumes it.
 */
export const peekOidcTransaction = (env: OidcEnv, query: URLSearchParams, browserBinding: string | undefined): Promise<OidcTransaction> =>
  readTransaction(env, query, browserBinding, false);

export interface OidcIdentity {
  email: string;
  issuer: string;
  subject: string;
}

const EMAIL_PATTERN = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,253}$/;

const fetchJwks = async (env: OidcEnv, issuer: string, jwksUri: string): Promise<JSONWebKeySet> => {
  if (!endpointAllowed(env, issuer, jwksUri)) throw new OidcError('discovery_failed', 'jwks_uri must use https');
  let response: Response;
  try {
    response = await env.fetch(jwksUri, {
      method: 'GET',
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(IDP_TIMEOUT_MS),
    });
  } catch (error) {
    throw new OidcError('discovery_failed', `jwks fetch failed: ${describe(error)}`);
  }
  if (response.status !== 200) throw new OidcError('discovery_failed', `jwks answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_IDP_RESPONSE_BYTES) throw new OidcError('discovery_failed', 'jwks too large');
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { keys?: unknown }).keys)) throw new Error('no keys');
    return parsed as JSONWebKeySet;
  } catch {
    throw new OidcError('discovery_failed', 'jwks is not a JSON key set');
  }
};

/**
 * Finishes a login for a transaction taken with `takeOidcTransaction`: checks the authorization
 * response, exchanges the code (with the PKCE verifier and the client secret), validates the ID token
 * and returns the verified identity.
 */
export const completeOidcLogin = async (
  env: OidcEnv,
  settings: OidcSettings,
  transaction: OidcTransaction,
  query: URLSearchParams,
): Promise<OidcIdentity> => {
  if (transaction.issuer !== settings.issuer || transaction.clientId !== settings.clientId) {
    throw new OidcError('settings_changed', 'SSO settings changed during the login');
  }
  const as = await discover(env, settings);
  const client = clientFor(env, settings);

  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, query, transaction.state);
  } catch (error) {
    throw new OidcError('idp_error', describe(error));
  }

  const secret = await env.clientSecret();
  if (!secret) throw new OidcError('not_configured', 'client secret missing');
  const methods = as.token_endpoint_auth_methods_supported;
  const clientAuth =
    !methods || methods.includes('client_secret_basic') ? oauth.ClientSecretBasic(secret) : oauth.ClientSecretPost(secret);

  let idToken: string;
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      transaction.redirectUri,
      transaction.codeVerifier,
      withTimeout(env, settings.issuer),
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: transaction.nonce,
      requireIdToken: true,
    });
    if (!result.id_token) throw new OidcError('id_token_invalid', 'no id_token');
    idToken = result.id_token;
  } catch (error) {
    if (error instanceof OidcError) throw error;
    const claimsProblem =
      error instanceof oauth.OperationProcessingError &&
      (error.code === oauth.JWT_CLAIM_COMPARISON || error.code === oauth.JWT_TIMESTAMP_CHECK || error.code === oauth.INVALID_RESPONSE);
    throw new OidcError(claimsProblem ? 'id_token_invalid' : 'token_exchange_failed', describe(error));
  }

  // oauth4webapi skips the signature of a token obtained straight from the token endpoint (allowed by
  // OIDC Core over TLS); we verify it anyway against the provider's JWKS with a fixed alg allowlist.
  const jwks = await fetchJwks(env, settings.issuer, as.jwks_uri as string);
  let claims: Record<string, unknown>;
  try {
    const verified = await jwtVerify(idToken, createLocalJWKSet(jwks), {
      issuer: settings.issuer,
      audience: settings.clientId,
      algorithms: ID_TOKEN_ALGORITHMS,
      currentDate: new Date(env.now()),
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
    });
    claims = verified.payload;
  } catch (error) {
    throw new OidcError('id_token_invalid', describe(error));
  }
  if (claims.nonce !== transaction.nonce) throw new OidcError('id_token_invalid', 'nonce mismatch');
  if (typeof claims.iat === 'number' && claims.iat * 1000 > env.now() + CLOCK_TOLERANCE_S * 1000) {
    throw new OidcError('id_token_invalid', 'issued in the future');
  }
  if (claims.email_verified !== true) throw new OidcError('email_unverified', 'email_verified is not true');
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!EMAIL_PATTERN.test(email)) throw new OidcError('id_token_invalid', 'no usable email claim');
  return { email, issuer: settings.issuer, subject: String(claims.sub) };
};
