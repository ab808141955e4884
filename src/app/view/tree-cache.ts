/**
 * The pages a link's tree is built from, read from Confluence once and kept in the ephemeral store per
 * link (issue 10): every click inside a shared tree used to repeat the whole tree walk.
 *
 * A cached tree is used only when it was built for the same link version (any edit of the link bumps
 * it), the same label filters and cap, and the same page-event generation of its space: every page
 * event (updated, trashed, restored, deleted, archived, moved, created, permissions_updated) bumps the
 * generation of the page's space (of every space when the event names none), so such a change is seen
 * on the next view once the event arrives; a requested page that moved is caught even before it.
 * What no subscribed event reports (label changes) shows after at most TREE_CACHE_TTL_MS.
 *
 * What is cached is the raw material, not the decision: ids, parents, titles, the direct-restriction
 * flag and the labels the link filters on. The shared tree (restricted children, the creator's read
 * right, the space policy) is still decided on every view from it.
 */
import { linkScopeOf, type ShareLink } from '../../core/model';
import type { AppDeps } from '../deps';
import type { ChildPage, EphemeralRecord } from '../ports';
import { MAX_TREE_DESCENDANTS } from './share-tree';
import { readSpaceTreePages } from './space-tree';

/** Events drop cached trees at once; the TTL bounds what no event reports (a lost event, label changes). */
export const TREE_CACHE_TTL_MS = 10 * 60 * 1000;
/** KVS values hold at most 240 KiB; a tree is cut into records of at most this many UTF-8 bytes. */
export const TREE_CHUNK_BYTES = 180 * 1024;
/** Records of one cached tree at most (MAX_TREE_PAGES pages with 255-character titles fit). */
const MAX_CHUNKS = 8;
const FORMAT = 1;

export const treeCacheKey = (linkId: string, chunk = 0): string => (chunk === 0 ? `tree:${linkId}` : `tree:${linkId}:${chunk}`);
export const treeGenerationKey = (spaceKey: string | undefined): string => `tree-gen:${spaceKey ?? '*'}`;

/** [id, parentId, title, 1 when view-restricted, labels the link filters on] */
type CompactPage = [string, string, string, 0 | 1, string[]];

interface TreeHead {
  format: number;
  linkVersion: number;
  settings: string;
  generation: string;
  spaceId: string;
  chunks: number;
  pages: CompactPage[];
}

/** The labels a link filters on: the only ones its tree needs. */
const filterLabels = (link: Pick<ShareLink, 'withLabels' | 'withoutLabels'>): string[] =>
  [...new Set([...link.withLabels, ...link.withoutLabels].map((l) => l.trim().toLowerCase()).filter((l) => l !== ''))].sort();

const settingsOf = (link: Pick<ShareLink, 'withLabels' | 'withoutLabels'>, cap: number): string => JSON.stringify([filterLabels(link), cap]);

const generationValue = (record: EphemeralRecord | undefined): string =>
  typeof record?.value['generation'] === 'string' ? record.value['generation'] : '0';

const isCompactPage = (value: unknown): value is CompactPage =>
  Array.isArray(value) &&
  value.length === 5 &&
  typeof value[0] === 'string' &&
  typeof value[1] === 'string' &&
  typeof value[2] === 'string' &&
  (value[3] === 0 || value[3] === 1) &&
  Array.isArray(value[4]) &&
  value[4].every((l) => typeof l === 'string');

const asHead = (record: EphemeralRecord | undefined): TreeHead | undefined => {
  const v = record?.value;
  if (!v || v['format'] !== FORMAT || typeof v['linkVersion'] !== 'number' || typeof v['settings'] !== 'string') return undefined;
  if (typeof v['generation'] !== 'string' || typeof v['spaceId'] !== 'string' || typeof v['chunks'] !== 'number') return undefined;
  if (!Array.isArray(v['pages']) || v['chunks'] < 0 || v['chunks'] > MAX_CHUNKS) return undefined;
  return v as unknown as TreeHead;
};

const pagesOf = (value: Record<string, unknown> | undefined): CompactPage[] | undefined => {
  const pages = value?.['pages'];
  return Array.isArray(pages) && pages.every(isCompactPage) ? pages : undefined;
};

const toChildPage = (page: CompactPage, link: Pick<ShareLink, 'spaceKey'>, spaceId: string): ChildPage => ({
  id: page[0],
  // '' is a root page of the space (whole-space links only).
  parentId: page[1] === '' ? null : page[1],
  title: page[2],
  viewRestricted: page[3] === 1,
  labels: page[4],
  spaceId,
  spaceKey: link.spaceKey,
  status: 'current',
});

const toCompact = (page: ChildPage, labels: ReadonlySet<string>): CompactPage => [
  page.id,
  page.parentId ?? '',
  page.title,
  page.viewRestricted ? 1 : 0,
  page.labels.filter((l) => labels.has(l.trim().toLowerCase())),
];

/** Splits pages into records of at most TREE_CHUNK_BYTES each; undefined when they need more than MAX_CHUNKS + 1. */
const chunked = (pages: CompactPage[]): CompactPage[][] | undefined => {
  const out: CompactPage[][] = [[]];
  let size = 0;
  for (const page of pages) {
    const bytes = Buffer.byteLength(JSON.stringify(page), 'utf8') + 1;
    if (size + bytes > TREE_CHUNK_BYTES && (out[out.length - 1] as CompactPage[]).length > 0) {
      out.push([]);
      size = 0;
    }
    (out[out.length - 1] as CompactPage[]).push(page);
    size += bytes;
  }
  return out.length > MAX_CHUNKS + 1 ? undefined : out;
};

type TreeDeps = Pick<AppDeps, 'store' | 'content'>;

/** True when the requested page is in the cached tree under another parent than Confluence reports now. */
const movedWithin = async (cached: readonly ChildPage[], check: TreeCheck): Promise<boolean> => {
  const inTree = cached.find((page) => page.id === check.pageId);
  if (!inTree) return false;
  const parentNow = await check.parentId.catch(() => undefined);
  // Unknown (the read failed or the page is gone): the view decides on the page itself.
  if (parentNow === undefined) return false;
  return parentNow !== inTree.parentId;
};

/** Forced rebuilds (a moved page seen by a view) per link: one per this many ms. */
export const FORCED_REBUILD_INTERVAL_MS = 60_000;

const claimForcedRebuild = async (deps: TreeDeps, linkId: string, now: number): Promise<boolean> => {
  try {
    await deps.store.ephemeral.putIfAbsent({ key: `tree-rebuild:${linkId}`, value: {}, expiresAt: now + FORCED_REBUILD_INTERVAL_MS });
    return true;
  } catch {
    return false;
  }
};

/** A store failure costs the cache, never the view. */
const quietly = <T>(run: () => Promise<T>): Promise<T | undefined> =>
  Promise.resolve()
    .then(run)
    .catch(() => undefined);

/** The page a view asks for and its parent as Confluence reports it now (read beside the cache). */
export interface TreeCheck {
  pageId: string;
  parentId: Promise<string | null | undefined>;
}

/**
 * The descendant pages of the link's root (for a whole-space link: the space's tree, see space-tree.ts) (capped at MAX_TREE_DESCENDANTS before any lookup about them),
 * from the cache when it is current, else from Confluence (then cached). With `check`, a cached tree in
 * which the requested page sits under another parent than Confluence now reports (it was moved) is
 * rebuilt at once rather than served until the TTL; a page the cached tree does not hold is never a
 * reason to rebuild (any id can be asked for: that would let a visitor force rebuilds).
 */
export const loadTreePages = async (
  deps: TreeDeps,
  link: Pick<ShareLink, 'id' | 'version' | 'pageId' | 'spaceKey' | 'withLabels' | 'withoutLabels' | 'scope'>,
  now: number,
  check?: TreeCheck,
): Promise<ChildPage[]> => {
  const cap = MAX_TREE_DESCENDANTS;
  const settings = settingsOf(link, cap);
  const [headRecord, spaceGeneration, siteGeneration] = await Promise.all([
    quietly(() => deps.store.ephemeral.get(treeCacheKey(link.id), now)),
    quietly(() => deps.store.ephemeral.get(treeGenerationKey(link.spaceKey), now)),
    quietly(() => deps.store.ephemeral.get(treeGenerationKey(undefined), now)),
  ]);
  const generation = `${generationValue(spaceGeneration)}/${generationValue(siteGeneration)}`;
  const head = asHead(headRecord);
  if (head && head.linkVersion === link.version && head.settings === settings && head.generation === generation) {
    const rest = await Promise.all(
      Array.from({ length: head.chunks }, (_, i) => quietly(() => deps.store.ephemeral.get(treeCacheKey(link.id, i + 1), now))),
    );
    const parts = [pagesOf(head as unknown as Record<string, unknown>), ...rest.map((r) => pagesOf(r?.value))];
    if (parts.every((p) => p !== undefined)) {
      const cached = parts.flat().map((page) => toChildPage(page as CompactPage, link, head.spaceId));
      if (!check || check.pageId === link.pageId || !(await movedWithin(cached, check))) return cached;
      // A page under a folder reports the folder as its parent, which the tree (pages only) never holds: a
      // visitor could ask for it again and again. Rebuilds forced by a view are at most one a minute per link.
      if (!(await claimForcedRebuild(deps, link.id, now))) return cached;
    }
  }

  const labels = filterLabels(link);
  const pages =
    linkScopeOf(link) === 'space'
      ? await readSpaceTreePages(deps.content, { spaceKey: link.spaceKey, homePageId: link.pageId }, { labels }, cap)
      : await deps.content.getDescendants(link.pageId, { spaceKey: link.spaceKey }, { labels, maxPages: cap });
  const parts = chunked(pages.map((p) => toCompact(p, new Set(labels))));
  if (parts) {
    const expiresAt = now + TREE_CACHE_TTL_MS;
    const [first = [], ...rest] = parts;
    const value: TreeHead = { format: FORMAT, linkVersion: link.version, settings, generation, spaceId: pages[0]?.spaceId ?? '', chunks: rest.length, pages: first };
    // Chunks first, head last: a reader never finds a head whose chunks are not there yet.
    await quietly(async () => {
      await Promise.all(rest.map((chunk, i) => deps.store.ephemeral.put({ key: treeCacheKey(link.id, i + 1), value: { pages: chunk }, expiresAt })));
      await deps.store.ephemeral.put({ key: treeCacheKey(link.id), value: value as unknown as Record<string, unknown>, expiresAt });
    });
  }
  return pages;
};

/**
 * Page events call this: cached trees of the page's space (every space when the event names none) are
 * no longer used. Returns false when the store could not record it (the TTL still bounds staleness).
 */
export const invalidateTrees = async (deps: Pick<AppDeps, 'store' | 'clock' | 'random'>, spaceKey: string | undefined): Promise<boolean> => {
  const now = deps.clock.now();
  const generation = `${now.toString(36)}.${Buffer.from(deps.random.bytes(6)).toString('hex')}`;
  // A generation record must outlive every tree built under the previous one.
  const expiresAt = now + TREE_CACHE_TTL_MS + 60_000;
  const written = await quietly(async () => {
    await deps.store.ephemeral.put({ key: treeGenerationKey(spaceKey), value: { generation }, expiresAt });
    return true;
  });
  return written === true;
};
