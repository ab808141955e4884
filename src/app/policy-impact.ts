/**
 * Impact preview before saving a tighter policy (issue 13): "N links will stop opening", each with its
 * reasons. Each active link is judged under the current and the proposed configurations by the same
 * functions that serve views (effectivePolicy + the checks decideView runs, via core linkImpact).
 * Bounded: active links are listed by index page by page, at most IMPACT_MAX_CHECKED of them; the answer
 * says when it stopped there.
 */
import { defaultSpaceConfig } from '../core/defaults';
import { DomainError } from '../core/errors';
import type { GlobalConfig, PolicySettings, ShareLink, SpaceConfig } from '../core/model';
import { DEFAULT_CONFIG_ID, effectivePolicy, hasOwnSettings, linkImpact, resolveSpaceLevel, type EffectivePolicy, type PolicyRegistry } from '../core/policy';
import type { ImpactedLink, ImpactRequest, PolicyImpactResult } from '../shared/configurations-contract';
import { authorizeSiteAdmin, authorizeSpaceAdmin, type Caller } from './authorize';
import { policySettingsFrom } from './configs';
import type { AppDeps } from './deps';
import { loadGlobalConfig } from './link-views';
import { loadRegistry, namedConfigFrom } from './named-configs';
import type { LinkFilter } from './ports';

export const IMPACT_MAX_CHECKED = 2000;
export const IMPACT_LINKS_SHOWN = 100;
const PAGE = 100;

/** The three inputs of a space's policy, as they are and as they would be. */
interface Inputs {
  global: GlobalConfig;
  registry: PolicyRegistry;
  /** The proposed record of a space (its settings or its assignment), given the stored one. */
  record?: (spaceKey: string, stored: SpaceConfig | undefined) => SpaceConfig | undefined;
}

const policyFor = (inputs: Inputs, spaceKey: string, stored: SpaceConfig | undefined, now: number): EffectivePolicy => {
  const record = inputs.record ? inputs.record(spaceKey, stored) : stored;
  return effectivePolicy(inputs.global, resolveSpaceLevel(spaceKey, record, inputs.registry, now).config);
};

/** Which active links can be affected: every one, or those of some spaces. */
type Scan = { kind: 'all' } | { kind: 'spaces'; keys: string[] };

const withSettings = <T extends object>(base: T, settings: PolicySettings): T => ({ ...base, ...policySettingsFrom(settings) });

/** The spaces whose level is the configuration (assigned and without their own settings), or all when new spaces get it. */
const configurationScan = async (deps: AppDeps, registry: PolicyRegistry, configId: string, maxChecked: number): Promise<Scan> => {
  if (registry.newSpacesConfigId === configId) return { kind: 'all' };
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.configs.listSpacesByConfig(configId, { limit: PAGE, ...(cursor ? { cursor } : {}) });
    keys.push(...page.items.map((s) => s.spaceKey));
    cursor = page.nextCursor;
    // More spaces than links we would check: scan every active link instead.
    if (keys.length > maxChecked / 10) return { kind: 'all' };
  } while (cursor);
  return { kind: 'spaces', keys };
};

export const previewPolicyImpact = async (
  deps: AppDeps,
  caller: Caller,
  request: ImpactRequest,
  options: { maxChecked?: number } = {},
): Promise<PolicyImpactResult> => {
  const maxChecked = options.maxChecked ?? IMPACT_MAX_CHECKED;
  if (request.level === 'space') await authorizeSpaceAdmin(deps, caller, request.spaceKey);
  else await authorizeSiteAdmin(deps, caller);
  const now = deps.clock.now();
  const [global, registry] = await Promise.all([loadGlobalConfig(deps), loadRegistry(deps)]);
  const current: Inputs = { global, registry };
  let proposed: Inputs;
  let scan: Scan;
  if (request.level === 'global') {
    proposed = {
      global: { ...withSettings(global, request.config), sharingEnabled: request.config.sharingEnabled, applyOnAllLinks: request.config.applyOnAllLinks },
      registry,
    };
    scan = { kind: 'all' };
  } else if (request.level === 'configuration') {
    if (request.configId === DEFAULT_CONFIG_ID || !registry.configs.some((c) => c.id === request.configId)) {
      throw new DomainError('not_found', 'This configuration no longer exists. Reload the list.');
    }
    const config = namedConfigFrom(request.config, request.configId, caller, now);
    proposed = { global, registry: { ...registry, configs: registry.configs.map((c) => (c.id === config.id ? config : c)) } };
    scan = await configurationScan(deps, registry, request.configId, maxChecked);
  } else if (request.level === 'space') {
    const stored = (await deps.store.configs.getSpace(request.spaceKey)) ?? defaultSpaceConfig(request.spaceKey, now);
    const config: SpaceConfig = {
      ...withSettings(stored, request.config),
      sharingEnabled: request.config.sharingEnabled,
      applyOnSpaceLinks: request.config.applyOnSpaceLinks,
      // Saving the space settings makes them the space's own.
      ownSettings: true,
    };
    proposed = { global, registry, record: (key, stored) => (key === request.spaceKey ? config : stored) };
    scan = { kind: 'spaces', keys: [request.spaceKey] };
  } else if (request.level === 'assignment') {
    const { configId } = request;
    const keys = new Set(request.spaceKeys);
    proposed = {
      global,
      registry,
      record: (key, stored) => {
        if (!keys.has(key)) return stored;
        const { configId: _previous, ...rest } = stored ?? defaultSpaceConfig(key, now);
        return { ...rest, ...(configId === null ? {} : { configId }), ownSettings: hasOwnSettings(stored) };
      },
    };
    scan = { kind: 'spaces', keys: [...keys] };
  } else {
    if (request.configId !== DEFAULT_CONFIG_ID && !registry.configs.some((c) => c.id === request.configId)) {
      throw new DomainError('not_found', 'This configuration no longer exists. Reload the list.');
    }
    proposed = { global, registry: { ...registry, newSpacesConfigId: request.configId } };
    scan = { kind: 'all' };
  }

  const records = new Map<string, Promise<SpaceConfig | undefined>>();
  const recordOf = (key: string): Promise<SpaceConfig | undefined> => {
    let found = records.get(key);
    if (!found) {
      found = deps.store.configs.getSpace(key);
      records.set(key, found);
    }
    return found;
  };

  const impacted: ImpactedLink[] = [];
  let stopping = 0;
  let checked = 0;
  let capped = false;
  const judge = async (links: ShareLink[]): Promise<void> => {
    for (const link of links) {
      if (checked >= maxChecked) {
        capped = true;
        return;
      }
      checked += 1;
      const stored = await recordOf(link.spaceKey);
      const impact = linkImpact(link, policyFor(current, link.spaceKey, stored, now), policyFor(proposed, link.spaceKey, stored, now), now);
      if (!impact) continue;
      stopping += 1;
      if (impacted.length < IMPACT_LINKS_SHOWN) {
        impacted.push({ id: link.id, name: link.name, pageTitle: link.pageTitle, spaceKey: link.spaceKey, reasons: impact.reasons });
      }
    }
  };
  const walk = async (filter: LinkFilter): Promise<void> => {
    let cursor: string | undefined;
    do {
      if (checked >= maxChecked) {
        capped = true;
        return;
      }
      const page = await deps.store.links.list(filter, { limit: PAGE, ...(cursor ? { cursor } : {}) });
      await judge(page.items);
      cursor = page.nextCursor;
    } while (cursor && !capped);
  };
  if (scan.kind === 'all') await walk({ status: 'active' });
  else for (const key of scan.keys) if (!capped) await walk({ spaceKey: key, status: 'active' });
  return { stopping, links: impacted, checked, capped };
};
