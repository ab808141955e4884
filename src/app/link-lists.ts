import { DomainError, isDomainError } from '../core/errors';
import type { LinkStatus, LinkView, ShareLink } from '../core/model';
import type { CursorPage, LinkListItem } from '../shared/contract';
import { authorizeSiteAdmin, authorizeSpaceAdmin, type Caller } from './authorize';
import { bulkLinkAction } from './link-console';
import type { AppDeps } from './deps';
import { createCreatorNames, createSpacePolicyCache, toLinkView } from './link-views';
import { cachedSpaceNames } from './name-cache';
import { createSearchMatcher, expiryRangeMatcher, storeFilterOf, type LinkListQuery } from './link-query';
import type { LinkFilter } from './ports';

export type { LinkListQuery } from './link-query';

const DEFAULT_LIMIT = 50;
const STORE_BATCH = 100;
/**
 * Creators without a stored name looked up per call for a search (in parallel, cached for the call);
 * links of further unnamed creators match only on name, page title or account id until names are stored.
 */
export const MAX_CREATOR_LOOKUPS_PER_SEARCH = 20;
/** Links examined per call when filters are selective: the caller gets a (possibly short) page and a cursor. */
const MAX_SCANNED_PER_CALL = 2000;

/**
 * Our cursor: the store cursor of the batch holding the last returned link, plus that link's sort key.
 * Resuming re-reads that batch and skips up to the key, so filtered pages never skip or repeat links
 * even when the page boundary falls inside a store batch.
 */
interface ListCursor {
  s: string | null;
  a: [number, string] | null;
  /** Which of the plan's store filters is being read (the expiry index reads one status after the other). */
  p?: number;
}

const encodeCursor = (cursor: ListCursor): string => Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

const decodeCursor = (text: string | undefined): ListCursor => {
  if (text === undefined || text === '') return { s: null, a: null };
  const invalid = new DomainError('invalid_input', 'The list cursor is invalid or expired; reload the list.', [
    { field: 'cursor', rule: 'cursor.format', message: 'Invalid cursor' },
  ]);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof value !== 'object' || value === null) throw invalid;
  const { s, a, p } = value as Record<string, unknown>;
  if (s !== null && typeof s !== 'string') throw invalid;
  if (p !== undefined && p !== 0 && p !== 1) throw invalid;
  if (a !== null && !(Array.isArray(a) && a.length === 2 && typeof a[0] === 'number' && typeof a[1] === 'string')) {
    throw invalid;
  }
  return { s, a: a as [number, string] | null, ...(p !== undefined ? { p } : {}) };
};

type SortKey = [number, string];
const isAfter = (key: SortKey, than: SortKey): boolean => key[0] > than[0] || (key[0] === than[0] && key[1] > than[1]);

/** The largest instant the expiry index takes (15 digits). */
const MAX_INDEXED_INSTANT = 999_999_999_999_999;

/**
 * How the store is read for a query, and in which order:
 * - with an expiry range and neither space nor creator: the store's by-status-expiry index (issue 15),
 *   one status after the other (the given one, else active then disabled), soonest expiry first;
 * - otherwise the index of space, status or creator, newest first, the expiry range checked link by link.
 */
const listPlan = (query: LinkListQuery): { filters: LinkFilter[]; keyOf: (link: ShareLink) => SortKey } => {
  const filter = storeFilterOf(query);
  const ranged = query.expiresFrom !== undefined || query.expiresUntil !== undefined;
  if (ranged && filter.spaceKey === undefined && filter.createdBy === undefined) {
    const expiring = { after: Math.max(0, (query.expiresFrom ?? 0) - 1), until: Math.min(query.expiresUntil ?? MAX_INDEXED_INSTANT, MAX_INDEXED_INSTANT) };
    const statuses: LinkStatus[] = query.status ? [query.status] : ['active', 'disabled'];
    return { filters: statuses.map((status) => ({ status, expiring })), keyOf: (link) => [link.expiresAt ?? MAX_INDEXED_INSTANT, link.id] };
  }
  return { filters: [filter], keyOf: (link) => [link.createdAt, link.id] };
};

/** One store batch; a store cursor that came from the client and fails is reported as a bad cursor, not a crash. */
const listBatch = async (deps: AppDeps, filter: LinkFilter, storeCursor: string | null, fromClient: boolean) => {
  try {
    return await deps.store.links.list(filter, { limit: STORE_BATCH, ...(storeCursor ? { cursor: storeCursor } : {}) });
  } catch (error) {
    if (!fromClient || isDomainError(error)) throw error;
    throw new DomainError('invalid_input', 'The list cursor is invalid or expired; reload the list.', [
      { field: 'cursor', rule: 'cursor.format', message: 'Invalid cursor' },
    ]);
  }
};

/** Lists links with store-side filters (space, status) and derived ones (non-compliance, text search). */
export const listLinks = async (deps: AppDeps, query: LinkListQuery): Promise<CursorPage<LinkListItem>> => {
  const names = createCreatorNames(deps);
  const page = await scanLinks(deps, query, names);
  // The search already looked up the names it needed; annotate reuses them and fetches the rest.
  const items = await names.annotate(page.items);
  return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
};

type CreatorNames = ReturnType<typeof createCreatorNames>;

const scanLinks = async (deps: AppDeps, query: LinkListQuery, names: CreatorNames): Promise<CursorPage<LinkView>> => {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const cursor = decodeCursor(query.cursor);
  const plan = listPlan(query);
  const expiresInRange = expiryRangeMatcher(query);
  const policyOf = createSpacePolicyCache(deps);
  const searching = (query.search?.trim() ?? '') !== '';
  const matchesSearch = createSearchMatcher(query.search, names);
  let lookupBudget = MAX_CREATOR_LOOKUPS_PER_SEARCH;
  const now = deps.clock.now();
  const items: LinkView[] = [];
  let storeCursor = cursor.s;
  let after = cursor.a;
  let part = cursor.p ?? 0;
  let scanned = 0;
  if (part >= plan.filters.length) throw new DomainError('invalid_input', 'The list cursor is invalid or expired; reload the list.');

  for (;;) {
    const batch = await listBatch(deps, plan.filters[part]!, storeCursor, storeCursor === cursor.s && cursor.s !== null);
    for (const link of batch.items) {
      if (typeof link.createdByName === 'string' && link.createdByName !== '') names.remember(link.createdBy, link.createdByName);
    }
    if (searching) lookupBudget -= await lookUpUnnamedCreators(batch.items, names, lookupBudget);
    for (const [index, link] of batch.items.entries()) {
      const key = plan.keyOf(link);
      if (after && !isAfter(key, after)) continue;
      after = key;
      scanned += 1;
      const { policy } = await policyOf(link.spaceKey);
      const view = toLinkView(link, policy, now);
      if (query.nonCompliant && view.effectiveStatus !== 'non_compliant') continue;
      if (!expiresInRange(link)) continue;
      if (!matchesSearch(link)) continue;
      items.push(view);
      if (items.length === limit) {
        const more = index < batch.items.length - 1 || batch.nextCursor !== undefined || part < plan.filters.length - 1;
        return more ? { items, nextCursor: encodeCursor({ s: storeCursor, a: after, p: part }) } : { items };
      }
    }
    if (batch.nextCursor === undefined) {
      if (part === plan.filters.length - 1) return { items };
      // The next status of the expiry index, from its start.
      part += 1;
      storeCursor = null;
      after = null;
    } else {
      storeCursor = batch.nextCursor;
    }
    if (scanned >= MAX_SCANNED_PER_CALL) return { items, nextCursor: encodeCursor({ s: storeCursor, a: after, p: part }) };
  }
};

/**
 * Looks up, in parallel, up to `budget` creators of these links that have no stored name and were not
 * asked yet this call; returns how many lookups it started.
 */
const lookUpUnnamedCreators = async (links: readonly ShareLink[], names: CreatorNames, budget: number): Promise<number> => {
  if (budget <= 0) return 0;
  const unnamed = [...new Set(links.filter((link) => !link.createdByName).map((link) => link.createdBy))]
    .filter((accountId) => !names.asked(accountId))
    .slice(0, budget);
  await Promise.all(unnamed.map((accountId) => names.nameOf(accountId)));
  return unnamed.length;
};

/** All links of a space (space admins and site admins). */
export const listSpaceLinks = async (
  deps: AppDeps,
  caller: Caller,
  query: LinkListQuery & { spaceKey: string },
): Promise<CursorPage<LinkListItem>> => {
  await authorizeSpaceAdmin(deps, caller, query.spaceKey);
  return listLinks(deps, query);
};

/** All links of the site (site admins). */
export const listAllLinks = async (deps: AppDeps, caller: Caller, query: LinkListQuery): Promise<CursorPage<LinkListItem>> => {
  await authorizeSiteAdmin(deps, caller);
  const page = await listLinks(deps, query);
  // Site-wide rows come from many spaces: name them, as Confluence does, rather than show bare keys.
  const spaceNames = await cachedSpaceNames(deps, page.items.map((link) => link.spaceKey));
  return { ...page, items: page.items.map((link) => (spaceNames.has(link.spaceKey) ? { ...link, spaceName: spaceNames.get(link.spaceKey)! } : link)) };
};

export interface RevokeResult {
  disabled: string[];
  alreadyDisabled: string[];
  notFound: string[];
}

/** Disables many links at once (site admins); each disabled link's sessions end at once (see bulkLinkAction). */
export const revokeLinks = async (deps: AppDeps, caller: Caller, linkIds: readonly string[]): Promise<RevokeResult> => {
  const result = await bulkLinkAction(deps, caller, { action: 'disable', linkIds, detail: 'bulk revoke' });
  return { disabled: result.changed, alreadyDisabled: result.unchanged, notFound: result.notFound };
};
