/**
 * Every admin and editor screen of the local host, rendered through Atlaskit in the light and the
 * dark theme, screenshotted to test-results/screenshots/screen-<theme>-<screen>.png. Each screen
 * must render without a page or console error and without an element the host cannot map.
 * One browser launch; motion is reduced so no screenshot catches a modal mid-animation.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../src/dev/server';
import { CHROMIUM_ARGS } from '../support/browser';
import { ADMIN_SECTION_GROUPS, openAdminSection } from './admin-navigation';

const SHOTS = path.resolve('test-results/screenshots');
let server: LocalServer;
let browser: Browser;
let dataDir: string;

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'secure-share-screens-'));
  server = await startLocalServer({ port: 0, dataDir, bcryptRounds: 4 });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe.each(['light', 'dark'] as const)('every admin and editor screen in the %s theme', (theme) => {
  const problems: string[] = [];
  const shots: string[] = [];

  const open = async (surface: string, query: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 }, reducedMotion: 'reduce', colorScheme: 'light' });
    page.on('pageerror', (error) => problems.push(`${surface}: ${error.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`${surface} console: ${msg.text()}`);
    });
    await page.goto(`${server.url}/ui/${surface}?${query}&theme=${theme}`);
    await page.locator('#forge-app[data-rendered="true"]').waitFor({ timeout: 30_000 });
    return page;
  };

  /** Waits until no spinner is left, checks the theme and that every element went through Atlaskit, then shoots. */
  const shoot = async (page: Page, name: string): Promise<void> => {
    await page.locator('[data-testid="ui-kit.Spinner"]').first().waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.locator('html').getAttribute('data-color-mode')).toBe(theme);
    expect(await page.locator('#forge-app [data-forge-type]').count()).toBe(0);
    const file = `screen-${theme}-${name}.png`;
    await page.screenshot({ path: path.join(SHOTS, file), fullPage: true });
    shots.push(file);
  };

  const editorScreens = async (): Promise<void> => {
    const page = await open('share', 'as=u-editor&page=1001&space=DEMO');
    await page.getByRole('button', { name: 'Create & share secure link' }).waitFor();
    await shoot(page, 'share-links');
    await page.getByRole('button', { name: 'Email' }).first().click();
    await page.getByRole('dialog').getByLabel('Recipients').waitFor();
    await shoot(page, 'share-email-modal');
    // Escape closes an Atlaskit modal through the app's onClose, as in Confluence.
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    // showFlag: bottom-left @atlaskit/flag; an error flag stays until closed (closeFlag or its ×).
    const bridge = (cmd: string, data: unknown) =>
      page.evaluate(([c, d]) => (window as unknown as { __bridge: { callBridge: (c: unknown, d: unknown) => Promise<unknown> } }).__bridge.callBridge(c, d), [cmd, data] as const);
    await bridge('showFlag', { id: 'screens-error', title: 'Could not save', description: 'The server did not answer.', type: 'error' });
    await bridge('showFlag', { id: 'screens-done', title: 'Secure link created', type: 'success' });
    await page.getByTestId('ui-kit.Flag.error').waitFor();
    await page.getByTestId('ui-kit.Flag.success').waitFor();
    await shoot(page, 'share-flags');
    expect(await bridge('closeFlag', { id: 'screens-done' })).toBe(true);
    await page.getByTestId('ui-kit.Flag.success').waitFor({ state: 'detached' });
    await page.getByTestId('ui-kit.Flag.error').getByRole('button', { name: /dismiss|close/i }).click();
    await page.getByTestId('ui-kit.Flag.error').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Create & share secure link' }).click();
    await page.getByLabel('Name').waitFor();
    await shoot(page, 'share-form');
    await page.close();
  };

  const spaceAdminScreens = async (): Promise<void> => {
    const page = await open('space', 'as=u-space-admin&space=DEMO');
    await page.getByRole('button', { name: 'Share this space' }).waitFor();
    await shoot(page, 'space-settings');
    await page.close();
  };

  const siteAdminScreens = async (): Promise<void> => {
    const page = await open('global', 'as=u-site-admin');
    for (const [section, place] of Object.entries(ADMIN_SECTION_GROUPS)) {
      await openAdminSection(page, section);
      await page.getByRole('tab', { name: place.nested ? section : place.group, exact: true, selected: true }).waitFor();
      await shoot(page, `global-${slug(section)}`);
    }
    await page.close();
  };

  it('renders the share dialog (links, form, modal, flags), space settings and every global settings section', async () => {
    // The three surfaces load side by side, as three browser tabs would.
    await Promise.all([editorScreens(), spaceAdminScreens(), siteAdminScreens()]);
    expect(shots.length).toBe(5 + Object.keys(ADMIN_SECTION_GROUPS).length);
    expect(problems).toEqual([]);
  });
});
