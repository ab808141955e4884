/**
 * One contract for every Store implementation (local memory, local durable, Forge KVS over the fake).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError, type ErrorCode } from '../../src/core/errors';
import type { Page, PageRequest, Store } from '../../src/app/ports';
import type { ShareLink } from '../../src/core/model';
import { settledIndexReads } from '../support/settled-index-reads';
import {
  ManualClock,
  T0,
  makeAudit,
  makeGlobal,
  makeLink,
  makeSite,
  makeSpace,
  makeSubscription,
  nextId,
} from './store-fixtures';

export interface StoreContext {
  clock: ManualClock;
}

/** A store plus, for stores with eventually consistent indexes, a way to let the indexes catch up. */
export interface StoreUnderTest {
  store: Store;
  settleIndexes: () => Promise<void> | void;
}

export type MakeStore = (context: StoreContext) => Promise<Store | StoreUnderTest>;


export const expectCode = async (promise: Promise<unknown>, code: ErrorCode): Promise<void> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected DomainError(${code})`).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
};

/** Reads every page; fails on a page over the limit. */
export const collectAll = async <T>(fetch: (page: PageRequest) => Promise<Page<T>>, limit: number): Promise<T[][]> => {
  const pages: T[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await fetch(cursor === undefined ? { limit } : { limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page.items);
    if (page.nextCursor === undefined) return pages;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not terminate');
};

const ids = (items: Array<{ id: string }>): string[] => items.map((i) => i.id);
const settle = <T>(promises: Array<Promise<T>>) => Promise.allSettled(promises);
const rejectedCodes = (results: PromiseSettledResult<unknown>[]): string[] =>
  results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as DomainError).code);

export const runStoreContract = (name: string, makeStore: MakeStore): void => {
  describe(`Store contract: ${name}`, () => {
    let clock: ManualClock;
    let store: Store;

    beforeEach(async () => {
      clock = new ManualClock();
      const made = await makeStore({ clock });
      store = 'settleIndexes' in made ? settledIndexReads(made.store, made.settleIndexes) : made;
    });

    describe('links', () => {
      it('creates, reads back an equal copy, and refuses a second create with the same id', async () => {
        const link = makeLink({ selectedUsers: ['ann@partner.com', '@acme.com'], expiresAt: T0 + 86_400_000 });
        await store.links.create(link);
        expect(await store.links.get(link.id)).toEqual(link);
        await expectCode(store.links.create({ ...link, name: 'other' }), 'already_exists');
        expect((await store.links.get(link.id))?.name).toBe(link.name);
        expect(await store.links.get(nextId('L'))).toBeUndefined();
      });

      it('refuses a link whose instants are not epoch ms, storing nothing', async () => {
        const bad = makeLink({ createdAt: Number.NaN });
        await expectCode(store.links.create(bad), 'invalid_input');
        expect(await store.links.get(bad.id)).toBeUndefined();
        expect((await store.links.list({}, { limit: 10 })).items).toEqual([]);
        await expectCode(store.counters.increment('c', -1), 'invalid_input');
        await expectCode(store.ephemeral.put({ key: 'e', value: {}, expiresAt: 1.5 }), 'invalid_input');
      });

      it('lets exactly one of ten concurrent creates of the same id win', async () => {
        const link = makeLink();
        const results = await settle(Array.from({ length: 10 }, (_, i) => store.links.create({ ...link, name: `n${i}` })));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(rejectedCodes(results)).toEqual(Array(9).fill('already_exists'));
      });

      it('returned objects are copies: mutating them does not change the store', async () => {
        const link = makeLink();
        await store.links.create(link);
        link.name = 'mutated after create';
        const read = await store.links.get(link.id);
        expect(read?.name).toBe('Partner link');
        read!.allowedIps.push('10.0.0.1');
        expect((await store.links.get(link.id))?.allowedIps).toEqual([]);
      });

      it('updates only from the stored version', async () => {
        const link = makeLink();
        await store.links.create(link);
        const v2 = { ...link, name: 'v2', version: 2 };
        await store.links.update(v2, 1);
        expect(await store.links.get(link.id)).toEqual(v2);
        await expectCode(store.links.update({ ...link, name: 'stale', version: 2 }, 1), 'version_conflict');
        await expectCode(store.links.update({ ...v2, version: 5 }, 2), 'invalid_input');
        await expectCode(store.links.update(makeLink({ version: 2 }), 1), 'not_found');
        expect((await store.links.get(link.id))?.name).toBe('v2');
      });

      it('two concurrent updates from the same base: one wins, the other gets version_conflict', async () => {
        const link = makeLink();
        await store.links.create(link);
        const results = await settle([
          store.links.update({ ...link, name: 'alice', version: 2 }, 1),
          store.links.update({ ...link, name: 'bob', version: 2 }, 1),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(rejectedCodes(results)).toEqual(['version_conflict']);
        const winner = results[0]!.status === 'fulfilled' ? 'alice' : 'bob';
        expect(await store.links.get(link.id)).toMatchObject({ name: winner, version: 2 });
      });

      it('never loses an update when writers retry on conflict', async () => {
        const link = makeLink({ allowedIps: [] });
        await store.links.create(link);
        const addIp = async (ip: string): Promise<void> => {
          for (;;) {
            const current = (await store.links.get(link.id))!;
            try {
              await store.links.update({ ...current, allowedIps: [...current.allowedIps, ip], version: current.version + 1 }, current.version);
              return;
            } catch (e) {
              if (!(e instanceof DomainError) || e.code !== 'version_conflict') throw e;
            }
          }
        };
        const wanted = Array.from({ length: 8 }, (_, i) => `10.0.0.${i}`);
        await Promise.all(wanted.map(addIp));
        const final = (await store.links.get(link.id))!;
        expect([...final.allowedIps].sort()).toEqual([...wanted].sort());
        expect(final.version).toBe(1 + wanted.length);
      });

      it('deletes (and deleting a missing link is fine)', async () => {
        const link = makeLink();
        await store.links.create(link);
        await store.links.delete(link.id);
        expect(await store.links.get(link.id)).toBeUndefined();
        await store.links.delete(link.id);
        expect((await store.links.list({}, { limit: 10 })).items).toEqual([]);
        await store.links.create(link);
        expect(await store.links.get(link.id)).toEqual(link);
      });

      it('filters by pageId, spaceKey, status, createdBy and their combinations, in (createdAt, id) order', async () => {
        const links: ShareLink[] = [];
        const spaces = ['DEMO', 'OPS'];
        for (let i = 0; i < 24; i++) {
          const spaceKey = spaces[i % 2]!;
          links.push(
            makeLink({
              pageId: `${spaceKey}-${i % 3}`,
              spaceKey,
              status: i % 4 === 0 ? 'disabled' : 'active',
              createdBy: i % 5 === 0 ? 'acc-bob' : 'acc-ann',
              createdAt: T0 + ((i * 7) % 24) * 1000,
            }),
          );
        }
        await Promise.all(links.map((l) => store.links.create(l)));
        const expected = (pred: (l: ShareLink) => boolean): string[] =>
          links
            .filter(pred)
            .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
            .map((l) => l.id);
        const cases: Array<[Parameters<Store['links']['list']>[0], (l: ShareLink) => boolean]> = [
          [{}, () => true],
          [{ pageId: 'DEMO-0' }, (l) => l.pageId === 'DEMO-0'],
          [{ spaceKey: 'OPS' }, (l) => l.spaceKey === 'OPS'],
          [{ status: 'disabled' }, (l) => l.status === 'disabled'],
          [{ createdBy: 'acc-bob' }, (l) => l.createdBy === 'acc-bob'],
          [{ spaceKey: 'DEMO', status: 'active' }, (l) => l.spaceKey === 'DEMO' && l.status === 'active'],
          [{ createdBy: 'acc-ann', status: 'disabled' }, (l) => l.createdBy === 'acc-ann' && l.status === 'disabled'],
          [{ pageId: 'OPS-1', status: 'active' }, (l) => l.pageId === 'OPS-1' && l.status === 'active'],
          [
            { spaceKey: 'DEMO', status: 'active', createdBy: 'acc-bob' },
            (l) => l.spaceKey === 'DEMO' && l.status === 'active' && l.createdBy === 'acc-bob',
          ],
          [{ spaceKey: 'NOPE' }, () => false],
        ];
        for (const [filter, pred] of cases) {
          const pages = await collectAll((p) => store.links.list(filter, p), 4);
          expect(pages.flat().map((l) => l.id), JSON.stringify(filter)).toEqual(expected(pred));
        }
      });

      it('moves a link between status lists when its status changes', async () => {
        const link = makeLink({ spaceKey: 'DEMO' });
        await store.links.create(link);
        await store.links.update({ ...link, status: 'disabled', version: 2 }, 1);
        expect(ids((await store.links.list({ spaceKey: 'DEMO', status: 'active' }, { limit: 10 })).items)).toEqual([]);
        expect(ids((await store.links.list({ spaceKey: 'DEMO', status: 'disabled' }, { limit: 10 })).items)).toEqual([link.id]);
        expect(ids((await store.links.list({ status: 'disabled' }, { limit: 10 })).items)).toEqual([link.id]);
      });

      it('paginates 250 links by 100 without duplicates or gaps; the last page has no cursor', async () => {
        const links = Array.from({ length: 250 }, (_, i) => makeLink({ createdAt: T0 + (i % 50) * 1000, status: i % 3 === 0 ? 'disabled' : 'active' }));
        for (let i = 0; i < links.length; i += 25) await Promise.all(links.slice(i, i + 25).map((l) => store.links.create(l)));
        const pages = await collectAll((p) => store.links.list({}, p), 100);
        expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
        const all = pages.flat().map((l) => l.id);
        expect(new Set(all).size).toBe(250);
        const sorted = [...links].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map((l) => l.id);
        expect(all).toEqual(sorted);

        const active = await collectAll((p) => store.links.list({ status: 'active' }, p), 100);
        expect(active.flat().map((l) => l.id)).toEqual(sorted.filter((id) => links.find((l) => l.id === id)!.status === 'active'));
        const exact = await collectAll((p) => store.links.list({ spaceKey: 'DEMO' }, p), 50);
        expect(exact.flat()).toHaveLength(250);
        expect(exact.at(-1)!.length).toBeGreaterThan(0);
      });

      it('keeps cursors stable while other links are created and deleted between pages', async () => {
        const links = Array.from({ length: 30 }, (_, i) => makeLink({ createdAt: T0 + i * 1000 }));
        for (const l of links) await store.links.create(l);
        const first = await store.links.list({}, { limit: 10 });
        expect(ids(first.items)).toEqual(ids(links.slice(0, 10)));
        await store.links.delete(links[3]!.id);
        await store.links.delete(links[12]!.id);
        await store.links.create(makeLink({ createdAt: T0 - 5000 }));
        const late = makeLink({ createdAt: T0 + 100_000 });
        await store.links.create(late);
        const rest = await collectAll((p) => store.links.list({}, p.cursor === undefined ? { ...p, cursor: first.nextCursor! } : p), 10);
        const seen = [...ids(first.items), ...rest.flat().map((l) => l.id)];
        expect(new Set(seen).size).toBe(seen.length);
        for (const l of links) if (l !== links[3] && l !== links[12]) expect(seen).toContain(l.id);
        expect(seen.at(-1)).toBe(late.id);
      });

      it('lists links of a status expiring in (after, until], in expiry order, paginated; never-expiring links never', async () => {
        const HOUR = 3_600_000;
        // 130 active links expiring at T0 + 1..130 h (two per hour share an instant), plus links outside the window.
        const inWindow = Array.from({ length: 130 }, (_, i) => makeLink({ createdAt: T0 - i * 1000, expiresAt: T0 + (Math.floor(i / 2) + 1) * HOUR }));
        const others = [
          makeLink({ expiresAt: null }),
          makeLink({ expiresAt: T0 }), // exactly `after`: excluded
          makeLink({ expiresAt: T0 + 66 * HOUR }), // past `until`
          makeLink({ expiresAt: T0 + 2 * HOUR, status: 'disabled' }),
        ];
        const all = [...inWindow, ...others];
        for (let i = 0; i < all.length; i += 25) await Promise.all(all.slice(i, i + 25).map((l) => store.links.create(l)));
        const window = { after: T0, until: T0 + 65 * HOUR };
        const pages = await collectAll((p) => store.links.list({ status: 'active', expiring: window }, p), 50);
        const listed = pages.flat();
        const expected = [...inWindow].sort((a, b) => a.expiresAt! - b.expiresAt! || (a.id < b.id ? -1 : 1));
        expect(ids(listed)).toEqual(ids(expected));
        expect(pages[0]).toHaveLength(50);
        // The window edge is inclusive at `until`, exclusive at `after`.
        const edge = await store.links.list({ status: 'active', expiring: { after: T0 + 64 * HOUR, until: T0 + 65 * HOUR } }, { limit: 10 });
        expect(edge.items.map((l) => l.expiresAt)).toEqual([T0 + 65 * HOUR, T0 + 65 * HOUR]);
        expect(ids((await store.links.list({ status: 'disabled', expiring: window }, { limit: 10 })).items)).toEqual([others[3]!.id]);
      });

      it('moves a link in the expiry list when its expiry or status changes', async () => {
        const HOUR = 3_600_000;
        const link = makeLink({ expiresAt: T0 + HOUR });
        await store.links.create(link);
        const window = { after: T0, until: T0 + 10 * HOUR };
        await store.links.update({ ...link, expiresAt: T0 + 20 * HOUR, version: 2 }, 1);
        expect((await store.links.list({ status: 'active', expiring: window }, { limit: 10 })).items).toEqual([]);
        await store.links.update({ ...link, expiresAt: T0 + 5 * HOUR, version: 3 }, 2);
        expect(ids((await store.links.list({ status: 'active', expiring: window }, { limit: 10 })).items)).toEqual([link.id]);
        await store.links.update({ ...link, expiresAt: T0 + 5 * HOUR, status: 'disabled', version: 4 }, 3);
        expect((await store.links.list({ status: 'active', expiring: window }, { limit: 10 })).items).toEqual([]);
        await store.links.update({ ...link, expiresAt: null, status: 'active', version: 5 }, 4);
        expect((await store.links.list({ status: 'active', expiring: window }, { limit: 10 })).items).toEqual([]);
      });

      it('refuses an expiry listing without a status or with other filters', async () => {
        await expectCode(store.links.list({ expiring: { after: T0, until: T0 + 1 } }, { limit: 10 }), 'invalid_input');
        await expectCode(store.links.list({ status: 'active', spaceKey: 'DEMO', expiring: { after: T0, until: T0 + 1 } }, { limit: 10 }), 'invalid_input');
      });

      it('rejects bad page requests and cursors with invalid_input', async () => {
        await expectCode(store.links.list({}, { limit: 0 }), 'invalid_input');
        await expectCode(store.links.list({}, { limit: 101 }), 'invalid_input');
        await expectCode(store.links.list({}, { limit: 1.5 }), 'invalid_input');
        await expectCode(store.links.list({}, { limit: 10, cursor: 'not a cursor!' }), 'invalid_input');
        await expectCode(store.links.list({ spaceKey: '' }, { limit: 10 }), 'invalid_input');
      });
    });

    describe('configs', () => {
      it('global: create with expectedVersion 0, then version-checked updates', async () => {
        expect(await store.configs.getGlobal()).toBeUndefined();
        await store.configs.putGlobal(makeGlobal(1), 0);
        await expectCode(store.configs.putGlobal(makeGlobal(1, { sharingEnabled: false }), 0), 'version_conflict');
        await store.configs.putGlobal(makeGlobal(2, { applyOnAllLinks: true }), 1);
        await expectCode(store.configs.putGlobal(makeGlobal(2), 1), 'version_conflict');
        await expectCode(store.configs.putGlobal(makeGlobal(4), 2), 'invalid_input');
        expect(await store.configs.getGlobal()).toEqual(makeGlobal(2, { applyOnAllLinks: true }));
      });

      it('global: concurrent first writes and concurrent updates each have exactly one winner', async () => {
        const creates = await settle([store.configs.putGlobal(makeGlobal(1, { comments: 'none' }), 0), store.configs.putGlobal(makeGlobal(1, { comments: 'view_add' }), 0)]);
        expect(rejectedCodes(creates)).toEqual(['version_conflict']);
        const updates = await settle(
          Array.from({ length: 5 }, (_, i) => store.configs.putGlobal(makeGlobal(2, { updatedBy: `admin-${i}` }), 1)),
        );
        expect(rejectedCodes(updates)).toEqual(Array(4).fill('version_conflict'));
        const winner = updates.findIndex((r) => r.status === 'fulfilled');
        expect((await store.configs.getGlobal())?.updatedBy).toBe(`admin-${winner}`);
      });

      it('spaces: version-checked put, get, list in key order with pagination, delete', async () => {
        const keys = Array.from({ length: 130 }, (_, i) => `S${String(i).padStart(3, '0')}`);
        keys.push('~557058:personal-space');
        for (let i = 0; i < keys.length; i += 20) await Promise.all(keys.slice(i, i + 20).map((k) => store.configs.putSpace(makeSpace(k, 1), 0)));
        await expectCode(store.configs.putSpace(makeSpace('S001', 1), 0), 'version_conflict');
        await store.configs.putSpace(makeSpace('S001', 2, { sharingEnabled: false }), 1);
        expect(await store.configs.getSpace('S001')).toEqual(makeSpace('S001', 2, { sharingEnabled: false }));
        expect(await store.configs.getSpace('~557058:personal-space')).toEqual(makeSpace('~557058:personal-space', 1));
        expect(await store.configs.getSpace('NOPE')).toBeUndefined();
        const pages = await collectAll((p) => store.configs.listSpaces(p), 50);
        expect(pages.flat().map((s) => s.spaceKey)).toEqual([...keys].sort());
        await store.configs.deleteSpace('S002');
        expect(await store.configs.getSpace('S002')).toBeUndefined();
        await store.configs.putSpace(makeSpace('S002', 1), 0);
        const results = await settle([store.configs.putSpace(makeSpace('S003', 2), 1), store.configs.putSpace(makeSpace('S003', 2), 1)]);
        expect(rejectedCodes(results)).toEqual(['version_conflict']);
      });

      it('spaces by assigned configuration: only the assigned ones, in key order, paged, and following reassignment', async () => {
        const keys = Array.from({ length: 7 }, (_, i) => `A${i}`);
        await Promise.all(keys.map((k) => store.configs.putSpace(makeSpace(k, 1, { configId: 'cfg1', ownSettings: false }), 0)));
        await store.configs.putSpace(makeSpace('B0', 1, { configId: 'cfg2', ownSettings: false }), 0);
        await store.configs.putSpace(makeSpace('C0', 1), 0);
        const pages = await collectAll((p) => store.configs.listSpacesByConfig('cfg1', p), 3);
        expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
        expect(pages.flat().map((s) => s.spaceKey)).toEqual(keys);
        expect((await store.configs.listSpacesByConfig('cfg2', { limit: 10 })).items.map((s) => s.spaceKey)).toEqual(['B0']);
        // Reassigned to another configuration, then left without one: it leaves the first list.
        await store.configs.putSpace(makeSpace('A0', 2, { configId: 'cfg2', ownSettings: false }), 1);
        const unassigned = makeSpace('A1', 2, { ownSettings: false });
        await store.configs.putSpace(unassigned, 1);
        expect((await store.configs.listSpacesByConfig('cfg1', { limit: 10 })).items.map((s) => s.spaceKey)).toEqual(keys.slice(2));
        expect((await store.configs.listSpacesByConfig('cfg2', { limit: 10 })).items.map((s) => s.spaceKey)).toEqual(['A0', 'B0']);
        expect(await store.configs.getSpace('A1')).toEqual(unassigned);
        expect((await store.configs.listSpacesByConfig('none', { limit: 10 })).items).toEqual([]);
      });

      it('registry of named configurations: version-checked, independent of the other settings', async () => {
        expect(await store.configs.getRegistry()).toBeUndefined();
        const { spaceKey: _k, version: _v, ...fields } = makeSpace('X', 1);
        const registry = (version: number, name: string) => ({
          configs: [{ ...fields, id: 'cfg1', name, description: '' }],
          newSpacesConfigId: 'cfg1',
          classification: { levelId: 'lvl-3', name: 'Confidential', order: 3 },
          version,
          updatedAt: T0,
          updatedBy: 'admin',
        });
        await store.configs.putRegistry(registry(1, 'Partners'), 0);
        await expectCode(store.configs.putRegistry(registry(1, 'Other'), 0), 'version_conflict');
        const results = await settle([store.configs.putRegistry(registry(2, 'A'), 1), store.configs.putRegistry(registry(2, 'B'), 1)]);
        expect(rejectedCodes(results)).toEqual(['version_conflict']);
        expect((await store.configs.getRegistry())?.version).toBe(2);
        expect((await store.configs.getRegistry())?.configs[0]?.name).toMatch(/^[AB]$/);
        expect(await store.configs.getGlobal()).toBeUndefined();
        expect(await store.configs.getSite()).toBeUndefined();
      });

      it('site settings: version-checked like the global configuration', async () => {
        expect(await store.configs.getSite()).toBeUndefined();
        await store.configs.putSite(makeSite(1), 0);
        await expectCode(store.configs.putSite(makeSite(1), 0), 'version_conflict');
        await store.configs.putSite(makeSite(2, { customDomain: 'https://share.acme.com' }), 1);
        expect(await store.configs.getSite()).toEqual(makeSite(2, { customDomain: 'https://share.acme.com' }));
        expect(await store.configs.getGlobal()).toBeUndefined();
      });
    });

    describe('counters', () => {
      const key = 'pw:link-1:2001:db8::1';

      it('counts within a window and starts a new one after it ends', async () => {
        const end = T0 + 60_000;
        expect(await store.counters.get(key)).toBe(0);
        expect(await store.counters.increment(key, end)).toBe(1);
        expect(await store.counters.increment(key, end)).toBe(2);
        expect(await store.counters.get(key)).toBe(2);
        expect(await store.counters.get('other key')).toBe(0);
        clock.advance(60_000);
        expect(await store.counters.get(key)).toBe(0);
        expect(await store.counters.increment(key, T0 + 120_000)).toBe(1);
        await store.counters.reset(key);
        expect(await store.counters.get(key)).toBe(0);
      });

      it('counts every one of 25 concurrent increments', async () => {
        const results = await Promise.all(Array.from({ length: 25 }, () => store.counters.increment(key, T0 + 60_000)));
        expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
        expect(await store.counters.get(key)).toBe(25);
      });

      it('purges only counters whose window ended', async () => {
        await store.counters.increment('a', T0 + 1000);
        await store.counters.increment('b', T0 + 2000);
        await store.counters.increment('c', T0 + 10_000);
        expect(await store.counters.purgeExpired(T0 + 5000)).toBe(2);
        expect(await store.counters.purgeExpired(T0 + 5000)).toBe(0);
        expect(await store.counters.get('c')).toBe(1);
      });
    });

    describe('ephemeral records', () => {
      const record = (key: string, expiresAt = T0 + 60_000, value: Record<string, unknown> = { code: 'hash-of-code', tries: 0 }) => ({ key, value, expiresAt });

      it('putIfAbsent refuses a live record but replaces an expired one', async () => {
        await store.ephemeral.putIfAbsent(record('otp:link-1:ann'));
        await expectCode(store.ephemeral.putIfAbsent(record('otp:link-1:ann')), 'already_exists');
        clock.advance(61_000);
        await store.ephemeral.putIfAbsent(record('otp:link-1:ann', T0 + 200_000, { fresh: true }));
        expect((await store.ephemeral.get('otp:link-1:ann', clock.now()))?.value).toEqual({ fresh: true });
      });

      it('concurrent putIfAbsent: exactly one wins', async () => {
        const results = await settle(Array.from({ length: 10 }, (_, i) => store.ephemeral.putIfAbsent(record('debounce:page-9', T0 + 60_000, { i }))));
        expect(rejectedCodes(results)).toEqual(Array(9).fill('already_exists'));
      });

      it('get honours expiry against the given instant; put overwrites', async () => {
        await store.ephemeral.put(record('oidc:state-1'));
        expect(await store.ephemeral.get('oidc:state-1', T0)).toEqual(record('oidc:state-1'));
        expect(await store.ephemeral.get('oidc:state-1', T0 + 60_000)).toBeUndefined();
        await store.ephemeral.put(record('oidc:state-1', T0 + 90_000, { v: 2 }));
        expect((await store.ephemeral.get('oidc:state-1', T0 + 60_000))?.value).toEqual({ v: 2 });
        await store.ephemeral.delete('oidc:state-1');
        expect(await store.ephemeral.get('oidc:state-1', T0)).toBeUndefined();
        expect(await store.ephemeral.get('never', T0)).toBeUndefined();
      });

      it('take is single use, even under 20 concurrent takes', async () => {
        await store.ephemeral.put(record('otp:once'));
        const taken = await Promise.all(Array.from({ length: 20 }, () => store.ephemeral.take('otp:once', T0)));
        expect(taken.filter((t) => t !== undefined)).toEqual([record('otp:once')]);
        expect(await store.ephemeral.get('otp:once', T0)).toBeUndefined();
        expect(await store.ephemeral.take('otp:once', T0)).toBeUndefined();
        await store.ephemeral.putIfAbsent(record('otp:once', T0 + 60_000, { again: true }));
        expect((await store.ephemeral.take('otp:once', T0))?.value).toEqual({ again: true });
      });

      it('take of an expired record returns undefined', async () => {
        await store.ephemeral.put(record('otp:old', T0 + 1000));
        expect(await store.ephemeral.take('otp:old', T0 + 1000)).toBeUndefined();
      });

      it('lists live records by prefix with pagination, and purges expired ones', async () => {
        for (let i = 0; i < 25; i++) await store.ephemeral.put(record(`otp:link-1:${String(i).padStart(2, '0')}`, i < 5 ? T0 - 1 : T0 + 60_000));
        await store.ephemeral.put(record('otp:link-10:x'));
        await store.ephemeral.put(record('oidc:link-1:x'));
        const pages = await collectAll((p) => store.ephemeral.listByPrefix('otp:link-1:', p), 7);
        const keys = pages.flat().map((r) => r.key);
        expect(keys).toEqual(Array.from({ length: 20 }, (_, i) => `otp:link-1:${String(i + 5).padStart(2, '0')}`));
        expect(await store.ephemeral.purgeExpired(T0)).toBe(5);
        expect(await store.ephemeral.purgeExpired(T0)).toBe(0);
        expect(await store.ephemeral.get('otp:link-10:x', T0)).toBeDefined();
      });
    });

    describe('audit', () => {
      it('lists newest first with filters and pagination, and purges old entries', async () => {
        const entries = Array.from({ length: 150 }, (_, i) =>
          makeAudit({
            at: T0 + i * 1000,
            action: i % 2 === 0 ? 'view_allowed' : 'gate_failed',
            linkId: `link-${i % 3}`,
            spaceKey: i % 5 === 0 ? 'OPS' : 'DEMO',
          }),
        );
        for (let i = 0; i < entries.length; i += 25) await Promise.all(entries.slice(i, i + 25).map((e) => store.audit.append(e)));
        const newestFirst = [...entries].reverse();
        const all = await collectAll((p) => store.audit.list({}, p), 40);
        expect(all.flat().map((e) => e.id)).toEqual(ids(newestFirst));
        expect(all.flat()[0]).toEqual(entries[149]);

        const cases: Array<[Parameters<Store['audit']['list']>[0], (e: (typeof entries)[number]) => boolean]> = [
          [{ linkId: 'link-1' }, (e) => e.linkId === 'link-1'],
          [{ spaceKey: 'OPS' }, (e) => e.spaceKey === 'OPS'],
          [{ action: 'gate_failed' }, (e) => e.action === 'gate_failed'],
          [{ since: T0 + 100_000, until: T0 + 120_000 }, (e) => e.at >= T0 + 100_000 && e.at <= T0 + 120_000],
          [{ linkId: 'link-2', action: 'view_allowed', since: T0 + 50_000 }, (e) => e.linkId === 'link-2' && e.action === 'view_allowed' && e.at >= T0 + 50_000],
          [{ spaceKey: 'DEMO', until: T0 + 10_000 }, (e) => e.spaceKey === 'DEMO' && e.at <= T0 + 10_000],
        ];
        for (const [filter, pred] of cases) {
          const got = await collectAll((p) => store.audit.list(filter, p), 9);
          expect(got.flat().map((e) => e.id), JSON.stringify(filter)).toEqual(ids(newestFirst.filter(pred)));
        }

        expect(await store.audit.purgeOlderThan(T0 + 100_000)).toBe(100);
        const left = await collectAll((p) => store.audit.list({}, p), 100);
        expect(left.flat().map((e) => e.id)).toEqual(ids(newestFirst.slice(0, 50)));
      });
    });

    describe('subscriptions', () => {
      it('puts, reads, overwrites, deletes, and lists by page and by link with pagination', async () => {
        const subs = Array.from({ length: 23 }, (_, i) =>
          makeSubscription({ linkId: `link-${i % 2}`, pageId: i < 20 ? '1001' : '2002', createdAt: T0 + i, email: `u${i}@partner.com` }),
        );
        await Promise.all(subs.map((s) => store.subscriptions.put(s)));
        expect(await store.subscriptions.get(subs[0]!.id)).toEqual(subs[0]);
        await store.subscriptions.put({ ...subs[0]!, confirmed: true });
        expect((await store.subscriptions.get(subs[0]!.id))?.confirmed).toBe(true);
        const byPage = await collectAll((p) => store.subscriptions.listByPage('1001', p), 6);
        expect(byPage.flat().map((s) => s.id)).toEqual(ids(subs.slice(0, 20)));
        const byLink = await collectAll((p) => store.subscriptions.listByLink('link-1', p), 5);
        expect(byLink.flat().map((s) => s.id)).toEqual(ids(subs.filter((s) => s.linkId === 'link-1')));
        await store.subscriptions.delete(subs[1]!.id);
        expect(await store.subscriptions.get(subs[1]!.id)).toBeUndefined();
        expect((await store.subscriptions.listByLink('link-1', { limit: 100 })).items.map((s) => s.id)).not.toContain(subs[1]!.id);
        expect((await store.subscriptions.listByPage('nope', { limit: 10 })).items).toEqual([]);
      });
    });

    describe('stats', () => {
      it('starts at zero and counts every view, keeping the latest instant', async () => {
        expect(await store.stats.get('link-1')).toEqual({ linkId: 'link-1', views: 0, lastOpenedAt: null });
        await store.stats.recordView('link-1', T0 + 5000);
        await store.stats.recordView('link-1', T0 + 1000);
        expect(await store.stats.get('link-1')).toEqual({ linkId: 'link-1', views: 2, lastOpenedAt: T0 + 5000 });
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.stats.recordView('link-2', T0 + i)));
        expect(await store.stats.get('link-2')).toEqual({ linkId: 'link-2', views: 20, lastOpenedAt: T0 + 19 });
        expect(await store.stats.getMany(['link-2', 'none', 'link-1'])).toEqual([
          { linkId: 'link-2', views: 20, lastOpenedAt: T0 + 19 },
          { linkId: 'none', views: 0, lastOpenedAt: null },
          { linkId: 'link-1', views: 2, lastOpenedAt: T0 + 5000 },
        ]);
      });
    });

    describe('secrets', () => {
      it('sets, reads, overwrites and deletes', async () => {
        expect(await store.secrets.get('session-hmac-key')).toBeUndefined();
        await store.secrets.set('session-hmac-key', 'k1');
        await store.secrets.set('provider:sendgrid/api key', 'SG.secret');
        expect(await store.secrets.get('session-hmac-key')).toBe('k1');
        await store.secrets.set('session-hmac-key', 'k2');
        expect(await store.secrets.get('session-hmac-key')).toBe('k2');
        expect(await store.secrets.get('provider:sendgrid/api key')).toBe('SG.secret');
        await store.secrets.delete('session-hmac-key');
        expect(await store.secrets.get('session-hmac-key')).toBeUndefined();
      });

      it('createIfAbsent: of ten concurrent first writers exactly one stores its value, and it stays', async () => {
        const created = await Promise.all(Array.from({ length: 10 }, (_, i) => store.secrets.createIfAbsent('session-key', `k${i}`)));
        expect(created.filter(Boolean)).toHaveLength(1);
        expect(await store.secrets.get('session-key')).toBe(`k${created.indexOf(true)}`);
        expect(await store.secrets.createIfAbsent('session-key', 'later')).toBe(false);
        await store.clearAll();
        expect(await store.secrets.createIfAbsent('session-key', 'after reset')).toBe(true);
      });
    });

    describe('clearAll', () => {
      it('deletes everything the app stored', async () => {
        const links = Array.from({ length: 120 }, (_, i) => makeLink({ createdAt: T0 + i }));
        for (let i = 0; i < links.length; i += 30) await Promise.all(links.slice(i, i + 30).map((l) => store.links.create(l)));
        await store.configs.putGlobal(makeGlobal(1), 0);
        await store.configs.putSpace(makeSpace('DEMO', 1, { configId: 'cfg1' }), 0);
        await store.configs.putSite(makeSite(1), 0);
        await store.configs.putRegistry({ configs: [], newSpacesConfigId: 'default', classification: null, version: 1, updatedAt: T0, updatedBy: null }, 0);
        await store.counters.increment('c', T0 + 60_000);
        await store.ephemeral.put({ key: 'e', value: {}, expiresAt: T0 + 60_000 });
        await store.audit.append(makeAudit());
        const sub = makeSubscription();
        await store.subscriptions.put(sub);
        await store.stats.recordView('link-1', T0);
        await store.secrets.set('hmac', 'k');

        expect(await store.clearAll()).toEqual({ complete: true });

        expect((await store.links.list({}, { limit: 100 })).items).toEqual([]);
        expect(await store.links.get(links[0]!.id)).toBeUndefined();
        expect(await store.configs.getGlobal()).toBeUndefined();
        expect(await store.configs.getSpace('DEMO')).toBeUndefined();
        expect(await store.configs.getRegistry()).toBeUndefined();
        expect((await store.configs.listSpaces({ limit: 10 })).items).toEqual([]);
        expect(await store.configs.getSite()).toBeUndefined();
        expect(await store.counters.get('c')).toBe(0);
        expect(await store.ephemeral.get('e', T0)).toBeUndefined();
        expect((await store.audit.list({}, { limit: 10 })).items).toEqual([]);
        expect(await store.subscriptions.get(sub.id)).toBeUndefined();
        expect(await store.stats.get('link-1')).toEqual({ linkId: 'link-1', views: 0, lastOpenedAt: null });
        expect(await store.secrets.get('hmac')).toBeUndefined();
        // Usable again afterwards.
        await store.configs.putGlobal(makeGlobal(1), 0);
        await store.links.create(links[0]!);
      });
    });
  });
};
