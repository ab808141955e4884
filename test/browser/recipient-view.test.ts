/**
 * The recipient's view in headless Chromium, with the local server and its demo identity provider:
 * switching SSO account after a refused one, threaded comments (and landing on a new one), search
 * within the shared tree, dark mode from prefers-color-scheme and the print stylesheet. No script
 * runs anywhere. Screenshots go to test-results/screenshots/recipient-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser';
import { startTestServer, type TestServer } from '../support/local-server';

const SHOTS = join('test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `recipient-${name}.png`), fullPage: true });

let server: TestServer;
let browser: TestBrowser;

const createLink = async (pageId: string, settings: Record<string, unknown>): Promise<string> => {
  const created = await server.call('createLink', { pageId, settings: { name: 'recipient browser test', ...settings } }, 'u-editor');
  return created.url;
};

/** A fresh page with its own cookies; records page errors and dialogs (there must be none). */
const freshPage = async (): Promise<{ page: Page; problems: string[] }> => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, problems };
};

/** On the demo provider's sign-in form: sign in as `email` (verified). */
const signInAtDemoIdp = async (page: Page, email: string): Promise<void> => {
  await page.waitForURL(`${server.url}/dev/idp/authorize?**`);
  await page.fill('input[name=email]', email);
  await page.click('button[value=approve]');
};

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ seedDemo: true }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('recipient view in Chromium', () => {
  it('SSO: a refused account is named, "Use another account" asks the provider again, the right account gets in', async () => {
    const ssoUrl = server.demoLinks.find((l) => l.title === 'SSO link')?.url;
    if (!ssoUrl) throw new Error('no SSO demo link');
    const { page, problems } = await freshPage();
    await page.goto(ssoUrl);
    await shot(page, 'sso-gate');
    await page.locator('a', { hasText: 'Sign in to continue' }).click();
    await signInAtDemoIdp(page, 'sam@elsewhere.example');
    await page.waitForSelector('text=This account cannot open the page');
    expect(await page.locator('.card strong').textContent()).toBe('sam@elsewhere.example');
    expect(await page.content()).not.toContain('Invite your team');
    await shot(page, 'sso-refused');

    // The refused account did not lock this browser out: the link still shows its gate, which offers
    // another account too.
    await page.goto(ssoUrl);
    await page.waitForSelector('text=Sign in required');
    await shot(page, 'sso-gate-after-refusal');

    const authorize = page.waitForRequest((request) => request.url().startsWith(`${server.url}/dev/idp/authorize`));
    await page.locator('a', { hasText: 'Use another account' }).click();
    expect(new URL((await authorize).url()).searchParams.get('prompt')).toBe('select_account');
    await signInAtDemoIdp(page, 'jo@partner.example');
    await page.waitForSelector('text=Invite your team');
    expect(page.url()).toBe(ssoUrl);
    expect(await page.locator('.meta.session').textContent()).toContain('Signed in as jo@partner.example');
    await expect(page.locator('.meta.session a', { hasText: 'Use another account' }).count()).resolves.toBe(1);
    await shot(page, 'sso-switched');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('comments: replies nest under their thread, mentions show names, a new comment is where the page lands', async () => {
    const url = await createLink('1001', { comments: 'view_add', includeChildren: true, withoutLabels: ['internal'] });
    const { page, problems } = await freshPage();
    await page.goto(url);
    const thread = page.locator('#comments > ol.comments > li', { hasText: 'Could we add the' });
    await expect(thread.locator('ol.replies > li').textContent()).resolves.toContain('Thanks, the EU row is there now.');
    const inline = page.locator('ol[aria-labelledby=inline-comments-h] > li').first();
    await expect(inline.locator('blockquote.quote').textContent()).resolves.toContain('The product has three tiers.');
    await expect(inline.locator('ol.replies > li').textContent()).resolves.toContain('the cache is part of the edge tier');
    await page.locator('#comments').scrollIntoViewIfNeeded();
    await shot(page, 'comments-threads');

    await page.fill('#comment-name', 'Pat Partner');
    await page.fill('#comment-text', 'Posted from the browser test.');
    await page.locator('form[action$="/comments"] button[type=submit]').click();
    await page.waitForURL(/#comment-[A-Za-z0-9_-]+$/);
    const target = new URL(page.url()).hash;
    const posted = page.locator(target);
    await expect(posted.textContent()).resolves.toContain('Posted from the browser test.');
    await expect(posted.locator('.who').textContent()).resolves.toBe('Pat Partner');
    await expect(posted.evaluate((el) => el.matches(':target'))).resolves.toBe(true);
    await shot(page, 'comment-posted');

    await page.goto(url.replace(/\/?$/, '/p/1002'));
    const mention = await page.locator('#comments').textContent();
    expect(mention).toContain('@Erin Editor');
    expect(mention).not.toContain('@user');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('search within the shared tree finds shared pages only', async () => {
    const url = await createLink('1001', { includeChildren: true, withoutLabels: ['internal'] });
    const { page, problems } = await freshPage();
    await page.goto(url);
    await page.fill('form.search input[name=q]', 'invite your team');
    await page.press('form.search input[name=q]', 'Enter');
    await page.waitForURL(/\/search\?q=/);
    await expect(page.locator('ol.results > li a').allTextContents()).resolves.toEqual(['Getting started']);
    await expect(page.locator('ol.results mark').first().textContent()).resolves.toBe('Invite your team');
    await shot(page, 'search-results');

    await page.fill('#search-page-q', 'roadmap');
    await page.press('#search-page-q', 'Enter');
    await page.waitForSelector('text=No page matches');
    await expect(page.locator('ol.results').count()).resolves.toBe(0);
    await shot(page, 'search-nothing');

    await page.locator('ol.results, a', { hasText: 'Back to the shared page' }).first().click();
    await page.waitForSelector('text=Welcome to the');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('pages shared with me: one code, then the links naming the address', async () => {
    const url = await createLink('1002', { selectedUsers: ['kim@partner.example'] });
    const mail: string[] = [];
    const realMailer = server.deps.mailer;
    server.deps.mailer = { send: async (message) => void mail.push(message.text) };
    try {
      const { page, problems } = await freshPage();
      await page.goto(url);
      await page.locator('a', { hasText: 'See all pages shared with you' }).click();
      await page.waitForURL(`${server.url}/shared-with-me`);
      await page.fill('#me-email', 'kim@partner.example');
      await page.locator('form[action$="/shared-with-me/send"] button').click();
      await page.waitForSelector('#me-code');
      const code = mail.at(-1)?.match(/\b(\d{6})\b/)?.[1] ?? '';
      await page.fill('#me-code', code);
      await page.locator('form[action$="/shared-with-me/verify"] button').click();
      await page.waitForSelector('text=Pages shared with you');
      await expect(page.locator('ol.results a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href))).resolves.toContain(url);
      await shot(page, 'shared-with-me');
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      server.deps.mailer = realMailer;
    }
  });

  it('dark mode follows prefers-color-scheme; the table of contents links into the page; print hides the chrome', async () => {
    const url = await createLink('1001', { includeChildren: true, withoutLabels: ['internal'], comments: 'view' });
    const { page, problems } = await freshPage();
    const colours = () =>
      page.evaluate(() => {
        const body = getComputedStyle(document.body);
        return { background: body.backgroundColor, text: body.color };
      });

    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${url}?n=comment_added`);
    expect(await colours()).toEqual({ background: 'rgb(255, 255, 255)', text: 'rgb(23, 43, 77)' });
    // The banner is as wide as the text column at most.
    const [noticeWidth, textWidth] = await page.evaluate(() => [
      (document.querySelector('.notice') as HTMLElement).getBoundingClientRect().width,
      (document.querySelector('article.content') as HTMLElement).getBoundingClientRect().width,
    ]);
    expect(noticeWidth).toBeLessThanOrEqual(textWidth + 0.5);
    await shot(page, 'light');

    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await colours()).toEqual({ background: 'rgb(29, 33, 37)', text: 'rgb(222, 228, 234)' });
    await shot(page, 'dark');

    await page.locator('nav.toc a', { hasText: 'Service levels' }).click();
    await page.waitForURL(/#(c-|toc-)/);
    const heading = page.locator(new URL(page.url()).hash);
    await expect(heading.textContent()).resolves.toBe('Service levels');
    await expect(heading.evaluate((el) => el.getBoundingClientRect().top)).resolves.toBeLessThan(100);

    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    const printed = await page.evaluate(() => ({
      nav: getComputedStyle(document.querySelector('nav.tree') as HTMLElement).display,
      toc: getComputedStyle(document.querySelector('nav.toc') as HTMLElement).display,
      background: getComputedStyle(document.body).backgroundColor,
    }));
    expect(printed).toEqual({ nav: 'none', toc: 'none', background: 'rgb(255, 255, 255)' });
    await shot(page, 'print');
    await page.emulateMedia({ media: 'screen', colorScheme: 'dark' });
    expect(problems).toEqual([]);
    await page.close();
  });
});
