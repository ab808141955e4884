/**
 * A space admin shares a whole space from the space settings page (the real UI Kit bundle in the local
 * host), then a recipient opens the link: the space's second root page is a top-level entry of the
 * page navigation and opens; a page of another space does not.
 */
import { describe, expect, it } from 'vitest';
import { useUiHostSession } from './ui-host-session';
import { uiKit } from './ui-kit';

const host = useUiHostSession('space-share', {
  prepare: async (server) => {
    // "Internal roadmap" moves to the top of the space: a second root page beside the home page.
    await server.app.site.updatePage('1004', { parentId: null });
  },
});
const { pageErrors, shot } = host;

describe('sharing a whole space', () => {
  it('creates a space link from space settings, lists it as "Whole space", and the recipient reaches the second root page', async () => {
    const space = await host.browser.newPage({ viewport: { width: 1100, height: 900 } });
    space.on('pageerror', (error) => pageErrors.push(`space: ${error.message}`));
    await space.goto(`${host.server.url}/ui/space?as=u-space-admin&space=DEMO`);
    await space.locator('#forge-app[data-rendered="true"]').waitFor({ timeout: 30_000 });
    await space.getByRole('button', { name: 'Share this space' }).click();
    await space.getByText('Share the whole space', { exact: true }).first().waitFor({ timeout: 15_000 });
    expect(await space.getByLabel('Name').inputValue()).toBe('Whole space: Product Handbook');
    await space.getByRole('button', { name: 'Preview what will be shared' }).click();
    await space.getByText(/What will be shared: \d+ pages/).waitFor({ timeout: 15_000 });
    await shot(space, 'form');
    await space.getByRole('button', { name: 'Create link' }).click();
    await space.getByText(/Select the URL and copy it/).waitFor({ timeout: 15_000 });
    const url = await space.getByLabel('Share URL').inputValue();
    expect(url).toMatch(new RegExp(`^${host.server.url}/s/[A-Za-z0-9_-]{65}$`));
    const row = space.locator('tr', { hasText: 'Whole space: Product Handbook' });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('Whole space');
    await shot(space, 'created');

    const visitor = await host.browser.newPage({ viewport: { width: 1100, height: 900 } });
    const home = await visitor.goto(url);
    expect(home?.status()).toBe(200);
    const nav = visitor.locator('nav.tree');
    // The second root page sits at the top level of the navigation, beside the home page.
    const topLevel = nav.locator(':scope > details > ul > li > a');
    expect(await topLevel.allTextContents()).toEqual(['Product Handbook', 'Internal roadmap']);
    await shot(visitor, 'recipient-home');
    await topLevel.filter({ hasText: 'Internal roadmap' }).click();
    await visitor.locator('h1', { hasText: 'Internal roadmap' }).first().waitFor({ timeout: 15_000 });
    await shot(visitor, 'recipient-second-root');
    const other = await visitor.goto(`${url}/p/2001`);
    expect(other?.status()).toBe(404);
    expect(pageErrors).toEqual([]);
  });

  it('offers "Share the whole space" in the page dialog of the home page only, and marks the new link "Whole space"', async () => {
    const other = await host.browser.newPage({ viewport: { width: 1100, height: 900 } });
    other.on('pageerror', (error) => pageErrors.push(`dialog 1002: ${error.message}`));
    await other.goto(`${host.server.url}/ui/share?as=u-editor&page=1002&space=DEMO`);
    await other.locator('#forge-app[data-rendered="true"]').waitFor({ timeout: 30_000 });
    await other.getByRole('button', { name: 'Create & share secure link' }).click();
    await other.getByLabel('Name').waitFor();
    expect(await other.getByText(/Share the whole space/).count()).toBe(0);

    const dialog = await host.browser.newPage({ viewport: { width: 1100, height: 900 } });
    dialog.on('pageerror', (error) => pageErrors.push(`dialog: ${error.message}`));
    await dialog.goto(`${host.server.url}/ui/share?as=u-editor&page=1001&space=DEMO`);
    await dialog.locator('#forge-app[data-rendered="true"]').waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Create & share secure link' }).click();
    await dialog.getByLabel(/Share the whole space/).check();
    expect(await dialog.getByLabel('Name').inputValue()).toBe('Whole space: Product Handbook');
    expect(await dialog.getByLabel('Include child pages').count()).toBe(0);
    await shot(dialog, 'dialog-form');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    await dialog.getByText(/Select the URL and copy it/).waitFor({ timeout: 15_000 });
    const card = uiKit(dialog, 'Box', { hasText: 'Whole space: Product Handbook' }).last();
    await card.waitFor();
    expect(await uiKit(card, 'Lozenge', { hasText: 'Whole space' }).count()).toBeGreaterThan(0);
    await shot(dialog, 'dialog-created');
    const url = await dialog.getByLabel('Share URL').inputValue();
    const opened = await fetch(`${url}/p/1004`);
    expect(opened.status).toBe(200);
    expect(pageErrors).toEqual([]);
  });
});
