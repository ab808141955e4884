import { listAllLinks, revokeLinks } from '../link-lists';
import { resetApp } from '../reset';
import { defineResolver, type ResolverHandler } from './define';
import { payloadSchemas } from './schemas';

/** Confluence admin resolvers: all links, bulk revoke, reset. */
export const adminResolvers: Record<string, ResolverHandler> = {
  listAllLinks: defineResolver(payloadSchemas.listAllLinks, (deps, caller, p) => listAllLinks(deps, caller, p)),
  revokeLinks: defineResolver(payloadSchemas.revokeLinks, (deps, caller, p) => revokeLinks(deps, caller, p.linkIds)),
  resetApp: defineResolver(payloadSchemas.resetApp, (deps, caller, p) => resetApp(deps, caller, p)),
};
