/**
 * Audit log resolvers. Who sees what:
 * - Confluence (site) admins: everything;
 * - space admins: their space (spaceKey filter required);
 * - the link's creator and editors of its page: that link (linkId filter required).
 */
import * as z from 'zod/mini';
import { DomainError } from '../../core/errors';
import type { AuditExportView, AuditLogPage } from '../../shared/contract';
import { getAuditExport, listAuditExports, startAuditExport } from '../audit-export';
import { resolveAuditNames } from '../audit-names';
import { getLinkStats, listAuditLog, MAX_STATS_LINKS, toAuditFilter, type AuditQuery } from '../audit-log';
import { authorizeSpaceAdmin, isSiteAdmin, type Caller } from '../authorize';
import type { AppDeps } from '../deps';
import type { AuditFilter, LinkStats } from '../ports';
import { defineResolver, type ResolverHandler } from './define';
import { linkIdSchema, payloadSchemas } from './schemas';

const FORBIDDEN_ALL = 'Only Confluence administrators can see the whole audit log. Choose a space you administer or one of your links.';
const FORBIDDEN_LINK = 'You can see the audit log of a link only if you created it, can edit its page, or administer its space.';

/** May the caller read this link's trail (creator, page editor, space admin)? Site admins are checked before. */
const canReadLink = async (deps: AppDeps, caller: Caller, link: { createdBy: string; pageId: string; spaceKey: string }): Promise<boolean> => {
  if (link.createdBy === caller.accountId) return true;
  try {
    if (await deps.rights.pageEditable(caller.accountId, link.pageId)) return true;
    return await deps.rights.isSpaceAdmin(caller.accountId, link.spaceKey);
  } catch {
    throw new DomainError('upstream_unavailable', 'Could not verify your permission in Confluence. Try again in a moment.');
  }
};

/** Narrows (or refuses) the filter to what the caller may read. */
export const authorizeAuditFilter = async (deps: AppDeps, caller: Caller, query: AuditQuery): Promise<AuditFilter> => {
  const filter = toAuditFilter(query);
  if (await isSiteAdmin(deps, caller)) return filter;
  if (filter.linkId) {
    const link = await deps.store.links.get(filter.linkId);
    if (link) {
      if (await canReadLink(deps, caller, link)) return filter;
      throw new DomainError('forbidden', FORBIDDEN_LINK);
    }
    // A deleted link's trail remains readable by the admins of the space it belonged to.
    if (filter.spaceKey) {
      await authorizeSpaceAdmin(deps, caller, filter.spaceKey);
      return filter;
    }
    throw new DomainError('forbidden', FORBIDDEN_LINK);
  }
  if (filter.spaceKey) {
    await authorizeSpaceAdmin(deps, caller, filter.spaceKey);
    return filter;
  }
  throw new DomainError('forbidden', FORBIDDEN_ALL);
};

/** A page of the log with the names it needs, resolved in bulk (a few requests per page, none per row). */
export const getAuditLogHandler = defineResolver(payloadSchemas.getAuditLog, async (deps, caller, payload): Promise<AuditLogPage> => {
  const filter = await authorizeAuditFilter(deps, caller, payload);
  const page = await listAuditLog(deps, filter, { cursor: payload.cursor, limit: payload.limit });
  const names = await resolveAuditNames(deps, page.items);
  return page.nextCursor ? { items: page.items, nextCursor: page.nextCursor, names } : { items: page.items, names };
});

/**
 * The whole log as CSV is a background job (audit-export.ts): Confluence admins only (re-checked there),
 * the same filter as getAuditLog. The answer carries the export id to ask getAuditExport about.
 */
export const startAuditExportHandler = defineResolver(payloadSchemas.startAuditExport, (deps, caller, payload): Promise<AuditExportView> =>
  startAuditExport(deps, caller, payload),
);

/** Progress, and once ready fresh signed download URLs; only for the admin who started the export. */
export const getAuditExportHandler = defineResolver(payloadSchemas.getAuditExport, (deps, caller, { exportId }): Promise<AuditExportView> =>
  getAuditExport(deps, caller, exportId),
);

/** The caller's own exports of the last 24 hours (newest first, at most 10), so closing the tab loses nothing. */
export const listAuditExportsHandler = defineResolver(payloadSchemas.listAuditExports, async (deps, caller): Promise<{ exports: AuditExportView[] }> => ({
  exports: await listAuditExports(deps, caller),
}));

export const getLinkStatsPayloadSchema = z.strictObject({
  linkIds: z.array(linkIdSchema).check(z.minLength(1, 'Give at least one link id'), z.maxLength(MAX_STATS_LINKS, `At most ${MAX_STATS_LINKS} links`)),
});

/**
 * Refuses unless the caller may read every link (creator, space admin, or editor of the page). Asks
 * Confluence once per distinct space, then once per distinct page left, in parallel: a listed page of
 * links costs a few rights calls, not two per link.
 */
const assertCanReadLinks = async (
  deps: AppDeps,
  caller: Caller,
  links: ReadonlyArray<{ createdBy: string; pageId: string; spaceKey: string }>,
): Promise<void> => {
  const others = links.filter((l) => l.createdBy !== caller.accountId);
  if (others.length === 0) return;
  let allowed: boolean;
  try {
    const spaces = [...new Set(others.map((l) => l.spaceKey))];
    const adminOf = await Promise.all(spaces.map((key) => deps.rights.isSpaceAdmin(caller.accountId, key)));
    const administered = new Set(spaces.filter((_, i) => adminOf[i]));
    const pages = [...new Set(others.filter((l) => !administered.has(l.spaceKey)).map((l) => l.pageId))];
    allowed = (await Promise.all(pages.map((pageId) => deps.rights.pageEditable(caller.accountId, pageId)))).every(Boolean);
  } catch {
    throw new DomainError('upstream_unavailable', 'Could not verify your permission in Confluence. Try again in a moment.');
  }
  if (!allowed) throw new DomainError('forbidden', FORBIDDEN_LINK);
};

/** View counts and last opened time; if the caller may not read one of the links, the request is refused. */
export const getLinkStatsHandler = defineResolver(getLinkStatsPayloadSchema, async (deps, caller, { linkIds }): Promise<{ stats: LinkStats[] }> => {
  const links = (await Promise.all([...new Set(linkIds)].map((id) => deps.store.links.get(id)))).filter(
    (l): l is NonNullable<typeof l> => l !== undefined,
  );
  if (!(await isSiteAdmin(deps, caller))) await assertCanReadLinks(deps, caller, links);
  return { stats: await getLinkStats(deps, links.map((l) => l.id)) };
});

/** Registered in resolvers/index.ts. */
export const auditResolvers: Record<'getAuditLog' | 'startAuditExport' | 'getAuditExport' | 'listAuditExports' | 'getLinkStats', ResolverHandler> = {
  getAuditLog: getAuditLogHandler,
  startAuditExport: startAuditExportHandler,
  getAuditExport: getAuditExportHandler,
  listAuditExports: listAuditExportsHandler,
  getLinkStats: getLinkStatsHandler,
};
