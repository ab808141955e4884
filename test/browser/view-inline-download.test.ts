/**
 * Forge-like downloads in headless Chromium: with binary responses off, the attachment link opens a page
 * whose button saves the file from a data: URL. Proves the browser saves it under the view's CSP.
 */
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../support/browser';
import { startTestServer, type TestServer } from '../support/local-server';

const SHOTS = join('test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

let server: TestServer;
let browser: TestBrowser;

beforeAll(async () => {
  server = await startTestServer({ shareHandlerOptions: { inlineImages: true, inlineDownloads: true } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('downloads without binary responses (as on Forge today)', () => {
  it('the download page saves the exact file; images on the page are inlined', async () => {
    const created = await server.call('createLink', { pageId: '1001', settings: { name: 'Inline files', attachments: 'view' } }, 'u-editor');
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(created.url);
    const diagram = page.locator('main img').first();
    expect(await diagram.getAttribute('src')).toMatch(/^data:image\/png;base64,/);

    await page.locator('a', { hasText: 'spec.txt' }).last().click();
    await page.waitForSelector('a.button[download="spec.txt"]');
    await page.screenshot({ path: join(SHOTS, 'view-inline-download.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a.button[download]').click()]);
    expect(download.suggestedFilename()).toBe('spec.txt');
    const saved = await readFile((await download.path())!);
    const spec = (await server.deps.content.listAttachments('1001')).find((a) => a.title === 'spec.txt');
    const original = await server.deps.content.downloadAttachment('1001', spec!.id);
    expect(saved.equals(Buffer.from(original!.bytes))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
