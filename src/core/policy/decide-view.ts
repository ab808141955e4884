import { ipAllowed } from '../ip-allow-list';
import type { AccessLevel, ShareLink } from '../model';
import { matchesSelectedUsers } from '../selected-users';
import { minAccess, type EffectivePolicy } from './effective-policy';
import { narrowLinkSelectedUsers, validateLink } from './validate-link';

/** Why a visitor is refused. Every reason renders the same not-found page; the reason goes to the audit log. */
export type DenyReason =
  | 'link_disabled'
  | 'expired'
  | 'sharing_disabled'
  | 'non_compliant'
  | 'page_removed'
  | 'ip_not_allowed'
  | 'email_not_selected';

/** The gate a visitor must pass next. */
export type ViewGate = 'password' | 'email_code' | 'sso';

/** What a visitor who passed every gate may do. */
export interface ViewPermissions {
  comments: AccessLevel;
  attachments: AccessLevel;
  includeChildren: boolean;
  shareRestrictedChildren: boolean;
  allowSubscribe: boolean;
  showCreator: boolean;
  /** The visitor's proven email (SSO first, then a verified code), or null when none was needed or given. */
  viewerEmail: string | null;
}

export type ViewDecision =
  | { effect: 'allow'; permissions: ViewPermissions }
  | { effect: 'gate'; gate: ViewGate }
  | { effect: 'deny'; reason: DenyReason };

/** What the visitor has proven so far in their session for this link (and its current epoch). */
export interface ViewSession {
  passwordPassed: boolean;
  verifiedEmail: string | null;
  ssoEmail: string | null;
}

export interface ViewInput {
  link: ShareLink;
  policy: EffectivePolicy;
  now: number;
  clientIp: string | null;
  session: ViewSession;
}

/** True when the link has expired: the exact `expiresAt` instant already counts as expired. */
export const isExpired = (expiresAt: number | null, now: number): boolean => expiresAt !== null && now >= expiresAt;

const deny = (reason: DenyReason): ViewDecision => ({ effect: 'deny', reason });
const gate = (which: ViewGate): ViewDecision => ({ effect: 'gate', gate: which });

/**
 * Decides one request to a share link, in a fixed order: link status and page state → sharing enabled →
 * expiry → compliance with the current policy → IP allow-list → password → selected users → SSO.
 * When SSO is required the SSO identity is the one checked against selected users (no email code first).
 */
export const decideView = ({ link, policy, now, clientIp, session }: ViewInput): ViewDecision => {
  if (link.status !== 'active') return deny('link_disabled');
  if (link.pageState !== 'current') return deny('page_removed');
  if (!policy.sharing.enabled) return deny('sharing_disabled');
  if (isExpired(link.expiresAt, now)) return deny('expired');

  const violations = validateLink({ ...link, hasPassword: link.passwordHash !== null }, policy, now, {
    createdAt: link.createdAt,
    mode: 'existing',
  });
  if (violations.length > 0) return deny('non_compliant');

  if (!ipAllowed(clientIp, link.allowedIps)) return deny('ip_not_allowed');
  if (link.passwordHash !== null && !session.passwordPassed) return gate('password');

  const selected = narrowLinkSelectedUsers(link.selectedUsers, policy);
  const listApplies = selected.length > 0;
  const ssoRequired = link.requireSso || policy.requires.sso.value;
  let viewerEmail: string | null;

  if (ssoRequired) {
    if (session.ssoEmail === null) return gate('sso');
    if (listApplies && !matchesSelectedUsers(session.ssoEmail, selected)) return deny('email_not_selected');
    viewerEmail = session.ssoEmail;
  } else if (listApplies) {
    if (session.ssoEmail !== null && matchesSelectedUsers(session.ssoEmail, selected)) {
      viewerEmail = session.ssoEmail;
    } else if (session.verifiedEmail !== null) {
      if (!matchesSelectedUsers(session.verifiedEmail, selected)) return deny('email_not_selected');
      viewerEmail = session.verifiedEmail;
    } else {
      return gate('email_code');
    }
  } else {
    viewerEmail = session.ssoEmail ?? session.verifiedEmail;
  }

  const { caps } = policy;
  const includeChildren = link.includeChildren && caps.childPages.value;
  return {
    effect: 'allow',
    permissions: {
      comments: minAccess(link.comments, caps.comments.value),
      attachments: minAccess(link.attachments, caps.attachments.value),
      includeChildren,
      shareRestrictedChildren: includeChildren && link.shareRestrictedChildren && caps.restrictedChildPages.value,
      allowSubscribe: link.allowSubscribe,
      showCreator: link.showCreator,
      viewerEmail: viewerEmail === null ? null : viewerEmail.trim().toLowerCase(),
    },
  };
};
