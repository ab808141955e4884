/**
 * Catalogue §3 N (OIDC) against the relying party module directly, with a real local OIDC provider.
 * The end-to-end flow through the share handler is in sso-gate.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EphemeralRecord, EphemeralStore } from '../../src/app/ports';
import {
  beginOidcLogin,
  completeOidcLogin,
  issuerProblem,
  OidcError,
  takeOidcTransaction,
  type OidcEnv,
  type OidcFailure,
  type OidcSettings,
} from '../../src/web/oidc';
import { startOidcProvider, type OidcMisbehaviour, type TestOidcProvider } from '../support/oidc-provider';

const memoryEphemeral = (): EphemeralStore & { records: Map<string, EphemeralRecord> } => {
  const records = new Map<string, EphemeralRecord>();
  return {
    records,
    async putIfAbsent(r) {
      const existing = records.get(r.key);
      if (existing && existing.expiresAt > Date.now()) throw new Error('already_exists');
      records.set(r.key, r);
    },
    async put(r) {
      records.set(r.key, r);
    },
    async get(key, now) {
      const r = records.get(key);
      return r && r.expiresAt > now ? r : undefined;
    },
    async take(key, now) {
      const r = records.get(key);
      records.delete(key);
      return r && r.expiresAt > now ? r : undefined;
    },
    async delete(key) {
      records.delete(key);
    },
    async listByPrefix() {
      return { items: [] };
    },
    async purgeExpired() {
      return 0;
    },
  };
};

let idp: TestOidcProvider;
let env: OidcEnv & { ephemeral: ReturnType<typeof memoryEphemeral> };
let settings: OidcSettings;
let clockOffset = 0;
const REDIRECT = 'https://share.example/sso/callback';
const LINK = 'AAAAAAAAAAAAAAAAAAAAAA';

beforeAll(async () => {
  idp = await startOidcProvider();
});
afterAll(async () => {
  await idp.close();
});
beforeEach(() => {
  idp.setMisbehaviour(null);
  idp.setUser({ sub: 'u1', email: 'Ann@Partner.example', email_verified: true });
  clockOffset = 0;
  env = {
    fetch: (url, init) => idp.fetch(url, init),
    now: () => Date.now() + clockOffset,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    ephemeral: memoryEphemeral(),
    clientSecret: async () => idp.clientSecret,
  };
  settings = { issuer: idp.issuer, clientId: idp.clientId, scopes: 'openid email profile' };
});

const login = async (binding?: (b: string) => string, provider: TestOidcProvider = idp) => {
  const begin = await beginOidcLogin(env, settings, { linkId: LINK, epoch: 3, redirectUri: REDIRECT, returnPath: '/s/tok' });
  const callback = new URL(await provider.approve(begin.authorizationUrl));
  const tx = await takeOidcTransaction(env, callback.searchParams, binding ? binding(begin.browserBinding) : begin.browserBinding);
  return { begin, callback, tx, identity: await completeOidcLogin(env, settings, tx, callback.searchParams) };
};

const failure = async (run: () => Promise<unknown>): Promise<OidcFailure> => {
  try {
    await run();
  } catch (error) {
    if (error instanceof OidcError) return error.reason;
    throw error;
  }
  throw new Error('expected an OidcError');
};

describe('OIDC relying party (catalogue N)', () => {
  it('happy path: PKCE S256, state, nonce; returns the verified, lower-cased email and the sealed return path', async () => {
    const { begin, tx, identity } = await login();
    const authorize = idp.authorizeRequests.at(-1);
    expect(authorize?.get('code_challenge_method')).toBe('S256');
    expect(authorize?.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email']));
    expect(authorize?.get('redirect_uri')).toBe(REDIRECT);
    expect(idp.tokenRequests.at(-1)).toMatchObject({ outcome: 'ok', clientAuth: 'basic', redirectUri: REDIRECT });
    expect(identity).toEqual({ email: 'ann@partner.example', issuer: idp.issuer, subject: 'u1' });
    expect(tx).toMatchObject({ linkId: LINK, epoch: 3, returnPath: '/s/tok' });
    // The share token (inside returnPath) is not stored in clear in the transaction record.
    expect(JSON.stringify([...env.ephemeral.records.values()])).not.toContain('/s/tok');
    expect(begin.expiresAt - env.now()).toBeLessThanOrEqual(10 * 60 * 1000);
  });

  it('N1: callback with a missing, unknown or replayed state is rejected', async () => {
    expect(await failure(() => takeOidcTransaction(env, new URLSearchParams('code=x'), 'b'))).toBe('state_invalid');
    expect(
      await failure(() => takeOidcTransaction(env, new URLSearchParams(`code=x&state=${'A'.repeat(43)}`), 'b')),
    ).toBe('state_invalid');
    const begin = await beginOidcLogin(env, settings, { linkId: LINK, epoch: 1, redirectUri: REDIRECT, returnPath: '/s/t' });
    const callback = new URL(await idp.approve(begin.authorizationUrl));
    await takeOidcTransaction(env, callback.searchParams, begin.browserBinding);
    expect(await failure(() => takeOidcTransaction(env, callback.searchParams, begin.browserBinding))).toBe('state_invalid');
  });

  it('N1: a transaction older than 10 minutes is rejected even if the store still returns it', async () => {
    const begin = await beginOidcLogin(env, settings, { linkId: LINK, epoch: 1, redirectUri: REDIRECT, returnPath: '/s/t' });
    const callback = new URL(await idp.approve(begin.authorizationUrl));
    clockOffset = 10 * 60 * 1000 + 1;
    expect(await failure(() => takeOidcTransaction(env, callback.searchParams, begin.browserBinding))).toBe('state_invalid');
  });

  it('N2: callback without (or with another) browser-binding cookie is rejected', async () => {
    expect(await failure(() => login(() => ''))).toBe('browser_mismatch');
    expect(await failure(() => login(() => randomBytes(32).toString('base64url')))).toBe('browser_mismatch');
  });

  const tokenCases: Array<[OidcMisbehaviour, OidcFailure]> = [
    ['wrong_issuer', 'id_token_invalid'],
    ['issuer_trailing_slash', 'id_token_invalid'],
    ['wrong_audience', 'id_token_invalid'],
    ['expired', 'id_token_invalid'],
    ['iat_future', 'id_token_invalid'],
    ['bad_signature', 'id_token_invalid'],
    ['alg_none', 'id_token_invalid'],
    ['hs256_with_public_key', 'id_token_invalid'],
    ['wrong_nonce', 'id_token_invalid'],
    ['missing_nonce', 'id_token_invalid'],
  ];
  it.each(tokenCases)('N3/N4/I10: ID token misbehaviour %s is rejected', async (m, reason) => {
    idp.setMisbehaviour(m);
    expect(await failure(() => login())).toBe(reason);
  });

  it('N5: token exchange with a wrong code_verifier is refused by the IdP and reported', async () => {
    const begin = await beginOidcLogin(env, settings, { linkId: LINK, epoch: 1, redirectUri: REDIRECT, returnPath: '/s/t' });
    const callback = new URL(await idp.approve(begin.authorizationUrl));
    const tx = await takeOidcTransaction(env, callback.searchParams, begin.browserBinding);
    expect(
      await failure(() => completeOidcLogin(env, settings, { ...tx, codeVerifier: 'x'.repeat(43) }, callback.searchParams)),
    ).toBe('token_exchange_failed');
    expect(idp.tokenRequests.at(-1)?.outcome).toBe('invalid_grant');
  });

  it.each(['email_unverified', 'email_verified_absent', 'email_verified_string'] as const)(
    'N6: %s is rejected',
    async (m) => {
      idp.setMisbehaviour(m);
      expect(await failure(() => login())).toBe('email_unverified');
    },
  );

  it('N8: discovery document whose issuer differs from the configured one is rejected', async () => {
    idp.setMisbehaviour('discovery_issuer_mismatch');
    expect(await failure(() => login())).toBe('discovery_failed');
  });

  it('N9: discovery redirect is not followed; http, IP-literal and localhost issuers are refused before any request', async () => {
    idp.setMisbehaviour('discovery_redirect');
    expect(await failure(() => login())).toBe('discovery_failed');
    for (const bad of ['http://idp.example', 'https://127.0.0.1', 'https://[::1]', 'https://localhost', 'https://idp.example/?x=1', 'nonsense']) {
      expect(issuerProblem(bad), bad).not.toBeNull();
      settings = { ...settings, issuer: bad };
      expect(await failure(() => beginOidcLogin(env, settings, { linkId: LINK, epoch: 1, redirectUri: REDIRECT, returnPath: '/' }))).toBe(
        'issuer_invalid',
      );
    }
    expect(issuerProblem('https://login.example.com/tenant-1/v2.0')).toBeNull();
  });

  it('N10: IdP unreachable or failing → error, never a fallback to no SSO', async () => {
    idp.setMisbehaviour('discovery_down');
    expect(await failure(() => login())).toBe('discovery_failed');
    idp.setMisbehaviour(null);
    env.fetch = async () => {
      throw new TypeError('fetch failed');
    };
    expect(await failure(() => login())).toBe('discovery_failed');
  });

  it('authorization error from the IdP (access_denied) and token endpoint errors are reported, not thrown raw', async () => {
    idp.setMisbehaviour('authorize_error');
    expect(await failure(() => login())).toBe('idp_error');
    idp.setMisbehaviour('token_error');
    expect(await failure(() => login())).toBe('token_exchange_failed');
  });

  it('RFC 9207: an iss parameter from another issuer in the authorization response is rejected', async () => {
    const begin = await beginOidcLogin(env, settings, { linkId: LINK, epoch: 1, redirectUri: REDIRECT, returnPath: '/s/t' });
    const callback = new URL(await idp.approve(begin.authorizationUrl));
    callback.searchParams.set('iss', 'https://evil-idp.test');
    const tx = await takeOidcTransaction(env, callback.searchParams, begin.browserBinding);
    expect(await failure(() => completeOidcLogin(env, settings, tx, callback.searchParams))).toBe('idp_error');
  });

  it('settings changed between start and callback → rejected', async () => {
    const begin = await beginOidcLogin(env, settings, { linkId: LINK, epoch: 1, redirectUri: REDIRECT, returnPath: '/s/t' });
    const callback = new URL(await idp.approve(begin.authorizationUrl));
    const tx = await takeOidcTransaction(env, callback.searchParams, begin.browserBinding);
    expect(
      await failure(() => completeOidcLogin(env, { ...settings, clientId: 'other' }, tx, callback.searchParams)),
    ).toBe('settings_changed');
  });

  it('N7: an Entra-style issuer with a tenant path works, and a token from another tenant (other iss) is refused', async () => {
    const tenantIdp = await startOidcProvider({ issuerPath: '/tenant-1/v2.0' });
    try {
      env.fetch = (url, init) => tenantIdp.fetch(url, init);
      env.clientSecret = async () => tenantIdp.clientSecret;
      settings = { issuer: tenantIdp.issuer, clientId: tenantIdp.clientId, scopes: 'openid email' };
      expect((await login(undefined, tenantIdp)).identity.email).toBe('ann@partner.example');
      tenantIdp.setMisbehaviour('wrong_issuer');
      expect(await failure(() => login(undefined, tenantIdp))).toBe('id_token_invalid');
    } finally {
      await tenantIdp.close();
    }
  });

  it('missing client secret → not_configured', async () => {
    env.clientSecret = async () => undefined;
    expect(await failure(() => login())).toBe('not_configured');
  });
});
