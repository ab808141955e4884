/**
 * Forge review rubric CST-01: a screen's first view comes from one resolver call. The share dialog's links
 * carry their view counts (getPageSharing), and space settings gets its configuration, first page of links
 * and their counts from getSpaceConfig. Later pages and lists without counts still ask for them.
 */
import React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ShareDialogApp } from '../../src/frontend/components/share-dialog-app';
import { SpaceSettingsApp } from '../../src/frontend/components/space-settings-app';
import { fakeHost } from './fake-host';
import { linkView, ok, pageContext, pageSharing, spaceConfigResult, spaceContext } from './fixtures';
import { button, click, hasText, render } from './forge-doc';

const calls = () => fakeHost.invokes.map((c) => c.functionKey);
const stats = (linkId: string, views: number) => ({ linkId, views, lastOpenedAt: views > 0 ? Date.now() - 5 * 60_000 : null });

beforeEach(() => {
  fakeHost.reset();
});

describe('screens that open with one resolver call', () => {
  it('share dialog: getPageSharing only; the counts come with the links', async () => {
    fakeHost.context = pageContext('1001');
    fakeHost.resolvers.getPageSharing = () =>
      ok(pageSharing({ links: [linkView({ id: 'a', name: 'Partner review', stats: stats('a', 4) }), linkView({ id: 'b', name: 'Board pack', stats: stats('b', 0) })] }));
    await render(<ShareDialogApp />);
    expect(calls()).toEqual(['getPageSharing']);
    expect(hasText('4 views · last opened 5 minutes ago')).toBe(true);
    expect(hasText('Not opened yet')).toBe(true);
  });

  it('space settings: getSpaceConfig only; the next page of links is one listSpaceLinks call with its counts', async () => {
    fakeHost.context = spaceContext('DEMO');
    fakeHost.resolvers.getSpaceConfig = () =>
      ok({ ...spaceConfigResult(), links: { items: [linkView({ id: 'a', name: 'First', stats: stats('a', 12) }), linkView({ id: 'b', name: 'Second', stats: stats('b', 0) })], nextCursor: 'p2' } });
    fakeHost.resolvers.listSpaceLinks = () => ok({ items: [linkView({ id: 'c', name: 'Third', stats: stats('c', 2) })] });
    await render(<SpaceSettingsApp />);
    expect(calls()).toEqual(['getSpaceConfig']);
    expect(hasText('First')).toBe(true);
    expect(hasText('12 views · last opened 5 minutes ago')).toBe(true);
    await click(button('Next'));
    expect(calls()).toEqual(['getSpaceConfig', 'listSpaceLinks']);
    expect(hasText('Third')).toBe(true);
    expect(hasText('2 views · last opened 5 minutes ago')).toBe(true);
  });
});
