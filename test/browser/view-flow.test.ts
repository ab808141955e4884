/**
 * The anonymous view in headless Chromium: open a link, pass the password gate, read a child page,
 * post a comment, download an attachment; a page full of XSS payloads runs no script; phone width.
 * Screenshots of the main states go to test-results/screenshots/view-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser';
import type { SiteSettings } from '../../src/core/model';
import { startTestServer, type TestServer } from '../support/local-server';
import { startOidcProvider } from '../support/oidc-provider';

const SHOTS = join('test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `view-${name}.png`), fullPage: true });

let demo: TestServer;
let xss: TestServer;
let browser: TestBrowser;

const createLink = async (server: TestServer, pageId: string, settings: Record<string, unknown>, password?: string): Promise<string> => {
  const created = await server.call(
    'createLink',
    { pageId, settings: { name: 'browser test', ...settings }, ...(password ? { password } : {}) },
    'u-editor',
  );
  return created.url;
};

/** A page that records dialogs, console messages and page errors. */
const watchedPage = async (): Promise<{ page: Page; dialogs: string[]; consoleLines: string[]; errors: string[] }> => {
  const page = await browser.context.newPage();
  const dialogs: string[] = [];
  const consoleLines: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, dialogs, consoleLines, errors };
};

beforeAll(async () => {
  [demo, xss, browser] = await Promise.all([
    startTestServer(),
    startTestServer({ sitePath: join('fixtures', 'xss-site.json') }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([demo?.stop(), xss?.stop()]);
});

describe('anonymous view in Chromium', () => {
  it('password gate → page → child page → comment → attachment download', async () => {
    const url = await createLink(demo, '1001', { includeChildren: true, comments: 'view_add', attachments: 'view' }, 'browser-secret-42');
    const { page, dialogs, errors } = await watchedPage();

    const gate = await page.goto(url);
    expect(gate?.status()).toBe(200);
    await expect(page.locator('input[name=password]').count()).resolves.toBe(1);
    expect(await page.content()).not.toContain('Welcome to the');
    await shot(page, 'gate-password');

    await page.fill('input[name=password]', 'wrong-password');
    await page.locator('form[action$="/password"] button[type=submit]').click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.content()).not.toContain('Welcome to the');
    await shot(page, 'gate-password-wrong');

    await page.fill('input[name=password]', 'browser-secret-42');
    await page.locator('form[action$="/password"] button[type=submit]').click();
    await page.waitForSelector('text=Welcome to the');
    expect(page.url()).toBe(url);
    await shot(page, 'page');

    await page.locator('a', { hasText: 'Getting started' }).first().click();
    await page.waitForURL(/\/p\/1002$/);
    expect(await page.locator('h1').first().textContent()).toContain('Getting started');
    await shot(page, 'child-page');

    await page.goto(url);
    await page.fill('form[action$="/comments"] textarea[name=text]', 'Browser comment <b>not bold</b>');
    await page.locator('form[action$="/comments"] button[type=submit]').click();
    await page.waitForSelector('text=Browser comment <b>not bold</b>');
    expect(await page.locator('ol.comments b', { hasText: 'not bold' }).count()).toBe(0);
    await shot(page, 'comment-added');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a', { hasText: 'spec.txt' }).last().click()]);
    expect(download.suggestedFilename()).toBe('spec.txt');
    const path = await download.path();
    expect(path).toBeTruthy();

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gate pages and the 404 render cleanly (screenshots)', async () => {
    const { page } = await watchedPage();
    const ssoUrl = await createLink(demo, '1001', { requireSso: true });
    await page.goto(ssoUrl);
    expect(await page.content()).not.toContain('Welcome to the');
    await shot(page, 'gate-sso');

    const emailUrl = await createLink(demo, '1001', { selectedUsers: ['@partner.example'] });
    await page.goto(emailUrl);
    await expect(page.locator('input[name=email]').count()).resolves.toBe(1);
    await shot(page, 'gate-email');

    const notFound = await page.goto(`${demo.url}/s/${'A'.repeat(22)}${'B'.repeat(43)}`);
    expect(notFound?.status()).toBe(404);
    await shot(page, '404');
    await page.close();
  });

  it('SSO login in the browser: IdP round trip (cross-site redirect back keeps the Lax binding cookie) → content', async () => {
    const idp = await startOidcProvider({ user: { sub: 'b-1', email: 'ann@partner.example', email_verified: true } });
    try {
      demo.deps.fetch = (u, init) => idp.fetch(u, init);
      const { settings } = await demo.call('getSiteSettings', {}, 'u-site-admin');
      const { version, updatedAt: _u, sso: _s, ...rest } = settings as SiteSettings;
      await demo.call(
        'setSiteSettings',
        { version, settings: { ...rest, sso: { issuer: idp.issuer, clientId: idp.clientId, scopes: 'openid email' } }, ssoClientSecret: idp.clientSecret },
        'u-site-admin',
      );
      const url = await createLink(demo, '1001', { requireSso: true, selectedUsers: ['@partner.example'] });
      const { page, dialogs } = await watchedPage();
      // The browser cannot reach the test IdP's https host: serve it from the in-test provider.
      await page.route(`${idp.issuer}/**`, async (route) => {
        const answer = await idp.fetch(route.request().url(), { method: route.request().method() });
        const headers: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          headers[name] = value;
        });
        await route.fulfill({ status: answer.status, headers, body: Buffer.from(await answer.arrayBuffer()) });
      });
      await page.goto(url);
      await page.locator('a[href$="/sso/start"], form[action$="/sso/start"] button').first().click();
      await page.waitForSelector('text=Welcome to the');
      expect(page.url()).toBe(url);
      expect(idp.tokenRequests.at(-1)?.outcome).toBe('ok');
      expect(dialogs).toEqual([]);
      await page.close();
    } finally {
      await idp.close();
    }
  });

  it('phone width (390 px): content fits without horizontal scrolling', async () => {
    const url = await createLink(demo, '1001', { includeChildren: true, comments: 'view', attachments: 'view' });
    const { page } = await watchedPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url);
    await page.waitForSelector('text=Welcome to the');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await shot(page, 'phone');
    expect(overflow).toBeLessThanOrEqual(1);
    await page.close();
  });

  it('a page body full of XSS payloads runs no script (dialogs, sentinel, DOM, CSP)', async () => {
    const url = await createLink(xss, '3001', { includeChildren: true, comments: 'view', attachments: 'view' });
    const { page, dialogs, consoleLines, errors } = await watchedPage();
    // Runs before any page script would; a payload that executes would set window.__pwned or alert().
    await page.addInitScript(() => {
      (window as unknown as { __sentinel: string }).__sentinel = 'clean';
    });
    for (const [index, target] of [url, `${url}/p/3002`, `${url}/p/3003`].entries()) {
      const response = await page.goto(target);
      expect(response?.status(), target).toBe(200);
      const csp = response?.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'none'");
      expect(csp).toContain("default-src 'none'");
      await page.mouse.move(200, 300);
      await page.mouse.move(300, 500);
      await page.waitForTimeout(300);
      const state = await page.evaluate(() => ({
        sentinel: (window as unknown as { __sentinel?: string }).__sentinel,
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        scripts: document.querySelectorAll('script').length,
        handlers: Array.from(document.querySelectorAll('*')).flatMap((el) => Array.from(el.attributes).filter((a) => a.name.startsWith('on')).map((a) => a.name)),
        jsLinks: Array.from(document.querySelectorAll('[href],[src],[action],[formaction]')).filter((el) =>
          /^\s*(javascript|vbscript|data:text)/i.test(el.getAttribute('href') ?? el.getAttribute('src') ?? el.getAttribute('action') ?? ''),
        ).length,
        frames: document.querySelectorAll('iframe,object,embed,base,meta[http-equiv],form:not([action^="http://localhost"])').length,
        title: document.title,
        bidi: /[\u202A-\u202E\u2066-\u2069]/.test(document.title + document.body.innerText),
        overflow: document.documentElement.scrollWidth - window.innerWidth,
      }));
      expect(state.sentinel, target).toBe('clean');
      expect(state.pwned, target).toBeUndefined();
      expect(state.scripts, target).toBe(0);
      expect(state.handlers, target).toEqual([]);
      expect(state.jsLinks, target).toBe(0);
      expect(state.frames, target).toBe(0);
      // E14: bidi overrides never reach the rendered text (title, nav, breadcrumb, heading).
      expect(state.bidi, target).toBe(false);
      expect(state.overflow, target).toBeLessThanOrEqual(1);
      if (index === 0) await shot(page, 'xss');
      if (index === 1) {
        expect(state.title).toContain('</title>');
        await shot(page, 'xss-title');
      }
    }
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(consoleLines.filter((line) => /Refused to (execute|load|apply)/.test(line))).toEqual([]);
    await page.close();
  });
});
