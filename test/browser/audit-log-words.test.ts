/**
 * The audit log in plain words, in headless Chromium through the local UI host (one browser launch): the
 * demo links' creation reads as sentences with names, and "Export CSV" gives a real file download (an
 * attachment served by the share endpoint) whose summary column holds the same sentences.
 */
import { describe, expect, it } from 'vitest';
import { useUiHostSession } from './ui-host-session';
import { openAdminSection } from './admin-navigation';

const host = useUiHostSession('audit-words', { seedDemo: true });

describe('audit log in plain words (local host)', () => {
  it('shows sentences with names and downloads the CSV as a file with the same sentences', async () => {
    const page = await host.browser.newPage({ viewport: { width: 1100, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${host.server.url}/ui/global?as=u-site-admin`);
    await page.locator('#forge-app[data-rendered="true"]').waitFor({ timeout: 30_000 });
    await openAdminSection(page, 'Audit log');

    const created = "Erin Editor created 'Demo: password' on Getting started (password).";
    await page.getByText(created).first().waitFor({ timeout: 15_000 });
    const table = (await page.getByRole('table').first().textContent()) ?? '';
    expect(table).not.toMatch(/u-editor|DEMO \/ 1002/);

    await page.getByRole('button', { name: 'Export CSV' }).click();
    const download = page.getByRole('link', { name: /^Download secure-share-audit-all-.*\.csv/ });
    const href = await download.getAttribute('href', { timeout: 15_000 });
    const res = await page.request.get(href!);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers()['content-disposition']).toMatch(/^attachment; filename="secure-share-audit-all-\d{8}-\d{4}\.csv"/);
    const body = await res.text();
    expect(body).toMatch(/^\uFEFF?time_utc,summary,action,actor,link_id,page_id,space_key,count,detail\r\n/);
    expect(body).toContain(`,${created},link_created,u-editor,`);
    expect(errors).toEqual([]);
  });
});
