import type { ShareLink } from '../../core/model';
import type { AppDeps } from '../deps';
import { updateLinkWithRetry } from '../lifecycle';

/**
 * Files what the view learned about the creator's right on the shared page on the link itself, so every
 * link list can say why the link no longer opens (and stop saying it once the right is back). Writes only
 * on a definite answer that differs from what the link says; a failed write is retried by the next view.
 */
export const noteCreatorAccess = async (
  deps: Pick<AppDeps, 'store' | 'clock'>,
  link: Pick<ShareLink, 'id' | 'creatorLostAccessAt'>,
  readable: boolean | undefined,
): Promise<void> => {
  const marked = (l: Pick<ShareLink, 'creatorLostAccessAt'>): boolean => typeof l.creatorLostAccessAt === 'number';
  if (readable === undefined || marked(link) === !readable) return;
  await updateLinkWithRetry(deps, link.id, (current) =>
    marked(current) === !readable ? undefined : { creatorLostAccessAt: readable ? null : deps.clock.now() },
  ).catch(() => undefined);
};
