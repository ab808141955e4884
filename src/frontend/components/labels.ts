import type { AccessLevel, AuditAction, ExpiryRule, LinkView } from '../../core/model';
import type { EffectivePolicyView } from '../../shared/contract';

export const ACCESS_ORDER: readonly AccessLevel[] = ['none', 'view', 'view_add'];

export const ACCESS_LABEL: Record<AccessLevel, string> = {
  none: 'Disabled',
  view: 'View',
  view_add: 'View & add',
};

export const accessAtMost = (cap: AccessLevel): AccessLevel[] =>
  ACCESS_ORDER.filter((level) => ACCESS_ORDER.indexOf(level) <= ACCESS_ORDER.indexOf(cap));

/** Names the policy level(s) that set a limit, for helper text ("by the space policy"). */
export const policySource = (policy: Pick<EffectivePolicyView, 'enforced'>): string => {
  const { global, space } = policy.enforced;
  if (global && space) return 'the site and space policies';
  if (space) return 'the space policy';
  if (global) return 'the site policy';
  return 'the policy';
};

export const describeExpiryRule = (rule: ExpiryRule): string => {
  switch (rule.kind) {
    case 'optional':
      return 'Optional';
    case 'mandatory':
      return 'Required';
    case 'custom':
      return `Required, at most ${rule.maxDays} day${rule.maxDays === 1 ? '' : 's'}`;
  }
};

type LozengeAppearance = 'success' | 'default' | 'moved' | 'removed' | 'inprogress';

export const STATUS_LOZENGE: Record<LinkView['effectiveStatus'], { label: string; appearance: LozengeAppearance }> = {
  active: { label: 'Active', appearance: 'success' },
  disabled: { label: 'Disabled', appearance: 'default' },
  expired: { label: 'Expired', appearance: 'moved' },
  non_compliant: { label: 'Non-compliant', appearance: 'removed' },
  page_removed: { label: 'Page removed', appearance: 'removed' },
  sharing_disabled: { label: 'Sharing off', appearance: 'moved' },
};

/** Splits free text into list entries (commas, semicolons, whitespace or new lines). */
export const parseList = (text: string): string[] =>
  text
    .split(/[\s,;]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);

export const formatList = (entries: readonly string[]): string => entries.join(', ');

export const formatDateTime = (epochMs: number): string => {
  const d = new Date(epochMs);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
};

/** YYYY-MM-DD (UTC), the form date inputs take. */
export const formatDate = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);

/** A date for people to read, in their own locale and time zone ("1 Nov 2026", "Nov 1, 2026"). */
export const humanDate = (epochMs: number): string =>
  new Date(epochMs).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

/** Reasons as one sentence list: "A. B." whatever punctuation each reason came with. */
export const joinReasons = (reasons: readonly string[]): string =>
  reasons.map((r) => r.trim().replace(/[.;]*$/, '.')).join(' ');

/** What an audit entry means, in an editor's words. */
export const AUDIT_ACTION_LABEL: Record<AuditAction, string> = {
  link_created: 'Link created',
  link_updated: 'Link edited',
  link_disabled: 'Link disabled',
  link_enabled: 'Link enabled',
  link_rotated: 'Link rotated (new URL)',
  link_url_shown: 'URL shown again (copy)',
  link_deleted: 'Link deleted',
  links_reset: 'All links deleted',
  full_reset: 'Full reset (links and settings)',
  policy_global_changed: 'Site policy changed',
  policy_space_changed: 'Space policy changed',
  settings_changed: 'Settings changed',
  audit_exported: 'Audit log exported',
  links_exported: 'Links exported',
  view_allowed: 'Opened',
  view_denied: 'Refused (not found shown)',
  gate_passed: 'Passed a check',
  gate_failed: 'Failed a check',
  code_sent: 'Email code sent',
  comment_added: 'Comment added',
  attachment_added: 'Attachment added',
  subscribed: 'Subscribed to updates',
  unsubscribed: 'Unsubscribed',
  page_trashed: 'Page trashed',
  page_restored: 'Page restored',
  page_deleted: 'Page deleted',
  notification_sent: 'Email sent',
  access_denied: 'Access refused',
};

/** Editors and admins are Atlassian accounts; visitors appear as 'visitor' or a masked email, the app as 'app'. */
export const isAccountActor = (actor: string): boolean => actor !== 'visitor' && actor !== 'app' && !actor.includes('@');
