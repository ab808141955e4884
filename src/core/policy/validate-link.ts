import { DomainError } from '../errors';
import { ipAllowListErrors } from '../ip-allow-list';
import { ACCESS_LEVELS, type AccessLevel, type LinkSettings } from '../model';
import {
  isCoveredBySelectedUsers,
  narrowSelectedUsers,
  narrowSelectedUsersDetailed,
  parseSelectedUser,
  selectedUsersErrors,
} from '../selected-users';
import { DAY_MS, exceedsAccess, levelName, type EffectivePolicy, type PolicyLevel } from './effective-policy';

export const MAX_NAME_LENGTH = 120;
export const MAX_DESCRIPTION_LENGTH = 1000;
export const MAX_LABELS = 50;
export const MAX_LABEL_LENGTH = 255;

/** A field of the link form a violation points at. */
export type ViolationField = keyof LinkSettings | 'password';

/**
 * One reason a link does not satisfy its form rules or the effective policy. `kind` tells bad input
 * (a malformed field) from a policy rule the link breaks.
 */
export interface Violation {
  field: ViolationField;
  /** Stable rule id, e.g. `comments.cap`, `password.mandatory`, `expiry.maxDays`, `name.length`. */
  rule: string;
  message: string;
  kind: 'input' | 'policy';
}

/**
 * `save`: a link being created or edited: every field and rule is checked, expiry must be in the future,
 * SSO must be switched on when enforced and selected users must lie within the policy's list (ES-8).
 * `existing`: a stored link re-checked against the current policy on every request: caps,
 * password/expiry requirements, and a selected-users list with nothing in common with the policy's.
 * An enforced SSO rule is applied by the SSO gate, and an enforced selected-users list that partly fits
 * narrows the link's own (ES-6), so neither of those makes an existing link non-compliant.
 */
export type ValidationMode = 'save' | 'existing';

export interface ValidationContext {
  /** Creation instant of the link (now, for a new link): the custom expiry limit counts from it. */
  createdAt: number;
  mode?: ValidationMode;
}

export type LinkForValidation = LinkSettings & { hasPassword: boolean };

const ACCESS_LABEL: Record<AccessLevel, string> = { none: 'Disabled', view: 'View', view_add: 'View & Add' };

// Characters Confluence refuses in labels, plus whitespace.
const LABEL_PATTERN = /^[^\s!#&()*,.:;?@[\]^'`]+$/;

const by = (level: PolicyLevel | null): string => levelName(level ?? 'global');

const isAccessLevel = (value: unknown): value is AccessLevel =>
  typeof value === 'string' && (ACCESS_LEVELS as readonly string[]).includes(value);

const daysText = (days: number): string => (days === 1 ? '1 day' : `${days} days`);

const policyViolations = (
  settings: LinkForValidation,
  policy: EffectivePolicy,
  context: ValidationContext,
  mode: ValidationMode,
): Violation[] => {
  const violations: Violation[] = [];
  const policyViolation = (field: ViolationField, rule: string, message: string): void => {
    violations.push({ field, rule, message, kind: 'policy' });
  };
  const { caps, requires } = policy;

  for (const field of ['comments', 'attachments'] as const) {
    const value: unknown = settings[field];
    const title = field === 'comments' ? 'Comments' : 'Attachments';
    if (!isAccessLevel(value)) {
      policyViolation(field, `${field}.value`, `${title} must be Disabled, View or View & Add`);
    } else if (exceedsAccess(value, caps[field].value)) {
      policyViolation(field, `${field}.cap`, `${title} are capped at '${ACCESS_LABEL[caps[field].value]}' by the ${by(caps[field].enforcedBy)}`);
    }
  }
  if (settings.includeChildren && !caps.childPages.value) {
    policyViolation('includeChildren', 'childPages.cap', `Child pages may not be shared under the ${by(caps.childPages.enforcedBy)}`);
  }
  // Restricted children only matter when children are shared at all.
  if (settings.includeChildren && settings.shareRestrictedChildren && !caps.restrictedChildPages.value) {
    policyViolation(
      'shareRestrictedChildren',
      'restrictedChildPages.cap',
      `Restricted child pages may not be shared under the ${by(caps.restrictedChildPages.enforcedBy)}`,
    );
  }
  if (requires.password.value && !settings.hasPassword) {
    policyViolation('password', 'password.mandatory', `A password is required by the ${by(requires.password.enforcedBy)}`);
  }

  const expiresAt: unknown = settings.expiresAt;
  if (expiresAt !== null && (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt))) {
    policyViolation('expiresAt', 'expiry.value', 'The expiry date is not a valid date');
  } else if (expiresAt === null) {
    if (requires.expiry.value) {
      policyViolation('expiresAt', 'expiry.mandatory', `An expiry date is required by the ${by(requires.expiry.enforcedBy)}`);
    }
  } else {
    const maxDays = requires.expiryMaxDays.value;
    if (maxDays !== null && expiresAt > context.createdAt + maxDays * DAY_MS) {
      policyViolation(
        'expiresAt',
        'expiry.maxDays',
        `Expiry must be within ${daysText(maxDays)} of creation (${by(requires.expiryMaxDays.enforcedBy)})`,
      );
    }
  }

  if (mode === 'save' && requires.sso.value && !settings.requireSso) {
    policyViolation('requireSso', 'sso.enforced', `SSO sign-in is required by the ${by(requires.sso.enforcedBy)}`);
  }
  for (const violation of selectedUsersViolations(settings.selectedUsers, policy, mode)) violations.push(violation);
  return violations;
};

/**
 * A link's own selected users are only ever narrowed by the policy's list, never widened (SPEC "The
 * policy hierarchy", ES-6/ES-8). Saving: every entry must lie within the policy's list (each one outside
 * is named). A stored link re-checked later (the admin changed the list since): a list that partly fits
 * is narrowed to the common part and stays compliant, but a list with nothing in common is non-compliant:
 * served anyway, it would open the page to people the creator never chose.
 */
const selectedUsersViolations = (linkList: readonly string[], policy: EffectivePolicy, mode: ValidationMode): Violation[] => {
  const policyList = policy.selectedUsers.value;
  const validLinkEntries = linkList.filter((entry) => parseSelectedUser(entry).ok);
  if (policyList.length === 0 || validLinkEntries.length === 0) return [];
  const level = by(policy.selectedUsers.enforcedBy);
  if (mode === 'save') {
    return validLinkEntries
      .filter((entry) => !isCoveredBySelectedUsers(entry, policyList))
      .map((entry) => ({
        field: 'selectedUsers' as const,
        rule: 'selectedUsers.outsidePolicy',
        message: `'${entry.trim()}' is not among the selected users allowed by the ${level}`,
        kind: 'policy' as const,
      }));
  }
  if (narrowSelectedUsersDetailed(validLinkEntries, policyList).outcome !== 'conflict') return [];
  return [
    {
      field: 'selectedUsers',
      rule: 'selectedUsers.noOverlap',
      message: `None of the link's selected users is among the selected users allowed by the ${level} any more`,
      kind: 'policy',
    },
  ];
};

const labelErrors = (labels: readonly string[], listName: string): string[] => {
  const errors: string[] = [];
  if (labels.length > MAX_LABELS) errors.push(`At most ${MAX_LABELS} labels are allowed in ${listName}`);
  for (const label of labels) {
    if (label.length === 0 || label.length > MAX_LABEL_LENGTH) {
      errors.push(`Labels must be 1 to ${MAX_LABEL_LENGTH} characters long`);
    } else if (!LABEL_PATTERN.test(label)) {
      errors.push(`'${label}' is not a valid label: no spaces or any of ! # & ( ) * , . : ; ? @ [ ] ^ ' \``);
    }
  }
  return errors;
};

const inputViolations = (settings: LinkForValidation, now: number): Violation[] => {
  const violations: Violation[] = [];
  const inputViolation = (field: ViolationField, rule: string, message: string): void => {
    violations.push({ field, rule, message, kind: 'input' });
  };
  const name = settings.name.trim();
  if (name.length === 0) inputViolation('name', 'name.length', 'The link needs a name');
  else if (name.length > MAX_NAME_LENGTH) inputViolation('name', 'name.length', `The name must be at most ${MAX_NAME_LENGTH} characters`);
  if (settings.description.length > MAX_DESCRIPTION_LENGTH) {
    inputViolation('description', 'description.length', `The description must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  if (typeof settings.expiresAt === 'number' && Number.isSafeInteger(settings.expiresAt) && settings.expiresAt <= now) {
    inputViolation('expiresAt', 'expiry.future', 'The expiry date must be in the future');
  }
  for (const field of ['withLabels', 'withoutLabels'] as const) {
    const listName = field === 'withLabels' ? '"With labels"' : '"Without labels"';
    for (const message of labelErrors(settings[field], listName)) inputViolation(field, 'labels.format', message);
  }
  const excluded = new Set(settings.withoutLabels.map((label) => label.toLowerCase()));
  for (const label of settings.withLabels) {
    if (excluded.has(label.toLowerCase())) {
      inputViolation('withoutLabels', 'labels.conflict', `'${label}' cannot be both a required and an excluded label`);
    }
  }
  for (const message of ipAllowListErrors(settings.allowedIps)) inputViolation('allowedIps', 'allowedIps.format', message);
  for (const message of selectedUsersErrors(settings.selectedUsers)) inputViolation('selectedUsers', 'selectedUsers.format', message);
  return violations;
};

/**
 * Everything wrong with a link under `policy`: malformed fields (save mode) and broken policy rules, each
 * with a message that names the rule and the level enforcing it. Empty when the link may be saved (save)
 * or served (existing). Sharing being disabled is not a link violation: see `assertSharingEnabled`.
 */
export const validateLink = (
  settings: LinkForValidation,
  policy: EffectivePolicy,
  now: number,
  context: ValidationContext,
): Violation[] => {
  const mode = context.mode ?? 'save';
  const input = mode === 'save' ? inputViolations(settings, now) : [];
  return [...policyViolations(settings, policy, context, mode), ...input];
};

/** @throws DomainError('sharing_disabled') naming the level that turned sharing off. */
export const assertSharingEnabled = (policy: EffectivePolicy): void => {
  if (policy.sharing.enabled) return;
  const message = policy.sharing.disabledBy === 'global'
    ? 'Sharing is turned off for this site by the global policy'
    : 'Sharing is turned off for this space by the space policy';
  throw new DomainError('sharing_disabled', message, [{ rule: `sharing.${policy.sharing.disabledBy}`, message }]);
};

/**
 * Checks a link about to be created or edited.
 * @throws DomainError('sharing_disabled') when the space or site has sharing off;
 *   DomainError('policy_violation') when a policy rule is broken (message = the first broken rule);
 *   DomainError('invalid_input') when only the input is malformed. `details` lists every violation.
 */
export const assertLinkValid = (
  settings: LinkForValidation,
  policy: EffectivePolicy,
  now: number,
  context: ValidationContext,
): void => {
  assertSharingEnabled(policy);
  const violations = validateLink(settings, policy, now, context);
  const first = violations[0];
  if (first === undefined) return;
  const code = first.kind === 'policy' ? 'policy_violation' : 'invalid_input';
  throw new DomainError(
    code,
    first.message,
    violations.map(({ field, rule, message }) => ({ field, rule, message })),
  );
};

/**
 * The selected-users list that governs a link: its own list narrowed to the policy's (ES-6). An empty link
 * list under an enforced policy list gets the policy list; an empty result means anyone with the link.
 */
export const narrowLinkSelectedUsers = (linkList: readonly string[], policy: EffectivePolicy): string[] =>
  narrowSelectedUsers(linkList, policy.selectedUsers.value);
