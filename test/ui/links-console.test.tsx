/**
 * The links console through the reconciler (issue 13): a Confluence admin edits another user's link,
 * bulk disable/enable/delete with counts in the confirmation and the outcome, the creator and expiry
 * filters, the CSV export's download link, and a space admin's bulk action scoped to their space.
 */
import React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditExportView, LinkEditContext } from '../../src/shared/contract';
import { GlobalSettingsApp } from '../../src/frontend/components/global-settings-app';
import { SpaceSettingsApp } from '../../src/frontend/components/space-settings-app';
import { AllLinksTab } from '../../src/frontend/components/global/all-links-tab';
import { openAdminSection } from './admin-navigation';
import { fakeHost } from './fake-host';
import { globalContext, linkView, ok, openPolicy, spaceConfigResult, spaceContext } from './fixtures';
import { button, byType, check, click, field, getByText, hasText, pickDate, render, select, submit, textOf, type } from './forge-doc';

const payloadsOf = (key: string) => fakeHost.invokes.filter((c) => c.functionKey === key).map((c) => c.payload);
const A = 'Aaaaaaaaaaaaaaaaaaaaaa';
const B = 'Bbbbbbbbbbbbbbbbbbbbbb';
const C = 'Cccccccccccccccccccccc';

const listed = () => [
  linkView({ id: A, name: 'Partner review', createdBy: 'u-editor', createdByName: 'Erin Editor' }),
  linkView({ id: B, name: 'Board pack', createdBy: 'u-ops', createdByName: 'Olga Ops', status: 'disabled', effectiveStatus: 'disabled', spaceKey: 'OPS' }),
  linkView({ id: C, name: 'Launch notes', createdBy: 'u-editor', createdByName: 'Erin Editor', expiresAt: Date.UTC(2026, 11, 20) }),
];

beforeEach(() => {
  fakeHost.reset();
  fakeHost.context = globalContext();
  fakeHost.resolvers.listAllLinks = () => ok({ items: listed() });
  fakeHost.resolvers.listLinksExports = () => ok({ exports: [] });
});

describe('All links console', () => {
  it('lets a Confluence admin edit another user’s link: told it stays theirs and is audited, saved with the version', async () => {
    const context: LinkEditContext = { link: listed()[0]!, policy: openPolicy(), passwordSuggested: false, pageEditable: false };
    fakeHost.resolvers.getLinkForEdit = () => ok(context);
    fakeHost.resolvers.updateLink = (p) => ok({ link: { ...listed()[0]!, name: (p as { settings: { name: string } }).settings.name, version: 2 } });
    await render(<GlobalSettingsApp />);
    await openAdminSection('All links');
    const row = byType('DynamicTable')[0]!;
    expect(textOf(row)).toContain('Partner review');

    await click(byType('Button').filter((b) => textOf(b) === 'Edit')[0]!);
    expect(payloadsOf('getLinkForEdit')).toEqual([{ linkId: A }]);
    expect(hasText('You are editing a link created by Erin Editor')).toBe(true);
    expect(hasText('The link stays Erin Editor’s. Your change is recorded in the audit log under your name, and the link must still meet the sharing policy of its space.')).toBe(true);
    // An admin who cannot edit the page gets no "what will be shared" preview (it reads the page tree).
    expect(payloadsOf('previewLink')).toEqual([]);

    await type(field('Name'), 'Partner review (checked)');
    await submit(byType('Form').at(-1)!);
    expect(payloadsOf('updateLink')).toMatchObject([{ linkId: A, version: 1, settings: { name: 'Partner review (checked)' } }]);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Link saved', description: 'Partner review (checked)' });
    // Back on the list, which is read again.
    expect(hasText('Disable selected (0)')).toBe(true);
    expect(payloadsOf('listAllLinks')).toHaveLength(2);
  });

  it('bulk-deletes and bulk-enables the checked links with the count in the confirmation and in the outcome', async () => {
    fakeHost.resolvers.bulkLinks = (p) => {
      const { action, linkIds } = p as { action: string; linkIds: string[] };
      return action === 'delete'
        ? ok({ action, changed: linkIds.slice(0, 2), unchanged: [], notFound: linkIds.slice(2) })
        : ok({ action, changed: [B], unchanged: [A], notFound: [] });
    };
    await render(<GlobalSettingsApp />);
    await openAdminSection('All links');
    expect(button('Delete selected (0)').props.isDisabled).toBe(true);

    await check(field('Partner review'), true);
    await check(field('Board pack'), true);
    await check(field('Launch notes'), true);
    await click(button('Delete selected (3)'));
    expect(hasText('Delete 3 links?')).toBe(true);
    expect(hasText('They stop working at once and are removed with their subscribers. This cannot be undone.')).toBe(true);
    expect(payloadsOf('bulkLinks')).toEqual([]);
    await click(getByText('Button', 'Delete 3 links', byType('ModalFooter')[0]!));
    expect(payloadsOf('bulkLinks')).toEqual([{ action: 'delete', linkIds: [A, B, C] }]);
    expect(fakeHost.flags.at(-1)).toMatchObject({
      type: 'success',
      title: '2 links deleted',
      description: '1 link was not found (deleted meanwhile, or not yours to change).',
    });
    expect(byType('Modal')).toHaveLength(0);
    expect(button('Delete selected (0)').props.isDisabled).toBe(true);

    await check(field('Partner review'), true);
    await check(field('Board pack'), true);
    await click(button('Enable selected (2)'));
    expect(hasText('Enable 2 links?')).toBe(true);
    await click(getByText('Button', 'Enable 2 links', byType('ModalFooter')[0]!));
    expect(payloadsOf('bulkLinks').at(-1)).toEqual({ action: 'enable', linkIds: [A, B] });
    expect(fakeHost.flags.at(-1)).toMatchObject({ title: '1 link enabled', description: '1 link was already enabled.' });
  });

  it('filters by creator (people met in the list, by name) and by an expiry range in the viewer’s own days', async () => {
    await render(<GlobalSettingsApp />);
    await openAdminSection('All links');
    const creators = (field('Created by').props.options as Array<{ label: string; value: string }>).map((o) => o.label);
    expect(creators).toEqual(['Anyone', 'Erin Editor', 'Olga Ops']);
    await select(field('Created by'), 'u-ops');
    await pickDate(field('Expires from'), '2026-12-01');
    await pickDate(field('Expires until'), '2026-12-31');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('listAllLinks').at(-1)).toEqual({
      limit: 25,
      createdBy: 'u-ops',
      expiresFrom: new Date('2026-12-01T00:00:00.000').getTime(),
      expiresUntil: new Date('2026-12-31T23:59:59.999').getTime(),
    });
  });

  it('offers every row its actions: copy, email, edit, disable or enable, and under More activity, rotate, delete and the page', async () => {
    fakeHost.resolvers.rotateLink = () => ok({ link: listed()[0]!, url: 'https://share.example/s/new' });
    fakeHost.resolvers.getLinkUrl = () => ok({ url: 'https://share.example/s/new', unavailableReason: null });
    fakeHost.resolvers.setLinkStatus = () => ok({ link: { ...listed()[1]!, status: 'active', effectiveStatus: 'active' } });
    await render(<GlobalSettingsApp />);
    await openAdminSection('All links');
    const labels = (name: string) =>
      byType('ButtonGroup')
        .filter((g) => g.props.label === `Actions for ${name}`)
        .flatMap((g) => byType('Button', g).map(textOf));
    expect(labels('Partner review')).toEqual(['Copy', 'Email', 'Edit', 'Disable', '••• More']);
    expect(labels('Board pack')).toEqual(['Copy', 'Email', 'Edit', 'Enable', '••• More']);

    // Enabling needs no confirmation; disabling does (tested in space settings).
    await click(byType('Button', byType('ButtonGroup').find((g) => g.props.label === 'Actions for Board pack')!).find((b) => textOf(b) === 'Enable')!);
    expect(payloadsOf('setLinkStatus')).toEqual([{ linkId: B, status: 'active', version: 1 }]);
    expect(fakeHost.flags.at(-1)).toMatchObject({ title: 'Link enabled' });

    await click(byType('Button', byType('ButtonGroup').find((g) => g.props.label === 'Actions for Partner review')!).find((b) => textOf(b) === '••• More')!);
    expect(['Activity', 'Rotate URL…', 'Delete'].every((l) => byType('Button').some((b) => textOf(b) === l))).toBe(true);
    const open = byType('Link').find((l) => textOf(l) === 'Open page')!;
    expect(open.props.href).toBe('/wiki/pages/viewpage.action?pageId=1001');
    await click(button('Rotate URL…'));
    expect(hasText('Rotate the URL of “Partner review”?')).toBe(true);
    await click(getByText('Button', 'Rotate URL', byType('ModalFooter')[0]!));
    expect(payloadsOf('rotateLink')).toEqual([{ linkId: A, version: 1 }]);
    // The new URL is shown at once, ready to copy.
    expect(hasText('Copy “Partner review”')).toBe(true);
    expect(byType('Textfield').some((t) => t.props.value === 'https://share.example/s/new')).toBe(true);
  });

  it('exports the filtered links as CSV and shows the download link once the file is ready', async () => {
    const queued: AuditExportView = {
      exportId: 'Exxxxxxxxxxxxxxxxxxxxx',
      status: 'queued',
      rows: 0,
      reachedAt: null,
      message: null,
      truncated: false,
      downloads: [],
      urlsExpireAt: null,
      createdAt: Date.UTC(2026, 11, 3, 9),
    };
    const ready: AuditExportView = {
      ...queued,
      status: 'ready',
      rows: 3,
      urlsExpireAt: Date.UTC(2026, 11, 3, 9, 15),
      downloads: [{ part: 1, filename: 'secure-share-links-20261203-0900.csv', url: 'https://share.example/export/Exxxxxxxxxxxxxxxxxxxxx?part=1&exp=1&sig=s', rows: 3, bytes: 900 }],
    };
    fakeHost.resolvers.startLinksExport = () => ok(queued);
    fakeHost.resolvers.getAuditExport = () => ok(ready);
    fakeHost.context = globalContext();
    await render(<AllLinksTab pollMs={0} />);
    await select(field('Status'), 'active');
    await submit(byType('Form')[0]!);
    await click(button('Export CSV'));
    expect(payloadsOf('startLinksExport')).toEqual([{ status: 'active' }]);
    expect(payloadsOf('getAuditExport')).toEqual([{ exportId: queued.exportId }]);
    expect(hasText('Export ready')).toBe(true);
    expect(hasText('3 links.')).toBe(true);
    const download = byType('Link').find((l) => textOf(l).startsWith('Download secure-share-links-20261203-0900.csv'))!;
    expect(download.props.href).toBe(ready.downloads[0]!.url);
    // The screen opened with its one list call; recent exports load when asked.
    expect(payloadsOf('listLinksExports')).toEqual([]);
    fakeHost.resolvers.listLinksExports = () => ok({ exports: [ready] });
    await click(button('Show'));
    expect(payloadsOf('listLinksExports')).toHaveLength(1);
    expect(byType('DynamicTable').some((t) => t.props.caption === 'Your exports of the last 24 hours')).toBe(true);
  });
});

describe('space links console', () => {
  it('bulk-disables the space admin’s checked links within their space', async () => {
    fakeHost.context = spaceContext('DEMO');
    fakeHost.resolvers.getSpaceConfig = () => ok({ ...spaceConfigResult(), links: { items: [linkView({ id: A, name: 'First link' }), linkView({ id: B, name: 'Second link' })] } });
    fakeHost.resolvers.listSpaceLinks = () => ok({ items: [linkView({ id: A, name: 'First link' }), linkView({ id: B, name: 'Second link' })] });
    fakeHost.resolvers.bulkLinks = () => ok({ action: 'disable', changed: [A, B], unchanged: [], notFound: [] });
    await render(<SpaceSettingsApp />);
    await check(field('First link'), true);
    await check(field('Second link'), true);
    await click(button('Disable selected (2)'));
    expect(hasText('Disable 2 links?')).toBe(true);
    await click(getByText('Button', 'Disable 2 links', byType('ModalFooter')[0]!));
    expect(payloadsOf('bulkLinks')).toEqual([{ action: 'disable', linkIds: [A, B], spaceKey: 'DEMO' }]);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: '2 links disabled' });
  });

  it('exports the space’s links as CSV for its admin, with the space in every request', async () => {
    fakeHost.context = spaceContext('DEMO');
    fakeHost.resolvers.getSpaceConfig = () => ok({ ...spaceConfigResult(), links: { items: [linkView({ id: A, name: 'First link' })] } });
    fakeHost.resolvers.startLinksExport = () =>
      ok({
        exportId: 'Exxxxxxxxxxxxxxxxxxxxx',
        status: 'ready',
        rows: 1,
        reachedAt: null,
        message: null,
        truncated: false,
        urlsExpireAt: Date.UTC(2026, 11, 3, 9, 15),
        createdAt: Date.UTC(2026, 11, 3, 9),
        downloads: [{ part: 1, filename: 'secure-share-links-space-DEMO-20261203-0900.csv', url: 'https://share.example/export/E?part=1', rows: 1, bytes: 300 }],
      } satisfies AuditExportView);
    fakeHost.resolvers.listLinksExports = () => ok({ exports: [] });
    await render(<SpaceSettingsApp />);
    // The space's creators are offered by name.
    expect((field('Created by').props.options as Array<{ label: string }>).map((o) => o.label)).toEqual(['Anyone', 'Erin Editor']);
    await click(button('Export CSV'));
    expect(payloadsOf('startLinksExport')).toEqual([{ spaceKey: 'DEMO' }]);
    expect(byType('Link').some((l) => textOf(l).startsWith('Download secure-share-links-space-DEMO-20261203-0900.csv'))).toBe(true);
    await click(button('Show'));
    expect(payloadsOf('listLinksExports')).toEqual([{ spaceKey: 'DEMO' }]);
  });
});
