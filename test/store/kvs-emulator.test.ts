import { describe, expect, it } from 'vitest';
import { Filter, FilterConditions, Sort, WhereConditions } from '@forge/kvs';
import { FakeKvs } from '../support/fake-kvs';

const code = async (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (e: { code?: string }) => e.code ?? 'no code',
  );

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

describe('FakeKvs enforces the platform limits', () => {
  it('rejects bad keys, null, oversized and too deep values', async () => {
    const kvs = new FakeKvs();
    expect(await code(kvs.set('a/b', 1))).toBe('INVALID_KEY');
    expect(await code(kvs.set('x'.repeat(501), 1))).toBe('INVALID_KEY');
    expect(await code(kvs.set('   ', 1))).toBe('INVALID_KEY');
    expect(await code(kvs.set('ok:key_1.-#', 1))).toBeUndefined();
    expect(await code(kvs.set('k', null))).toBe('INVALID_VALUE');
    expect(await code(kvs.set('k', 'x'.repeat(240 * 1024)))).toBe('VALUE_TOO_LARGE');
    expect(await code(kvs.setSecret('k', 'x'.repeat(129 * 1024)))).toBe('VALUE_TOO_LARGE');
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    expect(await code(kvs.set('k', deep))).toBe('INVALID_VALUE');
  });

  it('FAIL_IF_EXISTS conflicts with 409 KEY_CONFLICT; delete of a missing key is fine', async () => {
    const kvs = new FakeKvs();
    await kvs.set('k', 1, { keyPolicy: 'FAIL_IF_EXISTS' });
    expect(await code(kvs.set('k', 2, { keyPolicy: 'FAIL_IF_EXISTS' }))).toBe('KEY_CONFLICT');
    expect(await kvs.get('k')).toBe(1);
    await kvs.delete('nope');
  });

  it('checks entities, attributes and 32-bit integers against KVS_ENTITIES', async () => {
    const kvs = new FakeKvs();
    expect(() => kvs.entity('undeclared')).toThrow(/not declared/);
    expect(await code(kvs.entity('share-link').set('a', link(1, { extra: 1 })))).toBe('INVALID_ENTITY_VALUE');
    expect(await code(kvs.entity('share-link').set('a', link(1, { version: 2 ** 31 })))).toBe('INVALID_ENTITY_VALUE');
    expect(await code(kvs.entity('share-link').set('a', link(1, { pageId: 7 })))).toBe('INVALID_ENTITY_VALUE');
    expect(await code(kvs.entity('share-link').set('a', link(1)))).toBeUndefined();
  });

  it('queries need a declared index with the right partition, limit ≤ 100, and page with bound cursors', async () => {
    const kvs = new FakeKvs();
    const entity = kvs.entity<ReturnType<typeof link>>('share-link');
    for (let i = 0; i < 25; i++) await entity.set(`id${i}`, link(i, { status: i % 2 ? 'active' : 'disabled' }));
    expect(await code(entity.query().index('nope').getMany())).toBe('INVALID_INDEX');
    expect(await code(entity.query().index('by-space-status', { partition: ['DEMO'] }).getMany())).toBe('INVALID_PARTITION');
    expect(await code(entity.query().index('by-created').limit(101).getMany())).toBe('INVALID_LIMIT');
    const first = await entity.query().index('by-space-status', { partition: ['DEMO', 'active'] }).limit(5).getMany();
    expect(first.results.map((r) => r.value.doc.n)).toEqual([1, 3, 5, 7, 9]);
    const second = await entity.query().index('by-space-status', { partition: ['DEMO', 'active'] }).cursor(first.nextCursor!).limit(10).getMany();
    expect(second.results.map((r) => r.value.doc.n)).toEqual([11, 13, 15, 17, 19, 21, 23]);
    expect(second.nextCursor).toBeUndefined();
    expect(await code(entity.query().index('by-created').cursor(first.nextCursor!).getMany())).toBe('INVALID_CURSOR');
    const desc = await entity.query().index('by-created').where(WhereConditions.lessThan('k0003')).sort(Sort.DESC).getMany();
    expect(desc.results.map((r) => r.value.doc.n)).toEqual([2, 1, 0]);
    const defaultLimit = await entity.query().index('by-created').getMany();
    expect(defaultLimit.results).toHaveLength(10);
  });

  it('transactions are all-or-nothing, ≤ 25 ops, unique keys, conditions on entity attributes', async () => {
    const kvs = new FakeKvs();
    const entity = kvs.entity<ReturnType<typeof link>>('share-link');
    await entity.set('a', link(1));
    const failing = kvs
      .transact()
      .set('b', link(2), { entityName: 'share-link' })
      .set('a', link(1, { version: 2 }), { entityName: 'share-link', conditions: new Filter<ReturnType<typeof link>>().and('version', FilterConditions.equalTo(5)) });
    expect(await code(failing.execute())).toBe('CONDITION_FAILED');
    expect(await entity.get('b')).toBeUndefined();
    await kvs
      .transact()
      .set('b', link(2), { entityName: 'share-link' })
      .set('a', link(1, { version: 2 }), { entityName: 'share-link', conditions: new Filter<ReturnType<typeof link>>().and('version', FilterConditions.equalTo(1)) })
      .execute();
    expect((await entity.get('a'))?.version).toBe(2);
    const tooMany = kvs.transact();
    for (let i = 0; i < 26; i++) tooMany.set(`k${i}`, link(i), { entityName: 'share-link' });
    expect(await code(tooMany.execute())).toBe('INVALID_TRANSACTION');
    expect(await code(kvs.transact().set('a', link(1), { entityName: 'share-link' }).delete('a', { entityName: 'share-link' }).execute())).toBe('INVALID_TRANSACTION');
    const onMissing = kvs.transact().delete('zz', { entityName: 'share-link', conditions: new Filter<ReturnType<typeof link>>().and('version', FilterConditions.equalTo(1)) });
    expect(await code(onMissing.execute())).toBe('CONDITION_FAILED');
  });

  it('keeps TTL-expired items until collected, like the platform', async () => {
    let now = 1_000_000;
    const kvs = new FakeKvs({ now: () => now });
    await kvs.set('t', 'v', { ttl: { value: 1, unit: 'SECONDS' } });
    now += 5000;
    expect(await kvs.get('t')).toBe('v');
    expect(kvs.collectExpired()).toBe(1);
    expect(await kvs.get('t')).toBeUndefined();
  });
});
