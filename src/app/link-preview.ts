import type { ChildPage } from './ports';
import type { LinkPreviewResult } from '../shared/contract';
import { authorizeLinkAction, authorizePageEdit, type Caller } from './authorize';
import type { AppDeps } from './deps';
import { loadSpacePolicy } from './link-views';
import { loadLink } from './links';
import { linkScopeOf, type LinkScope } from '../core/model';
import { assertSpaceHome } from './space-share';
import { buildSharedTree, MAX_TREE_DESCENDANTS, passesLabelFilters, type SharedTreeNode } from './view/share-tree';
import { readSpaceTreePages } from './view/space-tree';

/** Pages listed by name in a preview; the rest are counted. */
export const PREVIEW_LISTED_PAGES = 200;

export interface LinkPreviewInput {
  pageId: string;
  /** Set when editing: the link's creator is whose read rights the view checks. */
  linkId?: string | undefined;
  /** 'space': the whole space from its home page (pageId); a link being edited keeps its own scope. */
  scope?: LinkScope | undefined;
  includeChildren: boolean;
  shareRestrictedChildren: boolean;
  withLabels: readonly string[];
  withoutLabels: readonly string[];
}

type HiddenReason = keyof LinkPreviewResult['hidden'];

/**
 * Why each page outside the shared tree is hidden, in the order the view applies its rules; a hidden
 * page hides its subtree, counted under the same reason (those pages are never reached).
 */
const hiddenReasons = (
  rootId: string,
  descendants: readonly ChildPage[],
  rules: { shareRestrictedChildren: boolean; withLabels: readonly string[]; withoutLabels: readonly string[] },
  readable: ReadonlyMap<string, boolean>,
  shown: ReadonlySet<string>,
): Record<HiddenReason, number> => {
  const counts: Record<HiddenReason, number> = { labelFilter: 0, restricted: 0, notReadable: 0, overCap: 0 };
  const byParent = new Map<string, ChildPage[]>();
  for (const page of descendants) {
    // A space's other root pages (whole-space links) stand one level with the root: counted like its children.
    const parentId = page.parentId ?? rootId;
    byParent.set(parentId, [...(byParent.get(parentId) ?? []), page]);
  }
  const visit = (parentId: string, inherited: HiddenReason | null): void => {
    for (const page of byParent.get(parentId) ?? []) {
      if (page.status !== 'current') continue;
      let reason = inherited;
      if (reason === null && !shown.has(page.id)) {
        if (page.viewRestricted && !rules.shareRestrictedChildren) reason = 'restricted';
        else if (page.viewRestricted && readable.get(page.id) !== true) reason = 'notReadable';
        else if (!passesLabelFilters(page.labels, rules)) reason = 'labelFilter';
        else reason = 'overCap';
      }
      if (reason !== null) counts[reason] += 1;
      visit(page.id, reason);
    }
  };
  visit(rootId, null);
  return counts;
};

const flatten = (roots: readonly SharedTreeNode[]): Array<{ id: string; title: string; depth: number }> => {
  const out: Array<{ id: string; title: string; depth: number }> = [];
  const walk = (node: SharedTreeNode, depth: number): void => {
    out.push({ id: node.id, title: node.title, depth });
    for (const child of node.children) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  return out;
};

/** What the preview says instead of the title of a page the caller may not read. */
export const UNREADABLE_TITLE = 'A restricted page you cannot read';

/**
 * The preview shows the caller page titles: pages the link's creator may share but the caller (another
 * editor or an admin) cannot read keep their place in the list without their title. Restricted pages and
 * everything below them are checked against the caller, in bulk.
 */
const withoutTitlesHiddenFrom = async (
  deps: AppDeps,
  caller: string,
  creator: string,
  pages: Array<{ id: string; title: string; depth: number }>,
  descendants: readonly ChildPage[],
  restricted: ReadonlySet<string>,
): Promise<Array<{ id: string; title: string; depth: number }>> => {
  if (caller === creator || restricted.size === 0) return pages;
  const parentOf = new Map(descendants.map((page) => [page.id, page.parentId]));
  const underRestriction = (id: string): boolean => {
    for (let at: string | null | undefined = id, hops = 0; at && hops <= descendants.length; at = parentOf.get(at), hops += 1) {
      if (restricted.has(at)) return true;
    }
    return false;
  };
  const toCheck = pages.filter((page) => underRestriction(page.id)).map((page) => page.id);
  if (toCheck.length === 0) return pages;
  const readable = await deps.content.canRead(caller, toCheck).catch(() => new Map<string, boolean>());
  return pages.map((page) => (toCheck.includes(page.id) && readable.get(page.id) !== true ? { ...page, title: UNREADABLE_TITLE } : page));
};

/**
 * "What will be shared": the pages a link with these settings would show now, and how many are hidden
 * and why (label filter, view-restricted, restricted and not readable by the link's creator, over the
 * tree cap). Same tree rules as the view (buildSharedTree), capped by the effective policy. Page editors only.
 */
export const previewLinkTree = async (deps: AppDeps, caller: Caller, input: LinkPreviewInput): Promise<LinkPreviewResult> => {
  let creator = caller.accountId;
  let pageId = input.pageId;
  let wholeSpace = input.scope === 'space';
  if (input.linkId !== undefined) {
    const link = await loadLink(deps, input.linkId);
    await authorizeLinkAction(deps, caller, link, 'edit');
    creator = link.createdBy;
    pageId = link.pageId;
    wholeSpace = linkScopeOf(link) === 'space';
  }
  const page = await authorizePageEdit(deps, caller, pageId);
  const [{ policy }] = await Promise.all([loadSpacePolicy(deps, page.spaceKey), wholeSpace ? assertSpaceHome(deps, page) : Promise.resolve(undefined)]);
  // A whole space is a page tree: child pages are implied.
  const askedChildren = input.includeChildren || wholeSpace;
  const includeChildren = askedChildren && policy.caps.childPages.value;
  const shareRestrictedChildren = includeChildren && input.shareRestrictedChildren && policy.caps.restrictedChildPages.value;
  const rules = { includeChildren, shareRestrictedChildren, withLabels: input.withLabels, withoutLabels: input.withoutLabels, wholeSpace };

  const labels = [...new Set([...input.withLabels, ...input.withoutLabels].map((l) => l.trim().toLowerCase()).filter((l) => l !== ''))];
  const descendants = !includeChildren
    ? []
    : wholeSpace
      ? await readSpaceTreePages(deps.content, { spaceKey: page.spaceKey, homePageId: page.id }, { labels })
      : await deps.content.getDescendants(page.id, { spaceKey: page.spaceKey }, { labels, maxPages: MAX_TREE_DESCENDANTS });
  const restrictedIds = shareRestrictedChildren ? descendants.filter((p) => p.viewRestricted && p.status === 'current').map((p) => p.id) : [];
  const readable = restrictedIds.length > 0 ? await deps.content.canRead(creator, restrictedIds) : new Map<string, boolean>();
  const tree = buildSharedTree({ id: page.id, title: page.title }, descendants, { ...rules, creatorCanRead: readable });
  const pages = await withoutTitlesHiddenFrom(deps, caller.accountId, creator, flatten(tree.roots), descendants, new Set(restrictedIds));
  const hidden = includeChildren
    ? hiddenReasons(page.id, descendants, rules, readable, new Set(tree.nodes.keys()))
    : { labelFilter: 0, restricted: 0, notReadable: 0, overCap: 0 };
  return {
    pages: pages.slice(0, PREVIEW_LISTED_PAGES),
    shownCount: pages.length,
    hidden,
    // The tree stopped at the cap: pages beyond it were never read, so they cannot be counted.
    capped: tree.capped,
    childPagesOff: !includeChildren,
    childPagesNotAllowed: askedChildren && !policy.caps.childPages.value,
  };
};
