/**
 * Bounded retry of throttled KVS requests. The service answers 429 (RATE_LIMIT_EXCEEDED /
 * TOO_MANY_REQUESTS) when an installation exceeds its request or 10 KB-unit budgets; a throttled request
 * was not performed, so repeating it is safe for every operation, conditional writes included. Other
 * errors (a 5xx may or may not have been applied) pass through at once.
 */
import { ForgeKvsAPIError } from '@forge/kvs';

export interface RateLimitRetryOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  /** First back-off; doubles on each retry, plus up to the same again of jitter. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_BASE_DELAY_MS = 40;
const MAX_DELAY_MS = 1000;

export const isThrottled = (e: unknown): boolean =>
  e instanceof ForgeKvsAPIError && (e.responseDetails?.status === 429 || e.code === 'RATE_LIMIT_EXCEEDED' || e.code === 'TOO_MANY_REQUESTS');

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * Wraps a @forge/kvs client (and every builder it hands out) so that each request that is answered 429
 * is repeated with exponential back-off, at most `attempts` times in all (≈ 1.2 s by default, well
 * inside a 25 s resolver).
 */
export const withRateLimitRetry = <T extends object>(client: T, options: RateLimitRetryOptions = {}): T => {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const base = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const sleep = options.sleep ?? defaultSleep;

  const retrying = async (first: PromiseLike<unknown>, again: () => unknown): Promise<unknown> => {
    let pending: PromiseLike<unknown> = first;
    for (let attempt = 1; ; attempt++) {
      try {
        return await pending;
      } catch (e) {
        if (!isThrottled(e) || attempt >= attempts) throw e;
        const delay = Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1));
        await sleep(delay + Math.floor(Math.random() * delay));
        pending = again() as PromiseLike<unknown>;
      }
    }
  };

  const wrap = <O extends object>(target: O): O =>
    new Proxy(target, {
      get(obj, property, receiver) {
        const member: unknown = Reflect.get(obj, property, receiver);
        if (typeof member !== 'function') return member;
        return (...args: unknown[]) => {
          const call = () => (member as (...a: unknown[]) => unknown).apply(obj, args);
          const result = call();
          if (isThenable(result)) return retrying(result, call);
          return typeof result === 'object' && result !== null ? wrap(result) : result;
        };
      },
    });

  return wrap(client);
};
