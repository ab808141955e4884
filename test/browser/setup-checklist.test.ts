/**
 * Setup confidence in Chromium through the local UI host (one browser launch): the Getting started
 * checklist asks for a test email, Send test email lands the mail in the local outbox, and the
 * checklist then says it was accepted. Screenshots go to test-results/screenshots/setup-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../src/dev/server';
import { launchBrowser, type TestBrowser } from '../support/browser';
import { openAdminSection } from './admin-navigation';

const SHOTS = path.resolve('test-results/screenshots');
let server: LocalServer;
let browser: TestBrowser;
let dataDir: string;
const pageErrors: string[] = [];

const visibleText = async (locator: Locator): Promise<string> => {
  await locator.first().waitFor({ state: 'visible', timeout: 15_000 });
  return (await locator.first().textContent()) ?? '';
};

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `setup-${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'secure-share-setup-'));
  [server, browser] = await Promise.all([startLocalServer({ port: 0, dataDir, seedDemo: false, bcryptRounds: 4 }), launchBrowser({ viewport: { width: 1100, height: 800 } })]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('Getting started checklist in the local host', () => {
  it('a test email lands in the local outbox and the checklist updates', async () => {
    const admin = await browser.context.newPage();
    admin.on('pageerror', (error) => pageErrors.push(error.message));
    await admin.goto(`${server.url}/ui/global?as=u-site-admin`);
    await admin.locator('#forge-app[data-rendered="true"]').waitFor({ timeout: 30_000 });

    expect(await visibleText(admin.getByText('Local mode: email goes to the outbox. Send a test email to check that it arrives.'))).toBeTruthy();
    expect(await admin.getByLabel('Share base URL').inputValue()).toBe(server.url);
    expect(await admin.getByLabel('SSO redirect URI').inputValue()).toBe(`${server.url}/sso/callback`);
    await shot(admin, 'checklist-before');

    await admin.getByRole('button', { name: 'Open Email delivery' }).click();
    expect(await visibleText(admin.getByText('Local mode: all email goes to the outbox'))).toBeTruthy();
    await admin.getByLabel('Send to').fill('admin@acme.example');
    await admin.getByRole('button', { name: 'Send test email' }).click();
    expect(await visibleText(admin.getByText(/The test email to admin@acme\.example was written to the local outbox/).first())).toBeTruthy();
    await shot(admin, 'test-email-sent');

    const outbox = await browser.context.newPage();
    await outbox.goto(`${server.url}/outbox`);
    expect(await visibleText(outbox.getByText('Secure Share test email'))).toBe('Secure Share test email');
    expect(await outbox.content()).toContain('admin@acme.example');
    await outbox.close();

    await openAdminSection(admin, 'Getting started');
    expect(await visibleText(admin.getByText(/^A test email was accepted /))).toMatch(/UTC\.$/);
    await shot(admin, 'checklist-after');
    expect(pageErrors).toEqual([]);
  });
});
