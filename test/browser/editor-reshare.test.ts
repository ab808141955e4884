/**
 * Editors and admins re-share an existing link through the real UI Kit bundles in the local host:
 * Copy and Email give the same URL after the dialog is reopened (no rotation), from the page dialog and
 * from the space links list; "Notify newly added users" mails a new address on save (local outbox).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../support/browser';
import { startLocalServer, type LocalServer } from '../../src/dev/server';
import { flag, sectionMessage, uiKit } from './ui-kit';

const SHOTS = path.resolve('test-results/screenshots');
const PASSWORD = 'violet mango harbour';
let server: LocalServer;
let browser: Browser;
let dataDir: string;
const pageErrors: string[] = [];

const visibleText = async (locator: Locator): Promise<string> => {
  await locator.first().waitFor({ state: 'visible', timeout: 15_000 });
  return (await locator.first().textContent()) ?? '';
};

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `editor-${name}.png`), fullPage: true });

const openSurface = async (surface: string, query: string): Promise<Page> => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(`${surface}: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(`${surface} console: ${msg.text()}`);
  });
  await page.goto(`${server.url}/ui/${surface}?${query}`);
  await page.locator('#forge-app[data-rendered="true"]').waitFor({ timeout: 30_000 });
  return page;
};

/** The outbox messages sent to `address`, newest first, as the outbox page renders them. */
const mailsTo = async (address: string): Promise<string[]> => {
  const list = await (await fetch(`${server.url}/outbox`)).text();
  const ids = [...list.matchAll(/href="\/outbox\/([0-9]{13}-[0-9a-f]{12})"/g)].map((m) => m[1]!);
  const bodies = await Promise.all(ids.map(async (id) => (await fetch(`${server.url}/outbox/${id}`)).text()));
  return bodies.filter((body) => body.includes(address));
};

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'secure-share-editor-'));
  server = await startLocalServer({ port: 0, dataDir, seedDemo: false, bcryptRounds: 4 });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('re-sharing an existing link', () => {
  let url = '';

  it('copies and emails the same URL after the dialog is reopened, without rotating', async () => {
    const dialog = await openSurface('share', 'as=u-editor&page=1001&space=DEMO');
    await dialog.getByRole('button', { name: 'Create & share secure link' }).click();
    await dialog.getByLabel('Name').fill('Partner handbook');
    await dialog.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Create link' }).click();
    await dialog.getByText(/Select the URL and copy it/).waitFor();
    url = await dialog.getByLabel('Share URL').inputValue();
    expect(url).toMatch(new RegExp(`^${server.url}/s/[A-Za-z0-9_-]{65}$`));

    // A new session: the dialog knows nothing but what the app kept.
    await dialog.reload();
    await dialog.locator('#forge-app[data-rendered="true"]').waitFor();
    const card = uiKit(dialog, 'Box', { hasText: 'Partner handbook' }).last();
    await card.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByLabel('Share URL').waitFor();
    expect(await dialog.getByLabel('Share URL').inputValue()).toBe(url);
    await shot(dialog, 'reshare-copy');

    await card.getByRole('button', { name: 'Email' }).click();
    const modal = dialog.getByRole('dialog');
    await modal.getByLabel('Recipients').fill('colleague@partner.example');
    await modal.getByLabel('Personal message').fill('The handbook, as promised.');
    await shot(dialog, 'reshare-email');
    await modal.getByRole('button', { name: 'Send' }).click();
    expect(await visibleText(flag(dialog, 'success', 'Link sent'))).toContain('1 person');

    const mails = await mailsTo('colleague@partner.example');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain(url);
    expect(mails[0]).not.toContain(PASSWORD);
    // Still the same link: the URL opens (to its password gate).
    const opened = await fetch(url, { redirect: 'manual' });
    expect(opened.status).toBeLessThan(400);
    expect(pageErrors).toEqual([]);
  });

  it('gives a space admin the same URL from the space links list, and emails it from there', async () => {
    const space = await openSurface('space', 'as=u-space-admin&space=DEMO');
    const row = space.locator('tr', { hasText: 'Partner handbook' });
    await row.getByRole('button', { name: 'Copy' }).click();
    const modal = space.getByRole('dialog');
    await modal.getByLabel('Share URL').waitFor();
    expect(await modal.getByLabel('Share URL').inputValue()).toBe(url);
    await shot(space, 'space-copy');
    await modal.getByRole('button', { name: 'Email this link' }).click();
    await space.getByRole('dialog').getByLabel('Recipients').fill('auditor@partner.example');
    await space.getByRole('dialog').getByRole('button', { name: 'Send' }).click();
    await flag(space, 'success', 'Link sent').waitFor();
    const mails = await mailsTo('auditor@partner.example');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain(url);
    expect(pageErrors).toEqual([]);
  });

  it('emails a newly added selected user on save, never the password', async () => {
    const dialog = await openSurface('share', 'as=u-editor&page=1001&space=DEMO');
    const card = uiKit(dialog, 'Box', { hasText: 'Partner handbook' }).last();
    await card.getByRole('button', { name: '••• More' }).click();
    await card.getByRole('button', { name: 'Edit' }).click();
    // A pasted list becomes tags; the text after the last comma stays in the field and counts on save.
    await dialog.getByLabel('Selected users').fill('newbie@partner.example, @partner.example');
    await uiKit(dialog, 'Tag', { hasText: 'newbie@partner.example' }).waitFor();
    expect(await dialog.getByLabel('Selected users').inputValue()).toBe('@partner.example');
    expect(await dialog.getByLabel('Notify newly added users').isChecked()).toBe(true);
    await shot(dialog, 'notify-form');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    expect(await visibleText(flag(dialog, 'success', 'new user'))).toContain('Link emailed to 1 new user');
    await shot(dialog, 'notify-saved');

    const mails = await mailsTo('newbie@partner.example');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain(url);
    expect(mails[0]).not.toContain(PASSWORD);
    const outbox = await browser.newPage();
    await outbox.goto(`${server.url}/outbox`);
    await outbox.screenshot({ path: path.join(SHOTS, 'editor-notify-outbox.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});

describe('what will be shared', () => {
  it('previews a new link: child pages off by default, then the tree with restricted and filtered pages counted', async () => {
    const dialog = await openSurface('share', 'as=u-editor&page=1001&space=DEMO');
    await dialog.getByRole('button', { name: 'Create & share secure link' }).click();
    expect(await dialog.getByLabel('Include child pages').isChecked()).toBe(false);
    await dialog.getByRole('button', { name: 'Preview what will be shared' }).click();
    const box = sectionMessage(dialog, { hasText: 'What will be shared' });
    expect(await visibleText(box)).toContain('What will be shared: 1 page');
    expect(await box.textContent()).toContain('Only this page is shared: child pages are off for this link.');
    await shot(dialog, 'preview-page-only');

    await dialog.getByLabel('Include child pages').check();
    await dialog.getByLabel('Exclude child pages with labels').fill('changelog');
    expect(await visibleText(box.getByText('You changed the settings since this preview'))).toContain('refresh it');
    await dialog.getByRole('button', { name: 'Refresh preview' }).click();
    await box.getByText('What will be shared: 3 pages').waitFor();
    const text = (await box.textContent()) ?? '';
    expect(text).toContain('— Getting started');
    expect(text).toContain('— Internal roadmap');
    expect(text).not.toContain('Salaries');
    expect(text).not.toContain('Release notes');
    expect(text).toContain('2 pages hidden by the label filters.');
    expect(text).toContain('2 pages hidden because they are restricted in Confluence');
    await shot(dialog, 'preview-tree');
    expect(pageErrors).toEqual([]);
  });
});
