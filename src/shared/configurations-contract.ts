/**
 * Named configurations, impact previews and the classification rule (issue 13): what their resolvers take
 * and answer. ResolverContract (contract.ts) lists them.
 */
import type { PolicySettings } from '../core/model';
import type { ClassificationRule, NamedConfig, SpaceLevelSource } from '../core/policy';

export type { ClassificationRule, NamedConfig, SpaceLevelSource } from '../core/policy';

/** A named configuration as the form edits it. */
export interface NamedConfigInput extends PolicySettings {
  name: string;
  description: string;
  sharingEnabled: boolean;
  applyOnSpaceLinks: boolean;
}

/** A space a configuration is assigned to. `ownSettings`: its own settings apply instead, until its admins drop them. */
export interface AssignedSpace {
  key: string;
  ownSettings: boolean;
}

export interface NamedConfigView extends NamedConfig {
  /** The spaces assigned to it, in key order (at most ASSIGNED_SPACES_SHOWN). */
  spaces: AssignedSpace[];
  /** More spaces are assigned than listed. */
  moreSpaces: boolean;
}

export interface ConfigurationsResult {
  /** Version of the record holding the configurations, the new-spaces choice and the classification rule. */
  version: number;
  configs: NamedConfigView[];
  /** The configuration of spaces with neither their own settings nor an assignment ('default' = the default). */
  newSpacesConfigId: string;
  /** Spaces explicitly assigned the default configuration. */
  defaultSpaces: AssignedSpace[];
}

/** What assigning did, space by space. */
export interface AssignResult {
  assigned: string[];
  /** Assigned, but their own settings still apply until their admins go back to the assigned configuration. */
  ownSettings: string[];
  /** No such space (or the app cannot see it): nothing written. */
  notFound: string[];
  configurations: ConfigurationsResult;
}

/** The change an impact preview is asked about: the settings as they would be saved. */
export type ImpactRequest =
  | { level: 'global'; config: PolicySettings & { sharingEnabled: boolean; applyOnAllLinks: boolean } }
  | { level: 'configuration'; configId: string; config: NamedConfigInput }
  | { level: 'space'; spaceKey: string; config: PolicySettings & { sharingEnabled: boolean; applyOnSpaceLinks: boolean } }
  /** Assigning a configuration ('default', or null for none) to spaces. */
  | { level: 'assignment'; configId: string | null; spaceKeys: string[] }
  /** Choosing the configuration new spaces (and spaces without one) get. */
  | { level: 'newSpaces'; configId: string };

export interface ImpactedLink {
  id: string;
  name: string;
  pageTitle: string;
  spaceKey: string;
  /** Each broken rule, in plain words. */
  reasons: string[];
}

export interface PolicyImpactResult {
  /** Links that open today and would stop opening. */
  stopping: number;
  /** The first of them (at most IMPACT_LINKS_SHOWN). */
  links: ImpactedLink[];
  /** Active links checked. */
  checked: number;
  /** The check stopped at its limit: more links may stop opening than counted. */
  capped: boolean;
}

export interface ClassificationLevelView {
  id: string;
  name: string;
  order: number;
  description: string;
}

export interface ClassificationSettingsResult {
  version: number;
  rule: ClassificationRule | null;
  /** The site's published levels, least sensitive first. */
  levels: ClassificationLevelView[];
  /** Why the levels could not be read, in plain words; null when they were. */
  levelsProblem: string | null;
}

/** Which configuration applies to a space, and why (space settings). */
export interface SpaceConfigurationView {
  source: SpaceLevelSource;
  /** One plain sentence. */
  sentence: string;
  /** The space has its own settings and a configuration assigned (or one for new spaces) it could go back to. */
  canUseAssigned: boolean;
}
