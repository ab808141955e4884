/**
 * Audit log resolvers. Who sees what:
 * - Confluence (site) admins: everything;
 * - space admins: their space (spaceKey filter required);
 * - the link's creator and editors of its page: that link (linkId filter required).
 */
import { z } from 'zod';
import { DomainError } from '../../core/errors';
import type { AuditEntry } from '../../core/model';
import type { CursorPage } from '../../shared/contract';
import { exportAuditCsv, getLinkStats, listAuditLog, MAX_STATS_LINKS, toAuditFilter, type AuditQuery } from '../audit-log';
import { authorizeSpaceAdmin, callerFrom, isSiteAdmin, type Caller } from '../authorize';
import type { AppDeps } from '../deps';
import type { AuditFilter, LinkStats } from '../ports';
import { linkIdSchema, payloadSchemas } from './schemas';

export interface AuditResolverRequest {
  payload: unknown;
  context: { accountId?: string; extension?: unknown };
}

type Handler = (req: AuditResolverRequest, deps: AppDeps) => Promise<unknown>;

const parse = <T>(schema: z.ZodType<T>, payload: unknown): T => {
  const result = schema.safeParse(payload ?? {});
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || undefined,
      message: issue.message,
    }));
    throw new DomainError('invalid_input', details[0]?.message ?? 'The request is not valid.', details);
  }
  return result.data;
};

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

export const getAuditLogHandler: Handler = async (req, deps): Promise<CursorPage<AuditEntry>> => {
  const caller = callerFrom(req.context);
  const payload = parse(payloadSchemas.getAuditLog, req.payload);
  const filter = await authorizeAuditFilter(deps, caller, payload);
  const page = await listAuditLog(deps, filter, { cursor: payload.cursor, limit: payload.limit });
  return page.nextCursor ? { items: page.items, nextCursor: page.nextCursor } : { items: page.items };
};

export const exportAuditCsvHandler: Handler = async (req, deps): Promise<{ filename: string; csv: string }> => {
  const caller = callerFrom(req.context);
  const payload = parse(payloadSchemas.exportAuditCsv, req.payload);
  const filter = await authorizeAuditFilter(deps, caller, payload);
  const result = await exportAuditCsv(deps, filter);
  return { filename: result.filename, csv: result.csv };
};

export const getLinkStatsPayloadSchema = z.strictObject({
  linkIds: z.array(linkIdSchema).min(1, 'Give at least one link id').max(MAX_STATS_LINKS, `At most ${MAX_STATS_LINKS} links`),
});

/** View counts and last opened time; links the caller may not read are refused as a whole. */
export const getLinkStatsHandler: Handler = async (req, deps): Promise<{ stats: LinkStats[] }> => {
  const caller = callerFrom(req.context);
  const { linkIds } = parse(getLinkStatsPayloadSchema, req.payload);
  const links = (await Promise.all([...new Set(linkIds)].map((id) => deps.store.links.get(id)))).filter(
    (l): l is NonNullable<typeof l> => l !== undefined,
  );
  if (!(await isSiteAdmin(deps, caller))) {
    for (const link of links) {
      if (!(await canReadLink(deps, caller, link))) throw new DomainError('forbidden', FORBIDDEN_LINK);
    }
  }
  return { stats: await getLinkStats(deps, links.map((l) => l.id)) };
};

/** Registered in resolvers/index.ts. */
export const auditResolvers = {
  getAuditLog: getAuditLogHandler,
  exportAuditCsv: exportAuditCsvHandler,
  getLinkStats: getLinkStatsHandler,
} as const satisfies Record<string, Handler>;
