/**
 * Wraps every async method of a port (recursively through nested objects such as store.links) so that
 * each call waits an injected latency and is recorded. The recorded intervals give the number of
 * sequential round trips on the critical path: the longest chain of calls each starting after the
 * previous one ended.
 */
export interface CallRecord {
  kind: string;
  name: string;
  start: number;
  end: number;
}

/** For each call, the longest chain of non-overlapping calls that ends with it. */
const chainLengths = (unsorted: readonly CallRecord[]): { call: CallRecord; length: number }[] => {
  const calls = [...unsorted].sort((a, b) => a.end - b.end);
  const result: { call: CallRecord; length: number }[] = [];
  calls.forEach((call, i) => {
    let length = 1;
    for (let j = 0; j < i; j += 1) {
      const previous = result[j];
      if (previous !== undefined && previous.call.end <= call.start) length = Math.max(length, previous.length + 1);
    }
    result.push({ call, length });
  });
  return result;
};

export class CallLog {
  readonly calls: CallRecord[] = [];

  reset(): void {
    this.calls.length = 0;
  }

  /**
   * The calls on the critical path: from the call that finished last, step back each time to the
   * call that finished last before the current one started. Calls running beside the path (a stats
   * write in parallel with the Confluence wave) are not on it.
   */
  criticalPath(until = Number.POSITIVE_INFINITY): CallRecord[] {
    const done = this.calls.filter((c) => c.end <= until);
    const latestEndingBy = (limit: number): CallRecord | undefined =>
      done.filter((c) => c.end <= limit).sort((a, b) => b.end - a.end)[0];
    const path: CallRecord[] = [];
    let current = latestEndingBy(until);
    while (current) {
      path.unshift(current);
      current = latestEndingBy(current.start);
    }
    return path;
  }

  /** Longest chain of non-overlapping calls that ends with a call named `name` (0 when there is none). */
  chainEndingAt(name: string): number {
    return Math.max(0, ...chainLengths(this.calls).filter(({ call }) => call.name === name).map(({ length }) => length));
  }

  /** Sequential calls completed before the first call of `kind` started (how long that kind waited). */
  tripsBeforeFirst(kind: string): number {
    const first = this.calls.filter((c) => c.kind === kind).sort((a, b) => a.start - b.start)[0];
    if (!first) return 0;
    const before = new CallLog();
    before.calls.push(...this.calls.filter((c) => c.end <= first.start));
    return before.sequentialRoundTrips();
  }

  /** Longest chain of non-overlapping calls of the given kind (or of all kinds). */
  sequentialRoundTrips(kind?: string): number {
    const calls = this.calls.filter((c) => kind === undefined || c.kind === kind);
    return Math.max(0, ...chainLengths(calls).map(({ length }) => length));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const instrument = <T extends object>(target: T, kind: string, latencyMs: number, log: CallLog, path = kind): T =>
  new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      const name = `${path}.${String(property)}`;
      if (typeof value === 'function') {
        return async (...args: unknown[]) => {
          const start = performance.now();
          await sleep(latencyMs);
          try {
            return await (value as (...a: unknown[]) => unknown).apply(object, args);
          } finally {
            log.calls.push({ kind, name, start, end: performance.now() });
          }
        };
      }
      if (value !== null && typeof value === 'object') return instrument(value, kind, latencyMs, log, name);
      return value;
    },
  });
