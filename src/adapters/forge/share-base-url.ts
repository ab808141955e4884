/**
 * The share web trigger's URL, looked up once and kept in KVS.
 *
 * `webTrigger.getUrl` is a rate-limited GraphQL call. It is stable per module, app, site and environment
 * (forge-facts §2), so it is asked for only where a user or the platform drives the call (resolvers,
 * events, the sweep) and only while nothing is stored; the anonymous view reads the stored value and
 * never calls getUrl. With a custom domain the use cases never ask for it at all.
 */
import type { Kvs } from '@forge/kvs/out/interfaces/kvs';

/** Trailing slashes trimmed so `${base}/s/<token>` never doubles them. */
export const normalizeBaseUrl = (url: string): string => url.replace(/\/+$/, '');

/** Plain KVS key (not an entity): survives a full reset, which only deletes the app's entities and secrets. */
export const SHARE_BASE_URL_KEY = 'platform:share-base-url';

export type PlainKvs = Pick<Kvs, 'get' | 'set'>;

const isHttpsUrl = (value: unknown): value is string => typeof value === 'string' && /^https:\/\/[^\s]+$/.test(value) && URL.canParse(value);

/** The stored URL, or undefined when no resolver, event or sweep has stored it yet. */
export const readStoredShareBaseUrl = async (kvs: PlainKvs): Promise<string | undefined> => {
  const stored = await kvs.get<string>(SHARE_BASE_URL_KEY);
  return isHttpsUrl(stored) ? normalizeBaseUrl(stored) : undefined;
};

/**
 * The stored URL; when none is stored, asks the platform once and stores the answer. A failed write
 * still returns the URL (the next call stores it).
 */
export const lookUpShareBaseUrl = async (kvs: PlainKvs, getUrl: () => Promise<string>): Promise<string> => {
  const stored = await readStoredShareBaseUrl(kvs);
  if (stored) return stored;
  const url = normalizeBaseUrl(await getUrl());
  await kvs.set(SHARE_BASE_URL_KEY, url).catch(() => undefined);
  return url;
};
