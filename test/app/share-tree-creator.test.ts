import { describe, expect, it } from 'vitest';
import type { ChildPage } from '../../src/app/ports';
import { buildSharedTree, restrictedPagesIn } from '../../src/app/view/share-tree';

const child = (id: string, parentId: string, viewRestricted = false): ChildPage => ({
  id,
  title: `P${id}`,
  spaceId: '1',
  spaceKey: 'DEMO',
  parentId,
  status: 'current',
  labels: [],
  viewRestricted,
});

const pages = [child('2', '1'), child('3', '1', true), child('4', '3'), child('5', '4', true), child('6', '1', true)];
const rules = { includeChildren: true, shareRestrictedChildren: true, withLabels: [], withoutLabels: [] };

describe('the shared tree and the creator read right', () => {
  it('lists the restricted pages a tree holds (the ones to check)', () => {
    const tree = buildSharedTree({ id: '1', title: 'Root' }, pages, rules);
    expect(restrictedPagesIn(tree, pages).sort()).toEqual(['3', '5', '6']);
    const unshared = buildSharedTree({ id: '1', title: 'Root' }, pages, { ...rules, shareRestrictedChildren: false });
    expect(restrictedPagesIn(unshared, pages)).toEqual([]);
  });

  it('keeps a restricted page only on a definite yes; a no or an unknown answer removes its subtree', () => {
    const canRead = new Map<string, boolean | undefined>([
      ['3', true],
      ['5', false],
      ['6', undefined],
    ]);
    const tree = buildSharedTree({ id: '1', title: 'Root' }, pages, { ...rules, creatorCanRead: canRead });
    expect([...tree.nodes.keys()].sort()).toEqual(['1', '2', '3', '4']);
    const none = buildSharedTree({ id: '1', title: 'Root' }, pages, { ...rules, creatorCanRead: new Map() });
    expect([...none.nodes.keys()].sort()).toEqual(['1', '2']);
  });
});
