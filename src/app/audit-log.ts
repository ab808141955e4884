/**
 * Reading the audit trail: filtered, paginated listing, CSV records (the export job is audit-export.ts)
 * and per-link view statistics.
 * Authorization happens in the resolvers (audit-resolvers.ts); these functions trust their filter.
 */
import { describeAuditEntry, type AuditNames } from '../core/audit-sentences';
import { DomainError } from '../core/errors';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '../core/model';
import type { AppDeps } from './deps';
import type { AuditFilter, LinkStats, Page } from './ports';

export const isAuditAction = (value: string): value is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(value);

export interface AuditQuery {
  linkId?: string | undefined;
  spaceKey?: string | undefined;
  action?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
}

/** Validates a user-supplied filter into the store's filter. */
export const toAuditFilter = (query: AuditQuery): AuditFilter => {
  const filter: AuditFilter = {};
  if (query.linkId) filter.linkId = query.linkId;
  if (query.spaceKey) filter.spaceKey = query.spaceKey;
  if (query.action) {
    if (!isAuditAction(query.action)) {
      throw new DomainError('invalid_input', `Unknown audit action "${query.action.slice(0, 50)}".`, [
        { field: 'action', rule: 'audit.action', message: `One of: ${AUDIT_ACTIONS.join(', ')}` },
      ]);
    }
    filter.action = query.action;
  }
  if (query.since !== undefined) filter.since = query.since;
  if (query.until !== undefined) filter.until = query.until;
  if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) {
    throw new DomainError('invalid_input', 'The start of the time range is after its end.', [
      { field: 'since', rule: 'audit.range', message: 'Must not be after "until"' },
    ]);
  }
  return filter;
};

export const DEFAULT_AUDIT_PAGE = 50;

/** Newest first. */
export const listAuditLog = async (
  deps: Pick<AppDeps, 'store'>,
  filter: AuditFilter,
  page: { cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<AuditEntry>> => {
  const limit = Math.min(100, Math.max(1, page.limit ?? DEFAULT_AUDIT_PAGE));
  return deps.store.audit.list(filter, { limit, ...(page.cursor ? { cursor: page.cursor } : {}) });
};

// ---------------------------------------------------------------------------------------------
// CSV

/** `summary` is the entry as a sentence with names (core/audit-sentences.ts); the raw fields follow it. */
export const CSV_COLUMNS = ['time_utc', 'summary', 'action', 'actor', 'link_id', 'page_id', 'space_key', 'count', 'detail'] as const;

/**
 * One CSV field, RFC 4180 quoted, safe to open in a spreadsheet: a cell that starts with a formula
 * trigger (= + - @, tab or CR) is prefixed with a single quote so it is shown as text (OWASP CSV injection).
 */
export const csvField = (value: string | number | null): string => {
  let text = value === null ? '' : String(value);
  // Leading whitespace does not stop some spreadsheets from evaluating; full-width signs are formulas in CJK locales.
  if (/^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/.test(text) || /^[\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One CSV record (no line break): the columns of CSV_COLUMNS, every cell through csvField. Dates in the summary are UTC, like time_utc. */
export const auditEntryCsvLine = (e: AuditEntry, names: AuditNames = {}): string =>
  [new Date(e.at).toISOString(), describeAuditEntry(e, names), e.action, e.actor, e.linkId, e.pageId, e.spaceKey, e.count, e.detail].map(csvField).join(',');

/** Records end with CRLF (RFC 4180), the header line included. */
export const CSV_HEADER_LINE = `${CSV_COLUMNS.join(',')}\r\n`;

export const auditEntriesToCsv = (entries: readonly AuditEntry[], names: AuditNames = {}): string =>
  CSV_HEADER_LINE + entries.map((e) => `${auditEntryCsvLine(e, names)}\r\n`).join('');

/**
 * The file name of an export (without `.csv`): its scope and the time it was asked for, e.g.
 * `secure-share-audit-space-DEMO-20261203-0630`. The export itself runs as a background job (audit-export.ts).
 */
export const auditExportFileBase = (filter: AuditFilter, at: number): string => {
  const stamp = new Date(at).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const scope = filter.linkId ? `link-${filter.linkId}` : filter.spaceKey ? `space-${filter.spaceKey}` : 'all';
  return `secure-share-audit-${scope.replace(/[^A-Za-z0-9_-]/g, '_')}-${stamp}`;
};

// ---------------------------------------------------------------------------------------------
// Statistics

export const MAX_STATS_LINKS = 100;

/** View count and last opened time per link, in the order asked. */
export const getLinkStats = async (deps: Pick<AppDeps, 'store'>, linkIds: readonly string[]): Promise<LinkStats[]> => {
  const unique = [...new Set(linkIds)];
  if (unique.length > MAX_STATS_LINKS) {
    throw new DomainError('invalid_input', `Ask for at most ${MAX_STATS_LINKS} links at a time.`);
  }
  if (unique.length === 0) return [];
  const stats = await deps.store.stats.getMany(unique);
  const byId = new Map(stats.map((s) => [s.linkId, s]));
  return unique.map((linkId) => byId.get(linkId) ?? { linkId, views: 0, lastOpenedAt: null });
};
