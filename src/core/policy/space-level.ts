import { defaultSpaceConfig } from '../defaults';
import type { PolicySettings, SpaceConfig } from '../model';
import { policySettingsOf } from '../policy-settings';

/** The id that stands for the default link configuration in assignments and the new-spaces setting. */
export const DEFAULT_CONFIG_ID = 'default';

/**
 * A named space configuration (External Share's "Edit default or create a new configuration"): the same
 * fields as a space configuration, defined by Confluence admins and assigned to sets of spaces.
 */
export interface NamedConfig extends PolicySettings {
  /** Short opaque id (never 'default'). */
  id: string;
  name: string;
  description: string;
  sharingEnabled: boolean;
  /** ON = ceilings/requirements for the links of the spaces that use it; OFF = only defaults. */
  applyOnSpaceLinks: boolean;
  updatedAt: number;
  updatedBy: string | null;
}

/** Pages at or above this Confluence data classification level cannot be shared. */
export interface ClassificationRule {
  levelId: string;
  /** The level's name when the rule was saved, for messages. */
  name: string;
  /** The level's order on the site when the rule was saved (higher = more sensitive). */
  order: number;
}

/**
 * What Confluence admins set beside the default configuration, kept in one record so a view reads it in
 * the same store wave as the link: the named configurations, the one new spaces get, the classification rule.
 */
export interface PolicyRegistry {
  configs: NamedConfig[];
  /** The configuration of spaces that have neither their own settings nor an assignment; 'default' = the default. */
  newSpacesConfigId: string;
  classification: ClassificationRule | null;
  version: number;
  updatedAt: number;
  updatedBy: string | null;
}

export const emptyPolicyRegistry = (now: number): PolicyRegistry => ({
  configs: [],
  newSpacesConfigId: DEFAULT_CONFIG_ID,
  classification: null,
  version: 0,
  updatedAt: now,
  updatedBy: null,
});

/** Why a space's links follow the settings they follow. */
export type SpaceLevelSource =
  | { kind: 'own' }
  | { kind: 'assigned'; configId: string; name: string }
  | { kind: 'new_spaces'; configId: string; name: string }
  | { kind: 'default'; why: 'assigned' | 'new_spaces' | 'missing' };

export interface SpaceLevel {
  /** The space level of the policy hierarchy (effectivePolicy's second argument). */
  config: SpaceConfig;
  source: SpaceLevelSource;
}

/** True when the space's own saved settings apply (records from before assignments: any saved version). */
export const hasOwnSettings = (space: SpaceConfig | undefined): boolean =>
  space !== undefined && (space.ownSettings ?? space.version > 0);

/** A named configuration as the space level of one space. Version 1: it was saved, so its defaults apply. */
const asSpaceLevel = (spaceKey: string, named: NamedConfig): SpaceConfig => ({
  ...policySettingsOf(named),
  spaceKey,
  sharingEnabled: named.sharingEnabled,
  applyOnSpaceLinks: named.applyOnSpaceLinks,
  version: 1,
  updatedAt: named.updatedAt,
  updatedBy: named.updatedBy,
});

/**
 * The configuration that decides a space's links (SPEC, policy hierarchy): the space's own settings, else
 * the named configuration assigned to it, else the one new spaces get, else the default. An assignment to
 * a configuration that no longer exists falls back to the default (deleting refuses while assigned).
 */
export const resolveSpaceLevel = (spaceKey: string, space: SpaceConfig | undefined, registry: PolicyRegistry | undefined, now: number): SpaceLevel => {
  if (space !== undefined && hasOwnSettings(space)) return { config: space, source: { kind: 'own' } };
  const unsaved = defaultSpaceConfig(spaceKey, now);
  const assigned = space?.configId;
  const wanted = assigned ?? registry?.newSpacesConfigId ?? DEFAULT_CONFIG_ID;
  if (wanted === DEFAULT_CONFIG_ID) return { config: unsaved, source: { kind: 'default', why: assigned === undefined ? 'new_spaces' : 'assigned' } };
  const named = registry?.configs.find((c) => c.id === wanted);
  if (!named) return { config: unsaved, source: { kind: 'default', why: 'missing' } };
  return {
    config: asSpaceLevel(spaceKey, named),
    source: assigned === undefined ? { kind: 'new_spaces', configId: named.id, name: named.name } : { kind: 'assigned', configId: named.id, name: named.name },
  };
};

/** One sentence for the space settings: which configuration applies and why. */
export const describeSpaceLevel = (source: SpaceLevelSource): string => {
  switch (source.kind) {
    case 'own':
      return "This space uses its own settings, saved by its admins. They apply instead of any configuration assigned to the space.";
    case 'assigned':
      return `This space uses the configuration '${source.name}', which a Confluence admin assigned to it.`;
    case 'new_spaces':
      return `This space uses the configuration '${source.name}': no configuration is assigned to it, and '${source.name}' is the one new spaces get.`;
    case 'default':
      return source.why === 'assigned'
        ? 'This space uses the default link configuration, which a Confluence admin assigned to it.'
        : source.why === 'missing'
          ? 'This space uses the default link configuration: the configuration assigned to it no longer exists.'
          : 'This space uses the default link configuration: no configuration is assigned to it, and new spaces get the default.';
  }
};
