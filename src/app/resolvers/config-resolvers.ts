import { getGlobalConfig, getSiteSettings, getSpaceConfig, setGlobalConfig, setSiteSettings, setSpaceConfig } from '../configs';
import { listSpaceLinks } from '../link-lists';
import { defineResolver, type ResolverHandler } from './define';
import { payloadSchemas } from './schemas';

/** Space settings and global settings resolvers (policies and site settings). */
export const configResolvers: Record<string, ResolverHandler> = {
  getSpaceConfig: defineResolver(payloadSchemas.getSpaceConfig, (deps, caller, p) => getSpaceConfig(deps, caller, p.spaceKey)),
  setSpaceConfig: defineResolver(payloadSchemas.setSpaceConfig, (deps, caller, p) => setSpaceConfig(deps, caller, p)),
  listSpaceLinks: defineResolver(payloadSchemas.listSpaceLinks, (deps, caller, p) => listSpaceLinks(deps, caller, p)),
  getGlobalConfig: defineResolver(payloadSchemas.getGlobalConfig, (deps, caller) => getGlobalConfig(deps, caller)),
  setGlobalConfig: defineResolver(payloadSchemas.setGlobalConfig, (deps, caller, p) => setGlobalConfig(deps, caller, p)),
  getSiteSettings: defineResolver(payloadSchemas.getSiteSettings, (deps, caller) => getSiteSettings(deps, caller)),
  setSiteSettings: defineResolver(payloadSchemas.setSiteSettings, (deps, caller, p) => setSiteSettings(deps, caller, p)),
};
