import type { SpaceInfo } from '../../app/ports';
import { getJson, getJsonOrHidden, MAX_RETRY_AFTER_MS, path, RETRY_BUDGET_MS, retryingReads, SPACE_KEY, type RequestFn } from './transport';
import { spaceListSchema, spaceSchema } from './schemas';

export interface ConfluenceRestOptions {
  /**
   * `anonymous_export_view` renders macros as an anonymous visitor would see them (include/excerpt
   * macros of restricted pages, user-specific macros stay empty), which is the right posture for an
   * anonymous share. `export_view` renders as the app user. Default: anonymous, falling back to
   * export_view when the site does not return that representation.
   */
  bodyFormat?: 'anonymous_export_view' | 'export_view';
  /** Largest attachment the adapter downloads (web trigger responses are capped at 5 MB). */
  maxDownloadBytes?: number;
  /** Parallel requests for per-page or per-comment lookups (labels, restrictions, replies, permission checks). */
  concurrency?: number;
  /** When set, rights checks refuse any other accountId: asUser always acts as the invoking user. */
  invokingAccountId?: string;
  /** Display name used for comments the app posts. */
  appDisplayName?: string;
  /** Longest single wait (ms) before a retry of a read answered 429/503; 0 turns retries off. */
  maxRetryAfterMs?: number;
  /** All retry waits of this adapter (one invocation) together, in ms (default RETRY_BUDGET_MS). */
  retryBudgetMs?: number;
}

/** What the parts of the adapter share: the two request functions, options and per-invocation caches. */
export interface AdapterContext {
  asApp: RequestFn;
  asUser: RequestFn;
  bodyFormat: 'anonymous_export_view' | 'export_view';
  maxDownload: number;
  concurrency: number;
  appDisplayName: string;
  invokingAccountId: string | undefined;
  spaceById(requester: RequestFn, spaceId: string): Promise<SpaceInfo | undefined>;
  spaceByKey(requester: RequestFn, spaceKey: string): Promise<SpaceInfo | undefined>;
}

const DEFAULT_MAX_DOWNLOAD = 4 * 1024 * 1024;

export const createAdapterContext = (
  request: { asApp: RequestFn; asUser: RequestFn },
  options: ConfluenceRestOptions,
): AdapterContext => {
  const retry = { maxWaitMs: options.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS, budgetMs: options.retryBudgetMs ?? RETRY_BUDGET_MS };
  const asApp = retry.maxWaitMs > 0 ? retryingReads(request.asApp, retry) : request.asApp;
  const asUser = retry.maxWaitMs > 0 ? retryingReads(request.asUser, retry) : request.asUser;
  // Per-adapter (= per-invocation) cache: never shared across tenants.
  const spacesById = new Map<string, Promise<SpaceInfo | undefined>>();
  // Spaces by key, per principal. A space the user can read is the same for the app, so the app's look-up
  // reuses what the user's found (a rights check then a settings read cost one request; rubric CST-05);
  // never the other way round: the app may read spaces the user cannot.
  const spacesByKey = new Map<string, Promise<SpaceInfo | undefined>>();
  // As the app, a refused space read is the app's problem (app_unauthorized); as a user, it only means "not theirs".
  const read = (requester: RequestFn) => (requester === asApp ? getJson : getJsonOrHidden);
  const toInfo = (space: { id: string; key: string; name?: string | null | undefined; homepageId?: string | null | undefined } | undefined): SpaceInfo | undefined =>
    space ? { id: space.id, key: space.key, name: space.name ?? space.key, homepageId: space.homepageId ?? null } : undefined;
  return {
    asApp,
    asUser,
    bodyFormat: options.bodyFormat ?? 'anonymous_export_view',
    maxDownload: options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD,
    concurrency: options.concurrency ?? 16,
    appDisplayName: options.appDisplayName ?? 'Secure Share',
    invokingAccountId: options.invokingAccountId,
    spaceById(requester, spaceId) {
      const cacheKey = `${requester === asApp ? 'app' : 'user'}:${spaceId}`;
      let cached = spacesById.get(cacheKey);
      if (!cached) {
        cached = read(requester)(requester, path`/wiki/api/v2/spaces/${spaceId}`, spaceSchema).then(toInfo);
        spacesById.set(cacheKey, cached);
        cached.catch(() => spacesById.delete(cacheKey));
      }
      return cached;
    },
    async spaceByKey(requester, spaceKey) {
      if (!SPACE_KEY.test(spaceKey)) return undefined;
      const who = requester === asApp ? 'app' : 'user';
      if (who === 'app') {
        const seenByUser = await spacesByKey.get(`user:${spaceKey}`)?.catch(() => undefined);
        if (seenByUser) return seenByUser;
      }
      const cacheKey = `${who}:${spaceKey}`;
      let cached = spacesByKey.get(cacheKey);
      if (!cached) {
        cached = read(requester)(requester, path`/wiki/api/v2/spaces?keys=${spaceKey}&limit=${1}`, spaceListSchema).then((list) =>
          toInfo(list?.results.find((s) => s.key === spaceKey)),
        );
        spacesByKey.set(cacheKey, cached);
        cached.catch(() => spacesByKey.delete(cacheKey));
      }
      return cached;
    },
  };
};
