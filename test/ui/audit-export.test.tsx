/**
 * The audit tab's CSV export through the real @forge/react reconciler: it starts a background export,
 * follows its progress, then links each part (opening in a new tab); failures are said in plain words.
 * `pollMs={0}`: progress is asked again as soon as an answer arrives; each test ends with nothing in progress.
 */
import React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/core/defaults';
import { AuditTab } from '../../src/frontend/components/global/audit-tab';
import type { AuditExportView } from '../../src/shared/contract';
import { fakeHost } from './fake-host';
import { fail, globalContext, ok } from './fixtures';
import { button, byType, click, field, hasText, render, settle, submit, textOf, type } from './forge-doc';
import { AUDIT_ACTION_LABEL } from '../../src/frontend/components/labels';

const payloadsOf = (key: string) => fakeHost.invokes.filter((c) => c.functionKey === key).map((c) => c.payload);
const ID = 'Ex'.repeat(11);
const MB = 1024 * 1024;

const view = (overrides: Partial<AuditExportView> = {}): AuditExportView => ({
  exportId: ID,
  status: 'queued',
  rows: 0,
  reachedAt: null,
  message: null,
  truncated: false,
  downloads: [],
  urlsExpireAt: null,
  createdAt: Date.UTC(2026, 11, 3, 6, 0),
  ...overrides,
});

const url = (part: number) => `https://trigger.example/x/export/${ID}?part=${part}&exp=1796278500&sig=${'s'.repeat(43)}`;

beforeEach(() => {
  fakeHost.reset();
  fakeHost.context = globalContext();
  fakeHost.resolvers.getAuditLog = () => ok({ items: [] });
  fakeHost.resolvers.listAuditExports = () => ok({ exports: [] });
  fakeHost.resolvers.getSiteSettings = () => ok({ settings: { ...defaultSiteSettings(0), version: 1 }, secrets: { ssoClientSecret: false, emailApiKey: false } });
});

describe('audit log CSV export', () => {
  it('starts with the applied filter, shows progress, then one download link per part', async () => {
    let current = view();
    fakeHost.resolvers.startAuditExport = () => ok(view());
    fakeHost.resolvers.getAuditExport = () => ok(current);
    await render(<AuditTab pollMs={0} />);
    await type(field('Space key'), 'demo');
    await submit(byType('Form')[0]!);

    await click(button('Export CSV'));
    expect(payloadsOf('startAuditExport')).toEqual([{ spaceKey: 'DEMO' }]);
    expect(hasText('Preparing export… waiting for the first entries.')).toBe(true);
    expect(button('Export CSV').props.isDisabled).toBe(true);

    current = view({ status: 'running', rows: 12_000, reachedAt: Date.UTC(2026, 10, 20, 9, 30) });
    await settle();
    expect(hasText('Preparing export… 12,000 entries so far, back to 2026-11-20 09:30 UTC.')).toBe(true);
    expect(payloadsOf('getAuditExport').every((p) => (p as { exportId: string }).exportId === ID)).toBe(true);

    current = view({
      status: 'ready',
      rows: 50_000,
      reachedAt: Date.UTC(2026, 5, 1),
      downloads: [
        { part: 1, filename: 'a-part-1-of-2.csv', url: url(1), rows: 30_000, bytes: 4 * MB },
        { part: 2, filename: 'a-part-2-of-2.csv', url: url(2), rows: 20_000, bytes: 2.5 * MB },
      ],
      urlsExpireAt: Date.UTC(2026, 11, 3, 6, 15),
    });
    await settle();
    expect(hasText('Export ready')).toBe(true);
    expect(hasText('50,000 entries, newest first.')).toBe(true);
    expect(hasText('it comes in 2 parts. Download every part; each one starts with the column names.')).toBe(true);
    const links = byType('Link');
    expect(links.map((l) => [l.props.href, l.props.openNewTab, textOf(l)])).toEqual([
      [url(1), true, 'Download part 1 of 2 (30,000 entries, 4.0 MB)'],
      [url(2), true, 'Download part 2 of 2 (20,000 entries, 2.5 MB)'],
    ]);
    expect(hasText('Download links work until 2026-12-03 06:15 UTC; the export itself is kept for 24 hours.')).toBe(true);
    expect(button('Export CSV').props.isDisabled).toBe(false);

    // Ready: no more progress checks; fresh links only when asked.
    const asked = payloadsOf('getAuditExport').length;
    await settle();
    expect(payloadsOf('getAuditExport')).toHaveLength(asked);
    await click(button('Get new download links'));
    expect(payloadsOf('getAuditExport')).toHaveLength(asked + 1);
  });

  it('links a single file directly, and says when the row limit cut the export', async () => {
    fakeHost.resolvers.startAuditExport = () =>
      ok(
        view({
          status: 'ready',
          rows: 500_000,
          truncated: true,
          reachedAt: Date.UTC(2026, 0, 2, 3, 4),
          downloads: [{ part: 1, filename: 'secure-share-audit-all-20261203-0600.csv', url: url(1), rows: 500_000, bytes: 12 * 1024 }],
          urlsExpireAt: Date.UTC(2026, 11, 3, 6, 15),
        }),
      );
    await render(<AuditTab pollMs={0} />);
    await click(button('Export CSV'));
    expect(byType('Link').map(textOf)).toEqual(['Download secure-share-audit-all-20261203-0600.csv (12 KB)']);
    expect(hasText('parts')).toBe(false);
    expect(hasText('entries older than 2026-01-02 03:04 UTC are not in it')).toBe(true);
    expect(payloadsOf('getAuditExport')).toEqual([]);
  });

  it('says why an export failed and starts it again; a refused start and a failed check say so too', async () => {
    let current = view({ status: 'running', rows: 100 });
    fakeHost.resolvers.startAuditExport = () => ok(view());
    fakeHost.resolvers.getAuditExport = () => ok(current);
    await render(<AuditTab pollMs={0} />);
    await click(button('Export CSV'));
    current = view({ status: 'failed', rows: 100, message: 'The export stopped before it finished. Start it again.' });
    await settle();
    expect(hasText('Export failed')).toBe(true);
    expect(hasText('The export stopped before it finished. Start it again.')).toBe(true);

    fakeHost.resolvers.startAuditExport = () => fail('rate_limited', 'You can start at most 10 exports an hour. Use one you started earlier, or try again later.');
    await click(button('Start the export again'));
    expect(payloadsOf('startAuditExport')).toHaveLength(2);
    expect(hasText('Export not started')).toBe(true);
    expect(hasText('You can start at most 10 exports an hour.')).toBe(true);

    fakeHost.resolvers.startAuditExport = () => ok(view({ status: 'running', rows: 5 }));
    fakeHost.resolvers.getAuditExport = () => fail('not_found', 'This export does not exist or has expired (exports are kept for 24 hours). Start a new export.');
    await click(button('Try again'));
    await settle();
    expect(hasText('Could not check the export')).toBe(true);
    expect(hasText('This export does not exist or has expired')).toBe(true);
    const asked = payloadsOf('getAuditExport').length;
    fakeHost.resolvers.getAuditExport = () => ok(view({ status: 'ready', rows: 5, downloads: [{ part: 1, filename: 'f.csv', url: url(1), rows: 5, bytes: 300 }], urlsExpireAt: 0 }));
    await click(button('Check again'));
    expect(payloadsOf('getAuditExport')).toHaveLength(asked + 1);
    expect(byType('Link').map((l) => l.props.href)).toEqual([url(1)]);
  });

  it('a new filter clears the export shown', async () => {
    fakeHost.resolvers.startAuditExport = () => ok(view({ status: 'ready', rows: 1, downloads: [{ part: 1, filename: 'f.csv', url: url(1), rows: 1, bytes: 100 }], urlsExpireAt: 0 }));
    await render(<AuditTab pollMs={0} />);
    await click(button('Export CSV'));
    expect(byType('Link')).toHaveLength(1);
    await type(field('Space key'), 'ops');
    await submit(byType('Form')[0]!);
    expect(byType('Link')).toHaveLength(0);
    expect(hasText('Export ready')).toBe(false);
  });
});

describe('recent exports', () => {
  const recentTable = () => {
    const table = byType('DynamicTable').find((t) => t.props.caption === 'Your exports of the last 24 hours');
    if (!table) throw new Error('no Recent exports table');
    return table;
  };
  const ready = (id: string, createdAt: number, parts: number): AuditExportView =>
    view({
      exportId: id,
      status: 'ready',
      rows: 900,
      createdAt,
      downloads: Array.from({ length: parts }, (_, i) => ({ part: i + 1, filename: `${id}-${i + 1}.csv`, url: `${url(i + 1)}&id=${id}`, rows: 300, bytes: 2 * MB })),
      urlsExpireAt: Date.UTC(2026, 11, 3, 6, 45),
    });

  it('lists the caller’s exports of the last 24 hours with their status, entries and fresh download links', async () => {
    let calls = 0;
    fakeHost.resolvers.listAuditExports = () => {
      calls += 1;
      return ok({
        exports: [
          ready('A'.repeat(22), Date.UTC(2026, 11, 3, 6, 30), 1),
          view({ exportId: 'B'.repeat(22), status: 'failed', rows: 10, message: 'The export stopped before it finished. Start it again.', createdAt: Date.UTC(2026, 11, 3, 5, 0) }),
          ready('C'.repeat(22), Date.UTC(2026, 11, 2, 9, 0), 2),
        ],
      });
    };
    await render(<AuditTab pollMs={0} />);
    expect(payloadsOf('listAuditExports')).toEqual([{}]);
    expect(hasText('Recent exports')).toBe(true);
    const table = recentTable();
    expect(textOf(table)).toMatch(/2026-12-03 06:30 UTC.*Ready.*900/);
    expect(textOf(table)).toContain('Failed');
    expect(textOf(table)).toContain('The export stopped before it finished. Start it again.');
    expect(byType('Link', table).map((l) => [l.props.href, l.props.openNewTab, textOf(l)])).toEqual([
      [`${url(1)}&id=${'A'.repeat(22)}`, true, `${'A'.repeat(22)}-1.csv (2.0 MB)`],
      [`${url(1)}&id=${'C'.repeat(22)}`, true, 'Part 1 of 2 (2.0 MB)'],
      [`${url(2)}&id=${'C'.repeat(22)}`, true, 'Part 2 of 2 (2.0 MB)'],
    ]);
    expect(hasText('Download links work until 2026-12-03 06:45 UTC; Refresh for new ones.')).toBe(true);
    // Nothing was being prepared: nothing is followed.
    expect(payloadsOf('getAuditExport')).toEqual([]);
    await click(button('Refresh'));
    expect(calls).toBe(2);
  });

  it('after the tab was closed, follows the newest export still being prepared until it is ready', async () => {
    const id = 'P'.repeat(22);
    let current = view({ exportId: id, status: 'running', rows: 4_000, reachedAt: Date.UTC(2026, 10, 30, 8, 0) });
    fakeHost.resolvers.listAuditExports = () => ok({ exports: [current, ready('A'.repeat(22), Date.UTC(2026, 11, 2, 9, 0), 1)] });
    fakeHost.resolvers.getAuditExport = () => ok(current);
    await render(<AuditTab pollMs={0} />);
    expect(hasText('Preparing export… 4,000 entries so far, back to 2026-11-30 08:00 UTC.')).toBe(true);
    expect(button('Export CSV').props.isDisabled).toBe(true);
    current = ready(id, Date.UTC(2026, 11, 3, 6, 0), 1);
    await settle();
    expect(payloadsOf('getAuditExport').every((p) => (p as { exportId: string }).exportId === id)).toBe(true);
    expect(hasText('Export ready')).toBe(true);
    // The list is read again when the export is ready, so it shows it as such.
    expect(payloadsOf('listAuditExports').length).toBeGreaterThanOrEqual(2);
    const table = recentTable();
    expect(byType('Link', table).map((l) => l.props.href)).toContain(`${url(1)}&id=${id}`);
  });

  it('a started export appears in the list at once; a list that cannot be read says so and keeps the rest of the tab', async () => {
    const started = view({ exportId: 'N'.repeat(22), status: 'ready', rows: 1, downloads: [{ part: 1, filename: 'f.csv', url: url(1), rows: 1, bytes: 100 }], urlsExpireAt: 0 });
    let listed: AuditExportView[] = [];
    fakeHost.resolvers.listAuditExports = () => ok({ exports: listed });
    fakeHost.resolvers.startAuditExport = () => {
      listed = [started];
      return ok(started);
    };
    await render(<AuditTab pollMs={0} />);
    expect(hasText('No exports in the last 24 hours. Exports you start are kept here for 24 hours.')).toBe(true);
    await click(button('Export CSV'));
    expect(hasText('No exports in the last 24 hours')).toBe(false);
    const table = recentTable();
    expect(textOf(table)).toContain('Ready');

    fakeHost.resolvers.listAuditExports = () => fail('upstream_unavailable', 'Could not reach storage. Try again in a moment.');
    await click(button('Refresh'));
    expect(hasText('Could not load your recent exports')).toBe(true);
    expect(hasText('Could not reach storage. Try again in a moment.')).toBe(true);
    expect(button('Export CSV').props.isDisabled).toBe(false);
  });

  it('the action filter offers exports of the audit log in plain words', async () => {
    await render(<AuditTab pollMs={0} />);
    const options = field('Action').props.options as Array<{ label: string; value: string }>;
    expect(options).toContainEqual({ label: 'Audit log exported', value: 'audit_exported' });
    expect(AUDIT_ACTION_LABEL.audit_exported).toBe('Audit log exported');
  });
});
