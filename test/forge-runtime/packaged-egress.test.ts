/**
 * Forge review rubric SEC-02: in the Forge-packaged bundles, the identity-provider calls of an SSO sign-in
 * (discovery, token, JWKS) and of the admin's provider-hosts check go through @forge/api's fetch, the
 * platform's egress-checked client. The simulated runtime turns the global fetch into a tripwire while a
 * packaged function runs (test/support/forge-runtime), so a call that bypasses @forge/api fails and is counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/core/defaults';
import { SSO_CLIENT_SECRET } from '../../src/web/sso-gate';
import type { installForgeRuntime, WebTriggerResponse } from '../support/forge-runtime/forge-runtime';
import { PACKAGED_TRIGGER_URL, startPackagedApp } from '../support/forge-runtime/packaged-app';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider';

type Bundle = Record<string, (...args: unknown[]) => Promise<unknown>>;

let runtime: ReturnType<typeof installForgeRuntime>;
let index: Bundle;
let share: Bundle;
let provider: TestOidcProvider;
/** The test's own network client, taken before the simulated runtime replaces the global fetch. */
const realFetch = globalThis.fetch;
const jar = new Map<string, string>();

const headerOf = (response: WebTriggerResponse, name: string): string[] =>
  response.headers?.[name] ?? response.headers?.[name.toLowerCase()] ?? [];

const visit = async (href: string): Promise<WebTriggerResponse> => {
  const url = new URL(href, PACKAGED_TRIGGER_URL);
  const headers: Record<string, string> = { host: url.host, 'user-agent': 'Mozilla/5.0 Chrome/156.0', 'sec-fetch-site': 'cross-site', 'x-forwarded-for': '198.51.100.7' };
  if (jar.size > 0) headers['cookie'] = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await runtime.invokeWebTrigger(share, {
    method: 'GET',
    path: url.pathname.slice(new URL(PACKAGED_TRIGGER_URL).pathname.length),
    headers,
    query: Object.fromEntries(url.searchParams),
  });
  for (const line of headerOf(response, 'Set-Cookie')) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    const value = pair!.slice(eq + 1).trim();
    if (value === '' || /max-age=0/i.test(line)) jar.delete(pair!.slice(0, eq).trim());
    else jar.set(pair!.slice(0, eq).trim(), value);
  }
  return response;
};

beforeAll(async () => {
  provider = await startOidcProvider({ user: { sub: 'jo', email: 'jo@partner.example', email_verified: true } });
  const issuerOrigin = new URL(provider.issuer).origin;
  const app = await startPackagedApp({
    // The identity provider's host; and its local listener, which the test itself reaches when it plays the browser.
    allowedEgress: (url) => url.origin === issuerOrigin || url.origin === new URL(provider.localUrl).origin,
    egress: (url, init) => (new URL(url).origin === new URL(provider.localUrl).origin ? realFetch(url, init) : provider.fetch(url, init)),
  });
  ({ runtime, index, share } = app);
  const site = defaultSiteSettings(Date.now());
  await app.store.configs.putSite(
    { ...site, sso: { issuer: provider.issuer, clientId: provider.clientId, scopes: 'openid email', hasClientSecret: true }, version: 1 },
    0,
  );
  await app.store.secrets.set(SSO_CLIENT_SECRET, provider.clientSecret);
}, 60_000);

afterAll(async () => {
  runtime?.uninstall();
  await provider?.close();
});

describe('identity-provider calls in the Forge-packaged app', () => {
  it("the admin's provider-hosts check reads the discovery document through @forge/api's fetch", async () => {
    const result = (await runtime.invokeResolver(index, 'discoverSsoOrigins', {}, 'u-site-admin')) as { ok: boolean; data?: { origins: string[]; problem: string | null } };
    expect(result).toMatchObject({ ok: true, data: { problem: null } });
    expect(result.data?.origins).toContain(new URL(provider.issuer).origin);
    expect(runtime.stats.egress.map((e) => e.url)).toContain(`${provider.issuer}/.well-known/openid-configuration`);
    expect(runtime.stats.globalFetch).toEqual([]);
  });

  it("a visitor's SSO sign-in (discovery, token, JWKS) opens the page with every call through @forge/api's fetch", async () => {
    const created = (await runtime.invokeResolver(
      index,
      'createLink',
      { pageId: '1001', settings: { requireSso: true, selectedUsers: ['jo@partner.example'] } },
      'u-editor',
    )) as { ok: boolean; data?: { url: string } };
    expect(created.ok, JSON.stringify(created).slice(0, 400)).toBe(true);
    const egressBefore = runtime.stats.egress.length;

    const start = await visit(`${created.data!.url}/sso/start`);
    expect(start.statusCode).toBe(303);
    const callback = await provider.approve(headerOf(start, 'Location')[0]!);
    const done = await visit(callback);
    expect([200, 303]).toContain(done.statusCode);
    let page = done;
    for (let hop = 0; hop < 3 && page.statusCode === 303; hop += 1) page = await visit(headerOf(page, 'Location')[0]!);
    expect(page.statusCode, `${done.statusCode} ${headerOf(done, 'Location')[0]} ${page.body?.slice(0, 300)}`).toBe(200);
    expect(page.body).toContain('Signed in as <strong>jo@partner.example</strong>');

    const called = runtime.stats.egress
      .slice(egressBefore)
      .filter((e) => new URL(e.url).origin === new URL(provider.issuer).origin)
      .map((e) => new URL(e.url).pathname);
    expect(called).toEqual(expect.arrayContaining(['/.well-known/openid-configuration']));
    expect(provider.tokenRequests.filter((t) => t.outcome === 'ok')).toHaveLength(1);
    expect(called.length).toBeGreaterThanOrEqual(3); // discovery, token, JWKS
    expect(runtime.stats.globalFetch).toEqual([]);
  });
});
