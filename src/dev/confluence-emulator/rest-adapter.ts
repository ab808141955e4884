/**
 * The production Confluence REST adapter bound to an emulator: what local mode and the tests use
 * instead of a port-level fake. On Forge the adapter is built once per invocation, with asUser acting
 * as the invoking user. Here, calls made inside `runConfluenceInvocation` (the local server wraps each
 * HTTP request in one) share adapters, so the adapter's per-invocation caches behave as on Forge; a call
 * outside any invocation gets a fresh adapter. Rights checks always run as the accountId they are about.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createConfluenceRest } from '../../adapters/forge/confluence-rest';
import type { ConfluenceContent, ConfluenceRights } from '../../app/ports';
import { createConfluenceEmulator, type ConfluenceEmulator, type ConfluenceEmulatorOptions, type EmulatorRequestFn, type SiteControl } from './emulator';
import type { FixtureSite } from './site-schema';

type Method = (...args: unknown[]) => unknown;
type Adapter = ReturnType<typeof createConfluenceRest>;

/** Adapters built during one invocation, per binding (one binding per restAdapterOver call). */
type Invocation = Map<object, Map<string, Adapter>>;
const invocations = new AsyncLocalStorage<Invocation>();

/** Runs fn as one invocation: the Confluence adapters it uses are built once, as on Forge. */
export const runConfluenceInvocation = <T>(fn: () => T): T => invocations.run(new Map(), fn);

/** Forge's asUser without a user in the context: Confluence would refuse it. */
const noUser: EmulatorRequestFn = () =>
  Promise.resolve(new Response(JSON.stringify({ message: 'No user in this context.' }), { status: 401, headers: { 'content-type': 'application/json' } }));

export const restAdapterOver = (emulator: ConfluenceEmulator): { content: ConfluenceContent; rights: ConfluenceRights } => {
  const binding = {};
  const asApp = emulator.requestFnFor({ kind: 'app' });
  const build = (accountId: string | undefined): Adapter =>
    accountId === undefined
      ? createConfluenceRest({ asApp, asUser: noUser })
      : createConfluenceRest({ asApp, asUser: emulator.requestFnFor({ kind: 'user', accountId }) }, { invokingAccountId: accountId });
  const adapterFor = (accountId: string | undefined): Adapter => {
    const invocation = invocations.getStore();
    if (!invocation) return build(accountId);
    let adapters = invocation.get(binding);
    if (!adapters) {
      adapters = new Map();
      invocation.set(binding, adapters);
    }
    const key = accountId === undefined ? 'app' : `user:${accountId}`;
    let adapter = adapters.get(key);
    if (!adapter) {
      adapter = build(accountId);
      adapters.set(key, adapter);
    }
    return adapter;
  };

  const sample = build(undefined);
  const content = Object.fromEntries(
    Object.keys(sample.content).map((name) => [
      name,
      (...args: unknown[]) => (adapterFor(undefined).content as unknown as Record<string, Method>)[name]?.(...args),
    ]),
  ) as unknown as ConfluenceContent;
  // Every rights check takes the accountId first: asUser acts as exactly that user.
  const rights = Object.fromEntries(
    Object.keys(sample.rights).map((name) => [
      name,
      (accountId: unknown, ...rest: unknown[]) =>
        (adapterFor(String(accountId)).rights as unknown as Record<string, Method>)[name]?.(accountId, ...rest),
    ]),
  ) as unknown as ConfluenceRights;
  return { content, rights };
};

/** A fixture site behind an emulator, with the REST adapter over it: the Confluence ports of a test or local run. */
export interface EmulatedConfluence {
  content: ConfluenceContent;
  rights: ConfluenceRights;
  /** Changes made "in Confluence". */
  site: SiteControl;
  emulator: ConfluenceEmulator;
}

export const emulatedConfluence = (site: FixtureSite, options: ConfluenceEmulatorOptions = {}): EmulatedConfluence => {
  const emulator = createConfluenceEmulator(site, options);
  return { ...restAdapterOver(emulator), site: emulator.control, emulator };
};
