import { describe, expect, it } from 'vitest';
import { Filter, FilterConditions, ForgeKvsAPIError, Sort, WhereConditions } from '@forge/kvs';
import { KVS_ERROR, KVS_LIMITS, KvsEmulator, createEmulatedKvs, kvsForgeFetch } from '../../src/dev/kvs-emulator';
import { FakeKvs } from '../support/fake-kvs';

/** The error as @forge/kvs throws it: `code` and HTTP status, or undefined when the call succeeded. */
const failure = async (promise: Promise<unknown>): Promise<{ code: string; status: number; isApiError: boolean } | undefined> =>
  promise.then(
    () => undefined,
    (e: ForgeKvsAPIError) => ({ code: e.code, status: e.responseDetails?.status, isApiError: e instanceof ForgeKvsAPIError }),
  );
const code = async (promise: Promise<unknown>): Promise<string | undefined> => (await failure(promise))?.code;

const link = (n: number, extra: Record<string, unknown> = {}) => ({
  pageId: 'p1',
  spaceKey: 'DEMO',
  status: 'active',
  createdBy: 'acc',
  createdKey: `k${String(n).padStart(4, '0')}`,
  version: 1,
  doc: { n },
  ...extra,
});
type LinkValue = ReturnType<typeof link>;

/** Strict, but without throttling or index lag unless a test asks for them. */
const quiet = (options: ConstructorParameters<typeof FakeKvs>[0] = {}) => new FakeKvs({ rateLimitRate: 0, indexLag: { ops: 0 }, ...options });

describe('KVS emulator: keys and values', () => {
  it('answers bad keys with the documented codes, as ForgeKvsAPIError 400', async () => {
    const kvs = quiet();
    expect(await failure(kvs.set('', 1))).toEqual({ code: KVS_ERROR.emptyKey, status: 400, isApiError: true });
    expect(await code(kvs.set('a/b', 1))).toBe('INVALID_KEY');
    expect(await code(kvs.set('   ', 1))).toBe('INVALID_KEY');
    expect(await code(kvs.set('x'.repeat(501), 1))).toBe('KEY_TOO_LONG');
    expect(await code(kvs.set('x'.repeat(500), 1))).toBeUndefined();
    expect(await code(kvs.set('ok:key_1.-# x', 1))).toBeUndefined();
    expect(await code(kvs.entity('share-link').get('a+b'))).toBe('INVALID_KEY');
  });

  it('limits values to 240 KiB (secrets 128 KiB) and depth 31; null is not storable', async () => {
    const kvs = quiet();
    const json = (n: number) => 'x'.repeat(n - 2); // a JSON string of n bytes
    expect(await code(kvs.set('k', json(KVS_LIMITS.maxValueBytes)))).toBeUndefined();
    expect(await code(kvs.set('k', json(KVS_LIMITS.maxValueBytes + 1)))).toBe('MAX_SIZE');
    expect(await code(kvs.set('k', 'é'.repeat(130 * 1024)))).toBe('MAX_SIZE'); // bytes, not characters
    expect(await code(kvs.setSecret('k', json(KVS_LIMITS.maxSecretBytes + 1)))).toBe('MAX_SIZE');
    expect(await code(kvs.setSecret('k', json(KVS_LIMITS.maxSecretBytes)))).toBeUndefined();
    const nest = (levels: number): unknown => (levels === 0 ? 1 : { d: nest(levels - 1) });
    expect(await code(kvs.set('k', nest(31)))).toBeUndefined();
    expect(await code(kvs.set('k', nest(32)))).toBe('MAX_DEPTH');
    expect(await code(kvs.set('k', null))).toBe(KVS_ERROR.validation);
  });

  it('gets and deletes of a missing key resolve (undefined), like the real client', async () => {
    const kvs = quiet();
    expect(await kvs.get('missing')).toBeUndefined();
    await kvs.delete('missing');
    await kvs.entity('share-link').delete('missing');
    expect(kvs.calls.map((c) => c.status)).toEqual([404, 404, 404]);
  });

  it('FAIL_IF_EXISTS answers 409 and keeps the first value; OVERRIDE with returnValue returns it', async () => {
    const kvs = quiet();
    await kvs.set('k', 1, { keyPolicy: 'FAIL_IF_EXISTS' });
    expect(await failure(kvs.set('k', 2, { keyPolicy: 'FAIL_IF_EXISTS' }))).toMatchObject({ code: KVS_ERROR.keyConflict, status: 409 });
    expect(await kvs.get('k')).toBe(1);
    expect(await kvs.set('k', 3, { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS' })).toEqual({ key: 'k', value: 1 });
    expect(await kvs.setSecret('s', 'a', { keyPolicy: 'FAIL_IF_EXISTS' })).toBeUndefined();
    expect(await code(kvs.setSecret('s', 'b', { keyPolicy: 'FAIL_IF_EXISTS' }))).toBe(KVS_ERROR.keyConflict);
    expect(await kvs.getSecret('s')).toBe('a');
  });

  it('keeps TTL-expired items until collected, like the platform', async () => {
    let now = 1_000_000;
    const kvs = quiet({ now: () => now });
    await kvs.set('t', 'v', { ttl: { value: 1, unit: 'SECONDS' } });
    expect(await code(kvs.set('t2', 'v', { ttl: { value: 366, unit: 'DAYS' } }))).toBe(KVS_ERROR.validation);
    now += 5000;
    expect(await kvs.get('t')).toBe('v');
    expect(kvs.collectExpired()).toBe(1);
    expect(await kvs.get('t')).toBeUndefined();
  });
});

describe('KVS emulator: custom entities', () => {
  it('checks entity names, declared attributes and 32-bit integers', async () => {
    const kvs = quiet();
    expect(await code(kvs.entity('ab').get('a'))).toBe('ENTITY_TYPE_TOO_SHORT');
    expect(await code(kvs.entity('x'.repeat(61)).get('a'))).toBe('ENTITY_TYPE_TOO_LARGE');
    expect(await code(kvs.entity('Bad_Name').get('a'))).toBe('INVALID_ENTITY_TYPE');
    expect(await code(kvs.entity('undeclared').get('a'))).toBe('INVALID_ENTITY_TYPE');
    const links = kvs.entity<LinkValue>('share-link');
    expect(await code(links.set('a', link(1, { extra: 1 })))).toBe('INVALID_ENTITY_VALUE');
    expect(await code(links.set('a', link(1, { version: 2 ** 31 })))).toBe('INVALID_ENTITY_VALUE');
    expect(await code(links.set('a', link(1, { pageId: 7 })))).toBe('INVALID_ENTITY_VALUE');
    expect(await code(links.set('a', link(1, { pageId: null })))).toBe('INVALID_ENTITY_VALUE');
    expect(await code(links.set('a', link(1)))).toBeUndefined();
  });

  it('limits index values: range ≤ 900 bytes, partition ≤ 1700 bytes (per index, UTF-8)', async () => {
    const links = quiet().entity<LinkValue>('share-link');
    expect(await code(links.set('a', link(1, { createdKey: 'k'.repeat(900) })))).toBeUndefined();
    expect(await code(links.set('a', link(1, { createdKey: 'k'.repeat(901) })))).toBe('INVALID_ENTITY_VALUE');
    expect(await code(links.set('a', link(1, { createdKey: 'é'.repeat(451) })))).toBe('INVALID_ENTITY_VALUE');
    expect(await code(links.set('a', link(1, { pageId: 'p'.repeat(1700) })))).toBeUndefined();
    expect(await code(links.set('a', link(1, { pageId: 'p'.repeat(1701) })))).toBe('INVALID_ENTITY_VALUE');
    // by-space-status combines two partition attributes.
    expect(await code(links.set('a', link(1, { spaceKey: 's'.repeat(1000), status: 't'.repeat(701) })))).toBe('INVALID_ENTITY_VALUE');
  });

  it('queries need a declared index with the right partition, limit 1..100, and page with bound cursors', async () => {
    const kvs = quiet();
    const entity = kvs.entity<LinkValue>('share-link');
    for (let i = 0; i < 25; i++) await entity.set(`id${i}`, link(i, { status: i % 2 ? 'active' : 'disabled' }));
    expect(await code(entity.query().index('nope').getMany())).toBe('INVALID_ENTITY_INDEX');
    expect(await code(entity.query().index('by-space-status', { partition: ['DEMO'] }).getMany())).toBe(KVS_ERROR.validation);
    expect(await code(entity.query().index('by-created').limit(101).getMany())).toBe('COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE');
    expect(await code(entity.query().index('by-created').limit(0).getMany())).toBe('COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE');
    expect(await code(kvs.query().limit(101).getMany())).toBe('COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE');
    const first = await entity.query().index('by-space-status', { partition: ['DEMO', 'active'] }).limit(5).getMany();
    expect(first.results.map((r) => r.value.doc.n)).toEqual([1, 3, 5, 7, 9]);
    const second = await entity.query().index('by-space-status', { partition: ['DEMO', 'active'] }).cursor(first.nextCursor!).limit(10).getMany();
    expect(second.results.map((r) => r.value.doc.n)).toEqual([11, 13, 15, 17, 19, 21, 23]);
    expect(second.nextCursor).toBeUndefined();
    expect(await code(entity.query().index('by-created').cursor(first.nextCursor!).getMany())).toBe('INVALID_CURSOR');
    const desc = await entity.query().index('by-created').where(WhereConditions.lessThan('k0003')).sort(Sort.DESC).getMany();
    expect(desc.results.map((r) => r.value.doc.n)).toEqual([2, 1, 0]);
    expect((await entity.query().index('by-created').getMany()).results).toHaveLength(10);
  });

  it('checks filters: BETWEEN needs two values, at most 100 conditions, known attributes', async () => {
    const entity = quiet().entity<LinkValue>('share-link');
    await entity.set('a', link(1));
    const between = { condition: 'BETWEEN', values: ['a'] } as never;
    expect(await code(entity.query().index('by-created').where(between).getMany())).toBe('INSUFFICIENT_FILTER_VALUES');
    let many = new Filter<LinkValue>().or('status', FilterConditions.equalTo('s0'));
    for (let i = 1; i < 100; i++) many = many.or('status', FilterConditions.equalTo(`s${i}`));
    expect(await code(entity.query().index('by-created').filters(many).getMany())).toBeUndefined();
    expect(await code(entity.query().index('by-created').where(WhereConditions.beginsWith('k')).filters(many).getMany())).toBe(KVS_ERROR.validation);
    const unknown = new Filter<LinkValue>().and('nope' as keyof LinkValue, FilterConditions.exists());
    expect(await code(entity.query().index('by-created').filters(unknown).getMany())).toBe(KVS_ERROR.validation);
  });

  it('transactions are all-or-nothing, ≤ 25 ops, unique keys, ≤ 4 MB, conditions on entity attributes', async () => {
    const kvs = quiet();
    const entity = kvs.entity<LinkValue>('share-link');
    await entity.set('a', link(1));
    const versionIs = (v: number) => new Filter<LinkValue>().and('version', FilterConditions.equalTo(v));
    const failing = kvs
      .transact()
      .set('b', link(2), { entityName: 'share-link' })
      .set('a', link(1, { version: 2 }), { entityName: 'share-link', conditions: versionIs(5) });
    expect(await failure(failing.execute())).toMatchObject({ code: KVS_ERROR.conditionFailed, status: 409 });
    expect(await entity.get('b')).toBeUndefined();
    await kvs
      .transact()
      .set('b', link(2), { entityName: 'share-link' })
      .set('a', link(1, { version: 2 }), { entityName: 'share-link', conditions: versionIs(1) })
      .execute();
    expect((await entity.get('a'))?.version).toBe(2);
    const tooMany = kvs.transact();
    for (let i = 0; i < 26; i++) tooMany.set(`k${i}`, link(i), { entityName: 'share-link' });
    expect(await code(tooMany.execute())).toBe(KVS_ERROR.validation);
    const twice = kvs.transact().set('a', link(1), { entityName: 'share-link' }).delete('a', { entityName: 'share-link' });
    expect(await code(twice.execute())).toBe(KVS_ERROR.validation);
    const onMissing = kvs.transact().delete('zz', { entityName: 'share-link', conditions: versionIs(1) });
    expect(await failure(onMissing.execute())).toMatchObject({ status: 409 });
    const big = kvs.transact();
    for (let i = 0; i < 20; i++) big.set(`big${i}`, link(i, { doc: 'x'.repeat(230 * 1024) }), { entityName: 'share-link' });
    expect(await code(big.execute())).toBe('MAX_SIZE');
    expect(await entity.get('big0')).toBeUndefined();
  });

  it('batches hold 1..25 items and report failures per item', async () => {
    const kvs = quiet();
    expect(await code(kvs.batchSet(Array.from({ length: 26 }, (_, i) => ({ key: `k${i}`, value: i }))))).toBe(KVS_ERROR.validation);
    const result = await kvs.batchSet<unknown>([
      { key: 'ok', value: 1 },
      { key: 'bad/key', value: 2 },
      { key: 'e1', value: link(1), entityName: 'share-link' },
    ]);
    expect(result.successfulKeys).toEqual([{ key: 'ok' }, { key: 'e1', entityName: 'share-link' }]);
    expect(result.failedKeys).toEqual([{ key: 'bad/key', error: { code: 'INVALID_KEY', message: expect.any(String) } }]);
  });
});

describe('KVS emulator: eventual consistency and throttling', () => {
  it('index queries lag writes and deletes by some requests; gets are consistent at once', async () => {
    // The default lag is 6 requests or 100 ms; counting requests only keeps this test independent of speed.
    const kvs = new FakeKvs({ rateLimitRate: 0, indexLag: { ops: 6 } });
    const entity = kvs.entity<LinkValue>('share-link');
    await entity.set('a', link(1));
    expect(await entity.get('a')).toEqual(link(1));
    expect((await entity.query().index('by-created').getMany()).results).toEqual([]);
    await kvs.settleIndexes();
    expect((await entity.query().index('by-created').getMany()).results).toHaveLength(1);
    await entity.delete('a');
    expect(await entity.get('a')).toBeUndefined();
    expect((await entity.query().index('by-created').getMany()).results.map((r) => r.key)).toEqual(['a']);
    // Index writes land after a few further requests, without any settling.
    for (let i = 0; i < 8; i++) await kvs.get('other');
    expect((await entity.query().index('by-created').getMany()).results).toEqual([]);
  });

  it('index writes also land after the lag time, with no further requests', async () => {
    const kvs = new FakeKvs({ rateLimitRate: 0, indexLag: { ops: 1000, ms: 20 } });
    const entity = kvs.entity<LinkValue>('share-link');
    await entity.set('a', link(1));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect((await entity.query().index('by-created').getMany()).results).toHaveLength(1);
  });

  it('throttles about 1 % of requests with 429 RATE_LIMIT_EXCEEDED by default, changing nothing', async () => {
    const emulator = new KvsEmulator({ seed: 3 });
    const kvs = createEmulatedKvs(emulator);
    const outcomes = await Promise.all(Array.from({ length: 2000 }, (_, i) => failure(kvs.set(`k${i}`, i))));
    const throttled = outcomes.filter((o) => o !== undefined);
    expect(throttled.length).toBeGreaterThan(5);
    expect(throttled.length).toBeLessThan(60);
    expect(throttled.every((o) => o?.code === 'RATE_LIMIT_EXCEEDED' && o.status === 429)).toBe(true);
    expect(Object.keys(emulator.dump()['kvs'] ?? {})).toHaveLength(2000 - throttled.length);
  });

  it('failNext injects a chosen error for the next matching request', async () => {
    const emulator = new KvsEmulator({ rateLimitRate: 0 });
    const kvs = createEmulatedKvs(emulator);
    emulator.failNext(1, { op: 'entity.query', status: 503, code: 'NOT_FOUND', message: 'down' });
    expect(await kvs.get('x')).toBeUndefined();
    expect(await failure(kvs.entity('share-link').query().index('by-created').getMany())).toMatchObject({ status: 503 });
  });

  it('serves @forge/kvs through __forge_fetch__ routes of type kvs only', async () => {
    const emulator = new KvsEmulator({ rateLimitRate: 0 });
    const handle = kvsForgeFetch(emulator);
    expect(handle({ type: 'fetch' }, '/api/v1/get', { body: '{}' })).toBeUndefined();
    const response = await handle({ type: 'kvs' }, '/api/v1/set', { body: JSON.stringify({ key: 'k', value: 'v' }) });
    expect(response?.status).toBe(200);
    expect(emulator.dump()).toEqual({ kvs: { k: 'v' } });
  });
});
