import React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { ShareDialogApp } from '../../src/frontend/components/share-dialog-app';
import { SpaceSettingsApp } from '../../src/frontend/components/space-settings-app';
import { fakeHost } from './fake-host';
import { linkView, ok, openPolicy, pageContext, pageSharing, spaceConfigResult, spaceContext } from './fixtures';
import { button, byType, choose, click, field, getByText, hasText, queryField, render, submit } from './forge-doc';

const payloadsOf = (key: string) => fakeHost.invokes.filter((c) => c.functionKey === key).map((c) => c.payload);

const homeSharing = () =>
  pageSharing({ page: { id: '1001', title: 'Product Handbook', spaceKey: 'DEMO', spaceHome: { name: 'Product Handbook' } }, policy: openPolicy() });

const created = (payload: unknown) => {
  const { settings } = payload as { settings: { name: string } };
  const { createdByName: _none, ...link } = linkView({ id: 'space1', name: settings.name || 'Whole space: Product Handbook', scope: 'space', includeChildren: true });
  return ok({ link, url: 'http://localhost:8787/s/SPACETOKEN' });
};

beforeEach(() => {
  fakeHost.reset();
});

describe('sharing a whole space from the page dialog', () => {
  beforeEach(() => {
    fakeHost.context = pageContext('1001');
  });

  it('offers "Share the whole space" on the space’s home page: child pages implied, scope sent, preview of the space', async () => {
    fakeHost.resolvers.getPageSharing = () => ok(homeSharing());
    fakeHost.resolvers.createLink = created;
    fakeHost.resolvers.previewLink = () =>
      ok({
        pages: [
          { id: '1001', title: 'Product Handbook', depth: 0 },
          { id: '1004', title: 'Internal roadmap', depth: 0 },
        ],
        shownCount: 2,
        hidden: { labelFilter: 0, restricted: 1, notReadable: 0, overCap: 0 },
        capped: false,
        childPagesOff: false,
        childPagesNotAllowed: false,
      });
    await render(<ShareDialogApp />);
    await click(button('Create & share secure link'));
    expect(field('What to share').props.value).toBe('page');
    await choose(field('What to share'), 'space');
    expect(hasText('Share the whole space')).toBe(true);
    // No child-pages switch: a whole space is a page tree.
    expect(queryField('Include child pages')).toBeUndefined();
    expect(field('Exclude child pages with labels')).toBeDefined();
    await click(button('Preview what will be shared'));
    expect(payloadsOf('previewLink')).toEqual([
      { pageId: '1001', scope: 'space', includeChildren: true, shareRestrictedChildren: false, withLabels: [], withoutLabels: [] },
    ]);
    expect(hasText('Internal roadmap')).toBe(true);
    await submit(byType('Form')[0]!);
    const [sent] = payloadsOf('createLink') as Array<{ pageId: string; scope?: string; settings: { includeChildren: boolean } }>;
    expect(sent?.pageId).toBe('1001');
    expect(sent?.scope).toBe('space');
    expect(sent?.settings.includeChildren).toBe(true);
    // The new link is listed with the "Whole space" marker.
    expect(getByText('Lozenge', 'Whole space')).toBeDefined();
  });

  it('edits a whole-space link: marked as such, no child-pages switch, child pages kept on', async () => {
    const link = linkView({ id: 'sp', name: 'Partner space', scope: 'space', includeChildren: true, version: 3 });
    fakeHost.resolvers.getPageSharing = () => ok({ ...homeSharing(), links: [link] });
    fakeHost.resolvers.updateLink = () => ok({ link: { ...link, version: 4 } });
    await render(<ShareDialogApp />);
    expect(getByText('Lozenge', 'Whole space')).toBeDefined();
    await click(button('••• More'));
    await click(button('Edit'));
    expect(hasText('This link shares the whole space.')).toBe(true);
    expect(queryField('What to share')).toBeUndefined();
    expect(queryField('Include child pages')).toBeUndefined();
    await submit(byType('Form')[0]!);
    const [payload] = payloadsOf('updateLink') as Array<{ settings: { includeChildren: boolean } }>;
    expect(payload?.settings.includeChildren).toBe(true);
  });

  it('offers no whole-space option on other pages', async () => {
    fakeHost.context = pageContext('1002');
    fakeHost.resolvers.getPageSharing = () => ok(pageSharing({ page: { id: '1002', title: 'Getting started', spaceKey: 'DEMO' } }));
    await render(<ShareDialogApp />);
    await click(button('Create & share secure link'));
    expect(queryField('What to share')).toBeUndefined();
    expect(field('Include child pages')).toBeDefined();
  });

  it('says when the policy keeps the whole space from being shared', async () => {
    fakeHost.resolvers.getPageSharing = () => ok({ ...homeSharing(), policy: openPolicy({ childPages: false, enforced: { global: false, space: true } }) });
    await render(<ShareDialogApp />);
    await click(button('Create & share secure link'));
    await choose(field('What to share'), 'space');
    expect(hasText(/The whole space cannot be shared: child pages are turned off by/)).toBe(true);
  });
});

describe('sharing a whole space from the space settings', () => {
  beforeEach(() => {
    fakeHost.context = spaceContext('DEMO');
  });

  it('"Share this space" opens the link form on the whole space and creates the link; the list shows it as "Whole space"', async () => {
    const base = spaceConfigResult();
    fakeHost.resolvers.getSpaceConfig = () => ok({ ...base, space: { ...base.space, homepageId: '1001' } });
    let listed = false;
    fakeHost.resolvers.listSpaceLinks = () => ok({ items: listed ? [linkView({ id: 'space1', name: 'Partner space', scope: 'space' })] : [] });
    fakeHost.resolvers.getPageSharing = () => ok(homeSharing());
    fakeHost.resolvers.createLink = (payload) => {
      listed = true;
      return created(payload);
    };
    await render(<SpaceSettingsApp />);
    await click(button('Share this space'));
    expect(payloadsOf('getPageSharing')).toEqual([{ pageId: '1001' }]);
    // The space settings share the space only: no page choice, no child-pages switch.
    expect(queryField('What to share')).toBeUndefined();
    expect(queryField('Include child pages')).toBeUndefined();
    expect(hasText('Share the whole space')).toBe(true);
    expect(field('Name').props.value).toBe('Whole space: Demo space');
    // The page's forms: space settings, then the link form, then the links filter.
    const forms = byType('Form');
    expect(forms).toHaveLength(3);
    await submit(forms[1]!);
    const [sent] = payloadsOf('createLink') as Array<{ pageId: string; scope?: string }>;
    expect(sent).toMatchObject({ pageId: '1001', scope: 'space' });
    expect(field('Share URL').props.value).toBe('http://localhost:8787/s/SPACETOKEN');
    expect(payloadsOf('listSpaceLinks').length).toBeGreaterThan(1);
    expect(getByText('Lozenge', 'Whole space')).toBeDefined();
    expect(hasText('Product Handbook')).toBe(false);
  });

  it('explains a space without a home page', async () => {
    fakeHost.resolvers.getSpaceConfig = () => ok(spaceConfigResult());
    fakeHost.resolvers.listSpaceLinks = () => ok({ items: [] });
    await render(<SpaceSettingsApp />);
    expect(hasText(/no home page/)).toBe(true);
  });
});
