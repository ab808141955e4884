/**
 * The All links console in the local host (the real UI Kit bundle, one browser): a Confluence admin edits
 * a link another user created (the creator stays, the edit is audited under the admin), then exports the
 * links as CSV and downloads the file through its signed, short-lived URL on the share server.
 */
import { describe, expect, it } from 'vitest';
import { useUiHostSession } from './ui-host-session';
import { createLink } from '../../src/app/links';
import { openAdminSection } from './admin-navigation';

const host = useUiHostSession('links-console', {
  prepare: async (server) => {
    // Erin Editor's link on a page the Confluence admin cannot edit.
    await createLink(server.deps, { accountId: 'u-editor' }, { pageId: '1002', settings: { name: 'Handbook for partners' } });
  },
});
const { pageErrors, shot } = host;

describe('All links console', () => {
  it('lets a Confluence admin edit another user’s link, then download the links as CSV', async () => {
    const admin = await host.browser.newPage({ viewport: { width: 1280, height: 900 } });
    admin.on('pageerror', (error) => pageErrors.push(error.message));
    await admin.goto(`${host.server.url}/ui/global?as=u-site-admin`);
    await admin.locator('#forge-app[data-rendered="true"]').waitFor({ timeout: 30_000 });
    await openAdminSection(admin, 'All links');
    const row = admin.locator('tr', { hasText: 'Handbook for partners' });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('Erin Editor');

    await row.getByRole('button', { name: 'Edit', exact: true }).click();
    await admin.getByText('You are editing a link created by Erin Editor').waitFor({ timeout: 15_000 });
    await shot(admin, 'admin-edit');
    await admin.getByLabel('Name').fill('Handbook for partners (reviewed)');
    await admin.getByRole('button', { name: 'Save changes' }).click();
    const edited = admin.locator('tr', { hasText: 'Handbook for partners (reviewed)' });
    await edited.waitFor({ timeout: 15_000 });
    expect(await edited.textContent()).toContain('Erin Editor');

    const [stored] = (await host.server.deps.store.links.list({}, { limit: 10 })).items;
    expect(stored).toMatchObject({ name: 'Handbook for partners (reviewed)', createdBy: 'u-editor', version: 2 });
    const trail = (await host.server.deps.store.audit.list({ linkId: stored!.id, action: 'link_updated' }, { limit: 5 })).items;
    expect(trail).toMatchObject([{ actor: 'u-site-admin', detail: 'name (by an administrator)' }]);

    await admin.getByRole('button', { name: 'Export CSV' }).click();
    const download = admin.getByRole('link', { name: /^Download secure-share-links-\d{8}-\d{4}\.csv/ });
    await download.waitFor({ timeout: 15_000 });
    await shot(admin, 'export-ready');
    const href = (await download.getAttribute('href')) ?? '';
    expect(href.startsWith(`${host.server.url}/export/`)).toBe(true);
    expect(href).toMatch(/\?part=1&exp=\d+&sig=[A-Za-z0-9_-]{43}$/);

    const response = await admin.request.get(href);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers()['content-disposition']).toMatch(/^attachment; filename="secure-share-links-\d{8}-\d{4}\.csv"/);
    const csv = await response.text();
    expect(csv.split('\r\n')[0]).toBe('\uFEFFname,page,space_key,created_by,created_utc,status,expires_utc,password,sso,selected_users,ip_rules,child_pages,comments,attachments,link_id,page_id');
    expect(csv).toContain('Handbook for partners (reviewed),');
    expect(csv).toContain(',Erin Editor,');
    // A URL whose signature was changed is refused.
    expect((await admin.request.get(`${href.slice(0, -1)}${href.endsWith('A') ? 'B' : 'A'}`)).status()).toBe(403);
    expect(pageErrors).toEqual([]);
  });
});
