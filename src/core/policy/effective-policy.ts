import type { AccessLevel, GlobalConfig, LinkSettings, PolicySettings, SpaceConfig } from '../model';
import { narrowSelectedUsersDetailed, type NarrowingOutcome } from '../selected-users';

/** A level of the policy hierarchy that can enforce rules on links. */
export type PolicyLevel = 'global' | 'space';

/**
 * One rule of the effective policy: its value and the level that imposes it. `enforcedBy: null` means no
 * enforced level sets the rule, and `value` is then the most permissive one (no cap, not required).
 * When several enforced levels agree, the higher one (global) is named: relaxing the lower would not help.
 */
export interface PolicyRule<T> {
  value: T;
  enforcedBy: PolicyLevel | null;
}

/** What a new link form starts from: the space's settings (or the global ones), clamped to the caps. */
export interface LinkFormDefaults {
  comments: AccessLevel;
  attachments: AccessLevel;
  includeChildren: boolean;
  shareRestrictedChildren: boolean;
  /** The form starts with password protection switched on. */
  password: boolean;
  /** Days after creation the expiry field starts at, or null for "no expiry". */
  expiresInDays: number | null;
  requireSso: boolean;
  selectedUsers: string[];
}

/**
 * The policy a link of one space must obey, derived from the global "Default link configuration" and the
 * space configuration. Only enforced levels ("Apply on all links" / "Apply on space links" ON) constrain
 * links; they combine most-restrictively (caps take the minimum, requirements OR, the smallest custom
 * expiry wins, selected users narrow by the External Share rule). Non-enforced levels only feed `defaults`.
 * Every rule records which level enforces it so messages can say "Required by the space policy".
 */
export interface EffectivePolicy {
  sharing: { enabled: true } | { enabled: false; disabledBy: PolicyLevel };
  /** Levels whose settings are ceilings/requirements, global first. */
  enforcedLevels: PolicyLevel[];
  caps: {
    comments: PolicyRule<AccessLevel>;
    attachments: PolicyRule<AccessLevel>;
    /** May links include child pages. */
    childPages: PolicyRule<boolean>;
    /** May links share child pages restricted in Confluence (false whenever child pages are not allowed). */
    restrictedChildPages: PolicyRule<boolean>;
  };
  requires: {
    password: PolicyRule<boolean>;
    /** An expiry date is required (expiry mandatory, or custom which implies mandatory). */
    expiry: PolicyRule<boolean>;
    /** Largest allowed lifetime in days from the link's creation, or null when unlimited. */
    expiryMaxDays: PolicyRule<number | null>;
    sso: PolicyRule<boolean>;
  };
  /** The effective selected-users list; empty value = anyone with the link (subject to the link's own list). */
  selectedUsers: PolicyRule<string[]> & { outcome: NarrowingOutcome | null };
  defaults: LinkFormDefaults;
}

const ACCESS_RANK: Record<AccessLevel, number> = { none: 0, view: 1, view_add: 2 };

/** The lower of two access levels (none < view < view_add). */
export const minAccess = (a: AccessLevel, b: AccessLevel): AccessLevel => (ACCESS_RANK[a] <= ACCESS_RANK[b] ? a : b);

/** True when `level` is above `cap`. Unknown values count as above any cap (fail closed). */
export const exceedsAccess = (level: AccessLevel, cap: AccessLevel): boolean => {
  const rank = ACCESS_RANK[level] as number | undefined;
  return rank === undefined || rank > ACCESS_RANK[cap];
};

interface EnforcingLevel {
  level: PolicyLevel;
  settings: PolicySettings;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_EXPIRY_DAYS = 30;

/** Keeps the first (highest) level among equally restrictive ones. */
const mostRestrictive = <T>(
  levels: readonly EnforcingLevel[],
  permissive: T,
  pick: (settings: PolicySettings) => T,
  isStricter: (candidate: T, current: T) => boolean,
): PolicyRule<T> => {
  let rule: PolicyRule<T> = { value: permissive, enforcedBy: null };
  for (const { level, settings } of levels) {
    const value = pick(settings);
    if (isStricter(value, rule.value)) {
      rule = { value, enforcedBy: level };
    }
  }
  return rule;
};

// Stored configs are validated on save; anything else found at read time counts as the strictest value.
const storedAccess = (value: unknown): AccessLevel =>
  value === 'view' || value === 'view_add' ? value : 'none';

const accessCap = (levels: readonly EnforcingLevel[], pick: (s: PolicySettings) => AccessLevel): PolicyRule<AccessLevel> =>
  mostRestrictive(levels, 'view_add', (s) => storedAccess(pick(s)), (a, b) => exceedsAccess(b, a));

const forbidding = (levels: readonly EnforcingLevel[], pick: (s: PolicySettings) => boolean): PolicyRule<boolean> =>
  mostRestrictive(levels, true, pick, (candidate, current) => !candidate && current);

const requiring = (levels: readonly EnforcingLevel[], pick: (s: PolicySettings) => boolean): PolicyRule<boolean> =>
  mostRestrictive(levels, false, pick, (candidate, current) => candidate && !current);

const customMaxDays = (settings: PolicySettings): number | null => {
  if (settings.expiry.kind !== 'custom') return null;
  const { maxDays } = settings.expiry;
  return Number.isFinite(maxDays) && maxDays > 0 ? Math.floor(maxDays) : 0;
};

const smallerMaxDays = (candidate: number | null, current: number | null): boolean =>
  candidate !== null && (current === null || candidate < current);

const combineSelectedUsers = (
  globalLevel: EnforcingLevel | undefined,
  spaceLevel: EnforcingLevel | undefined,
): EffectivePolicy['selectedUsers'] => {
  const globalList = globalLevel?.settings.selectedUsers ?? [];
  const spaceList = spaceLevel?.settings.selectedUsers ?? [];
  if (globalList.length === 0 && spaceList.length === 0) return { value: [], enforcedBy: null, outcome: null };
  if (spaceList.length === 0) return { value: [...globalList], enforcedBy: 'global', outcome: null };
  if (globalList.length === 0) return { value: [...spaceList], enforcedBy: 'space', outcome: null };
  const narrowed = narrowSelectedUsersDetailed(spaceList, globalList);
  return {
    value: narrowed.entries,
    enforcedBy: narrowed.outcome === 'conflict' ? 'global' : 'space',
    outcome: narrowed.outcome,
  };
};

const formDefaults = (
  source: PolicySettings,
  sourceEnforced: boolean,
  policy: Omit<EffectivePolicy, 'defaults'>,
): LinkFormDefaults => {
  // "On by default" is its own setting (absent in configs stored before it existed = off): allowing child
  // pages never makes new links share them by itself.
  const includeChildren = source.childPagesOnByDefault === true && source.childPages && policy.caps.childPages.value;
  const maxDays = policy.requires.expiryMaxDays.value;
  let expiresInDays: number | null =
    source.expiry.kind === 'custom' ? source.expiry.maxDays : source.expiry.kind === 'mandatory' ? DEFAULT_EXPIRY_DAYS : null;
  if (expiresInDays === null && policy.requires.expiry.value) expiresInDays = DEFAULT_EXPIRY_DAYS;
  if (expiresInDays !== null && maxDays !== null) expiresInDays = Math.min(expiresInDays, maxDays);
  return {
    comments: minAccess(source.comments, policy.caps.comments.value),
    attachments: minAccess(source.attachments, policy.caps.attachments.value),
    includeChildren,
    shareRestrictedChildren:
      includeChildren && source.restrictedChildPagesOnByDefault === true && source.restrictedChildPages && policy.caps.restrictedChildPages.value,
    password: source.password === 'mandatory' || policy.requires.password.value,
    expiresInDays,
    requireSso: source.enforceSso || policy.requires.sso.value,
    // An enforced list already applies to links with an empty list; a default list is narrowed to it.
    selectedUsers: sourceEnforced || source.selectedUsers.length === 0
      ? []
      : narrowSelectedUsersDetailed(source.selectedUsers, policy.selectedUsers.value).entries,
  };
};

/**
 * Computes the policy links of a space must obey right now. `space` is undefined when the space has no
 * configuration; a space configuration with version 0 (never saved) does not override global form defaults.
 */
export const effectivePolicy = (global: GlobalConfig, space: SpaceConfig | undefined): EffectivePolicy => {
  // Only an explicit true opens links: a damaged or missing switch keeps sharing off (fail closed).
  const sharing: EffectivePolicy['sharing'] = global.sharingEnabled !== true
    ? { enabled: false, disabledBy: 'global' }
    : space !== undefined && space.sharingEnabled !== true
      ? { enabled: false, disabledBy: 'space' }
      : { enabled: true };

  const globalLevel: EnforcingLevel | undefined = global.applyOnAllLinks === true ? { level: 'global', settings: global } : undefined;
  const spaceLevel: EnforcingLevel | undefined =
    space !== undefined && space.applyOnSpaceLinks === true ? { level: 'space', settings: space } : undefined;
  const levels = [globalLevel, spaceLevel].filter((l): l is EnforcingLevel => l !== undefined);

  const childPages = forbidding(levels, (s) => s.childPages === true);
  const ownRestricted = forbidding(levels, (s) => s.restrictedChildPages === true);
  const restrictedChildPages: PolicyRule<boolean> =
    !childPages.value && ownRestricted.value ? { value: false, enforcedBy: childPages.enforcedBy } : ownRestricted;

  const expiryMaxDays = mostRestrictive<number | null>(levels, null, customMaxDays, smallerMaxDays);
  const policy: Omit<EffectivePolicy, 'defaults'> = {
    sharing,
    enforcedLevels: levels.map((l) => l.level),
    caps: {
      comments: accessCap(levels, (s) => s.comments),
      attachments: accessCap(levels, (s) => s.attachments),
      childPages,
      restrictedChildPages,
    },
    requires: {
      password: requiring(levels, (s) => s.password !== 'optional'),
      expiry: requiring(levels, (s) => s.expiry.kind !== 'optional'),
      expiryMaxDays,
      sso: requiring(levels, (s) => s.enforceSso !== false),
    },
    selectedUsers: combineSelectedUsers(globalLevel, spaceLevel),
  };

  const spaceIsSource = space !== undefined && space.version > 0;
  const source = spaceIsSource ? space : global;
  const sourceEnforced = spaceIsSource ? space.applyOnSpaceLinks : global.applyOnAllLinks;
  return { ...policy, defaults: formDefaults(source, sourceEnforced, policy) };
};

/** Link settings for a new link form, pre-filled from the policy defaults (expiry counted from `now`). */
export const newLinkSettings = (policy: EffectivePolicy, now: number): LinkSettings => ({
  name: '',
  description: '',
  comments: policy.defaults.comments,
  attachments: policy.defaults.attachments,
  includeChildren: policy.defaults.includeChildren,
  withLabels: [],
  withoutLabels: [],
  shareRestrictedChildren: policy.defaults.shareRestrictedChildren,
  showCreator: false,
  allowSubscribe: false,
  expiresAt: policy.defaults.expiresInDays === null ? null : now + policy.defaults.expiresInDays * DAY_MS,
  allowedIps: [],
  selectedUsers: [...policy.defaults.selectedUsers],
  requireSso: policy.defaults.requireSso,
});

/** "global policy" / "space policy", for messages. */
export const levelName = (level: PolicyLevel): string => `${level} policy`;
