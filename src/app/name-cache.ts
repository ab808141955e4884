import type { AppDeps } from './deps';

/**
 * Display names of Confluence users, kept between invocations (review rubric PRF-07: stable data is
 * cached, not asked for again on every list). A name lives 24 hours in the store's ephemeral records, so
 * it survives cold starts and is never held in module memory (a warm runtime serves other sites next).
 * Misses are looked up together through the bulk user endpoint (100 accounts per request) and written
 * once each: at most one store write per user per day. A failed read or lookup is a miss, never an error.
 */
export const NAME_TTL_MS = 24 * 60 * 60 * 1000;
const KEY_PREFIX = 'name:user:';

export const cachedUserNames = async (deps: Pick<AppDeps, 'store' | 'content' | 'clock'>, accountIds: readonly string[]): Promise<Map<string, string>> => {
  const wanted = [...new Set(accountIds.filter((id) => id !== ''))];
  const names = new Map<string, string>();
  if (wanted.length === 0) return names;
  const now = deps.clock.now();
  const stored = await Promise.all(
    wanted.map((id) =>
      deps.store.ephemeral.get(`${KEY_PREFIX}${id}`, now).then(
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
  const found = await deps.content.getUserNames(missing).catch(() => new Map<string, string>());
  const fresh = [...found].filter(([, name]) => name !== '');
  for (const [id, name] of fresh) names.set(id, name);
  await Promise.all(
    fresh.map(([id, name]) => deps.store.ephemeral.put({ key: `${KEY_PREFIX}${id}`, value: { name }, expiresAt: now + NAME_TTL_MS }).catch(() => undefined)),
  );
  return names;
};
