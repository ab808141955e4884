import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import { setSpaceConfig } from '../../src/app/configs';
import { createLink, getPageSharing, updateLink } from '../../src/app/links';
import { listSpaceLinks } from '../../src/app/link-lists';
import { previewLinkTree } from '../../src/app/link-preview';
import { emailLink } from '../../src/app/link-email';
import { defaultSpaceConfig } from '../../src/core/defaults';
import { createResolverRegistry, invokeResolver } from '../../src/app/resolvers';
import { allLinks, createHarness, EDITOR, SPACE_ADMIN, type Harness } from './harness';

const failure = async (promise: Promise<unknown>): Promise<DomainError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
};

const spaceInput = (overrides: Record<string, unknown> = {}) => {
  const { version: _v, updatedAt: _u, updatedBy: _b, spaceKey: _k, ...rest } = defaultSpaceConfig('DEMO', 0);
  return { ...rest, ...overrides } as Parameters<typeof setSpaceConfig>[2]['config'];
};

let h: Harness;
beforeEach(async () => {
  h = await createHarness('space-links');
  // A second root page in the space, beside the home page (1001).
  await h.site.updatePage('1004', { parentId: null });
});

describe('whole-space links: create', () => {
  it('shares the whole space from its home page: child pages implied, a space name by default, audited', async () => {
    const { link, url } = await createLink(h.deps, EDITOR, { pageId: '1001', scope: 'space', settings: { includeChildren: false } });
    expect(url).toMatch(/\/s\//);
    expect(link.scope).toBe('space');
    expect(link.pageId).toBe('1001');
    expect(link.includeChildren).toBe(true);
    expect(link.name).toBe('Whole space: Product Handbook');
    const [stored] = await allLinks(h.deps);
    expect(stored?.scope).toBe('space');
    const audit = await h.deps.store.audit.list({ action: 'link_created' }, { limit: 10 });
    expect(audit.items[0]?.detail).toContain('whole space');
  });

  it('page links keep no scope in the store and show as page links', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    expect(link.scope).toBe('page');
    expect((await allLinks(h.deps))[0]?.scope).toBeUndefined();
  });

  it('refuses a space link from a page that is not the space’s home page, naming why', async () => {
    const error = await failure(createLink(h.deps, EDITOR, { pageId: '1002', scope: 'space', settings: {} }));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/home page/);
    expect(error.details[0]?.rule).toBe('scope.notSpaceHome');
    expect(await allLinks(h.deps)).toHaveLength(0);
  });

  it('refuses a space link when the space policy does not allow child pages, naming the rule', async () => {
    await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: spaceInput({ applyOnSpaceLinks: true, childPages: false }) });
    const error = await failure(createLink(h.deps, EDITOR, { pageId: '1001', scope: 'space', settings: {} }));
    expect(error.code).toBe('policy_violation');
    expect(error.message).toBe('A whole space cannot be shared: child pages may not be shared under the space policy.');
    expect(error.details[0]?.rule).toBe('childPages.cap');
    // A page link of the same page is still fine.
    await expect(createLink(h.deps, EDITOR, { pageId: '1001', settings: {} })).resolves.toBeDefined();
  });

  it('the resolver takes the scope; the page dialog of the home page offers the whole space', async () => {
    const registry = createResolverRegistry();
    const created = await invokeResolver(
      registry,
      'createLink',
      { payload: { pageId: '1001', scope: 'space', settings: {} }, context: { accountId: EDITOR.accountId } },
      h.deps,
    );
    expect(created.ok && (created.data as { link: { scope: string } }).link.scope).toBe('space');
    const bad = await invokeResolver(registry, 'createLink', { payload: { pageId: '1001', scope: 'site' }, context: { accountId: EDITOR.accountId } }, h.deps);
    expect(bad.ok).toBe(false);
    expect((await getPageSharing(h.deps, EDITOR, '1001')).page.spaceHome).toEqual({ name: 'Product Handbook' });
    expect((await getPageSharing(h.deps, EDITOR, '1002')).page.spaceHome).toBeUndefined();
  });
});

describe('whole-space links: update and policy', () => {
  it('keeps child pages on whatever the edit asks; other settings change as usual', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1001', scope: 'space', settings: {} });
    const next = await updateLink(h.deps, EDITOR, {
      linkId: link.id,
      version: link.version,
      settings: { includeChildren: false, withoutLabels: ['internal'] },
      password: { action: 'keep' },
    });
    expect(next.scope).toBe('space');
    expect(next.includeChildren).toBe(true);
    expect(next.withoutLabels).toEqual(['internal']);
  });

  it('a tightened policy makes an existing space link non-compliant in the lists and refuses edits', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1001', scope: 'space', settings: {} });
    await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: spaceInput({ applyOnSpaceLinks: true, childPages: false }) });
    const listed = await listSpaceLinks(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO' });
    expect(listed.items[0]?.scope).toBe('space');
    expect(listed.items[0]?.effectiveStatus).toBe('non_compliant');
    const error = await failure(updateLink(h.deps, EDITOR, { linkId: link.id, version: link.version, settings: { name: 'x' }, password: { action: 'keep' } }));
    expect(error.code).toBe('policy_violation');
    expect(error.message).toMatch(/A whole space cannot be shared/);
  });
});

describe('whole-space links: lists', () => {
  it('a search for "whole space" finds the space links whatever their name', async () => {
    await createLink(h.deps, EDITOR, { pageId: '1001', scope: 'space', settings: { name: 'Partners' } });
    await createLink(h.deps, EDITOR, { pageId: '1001', settings: { name: 'Home only' } });
    const found = await listSpaceLinks(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', search: 'Whole space' });
    expect(found.items.map((l) => l.name)).toEqual(['Partners']);
  });
});

describe('whole-space links: what will be shared', () => {
  it('previews the space’s root pages at the top level with their subtrees, hidden pages counted', async () => {
    const preview = await previewLinkTree(h.deps, EDITOR, {
      pageId: '1001',
      scope: 'space',
      includeChildren: false,
      shareRestrictedChildren: false,
      withLabels: [],
      withoutLabels: [],
    });
    const top = preview.pages.filter((p) => p.depth === 0).map((p) => p.id);
    expect(top).toEqual(['1001', '1004']);
    expect(preview.pages.map((p) => p.id)).toContain('1005');
    expect(preview.childPagesOff).toBe(false);
    expect(preview.hidden.restricted).toBeGreaterThan(0);
    expect(preview.pages.some((p) => p.id.startsWith('2'))).toBe(false);
  });

  it('previews a stored space link by its own scope, and says so when the policy does not allow it', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1001', scope: 'space', settings: { withoutLabels: ['internal'] } });
    const preview = await previewLinkTree(h.deps, EDITOR, {
      pageId: '1001',
      linkId: link.id,
      includeChildren: false,
      shareRestrictedChildren: false,
      withLabels: [],
      withoutLabels: ['internal'],
    });
    expect(preview.pages.map((p) => p.id)).not.toContain('1004');
    expect(preview.hidden.labelFilter).toBe(1);
    await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: spaceInput({ applyOnSpaceLinks: true, childPages: false }) });
    const refused = await previewLinkTree(h.deps, EDITOR, { pageId: '1001', scope: 'space', includeChildren: false, shareRestrictedChildren: false, withLabels: [], withoutLabels: [] });
    expect(refused.childPagesNotAllowed).toBe(true);
    expect(refused.shownCount).toBe(1);
  });

  it('refuses a space preview from a page that is not the home page', async () => {
    const error = await failure(
      previewLinkTree(h.deps, EDITOR, { pageId: '1002', scope: 'space', includeChildren: true, shareRestrictedChildren: false, withLabels: [], withoutLabels: [] }),
    );
    expect(error.code).toBe('invalid_input');
  });
});

describe('whole-space links: email', () => {
  it('announces the space, not the home page', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1001', scope: 'space', settings: {} });
    await emailLink(h.deps, EDITOR, { linkId: link.id, recipients: ['partner@example.com'] });
    const mail = h.sent.at(-1)!;
    expect(mail.text).toContain('shared the Confluence space "Product Handbook" with you');
    expect(mail.html).toContain('Open the space');
    const page = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    await emailLink(h.deps, EDITOR, { linkId: page.link.id, recipients: ['partner@example.com'] });
    expect(h.sent.at(-1)!.text).toContain('shared the page "Getting started" with you');
  });
});
