import type { SpaceConfig } from '../core/model';
import { describeSpaceLevel, resolveSpaceLevel, type PolicyRegistry } from '../core/policy';
import type { SpaceConfigurationView } from '../shared/configurations-contract';

/** Which configuration applies to a space and why, for its settings page. */
export const spaceConfigurationView = (spaceKey: string, stored: SpaceConfig | undefined, registry: PolicyRegistry | undefined, now: number): SpaceConfigurationView => {
  const { source } = resolveSpaceLevel(spaceKey, stored, registry, now);
  const withoutOwn = resolveSpaceLevel(spaceKey, stored ? { ...stored, ownSettings: false } : undefined, registry, now).source;
  return {
    source,
    sentence: describeSpaceLevel(source),
    canUseAssigned: source.kind === 'own' && withoutOwn.kind !== 'default',
  };
};

