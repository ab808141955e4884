import { getGlobalConfig, getSiteSettings, getSpaceConfig, setGlobalConfig, setSiteSettings, setSpaceConfig } from '../configs';
import { SPACE_LINKS_FIRST_PAGE } from '../../shared/contract';
import type { AppDeps } from '../deps';
import { listLinks, listSpaceLinks } from '../link-lists';
import { pageWithLinkStats } from '../list-stats';
import { defineResolver, type ResolverHandler } from './define';
import { payloadSchemas } from './schemas';

/**
 * The space's first page of links as the settings screen first shows it, read beside the configuration
 * (returned only once getSpaceConfig authorized the caller). A failure only leaves it out.
 */
const firstLinksPage = (deps: AppDeps, spaceKey: string) =>
  listLinks(deps, { spaceKey, limit: SPACE_LINKS_FIRST_PAGE })
    .then((page) => pageWithLinkStats(deps, page))
    .catch(() => undefined);

/** Space settings and global settings resolvers (policies and site settings). */
export const configResolvers: Record<string, ResolverHandler> = {
  // One call opens space settings (review rubric CST-01): configuration, first page of links, their stats.
  getSpaceConfig: defineResolver(payloadSchemas.getSpaceConfig, async (deps, caller, p) => {
    const links = firstLinksPage(deps, p.spaceKey);
    // Awaited even when refused: no work may outlive the invocation (a warm runtime serves other sites next).
    const config = await getSpaceConfig(deps, caller, p.spaceKey).finally(() => links);
    const first = await links;
    return first ? { ...config, links: first } : config;
  }),
  setSpaceConfig: defineResolver(payloadSchemas.setSpaceConfig, (deps, caller, p) => setSpaceConfig(deps, caller, p)),
  listSpaceLinks: defineResolver(payloadSchemas.listSpaceLinks, async (deps, caller, p) => pageWithLinkStats(deps, await listSpaceLinks(deps, caller, p))),
  getGlobalConfig: defineResolver(payloadSchemas.getGlobalConfig, (deps, caller) => getGlobalConfig(deps, caller)),
  setGlobalConfig: defineResolver(payloadSchemas.setGlobalConfig, (deps, caller, p) => setGlobalConfig(deps, caller, p)),
  getSiteSettings: defineResolver(payloadSchemas.getSiteSettings, (deps, caller) => getSiteSettings(deps, caller)),
  setSiteSettings: defineResolver(payloadSchemas.setSiteSettings, (deps, caller, p) => setSiteSettings(deps, caller, p)),
};
