import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SortedTable } from '../../src/adapters/local/store-table';

interface Row {
  id: string;
  group: string | null;
  at: number;
}

const rangeOf = (r: Row): string => `${String(r.at).padStart(6, '0')}:${r.id}`;
const makeTable = () =>
  new SortedTable<Row>({
    all: { partition: () => '', range: rangeOf },
    group: { partition: (r) => r.group ?? undefined, range: rangeOf },
  });

const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), group: fc.constantFrom('x', 'y', null), at: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g') }),
);

describe('SortedTable', () => {
  it('scans exactly like a naive sort-and-filter model, whatever the sequence of writes', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 60 }),
        fc.constantFrom('x', 'y'),
        fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
        fc.boolean(),
        (ops, group, afterAt, descending) => {
          const table = makeTable();
          const model = new Map<string, Row>();
          for (const o of ops) {
            if (o.kind === 'set') {
              const row = { id: o.id, group: o.group, at: o.at };
              table.set(o.id, row);
              model.set(o.id, row);
            } else {
              table.delete(o.id);
              model.delete(o.id);
            }
          }
          const after = afterAt === undefined ? undefined : `${String(afterAt).padStart(6, '0')}:c`;
          const expected = [...model.values()]
            .filter((r) => r.group === group)
            .map(rangeOf)
            .sort()
            .filter((r) => after === undefined || (descending ? r < after : r > after));
          if (descending) expected.reverse();
          const actual = [...table.scan('group', group, { ...(after === undefined ? {} : { after }), descending })].map((e) => e.range);
          expect(actual).toEqual(expected);
          expect([...table.scan('all', '')].map((e) => e.value.id).sort()).toEqual([...model.keys()].sort());
          expect(table.size).toBe(model.size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('honours inclusive bounds in both directions', () => {
    const table = makeTable();
    for (let i = 0; i < 10; i++) table.set(`r${i}`, { id: `r${i}`, group: 'x', at: i });
    const ranges = (options: Parameters<typeof table.scan>[2]) => [...table.scan('all', '', options)].map((e) => e.value.at);
    expect(ranges({ lowest: rangeOf({ id: '', group: null, at: 3 }), highest: rangeOf({ id: 'zz', group: null, at: 5 }) })).toEqual([3, 4, 5]);
    expect(ranges({ descending: true, lowest: rangeOf({ id: '', group: null, at: 7 }) })).toEqual([9, 8, 7]);
    expect(ranges({ descending: true, highest: rangeOf({ id: 'zz', group: null, at: 2 }) })).toEqual([2, 1, 0]);
  });

  it('leaves the table unchanged when an index cannot place a value', () => {
    const table = new SortedTable<Row>({
      all: {
        partition: () => '',
        range: (r) => {
          if (r.at < 0) throw new Error('bad instant');
          return rangeOf(r);
        },
      },
    });
    table.set('a', { id: 'a', group: null, at: 1 });
    expect(() => table.set('a', { id: 'a', group: null, at: -1 })).toThrow('bad instant');
    expect(table.get('a')?.at).toBe(1);
    expect([...table.scan('all', '')].map((e) => e.value.at)).toEqual([1]);
  });
});
