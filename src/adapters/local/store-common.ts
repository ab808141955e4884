/**
 * Semantics shared by every Store implementation (local file store and Forge KVS store), so both
 * validate the same way and produce the same cursors.
 */
import { DomainError } from '../../core/errors';
import type { AuditFilter, LinkFilter, LinkStats, PageRequest } from '../../app/ports';
import type { AuditEntry, ShareLink } from '../../core/model';

export const MAX_PAGE_LIMIT = 100;

/** Zero-padded epoch ms: lexicographic order equals numeric order (good until year 33658). */
export const padInstant = (ms: number): string => {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new DomainError('invalid_input', `Invalid instant ${String(ms)}: expected non-negative epoch milliseconds`);
  }
  return String(ms).padStart(15, '0');
};

/** `<15-digit ms>:<id>`: unique, ordered by time then id. */
export const rangeKey = (ms: number, id: string): string => `${padInstant(ms)}:${id}`;

export const encodeCursor = (range: string): string => Buffer.from(range, 'utf8').toString('base64url');

export const decodeCursor = (cursor: string | undefined): string | undefined => {
  if (cursor === undefined) return undefined;
  if (cursor.length === 0 || cursor.length > 1400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new DomainError('invalid_input', 'Invalid page cursor', [{ field: 'cursor', message: 'Malformed cursor' }]);
  }
  const range = Buffer.from(cursor, 'base64url').toString('utf8');
  if (range.length === 0 || encodeCursor(range) !== cursor) {
    throw new DomainError('invalid_input', 'Invalid page cursor', [{ field: 'cursor', message: 'Malformed cursor' }]);
  }
  return range;
};

export const checkPage = (page: PageRequest): void => {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE_LIMIT) {
    throw new DomainError('invalid_input', `Page limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, [
      { field: 'limit', message: `Got ${String(page.limit)}` },
    ]);
  }
};

/** Version-checked writes store `expectedVersion + 1`; anything else is a caller bug. */
export const checkNextVersion = (what: string, nextVersion: number, expectedVersion: number): void => {
  if (!Number.isInteger(expectedVersion) || expectedVersion < 0 || nextVersion !== expectedVersion + 1) {
    throw new DomainError(
      'invalid_input',
      `${what}: version must be expectedVersion + 1 (got version ${String(nextVersion)}, expected ${String(expectedVersion)})`,
    );
  }
};

export const versionConflict = (what: string): DomainError =>
  new DomainError('version_conflict', `${what} was changed by someone else; reload and try again`);

/** Backoff before retrying a lost compare-and-set race: short, jittered, growing. */
export const backoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * Math.min(25, 1 + attempt * 2))));

export const MAX_CAS_ATTEMPTS = 60;

/** Which link index serves a filter, its partition values, and whether other fields must be post-filtered. */
export interface LinkIndexChoice {
  index: 'by-created' | 'by-page' | 'by-space' | 'by-space-status' | 'by-creator' | 'by-status' | 'by-status-expiry';
  partition: string[];
  /** True when the filter has fields the index does not cover (they are checked item by item). */
  needsPostFilter: boolean;
}

/** Range value of a link in the expiry index: `<15-digit expiresAt>:<id>`, or `never:<id>`, which sorts after every instant. */
export const expiresKeyOf = (link: Pick<ShareLink, 'expiresAt' | 'id'>): string =>
  link.expiresAt === null ? `${NEVER_EXPIRES}:${link.id}` : rangeKey(link.expiresAt, link.id);
export const NEVER_EXPIRES = 'never';

/**
 * Bounds of the expiry index for links expiring in (after, until]: ';' sorts right after ':', so
 * `<pad(t)>;` lies after every key of instant t and before every key of t + 1.
 */
export const expiringBounds = (expiring: { after: number; until: number }): { lowest: string; highest: string } => ({
  lowest: `${padInstant(expiring.after)};`,
  highest: `${padInstant(expiring.until)};`,
});

export const chooseLinkIndex = (filter: LinkFilter): LinkIndexChoice => {
  const fields = (['pageId', 'spaceKey', 'status', 'createdBy'] as const).filter((f) => filter[f] !== undefined).length;
  if (filter.expiring !== undefined) {
    if (filter.status === undefined || fields > 1) {
      throw new DomainError('invalid_input', 'Links by expiry are listed by status only', [{ field: 'expiring', message: 'Combine with status only' }]);
    }
    return { index: 'by-status-expiry', partition: [filter.status], needsPostFilter: false };
  }
  if (filter.pageId !== undefined) return { index: 'by-page', partition: [filter.pageId], needsPostFilter: fields > 1 };
  if (filter.spaceKey !== undefined && filter.status !== undefined) {
    return { index: 'by-space-status', partition: [filter.spaceKey, filter.status], needsPostFilter: fields > 2 };
  }
  if (filter.spaceKey !== undefined) return { index: 'by-space', partition: [filter.spaceKey], needsPostFilter: fields > 1 };
  if (filter.createdBy !== undefined) return { index: 'by-creator', partition: [filter.createdBy], needsPostFilter: fields > 1 };
  if (filter.status !== undefined) return { index: 'by-status', partition: [filter.status], needsPostFilter: false };
  return { index: 'by-created', partition: [], needsPostFilter: false };
};

export const linkMatches = (link: ShareLink, filter: LinkFilter): boolean =>
  (filter.pageId === undefined || link.pageId === filter.pageId) &&
  (filter.spaceKey === undefined || link.spaceKey === filter.spaceKey) &&
  (filter.status === undefined || link.status === filter.status) &&
  (filter.createdBy === undefined || link.createdBy === filter.createdBy) &&
  (filter.expiring === undefined ||
    (link.expiresAt !== null && link.expiresAt > filter.expiring.after && link.expiresAt <= filter.expiring.until));

export const auditMatches = (entry: AuditEntry, filter: AuditFilter): boolean =>
  (filter.linkId === undefined || entry.linkId === filter.linkId) &&
  (filter.spaceKey === undefined || entry.spaceKey === filter.spaceKey) &&
  (filter.action === undefined || entry.action === filter.action) &&
  (filter.since === undefined || entry.at >= filter.since) &&
  (filter.until === undefined || entry.at <= filter.until);

export const emptyStats = (linkId: string): LinkStats => ({ linkId, views: 0, lastOpenedAt: null });

export const checkFilterStrings = (filter: object): void => {
  for (const [field, value] of Object.entries(filter)) {
    if (value !== undefined && typeof value === 'string' && value.length === 0) {
      throw new DomainError('invalid_input', `Filter ${field} must not be empty`, [{ field, message: 'Empty filter value' }]);
    }
  }
};
