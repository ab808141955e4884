import type { ChildPage } from '../ports';

/**
 * The set of pages a link serves: the root page plus, when child pages are allowed, every descendant
 * that is current, passes the label filters and is not view-restricted (unless restricted children
 * may be shared). Exclusion is transitive: a page that fails hides its whole subtree, so a hidden
 * parent never exposes its children, and view restrictions inherit down as in Confluence (T10).
 *
 * A share never exceeds its creator: with `creatorCanRead`, a view-restricted page is kept only when
 * the link's creator can read it. Its unrestricted descendants need no check of their own, because
 * Confluence's view permission is the space permission plus every restriction on the page and its
 * ancestors: readable root + readable restricted ancestors + no restriction of its own = readable.
 */
export interface TreeRules {
  includeChildren: boolean;
  shareRestrictedChildren: boolean;
  withLabels: readonly string[];
  withoutLabels: readonly string[];
  /** Restricted page id → the creator's read right; a restricted page missing from it is left out. */
  creatorCanRead?: ReadonlyMap<string, boolean | undefined>;
  /** A whole-space link: pages without a parent (the space's other root pages) are shared beside the root. Else they never are. */
  wholeSpace?: boolean;
}

export interface SharedTreeNode {
  id: string;
  title: string;
  parentId: string | null;
  children: SharedTreeNode[];
}

export interface SharedTree {
  rootId: string;
  /** Every shared page id → node (root included). */
  nodes: Map<string, SharedTreeNode>;
  root: SharedTreeNode;
  /**
   * The top-level entries of the share's navigation: the root first, then (whole-space links) the
   * space's other root pages that are shared. A page link has only its root here.
   */
  roots: SharedTreeNode[];
  /** Pages were left out because the tree reached MAX_TREE_PAGES ("over the tree cap"). */
  capped: boolean;
}

/**
 * Hard cap on the pages of one shared tree (T27/X2, issue 10): applied before any Confluence lookup
 * about them (getDescendants' maxPages) and again here; pages beyond it are hidden.
 */
export const MAX_TREE_PAGES = 2000;
/** Descendants read at most: the tree cap less the root. */
export const MAX_TREE_DESCENDANTS = MAX_TREE_PAGES - 1;

const normalizeLabel = (label: string): string => label.trim().toLowerCase();

export const passesLabelFilters = (labels: readonly string[], rules: Pick<TreeRules, 'withLabels' | 'withoutLabels'>): boolean => {
  const own = new Set(labels.map(normalizeLabel));
  const required = rules.withLabels.map(normalizeLabel).filter((l) => l !== '');
  const forbidden = rules.withoutLabels.map(normalizeLabel).filter((l) => l !== '');
  if (required.length > 0 && !required.some((label) => own.has(label))) return false;
  return !forbidden.some((label) => own.has(label));
};

/**
 * The shared tree of a link. `descendants` are the pages below the root; for a whole-space link they also
 * hold the space's other root pages (parentId null) and their descendants: those root pages become
 * top-level entries beside the root (the space's home page) and obey the same rules as child pages
 * (current, label filters, restricted-page rule, the creator's read right, the cap).
 */
export const buildSharedTree = (
  root: { id: string; title: string },
  descendants: readonly ChildPage[],
  rules: TreeRules,
): SharedTree => {
  const rootNode: SharedTreeNode = { id: root.id, title: root.title, parentId: null, children: [] };
  const nodes = new Map<string, SharedTreeNode>([[root.id, rootNode]]);
  const roots: SharedTreeNode[] = [rootNode];
  if (!rules.includeChildren) return { rootId: root.id, nodes, root: rootNode, roots, capped: false };

  const byParent = new Map<string | null, ChildPage[]>();
  for (const page of descendants) {
    const siblings = byParent.get(page.parentId) ?? [];
    siblings.push(page);
    byParent.set(page.parentId, siblings);
  }
  let capped = descendants.length >= MAX_TREE_DESCENDANTS;
  /** The page's node when it may be shared under `parent` (null: at the top level), else undefined. */
  const admit = (page: ChildPage, parent: SharedTreeNode | null): SharedTreeNode | undefined => {
    if (page.status !== 'current') return undefined;
    if (page.viewRestricted && !rules.shareRestrictedChildren) return undefined;
    if (page.viewRestricted && rules.creatorCanRead && rules.creatorCanRead.get(page.id) !== true) return undefined;
    if (!passesLabelFilters(page.labels, rules)) return undefined;
    const node: SharedTreeNode = { id: page.id, title: page.title, parentId: parent?.id ?? null, children: [] };
    (parent ? parent.children : roots).push(node);
    nodes.set(page.id, node);
    return node;
  };
  // Breadth-first from the root (and the space's other root pages, one level with it), so only pages
  // reachable through included parents are ever considered.
  const queue: SharedTreeNode[] = [rootNode];
  for (const page of rules.wholeSpace === true ? (byParent.get(null) ?? []) : []) {
    if (nodes.has(page.id)) continue;
    if (nodes.size >= MAX_TREE_PAGES) {
      capped = true;
      break;
    }
    const node = admit(page, null);
    if (node) queue.push(node);
  }
  for (let head = 0; head < queue.length; head += 1) {
    const parent = queue[head] as SharedTreeNode;
    for (const page of byParent.get(parent.id) ?? []) {
      if (nodes.has(page.id)) continue;
      if (nodes.size >= MAX_TREE_PAGES) {
        capped = true;
        break;
      }
      const node = admit(page, parent);
      if (node) queue.push(node);
    }
  }
  return { rootId: root.id, nodes, root: rootNode, roots, capped };
};

/** The view-restricted pages a tree holds: the ones whose creator read right must be checked. */
export const restrictedPagesIn = (tree: SharedTree, descendants: readonly ChildPage[]): string[] =>
  descendants.filter((page) => page.viewRestricted && tree.nodes.has(page.id)).map((page) => page.id);

/** Root → … → page, for breadcrumbs. */
export const pathTo = (tree: SharedTree, pageId: string): SharedTreeNode[] => {
  const path: SharedTreeNode[] = [];
  let current = tree.nodes.get(pageId);
  while (current) {
    path.unshift(current);
    current = current.parentId === null ? undefined : tree.nodes.get(current.parentId);
  }
  return path;
};
