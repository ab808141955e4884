import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore, type LocalStore } from '../../src/adapters/local/local-store';
import { ManualClock, T0, makeLink } from './store-fixtures';
import type { ShareLink } from '../../src/core/model';

const root = await mkdtemp(join(tmpdir(), 'secure-share-crash-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const ids = ['L000000000000000000001', 'L000000000000000000002', 'L000000000000000000003'];
const step = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), id: fc.constantFrom(...ids) }),
  fc.record({ kind: fc.constant('toggle' as const), id: fc.constantFrom(...ids) }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom(...ids) }),
  fc.record({ kind: fc.constant('count' as const), key: fc.constantFrom('a', 'b') }),
  fc.record({ kind: fc.constant('crash' as const), torn: fc.boolean() }),
);

describe('local store crash recovery', () => {
  it('after any sequence of acknowledged writes and crashes, reopening yields exactly the acknowledged state', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const dir = join(root, `run-${run++}`);
        const clock = new ManualClock();
        const abandoned: LocalStore[] = [];
        let store = await createLocalStore({ dir, clock });
        const links = new Map<string, ShareLink>();
        const counts = new Map<string, number>();
        for (const s of steps) {
          if (s.kind === 'create' && !links.has(s.id)) {
            const link = makeLink({ id: s.id, createdAt: T0 + ids.indexOf(s.id) });
            await store.links.create(link);
            links.set(s.id, link);
          } else if (s.kind === 'toggle' && links.has(s.id)) {
            const current = links.get(s.id)!;
            const next: ShareLink = { ...current, status: current.status === 'active' ? 'disabled' : 'active', version: current.version + 1 };
            await store.links.update(next, current.version);
            links.set(s.id, next);
          } else if (s.kind === 'delete') {
            await store.links.delete(s.id);
            links.delete(s.id);
          } else if (s.kind === 'count') {
            await store.counters.increment(s.key, T0 + 60_000);
            counts.set(s.key, (counts.get(s.key) ?? 0) + 1);
          } else if (s.kind === 'crash') {
            // Abandon the instance without close(); maybe leave a torn, never-acknowledged record behind.
            abandoned.push(store);
            if (s.torn) await appendFile(join(dir, 'journal.ndjson'), '{"seq":999999,"c":"links","k":"X","v":{"id"');
            store = await createLocalStore({ dir, clock });
          }
        }
        abandoned.push(store);
        const reopened = await createLocalStore({ dir, clock });
        const listed = (await reopened.links.list({}, { limit: 100 })).items;
        expect(listed).toEqual([...links.values()].sort((a, b) => a.createdAt - b.createdAt));
        for (const key of ['a', 'b']) expect(await reopened.counters.get(key)).toBe(counts.get(key) ?? 0);
        await reopened.close();
        for (const s of abandoned) await s.close().catch(() => undefined);
      }),
      { numRuns: 25 },
    );
  });
});
