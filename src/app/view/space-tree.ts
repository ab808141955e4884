/**
 * The raw material of a whole-space link's tree (SPEC "A link": a whole space is the space's page tree
 * from its root pages): the space's root pages other than the home page (parentId null) and the
 * descendants of every root page, home page first. MAX_TREE_DESCENDANTS pages at most in all, cut before
 * any lookup about the pages beyond it, as for a page link. buildSharedTree (with `wholeSpace`) decides
 * what is shown from them.
 */
import type { ChildPage, ConfluenceContent, DescendantsNeed } from '../ports';
import { MAX_TREE_DESCENDANTS } from './share-tree';

/** Root pages whose descendants are read at once (each read is a few Confluence requests). */
const PARALLEL_ROOTS = 4;

export const readSpaceTreePages = async (
  content: Pick<ConfluenceContent, 'getSpaceRootPages' | 'getDescendants'>,
  space: { spaceKey: string; homePageId: string },
  need: Pick<DescendantsNeed, 'labels'> = {},
  cap: number = MAX_TREE_DESCENDANTS,
): Promise<ChildPage[]> => {
  const known = { spaceKey: space.spaceKey };
  const labelNeed = need.labels === undefined ? {} : { labels: need.labels };
  const [roots, homeDescendants] = await Promise.all([
    content.getSpaceRootPages(space.spaceKey, { ...labelNeed, maxPages: cap + 1 }),
    content.getDescendants(space.homePageId, known, { ...labelNeed, maxPages: cap }),
  ]);
  const seen = new Set<string>([space.homePageId]);
  const pages: ChildPage[] = [];
  const add = (found: readonly ChildPage[]): void => {
    for (const page of found) {
      if (pages.length >= cap) return;
      if (seen.has(page.id)) continue;
      seen.add(page.id);
      pages.push(page);
    }
  };
  // The other root pages come first: one level with the home page, they must not lose their place to its subtree.
  const others = (roots ?? []).filter((page) => page.id !== space.homePageId);
  add(others);
  add(homeDescendants);
  const shared = others.filter((page) => seen.has(page.id));
  for (let i = 0; i < shared.length && pages.length < cap; i += PARALLEL_ROOTS) {
    const left = cap - pages.length;
    const batch = await Promise.all(
      shared.slice(i, i + PARALLEL_ROOTS).map((root) => content.getDescendants(root.id, known, { ...labelNeed, maxPages: left })),
    );
    for (const found of batch) add(found);
  }
  return pages;
};
