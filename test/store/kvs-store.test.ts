import { describe, expect, it } from 'vitest';
import { ForgeKvsAPIError, kvs as realKvs } from '@forge/kvs';
import { createKvsStore, toKvsKey, type KvsClient } from '../../src/adapters/forge/kvs-store';
import { hashToken, newLinkId, newToken } from '../../src/core/token';
import { FakeKvs, KEY_PATTERN } from '../support/fake-kvs';
import { runStoreContract } from './store-contract';
import { ManualClock, T0, makeAudit, makeLink, makeSpace } from './store-fixtures';
import { randomBytes } from 'node:crypto';

// Compile-time: the real `kvs` object satisfies the client type the adapter asks for.
const realClientFits: KvsClient = realKvs;
void realClientFits;

const setup = (clock = new ManualClock()) => {
  // No throttling: these tests count requests.
  const fake = new FakeKvs({ now: () => clock.now(), rateLimitRate: 0 });
  return { fake, clock, store: createKvsStore(fake, { clock }) };
};

const underTest = (fake: FakeKvs, clock: ManualClock) => ({
  store: createKvsStore(fake, { clock, consistencyDelayMs: 1 }),
  settleIndexes: () => fake.settleIndexes(),
});

// The emulator's defaults: index lag on, 1 % of requests throttled (the adapter retries them).
runStoreContract('Forge KVS over the strict emulator', async ({ clock }) => underTest(new FakeKvs({ now: () => clock.now() }), clock));
runStoreContract('Forge KVS over the strict emulator, heavier interleaving and 5 % throttling', async ({ clock }) =>
  underTest(new FakeKvs({ now: () => clock.now(), maxHops: 8, rateLimitRate: 0.05, seed: 7 }), clock),
);

describe('KVS store layout', () => {
  it('maps names to valid, injective KVS keys', () => {
    expect(toKvsKey('Zx3_-abc')).toBe('Zx3_-abc');
    expect(toKvsKey('pw:link:2001:db8::1')).toBe('pw:link:2001:db8::1');
    expect(toKvsKey('~557058:personal')).toBe('.7E557058:personal');
    expect(toKvsKey('a.b')).toBe('a.2Eb');
    expect(toKvsKey('a b/é')).toBe('a.20b.2F.C3.A9');
    expect(toKvsKey('.7E')).not.toBe(toKvsKey('~'));
    const long = toKvsKey('x'.repeat(600));
    expect(long).toMatch(/^h\.[0-9a-f]{64}$/);
    for (const key of ['~', 'a b', 'ä', '#x', '+/=', long]) expect(toKvsKey(key)).toMatch(KEY_PATTERN);
    expect(() => toKvsKey('')).toThrow(/must not be empty/);
  });

  it('stores links under their id with index attributes and ms-precision range keys', async () => {
    const { fake, store } = setup();
    const link = makeLink({ createdAt: T0 + 1 });
    await store.links.create(link);
    await store.configs.putSpace(makeSpace('~557058:personal', 1), 0);
    await store.counters.increment('pw:link:10.0.0.1', T0 + 60_000);
    const dump = fake.dump();
    expect(dump['entity:share-link']?.[link.id]).toEqual({
      pageId: link.pageId,
      spaceKey: link.spaceKey,
      status: 'active',
      createdBy: link.createdBy,
      createdKey: `${String(T0 + 1).padStart(15, '0')}:${link.id}`,
      // Never-expiring links sort after every instant in the expiry index.
      expiresKey: `never:${link.id}`,
      version: 1,
      doc: link,
    });
    const expiring = makeLink({ expiresAt: T0 + 5 });
    await store.links.create(expiring);
    expect((fake.dump()['entity:share-link']?.[expiring.id] as { expiresKey?: string } | undefined)?.expiresKey).toBe(`${String(T0 + 5).padStart(15, '0')}:${expiring.id}`);
    expect(Object.keys(dump['entity:space-config'] ?? {})).toEqual(['.7E557058:personal']);
    expect(Object.keys(dump['entity:counter'] ?? {})).toEqual(['pw:link:10.2E0.2E0.2E1']);
    for (const space of Object.values(dump)) for (const key of Object.keys(space)) expect(key).toMatch(KEY_PATTERN);
  });

  it('stores only the token hash: neither the token nor its secret part ever reaches KVS', async () => {
    const { fake, store } = setup();
    const id = newLinkId((n) => randomBytes(n));
    const token = newToken(id, (n) => randomBytes(n));
    const link = makeLink({ id, tokenHash: hashToken(token), passwordHash: '$2b$10$abcdefghijklmnopqrstuuJ1mCQZ3lMI8OxXbDDpE5PaXQyxxxxxx' });
    await store.links.create(link);
    await store.links.update({ ...link, version: 2, name: 'renamed' }, 1);
    const raw = JSON.stringify(fake.dump());
    expect(raw).toContain(hashToken(token));
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(token.slice(id.length));
    expect(raw).not.toMatch(/"password"\s*:/);
  });

  it('keeps secrets in secret storage, not in entities', async () => {
    const { fake, store } = setup();
    await store.secrets.set('session hmac', 'VERY-SECRET');
    const dump = fake.dump();
    expect(dump.secret).toEqual({ 'session.20hmac': 'VERY-SECRET' });
    const elsewhere = Object.entries(dump).filter(([space]) => space !== 'secret');
    expect(JSON.stringify(elsewhere)).not.toContain('VERY-SECRET');
  });

  it('never trusts platform TTL: an expired record still present in KVS is not returned', async () => {
    const { fake, store, clock } = setup();
    await store.ephemeral.put({ key: 'otp:1', value: { h: 1 }, expiresAt: T0 + 1000 });
    clock.advance(10_000_000);
    expect(fake.dump()['entity:ephemeral']).toBeDefined();
    expect(await store.ephemeral.get('otp:1', clock.now())).toBeUndefined();
    expect(await store.ephemeral.take('otp:1', clock.now())).toBeUndefined();
  });

  it('asks KVS for create-once and conditional writes (no blind overwrite of versioned data)', async () => {
    const { fake, store } = setup();
    const link = makeLink();
    await store.links.create(link);
    fake.calls.length = 0;
    await store.links.update({ ...link, version: 2 }, 1);
    expect(fake.calls.map((c) => c.op)).toEqual(['transact']);
    await store.configs.putGlobal({ ...(await import('./store-fixtures')).makeGlobal(1) }, 0);
    expect(fake.calls.filter((c) => c.op === 'entity.set' && c.entityName === 'app-setting')).toHaveLength(1);
  });

  it('maps platform throttling to store_unavailable', async () => {
    const fake = new FakeKvs();
    const throttled: KvsClient = {
      ...fake,
      entity: ((name: string) => {
        const entity = fake.entity(name);
        return {
          ...entity,
          get: () => Promise.reject(new ForgeKvsAPIError({ status: 429, statusText: 'Too Many Requests' }, { code: 'RATE_LIMIT_EXCEEDED', message: 'slow down' })),
        };
      }) as unknown as KvsClient['entity'],
      transact: () => fake.transact(),
      getSecret: fake.getSecret.bind(fake),
      setSecret: fake.setSecret.bind(fake),
      deleteSecret: fake.deleteSecret.bind(fake),
    };
    const store = createKvsStore(throttled);
    await expect(store.links.get('x')).rejects.toMatchObject({ code: 'store_unavailable' });
  });
});

describe('KVS store under eventually consistent indexes', () => {
  const lagging = () => {
    const clock = new ManualClock();
    const fake = new FakeKvs({ now: () => clock.now(), indexLagMs: 30 });
    return { fake, clock, store: createKvsStore(fake, { clock }) };
  };

  it('version checks, counters and single-use takes read by key, never through an index', async () => {
    const { store } = lagging();
    const link = makeLink();
    await store.links.create(link);
    const updates = await Promise.allSettled([
      store.links.update({ ...link, name: 'a', version: 2 }, 1),
      store.links.update({ ...link, name: 'b', version: 2 }, 1),
    ]);
    expect(updates.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const counts = await Promise.all(Array.from({ length: 15 }, () => store.counters.increment('c', T0 + 60_000)));
    expect(Math.max(...counts)).toBe(15);
    await store.ephemeral.put({ key: 'otp:x', value: {}, expiresAt: T0 + 60_000 });
    const taken = await Promise.all(Array.from({ length: 10 }, () => store.ephemeral.take('otp:x', T0)));
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it('purges re-read by key: a counter restarted after the index saw it expire survives', async () => {
    const { fake, store, clock } = lagging();
    await store.counters.increment('pw:a', T0 + 1000);
    await fake.settleIndexes();
    clock.advance(2000);
    expect(await store.counters.increment('pw:a', T0 + 60_000)).toBe(1);
    // The index still holds the old window end (T0 + 1000 < now).
    expect(await store.counters.purgeExpired(clock.now())).toBe(0);
    expect(await store.counters.get('pw:a')).toBe(1);
  });

  it('a record listed from a stale index cannot be taken twice', async () => {
    const { fake, store } = lagging();
    await store.ephemeral.put({ key: 'pending:1', value: { n: 1 }, expiresAt: T0 + 60_000 });
    await fake.settleIndexes();
    expect(await store.ephemeral.take('pending:1', T0)).toBeDefined();
    const listed = (await store.ephemeral.listByPrefix('pending:', { limit: 10 })).items;
    for (const record of listed) expect(await store.ephemeral.take(record.key, T0)).toBeUndefined();
  });

  it('lists converge once the indexes catch up', async () => {
    const { fake, store } = lagging();
    const link = makeLink();
    await store.links.create(link);
    await fake.settleIndexes();
    expect((await store.links.list({ pageId: link.pageId }, { limit: 10 })).items.map((l) => l.id)).toEqual([link.id]);
    await store.links.update({ ...link, status: 'disabled', version: 2 }, 1);
    await fake.settleIndexes();
    expect((await store.links.list({ status: 'disabled' }, { limit: 10 })).items).toEqual([{ ...link, status: 'disabled', version: 2 }]);
  });
});

describe('KVS store: listings and full clears under the strict emulator', () => {
  it('lists a page of 100 with one index query', async () => {
    const clock = new ManualClock();
    const fake = new FakeKvs({ now: () => clock.now(), rateLimitRate: 0, indexLag: { ops: 0 } });
    const store = createKvsStore(fake, { clock });
    for (let i = 0; i < 250; i += 25) await Promise.all(Array.from({ length: 25 }, (_, j) => store.links.create(makeLink({ createdAt: T0 + i + j }))));
    const queriesFor = async (cursor?: string) => {
      const before = fake.calls.length;
      const page = await store.links.list({}, { limit: 100, ...(cursor ? { cursor } : {}) });
      return { page, queries: fake.calls.slice(before).filter((c) => c.op === 'entity.query').length };
    };
    const first = await queriesFor();
    expect(first).toMatchObject({ queries: 1 });
    expect(first.page.items).toHaveLength(100);
    const second = await queriesFor(first.page.nextCursor);
    expect(second.queries).toBe(1);
    const third = await queriesFor(second.page.nextCursor);
    expect(third.page.items).toHaveLength(50);
    expect(third.page.nextCursor).toBeUndefined();
  });

  it('clearAll deletes what the indexes do not show yet, and stops at a deadline saying so', async () => {
    const clock = new ManualClock();
    const fake = new FakeKvs({ now: () => clock.now(), indexLag: { ops: 40 } });
    const store = createKvsStore(fake, { clock, consistencyDelayMs: 1 });
    const links = Array.from({ length: 30 }, (_, i) => makeLink({ createdAt: T0 + i }));
    await Promise.all(links.map((l) => store.links.create(l)));
    await store.secrets.set('hmac', 'k');
    expect(await store.clearAll({ deadline: Date.now() - 1 })).toEqual({ complete: false });
    expect(await store.links.get(links[0]!.id)).toBeDefined();
    expect(await store.clearAll()).toEqual({ complete: true });
    for (const link of links) expect(await store.links.get(link.id)).toBeUndefined();
    expect(await store.secrets.get('hmac')).toBeUndefined();
    expect(fake.dump()).toEqual({});
  });
});

describe('KVS store: view counting', () => {
  const counting = (options: ConstructorParameters<typeof FakeKvs>[0] = {}) => {
    const clock = new ManualClock();
    const fake = new FakeKvs({ now: () => clock.now(), ...options });
    return { fake, clock, store: createKvsStore(fake, { clock, retry: { baseDelayMs: 1 } }) };
  };

  it('a view is one write that never contends: 50 concurrent views, no conflict, none lost', async () => {
    const { fake, store } = counting({ maxHops: 6, rateLimitRate: 0 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.stats.recordView('hot', T0 + i)));
    expect(fake.calls.map((c) => c.op)).toEqual(Array(50).fill('entity.set'));
    expect(fake.calls.every((c) => c.status === 200)).toBe(true);
    await fake.settleIndexes();
    expect(await store.stats.get('hot')).toEqual({ linkId: 'hot', views: 50, lastOpenedAt: T0 + 49 });
  });

  it('throttled view writes are retried, so every view counts', async () => {
    const { fake, store } = counting({ rateLimitRate: 0.3, seed: 11 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.stats.recordView('hot', T0 + i)));
    expect(fake.calls.some((c) => c.status === 429)).toBe(true);
    await fake.settleIndexes();
    fake.emulator.rateLimitRate = 0;
    expect((await store.stats.get('hot')).views).toBe(40);
  });

  it('folds events older than a minute into the total, once, even with concurrent readers and a stale index', async () => {
    const { fake, store, clock } = counting({ rateLimitRate: 0, indexLag: { ops: 1000 } });
    await Promise.all(Array.from({ length: 60 }, (_, i) => store.stats.recordView('hot', T0 + i)));
    await fake.settleIndexes();
    clock.advance(120_000);
    // Readers fold 24 events per transaction; the index does not see the deletions yet.
    const reads = await Promise.all(Array.from({ length: 4 }, () => store.stats.get('hot')));
    for (const read of reads) expect(read.views).toBe(60);
    for (let i = 0; i < 4; i++) expect((await store.stats.get('hot')).views).toBe(60);
    await fake.settleIndexes();
    for (let i = 0; i < 4; i++) expect(await store.stats.get('hot')).toEqual({ linkId: 'hot', views: 60, lastOpenedAt: T0 + 59 });
    expect(Object.keys(fake.dump()['entity:view-event'] ?? {})).toEqual([]);
    expect(fake.dump()['entity:link-stats']?.['hot']).toMatchObject({ doc: { views: 60, lastOpenedAt: T0 + 59 } });
    await store.stats.recordView('hot', clock.now());
    await fake.settleIndexes();
    expect((await store.stats.get('hot')).views).toBe(61);
  });

  it('one read folds a backlog of a few hundred views in bounded transactions', async () => {
    const { fake, store, clock } = counting({ rateLimitRate: 0, indexLag: { ops: 0 } });
    for (let i = 0; i < 300; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => store.stats.recordView('hot', T0 + i + j)));
    clock.advance(120_000);
    fake.calls.length = 0;
    expect((await store.stats.get('hot')).views).toBe(300);
    expect(fake.calls.filter((c) => c.op === 'transact')).toHaveLength(8);
    expect(Object.keys(fake.dump()['entity:view-event'] ?? {})).toHaveLength(300 - 8 * 24);
    expect((await store.stats.get('hot')).views).toBe(300);
    expect(Object.keys(fake.dump()['entity:view-event'] ?? {})).toHaveLength(0);
  });
});

describe('KVS store: purges under index lag', () => {
  it('a second audit purge while the index still lists purged entries counts nothing', async () => {
    const clock = new ManualClock();
    const fake = new FakeKvs({ now: () => clock.now(), indexLag: { ops: 1000 }, rateLimitRate: 0 });
    const store = createKvsStore(fake, { clock });
    for (let i = 0; i < 5; i++) await store.audit.append(makeAudit({ at: T0 + i }));
    await fake.settleIndexes();
    expect(await store.audit.purgeOlderThan(T0 + 100)).toBe(5);
    expect(await store.audit.purgeOlderThan(T0 + 100)).toBe(0);
  });
});
