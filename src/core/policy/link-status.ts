import type { LinkSettings, LinkView, ShareLink } from '../model';
import { narrowSelectedUsersDetailed } from '../selected-users';
import { isExpired } from './decide-view';
import type { EffectivePolicy } from './effective-policy';
import { validateLink } from './validate-link';

/** A stored link (with its password hash) or a link view (with `hasPassword`). */
export type LinkForStatus = LinkSettings &
  Pick<ShareLink, 'status' | 'pageState' | 'createdAt'> &
  Partial<Pick<ShareLink, 'creatorLostAccessAt'>> &
  ({ passwordHash: string | null } | { hasPassword: boolean });

export interface LinkEffectiveStatus {
  effectiveStatus: LinkView['effectiveStatus'];
  /** The broken rules' messages when `effectiveStatus` is 'non_compliant', otherwise empty. */
  violations: string[];
  /**
   * The common part the view uses when the policy's selected users cut the link's own list down (some
   * of the link's entries no longer apply); null when the link's list applies as it is, or has none.
   */
  selectedUsersNarrowedTo: string[] | null;
}

/** A share never exceeds its creator: the reason every list shows when the creator lost the page. */
export const CREATOR_LOST_ACCESS =
  'The person who created this link can no longer view the shared page in Confluence, so the link does not open.';

const hasPassword = (link: LinkForStatus): boolean =>
  'hasPassword' in link ? link.hasPassword : link.passwordHash !== null;

/**
 * The status an editor or admin sees for a link, checked in the same order the view decides:
 * disabled → page removed → sharing disabled → expired → non-compliant with the current policy → active.
 */
export const linkEffectiveStatus = (link: LinkForStatus, policy: EffectivePolicy, now: number): LinkEffectiveStatus => {
  const audience = selectedUsersOf(link, policy);
  const status = (effectiveStatus: LinkView['effectiveStatus'], violations: string[] = []): LinkEffectiveStatus => ({
    effectiveStatus,
    violations,
    ...audience,
  });
  if (link.status !== 'active') return status('disabled');
  if (link.pageState !== 'current') return status('page_removed');
  if (typeof link.creatorLostAccessAt === 'number') return status('non_compliant', [CREATOR_LOST_ACCESS]);
  if (!policy.sharing.enabled) return status('sharing_disabled');
  if (isExpired(link.expiresAt, now)) return status('expired');
  const violations = validateLink({ ...link, hasPassword: hasPassword(link) }, policy, now, {
    createdAt: link.createdAt,
    mode: 'existing',
  });
  if (violations.length > 0) return status('non_compliant', violations.map((v) => v.message));
  return status('active');
};

/** The link's list narrowed to the policy's, when that keeps only part of it (decideView narrows the same way). */
const selectedUsersOf = (link: LinkForStatus, policy: EffectivePolicy): Pick<LinkEffectiveStatus, 'selectedUsersNarrowedTo'> => {
  if (link.selectedUsers.length === 0) return { selectedUsersNarrowedTo: null };
  const { entries, outcome } = narrowSelectedUsersDetailed(link.selectedUsers, policy.selectedUsers.value);
  // A list with nothing in common is not narrowed but non-compliant: the status says so.
  return { selectedUsersNarrowedTo: outcome === 'common_part' ? entries : null };
};
