/**
 * The production Confluence REST adapter bound to an emulator: what local mode and the tests use
 * instead of a port-level fake. On Forge the adapter is built per invocation with asUser acting as
 * the invoking user; here each call builds a fresh adapter the same way, so rights checks run as the
 * accountId they are asked about and no adapter cache outlives one call.
 */
import { createConfluenceRest } from '../../adapters/forge/confluence-rest';
import type { ConfluenceContent, ConfluenceRights } from '../../app/ports';
import { createConfluenceEmulator, type ConfluenceEmulator, type ConfluenceEmulatorOptions, type EmulatorRequestFn, type SiteControl } from './emulator';
import type { FixtureSite } from './site-schema';

type Method = (...args: unknown[]) => unknown;

/** Forge's asUser without a user in the context: Confluence would refuse it. */
const noUser: EmulatorRequestFn = () =>
  Promise.resolve(new Response(JSON.stringify({ message: 'No user in this context.' }), { status: 401, headers: { 'content-type': 'application/json' } }));

export const restAdapterOver = (emulator: ConfluenceEmulator): { content: ConfluenceContent; rights: ConfluenceRights } => {
  const asApp = emulator.requestFnFor({ kind: 'app' });
  const forApp = () => createConfluenceRest({ asApp, asUser: noUser });
  const forUser = (accountId: string) =>
    createConfluenceRest({ asApp, asUser: emulator.requestFnFor({ kind: 'user', accountId }) }, { invokingAccountId: accountId });

  const sample = forApp();
  const content = Object.fromEntries(
    Object.keys(sample.content).map((name) => [
      name,
      (...args: unknown[]) => (forApp().content as unknown as Record<string, Method>)[name]?.(...args),
    ]),
  ) as unknown as ConfluenceContent;
  // Every rights check takes the accountId first: asUser acts as exactly that user.
  const rights = Object.fromEntries(
    Object.keys(sample.rights).map((name) => [
      name,
      (accountId: unknown, ...rest: unknown[]) =>
        (forUser(String(accountId)).rights as unknown as Record<string, Method>)[name]?.(accountId, ...rest),
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
