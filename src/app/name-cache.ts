import type { AppDeps } from './deps';

/**
 * Display names of Confluence users and spaces, kept between invocations (review rubric PRF-07: stable data is
 * cached, not asked for again on every list). A name lives 24 hours in the store's ephemeral records, so
 * it survives cold starts and is never held in module memory (a warm runtime serves other sites next).
 * Misses are looked up together through the bulk user or space endpoint and written once each: at most
 * one store write per name per day. A failed read or lookup is a miss, never an error.
 */
export const NAME_TTL_MS = 24 * 60 * 60 * 1000;

type NameCacheDeps = Pick<AppDeps, 'store' | 'content' | 'clock'>;

/** Names by id through the cache: stored ones first, then one bulk lookup for the misses (written back). */
const cachedNames = async (
  deps: NameCacheDeps,
  kind: 'user' | 'space',
  ids: readonly string[],
  lookUp: (missing: string[]) => Promise<Map<string, string>>,
): Promise<Map<string, string>> => {
  const keyOf = (id: string) => `name:${kind}:${id}`;
  const wanted = [...new Set(ids.filter((id) => id !== ''))];
  const names = new Map<string, string>();
  if (wanted.length === 0) return names;
  const now = deps.clock.now();
  const stored = await Promise.all(
    wanted.map((id) =>
      deps.store.ephemeral.get(keyOf(id), now).then(
        (record) => (typeof record?.value['name'] === 'string' ? record.value['name'] : undefined),
        () => undefined,
      ),
    ),
  );
  const missing: string[] = [];
  wanted.forEach((id, i) => {
    const name = stored[i];
    if (name) names.set(id, name);
    else missing.push(id);
  });
  if (missing.length === 0) return names;
  const found = await lookUp(missing).catch(() => new Map<string, string>());
  const fresh = [...found].filter(([, name]) => name !== '');
  for (const [id, name] of fresh) names.set(id, name);
  await Promise.all(
    fresh.map(([id, name]) => deps.store.ephemeral.put({ key: keyOf(id), value: { name }, expiresAt: now + NAME_TTL_MS }).catch(() => undefined)),
  );
  return names;
};

export const cachedUserNames = (deps: NameCacheDeps, accountIds: readonly string[]): Promise<Map<string, string>> =>
  cachedNames(deps, 'user', accountIds, (missing) => deps.content.getUserNames(missing));

/** Space names by key (the bulk space read takes 250 keys a request). */
export const cachedSpaceNames = (deps: NameCacheDeps, spaceKeys: readonly string[]): Promise<Map<string, string>> =>
  cachedNames(deps, 'space', spaceKeys, async (missing) => new Map((await deps.content.getSpaces(missing)).map((space) => [space.key, space.name])));
