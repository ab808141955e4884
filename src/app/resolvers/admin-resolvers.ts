import * as z from 'zod/mini';
import { applyRecommendedIpHeader, getDiagnostics, runDiagnostics } from '../diagnostics';
import { listAllLinks, revokeLinks } from '../link-lists';
import { pageWithLinkStats } from '../list-stats';
import { resetApp } from '../reset';
import { discoverSsoOrigins } from '../sso-provider-origins';
import { defineResolver, type ResolverHandler } from './define';
import { emptyPayload, payloadSchemas } from './schemas';

const noPayload = emptyPayload;
const runDiagnosticsPayload = z.pipe(
  z.optional(z.strictObject({ pageId: z.optional(z.string().check(z.trim(), z.maxLength(20))) })),
  z.transform((p: { pageId?: string | undefined } | undefined): { pageId?: string } => (p?.pageId ? { pageId: p.pageId } : {})),
);

/** Confluence admin resolvers: all links, bulk revoke, reset, identity-provider hosts, site self-test. */
export const adminResolvers: Record<string, ResolverHandler> = {
  listAllLinks: defineResolver(payloadSchemas.listAllLinks, async (deps, caller, p) => pageWithLinkStats(deps, await listAllLinks(deps, caller, p))),
  revokeLinks: defineResolver(payloadSchemas.revokeLinks, (deps, caller, p) => revokeLinks(deps, caller, p.linkIds)),
  resetApp: defineResolver(payloadSchemas.resetApp, (deps, caller, p) => resetApp(deps, caller, p)),
  discoverSsoOrigins: defineResolver(noPayload, (deps, caller) => discoverSsoOrigins(deps, caller)),
  runDiagnostics: defineResolver(runDiagnosticsPayload, (deps, caller, p) => runDiagnostics(deps, caller, p)),
  getDiagnostics: defineResolver(noPayload, (deps, caller) => getDiagnostics(deps, caller)),
  applyDiagnosticsIpHeader: defineResolver(noPayload, (deps, caller) => applyRecommendedIpHeader(deps, caller)),
};
