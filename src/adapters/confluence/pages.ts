/** Pages as the app: one page with its body, page states in bulk (no bodies), and a page's descendants. */
import type { ChildPage, ConfluenceContent, PageContent, PageStatusInfo, PageSummary, SpaceInfo } from '../../app/ports';
import type { AdapterContext } from './context';
import {
  descendantListSchema,
  labelsSchema,
  pageListSchema,
  pageSchema,
  treeSearchSchema,
  type Label,
  type RawDescendant,
  type RawPage,
  type RestrictionSide,
} from './schemas';
import { chunks, collect, epoch, getJson, PAGE_ID, path, repeated, type RequestFn } from './transport';

/** `depth` maximum of GET /pages/{id}/descendants (spec: 1..10); deeper pages are re-queried from the frontier. */
export const DESCENDANTS_DEPTH = 10;
/** `limit` maximum of the v2 list endpoints used here. */
export const V2_PAGE_LIMIT = 250;
/** `limit` asked of the v1 CQL search (Confluence caps it lower with expansions; pagination covers the rest). */
export const SEARCH_LIMIT = 200;
/** Page ids per CQL `id in (…)` search (the search answers at most 100 results per request in the emulator). */
export const SEARCH_IDS_PER_REQUEST = 100;
/** Pages a tree read returns without an explicit cap. */
export const MAX_DESCENDANT_PAGES = 2000;
/** `id` maxItems of GET /pages. */
export const PAGE_IDS_PER_REQUEST = 250;

const PAGE_STATUSES = new Set<PageSummary['status']>(['current', 'trashed', 'deleted', 'archived', 'draft']);
export const pageStatus = (status: string | null | undefined): PageSummary['status'] =>
  status === 'historical' ? 'current' : PAGE_STATUSES.has(status as PageSummary['status']) ? (status as PageSummary['status']) : 'draft';

type PageFlags = Map<string, { restricted: boolean; labels: string[] }>;

const visibleLabels = (labels: readonly Label[]): string[] => labels.filter((l) => l.prefix !== 'my').map((l) => l.name);

const DESCENDANT_COLLECTIONS: Record<string, string> = {
  page: 'pages',
  folder: 'folders',
  whiteboard: 'whiteboards',
  database: 'databases',
  embed: 'embeds',
};

const LIVE_STATUSES = repeated('status', ['current', 'archived', 'trashed']);

export const summaryOf = (page: RawPage, space: Pick<SpaceInfo, 'key'>): PageSummary => ({
  id: page.id,
  title: page.title ?? '',
  spaceId: page.spaceId ?? '',
  spaceKey: space.key,
  parentId: page.parentId ?? null,
  status: pageStatus(page.status),
});

/** GET /pages/{id}, with a body representation or none (status checks never render bodies). */
export const fetchPage = (
  requester: RequestFn,
  read: typeof getJson,
  pageId: string,
  format: string | undefined,
  statuses: readonly string[],
) =>
  read(
    requester,
    format
      ? `${path`/wiki/api/v2/pages/${pageId}?body-format=${format}&include-labels=${'true'}`}&${repeated('status', statuses)}`
      : `${path`/wiki/api/v2/pages/${pageId}`}?${repeated('status', statuses)}`,
    pageSchema,
  );

export const createPageReads = (
  ctx: AdapterContext,
): Pick<ConfluenceContent, 'getPage' | 'getPageStatuses' | 'getDescendants' | 'getSpaceRootPages'> => {
  const { asApp, bodyFormat } = ctx;
  const live = ['current', 'archived', 'trashed'];

  const pageLabels = async (pageId: string): Promise<string[] | undefined> => {
    const labels = await collect(asApp, path`/wiki/api/v2/pages/${pageId}/labels?limit=${V2_PAGE_LIMIT}`, labelsSchema);
    return labels ? visibleLabels(labels) : undefined;
  };

  /**
   * Direct read restrictions (and labels, when asked) of the pages `ids`: one CQL search (`id in (…)`)
   * instead of two lookups per page. A page whose restrictions are missing counts as restricted.
   */
  const pageFlags = async (ids: readonly string[], withLabels: boolean): Promise<PageFlags> => {
    const flags: PageFlags = new Map();
    const expand = [
      'content.restrictions.read.restrictions.user',
      'content.restrictions.read.restrictions.group',
      ...(withLabels ? ['content.metadata.labels'] : []),
    ];
    const cql = `id in (${ids.join(',')}) and type=page`;
    const results = await collect(
      asApp,
      `/wiki/rest/api/search?cql=${encodeURIComponent(cql)}&limit=${SEARCH_LIMIT}&expand=${encodeURIComponent(expand.join(','))}`,
      treeSearchSchema,
    );
    const count = (side: RestrictionSide): number => side?.size ?? side?.results?.length ?? 0;
    for (const result of results ?? []) {
      const content = result.content;
      if (!content) continue;
      const sides = content.restrictions?.read?.restrictions;
      flags.set(content.id, {
        restricted: !sides || count(sides.user) + count(sides.group) > 0,
        labels: withLabels ? visibleLabels(content.metadata?.labels?.results ?? []) : [],
      });
    }
    return flags;
  };

  /** Descendants of one node, re-querying below the endpoint's depth limit; stops once `budget.left` items are read. */
  const rawDescendants = async (
    collection: string,
    nodeId: string,
    budget: { left: number },
    onPage: (items: RawDescendant[]) => void,
  ): Promise<RawDescendant[] | undefined> => {
    if (budget.left <= 0) return [];
    const items = await collect(
      asApp,
      path`/wiki/api/v2/${collection}/${nodeId}/descendants?limit=${V2_PAGE_LIMIT}&depth=${DESCENDANTS_DEPTH}`,
      descendantListSchema,
      { maxItems: budget.left, onPage },
    );
    if (!items) return undefined;
    budget.left -= items.length;
    const byId = new Map(items.map((item) => [item.id, item]));
    const depthOf = (item: RawDescendant): number => {
      if (item.depth !== undefined && item.depth !== null) return item.depth;
      let depth = 1;
      for (let p = item.parentId ? byId.get(item.parentId) : undefined; p; p = p.parentId ? byId.get(p.parentId) : undefined) {
        depth += 1;
        if (depth > items.length) break;
      }
      return depth;
    };
    const frontier = items.filter((item) => depthOf(item) >= DESCENDANTS_DEPTH && DESCENDANT_COLLECTIONS[item.type ?? '']);
    const deeper = await Promise.all(
      frontier.map((item) => rawDescendants(DESCENDANT_COLLECTIONS[item.type ?? ''] as string, item.id, budget, onPage)),
    );
    return [...items, ...deeper.flatMap((d) => d ?? [])];
  };

  return {
    async getPage(pageId, known) {
      if (!PAGE_ID.test(pageId)) return undefined;
      let page = await fetchPage(asApp, getJson, pageId, bodyFormat, live);
      if (page && page.body?.[bodyFormat]?.value == null && bodyFormat !== 'export_view') {
        page = await fetchPage(asApp, getJson, pageId, 'export_view', live);
      }
      if (!page || !page.spaceId) return undefined;
      const [space, moreLabels] = await Promise.all([
        known?.spaceKey ? Promise.resolve({ key: known.spaceKey }) : ctx.spaceById(asApp, page.spaceId),
        page.labels?.meta?.hasMore ? pageLabels(pageId) : Promise.resolve(undefined),
      ]);
      if (!space) return undefined;
      const body = page.body?.[bodyFormat]?.value ?? page.body?.['export_view']?.value ?? '';
      const result: PageContent = {
        ...summaryOf(page, space),
        bodyHtml: body,
        labels: moreLabels ?? visibleLabels(page.labels?.results ?? []),
        authorId: page.authorId ?? '',
        createdAt: epoch(page.createdAt),
        updatedAt: epoch(page.version?.createdAt ?? page.createdAt),
        version: page.version?.number ?? 1,
      };
      return result;
    },

    async getPageStatuses(pageIds) {
      const wanted = [...new Set(pageIds.filter((id) => PAGE_ID.test(id)))];
      const statuses = repeated('status', ['current', 'archived', 'trashed', 'deleted']);
      const found: PageStatusInfo[] = [];
      for (const ids of chunks(wanted, PAGE_IDS_PER_REQUEST)) {
        const pages = await collect(
          asApp,
          `/wiki/api/v2/pages?${repeated('id', ids)}&${statuses}&limit=${V2_PAGE_LIMIT}`,
          pageListSchema,
        );
        const asked = new Set(ids);
        for (const page of pages ?? []) {
          if (!asked.has(page.id)) continue;
          found.push({ id: page.id, title: page.title ?? '', spaceId: page.spaceId ?? '', status: pageStatus(page.status) });
        }
      }
      return found;
    },

    async getSpaceRootPages(spaceKey, need = {}) {
      const space = await ctx.spaceByKey(asApp, spaceKey);
      if (!space) return undefined;
      const maxPages = Math.max(0, Math.floor(need.maxPages ?? MAX_DESCENDANT_PAGES));
      if (maxPages === 0) return [];
      const wantedLabels = need.labels === undefined ? undefined : new Set(need.labels.map((l) => l.trim().toLowerCase()).filter((l) => l !== ''));
      // GET /spaces/{id}/pages?depth=root: the pages at the top of the space's tree, 250 per cursor page.
      const listed = await collect(
        asApp,
        `${path`/wiki/api/v2/spaces/${space.id}/pages?depth=${'root'}&status=${'current'}&limit=${V2_PAGE_LIMIT}`}`,
        pageListSchema,
        { maxItems: maxPages },
      );
      if (!listed) return undefined;
      const roots = [...new Map(listed.filter((p) => pageStatus(p.status) === 'current').map((p) => [p.id, p])).values()].slice(0, maxPages);
      const withLabels = wantedLabels === undefined || wantedLabels.size > 0;
      const found = await Promise.all(chunks(roots.map((p) => p.id), SEARCH_IDS_PER_REQUEST).map((ids) => pageFlags(ids, withLabels)));
      const flags: PageFlags = new Map(found.flatMap((f) => [...f]));
      return roots.map((page): ChildPage => {
        const flag = flags.get(page.id);
        const labels = flag?.labels ?? [];
        return {
          id: page.id,
          title: page.title ?? '',
          spaceId: space.id,
          spaceKey: space.key,
          parentId: null,
          status: 'current',
          labels: wantedLabels ? labels.filter((l) => wantedLabels.has(l.toLowerCase())) : labels,
          // As in getDescendants: a page the search did not return counts as restricted.
          viewRestricted: flag?.restricted ?? true,
        };
      });
    },

    async getDescendants(rootId, known, need = {}) {
      if (!PAGE_ID.test(rootId)) return [];
      const maxPages = Math.max(0, Math.floor(need.maxPages ?? MAX_DESCENDANT_PAGES));
      const wantedLabels = need.labels === undefined ? undefined : new Set(need.labels.map((l) => l.trim().toLowerCase()).filter((l) => l !== ''));
      // Structure (v2 descendants, cursor pages of 250) and, as each page of it arrives, the flags of its
      // pages (CQL searches by id, SEARCH_IDS_PER_REQUEST each): the searches overlap the listing.
      const withLabels = wantedLabels === undefined || wantedLabels.size > 0;
      const flagReads: Promise<PageFlags>[] = [];
      let pending: string[] = [];
      const flush = (all: boolean): void => {
        while (pending.length >= SEARCH_IDS_PER_REQUEST || (all && pending.length > 0)) {
          const read = pageFlags(pending.slice(0, SEARCH_IDS_PER_REQUEST), withLabels);
          read.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
          flagReads.push(read);
          pending = pending.slice(SEARCH_IDS_PER_REQUEST);
        }
      };
      const onPage = (items: RawDescendant[]): void => {
        pending.push(...items.filter((item) => item.type === 'page' && (item.status ?? 'current') === 'current').map((item) => item.id));
        flush(false);
      };
      const [root, items] = await Promise.all([
        fetchPage(asApp, getJson, rootId, undefined, live),
        rawDescendants('pages', rootId, { left: maxPages }, onPage),
      ]);
      flush(true);
      const flags: PageFlags = new Map((await Promise.all(flagReads)).flatMap((found) => [...found]));
      if (!root?.spaceId || !items) return [];
      const space = known?.spaceKey ? { id: root.spaceId, key: known.spaceKey } : await ctx.spaceById(asApp, root.spaceId);
      if (!space) return [];
      const byId = new Map(items.map((item) => [item.id, item]));
      const statusOf = (item: RawDescendant): string => item.status ?? 'current';
      // Pages below folders/whiteboards are re-parented to the nearest page ancestor, so the view
      // layer's tree walk sees an unbroken chain; anything below a non-current page is dropped.
      const pageParent = (item: RawDescendant): string | null | 'hidden' => {
        let parentId = item.parentId ?? null;
        for (let hops = 0; parentId !== null && parentId !== rootId && hops <= items.length; hops += 1) {
          const parent = byId.get(parentId);
          if (!parent) return 'hidden';
          if (statusOf(parent) !== 'current') return 'hidden';
          if (parent.type === 'page') return parent.id;
          parentId = parent.parentId ?? null;
        }
        return parentId === rootId ? rootId : 'hidden';
      };
      const pages = items.flatMap((item) => {
        if (item.type !== 'page' || statusOf(item) !== 'current') return [];
        const parentId = pageParent(item);
        return parentId === 'hidden' || parentId === null ? [] : [{ item, parentId }];
      });
      const unique = [...new Map(pages.map((p) => [p.item.id, p])).values()].slice(0, maxPages);
      return unique.map(({ item, parentId }): ChildPage => {
        const found = flags.get(item.id);
        const labels = found?.labels ?? [];
        return {
          id: item.id,
          title: item.title ?? '',
          spaceId: space.id,
          spaceKey: space.key,
          parentId,
          status: 'current',
          labels: wantedLabels ? labels.filter((l) => wantedLabels.has(l.toLowerCase())) : labels,
          // A page the search did not return (not indexed yet, hidden from the app) counts as restricted.
          viewRestricted: found?.restricted ?? true,
        };
      });
    },
  };
};
