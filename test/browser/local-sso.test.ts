/**
 * Local mode's SSO demo link in Chromium, as a person trying the app would use it: open the seeded SSO
 * link, start sign-in, fill in the demo identity provider's form, land on the page; and the refusal
 * when "email verified" is unticked. Screenshots go to test-results/screenshots/local-sso-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser';
import { startTestServer, type TestServer } from '../support/local-server';

const SHOTS = join('test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `local-sso-${name}.png`), fullPage: true });

let server: TestServer;
let browser: TestBrowser;
let ssoUrl: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer({ seedDemo: true }), launchBrowser()]);
  const link = server.demoLinks.find((l) => l.title === 'SSO link');
  if (!link) throw new Error('no SSO demo link seeded');
  ssoUrl = link.url;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh page (own cookies via a cleared context) at the demo provider's sign-in form. */
const atSignInForm = async (): Promise<{ page: Page; errors: string[] }> => {
  await browser.context.clearCookies();
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(ssoUrl);
  await page.locator('a[href$="/sso/start"], form[action$="/sso/start"] button').first().click();
  await page.waitForURL(`${server.url}/dev/idp/authorize?**`);
  return { page, errors };
};

describe('SSO demo link with the local demo identity provider (Chromium)', () => {
  it('sign in with a verified @partner.example address → the shared page', async () => {
    const { page, errors } = await atSignInForm();
    await page.fill('input[name=email]', 'jo@partner.example');
    await expect(page.isChecked('input[name=email_verified]')).resolves.toBe(true);
    await shot(page, 'form');
    await page.click('button[value=approve]');
    await page.waitForSelector('text=Invite your team');
    expect(page.url()).toBe(ssoUrl);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('"email verified" unticked → the refused page, no content', async () => {
    const { page } = await atSignInForm();
    await page.fill('input[name=email]', 'ann@partner.example');
    await page.uncheck('input[name=email_verified]');
    await page.click('button[value=approve]');
    await page.waitForSelector('text=Email address not verified');
    await expect(page.locator('text=Invite your team').count()).resolves.toBe(0);
    await shot(page, 'refused');
    await page.close();
  });
});
