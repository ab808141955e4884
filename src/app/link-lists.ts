import { DomainError, isDomainError } from '../core/errors';
import { linkScopeOf, type LinkStatus, type LinkView, type ShareLink } from '../core/model';
import type { CursorPage, LinkListItem } from '../shared/contract';
import { recordAudit } from './audit';
import { authorizeSiteAdmin, authorizeSpaceAdmin, type Caller } from './authorize';
import type { AppDeps } from './deps';
import { createCreatorNames, createSpacePolicyCache, toLinkView } from './link-views';
import type { LinkFilter } from './ports';

export interface LinkListQuery {
  spaceKey?: string | undefined;
  status?: LinkStatus | undefined;
  nonCompliant?: boolean | undefined;
  search?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

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
  const { s, a } = value as Record<string, unknown>;
  if (s !== null && typeof s !== 'string') throw invalid;
  if (a !== null && !(Array.isArray(a) && a.length === 2 && typeof a[0] === 'number' && typeof a[1] === 'string')) {
    throw invalid;
  }
  return { s, a: a as [number, string] | null };
};

const isAfter = (link: ShareLink, key: [number, string]): boolean =>
  link.createdAt > key[0] || (link.createdAt === key[0] && link.id > key[1]);

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
  const filter: LinkFilter = {
    ...(query.spaceKey ? { spaceKey: query.spaceKey } : {}),
    ...(query.status ? { status: query.status } : {}),
  };
  const policyOf = createSpacePolicyCache(deps);
  const searching = (query.search?.trim() ?? '') !== '';
  const matchesSearch = createSearchMatcher(query.search, names);
  let lookupBudget = MAX_CREATOR_LOOKUPS_PER_SEARCH;
  const now = deps.clock.now();
  const items: LinkView[] = [];
  let storeCursor = cursor.s;
  let after = cursor.a;
  let scanned = 0;

  for (;;) {
    const batch = await listBatch(deps, filter, storeCursor, storeCursor === cursor.s && cursor.s !== null);
    for (const link of batch.items) {
      if (typeof link.createdByName === 'string' && link.createdByName !== '') names.remember(link.createdBy, link.createdByName);
    }
    if (searching) lookupBudget -= await lookUpUnnamedCreators(batch.items, names, lookupBudget);
    for (const [index, link] of batch.items.entries()) {
      if (after && !isAfter(link, after)) continue;
      after = [link.createdAt, link.id];
      scanned += 1;
      const { policy } = await policyOf(link.spaceKey);
      const view = toLinkView(link, policy, now);
      if (query.nonCompliant && view.effectiveStatus !== 'non_compliant') continue;
      if (!matchesSearch(link)) continue;
      items.push(view);
      if (items.length === limit) {
        const more = index < batch.items.length - 1 || batch.nextCursor !== undefined;
        return more ? { items, nextCursor: encodeCursor({ s: storeCursor, a: after }) } : { items };
      }
    }
    if (batch.nextCursor === undefined) return { items };
    storeCursor = batch.nextCursor;
    if (scanned >= MAX_SCANNED_PER_CALL) return { items, nextCursor: encodeCursor({ s: storeCursor, a: after }) };
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

/**
 * Name, page title ("Whole space" for a whole-space link, as the lists show it), creator account id or creator
 * display name (stored on the link, else from this call's bounded lookups).
 */
const createSearchMatcher = (search: string | undefined, names: CreatorNames): ((link: ShareLink) => boolean) => {
  const needle = search?.trim().toLowerCase() ?? '';
  if (needle === '') return () => true;
  return (link) =>
    link.name.toLowerCase().includes(needle) ||
    link.pageTitle.toLowerCase().includes(needle) ||
    (linkScopeOf(link) === 'space' && 'whole space'.includes(needle)) ||
    link.createdBy.toLowerCase().includes(needle) ||
    (link.createdByName || names.known(link.createdBy) || '').toLowerCase().includes(needle);
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
  return listLinks(deps, query);
};

export interface RevokeResult {
  disabled: string[];
  alreadyDisabled: string[];
  notFound: string[];
}

/** Disables many links at once (site admins); each disabled link's sessions end at once. */
export const revokeLinks = async (deps: AppDeps, caller: Caller, linkIds: readonly string[]): Promise<RevokeResult> => {
  await authorizeSiteAdmin(deps, caller);
  const result: RevokeResult = { disabled: [], alreadyDisabled: [], notFound: [] };
  for (const id of new Set(linkIds)) {
    const outcome = await disableWithRetry(deps, id);
    if (outcome === 'missing') result.notFound.push(id);
    else if (outcome === 'already') result.alreadyDisabled.push(id);
    else {
      result.disabled.push(id);
      await recordAudit(deps, {
        action: 'link_disabled',
        actor: caller.accountId,
        linkId: id,
        pageId: outcome.pageId,
        spaceKey: outcome.spaceKey,
        detail: 'bulk revoke',
      });
    }
  }
  return result;
};

const disableWithRetry = async (deps: AppDeps, id: string): Promise<'missing' | 'already' | ShareLink> => {
  for (let attempt = 0; ; attempt += 1) {
    const link = await deps.store.links.get(id);
    if (!link) return 'missing';
    if (link.status === 'disabled') return 'already';
    const next: ShareLink = {
      ...link,
      status: 'disabled',
      version: link.version + 1,
      epoch: link.epoch + 1,
      updatedAt: deps.clock.now(),
    };
    try {
      await deps.store.links.update(next, link.version);
      return next;
    } catch (error) {
      // A concurrent edit is not a reason to leave the link open: re-read and disable again.
      if (!(isDomainError(error) && error.code === 'version_conflict') || attempt >= 3) throw error;
    }
  }
};
