import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listAllLinks } from '../../src/app/link-lists';
import { defaultLinkSettings } from '../../src/core/defaults';
import type { ShareLink } from '../../src/core/model';
import { createHarness, SITE_ADMIN, START } from './harness';

const NAMES = ['alpha', 'beta', 'gamma', 'acme alpha', 'acme beta'];
const ID_CHARS = 'AZaz09-_';

const linkArb = fc.record({
  nameIndex: fc.integer({ min: 0, max: NAMES.length - 1 }),
  // Few distinct instants: many ties, so the (createdAt, id) order is exercised.
  createdOffset: fc.integer({ min: 0, max: 3 }),
  idTail: fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 21, maxLength: 21 }),
  disabled: fc.boolean(),
  space: fc.constantFrom('DEMO', 'OPS'),
});

type LinkSpec = typeof linkArb extends fc.Arbitrary<infer T> ? T : never;

const toLink = (spec: LinkSpec, i: number): ShareLink => ({
  ...defaultLinkSettings(),
  name: NAMES[spec.nameIndex] ?? 'x',
  id: `${String.fromCharCode(65 + (i % 26))}${spec.idTail}`,
  tokenHash: '0'.repeat(64),
  pageId: spec.space === 'DEMO' ? '1002' : '2002',
  spaceKey: spec.space,
  pageTitle: spec.space === 'DEMO' ? 'Getting started' : 'On-call rota',
  createdBy: 'u-editor',
  createdAt: START + spec.createdOffset,
  updatedAt: START,
  version: 1,
  epoch: 1,
  status: spec.disabled ? 'disabled' : 'active',
  passwordHash: null,
  pageState: 'current',
});

describe('listAllLinks pagination (property)', () => {
  it('concatenated pages equal the filtered list, in order, for any data, filter and page size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(linkArb, { minLength: 0, maxLength: 40, selector: (l) => l.idTail }),
        fc.constantFrom(undefined, 'acme', 'alpha', 'on-call', 'zzz'),
        fc.constantFrom(undefined, 'active', 'disabled'),
        fc.constantFrom(undefined, 'DEMO'),
        fc.integer({ min: 1, max: 7 }),
        async (specs, search, status, spaceKey, limit) => {
          const h = await createHarness();
          const links = specs.map(toLink);
          for (const link of links) await h.deps.store.links.create(link);
          const expected = links
            .filter((l) => (status ? l.status === status : true))
            .filter((l) => (spaceKey ? l.spaceKey === spaceKey : true))
            .filter((l) => (search ? `${l.name} ${l.pageTitle}`.toLowerCase().includes(search) : true))
            .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
            .map((l) => l.id);
          const seen: string[] = [];
          let cursor: string | undefined;
          for (let guard = 0; guard < 100; guard += 1) {
            const page = await listAllLinks(h.deps, SITE_ADMIN, {
              limit,
              ...(search ? { search } : {}),
              ...(status ? { status } : {}),
              ...(spaceKey ? { spaceKey } : {}),
              ...(cursor ? { cursor } : {}),
            });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items.map((l) => l.id));
            cursor = page.nextCursor;
            if (!cursor) break;
          }
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([7, 33, 100])('pages across store batches (230 links, every third matching, limit %i)', async (limit) => {
    const h = await createHarness();
    const links = Array.from({ length: 230 }, (_, i) =>
      toLink({ nameIndex: i % 3 === 0 ? 3 : 0, createdOffset: i % 5, idTail: `${'y'.repeat(18)}${String(i).padStart(3, '0')}`, disabled: false, space: 'DEMO' }, i),
    );
    for (const link of links) await h.deps.store.links.create(link);
    const expected = links
      .filter((l) => l.name.includes('acme'))
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
      .map((l) => l.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAllLinks(h.deps, SITE_ADMIN, { limit, search: 'acme', ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((l) => l.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);
  });

  it('never repeats or skips surviving links when links are deleted between pages', async () => {
    const h = await createHarness();
    const links = Array.from({ length: 30 }, (_, i) =>
      toLink({ nameIndex: 3, createdOffset: i % 4, idTail: `${'x'.repeat(19)}${String(i).padStart(2, '0')}`, disabled: false, space: 'DEMO' }, i),
    );
    for (const link of links) await h.deps.store.links.create(link);
    const seen: string[] = [];
    const deleted = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await listAllLinks(h.deps, SITE_ADMIN, { limit: 4, search: 'acme', ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((l) => l.id));
      // Delete the last item returned and one not yet seen.
      const last = page.items.at(-1);
      if (last) {
        await h.deps.store.links.delete(last.id);
        deleted.add(last.id);
      }
      const unseen = links.find((l) => !seen.includes(l.id) && !deleted.has(l.id));
      if (unseen) {
        await h.deps.store.links.delete(unseen.id);
        deleted.add(unseen.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const survivors = links.filter((l) => !deleted.has(l.id)).map((l) => l.id);
    for (const id of survivors) expect(seen).toContain(id);
  });
});
