/**
 * Local mode's demo OpenID provider, mounted on the local server under /dev/idp so the SSO demo link
 * can be passed without a real identity provider: discovery, JWKS, an authorize page where the person
 * enters the identity to sign in as (email + "email verified"), and a token endpoint that checks client
 * authentication, the code (single use, 60 s) and PKCE (S256).
 *
 * Its issuer is http://localhost:<port>/dev/idp, accepted only because local mode's composition root
 * allows the server's own http origin (src/app/loopback-issuer.ts). The signing key and client secret
 * are kept in <dataDir>/demo-idp.json (0600) so tokens and the seeded settings survive restarts.
 * Pending requests and codes live in memory: a restart simply means signing in again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { escapeHtml } from '../core/email-templates';
import { SSO_CALLBACK_PATH } from '../web/sso-gate';
import type { HttpRequest, HttpResponse } from '../web/http';
import { jsonResponse } from './json-response';
import {
  generateSigningKey,
  importSigningKey,
  pkceS256Matches,
  presentedClient,
  providerMetadata,
  sameSecret,
  signIdToken,
  type SigningKey,
} from './oidc-provider-kit';

export const DEMO_IDP_PATH = '/dev/idp';
export const DEMO_IDP_CLIENT_ID = 'secure-share-local';
export const DEMO_IDP_FILE = 'demo-idp.json';
/** Suggested identities on the sign-in form; any address may be typed. */
export const DEMO_IDENTITIES = ['ann@partner.example', 'jo@partner.example', 'sam@elsewhere.example'] as const;

const REQUEST_TTL_MS = 10 * 60 * 1000;
const CODE_TTL_MS = 60 * 1000;
const ID_TOKEN_TTL_S = 300;
const MAX_PENDING = 1000;
const EMAIL_PATTERN = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$/;
const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface DemoIdpOptions {
  dataDir: string;
  /** The local server's base URL (http://localhost:<port>); the issuer is `<base>/dev/idp`. */
  baseUrl: () => string;
  now: () => number;
}

export interface DemoIdp {
  clientId: string;
  clientSecret: string;
  /** True when this start created the provider's key and secret (first start for this data directory). */
  created: boolean;
  issuer(): string;
  /** Handles every request below /dev/idp/. */
  handle(req: HttpRequest & { rawBody: Buffer }): Promise<HttpResponse>;
}

/** An authorization request that was checked and waits for the person's answer on the form. */
interface PendingRequest {
  redirectUri: string;
  state: string | null;
  nonce: string | null;
  codeChallenge: string;
  expiresAt: number;
}

interface IssuedCode {
  redirectUri: string;
  nonce: string | null;
  codeChallenge: string;
  email: string;
  emailVerified: boolean;
  expiresAt: number;
}

const stateFileSchema = z.object({
  clientSecret: z.string().min(32),
  signingKey: z.record(z.string(), z.unknown()),
});

const b64u = (bytes: Buffer): string => bytes.toString('base64url');

const loadOrCreateState = async (dataDir: string): Promise<{ clientSecret: string; key: SigningKey; created: boolean }> => {
  const file = join(dataDir, DEMO_IDP_FILE);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    try {
      const saved = stateFileSchema.parse(JSON.parse(text));
      return { clientSecret: saved.clientSecret, key: await importSigningKey(saved.signingKey), created: false };
    } catch (error) {
      throw new Error(`${file} is damaged (${error instanceof Error ? error.message : String(error)}); delete it to create a new demo identity provider`);
    }
  }
  const key = await generateSigningKey(`demo-${b64u(randomBytes(6))}`);
  const clientSecret = b64u(randomBytes(32));
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify({ clientSecret, signingKey: key.privateJwk }, null, 2), { mode: 0o600 });
  return { clientSecret, key, created: true };
};

const page = (status: number, title: string, body: string): HttpResponse => ({
  status,
  headers: {
    'content-type': ['text/html; charset=utf-8'],
    'cache-control': ['no-store'],
    'content-security-policy': ["default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"],
    'referrer-policy': ['no-referrer'],
    'x-content-type-options': ['nosniff'],
    'x-frame-options': ['DENY'],
  },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Demo identity provider</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#172b4d}
.note{background:#fffae6;border-left:3px solid #ff991f;padding:.5rem .75rem;font-size:13px}
label{display:block;margin:.9rem 0 .3rem;font-weight:600}input[type=email]{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}
.check{font-weight:400}.error{color:#bf2600;font-weight:600}button{font:inherit;padding:.45rem 1rem;margin:1rem .5rem 0 0}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
});

const redirect = (location: string): HttpResponse => ({
  status: 303,
  headers: { location: [location], 'cache-control': ['no-store'], 'referrer-policy': ['no-referrer'] },
  body: '',
});

const first = (req: HttpRequest, name: string): string | null => {
  const values = req.query[name];
  return values && values.length === 1 ? (values[0] ?? null) : null;
};

const subjectOf = (email: string): string => `demo-${createHash('sha256').update(email, 'utf8').digest('hex').slice(0, 24)}`;

/** Drops expired entries and, past the cap, the oldest (Maps iterate in insertion order). */
const prune = <T extends { expiresAt: number }>(map: Map<string, T>, now: number): void => {
  for (const [key, value] of map) if (value.expiresAt <= now) map.delete(key);
  while (map.size >= MAX_PENDING) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
};

export const openDemoIdp = async (options: DemoIdpOptions): Promise<DemoIdp> => {
  const { clientSecret, key, created } = await loadOrCreateState(options.dataDir);
  const pending = new Map<string, PendingRequest>();
  const codes = new Map<string, IssuedCode>();
  const base = (): string => options.baseUrl().replace(/\/+$/, '');
  const issuer = (): string => `${base()}${DEMO_IDP_PATH}`;
  // The one redirect URI registered for the app (src/web/sso-gate.ts).
  const registeredRedirectUri = (): string => `${base()}${SSO_CALLBACK_PATH}`;

  const backTo = (redirectUri: string, state: string | null, params: Record<string, string>): HttpResponse => {
    const target = new URL(redirectUri);
    for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
    if (state !== null) target.searchParams.set('state', state);
    target.searchParams.set('iss', issuer());
    return redirect(target.href);
  };

  const signInForm = (requestId: string, problem: string | null, email: string, verified: boolean): HttpResponse =>
    page(
      problem ? 400 : 200,
      'Sign in',
      `<p class="note">This is local mode's demo identity provider: it signs you in as whatever address you enter. The SSO
demo link accepts verified @partner.example addresses.</p>
${problem ? `<p class="error" role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="${DEMO_IDP_PATH}/authorize">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<label for="email">Sign in as (email address)</label>
<input type="email" id="email" name="email" list="demo-identities" required autocomplete="off" value="${escapeHtml(email)}">
<datalist id="demo-identities">${DEMO_IDENTITIES.map((e) => `<option value="${escapeHtml(e)}">`).join('')}</datalist>
<label class="check"><input type="checkbox" name="email_verified" value="true"${verified ? ' checked' : ''}> The provider vouches that this email address is verified</label>
<button type="submit" name="decision" value="approve">Sign in</button><button type="submit" name="decision" value="deny" formnovalidate>Cancel</button>
</form>`,
    );

  const refusedPage = (status: number, message: string): HttpResponse =>
    page(status, 'Sign-in request refused', `<p>${escapeHtml(message)}</p><p>Open the shared link again to start a new sign-in.</p>`);

  /** GET /authorize: checks the request, then asks the person who to sign in as. */
  const authorize = (req: HttpRequest): HttpResponse => {
    const clientId = first(req, 'client_id');
    const redirectUri = first(req, 'redirect_uri');
    // Unknown client or redirect URI: never redirect (that would make this an open redirector).
    if (clientId !== DEMO_IDP_CLIENT_ID) return refusedPage(400, `Unknown client_id (this provider only serves "${DEMO_IDP_CLIENT_ID}").`);
    if (redirectUri !== registeredRedirectUri()) return refusedPage(400, `The redirect_uri must be exactly ${registeredRedirectUri()}.`);
    const state = first(req, 'state');
    const fail = (error: string, description: string): HttpResponse =>
      backTo(redirectUri, state, { error, error_description: description });
    if (first(req, 'response_type') !== 'code') return fail('unsupported_response_type', 'only the code flow is supported');
    const challenge = first(req, 'code_challenge');
    if (first(req, 'code_challenge_method') !== 'S256' || !challenge || !CHALLENGE_PATTERN.test(challenge)) {
      return fail('invalid_request', 'PKCE with S256 is required');
    }
    if (!(first(req, 'scope') ?? '').split(' ').includes('openid')) return fail('invalid_scope', 'the openid scope is required');
    const now = options.now();
    prune(pending, now);
    const requestId = b64u(randomBytes(32));
    pending.set(requestId, { redirectUri, state, nonce: first(req, 'nonce'), codeChallenge: challenge, expiresAt: now + REQUEST_TTL_MS });
    return signInForm(requestId, null, DEMO_IDENTITIES[0], true);
  };

  /** POST /authorize: the person's answer. The request id is single use and doubles as the CSRF token. */
  const decide = (req: HttpRequest & { rawBody: Buffer }): HttpResponse => {
    const form = new URLSearchParams(req.rawBody.toString('utf8'));
    const requestId = form.get('request') ?? '';
    const now = options.now();
    const request = pending.get(requestId);
    pending.delete(requestId);
    if (!request || request.expiresAt <= now) {
      return refusedPage(400, 'This sign-in request is unknown, was already answered or took longer than 10 minutes.');
    }
    if (form.get('decision') !== 'approve') return backTo(request.redirectUri, request.state, { error: 'access_denied', error_description: 'sign-in cancelled' });
    const email = (form.get('email') ?? '').trim().toLowerCase();
    const emailVerified = form.get('email_verified') === 'true';
    if (!EMAIL_PATTERN.test(email)) {
      const retryId = b64u(randomBytes(32));
      pending.set(retryId, request);
      return signInForm(retryId, 'Enter a full email address, e.g. ann@partner.example.', form.get('email') ?? '', emailVerified);
    }
    prune(codes, now);
    const code = b64u(randomBytes(32));
    codes.set(code, {
      redirectUri: request.redirectUri,
      nonce: request.nonce,
      codeChallenge: request.codeChallenge,
      email,
      emailVerified,
      expiresAt: now + CODE_TTL_MS,
    });
    return backTo(request.redirectUri, request.state, { code });
  };

  /** POST /token: authorization code grant with client authentication and PKCE. */
  const token = async (req: HttpRequest & { rawBody: Buffer }): Promise<HttpResponse> => {
    const form = new URLSearchParams(req.rawBody.toString('utf8'));
    const error = (status: number, code: string, description: string): HttpResponse => jsonResponse(status, { error: code, error_description: description });
    const client = presentedClient(req.headers['authorization']?.[0], form);
    if (client.clientId !== DEMO_IDP_CLIENT_ID || !sameSecret(client.clientSecret, clientSecret)) {
      const refused = error(401, 'invalid_client', 'client authentication failed');
      return { ...refused, headers: { ...refused.headers, 'www-authenticate': ['Basic realm="demo-idp"'] } };
    }
    if (form.get('grant_type') !== 'authorization_code') return error(400, 'unsupported_grant_type', 'only authorization_code is supported');
    const code = form.get('code') ?? '';
    const issued = codes.get(code);
    // Single use: the code is gone after the first attempt, whatever its outcome.
    codes.delete(code);
    const now = options.now();
    if (!issued || issued.expiresAt <= now) return error(400, 'invalid_grant', 'unknown, used or expired code');
    if (form.get('redirect_uri') !== issued.redirectUri) return error(400, 'invalid_grant', 'redirect_uri does not match');
    if (!pkceS256Matches(form.get('code_verifier'), issued.codeChallenge)) return error(400, 'invalid_grant', 'PKCE verification failed');
    const iat = Math.floor(now / 1000);
    const idToken = await signIdToken(key, {
      iss: issuer(),
      aud: DEMO_IDP_CLIENT_ID,
      azp: DEMO_IDP_CLIENT_ID,
      sub: subjectOf(issued.email),
      email: issued.email,
      email_verified: issued.emailVerified,
      ...(issued.nonce !== null ? { nonce: issued.nonce } : {}),
      iat,
      exp: iat + ID_TOKEN_TTL_S,
    });
    return jsonResponse(200, { access_token: b64u(randomBytes(32)), token_type: 'Bearer', expires_in: ID_TOKEN_TTL_S, id_token: idToken });
  };

  const notAllowed = (allow: string): HttpResponse => {
    const response = jsonResponse(405, { error: 'method_not_allowed' });
    return { ...response, headers: { ...response.headers, allow: [allow] } };
  };

  return {
    clientId: DEMO_IDP_CLIENT_ID,
    clientSecret,
    created,
    issuer,
    handle: async (req) => {
      const route = req.path.slice(DEMO_IDP_PATH.length);
      const method = req.method.toUpperCase();
      switch (route) {
        case '/.well-known/openid-configuration':
          return method === 'GET' ? jsonResponse(200, providerMetadata(issuer(), issuer(), { issParameter: true })) : notAllowed('GET');
        case '/jwks':
          return method === 'GET' ? jsonResponse(200, { keys: [key.publicJwk] }) : notAllowed('GET');
        case '/authorize':
          if (method === 'GET') return authorize(req);
          if (method === 'POST') return decide(req);
          return notAllowed('GET, POST');
        case '/token':
          return method === 'POST' ? token(req) : notAllowed('POST');
        default:
          return jsonResponse(404, { error: 'not_found' });
      }
    },
  };
};
