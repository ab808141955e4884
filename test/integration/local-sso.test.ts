/**
 * Local mode's SSO demo end to end over real HTTP: the seeded SSO demo link, the demo identity provider
 * mounted on the local server (/dev/idp) as the configured issuer, its sign-in form filled in and
 * submitted like a person would, the fixed callback, and the page. Plus the refusals a person can
 * provoke on the form (email not verified, an address outside @partner.example, cancel) and the token
 * endpoint's own checks (code single use, PKCE, client authentication).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_NAMES } from '../../src/app/configs';
import type { SiteSettings } from '../../src/core/model';
import { DEMO_IDP_CLIENT_ID, DEMO_IDP_FILE } from '../../src/dev/demo-idp';
import { startTestServer, type TestServer } from '../support/local-server';
import { formWith, Visitor, type VisitorResponse } from '../support/visitor';

let server: TestServer;
let ssoLinkPath: string;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
  const link = server.demoLinks.find((l) => l.title === 'SSO link');
  if (!link) throw new Error('no SSO demo link seeded');
  ssoLinkPath = new URL(link.url).pathname;
});

afterAll(async () => {
  await server?.stop();
});

/** Opens the link, starts SSO and returns the demo IdP's sign-in page. */
const openSignInForm = async (visitor: Visitor): Promise<{ form: VisitorResponse; authorizeUrl: URL }> => {
  const gate = await visitor.get(ssoLinkPath);
  expect(gate.status).toBe(200);
  expect(gate.text).not.toContain('Getting started');
  expect(gate.text).toContain('/sso/start');
  const start = await visitor.get(`${ssoLinkPath}/sso/start`);
  expect(start.status, start.text).toBe(303);
  const authorizeUrl = new URL(start.location ?? '');
  expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${server.url}/dev/idp/authorize`);
  expect(authorizeUrl.searchParams.get('client_id')).toBe(DEMO_IDP_CLIENT_ID);
  const form = await visitor.get(authorizeUrl.href);
  expect(form.status, form.text).toBe(200);
  expect(form.headers.get('content-security-policy')).toContain("default-src 'none'");
  return { form, authorizeUrl };
};

/** Submits the sign-in form (email + verified checkbox), then follows our redirects to the end. */
const signIn = async (visitor: Visitor, form: VisitorResponse, email: string, verified: boolean): Promise<VisitorResponse[]> => {
  const fields = formWith(form.text, 'email');
  const answer = await visitor.postForm(new URL(fields.action, server.url).href, {
    ...fields.fields,
    email,
    ...(verified ? { email_verified: 'true' } : {}),
    decision: 'approve',
  });
  const hops = [answer];
  let current = answer;
  for (let i = 0; i < 5 && current.location && current.status >= 300 && current.status < 400; i += 1) {
    expect(current.location.startsWith(server.url), `redirect stays local: ${current.location}`).toBe(true);
    current = await visitor.get(current.location);
    hops.push(current);
  }
  return hops;
};

describe('local SSO demo (demo identity provider on the local server)', () => {
  it('the first start configured the demo provider as the site SSO provider, with its client secret in the secret store', async () => {
    const { settings, secrets } = await server.call('getSiteSettings', {}, 'u-site-admin');
    expect(settings.sso).toMatchObject({ issuer: `${server.url}/dev/idp`, clientId: DEMO_IDP_CLIENT_ID, scopes: 'openid email' });
    expect(secrets.ssoClientSecret).toBe(true);
    const saved = JSON.parse(await readFile(join(server.dataDir, DEMO_IDP_FILE), 'utf8')) as { clientSecret: string };
    expect(await server.deps.store.secrets.get(SECRET_NAMES.ssoClientSecret)).toBe(saved.clientSecret);
    expect(server.demoLinks.find((l) => l.title === 'SSO link')?.note).toMatch(/demo identity provider.*@partner\.example/);
  });

  it('start → IdP sign-in form → submit a verified @partner.example address → callback → the page', async () => {
    const visitor = new Visitor(server.url);
    const { form, authorizeUrl } = await openSignInForm(visitor);
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(formWith(form.text, 'email').inputs).toEqual(expect.arrayContaining(['request', 'email', 'email_verified', 'decision']));

    const hops = await signIn(visitor, form, 'Jo@Partner.example', true);
    expect(hops[0]?.status).toBe(303);
    expect(hops[0]?.location).toMatch(new RegExp(`^${server.url}/sso/callback\\?`));
    const last = hops.at(-1);
    expect(last?.status, last?.text).toBe(200);
    expect(last?.text).toContain('Getting started');
    // The session now carries the SSO identity: the page opens again without the provider.
    const again = await visitor.get(ssoLinkPath);
    expect(again.status).toBe(200);
    expect(again.text).toContain('Getting started');
  });

  it('"email verified" left unticked → the refused page, no content, the link stays gated', async () => {
    const visitor = new Visitor(server.url);
    const { form } = await openSignInForm(visitor);
    const last = (await signIn(visitor, form, 'ann@partner.example', false)).at(-1);
    expect(last?.status, last?.text).toBe(403);
    expect(last?.text).toContain('Email address not verified');
    expect(last?.text).not.toContain('Getting started');
    const retry = await visitor.get(ssoLinkPath);
    expect(retry.text).toContain('/sso/start');
    expect(retry.text).not.toContain('Getting started');
  });

  it('a verified address outside @partner.example is signed in but not let in', async () => {
    const visitor = new Visitor(server.url);
    const { form } = await openSignInForm(visitor);
    const last = (await signIn(visitor, form, 'sam@elsewhere.example', true)).at(-1);
    expect(last?.status).toBeGreaterThanOrEqual(400);
    expect(last?.text).not.toContain('Getting started');
  });

  it('Cancel on the form goes back with access_denied and shows a 4xx page', async () => {
    const visitor = new Visitor(server.url);
    const { form } = await openSignInForm(visitor);
    const fields = formWith(form.text, 'email');
    const cancel = await visitor.postForm(new URL(fields.action, server.url).href, { ...fields.fields, decision: 'deny' });
    expect(new URL(cancel.location ?? '').searchParams.get('error')).toBe('access_denied');
    const last = await visitor.follow(cancel);
    expect(last.status).toBe(401);
    expect(last.text).not.toContain('Getting started');
  });

  it('the sign-in request is single use: posting the same form twice is refused', async () => {
    const visitor = new Visitor(server.url);
    const { form } = await openSignInForm(visitor);
    const fields = formWith(form.text, 'email');
    const body = { ...fields.fields, email: 'ann@partner.example', email_verified: 'true', decision: 'approve' };
    const action = new URL(fields.action, server.url).href;
    expect((await visitor.postForm(action, body)).status).toBe(303);
    const replay = await visitor.postForm(action, body);
    expect(replay.status).toBe(400);
    expect(replay.location).toBeNull();
  });

  it('authorize refuses an unregistered redirect_uri without redirecting, and requires PKCE S256', async () => {
    const visitor = new Visitor(server.url);
    const { authorizeUrl } = await openSignInForm(visitor);
    const evil = new URL(authorizeUrl);
    evil.searchParams.set('redirect_uri', 'https://evil.example/callback');
    const refused = await visitor.get(evil.href);
    expect(refused.status).toBe(400);
    expect(refused.location).toBeNull();
    const plain = new URL(authorizeUrl);
    plain.searchParams.set('code_challenge_method', 'plain');
    const noPkce = await visitor.get(plain.href);
    expect(noPkce.status).toBe(303);
    expect(new URL(noPkce.location ?? '').searchParams.get('error')).toBe('invalid_request');
  });

  it('token endpoint: wrong client secret, wrong PKCE verifier and a reused code are refused', async () => {
    const visitor = new Visitor(server.url);
    const { form, authorizeUrl } = await openSignInForm(visitor);
    const fields = formWith(form.text, 'email');
    const answer = await visitor.postForm(new URL(fields.action, server.url).href, {
      ...fields.fields,
      email: 'ann@partner.example',
      email_verified: 'true',
      decision: 'approve',
    });
    const code = new URL(answer.location ?? '').searchParams.get('code') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const secret = (await server.deps.store.secrets.get(SECRET_NAMES.ssoClientSecret)) ?? '';
    const tokenRequest = (clientSecret: string, verifier: string) =>
      fetch(`${server.url}/dev/idp/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${DEMO_IDP_CLIENT_ID}:${clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: authorizeUrl.searchParams.get('redirect_uri') ?? '',
          code_verifier: verifier,
        }).toString(),
      });
    const wrongSecret = await tokenRequest('not-the-secret', 'x'.repeat(43));
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });
    // The real verifier is inside the relying party's transaction; any other verifier must fail, and
    // that attempt uses the code up.
    const wrongVerifier = await tokenRequest(secret, 'y'.repeat(43));
    expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant' });
    const reused = await tokenRequest(secret, 'y'.repeat(43));
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant', error_description: 'unknown, used or expired code' });
  });
});

describe('demo SSO seeding across restarts', () => {
  const withDataDir = async (run: (dataDir: string) => Promise<void>): Promise<void> => {
    const dataDir = await mkdtemp(join(tmpdir(), 'secure-share-local-sso-'));
    try {
      await run(dataDir);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  };
  const ssoOf = async (s: TestServer) => ((await s.call('getSiteSettings', {}, 'u-site-admin')).settings as SiteSettings).sso;

  it('a restart on another port re-points the demo issuer at the new origin, and sign-in still works', async () => {
    await withDataDir(async (dataDir) => {
      const first = await startTestServer({ dataDir, seedDemo: true });
      const firstUrl = first.url;
      await first.stop();
      const second = await startTestServer({ dataDir, seedDemo: true });
      try {
        expect(second.url).not.toBe(firstUrl);
        expect((await ssoOf(second))?.issuer).toBe(`${second.url}/dev/idp`);
        const link = second.demoLinks.find((l) => l.title === 'SSO link');
        const visitor = new Visitor(second.url);
        const start = await visitor.get(`${new URL(link?.url ?? '').pathname}/sso/start`);
        const form = await visitor.get(start.location ?? '');
        const fields = formWith(form.text, 'email');
        const done = await visitor.follow(
          await visitor.postForm(new URL(fields.action, second.url).href, { ...fields.fields, email: 'ann@partner.example', email_verified: 'true', decision: 'approve' }),
        );
        expect(done.status, done.text).toBe(200);
        expect(done.text).toContain('Getting started');
      } finally {
        await second.stop();
      }
    });
  });

  it('an SSO provider an admin configured is never replaced by the demo one', async () => {
    await withDataDir(async (dataDir) => {
      const before = await startTestServer({ dataDir, seedDemo: false });
      const { settings } = await before.call('getSiteSettings', {}, 'u-site-admin');
      const { version, updatedAt: _u, sso: _s, ...rest } = settings as SiteSettings;
      const mine = { issuer: 'https://login.example.com/tenant', clientId: 'acme', scopes: 'openid email' };
      await before.call('setSiteSettings', { version, settings: { ...rest, sso: mine }, ssoClientSecret: 'acme-secret' }, 'u-site-admin');
      await before.stop();
      // As if the demo provider had never run in this data directory.
      await rm(join(dataDir, DEMO_IDP_FILE));
      const after = await startTestServer({ dataDir, seedDemo: true });
      try {
        expect(await ssoOf(after)).toMatchObject(mine);
        expect(await after.deps.store.secrets.get(SECRET_NAMES.ssoClientSecret)).toBe('acme-secret');
      } finally {
        await after.stop();
      }
    });
  });
});
