import { describe, expect, it } from 'vitest';
import { toLinkView } from '../../src/app/link-views';
import { reconcilePageStates } from '../../src/app/sweep';
import { CREATOR_ACCESS_TTL_MS } from '../../src/app/view/creator-access';
import { defaultGlobalConfig } from '../../src/core/defaults';
import { effectivePolicy } from '../../src/core/policy';
import { CREATOR_LOST_ACCESS } from '../../src/core/policy/link-status';
import { createHarness } from './harness';

describe('the sweep files a creator who lost the shared page, for links nobody opened', () => {
  it('flags the link in lists, and clears the flag once the creator can read the page again', async () => {
    const h = await createHarness();
    const link = await h.addLink({ createdBy: 'u-outsider' });
    const policy = effectivePolicy(defaultGlobalConfig(h.clock.now()), undefined);
    await reconcilePageStates(h.deps);
    const flagged = (await h.store.links.get(link.id))!;
    expect(flagged.creatorLostAccessAt).toBe(h.clock.now());
    expect(toLinkView(flagged, policy, h.clock.now())).toMatchObject({ effectiveStatus: 'non_compliant', violations: [CREATOR_LOST_ACCESS] });

    // The page's editor takes the link over (as if the creator regained access).
    await h.store.links.update({ ...flagged, createdBy: 'u-editor', version: flagged.version + 1, updatedAt: flagged.updatedAt }, flagged.version);
    h.clock.advance(CREATOR_ACCESS_TTL_MS + 10 * 60 * 1000);
    await reconcilePageStates(h.deps);
    const cleared = (await h.store.links.get(link.id))!;
    expect(cleared.creatorLostAccessAt ?? null).toBeNull();
    expect(toLinkView(cleared, policy, h.clock.now()).effectiveStatus).toBe('active');
  });
});
