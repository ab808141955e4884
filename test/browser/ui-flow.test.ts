/**
 * End to end through the local UI host in headless Chromium: the real UI Kit bundles render in the
 * browser, call resolvers over /api/invoke, and the link they create opens (then 404s once revoked).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHOTS, useUiHostSession } from './ui-host-session';
import { openAdminSection } from './admin-navigation';
import { chooseOption, flag, flipToggle, sectionMessage, selectedValueOf, uiKit, visibleText } from './ui-kit';

const host = useUiHostSession('ui');
const { pageErrors, openSurface, shot } = host;

describe('UI Kit surfaces in the local host', () => {
  it('creates a link in the share dialog, opens it, revokes it from global settings and gets a 404', async () => {
    const dialog = await openSurface('share', 'as=u-editor&page=1001&space=DEMO');
    await dialog.getByText('Secure Share links').waitFor();
    expect(await visibleText(dialog.getByText('Product Handbook · DEMO'))).toBe('Product Handbook · DEMO');
    await shot(dialog, 'share-empty');

    await dialog.getByRole('button', { name: 'Create & share secure link' }).click();
    await dialog.getByLabel('Name').fill('Browser flow link');
    await dialog.getByLabel('Description').fill('Created by the headless browser test');
    await shot(dialog, 'share-form');
    await dialog.getByRole('button', { name: 'Create link' }).click();

    await dialog.getByText(/Select the URL and copy it/).waitFor();
    const url = await dialog.getByLabel('Share URL').inputValue();
    expect(url).toMatch(new RegExp(`^${host.server.url}/s/[A-Za-z0-9_-]{40,}$`));
    expect(await visibleText(dialog.getByText('Browser flow link', { exact: true }))).toBe('Browser flow link');
    expect(await visibleText(flag(dialog, 'success'))).toContain('Secure link created');
    await shot(dialog, 'share-created');

    await dialog.getByRole('button', { name: 'Email this link' }).click();
    await dialog.getByLabel('Recipients').fill('partner@example.com');
    await dialog.getByLabel('Personal message').fill('Here is the handbook.');
    await shot(dialog, 'share-email');
    await dialog.getByRole('dialog').getByRole('button', { name: 'Send' }).click();
    expect(await visibleText(flag(dialog, 'success', 'Link sent'))).toContain('1 person');

    const viewer = await host.browser.newPage();
    const opened = await viewer.goto(url);
    expect(opened?.status()).toBe(200);
    expect(await viewer.title()).toContain('Product Handbook');
    await viewer.screenshot({ path: path.join(SHOTS, 'ui-share-view.png') });

    // The view is counted at once; the link's Activity lists its creation (views join it in batches).
    await dialog.reload();
    await dialog.locator('#forge-app[data-rendered="true"]').waitFor();
    expect(await visibleText(dialog.getByText(/^1 view · last opened/))).toMatch(/^1 view · last opened (just now|1 minute ago)$/);
    await dialog.getByRole('button', { name: '••• More' }).click();
    await dialog.getByRole('button', { name: 'Activity' }).click();
    const activity = dialog.getByRole('dialog');
    await activity.getByText('Link created').waitFor();
    expect(await activity.textContent()).toContain('appear here a few minutes after');
    await shot(dialog, 'share-activity');
    await activity.getByRole('button', { name: 'Close' }).click();
    await activity.waitFor({ state: 'detached' });

    const admin = await openSurface('global', 'as=u-site-admin');
    await shot(admin, 'global-getting-started');
    await openAdminSection(admin, 'All links');
    const row = admin.locator('tr', { hasText: 'Browser flow link' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Erin Editor');
    await shot(admin, 'global-all-links');
    await row.getByRole('button', { name: 'Disable' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    expect(await visibleText(flag(admin, 'success', 'Link disabled'))).toContain('Browser flow link');
    await admin.getByRole('dialog').waitFor({ state: 'detached' });
    await shot(admin, 'global-revoked');

    const after = await viewer.goto(url);
    expect(after?.status()).toBe(404);
    expect(await viewer.content()).not.toContain('Product Handbook');
    expect(pageErrors).toEqual([]);
  });

  it('space caps reach the editor: options above the space policy are not offered, an older link shows as non-compliant', async () => {
    const editor = await openSurface('share', 'as=u-editor&page=1001&space=DEMO');
    await editor.getByRole('button', { name: 'Create & share secure link' }).click();
    await editor.getByLabel('Name').fill('Comments allowed');
    await chooseOption(editor, 'Comments', 'View');
    await editor.getByRole('button', { name: 'Create link' }).click();
    await editor.getByText(/Select the URL and copy it/).waitFor();

    const space = await openSurface('space', 'as=u-space-admin&space=DEMO');
    await flipToggle(space, 'Apply on space links');
    await chooseOption(space.locator('form'), 'Comments', 'Disabled');
    await space.getByLabel('Mandatory (every link needs a password)').check();
    await space.getByRole('button', { name: 'Save space settings' }).click();
    // The impact preview names the links that would stop opening before the tighter policy is saved.
    await space.getByRole('dialog').getByRole('button', { name: 'Save anyway' }).click();
    expect(await visibleText(flag(space, 'success'))).toContain('Space settings saved');
    await shot(space, 'space-enforced');

    await editor.reload();
    await editor.locator('#forge-app[data-rendered="true"]').waitFor();
    const card = uiKit(editor, 'Box', { hasText: 'Comments allowed' }).last();
    expect(await visibleText(uiKit(card, 'Lozenge'))).toBe('Non-compliant');
    expect(await visibleText(card.getByText(/Not compliant:/))).toMatch(/Comments/);
    await shot(editor, 'share-non-compliant');

    await editor.getByRole('button', { name: 'Create & share secure link' }).click();
    // One level is left: the select shows it and cannot be opened.
    expect(await editor.getByLabel('Comments', { exact: true }).isDisabled()).toBe(true);
    expect(await selectedValueOf(editor, 'Comments')).toBe('Disabled');
    expect(await visibleText(editor.locator('label', { hasText: 'Password' }).first())).toContain('*');
    await editor.getByLabel('Name').fill('No password');
    await editor.getByRole('button', { name: 'Create link' }).click();
    expect(await visibleText(uiKit(editor, 'ErrorMessage'))).toContain('A password is required by the space policy.');
    await shot(editor, 'share-capped-form');

    // Restore the open policy for the following tests.
    await space.reload();
    await space.locator('#forge-app[data-rendered="true"]').waitFor();
    await flipToggle(space, 'Apply on space links');
    await space.getByRole('button', { name: 'Save space settings' }).click();
    await flag(space, 'success').first().waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('renders space settings for the space admin and the other global tabs', async () => {
    const space = await openSurface('space', 'as=u-space-admin&space=DEMO');
    await space.getByRole('heading', { name: 'Links in this space' }).waitFor();
    expect(await space.getByLabel('Sharing enabled in this space').isChecked()).toBe(true);
    await shot(space, 'space-settings');
    const row = space.locator('tr', { hasText: 'Comments allowed' });
    await row.getByRole('button', { name: 'Disable' }).click();
    await space.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    expect(await visibleText(flag(space, 'success', 'Link disabled'))).toContain('Comments allowed');
    expect(await visibleText(uiKit(row, 'Lozenge'))).toBe('Disabled');

    const admin = await openSurface('global', 'as=u-site-admin');
    for (const [tab, slug] of [
      ['Default link configuration', 'default-config'],
      ['Email delivery', 'email'],
      ['Audit log', 'audit'],
      ['Reset', 'reset'],
    ] as const) {
      await openAdminSection(admin, tab);
      await admin.locator('[data-testid="ui-kit.TabPanel"] [data-testid="ui-kit.Spinner"]').first().waitFor({ state: 'detached' }).catch(() => undefined);
      await admin.waitForTimeout(300);
      await shot(admin, `global-${slug}`);
    }
    expect(await visibleText(admin.getByText('Delete all secure links'))).toBe('Delete all secure links');

    await openAdminSection(admin, 'Customization');
    await admin.getByLabel('Heading', { exact: true }).fill('ACME shared pages');
    await admin.getByRole('button', { name: 'Save' }).click();
    expect(await visibleText(flag(admin, 'success', 'Customization'))).toContain('Customization saved');
    await shot(admin, 'global-customization');
    expect(pageErrors).toEqual([]);
  });

  it('confirms before disabling, names creators, saves audit retention and explains the webhook egress request', async () => {
    const dialog = await openSurface('share', 'as=u-editor&page=1001&space=DEMO');
    await dialog.getByRole('button', { name: 'Create & share secure link' }).click();
    await dialog.getByLabel('Name').fill('Disable me');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    await dialog.getByText('Select the URL and copy it', { exact: false }).waitFor();
    await dialog.reload();
    await dialog.locator('#forge-app[data-rendered="true"]').waitFor();
    const card = uiKit(dialog, 'Box', { hasText: 'Disable me' }).last();
    expect(await visibleText(card.getByText(/Created by Erin Editor/))).toMatch(/^Created by Erin Editor · /);
    await card.getByRole('button', { name: '••• More' }).click();
    await card.getByRole('button', { name: 'Disable' }).click();
    const confirm = dialog.getByRole('dialog');
    expect(await visibleText(confirm)).toContain('until you enable it again');
    await shot(dialog, 'share-disable-confirm');
    await confirm.getByRole('button', { name: 'Disable' }).click();
    expect(await visibleText(flag(dialog, 'success', 'Link disabled'))).toContain('Disable me');
    expect(await visibleText(uiKit(card, 'Lozenge'))).toBe('Disabled');
    await card.getByRole('button', { name: 'Rotate URL…' }).click();
    await dialog.getByRole('dialog').getByRole('button', { name: 'Rotate URL' }).click();
    expect(await dialog.getByLabel('Share URL').inputValue()).toMatch(new RegExp(`^${host.server.url}/s/`));
    await shot(dialog, 'share-rotated');

    const admin = await openSurface('global', 'as=u-site-admin');
    await openAdminSection(admin, 'Audit log');
    await admin.getByLabel('Keep audit entries for (days)').fill('4000');
    await admin.getByRole('button', { name: 'Save' }).click();
    expect(await visibleText(uiKit(admin, 'ErrorMessage'))).toContain('from 1 to 3650');
    await admin.getByLabel('Keep audit entries for (days)').fill('365');
    await admin.getByRole('button', { name: 'Save' }).click();
    expect(await visibleText(flag(admin, 'success', 'Audit retention saved'))).toContain('Audit retention saved');
    await shot(admin, 'global-audit-retention');

    await openAdminSection(admin, 'Email delivery');
    await chooseOption(admin, 'Provider', 'Webhook');
    await admin.getByLabel('From address').fill('share@acme.example');
    await admin.getByLabel('Webhook URL').fill('https://hooks.acme.example/mail');
    await admin.getByLabel('Signing secret').fill('whsec-local');
    await admin.getByRole('button', { name: 'Save' }).click();
    // The local host has no egress consent dialog: the request is made but not confirmed, and the tab says so.
    expect(await visibleText(sectionMessage(admin, { hasText: 'https://hooks.acme.example' }))).toContain('Access to https://hooks.acme.example requested');
    await shot(admin, 'global-email-egress');
    expect(pageErrors).toEqual([]);
  });

  it('shows the resolver error when the acting user may not open global settings', async () => {
    const page = await openSurface('global', 'as=u-editor');
    await openAdminSection(page, 'Default link configuration');
    expect(await visibleText(sectionMessage(page, { appearance: 'error' }))).toMatch(/admin/i);
    await shot(page, 'global-forbidden');
  });
});
