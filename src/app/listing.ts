/** Reading whole listings through the Store's cursor pages (100 items a request). */
import type { ShareLink } from '../core/model';
import type { AppDeps } from './deps';
import type { Page, PageRequest } from './ports';

/**
 * Follows `nextCursor` until the listing ends or, with `stopAfter`, until at least that many items
 * were read (checked after each page, so the last page is kept whole).
 */
export const collectPages = async <T>(
  listPage: (request: PageRequest) => Promise<Page<T>>,
  options: { stopAfter?: number } = {},
): Promise<T[]> => {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await listPage({ limit: 100, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && (options.stopAfter === undefined || items.length < options.stopAfter));
  return items;
};

/** Every link of a page, all statuses (the whole listing unless `stopAfter` caps it). */
export const linksOfPage = (
  deps: Pick<AppDeps, 'store'>,
  pageId: string,
  options: { stopAfter?: number } = {},
): Promise<ShareLink[]> => collectPages((request) => deps.store.links.list({ pageId }, request), options);
