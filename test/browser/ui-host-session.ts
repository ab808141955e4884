import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startLocalServer, type LocalServer } from '../../src/dev/server';
import { CHROMIUM_ARGS } from '../support/browser';

export const SHOTS = path.resolve('test-results/screenshots');

export interface UiHostSession {
  readonly server: LocalServer;
  readonly browser: Browser;
  /** Page and console errors of every page opened through openSurface. */
  readonly pageErrors: string[];
  /** Opens /ui/<surface>?<query> and waits until the UI Kit app has rendered. */
  openSurface(surface: string, query: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Full-page screenshot to test-results/screenshots/<prefix>-<name>.png. */
  shot(page: Page, name: string): Promise<Buffer>;
}

/**
 * One local server (fresh data directory, fast bcrypt) and one Chromium for a browser test file, started
 * before its tests and closed after them. `prepare` runs once the server is up, before the browser starts.
 */
export const useUiHostSession = (
  prefix: string,
  options: { seedDemo?: boolean; prepare?: (server: LocalServer) => Promise<void> } = {},
): UiHostSession => {
  let server: LocalServer | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(path.join(tmpdir(), `secure-share-${prefix}-`));
    server = await startLocalServer({ port: 0, dataDir, seedDemo: options.seedDemo ?? false, bcryptRounds: 4 });
    await options.prepare?.(server);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The ${what} is not started yet (use it inside a test or hook).`);
    return value;
  };

  return {
    get server() {
      return started(server, 'local server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    pageErrors,
    async openSurface(surface, query, viewport = { width: 1100, height: 800 }) {
      const page = await started(browser, 'browser').newPage({ viewport });
      page.on('pageerror', (error) => pageErrors.push(`${surface}: ${error.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') pageErrors.push(`${surface} console: ${msg.text()}`);
      });
      await page.goto(`${started(server, 'local server').url}/ui/${surface}?${query}`);
      await page.locator('#forge-app[data-rendered="true"]').waitFor({ timeout: 30_000 });
      return page;
    },
    shot: (page, name) => page.screenshot({ path: path.join(SHOTS, `${prefix}-${name}.png`), fullPage: true }),
  };
};
