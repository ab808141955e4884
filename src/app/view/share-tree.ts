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

export const buildSharedTree = (
  root: { id: string; title: string },
  descendants: readonly ChildPage[],
  rules: TreeRules,
): SharedTree => {
  const rootNode: SharedTreeNode = { id: root.id, title: root.title, parentId: null, children: [] };
  const nodes = new Map<string, SharedTreeNode>([[root.id, rootNode]]);
  if (!rules.includeChildren) return { rootId: root.id, nodes, root: rootNode, capped: false };

  const byParent = new Map<string, ChildPage[]>();
  for (const page of descendants) {
    if (page.parentId === null) continue;
    const siblings = byParent.get(page.parentId) ?? [];
    siblings.push(page);
    byParent.set(page.parentId, siblings);
  }
  // Breadth-first from the root, so only pages reachable through included parents are ever considered.
  const queue: SharedTreeNode[] = [rootNode];
  let capped = descendants.length >= MAX_TREE_DESCENDANTS;
  for (let head = 0; head < queue.length; head += 1) {
    const parent = queue[head] as SharedTreeNode;
    for (const page of byParent.get(parent.id) ?? []) {
      if (nodes.has(page.id)) continue;
      if (nodes.size >= MAX_TREE_PAGES) {
        capped = true;
        break;
      }
      if (page.status !== 'current') continue;
      if (page.viewRestricted && !rules.shareRestrictedChildren) continue;
      if (page.viewRestricted && rules.creatorCanRead && rules.creatorCanRead.get(page.id) !== true) continue;
      if (!passesLabelFilters(page.labels, rules)) continue;
      const node: SharedTreeNode = { id: page.id, title: page.title, parentId: parent.id, children: [] };
      parent.children.push(node);
      nodes.set(page.id, node);
      queue.push(node);
    }
  }
  return { rootId: root.id, nodes, root: rootNode, capped };
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
