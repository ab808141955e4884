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
