/**
 * Issue 13 in the local host (the real UI Kit bundle, one browser launch): a Confluence admin creates a
 * named configuration, assigns it to two spaces, tightens it and sees the impact preview name the links
 * of both spaces before saving anyway; the space settings say which configuration applies and why; a
 * classification rule makes a link to a Confidential page stop opening (the same 404 as any refusal).
 */
import { describe, expect, it } from 'vitest';
import { useUiHostSession } from './ui-host-session';
import { createLink } from '../../src/app/links';
import { openAdminSection } from './admin-navigation';
import { chooseOption, flag, flipToggle } from './ui-kit';

const links: Record<'demo' | 'ops' | 'confidential', string> = { demo: '', ops: '', confidential: '' };

const host = useUiHostSession('configurations', {
  prepare: async (server) => {
    const { deps } = server;
    links.demo = (await createLink(deps, { accountId: 'u-editor' }, { pageId: '1002', settings: { name: 'Handbook for partners', comments: 'view' } })).url;
    links.ops = (await createLink(deps, { accountId: 'u-editor' }, { pageId: '2002', settings: { name: 'On-call for the vendor', comments: 'view' } })).url;
    // "Internal roadmap" is classified Confidential; only its space admin may edit it. Without comments, it
    // stays within the configuration tightened below.
    links.confidential = (await createLink(deps, { accountId: 'u-space-admin' }, { pageId: '1004', settings: { name: 'Roadmap preview', comments: 'none' } })).url;
  },
});
const { pageErrors, shot } = host;

describe('named configurations, impact preview and the classification rule', () => {
  it('a configuration assigned to two spaces, tightened after an impact preview; a classified page refused', async () => {
    const visitor = await host.browser.newPage();
    for (const url of Object.values(links)) expect((await visitor.goto(url))?.status()).toBe(200);

    const admin = await host.browser.newPage({ viewport: { width: 1200, height: 1000 } });
    admin.on('pageerror', (error) => pageErrors.push(`admin: ${error.message}`));
    await admin.goto(`${host.server.url}/ui/global?as=u-site-admin`);
    await admin.locator('#forge-app[data-rendered="true"]').waitFor({ timeout: 30_000 });
    await openAdminSection(admin, 'Configurations');

    await admin.getByRole('button', { name: 'New configuration' }).click();
    await admin.getByRole('textbox', { name: /^Name/ }).fill('Partner spaces');
    await admin.getByRole('button', { name: 'Create configuration' }).click();
    await flag(admin, 'success', 'Configuration created').waitFor({ timeout: 15_000 });

    await chooseOption(admin, 'Configuration', 'Partner spaces');
    await admin.getByLabel('Space keys', { exact: true }).fill('DEMO, OPS');
    await admin.getByRole('button', { name: 'Assign', exact: true }).click();
    await admin.getByText('Assigned to DEMO, OPS.').waitFor({ timeout: 15_000 });

    // Tighten it: its settings become limits, and links of these spaces may not show comments.
    await admin.getByRole('button', { name: 'Edit Partner spaces' }).click();
    await flipToggle(admin, 'Apply on space links');
    await chooseOption(admin, 'Comments', 'Disabled');
    await admin.getByRole('button', { name: 'Save configuration' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByText('2 links will stop opening').first().waitFor({ timeout: 15_000 });
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('Handbook for partners — Getting started (DEMO)');
    expect(text).toContain('On-call for the vendor — On-call rota (OPS)');
    expect(text).toContain("Comments are capped at 'Disabled' by the space policy");
    expect(text).not.toContain('Roadmap preview');
    await shot(admin, 'impact-preview');
    // Nothing changed before Save anyway.
    expect((await visitor.goto(links.demo))?.status()).toBe(200);
    await dialog.getByRole('button', { name: 'Save anyway' }).click();
    await flag(admin, 'success', 'Configuration saved').waitFor({ timeout: 15_000 });
    expect((await visitor.goto(links.demo))?.status()).toBe(404);
    expect((await visitor.goto(links.ops))?.status()).toBe(404);

    // The space settings say which configuration applies and why.
    const space = await host.browser.newPage({ viewport: { width: 1100, height: 900 } });
    space.on('pageerror', (error) => pageErrors.push(`space: ${error.message}`));
    await space.goto(`${host.server.url}/ui/space?as=u-site-admin&space=OPS`);
    await space.locator('#forge-app[data-rendered="true"]').waitFor({ timeout: 30_000 });
    await space.getByText("This space uses the configuration 'Partner spaces', which a Confluence admin assigned to it.").waitFor({ timeout: 15_000 });

    // Classification: Confidential or higher cannot be shared, and the existing link stops opening.
    expect((await visitor.goto(links.confidential))?.status()).toBe(200);
    await openAdminSection(admin, 'Classification');
    await chooseOption(admin, 'Pages that cannot be shared', 'Confidential or higher');
    await admin.getByRole('button', { name: 'Save classification rule' }).click();
    await flag(admin, 'success', 'Classification rule saved').waitFor({ timeout: 15_000 });
    await shot(admin, 'classification');
    const refused = await visitor.goto(links.confidential);
    expect(refused?.status()).toBe(404);
    expect(await visitor.content()).not.toContain('Internal roadmap');
    const audit = await host.server.deps.store.audit.list({ action: 'view_denied' }, { limit: 5 });
    expect(audit.items[0]?.detail).toBe("classification rule: page classified 'Confidential' ('Confidential' or higher cannot be shared)");
    expect(pageErrors).toEqual([]);
  });
});
