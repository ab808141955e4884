/**
 * Issue 11, item 5 in a real browser: "About 28 link cookies on the share host break every session".
 * Chromium opens 100 links (each leaves its session cookie), then passes the password and SSO gates of
 * link 101 and of link 1. With cookies scoped to each link's path Chromium sends every link only its
 * own cookie; at Path=/ it would send all of them and overflow the Cookie header.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteSettings } from '../../src/core/model';
import { launchBrowser, type TestBrowser } from '../support/browser';
import { startTestServer, type TestServer } from '../support/local-server';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider';

const PASSWORD = 'browser-many-links-42';
const CONTENT = 'Welcome to the';

let server: TestServer;
let idp: TestOidcProvider;
let browser: TestBrowser;

const createLink = async (settings: Record<string, unknown>, password?: string): Promise<string> => {
  const created = await server.call('createLink', { pageId: '1001', settings: { name: 'many links', ...settings }, ...(password ? { password } : {}) }, 'u-editor');
  return created.url;
};

beforeAll(async () => {
  [server, idp, browser] = await Promise.all([
    startTestServer(),
    startOidcProvider({ user: { sub: 'b-many', email: 'ann@partner.example', email_verified: true } }),
    launchBrowser(),
  ]);
  server.deps.fetch = (u, init) => idp.fetch(u, init);
  const { settings } = await server.call('getSiteSettings', {}, 'u-site-admin');
  const { version, updatedAt: _u, sso: _s, ...rest } = settings as SiteSettings;
  await server.call(
    'setSiteSettings',
    { version, settings: { ...rest, sso: { issuer: idp.issuer, clientId: idp.clientId, scopes: 'openid email' } }, ssoClientSecret: idp.clientSecret },
    'u-site-admin',
  );
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), idp?.close()]);
});

/** The browser cannot reach the test IdP's https host: serve it from the in-test provider. */
const routeIdp = async (page: Page): Promise<void> => {
  await page.route(`${idp.issuer}/**`, async (route) => {
    const answer = await idp.fetch(route.request().url(), { method: route.request().method() });
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      headers[name] = value;
    });
    await route.fulfill({ status: answer.status, headers, body: Buffer.from(await answer.arrayBuffer()) });
  });
};

const passPassword = async (page: Page): Promise<void> => {
  await page.fill('input[name=password]', PASSWORD);
  await page.locator('form[action$="/password"] button[type=submit]').click();
  await page.waitForLoadState('domcontentloaded');
};

const passSso = async (page: Page, url: string): Promise<void> => {
  await page.locator('a[href$="/sso/start"], form[action$="/sso/start"] button').first().click();
  await page.waitForSelector(`text=${CONTENT}`);
  expect(page.url()).toBe(url);
};

describe('attack: cookie overflow across many links, in Chromium', () => {
  it('after opening 100 links, link 101 and link 1 still pass the password and SSO gates', async () => {
    const first = await createLink({ requireSso: true, selectedUsers: ['@partner.example'] }, PASSWORD);
    const middle: string[] = [];
    for (let batch = 0; batch < 9; batch += 1) middle.push(...(await Promise.all(Array.from({ length: 11 }, () => createLink({})))));
    const last = await createLink({ requireSso: true, selectedUsers: ['@partner.example'] }, PASSWORD);

    const page = await browser.context.newPage();
    await routeIdp(page);
    await page.goto(first);
    await passPassword(page);
    await page.waitForSelector('a[href$="/sso/start"]');
    for (const url of middle) {
      const reply = await page.goto(url);
      expect(reply?.status()).toBe(200);
    }
    const cookies = (await browser.context.cookies()).filter((c) => c.domain === new URL(server.url).hostname);
    expect(cookies.length).toBeGreaterThanOrEqual(100);
    expect(cookies.reduce((sum, c) => sum + c.name.length + c.value.length + 2, 0)).toBeGreaterThan(3 * 8192);

    await page.goto(last);
    await passPassword(page);
    await passSso(page, last);

    // Link 1's password session survived; its SSO round trip completes too.
    await page.goto(first);
    expect(await page.locator('input[name=password]').count()).toBe(0);
    await passSso(page, first);
    // And the links in between still open with their sessions.
    const again = await page.goto(middle[0]!);
    expect(again?.status()).toBe(200);
    expect(await page.content()).toContain(CONTENT);
    await page.close();
  }, 120_000);
});
