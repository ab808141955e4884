/**
 * "A share never exceeds its creator" (SPEC, policy hierarchy): every page a link serves must be one
 * its creator can still read. Confluence's content permission check answers that per page; answers are
 * cached for at most CREATOR_ACCESS_TTL_MS in the ephemeral store, one record per link holding one
 * entry per page, so a creator who loses access loses the share within minutes. A check that failed
 * (Confluence unavailable) is not cached and counts as "cannot read" for this request only.
 */
import { isDomainError } from '../../core/errors';
import type { ShareLink } from '../../core/model';
import type { AppDeps } from '../deps';
import type { EphemeralRecord } from '../ports';

export const CREATOR_ACCESS_TTL_MS = 5 * 60 * 1000;
/** Entries kept per link (a tree holds at most MAX_TREE_PAGES = 2,000 pages; each entry is about 30 bytes). */
const MAX_CACHED_PAGES = 2000;

export const creatorAccessKey = (linkId: string): string => `creator-read:${linkId}`;

type Entry = [readable: boolean, checkedAt: number];

interface CachedChecks {
  accountId: string;
  pages: Record<string, Entry>;
}

const asCached = (value: Record<string, unknown> | undefined, accountId: string): CachedChecks | undefined => {
  if (!value || value['accountId'] !== accountId || typeof value['pages'] !== 'object' || value['pages'] === null) return undefined;
  return value as unknown as CachedChecks;
};

export interface CreatorAccess {
  /**
   * Page id → can the link's creator read it now: true, false, or undefined when the check failed.
   * Serve a page only on `true`. Rejects only with app_unauthorized (Confluence refused the app).
   */
  check(pageIds: readonly string[]): Promise<Map<string, boolean | undefined>>;
}

/**
 * `preloaded`: the cache record read earlier (the web trigger reads it beside the link, so that a page
 * the record does not cover is checked in the first Confluence wave rather than after a store read).
 */
export const creatorAccessFor = (
  deps: Pick<AppDeps, 'store' | 'content'>,
  link: Pick<ShareLink, 'id' | 'createdBy'>,
  now: number,
  preloaded?: Promise<EphemeralRecord | undefined>,
): CreatorAccess => {
  const key = creatorAccessKey(link.id);
  const known = new Map<string, Entry>();
  let loaded: Promise<void> | undefined;
  const load = (): Promise<void> => {
    // Inside a promise chain: a store that throws synchronously costs the cache, not the request.
    loaded ??= Promise.resolve()
      .then(() => preloaded ?? deps.store.ephemeral.get(key, now))
      .then((record) => {
        const cached = asCached(record?.value, link.createdBy);
        for (const [pageId, entry] of Object.entries(cached?.pages ?? {})) {
          if (Array.isArray(entry) && typeof entry[0] === 'boolean' && typeof entry[1] === 'number' && now - entry[1] < CREATOR_ACCESS_TTL_MS) {
            known.set(pageId, entry);
          }
        }
      })
      .catch(() => undefined);
    return loaded;
  };

  return {
    async check(pageIds) {
      await load();
      const missing = [...new Set(pageIds.filter((id) => !known.has(id)))];
      if (missing.length > 0) {
        const answers = await Promise.resolve()
          .then(() => deps.content.canRead(link.createdBy, missing))
          .catch((error: unknown) => {
            // Confluence refusing the app is shown to admins and as "unavailable" to visitors, never as a lost right.
            if (isDomainError(error) && error.code === 'app_unauthorized') throw error;
            return new Map<string, boolean>();
          });
        let learned = false;
        for (const [pageId, readable] of answers) {
          if (!missing.includes(pageId)) continue;
          known.set(pageId, [readable, now]);
          learned = true;
        }
        if (learned) {
          const newest = [...known.entries()].sort((a, b) => b[1][1] - a[1][1]).slice(0, MAX_CACHED_PAGES);
          const value: CachedChecks = { accountId: link.createdBy, pages: Object.fromEntries(newest) };
          // A lost write only costs a re-check next time.
          await Promise.resolve()
            .then(() => deps.store.ephemeral.put({ key, value: value as unknown as Record<string, unknown>, expiresAt: now + CREATOR_ACCESS_TTL_MS }))
            .catch(() => undefined);
        }
      }
      return new Map(pageIds.map((id) => [id, known.get(id)?.[0]]));
    },
  };
};

