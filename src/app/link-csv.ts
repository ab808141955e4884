/**
 * Links as CSV rows, for the links export (the export job, signed download and retries are the audit
 * export's: audit-export.ts runs both). Kept light on purpose: the download route of the share bundle
 * reaches the export module, so this imports no link use cases (no password hashing, no zxcvbn).
 */
import { linkScopeOf, type LinkView, type ShareLink } from '../core/model';
import { csvField } from './audit-log';
import type { AppDeps } from './deps';
import { createSearchMatcher, expiryRangeMatcher, storeFilterOf, type LinkListQuery } from './link-query';
import { createCreatorNames, createSpacePolicyCache, toLinkView } from './link-views';

/** The filter an export keeps (the list's filter without paging). */
export type LinkExportFilter = Omit<LinkListQuery, 'cursor' | 'limit'>;

export const LINK_CSV_COLUMNS = [
  'name',
  'page',
  'space_key',
  'created_by',
  'created_utc',
  'status',
  'expires_utc',
  'password',
  'sso',
  'selected_users',
  'ip_rules',
  'child_pages',
  'comments',
  'attachments',
  'link_id',
  'page_id',
] as const;

export const LINK_CSV_HEADER_LINE = `${LINK_CSV_COLUMNS.join(',')}\r\n`;

/** What the lists say for each effective status. */
const STATUS_WORDS: Record<LinkView['effectiveStatus'], string> = {
  active: 'Active',
  disabled: 'Disabled',
  expired: 'Expired',
  non_compliant: 'Not compliant',
  page_removed: 'Page removed',
  sharing_disabled: 'Sharing turned off',
};

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

/** One CSV record (no line break), every cell through csvField (formula-safe). */
export const linkCsvLine = (view: LinkView, creatorName: string | null): string =>
  [
    view.name,
    linkScopeOf(view) === 'space' ? `Whole space (${view.pageTitle})` : view.pageTitle,
    view.spaceKey,
    creatorName ?? view.createdBy,
    new Date(view.createdAt).toISOString(),
    STATUS_WORDS[view.effectiveStatus],
    view.expiresAt === null ? 'never' : new Date(view.expiresAt).toISOString(),
    yesNo(view.hasPassword),
    yesNo(view.requireSso),
    view.selectedUsers.length,
    view.allowedIps.length,
    yesNo(view.includeChildren),
    view.comments,
    view.attachments,
    view.id,
    view.pageId,
  ]
    .map(csvField)
    .join(',');

export interface LinkCsvPage {
  rows: Array<{ line: string; at: number }>;
  nextCursor?: string;
}

/**
 * One store page of links (at most `limit`) as CSV rows, after the derived filters (non-compliance,
 * search on stored names, expiry range). The same cursor gives the same rows, so a job step can resume
 * at a row of a page.
 */
export const readLinkCsvPage = async (
  deps: AppDeps,
  filter: LinkExportFilter,
  cursor: string | null,
  limit: number,
): Promise<LinkCsvPage> => {
  const page = await deps.store.links.list(storeFilterOf(filter), { limit, ...(cursor ? { cursor } : {}) });
  const names = createCreatorNames(deps);
  const policyOf = createSpacePolicyCache(deps);
  for (const link of page.items) if (link.createdByName) names.remember(link.createdBy, link.createdByName);
  const matchesSearch = createSearchMatcher(filter.search, names);
  const inRange = expiryRangeMatcher(filter);
  const now = deps.clock.now();
  const kept: LinkView[] = [];
  for (const link of page.items as ShareLink[]) {
    if (!matchesSearch(link) || !inRange(link)) continue;
    const view = toLinkView(link, (await policyOf(link.spaceKey)).policy, now);
    if (filter.nonCompliant && view.effectiveStatus !== 'non_compliant') continue;
    kept.push(view);
  }
  const named = await names.annotate(kept);
  const rows = named.map((view) => ({ line: `${linkCsvLine(view, view.createdByName)}\r\n`, at: view.createdAt }));
  return page.nextCursor ? { rows, nextCursor: page.nextCursor } : { rows };
};

/** What a links export covers, in plain words for the audit trail. */
export const describeLinkExportFilter = (filter: LinkExportFilter): string => {
  const words: string[] = [];
  if (filter.spaceKey) words.push(`space ${filter.spaceKey}`);
  if (filter.status) words.push(filter.status === 'active' ? 'active links' : 'disabled links');
  if (filter.nonCompliant) words.push('not compliant');
  if (filter.createdBy) words.push('one creator');
  if (filter.search) words.push(`matching “${filter.search}”`);
  const day = (at: number) => new Date(at).toISOString().slice(0, 10);
  if (filter.expiresFrom !== undefined || filter.expiresUntil !== undefined) {
    words.push(
      ['expiring', filter.expiresFrom !== undefined ? `from ${day(filter.expiresFrom)}` : '', filter.expiresUntil !== undefined ? `to ${day(filter.expiresUntil)}` : '']
        .filter(Boolean)
        .join(' '),
    );
  }
  return words.length > 0 ? words.join(', ') : 'all links';
};

/** `secure-share-links-space-DEMO-20261203-0630` (no `.csv`). */
export const linkExportFileBase = (filter: LinkExportFilter, at: number): string => {
  const stamp = new Date(at).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const space = filter.spaceKey ? `-space-${filter.spaceKey.replace(/[^A-Za-z0-9_-]/g, '')}` : '';
  return `secure-share-links${space}-${stamp}`;
};
