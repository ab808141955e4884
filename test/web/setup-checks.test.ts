/**
 * Test sign-in and the custom-domain check on the share endpoint. The test sign-in runs the real OIDC
 * flow of the local server against its demo identity provider (PKCE, state, nonce, ID token checks,
 * email_verified), through the registered <base>/sso/callback; the tickets are single use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../src/web/http';
import { handleSetupCheck } from '../../src/web/setup-checks';
import { getSiteSettings, setSiteSettings } from '../../src/app/configs';
import { getSetupStatus, startDomainCheck } from '../../src/app/setup';
import { createHarness, SITE_ADMIN } from '../app/harness';
import { startTestServer, type TestServer } from '../support/local-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ seedDemo: true });
});

afterAll(async () => {
  await server?.stop();
});

const cookieOf = (response: Response): string => response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

/** Opens the test URL, signs in at the demo provider as `email`, and returns the page the callback shows. */
const testSignIn = async (email: string, verified: boolean): Promise<{ status: number; html: string }> => {
  const { url } = await server.call('startSsoTest', {}, 'u-site-admin');
  expect(url.startsWith(`${server.url}/setup/sso-test?t=`)).toBe(true);
  const start = await fetch(url, { redirect: 'manual' });
  expect(start.status).toBe(303);
  const cookie = cookieOf(start);
  expect(cookie).toMatch(/^ss_oidc=/);
  const form = await (await fetch(start.headers.get('location')!)).text();
  const request = /name="request" value="([^"]+)"/.exec(form)?.[1];
  expect(request).toBeTruthy();
  const body = new URLSearchParams({ request: request!, email, decision: 'approve', ...(verified ? { email_verified: 'true' } : {}) });
  const decided = await fetch(`${server.url}/dev/idp/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
    body,
  });
  expect(decided.status).toBe(303);
  const callback = decided.headers.get('location')!;
  expect(callback.startsWith(`${server.url}/sso/callback?`)).toBe(true);
  const result = await fetch(callback, { redirect: 'manual', headers: { cookie } });
  return { status: result.status, html: await result.text() };
};

describe('Test sign-in against the local demo identity provider', () => {
  it('shows the issuer, the email and email_verified, and records the success for the checklist', async () => {
    const { status, html } = await testSignIn('ann@partner.example', true);
    expect(status).toBe(200);
    expect(html).toContain('Test sign-in worked');
    expect(html).toContain(`Issuer: ${server.url}/dev/idp. Email: ann@partner.example. email_verified: true.`);
    const setup = await server.call('getSetupStatus', {}, 'u-site-admin');
    expect(setup.sso.lastTest).toMatchObject({ ok: true, email: 'ann@partner.example', emailVerified: true, current: true, issuer: `${server.url}/dev/idp` });
    expect(setup.ssoRedirectUri).toBe(`${server.url}/sso/callback`);
  });

  it('shows the exact failure when the provider does not vouch for the email', async () => {
    const { html } = await testSignIn('bob@partner.example', false);
    expect(html).toContain('Test sign-in failed');
    expect(html).toContain('email_verified is not true');
    expect(html).toContain('(email_unverified: email_verified is not true)');
    const setup = await server.call('getSetupStatus', {}, 'u-site-admin');
    expect(setup.sso.lastTest).toMatchObject({ ok: false, emailVerified: false, email: null });
  });

  it('a test URL works once', async () => {
    const { url } = await server.call('startSsoTest', {}, 'u-site-admin');
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(303);
    const again = await fetch(url, { redirect: 'manual' });
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('This test link does not work any more');
  });
});

describe('custom-domain check', () => {
  it('records that the custom domain reached Secure Share when its one-time URL arrives', async () => {
    const h = await createHarness('domain-check');
    const { settings } = await getSiteSettings(h.deps, SITE_ADMIN);
    const { version, updatedAt: _u, sso: _s, ...rest } = settings;
    await setSiteSettings(h.deps, SITE_ADMIN, { version, settings: { ...rest, sso: null, customDomain: 'https://share.acme.example' } });
    const url = new URL((await startDomainCheck(h.deps, SITE_ADMIN)).url);
    const request: HttpRequest = { method: 'GET', path: url.pathname, query: { t: [url.searchParams.get('t')!] }, headers: {}, body: '' };
    const response = await handleSetupCheck(h.deps, request);
    expect(response.status).toBe(200);
    expect(response.body).toContain('https://share.acme.example reached Secure Share');
    expect((await getSetupStatus(h.deps, SITE_ADMIN)).customDomain.lastCheck).toMatchObject({ current: true });
    expect((await handleSetupCheck(h.deps, request)).status).toBe(404);
  });
});
