import React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/core/model';
import { GlobalSettingsApp } from '../../src/frontend/components/global-settings-app';
import { openAdminSection } from './admin-navigation';
import { describeWhen } from '../../src/frontend/components/link-stats';
import { localDateTime } from '../../src/core/audit-sentences';
import { humanDate } from '../../src/frontend/components/labels';
import { ShareDialogApp } from '../../src/frontend/components/share-dialog-app';
import { SpaceSettingsApp } from '../../src/frontend/components/space-settings-app';
import { fakeHost } from './fake-host';
import { fail, globalContext, linkView, ok, pageContext, pageSharing, spaceConfigResult, spaceContext } from './fixtures';
import { button, byType, click, getByText, hasText, queryByText, render, selectTab, textOf } from './forge-doc';

const payloadsOf = (key: string) => fakeHost.invokes.filter((c) => c.functionKey === key).map((c) => c.payload);
const HOUR = 3_600_000;

const entry = (id: string, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  id,
  at: Date.UTC(2026, 10, 20, 9, 30),
  action: 'view_allowed',
  actor: 'visitor',
  linkId: 'a',
  pageId: '1001',
  spaceKey: 'DEMO',
  detail: '',
  count: 1,
  ...overrides,
});

beforeEach(() => {
  fakeHost.reset();
});

describe('describeWhen', () => {
  it('is relative within a week and a date after that', () => {
    const now = Date.UTC(2026, 10, 23, 12);
    expect(describeWhen(now - 10_000, now)).toBe('just now');
    expect(describeWhen(now + 60_000, now)).toBe('just now');
    expect(describeWhen(now - 60_000, now)).toBe('1 minute ago');
    expect(describeWhen(now - 5 * 60_000, now)).toBe('5 minutes ago');
    expect(describeWhen(now - 3 * HOUR, now)).toBe('3 hours ago');
    expect(describeWhen(now - 2 * 24 * HOUR, now)).toBe('2 days ago');
    // A date in the reader's own locale and time zone.
    expect(describeWhen(Date.UTC(2026, 10, 1, 8), now)).toBe(`on ${humanDate(Date.UTC(2026, 10, 1, 8))}`);
    expect(humanDate(Date.UTC(2026, 10, 1, 8))).toMatch(/Nov|11/);
  });
});

describe('share dialog: per-link statistics', () => {
  beforeEach(() => {
    fakeHost.context = pageContext('1001');
    fakeHost.resolvers.getPageSharing = () =>
      ok(pageSharing({ links: [linkView({ id: 'a', name: 'Partner review' }), linkView({ id: 'b', name: 'Board pack' }), linkView({ id: 'c', name: 'Old' })] }));
  });

  it('loads the statistics of every listed link in one call and shows views and last opened', async () => {
    const now = Date.now();
    fakeHost.resolvers.getLinkStats = () =>
      ok({
        stats: [
          { linkId: 'a', views: 3, lastOpenedAt: now - 2 * HOUR - 60_000 },
          { linkId: 'b', views: 0, lastOpenedAt: null },
          { linkId: 'c', views: 1, lastOpenedAt: Date.UTC(2025, 0, 15, 10) },
        ],
      });
    await render(<ShareDialogApp />);
    expect(payloadsOf('getLinkStats')).toEqual([{ linkIds: ['a', 'b', 'c'] }]);
    const cards = byType('ButtonGroup').map((g) => String(g.props.label));
    expect(cards).toEqual(['Actions for Partner review', 'Actions for Board pack', 'Actions for Old']);
    expect(hasText('3 views · last opened 2 hours ago')).toBe(true);
    expect(hasText('Not opened yet')).toBe(true);
    expect(hasText(`1 view · last opened on ${humanDate(Date.UTC(2025, 0, 15, 10))}`)).toBe(true);
  });

  it('shows a quiet dash when the statistics fail, and the list still works', async () => {
    fakeHost.resolvers.getLinkStats = () => fail('upstream_unavailable', 'Storage did not answer.');
    await render(<ShareDialogApp />);
    expect(payloadsOf('getLinkStats')).toHaveLength(1);
    const statLines = byType('Text').map(textOf).filter((t) => t === '—');
    expect(statLines).toHaveLength(3);
    expect(hasText('Storage did not answer.')).toBe(false);
    expect(byType('SectionMessage')).toHaveLength(0);
    expect(hasText('Partner review')).toBe(true);
    expect(button('Create & share secure link')).toBeDefined();
  });
});

describe('share dialog: link activity', () => {
  beforeEach(() => {
    fakeHost.context = pageContext('1001');
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ links: [linkView({ id: 'a', name: 'Partner review' })] }));
    fakeHost.resolvers.getLinkStats = () => ok({ stats: [{ linkId: 'a', views: 0, lastOpenedAt: null }] });
  });

  const openActivity = async () => {
    await click(getByText('Button', '••• More'));
    await click(getByText('Button', 'Activity'));
  };

  it('lists the link audit entries newest first and loads more pages with the cursor', async () => {
    fakeHost.resolvers.getAuditLog = (payload) => {
      const { cursor } = payload as { cursor?: string };
      return cursor === 'c2'
        ? ok({
            items: [entry('e3', { action: 'link_created', actor: 'u-editor', at: Date.UTC(2026, 10, 18, 8), detail: 'password' })],
            names: { users: { 'u-editor': 'Erin Editor' }, pages: { '1001': 'Release notes' } },
          })
        : ok({
            items: [
              entry('e1', { action: 'gate_failed', actor: 'a***@partner.com', at: Date.UTC(2026, 10, 20, 9, 30), detail: 'password', count: 4 }),
              entry('e2', { at: Date.UTC(2026, 10, 19, 14, 5) }),
            ],
            nextCursor: 'c2',
            names: { links: { a: 'Partner review' } },
          });
    };
    await render(<ShareDialogApp />);
    expect(payloadsOf('getAuditLog')).toEqual([]);
    await openActivity();
    expect(payloadsOf('getAuditLog')).toEqual([{ linkId: 'a', limit: 20 }]);
    const modal = byType('Modal')[0]!;
    expect(hasText('Activity of “Partner review”', modal)).toBe(true);
    const text = textOf(modal);
    const [t1 = '', t2 = '', t3 = ''] = [Date.UTC(2026, 10, 20, 9, 30), Date.UTC(2026, 10, 19, 14, 5), Date.UTC(2026, 10, 18, 8)].map((at) => localDateTime(at));
    expect(text).toContain(t1);
    expect(text).toContain('Failed a check ×4');
    // What happened, in words: the link by its name; the page title comes with a later page of entries.
    expect(text).toContain("a***@partner.com failed a check on 'Partner review' on a page: password (4 times).");
    expect(text.indexOf(t1)).toBeLessThan(text.indexOf(t2));
    expect(byType('Tooltip', modal).map((t) => t.props.content)).toContain('2026-11-20 09:30 UTC');

    await click(button('Load more'));
    expect(payloadsOf('getAuditLog')).toEqual([
      { linkId: 'a', limit: 20 },
      { linkId: 'a', limit: 20, cursor: 'c2' },
    ]);
    const after = textOf(byType('Modal')[0]!);
    expect(after).toContain(t2);
    expect(after).toContain('Link created');
    expect(after.indexOf(t2)).toBeLessThan(after.indexOf(t3));
    // Names of every loaded page together: the first page named the link, the second the person and the page.
    expect(after).toContain("Erin Editor created 'Partner review' on Release notes (password).");
    expect(after).not.toContain('u-editor');
    expect(queryByText('Button', 'Load more')).toBeUndefined();
    expect(hasText('3 entries · that is all')).toBe(true);

    await click(button('Close'));
    expect(byType('Modal')).toHaveLength(0);
  });

  it('shows an empty state for a link without activity', async () => {
    fakeHost.resolvers.getAuditLog = () => ok({ items: [] });
    await render(<ShareDialogApp />);
    await openActivity();
    expect(getByText('EmptyState', /No activity yet/)).toBeDefined();
  });

  it('shows the error with a retry, and keeps loaded entries when a later page fails', async () => {
    let calls = 0;
    fakeHost.resolvers.getAuditLog = (payload) => {
      calls += 1;
      if (calls === 1) return fail('upstream_unavailable', 'The audit log is not available right now.');
      if ((payload as { cursor?: string }).cursor) return fail('upstream_unavailable', 'Page two is not available.');
      return ok({ items: [entry('e1')], nextCursor: 'c2' });
    };
    await render(<ShareDialogApp />);
    await openActivity();
    const error = getByText('SectionMessage', /The audit log is not available right now/);
    expect(error.props.appearance).toBe('error');
    await click(button('Try again'));
    expect(hasText('Opened')).toBe(true);
    await click(button('Load more'));
    expect(hasText('Page two is not available.')).toBe(true);
    expect(hasText(localDateTime(Date.UTC(2026, 10, 20, 9, 30)))).toBe(true);
    expect(button('Load more').props.isDisabled).toBe(false);
  });

  it('a refused request says the caller has no access', async () => {
    fakeHost.resolvers.getAuditLog = () => fail('forbidden', 'You can see the audit log of a link only if you created it, can edit its page, or administer its space.');
    await render(<ShareDialogApp />);
    await openActivity();
    expect(getByText('SectionMessage', /You do not have access/)).toBeDefined();
    expect(queryByText('Button', 'Try again')).toBeUndefined();
  });
});

describe('links tables: per-link statistics', () => {
  it('space settings: one call per listed page, again on the next page', async () => {
    fakeHost.context = spaceContext('DEMO');
    fakeHost.resolvers.getSpaceConfig = () => ok(spaceConfigResult());
    fakeHost.resolvers.listSpaceLinks = (payload) =>
      (payload as { cursor?: string }).cursor === 'p2'
        ? ok({ items: [linkView({ id: 'c', name: 'Third' })] })
        : ok({ items: [linkView({ id: 'a', name: 'First' }), linkView({ id: 'b', name: 'Second' })], nextCursor: 'p2' });
    fakeHost.resolvers.getLinkStats = (payload) =>
      ok({
        stats: (payload as { linkIds: string[] }).linkIds.map((linkId) =>
          linkId === 'a' ? { linkId, views: 12, lastOpenedAt: Date.now() - 5 * 60_000 } : { linkId, views: 0, lastOpenedAt: null },
        ),
      });
    await render(<SpaceSettingsApp />);
    expect(payloadsOf('getLinkStats')).toEqual([{ linkIds: ['a', 'b'] }]);
    expect(hasText('12 views · last opened 5 minutes ago')).toBe(true);
    expect(hasText('Not opened yet')).toBe(true);
    await click(button('Next'));
    expect(payloadsOf('getLinkStats')).toEqual([{ linkIds: ['a', 'b'] }, { linkIds: ['c'] }]);
  });

  it('global All links: a failure shows "—" in the Views column and keeps the table', async () => {
    fakeHost.context = globalContext();
    fakeHost.resolvers.listAllLinks = () => ok({ items: [linkView({ id: 'a', name: 'One' }), linkView({ id: 'b', name: 'Two' })] });
    fakeHost.resolvers.getLinkStats = () => fail('forbidden', 'No.');
    await render(<GlobalSettingsApp />);
    await openAdminSection('All links');
    expect(payloadsOf('getLinkStats')).toEqual([{ linkIds: ['a', 'b'] }]);
    const table = byType('DynamicTable')[0]!;
    expect(textOf(table)).toContain('Views');
    expect(textOf(table).match(/—/g)).toHaveLength(2);
    expect(hasText('One')).toBe(true);
    expect(byType('SectionMessage')).toHaveLength(0);
  });
});
