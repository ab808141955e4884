import type { ShareContext } from './share-context';
import { keyedDigest } from './session';

/**
 * The id of the subscription of `email` to `pageId` through this link: derived, so the page can read
 * its state with one direct read (no index query, which may lag behind a fresh write).
 */
export const subscriptionIdFor = (ctx: Pick<ShareContext, 'key' | 'link'>, pageId: string, email: string): string =>
  keyedDigest(ctx.key, 'subscription', `${ctx.link.id}\n${pageId}\n${email}`).slice(0, 22);

/**
 * Whether `email` gets updates of `pageId` through this link: the derived id, or an older subscription
 * (random id) found in the link's list. A failed read counts as not subscribed.
 */
export const isSubscribed = async (ctx: Pick<ShareContext, 'key' | 'link' | 'deps'>, pageId: string, email: string): Promise<boolean> => {
  try {
    const [own, listed] = await Promise.all([
      ctx.deps.store.subscriptions.get(subscriptionIdFor(ctx, pageId, email)),
      ctx.deps.store.subscriptions.listByLink(ctx.link.id, { limit: 100 }),
    ]);
    return own !== undefined || listed.items.some((s) => s.email === email && s.pageId === pageId);
  } catch {
    return false;
  }
};
