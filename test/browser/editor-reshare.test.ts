/**
 * Editors and admins re-share an existing link through the real UI Kit bundles in the local host:
 * Copy and Email give the same URL after the dialog is reopened (no rotation), from the page dialog and
 * from the space links list; "Notify newly added users" mails a new address on save (local outbox).
 */
import { describe, expect, it } from 'vitest';
import { useUiHostSession } from './ui-host-session';
import { flag, sectionMessage, uiKit, visibleText } from './ui-kit';

const PASSWORD = 'violet mango harbour';

const host = useUiHostSession('editor');
const { pageErrors, openSurface, shot } = host;

/** The outbox messages sent to `address`, newest first, as the outbox page renders them. */
const mailsTo = async (address: string): Promise<string[]> => {
  const list = await (await fetch(`${host.server.url}/outbox`)).text();
  const ids = [...list.matchAll(/href="\/outbox\/([0-9]{13}-[0-9a-f]{12})"/g)].map((m) => m[1]!);
  const bodies = await Promise.all(ids.map(async (id) => (await fetch(`${host.server.url}/outbox/${id}`)).text()));
  return bodies.filter((body) => body.includes(address));
};

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
    expect(url).toMatch(new RegExp(`^${host.server.url}/s/[A-Za-z0-9_-]{65}$`));

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
    const outbox = await host.browser.newPage();
    await outbox.goto(`${host.server.url}/outbox`);
    await shot(outbox, 'notify-outbox');
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
