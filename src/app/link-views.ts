import { defaultGlobalConfig, defaultSpaceConfig } from '../core/defaults';
import { linkScopeOf, type GlobalConfig, type LinkView, type ShareLink, type SpaceConfig } from '../core/model';
import { effectivePolicy, linkEffectiveStatus, resolveSpaceLevel, type EffectivePolicy, type PolicyRegistry, type SpaceLevelSource } from '../core/policy';
import type { EffectivePolicyView, LinkListItem } from '../shared/contract';
import type { AppDeps } from './deps';
import { cachedUserNames } from './name-cache';

/** The configurations that decide one space's links, and the policy derived from them. */
export interface SpacePolicy {
  global: GlobalConfig;
  /** The space level: the space's own settings, or the named configuration (or default) that applies to it. */
  space: SpaceConfig;
  policy: EffectivePolicy;
  /** Which configuration is the space level, and why (absent when the caller passed a space level directly). */
  source?: SpaceLevelSource;
}

export const loadGlobalConfig = async (deps: AppDeps): Promise<GlobalConfig> =>
  (await deps.store.configs.getGlobal()) ?? defaultGlobalConfig(deps.clock.now());

export const loadSpaceConfig = async (deps: AppDeps, spaceKey: string): Promise<SpaceConfig> =>
  (await deps.store.configs.getSpace(spaceKey)) ?? defaultSpaceConfig(spaceKey, deps.clock.now());

export const spacePolicyFrom = (global: GlobalConfig, space: SpaceConfig): SpacePolicy => ({
  global,
  space,
  policy: effectivePolicy(global, space),
});

/**
 * The policy of a space's links from its stored record and the registry of named configurations: the
 * space's own settings, else the configuration assigned to it, else the one new spaces get, else the default.
 */
export const resolvedSpacePolicy = (
  deps: Pick<AppDeps, 'clock'>,
  global: GlobalConfig,
  spaceKey: string,
  stored: SpaceConfig | undefined,
  registry: PolicyRegistry | undefined,
): SpacePolicy => {
  const level = resolveSpaceLevel(spaceKey, stored, registry, deps.clock.now());
  return { ...spacePolicyFrom(global, level.config), source: level.source };
};

/** The global configuration, the space's record and the registry, read in one wave. */
export const loadSpacePolicy = async (deps: AppDeps, spaceKey: string): Promise<SpacePolicy> => {
  const [global, stored, registry] = await Promise.all([
    loadGlobalConfig(deps),
    deps.store.configs.getSpace(spaceKey),
    deps.store.configs.getRegistry(),
  ]);
  return resolvedSpacePolicy(deps, global, spaceKey, stored, registry);
};

/** Memoizes space policies within one request that lists links of many spaces (global read once). */
export const createSpacePolicyCache = (deps: AppDeps): ((spaceKey: string) => Promise<SpacePolicy>) => {
  let shared: Promise<[GlobalConfig, PolicyRegistry | undefined]> | undefined;
  const spaces = new Map<string, Promise<SpacePolicy>>();
  return (spaceKey) => {
    shared ??= Promise.all([loadGlobalConfig(deps), deps.store.configs.getRegistry()]);
    let entry = spaces.get(spaceKey);
    if (!entry) {
      const both = shared;
      entry = Promise.all([both, deps.store.configs.getSpace(spaceKey)]).then(([[gc, registry], stored]) =>
        resolvedSpacePolicy(deps, gc, spaceKey, stored, registry),
      );
      spaces.set(spaceKey, entry);
    }
    return entry;
  };
};

/** A stored link as editors and admins see it: no hashes, status derived from the CURRENT policy. */
export const toLinkView = (link: ShareLink, policy: EffectivePolicy, now: number): LinkView => {
  const { effectiveStatus, violations, selectedUsersNarrowedTo } = linkEffectiveStatus(link, policy, now);
  return {
    id: link.id,
    scope: linkScopeOf(link),
    pageId: link.pageId,
    spaceKey: link.spaceKey,
    pageTitle: link.pageTitle,
    createdBy: link.createdBy,
    createdAt: link.createdAt,
    updatedAt: link.updatedAt,
    version: link.version,
    status: link.status,
    pageState: link.pageState,
    hasPassword: link.passwordHash !== null,
    urlAvailable: typeof link.tokenSealed === 'string',
    effectiveStatus,
    violations,
    selectedUsersNarrowedTo,
    name: link.name,
    description: link.description,
    comments: link.comments,
    attachments: link.attachments,
    includeChildren: link.includeChildren,
    withLabels: [...link.withLabels],
    withoutLabels: [...link.withoutLabels],
    shareRestrictedChildren: link.shareRestrictedChildren,
    showCreator: link.showCreator,
    allowSubscribe: link.allowSubscribe,
    expiresAt: link.expiresAt,
    allowedIps: [...link.allowedIps],
    selectedUsers: [...link.selectedUsers],
    requireSso: link.requireSso,
  };
};

/** A user's display name; null when the profile hides it, the account is unknown or the lookup fails (never an error). */
export const displayNameOf = (deps: Pick<AppDeps, 'content'>, accountId: string): Promise<string | null> =>
  Promise.resolve()
    .then(() => deps.content.getUser(accountId))
    .then((user) => user?.displayName || null)
    .catch(() => null);

/**
 * Creator display names for one request: names stored on links are remembered first; any other
 * account is looked up once, at the first ask, and shared by every later ask. Asks made together (in the
 * same turn of the event loop: a list's rows) go out as one bulk lookup through the 24-hour name cache
 * (name-cache.ts; review rubric CST-10 / PRF-07), never one call per row. A failed or empty lookup is
 * null, never an error: a list must not fail because a profile is hidden or Confluence hiccups.
 */
export const createCreatorNames = (deps: AppDeps) => {
  const names = new Map<string, Promise<string | null>>();
  /** Names already known without waiting: stored on a link, or a finished lookup. */
  const settled = new Map<string, string | null>();
  /** Accounts asked for in this turn, looked up together once it ends. */
  let queued: { accountId: string; resolve: (name: string | null) => void }[] = [];
  const flush = (): void => {
    const batch = queued;
    queued = [];
    cachedUserNames(deps, batch.map((entry) => entry.accountId)).then(
      (found) => batch.forEach((entry) => entry.resolve(found.get(entry.accountId) || null)),
      () => batch.forEach((entry) => entry.resolve(null)),
    );
  };
  const lookUp = (accountId: string): Promise<string | null> =>
    new Promise((resolve) => {
      if (queued.length === 0) queueMicrotask(flush);
      queued.push({ accountId, resolve });
    });
  const remember = (accountId: string, name: string): void => {
    settled.set(accountId, name);
    names.set(accountId, Promise.resolve(name));
  };
  const nameOf = (accountId: string): Promise<string | null> => {
    let name = names.get(accountId);
    if (!name) {
      name = lookUp(accountId).then((found) => {
        if (!settled.has(accountId)) settled.set(accountId, found);
        return found;
      });
      names.set(accountId, name);
    }
    return name;
  };
  /** The name if known now (undefined when never looked up or still pending). */
  const known = (accountId: string): string | null | undefined => settled.get(accountId);
  /** True once a lookup was started (or a name remembered) for this account. */
  const asked = (accountId: string): boolean => names.has(accountId);
  /** Adds `createdByName`, looking up every distinct creator in parallel. */
  const annotate = async (views: readonly LinkView[]): Promise<LinkListItem[]> => {
    const creators = [...new Set(views.map((view) => view.createdBy))];
    const resolved = new Map(await Promise.all(creators.map(async (id) => [id, await nameOf(id)] as const)));
    return views.map((view) => ({ ...view, createdByName: resolved.get(view.createdBy) ?? null }));
  };
  return { nameOf, remember, known, asked, annotate };
};

/** The effective policy in the UI's terms. */
export const toPolicyView = (policy: EffectivePolicy): EffectivePolicyView => {
  const maxDays = policy.requires.expiryMaxDays.value;
  return {
    sharingEnabled: policy.sharing.enabled,
    sharingDisabledBy: policy.sharing.enabled ? null : policy.sharing.disabledBy,
    comments: policy.caps.comments.value,
    attachments: policy.caps.attachments.value,
    childPages: policy.caps.childPages.value,
    restrictedChildPages: policy.caps.restrictedChildPages.value,
    passwordRequired: policy.requires.password.value,
    expiry:
      maxDays !== null
        ? { kind: 'custom', maxDays }
        : policy.requires.expiry.value
          ? { kind: 'mandatory' }
          : { kind: 'optional' },
    ssoRequired: policy.requires.sso.value,
    selectedUsers: [...policy.selectedUsers.value],
    enforced: {
      global: policy.enforcedLevels.includes('global'),
      space: policy.enforcedLevels.includes('space'),
    },
  };
};
