/**
 * In-memory table with sorted secondary indexes. Each index maps a partition value to an array of
 * `{ range, key }` kept sorted by `range` (range values are unique per index: they embed the key), so a
 * page that starts after a cursor costs one binary search plus the items read, whatever the table size.
 */

export interface IndexSpec<T> {
  /** Partition value, or undefined to leave the item out of this index. */
  partition: (value: T) => string | undefined;
  /** Unique, lexicographically ordered range value. */
  range: (value: T) => string;
}

interface Entry {
  range: string;
  key: string;
}

export interface ScanOptions {
  /** Exclusive start: only ranges after this one (before it when descending). */
  after?: string;
  descending?: boolean;
  /** Inclusive lower bound on range. */
  lowest?: string;
  /** Inclusive upper bound on range. */
  highest?: string;
}

export class SortedTable<T> {
  private readonly rows = new Map<string, T>();
  private readonly indexes = new Map<string, { spec: IndexSpec<T>; partitions: Map<string, Entry[]> }>();

  constructor(specs: Record<string, IndexSpec<T>>) {
    for (const [name, spec] of Object.entries(specs)) this.indexes.set(name, { spec, partitions: new Map() });
  }

  get size(): number {
    return this.rows.size;
  }

  get(key: string): T | undefined {
    return this.rows.get(key);
  }

  has(key: string): boolean {
    return this.rows.has(key);
  }

  keys(): IterableIterator<string> {
    return this.rows.keys();
  }

  values(): IterableIterator<T> {
    return this.rows.values();
  }

  entries(): IterableIterator<[string, T]> {
    return this.rows.entries();
  }

  /** Computes every index entry first, so a value an index cannot place leaves the table unchanged. */
  set(key: string, value: T): void {
    const placements: Array<{ partitions: Map<string, Entry[]>; partition: string; range: string }> = [];
    for (const { spec, partitions } of this.indexes.values()) {
      const partition = spec.partition(value);
      if (partition !== undefined) placements.push({ partitions, partition, range: spec.range(value) });
    }
    this.removeFromIndexes(key);
    this.rows.set(key, value);
    for (const { partitions, partition, range } of placements) {
      let list = partitions.get(partition);
      if (!list) {
        list = [];
        partitions.set(partition, list);
      }
      list.splice(lowerBound(list, range), 0, { range, key });
    }
  }

  delete(key: string): boolean {
    this.removeFromIndexes(key);
    return this.rows.delete(key);
  }

  clear(): void {
    this.rows.clear();
    for (const index of this.indexes.values()) index.partitions.clear();
  }

  /** Iterates the items of one index partition in range order, lazily. */
  *scan(indexName: string, partition: string, options: ScanOptions = {}): Generator<{ range: string; value: T }> {
    const index = this.indexes.get(indexName);
    if (!index) throw new Error(`Unknown index ${indexName}`);
    const list = index.partitions.get(partition);
    if (!list || list.length === 0) return;
    const { after, descending = false, lowest, highest } = options;
    if (!descending) {
      let i = 0;
      if (after !== undefined) i = upperBound(list, after);
      if (lowest !== undefined) i = Math.max(i, lowerBound(list, lowest));
      for (; i < list.length; i++) {
        const entry = list[i]!;
        if (highest !== undefined && entry.range > highest) return;
        const value = this.rows.get(entry.key);
        if (value !== undefined) yield { range: entry.range, value };
      }
    } else {
      let i = list.length - 1;
      if (after !== undefined) i = lowerBound(list, after) - 1;
      if (highest !== undefined) i = Math.min(i, upperBound(list, highest) - 1);
      for (; i >= 0; i--) {
        const entry = list[i]!;
        if (lowest !== undefined && entry.range < lowest) return;
        const value = this.rows.get(entry.key);
        if (value !== undefined) yield { range: entry.range, value };
      }
    }
  }

  private removeFromIndexes(key: string): void {
    const old = this.rows.get(key);
    if (old === undefined) return;
    for (const { spec, partitions } of this.indexes.values()) {
      const partition = spec.partition(old);
      if (partition === undefined) continue;
      const list = partitions.get(partition);
      if (!list) continue;
      const range = spec.range(old);
      const i = lowerBound(list, range);
      if (list[i]?.range === range && list[i]?.key === key) list.splice(i, 1);
      if (list.length === 0) partitions.delete(partition);
    }
  }
}

/** Binary search in the sorted list: the first position whose range is not `before` (ranges before it all are). */
const firstNotBefore = (list: Entry[], before: (range: string) => boolean): number => {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(list[mid]!.range)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** First position whose range is >= target. */
const lowerBound = (list: Entry[], target: string): number => firstNotBefore(list, (range) => range < target);

/** First position whose range is > target. */
const upperBound = (list: Entry[], target: string): number => firstNotBefore(list, (range) => range <= target);
