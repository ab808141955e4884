import { describe, expect, it } from 'vitest';
import type { ChildPage, DescendantsNeed } from '../../src/app/ports';
import { buildSharedTree, MAX_TREE_DESCENDANTS, MAX_TREE_PAGES } from '../../src/app/view/share-tree';
import { readSpaceTreePages } from '../../src/app/view/space-tree';
import { invalidateTrees, loadTreePages } from '../../src/app/view/tree-cache';
import { createLink } from '../../src/app/links';
import { createHarness, EDITOR } from './harness';

const page = (id: string, parentId: string | null, extra: Partial<ChildPage> = {}): ChildPage => ({
  id,
  title: `P${id}`,
  spaceId: '1',
  spaceKey: 'DEMO',
  parentId,
  status: 'current',
  labels: [],
  viewRestricted: false,
  ...extra,
});

const HOME = { id: '1', title: 'Home' };
const rules = { includeChildren: true, shareRestrictedChildren: false, withLabels: [], withoutLabels: [], wholeSpace: true };

describe('the shared tree of a whole-space link', () => {
  // Home 1 (child 11), root 2 (child 21 > 211), root 3 (restricted), root 4 (labelled "draft").
  const space = [
    page('2', null),
    page('3', null, { viewRestricted: true }),
    page('4', null, { labels: ['draft'] }),
    page('11', '1'),
    page('21', '2'),
    page('211', '21'),
    page('31', '3'),
  ];

  it('puts the space’s other root pages beside the home page, with their subtrees', () => {
    const tree = buildSharedTree(HOME, space, rules);
    expect(tree.roots.map((n) => n.id)).toEqual(['1', '2', '4']);
    expect(tree.root.id).toBe('1');
    expect(tree.nodes.get('2')?.parentId).toBeNull();
    expect(tree.nodes.get('211')?.parentId).toBe('21');
    expect([...tree.nodes.keys()].sort()).toEqual(['1', '11', '2', '21', '211', '4']);
  });

  it('applies the label filters and the restricted-page rule to root pages as to child pages', () => {
    const filtered = buildSharedTree(HOME, space, { ...rules, withoutLabels: ['draft'] });
    expect(filtered.roots.map((n) => n.id)).toEqual(['1', '2']);
    // Restricted root 3 needs the link's opt-in AND the creator's read right; its subtree goes with it.
    const optedIn = buildSharedTree(HOME, space, { ...rules, shareRestrictedChildren: true, creatorCanRead: new Map([['3', true]]) });
    expect(optedIn.nodes.has('3')).toBe(true);
    expect(optedIn.nodes.has('31')).toBe(true);
    const notReadable = buildSharedTree(HOME, space, { ...rules, shareRestrictedChildren: true, creatorCanRead: new Map([['3', false]]) });
    expect(notReadable.nodes.has('3')).toBe(false);
    expect(notReadable.nodes.has('31')).toBe(false);
  });

  it('never shares pages without a parent for a page link, and nothing below the root when child pages are off', () => {
    const pageLink = buildSharedTree(HOME, space, { ...rules, wholeSpace: false });
    expect(pageLink.roots.map((n) => n.id)).toEqual(['1']);
    expect([...pageLink.nodes.keys()].sort()).toEqual(['1', '11']);
    const off = buildSharedTree(HOME, space, { ...rules, includeChildren: false });
    expect([...off.nodes.keys()]).toEqual(['1']);
  });

  it('counts root pages against the 2,000-page tree cap', () => {
    const many = Array.from({ length: MAX_TREE_PAGES + 10 }, (_, i) => page(String(100 + i), null));
    const tree = buildSharedTree(HOME, many, rules);
    expect(tree.nodes.size).toBe(MAX_TREE_PAGES);
    expect(tree.capped).toBe(true);
  });
});

describe('reading a space’s tree (readSpaceTreePages)', () => {
  const fakeContent = (roots: ChildPage[], below: Record<string, ChildPage[]>) => {
    const asked: Array<{ rootId: string; maxPages: number | undefined }> = [];
    return {
      asked,
      content: {
        getSpaceRootPages: (_key: string, need?: DescendantsNeed) => Promise.resolve(roots.slice(0, need?.maxPages ?? roots.length)),
        getDescendants: (rootId: string, _known?: { spaceKey?: string }, need?: DescendantsNeed) => {
          asked.push({ rootId, maxPages: need?.maxPages });
          return Promise.resolve((below[rootId] ?? []).slice(0, need?.maxPages ?? Infinity));
        },
      },
    };
  };

  it('returns the other root pages (parent null) and the descendants of every root, the home page left out', async () => {
    const { content } = fakeContent([page('1', null), page('2', null), page('3', null)], {
      '1': [page('11', '1')],
      '2': [page('21', '2')],
      '3': [],
    });
    const pages = await readSpaceTreePages(content, { spaceKey: 'DEMO', homePageId: '1' });
    expect(pages.map((p) => [p.id, p.parentId])).toEqual([
      ['2', null],
      ['3', null],
      ['11', '1'],
      ['21', '2'],
    ]);
  });

  it('stops at the cap across root pages: nothing is read below once it is reached', async () => {
    const homeChildren = Array.from({ length: 8 }, (_, i) => page(`1${i}`, '1'));
    const { content, asked } = fakeContent([page('1', null), page('2', null)], { '1': homeChildren, '2': [page('21', '2')] });
    const pages = await readSpaceTreePages(content, { spaceKey: 'DEMO', homePageId: '1' }, {}, 5);
    expect(pages).toHaveLength(5);
    expect(pages[0]?.id).toBe('2');
    expect(asked.map((a) => a.rootId)).toEqual(['1']);
    expect(MAX_TREE_DESCENDANTS).toBe(MAX_TREE_PAGES - 1);
  });

  it('reads a real space through the REST adapter and the emulator: root pages of that space only', async () => {
    const h = await createHarness('space-tree');
    await h.site.updatePage('1004', { parentId: null });
    const pages = await readSpaceTreePages(h.deps.content, { spaceKey: 'DEMO', homePageId: '1001' }, { labels: [] });
    const byId = new Map(pages.map((p) => [p.id, p]));
    expect(byId.get('1004')?.parentId).toBeNull();
    expect(byId.get('1002')?.parentId).toBe('1001');
    expect(byId.has('1001')).toBe(false);
    expect(pages.every((p) => p.spaceKey === 'DEMO')).toBe(true);
    expect([...byId.keys()].some((id) => id.startsWith('2'))).toBe(false);
    const space = await h.deps.content.getSpace('DEMO');
    expect(space?.homepageId).toBe('1001');
  });

  it('reports a root page’s own view restriction and the labels the link filters on', async () => {
    const h = await createHarness('space-tree-flags');
    await h.site.updatePage('1004', { parentId: null });
    await h.site.updatePage('1006', { parentId: null });
    const roots = (await h.deps.content.getSpaceRootPages('DEMO', { labels: ['internal'] })) ?? [];
    const byId = new Map(roots.map((p) => [p.id, p]));
    expect([...byId.keys()].sort()).toEqual(['1001', '1004', '1006']);
    expect(byId.get('1006')?.viewRestricted).toBe(true);
    expect(byId.get('1004')).toMatchObject({ viewRestricted: false, labels: ['internal'], parentId: null });
    expect(await h.deps.content.getSpaceRootPages('NOPE')).toBeUndefined();
  });
});

describe('the tree cache of a whole-space link', () => {
  it('serves a warm space tree without Confluence reads, keeps root pages at the top, and rebuilds after a page event', async () => {
    const h = await createHarness('space-tree-cache');
    await h.site.updatePage('1004', { parentId: null });
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1001', scope: 'space', settings: {} });
    const stored = (await h.deps.store.links.get(link.id))!;
    const reads: string[] = [];
    const content = h.deps.content;
    const deps = {
      ...h.deps,
      content: {
        ...content,
        getSpaceRootPages: (...args: Parameters<typeof content.getSpaceRootPages>) => {
          reads.push('roots');
          return content.getSpaceRootPages(...args);
        },
        getDescendants: (...args: Parameters<typeof content.getDescendants>) => {
          reads.push(`descendants:${args[0]}`);
          return content.getDescendants(...args);
        },
      },
    };
    const cold = await loadTreePages(deps, stored, h.clock.now());
    expect(reads).toEqual(expect.arrayContaining(['roots', 'descendants:1001', 'descendants:1004']));
    expect(cold.find((p) => p.id === '1004')?.parentId).toBeNull();

    reads.length = 0;
    // The visitor asks for the second root page; Confluence reports it still has no parent: no rebuild.
    const warm = await loadTreePages(deps, stored, h.clock.now(), { pageId: '1004', parentId: Promise.resolve(null) });
    expect(reads).toEqual([]);
    expect(warm.find((p) => p.id === '1004')?.parentId).toBeNull();
    expect(buildSharedTree({ id: '1001', title: 'Home' }, warm, { ...rules, withLabels: [], withoutLabels: [] }).roots.map((n) => n.id)).toEqual(['1001', '1004']);

    await invalidateTrees(h.deps, 'DEMO');
    await loadTreePages(deps, stored, h.clock.now());
    expect(reads).toContain('roots');
  });
});
