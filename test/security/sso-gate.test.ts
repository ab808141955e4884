/**
 * The SSO (OIDC) gate end to end through real HTTP: local server (demo site), site settings saved by a
 * site admin through the setSiteSettings resolver, a link with requireSso, and a local OIDC provider.
 * Catalogue §3 N plus D9/K6/K7 for the SSO routes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SiteSettings } from '../../src/core/model';
import { startOidcProvider, type OidcMisbehaviour, type TestOidcProvider } from '../support/oidc-provider';
import { startTestServer, type TestServer } from '../support/local-server';
import { Visitor, type VisitorResponse } from '../support/visitor';

let server: TestServer;
let idp: TestOidcProvider;

const configureSso = async (sso: { issuer: string; clientId: string; scopes: string } | null, secret?: string | null) => {
  const { settings } = await server.call('getSiteSettings', {}, 'u-site-admin');
  const { version, updatedAt: _u, sso: _s, ...rest } = settings as SiteSettings;
  await server.call(
    'setSiteSettings',
    { version, settings: { ...rest, sso }, ...(secret !== undefined ? { ssoClientSecret: secret } : {}) },
    'u-site-admin',
  );
};

const createSsoLink = async (extra: Record<string, unknown> = {}): Promise<{ url: string; path: string; linkId: string }> => {
  const created = await server.call('createLink', { pageId: '1001', settings: { name: 'SSO link', requireSso: true, ...extra } }, 'u-editor');
  return { url: created.url, path: new URL(created.url).pathname, linkId: created.link.id };
};

beforeAll(async () => {
  idp = await startOidcProvider({ user: { sub: 'idp-ann', email: 'ann@partner.example', email_verified: true } });
  server = await startTestServer();
  // The composition root's outbound fetch, routed to the in-test IdP (production: global/Forge fetch).
  server.deps.fetch = (url, init) => idp.fetch(url, init);
  await configureSso({ issuer: idp.issuer, clientId: idp.clientId, scopes: 'openid email' }, idp.clientSecret);
});

afterAll(async () => {
  await server?.stop();
  await idp?.close();
});

beforeEach(() => {
  idp.setMisbehaviour(null);
  idp.setUser({ sub: 'idp-ann', email: 'ann@partner.example', email_verified: true });
});

/** Opens the link, starts SSO and lets the IdP approve; returns the IdP's redirect back to us. */
const startLogin = async (visitor: Visitor, linkPath: string): Promise<{ gate: VisitorResponse; start: VisitorResponse; back: string }> => {
  const gate = await visitor.get(linkPath);
  const start = await visitor.get(`${linkPath}/sso/start`);
  expect(start.status, start.text).toBe(303);
  const location = start.location ?? '';
  expect(new URL(location).origin).toBe(new URL(idp.issuer).origin);
  expect(new URL(location).pathname.endsWith('/authorize')).toBe(true);
  return { gate, start, back: await idp.approve(location) };
};

/** Follows our own redirects (fixed callback hop → per-link callback → page). */
const finish = async (visitor: Visitor, back: string): Promise<VisitorResponse[]> => {
  const hops: VisitorResponse[] = [];
  let next: string | null = back;
  for (let i = 0; i < 4 && next; i += 1) {
    expect(next.startsWith(server.url), `redirect stays on our base: ${next}`).toBe(true);
    const response = await visitor.get(next);
    hops.push(response);
    next = response.status >= 300 && response.status < 400 ? response.location : null;
  }
  return hops;
};

const auditDetails = async (linkId: string): Promise<string[]> => {
  const page = await server.call('getAuditLog', { linkId, limit: 100 }, 'u-site-admin');
  return page.items.map((e: { action: string; detail: string }) => `${e.action}:${e.detail}`);
};

describe('SSO gate through the share handler', () => {
  it('full flow: gate page → IdP (PKCE S256) → fixed /sso/callback → link callback → content; redirect_uri carries no token', async () => {
    const link = await createSsoLink();
    const visitor = new Visitor(server.url);
    const { gate, start, back } = await startLogin(visitor, link.path);
    expect(gate.status).toBe(200);
    expect(gate.text).not.toContain('Product Handbook');
    expect(gate.text).toContain('/sso/start');

    const authorize = new URL(start.location ?? '');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${server.url}/sso/callback`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.toString()).not.toContain(link.path.slice(3));
    // The binding cookie for the login: HttpOnly, Lax, Path=/.
    const binding = start.setCookies.find((c) => c.startsWith('ss_oidc='));
    expect(binding).toMatch(/HttpOnly/i);
    expect(binding).toMatch(/SameSite=Lax/i);
    expect(binding).toMatch(/Path=\//);

    const hops = await finish(visitor, back);
    const last = hops.at(-1);
    expect(hops[0]?.status).toBe(303);
    expect(hops[0]?.location).toMatch(new RegExp(`^${server.url}${link.path}/sso/callback\\?`));
    expect(last?.status, last?.text).toBe(200);
    expect(last?.text).toContain('Product Handbook');
    expect(idp.tokenRequests.at(-1)).toMatchObject({ outcome: 'ok', redirectUri: `${server.url}/sso/callback` });
    // The session now carries the SSO identity: the page opens again without the IdP.
    const again = await visitor.get(link.path);
    expect(again.status).toBe(200);
    expect(again.text).toContain('Product Handbook');
    expect((await auditDetails(link.linkId)).some((d) => d === 'gate_passed:sso')).toBe(true);
  });

  const misbehaviours: Array<[OidcMisbehaviour, number]> = [
    ['wrong_issuer', 401],
    ['issuer_trailing_slash', 401],
    ['wrong_audience', 401],
    ['wrong_nonce', 401],
    ['expired', 401],
    ['iat_future', 401],
    ['bad_signature', 401],
    ['alg_none', 401],
    ['hs256_with_public_key', 401],
    ['email_unverified', 403],
    ['email_verified_absent', 403],
    ['authorize_error', 401],
    ['token_error', 502],
  ];
  it.each(misbehaviours)('N3–N6: IdP misbehaviour %s → %i page, audited, no content, link stays gated', async (m, status) => {
    const link = await createSsoLink();
    const visitor = new Visitor(server.url);
    idp.setMisbehaviour(m);
    const { back } = await startLogin(visitor, link.path);
    const hops = await finish(visitor, back);
    const last = hops.at(-1);
    expect(last?.status, last?.text).toBe(status);
    expect(last?.text).not.toContain('Product Handbook');
    expect(last?.text).not.toMatch(/at \S+\.[jt]s:\d+|TypeError|OidcError|OAUTH_|JOSE|ERR_/);
    expect(last?.headers.get('cache-control')).toContain('no-store');
    const retry = await visitor.get(link.path);
    expect(retry.text).not.toContain('Welcome to the');
    expect(retry.text).toContain('/sso/start');
    expect((await auditDetails(link.linkId)).some((d) => d.startsWith('gate_failed:sso: '))).toBe(true);
  });

  it('N1: replayed callback (same state twice) → 400, no second session', async () => {
    const link = await createSsoLink();
    const visitor = new Visitor(server.url);
    const { back } = await startLogin(visitor, link.path);
    const first = await finish(visitor, back);
    expect(first.at(-1)?.status).toBe(200);
    const fresh = new Visitor(server.url);
    for (const [k, v] of visitor.jar) if (k === 'ss_oidc') fresh.jar.set(k, v);
    const replay = await finish(fresh, back);
    expect(replay.at(-1)?.status).toBe(400);
    expect(replay.at(-1)?.text).not.toContain('Welcome to the');
  });

  it('N1: unknown or missing state on the fixed callback → 400', async () => {
    const visitor = new Visitor(server.url);
    expect((await visitor.get('/sso/callback?code=x')).status).toBe(400);
    expect((await visitor.get(`/sso/callback?code=x&state=${'A'.repeat(43)}`)).status).toBe(400);
    expect((await visitor.get('/sso/callback?state=a&state=b')).status).toBe(400);
  });

  it('N2: callback in another browser (no binding cookie) → 400, no content', async () => {
    const link = await createSsoLink();
    const starter = new Visitor(server.url);
    const { back } = await startLogin(starter, link.path);
    const other = new Visitor(server.url);
    const hops = await finish(other, back);
    expect(hops.at(-1)?.status).toBe(400);
    expect(hops.at(-1)?.text).not.toContain('Welcome to the');
  });

  it('K6: state of one link replayed on another link’s callback → refused', async () => {
    const a = await createSsoLink();
    const b = await createSsoLink();
    const visitor = new Visitor(server.url);
    const { back } = await startLogin(visitor, a.path);
    const query = new URL(back).search;
    // Straight to link B's callback with A's state and the right binding cookie.
    await visitor.get(b.path);
    const response = await visitor.get(`${b.path}/sso/callback${query}`);
    expect(response.status).toBe(409);
    expect(response.text).not.toContain('Welcome to the');
  });

  it('J/D3: link rotated during the login → the callback is refused (epoch), the new token still gates', async () => {
    const link = await createSsoLink();
    const visitor = new Visitor(server.url);
    const { back } = await startLogin(visitor, link.path);
    const rotated = await server.call('rotateLink', { linkId: link.linkId }, 'u-editor');
    const hops = await finish(visitor, back);
    // The old token is gone: the hop's target answers the generic 404.
    expect(hops.at(-1)?.status).toBe(404);
    const fresh = await new Visitor(server.url).get(new URL(rotated.url).pathname);
    expect(fresh.text).toContain('/sso/start');
  });

  it('D9: a session that passed only the password gate meets the SSO gate once the owner adds requireSso', async () => {
    const created = await server.call('createLink', { pageId: '1001', settings: { name: 'pw' }, password: 'correct horse battery' }, 'u-editor');
    const path = new URL(created.url).pathname;
    const visitor = new Visitor(server.url);
    const gate = await visitor.get(path);
    const csrf = /name="csrf" value="([^"]+)"/.exec(gate.text)?.[1] ?? '';
    const passed = await visitor.postForm(`${path}/password`, { password: 'correct horse battery', csrf });
    expect(passed.status).toBe(303);
    expect((await visitor.get(path)).text).toContain('Welcome to the');
    const view = (await server.call('getPageSharing', { pageId: '1001' }, 'u-editor')).links.find((l: { id: string }) => l.id === created.link.id);
    await server.call(
      'updateLink',
      { linkId: created.link.id, version: view?.version ?? 0, settings: { requireSso: true } },
      'u-editor',
    );
    const after = await visitor.get(path);
    expect(after.text).not.toContain('Welcome to the');
    // Either the SSO gate (session kept) or, when the edit bumped the epoch, the password gate again.
    expect(after.text).toMatch(/\/sso\/start|\/password"/);
  });

  it('N10: IdP unreachable → error page (5xx from upstream, not 500), link stays gated, no fallback to no SSO', async () => {
    const link = await createSsoLink();
    idp.setMisbehaviour('discovery_down');
    const visitor = new Visitor(server.url);
    await visitor.get(link.path);
    const start = await visitor.get(`${link.path}/sso/start`);
    expect(start.status).toBe(502);
    expect(start.text).not.toContain('Welcome to the');
    expect((await visitor.get(link.path)).text).toContain('/sso/start');
  });

  it('N6 + selected users: SSO identity not on the link’s allow-list → no content', async () => {
    const link = await createSsoLink({ selectedUsers: ['@acme.example'] });
    idp.setUser({ sub: 'idp-eve', email: 'eve@evil.example', email_verified: true });
    const visitor = new Visitor(server.url);
    const { back } = await startLogin(visitor, link.path);
    const hops = await finish(visitor, back);
    expect(hops.at(-1)?.text).not.toContain('Welcome to the');
  });

  it('P2/N9: issuers over http, on IP literals, localhost or with a query are refused when saved', async () => {
    for (const issuer of ['http://idp.example.com', 'https://10.0.0.1', 'https://[::1]', 'https://localhost', 'https://idp.example.com/?tenant=x', 'https://intranet']) {
      const { settings } = await server.call('getSiteSettings', {}, 'u-site-admin');
      const { version, updatedAt: _u, sso: _s, ...rest } = settings as SiteSettings;
      const result = await server.invoke('setSiteSettings', { version, settings: { ...rest, sso: { issuer, clientId: 'c', scopes: 'openid' } } }, 'u-site-admin');
      expect(result.status, issuer).toBe(400);
    }
  });

  it('an issuer with a trailing slash (Auth0 style) is stored verbatim and the login succeeds', async () => {
    const slashIdp = await startOidcProvider({ issuerPath: '/' });
    const previousFetch = server.deps.fetch;
    server.deps.fetch = (url, init) => slashIdp.fetch(url, init);
    try {
      await configureSso({ issuer: slashIdp.issuer, clientId: slashIdp.clientId, scopes: 'openid email' }, slashIdp.clientSecret);
      const stored = await server.call('getSiteSettings', {}, 'u-site-admin');
      expect(stored.settings.sso?.issuer).toBe(slashIdp.issuer);
      expect(slashIdp.issuer.endsWith('/')).toBe(true);
      const link = await createSsoLink();
      const visitor = new Visitor(server.url);
      await visitor.get(link.path);
      const start = await visitor.get(`${link.path}/sso/start`);
      const hops = await finish(visitor, await slashIdp.approve(start.location ?? ''));
      expect(hops.at(-1)?.status).toBe(200);
      expect(hops.at(-1)?.text).toContain('Welcome to the');
    } finally {
      server.deps.fetch = previousFetch;
      await configureSso({ issuer: idp.issuer, clientId: idp.clientId, scopes: 'openid email' }, idp.clientSecret);
      await slashIdp.close();
    }
  });

  it('SSO not configured → clear 503 page on start, never content', async () => {
    await configureSso(null);
    try {
      const link = await createSsoLink();
      const visitor = new Visitor(server.url);
      await visitor.get(link.path);
      const start = await visitor.get(`${link.path}/sso/start`);
      expect(start.status).toBe(503);
      expect(start.text).toContain('not configured');
    } finally {
      await configureSso({ issuer: idp.issuer, clientId: idp.clientId, scopes: 'openid email' }, idp.clientSecret);
    }
  });
});
