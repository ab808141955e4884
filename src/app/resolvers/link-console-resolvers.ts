/**
 * The admins' links console (issue 13): bulk actions, the edit form's context and the links CSV export.
 * Rights are re-checked by every use case (link-console.ts, audit-export.ts); the caller comes only from
 * the resolver context.
 */
import type { AuditExportView } from '../../shared/contract';
import { listAuditExports, startLinksExport } from '../audit-export';
import { bulkLinkAction, getLinkForEdit } from '../link-console';
import { defineResolver, type ResolverHandler } from './define';
import { bulkLinksPayload, getLinkForEditPayload, listLinksExportsPayload, startLinksExportPayload } from './link-console-schemas';

/** Registered in resolvers/index.ts. */
export const linkConsoleResolvers: Record<'bulkLinks' | 'getLinkForEdit' | 'startLinksExport' | 'listLinksExports', ResolverHandler> = {
  bulkLinks: defineResolver(bulkLinksPayload, (deps, caller, p) => bulkLinkAction(deps, caller, p)),
  getLinkForEdit: defineResolver(getLinkForEditPayload, (deps, caller, p) => getLinkForEdit(deps, caller, p.linkId)),
  startLinksExport: defineResolver(startLinksExportPayload, (deps, caller, p): Promise<AuditExportView> => startLinksExport(deps, caller, p)),
  listLinksExports: defineResolver(listLinksExportsPayload, async (deps, caller, p): Promise<{ exports: AuditExportView[] }> => ({
    exports: await listAuditExports(deps, caller, 'links', p.spaceKey),
  })),
};
