/**
 * Method-call interception for tests: count, trace or fail the calls an object receives while the
 * code under test uses it as usual.
 */
import type { Store } from '../../src/app/ports';

/** What happens on each call: `proceed()` makes the real call; return its result (or anything else), or throw. */
export type AroundCall = (method: string, proceed: () => unknown) => unknown;

/** `target` with every method call passed through `around` (other properties read through unchanged). */
export const interceptCalls = <T extends object>(target: T, around: AroundCall): T =>
  new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => around(String(prop), () => (value as (...a: unknown[]) => unknown).apply(obj, args));
    },
  });

/** A Store whose table method calls pass through `around`, named like 'links.get' (clearAll passes straight through). */
export const interceptStore = (inner: Store, around: AroundCall): Store => {
  const table = <T extends object>(name: string, target: T): T =>
    interceptCalls(target, (method, proceed) => around(`${name}.${method}`, proceed));
  return {
    links: table('links', inner.links),
    configs: table('configs', inner.configs),
    counters: table('counters', inner.counters),
    ephemeral: table('ephemeral', inner.ephemeral),
    audit: table('audit', inner.audit),
    subscriptions: table('subscriptions', inner.subscriptions),
    stats: table('stats', inner.stats),
    secrets: table('secrets', inner.secrets),
    clearAll: () => inner.clearAll(),
  };
};
