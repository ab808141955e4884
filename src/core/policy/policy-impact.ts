import type { EffectivePolicy } from './effective-policy';
import { linkEffectiveStatus, type LinkForStatus } from './link-status';

/** Why a link that opens today would stop opening under a proposed policy. */
export interface LinkImpact {
  reasons: string[];
}

const SHARING_OFF: Record<'global' | 'space', string> = {
  global: 'Sharing would be turned off for the whole site.',
  space: 'Sharing would be turned off in this space.',
};

/**
 * Whether a link that opens under `current` would stop opening under `proposed`, and why. It is the status
 * every list shows (linkEffectiveStatus), which runs the same checks in the same order as the view's
 * decideView (sharing, expiry, validateLink): no second implementation of the rules.
 * Returns null when the link is unaffected (it does not open today, or still opens).
 */
export const linkImpact = (link: LinkForStatus, current: EffectivePolicy, proposed: EffectivePolicy, now: number): LinkImpact | null => {
  if (linkEffectiveStatus(link, current, now).effectiveStatus !== 'active') return null;
  const after = linkEffectiveStatus(link, proposed, now);
  if (after.effectiveStatus === 'active') return null;
  if (after.effectiveStatus === 'sharing_disabled') {
    return { reasons: [SHARING_OFF[proposed.sharing.enabled ? 'space' : proposed.sharing.disabledBy]] };
  }
  return { reasons: after.violations.length > 0 ? after.violations : ['It would no longer comply with the policy.'] };
};
