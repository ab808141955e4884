/** The filters of a links list or export: which the store serves by index, and the derived ones checked link by link. */
import { linkScopeOf, type LinkStatus, type ShareLink } from '../core/model';
import type { createCreatorNames } from './link-views';
import type { LinkFilter } from './ports';

type CreatorNames = ReturnType<typeof createCreatorNames>;

export interface LinkListQuery {
  spaceKey?: string | undefined;
  status?: LinkStatus | undefined;
  nonCompliant?: boolean | undefined;
  search?: string | undefined;
  /** Only links this account created (served by the store's by-creator index when no space is given). */
  createdBy?: string | undefined;
  /** Only links that expire within this range (epoch ms, inclusive); links that never expire are left out. */
  expiresFrom?: number | undefined;
  expiresUntil?: number | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** The part of a query the store's indexes serve (space, status, creator). */
export const storeFilterOf = (query: LinkListQuery): LinkFilter => ({
  ...(query.spaceKey ? { spaceKey: query.spaceKey } : {}),
  ...(query.status ? { status: query.status } : {}),
  ...(query.createdBy ? { createdBy: query.createdBy } : {}),
});

/**
 * The expiry range filter. No store index covers expiry, so it is checked link by link inside the same
 * bounded scan as the other derived filters (at most a bounded number of links per call or job step).
 */
export const expiryRangeMatcher = (query: LinkListQuery): ((link: ShareLink) => boolean) => {
  const { expiresFrom: from, expiresUntil: until } = query;
  if (from === undefined && until === undefined) return () => true;
  return (link) => link.expiresAt !== null && (from === undefined || link.expiresAt >= from) && (until === undefined || link.expiresAt <= until);
};

/**
 * Name, page title ("Whole space" for a whole-space link, as the lists show it), creator account id or creator
 * display name (stored on the link, else from this call's bounded lookups).
 */
export const createSearchMatcher = (search: string | undefined, names: Pick<CreatorNames, 'known'>): ((link: ShareLink) => boolean) => {
  const needle = search?.trim().toLowerCase() ?? '';
  if (needle === '') return () => true;
  return (link) =>
    link.name.toLowerCase().includes(needle) ||
    link.pageTitle.toLowerCase().includes(needle) ||
    (linkScopeOf(link) === 'space' && 'whole space'.includes(needle)) ||
    link.createdBy.toLowerCase().includes(needle) ||
    (link.createdByName || names.known(link.createdBy) || '').toLowerCase().includes(needle);
};
