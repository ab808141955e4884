import type { Store } from '../../src/app/ports';

/**
 * A store whose lists, purges and view statistics first let the indexes catch up with earlier writes. The store contract
 * and the use-case tests state what lists return once indexes have caught up; what they may return
 * before that (eventual consistency) is tested on its own (test/store/kvs-store.test.ts,
 * test/app/reset-over-kvs.test.ts). clearAll is never settled: it must be complete under index lag.
 */
/** Lists and purges everywhere, and view statistics (counted from an index of view events). */
const READS_THROUGH_INDEXES = (path: string): boolean => /(^|\.)(list|purge)[A-Za-z]*$/.test(path) || /^stats\.get/.test(path);

export const settledIndexReads = (store: Store, settle: () => Promise<void> | void): Store => {
  const wrap = <T extends object>(target: T, prefix: string): T => {
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(target)) {
      const path = `${prefix}${name}`;
      if (typeof member !== 'function') out[name] = typeof member === 'object' && member !== null ? wrap(member as object, `${path}.`) : member;
      else if (READS_THROUGH_INDEXES(path)) {
        out[name] = async (...args: unknown[]) => {
          await settle();
          return (member as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      } else out[name] = (member as (...a: unknown[]) => unknown).bind(target);
    }
    return out as T;
  };
  return wrap(store, '');
};
