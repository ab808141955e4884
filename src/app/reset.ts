import { DomainError } from '../core/errors';
import { RESET_CONFIRMATION } from '../shared/contract';
import { recordAudit } from './audit';
import { authorizeSiteAdmin, type Caller } from './authorize';
import type { AppDeps } from './deps';

export type ResetMode = 'links' | 'full';

/**
 * Deletes every link (`links`), or everything the app stored: links, configurations, settings, secrets,
 * audit, subscriptions (`full`). Site admins only, and only with the typed confirmation phrase.
 */
export const resetApp = async (
  deps: AppDeps,
  caller: Caller,
  input: { mode: ResetMode; confirmation: string },
): Promise<{ mode: ResetMode; deletedLinks: number }> => {
  await authorizeSiteAdmin(deps, caller);
  const phrase = RESET_CONFIRMATION[input.mode];
  if (input.confirmation.trim() !== phrase) {
    throw new DomainError('invalid_input', `Type ${phrase} exactly to confirm.`, [
      { field: 'confirmation', rule: 'reset.confirmation', message: `Type ${phrase}` },
    ]);
  }
  if (input.mode === 'full') {
    const deletedLinks = await countLinks(deps);
    await deps.store.clearAll();
    await recordAudit(deps, { action: 'links_reset', actor: caller.accountId, detail: `full reset: ${deletedLinks} link(s) and all settings deleted` });
    return { mode: 'full', deletedLinks };
  }
  const deletedLinks = await deleteAllLinks(deps);
  await recordAudit(deps, { action: 'links_reset', actor: caller.accountId, detail: `${deletedLinks} link(s) deleted` });
  return { mode: 'links', deletedLinks };
};

const countLinks = async (deps: AppDeps): Promise<number> => {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.store.links.list({}, { limit: 100, ...(cursor ? { cursor } : {}) });
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
};

/** Deletes links page by page (always from the first page, since deleting shifts the cursor) with their subscriptions. */
const deleteAllLinks = async (deps: AppDeps): Promise<number> => {
  let deleted = 0;
  for (;;) {
    const page = await deps.store.links.list({}, { limit: 100 });
    if (page.items.length === 0) return deleted;
    for (const link of page.items) {
      let subs = await deps.store.subscriptions.listByLink(link.id, { limit: 100 });
      while (subs.items.length > 0) {
        for (const sub of subs.items) await deps.store.subscriptions.delete(sub.id);
        subs = await deps.store.subscriptions.listByLink(link.id, { limit: 100 });
      }
      await deps.store.links.delete(link.id);
      deleted += 1;
    }
  }
};
