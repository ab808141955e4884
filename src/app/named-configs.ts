/**
 * Named space configurations (SPEC, policy hierarchy; External Share's "create a new configuration"):
 * Confluence admins define them, assign them to sets of spaces and choose the one new spaces get. A space
 * uses its own settings, else the configuration assigned to it, else the one for new spaces, else the
 * default (core/policy/space-level.ts). Also the classification rule, kept in the same record so a view
 * reads it in the same store wave as the link.
 */
import { defaultSpaceConfig } from '../core/defaults';
import { DomainError, isDomainError } from '../core/errors';
import type { SpaceConfig } from '../core/model';
import {
  DEFAULT_CONFIG_ID,
  emptyPolicyRegistry,
  hasOwnSettings,
  type NamedConfig,
  type PolicyRegistry,
} from '../core/policy';
import type {
  AssignedSpace,
  AssignResult,
  ClassificationSettingsResult,
  ConfigurationsResult,
  NamedConfigInput,
} from '../shared/configurations-contract';
import { recordAudit } from './audit';
import { authorizeSiteAdmin, authorizeSpaceAdmin, type Caller } from './authorize';
import { policySettingsFrom } from './configs';
import type { AppDeps } from './deps';

export const MAX_CONFIGURATIONS = 50;
export const MAX_ASSIGN_SPACES = 50;
export const ASSIGNED_SPACES_SHOWN = 100;
/** One KVS value holds the registry (240 KiB), less a margin for its wrapping. */
const REGISTRY_MAX_BYTES = 236 * 1024;

const STALE = new DomainError(
  'version_conflict',
  'Someone else changed the configurations since you opened them. Reload to see the latest version, then try again.',
);

export const loadRegistry = async (deps: AppDeps): Promise<PolicyRegistry> =>
  (await deps.store.configs.getRegistry()) ?? emptyPolicyRegistry(deps.clock.now());

/** Version-checked write of the registry; a concurrent write surfaces as one clear conflict. */
const writeRegistry = async (deps: AppDeps, caller: Caller, current: PolicyRegistry, change: Partial<PolicyRegistry>): Promise<PolicyRegistry> => {
  const next: PolicyRegistry = { ...current, ...change, version: current.version + 1, updatedAt: deps.clock.now(), updatedBy: caller.accountId };
  const bytes = Buffer.byteLength(JSON.stringify(next), 'utf8');
  if (bytes > REGISTRY_MAX_BYTES) {
    throw new DomainError(
      'invalid_input',
      `The configurations would take ${Math.ceil(bytes / 1024)} KB, more than the ${REGISTRY_MAX_BYTES / 1024} KB that can be saved. Shorten their selected-users lists or delete a configuration.`,
    );
  }
  try {
    await deps.store.configs.putRegistry(next, current.version);
  } catch (error) {
    if (isDomainError(error) && (error.code === 'version_conflict' || error.code === 'already_exists')) throw STALE;
    throw error;
  }
  return next;
};

const checkVersion = (registry: PolicyRegistry, version: number): void => {
  if (registry.version !== version) throw STALE;
};

const assignedSpaces = async (deps: AppDeps, configId: string): Promise<{ spaces: AssignedSpace[]; more: boolean }> => {
  const page = await deps.store.configs.listSpacesByConfig(configId, { limit: ASSIGNED_SPACES_SHOWN });
  return {
    spaces: page.items.map((space) => ({ key: space.spaceKey, ownSettings: hasOwnSettings(space) })),
    more: page.nextCursor !== undefined,
  };
};

const configurationsResult = async (deps: AppDeps, registry: PolicyRegistry): Promise<ConfigurationsResult> => {
  const [perConfig, defaults] = await Promise.all([
    Promise.all(registry.configs.map((config) => assignedSpaces(deps, config.id))),
    assignedSpaces(deps, DEFAULT_CONFIG_ID),
  ]);
  return {
    version: registry.version,
    configs: registry.configs.map((config, i) => ({ ...config, spaces: perConfig[i]!.spaces, moreSpaces: perConfig[i]!.more })),
    newSpacesConfigId: registry.newSpacesConfigId,
    defaultSpaces: defaults.spaces,
  };
};

export const getConfigurations = async (deps: AppDeps, caller: Caller): Promise<ConfigurationsResult> => {
  await authorizeSiteAdmin(deps, caller);
  return configurationsResult(deps, await loadRegistry(deps));
};

const newConfigId = (deps: AppDeps): string => `cfg-${Buffer.from(deps.random.bytes(6)).toString('hex')}`;

const nameProblem = (name: string, others: readonly NamedConfig[]): string | null => {
  if (name === '') return 'Give the configuration a name';
  if (name.length > 80) return 'The name is at most 80 characters';
  if (/^default$/i.test(name) || /^default link configuration$/i.test(name)) return 'That name is taken by the default link configuration';
  if (others.some((c) => c.name.toLowerCase() === name.toLowerCase())) return `There is already a configuration named '${name}'`;
  return null;
};

/** The configuration as it would be saved (normalized like the default and space configurations). */
export const namedConfigFrom = (input: NamedConfigInput, id: string, caller: Caller, now: number): NamedConfig => ({
  ...policySettingsFrom(input),
  id,
  name: input.name.trim(),
  description: input.description.trim(),
  sharingEnabled: input.sharingEnabled,
  applyOnSpaceLinks: input.applyOnSpaceLinks,
  updatedAt: now,
  updatedBy: caller.accountId,
});

/** Creates (no `id`) or edits a named configuration (Confluence admins). Links are never deleted by it. */
export const saveConfiguration = async (
  deps: AppDeps,
  caller: Caller,
  input: { version: number; id?: string | undefined; config: NamedConfigInput },
): Promise<ConfigurationsResult> => {
  await authorizeSiteAdmin(deps, caller);
  const registry = await loadRegistry(deps);
  checkVersion(registry, input.version);
  const existing = input.id === undefined ? undefined : registry.configs.find((c) => c.id === input.id);
  if (input.id !== undefined && !existing) throw new DomainError('not_found', 'This configuration no longer exists. Reload the list.');
  if (!existing && registry.configs.length >= MAX_CONFIGURATIONS) {
    throw new DomainError('invalid_input', `There can be at most ${MAX_CONFIGURATIONS} configurations. Delete one you no longer use first.`);
  }
  const name = input.config.name.trim();
  const problem = nameProblem(name, registry.configs.filter((c) => c.id !== input.id));
  if (problem) throw new DomainError('invalid_input', problem, [{ field: 'name', rule: 'name', message: problem }]);
  const config = namedConfigFrom(input.config, existing?.id ?? newConfigId(deps), caller, deps.clock.now());
  const configs = existing ? registry.configs.map((c) => (c.id === existing.id ? config : c)) : [...registry.configs, config];
  const next = await writeRegistry(deps, caller, registry, { configs });
  await recordAudit(deps, {
    action: 'policy_global_changed',
    actor: caller.accountId,
    detail: existing ? `Configuration '${config.name}' changed` : `Configuration '${config.name}' created`,
  });
  return configurationsResult(deps, next);
};

/** Deletes a configuration no space is assigned and new spaces do not get (Confluence admins). */
export const deleteConfiguration = async (deps: AppDeps, caller: Caller, input: { version: number; id: string }): Promise<ConfigurationsResult> => {
  await authorizeSiteAdmin(deps, caller);
  const registry = await loadRegistry(deps);
  checkVersion(registry, input.version);
  const config = registry.configs.find((c) => c.id === input.id);
  if (!config) throw new DomainError('not_found', 'This configuration no longer exists. Reload the list.');
  if (registry.newSpacesConfigId === config.id) {
    throw new DomainError('invalid_input', `New spaces get '${config.name}'. Choose another configuration for new spaces first.`);
  }
  const { spaces, more } = await assignedSpaces(deps, config.id);
  if (spaces.length > 0) {
    const count = more ? `${spaces.length}+` : String(spaces.length);
    throw new DomainError(
      'invalid_input',
      `'${config.name}' is assigned to ${count} ${spaces.length === 1 && !more ? 'space' : 'spaces'}. Assign ${spaces.length === 1 && !more ? 'it' : 'them'} another configuration first.`,
    );
  }
  const next = await writeRegistry(deps, caller, registry, { configs: registry.configs.filter((c) => c.id !== config.id) });
  await recordAudit(deps, { action: 'policy_global_changed', actor: caller.accountId, detail: `Configuration '${config.name}' deleted` });
  return configurationsResult(deps, next);
};

const configName = (registry: PolicyRegistry, id: string): string =>
  id === DEFAULT_CONFIG_ID ? 'the default link configuration' : `'${registry.configs.find((c) => c.id === id)?.name ?? id}'`;

/** Chooses the configuration of spaces that have neither their own settings nor an assignment. */
export const setNewSpacesConfiguration = async (
  deps: AppDeps,
  caller: Caller,
  input: { version: number; configId: string },
): Promise<ConfigurationsResult> => {
  await authorizeSiteAdmin(deps, caller);
  const registry = await loadRegistry(deps);
  checkVersion(registry, input.version);
  if (input.configId !== DEFAULT_CONFIG_ID && !registry.configs.some((c) => c.id === input.configId)) {
    throw new DomainError('not_found', 'This configuration no longer exists. Reload the list.');
  }
  const next = await writeRegistry(deps, caller, registry, { newSpacesConfigId: input.configId });
  await recordAudit(deps, { action: 'policy_global_changed', actor: caller.accountId, detail: `New spaces get ${configName(next, input.configId)}` });
  return configurationsResult(deps, next);
};

/**
 * Assigns a configuration ('default' for the default, null to leave it to the new-spaces choice) to spaces
 * (Confluence admins). Each space record is written version-checked; a space's own settings stay and still
 * apply (its admins can go back to the assigned configuration).
 */
export const assignConfiguration = async (
  deps: AppDeps,
  caller: Caller,
  input: { configId: string | null; spaceKeys: string[] },
): Promise<AssignResult> => {
  await authorizeSiteAdmin(deps, caller);
  const registry = await loadRegistry(deps);
  const { configId } = input;
  if (configId !== null && configId !== DEFAULT_CONFIG_ID && !registry.configs.some((c) => c.id === configId)) {
    throw new DomainError('not_found', 'This configuration no longer exists. Reload the list.');
  }
  const keys = [...new Set(input.spaceKeys)];
  if (keys.length > MAX_ASSIGN_SPACES) throw new DomainError('invalid_input', `Assign at most ${MAX_ASSIGN_SPACES} spaces at once.`);
  const result: Omit<AssignResult, 'configurations'> = { assigned: [], ownSettings: [], notFound: [] };
  for (const spaceKey of keys) {
    const [space, stored] = await Promise.all([deps.content.getSpace(spaceKey), deps.store.configs.getSpace(spaceKey)]);
    if (!space) {
      result.notFound.push(spaceKey);
      continue;
    }
    const now = deps.clock.now();
    const base: SpaceConfig = stored ?? defaultSpaceConfig(spaceKey, now);
    const { configId: _previous, ...rest } = base;
    const next: SpaceConfig = {
      ...rest,
      ...(configId === null ? {} : { configId }),
      // Spelled out, so records from before assignments keep their meaning.
      ownSettings: hasOwnSettings(stored),
      version: base.version + 1,
      updatedAt: now,
      updatedBy: caller.accountId,
    };
    try {
      await deps.store.configs.putSpace(next, base.version);
    } catch (error) {
      if (isDomainError(error) && (error.code === 'version_conflict' || error.code === 'already_exists')) throw new DomainError('version_conflict', `Someone changed space ${spaceKey} at the same time. Try again.`);
      throw error;
    }
    result.assigned.push(spaceKey);
    if (next.ownSettings) result.ownSettings.push(spaceKey);
    await recordAudit(deps, {
      action: 'policy_space_changed',
      actor: caller.accountId,
      spaceKey,
      detail: configId === null ? 'Configuration assignment removed (new spaces choice applies)' : `Assigned ${configName(registry, configId)}`,
    });
  }
  return { ...result, configurations: await configurationsResult(deps, registry) };
};

/** Space admins: drop the space's own settings, so the configuration assigned to it (or new spaces get) applies. */
export const useAssignedConfiguration = async (deps: AppDeps, caller: Caller, input: { spaceKey: string; version: number }): Promise<void> => {
  await authorizeSpaceAdmin(deps, caller, input.spaceKey);
  const stored = await deps.store.configs.getSpace(input.spaceKey);
  if (!stored || stored.version !== input.version) {
    throw new DomainError('version_conflict', 'Someone else changed the space configuration since you opened it. Reload to see the latest version, then try again.');
  }
  const next: SpaceConfig = { ...stored, ownSettings: false, version: stored.version + 1, updatedAt: deps.clock.now(), updatedBy: caller.accountId };
  try {
    await deps.store.configs.putSpace(next, stored.version);
  } catch (error) {
    if (isDomainError(error) && error.code === 'version_conflict') throw new DomainError('version_conflict', 'Someone else changed the space configuration at the same time. Reload, then try again.');
    throw error;
  }
  await recordAudit(deps, {
    action: 'policy_space_changed',
    actor: caller.accountId,
    spaceKey: input.spaceKey,
    detail: "The space's own settings were dropped; its assigned configuration applies",
  });
};

// ---------------------------------------------------------------------------------------------
// Classification rule

const levelsOf = async (deps: AppDeps): Promise<{ levels: ClassificationSettingsResult['levels']; problem: string | null }> => {
  try {
    const levels = (await deps.content.listClassificationLevels()).filter((l) => l.status === 'PUBLISHED');
    return {
      levels: levels.map(({ id, name, order, description }) => ({ id, name, order, description })),
      problem: levels.length === 0 ? 'This site has no published data classification levels. Confluence admins define them in Atlassian Administration.' : null,
    };
  } catch {
    return { levels: [], problem: 'The classification levels could not be read from Confluence right now. Try again in a moment.' };
  }
};

export const getClassificationSettings = async (deps: AppDeps, caller: Caller): Promise<ClassificationSettingsResult> => {
  await authorizeSiteAdmin(deps, caller);
  const [registry, { levels, problem }] = await Promise.all([loadRegistry(deps), levelsOf(deps)]);
  return { version: registry.version, rule: registry.classification, levels, levelsProblem: problem };
};

/** Sets (a level id from the site's own levels) or clears (null) the classification rule. */
export const setClassificationRule = async (
  deps: AppDeps,
  caller: Caller,
  input: { version: number; levelId: string | null },
): Promise<ClassificationSettingsResult> => {
  await authorizeSiteAdmin(deps, caller);
  const [registry, { levels, problem }] = await Promise.all([loadRegistry(deps), levelsOf(deps)]);
  checkVersion(registry, input.version);
  let rule: PolicyRegistry['classification'] = null;
  if (input.levelId !== null) {
    const level = levels.find((l) => l.id === input.levelId);
    if (!level) throw new DomainError('invalid_input', problem ?? 'That classification level is not one of this site’s levels. Reload the list.');
    rule = { levelId: level.id, name: level.name, order: level.order };
  }
  const next = await writeRegistry(deps, caller, registry, { classification: rule });
  await recordAudit(deps, {
    action: 'policy_global_changed',
    actor: caller.accountId,
    detail: rule ? `Classification rule: pages classified '${rule.name}' or higher cannot be shared` : 'Classification rule turned off',
  });
  return { version: next.version, rule, levels, levelsProblem: problem };
};
