/**
 * A small OpenID Connect provider run inside a test: node:http on 127.0.0.1 (port 0), RS256 ID tokens
 * signed with jose, discovery + JWKS + authorize (auto-approves the configured user) + token endpoints
 * with PKCE verification, and switches to misbehave.
 *
 * The provider's public issuer is an https URL on a reserved test host (`https://idp-<n>.test`); the
 * `fetch` it exposes maps that origin to the local http listener. The code under test therefore keeps
 * its https-only rule, and any request to another host fails like an unreachable network.
 *
 * Metadata, keys, client authentication, PKCE and ID token signing are shared with local mode's demo
 * identity provider (src/dev/oidc-provider-kit.ts); the misbehaviours are this helper's own.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import {
  generateSigningKey,
  pkceS256Matches,
  presentedClient,
  providerMetadata,
  sameSecret,
  signIdToken,
} from '../../src/dev/oidc-provider-kit';

export type OidcMisbehaviour =
  | 'wrong_issuer'
  | 'issuer_trailing_slash'
  | 'wrong_audience'
  | 'wrong_nonce'
  | 'missing_nonce'
  | 'expired'
  | 'iat_future'
  | 'email_unverified'
  | 'email_verified_absent'
  | 'email_verified_string'
  | 'bad_signature'
  | 'alg_none'
  | 'hs256_with_public_key'
  | 'discovery_issuer_mismatch'
  | 'discovery_redirect'
  | 'discovery_down'
  | 'token_error'
  | 'authorize_error'
  | 'skip_pkce_check';

export interface OidcUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
}

export interface OidcProviderOptions {
  clientId?: string;
  clientSecret?: string;
  user?: OidcUser;
  /** Send the RFC 9207 `iss` parameter on the authorization response (default true). */
  issParameter?: boolean;
  /** Path part of the issuer, e.g. '/' (Auth0 style trailing slash) or '/tenant-1/v2.0' (Entra style). Default ''. */
  issuerPath?: string;
}

export interface TokenRequestRecord {
  code: string | null;
  codeVerifier: string | null;
  redirectUri: string | null;
  clientAuth: 'basic' | 'post' | 'none';
  outcome: 'ok' | string;
}

export interface TestOidcProvider {
  /** Public issuer identifier (https, test host). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Local listener, e.g. http://127.0.0.1:41234 */
  localUrl: string;
  /** fetch that routes the issuer's origin to the local listener; every other host fails. */
  fetch: (url: string | URL | Request, init?: RequestInit) => Promise<Response>;
  setMisbehaviour(m: OidcMisbehaviour | null): void;
  setUser(user: OidcUser): void;
  /**
   * Plays the browser at the IdP: requests the authorization URL (which must be on the issuer host)
   * and returns the redirect target (the relying party's callback URL with code/state).
   */
  approve(authorizationUrl: string): Promise<string>;
  tokenRequests: TokenRequestRecord[];
  authorizeRequests: URLSearchParams[];
  close(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | null;
  user: OidcUser;
  used: boolean;
}

let providerCounter = 0;

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const json = (res: ServerResponse, status: number, value: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
};

const b64u = (b: Buffer | Uint8Array): string => Buffer.from(b).toString('base64url');

export const startOidcProvider = async (options: OidcProviderOptions = {}): Promise<TestOidcProvider> => {
  providerCounter += 1;
  const origin = `https://idp-${providerCounter}-${randomBytes(3).toString('hex')}.test`;
  const issuer = `${origin}${options.issuerPath ?? ''}`;
  const endpointBase = `${origin}${(options.issuerPath ?? '').replace(/\/+$/, '')}`;
  const clientId = options.clientId ?? 'secure-share-test-client';
  const clientSecret = options.clientSecret ?? `secret-${randomBytes(16).toString('hex')}`;
  const issParameter = options.issParameter ?? true;
  let user: OidcUser = options.user ?? { sub: 'idp-user-1', email: 'ann@partner.example', email_verified: true };
  let misbehaviour: OidcMisbehaviour | null = null;

  const kid = `k-${randomBytes(4).toString('hex')}`;
  const signingKey = await generateSigningKey(kid);
  // Same kid, other key: a token signed with it must fail signature verification.
  const rogueKey = await generateSigningKey(kid);
  const publicJwk = signingKey.publicJwk;

  const codes = new Map<string, PendingCode>();
  const tokenRequests: TokenRequestRecord[] = [];
  const authorizeRequests: URLSearchParams[] = [];

  const mintIdToken = async (pending: PendingCode): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { sub: pending.user.sub };
    if (pending.user.email !== undefined) claims.email = pending.user.email;
    if (pending.user.email_verified !== undefined) claims.email_verified = pending.user.email_verified;
    if (pending.nonce !== null) claims.nonce = pending.nonce;
    let iss = issuer;
    let aud = pending.clientId;
    let iat = now;
    let exp = now + 300;
    switch (misbehaviour) {
      case 'wrong_issuer':
        iss = 'https://evil-idp.test';
        break;
      case 'issuer_trailing_slash':
        iss = `${issuer}/`;
        break;
      case 'wrong_audience':
        aud = 'some-other-client';
        break;
      case 'wrong_nonce':
        claims.nonce = b64u(randomBytes(32));
        break;
      case 'missing_nonce':
        delete claims.nonce;
        break;
      case 'expired':
        iat = now - 3600;
        exp = now - 600;
        break;
      case 'iat_future':
        iat = now + 600;
        exp = now + 900;
        break;
      case 'email_unverified':
        claims.email_verified = false;
        break;
      case 'email_verified_absent':
        delete claims.email_verified;
        break;
      case 'email_verified_string':
        claims.email_verified = 'true';
        break;
      default:
        break;
    }
    const payload = { ...claims, iss, aud, iat, exp };
    if (misbehaviour === 'alg_none') {
      return `${b64u(Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })))}.${b64u(Buffer.from(JSON.stringify(payload)))}.`;
    }
    if (misbehaviour === 'hs256_with_public_key') {
      const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
      return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid }).sign(secret);
    }
    return signIdToken(misbehaviour === 'bad_signature' ? rogueKey : signingKey, payload);
  };

  const discovery = (): Record<string, unknown> => ({
    ...providerMetadata(issuer, endpointBase, { issParameter }),
    ...(misbehaviour === 'discovery_issuer_mismatch' ? { issuer: 'https://evil-idp.test' } : {}),
  });

  const handleAuthorize = (url: URL, res: ServerResponse): void => {
    const q = url.searchParams;
    authorizeRequests.push(new URLSearchParams(q));
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== clientId || !redirectUri) {
      json(res, 400, { error: 'invalid_request', error_description: 'unknown client or missing redirect_uri' });
      return;
    }
    const target = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) target.searchParams.set('state', state);
    if (issParameter) target.searchParams.set('iss', issuer);
    const fail = (error: string): void => {
      target.searchParams.set('error', error);
      res.writeHead(302, { location: target.href });
      res.end();
    };
    if (misbehaviour === 'authorize_error') return fail('access_denied');
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return fail('invalid_request');
    if (!(q.get('scope') ?? '').split(' ').includes('openid')) return fail('invalid_scope');
    const code = b64u(randomBytes(24));
    codes.set(code, {
      clientId,
      redirectUri,
      codeChallenge: q.get('code_challenge') ?? '',
      nonce: q.get('nonce'),
      user: { ...user },
      used: false,
    });
    target.searchParams.set('code', code);
    res.writeHead(302, { location: target.href });
    res.end();
  };

  const handleToken = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const form = new URLSearchParams(await readBody(req));
    const record: TokenRequestRecord = {
      code: form.get('code'),
      codeVerifier: form.get('code_verifier'),
      redirectUri: form.get('redirect_uri'),
      clientAuth: 'none',
      outcome: 'ok',
    };
    tokenRequests.push(record);
    const reject = (error: string, status = 400): void => {
      record.outcome = error;
      json(res, status, { error });
    };
    const client = presentedClient(req.headers.authorization, form);
    record.clientAuth = client.method;
    if (client.clientId !== clientId || !sameSecret(client.clientSecret, clientSecret)) return reject('invalid_client', 401);
    if (misbehaviour === 'token_error') return reject('invalid_grant');
    if (form.get('grant_type') !== 'authorization_code') return reject('unsupported_grant_type');
    const code = form.get('code') ?? '';
    const pending = codes.get(code);
    if (!pending || pending.used) return reject('invalid_grant');
    pending.used = true;
    if (form.get('redirect_uri') !== pending.redirectUri) return reject('invalid_grant');
    if (misbehaviour !== 'skip_pkce_check' && !pkceS256Matches(form.get('code_verifier'), pending.codeChallenge)) return reject('invalid_grant');
    const idToken = await mintIdToken(pending);
    json(res, 200, { access_token: b64u(randomBytes(24)), token_type: 'Bearer', expires_in: 300, id_token: idToken });
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const prefix = new URL(endpointBase).pathname.replace(/\/$/, '');
    if (prefix && url.pathname.startsWith(prefix)) url.pathname = url.pathname.slice(prefix.length) || '/';
    void (async () => {
      try {
        if (url.pathname === '/.well-known/openid-configuration' && req.method === 'GET') {
          if (misbehaviour === 'discovery_down') return json(res, 503, { error: 'unavailable' });
          if (misbehaviour === 'discovery_redirect') {
            res.writeHead(302, { location: 'https://evil-idp.test/.well-known/openid-configuration' });
            res.end();
            return;
          }
          return json(res, 200, discovery());
        }
        if (url.pathname === '/jwks' && req.method === 'GET') return json(res, 200, { keys: [publicJwk] });
        if (url.pathname === '/authorize' && req.method === 'GET') return handleAuthorize(url, res);
        if (url.pathname === '/token' && req.method === 'POST') return await handleToken(req, res);
        json(res, 404, { error: 'not_found' });
      } catch (error) {
        json(res, 500, { error: 'server_error', detail: String(error) });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const localUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const providerFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(href);
    if (url.origin !== origin) throw new TypeError(`fetch failed: ${url.host} is unreachable in tests`);
    return fetch(`${localUrl}${url.pathname}${url.search}`, { ...init, redirect: 'manual' });
  };

  return {
    issuer,
    clientId,
    clientSecret,
    localUrl,
    fetch: providerFetch,
    setMisbehaviour: (m) => {
      misbehaviour = m;
    },
    setUser: (u) => {
      user = u;
    },
    approve: async (authorizationUrl) => {
      const response = await providerFetch(authorizationUrl, { method: 'GET' });
      const location = response.headers.get('location');
      if (response.status !== 302 || !location) throw new Error(`IdP did not redirect (${response.status}): ${await response.text()}`);
      return location;
    },
    tokenRequests,
    authorizeRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
