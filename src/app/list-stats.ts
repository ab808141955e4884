import type { CursorPage, LinkListItem } from '../shared/contract';
import { getLinkStats, MAX_STATS_LINKS } from './audit-log';
import type { AppDeps } from './deps';

/**
 * Listed links with their view counts, read in one store call per 100 links (review rubric CST-01: a
 * list screen needs no second resolver call for its counts). Only for links the caller was already
 * allowed to list. When the counts cannot be read the links go without them (the UI then asks getLinkStats).
 */
export const withLinkStats = async <T extends LinkListItem>(deps: Pick<AppDeps, 'store'>, links: readonly T[]): Promise<T[]> => {
  if (links.length === 0) return [...links];
  try {
    const ids = links.map((link) => link.id);
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += MAX_STATS_LINKS) batches.push(ids.slice(i, i + MAX_STATS_LINKS));
    const stats = (await Promise.all(batches.map((batch) => getLinkStats(deps, batch)))).flat();
    const byId = new Map(stats.map((entry) => [entry.linkId, entry]));
    return links.map((link) => {
      const entry = byId.get(link.id);
      return entry ? { ...link, stats: { linkId: entry.linkId, views: entry.views, lastOpenedAt: entry.lastOpenedAt } } : link;
    });
  } catch {
    return [...links];
  }
};

/** A listed page of links with their view counts. */
export const pageWithLinkStats = async (deps: Pick<AppDeps, 'store'>, page: CursorPage<LinkListItem>): Promise<CursorPage<LinkListItem>> => ({
  ...page,
  items: await withLinkStats(deps, page.items),
});
