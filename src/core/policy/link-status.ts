import type { LinkSettings, LinkView, ShareLink } from '../model';
import { isExpired } from './decide-view';
import type { EffectivePolicy } from './effective-policy';
import { validateLink } from './validate-link';

/** A stored link (with its password hash) or a link view (with `hasPassword`). */
export type LinkForStatus = LinkSettings &
  Pick<ShareLink, 'status' | 'pageState' | 'createdAt'> &
  ({ passwordHash: string | null } | { hasPassword: boolean });

export interface LinkEffectiveStatus {
  effectiveStatus: LinkView['effectiveStatus'];
  /** The broken rules' messages when `effectiveStatus` is 'non_compliant', otherwise empty. */
  violations: string[];
}

const hasPassword = (link: LinkForStatus): boolean =>
  'hasPassword' in link ? link.hasPassword : link.passwordHash !== null;

/**
 * The status an editor or admin sees for a link, checked in the same order the view decides:
 * disabled → page removed → sharing disabled → expired → non-compliant with the current policy → active.
 */
export const linkEffectiveStatus = (link: LinkForStatus, policy: EffectivePolicy, now: number): LinkEffectiveStatus => {
  if (link.status !== 'active') return { effectiveStatus: 'disabled', violations: [] };
  if (link.pageState !== 'current') return { effectiveStatus: 'page_removed', violations: [] };
  if (!policy.sharing.enabled) return { effectiveStatus: 'sharing_disabled', violations: [] };
  if (isExpired(link.expiresAt, now)) return { effectiveStatus: 'expired', violations: [] };
  const violations = validateLink({ ...link, hasPassword: hasPassword(link) }, policy, now, {
    createdAt: link.createdAt,
    mode: 'existing',
  });
  if (violations.length > 0) return { effectiveStatus: 'non_compliant', violations: violations.map((v) => v.message) };
  return { effectiveStatus: 'active', violations: [] };
};
