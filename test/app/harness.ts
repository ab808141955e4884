import { createHash } from 'node:crypto';
import type { SiteControl } from '../../src/dev/confluence-emulator/emulator';
import { emulatedConfluence } from '../../src/dev/confluence-emulator/rest-adapter';
import { loadFixtureSite } from '../../src/dev/confluence-emulator/site-schema';
import { createKvsStore } from '../../src/adapters/forge/kvs-store';
import { createLocalStore } from '../../src/adapters/local/local-store';
import { KvsEmulator, createEmulatedKvs, type KvsEmulatorOptions } from '../../src/dev/kvs-emulator';
import { settledIndexReads } from '../support/settled-index-reads';
import type { Caller } from '../../src/app/authorize';
import type { AppDeps } from '../../src/app/deps';
import type { MailMessage, Random } from '../../src/app/ports';
import { DEFAULT_SITE_PATH } from '../../src/dev/local-app';

export const EDITOR: Caller = { accountId: 'u-editor' };
export const SPACE_ADMIN: Caller = { accountId: 'u-space-admin' };
export const SITE_ADMIN: Caller = { accountId: 'u-site-admin' };
export const VIEWER: Caller = { accountId: 'u-viewer' };
export const OUTSIDER: Caller = { accountId: 'u-outsider' };

export const START = Date.UTC(2026, 10, 23, 12, 0, 0);
export const DAY = 24 * 60 * 60 * 1000;

/** Deterministic randomness: a SHA-256 counter stream, distinct per harness seed. */
export const seededRandom = (seed: string): Random => {
  let counter = 0;
  return {
    bytes: (n) => {
      const out = new Uint8Array(n);
      let filled = 0;
      while (filled < n) {
        const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
        out.set(block.subarray(0, Math.min(block.length, n - filled)), filled);
        filled += block.length;
      }
      return out;
    },
  };
};

export interface Harness {
  deps: AppDeps;
  site: SiteControl;
  sent: MailMessage[];
  clock: { now(): number; advance(ms: number): void; set(ms: number): void };
  /** The KVS emulator under the store, when the harness runs over the Forge KVS adapter. */
  kvs: KvsEmulator | null;
}

export type HarnessStore = 'local' | 'kvs';

/**
 * Which store the use cases run over: the in-memory local store (default), or the Forge KVS adapter on
 * the strict KVS emulator (index lag and 1 % throttling on, as by default). `HARNESS_STORE=kvs` or
 * `useHarnessStore('kvs')` (test/app/use-cases-over-kvs.test.ts runs every use-case file that way).
 */
let harnessStore: HarnessStore = process.env['HARNESS_STORE'] === 'kvs' ? 'kvs' : 'local';
export const useHarnessStore = (kind: HarnessStore): void => {
  harnessStore = kind;
};
export const currentHarnessStore = (): HarnessStore => harnessStore;

const seedNumber = (seed: string): number => createHash('sha256').update(seed).digest().readUInt32BE(0);

/** Use cases over the chosen store, the demo fixture site, a fake clock and bcrypt cost 4. */
export interface HarnessOptions {
  store?: HarnessStore;
  /** The KVS emulator's settings (defaults: index lag and 1 % throttling on). */
  kvs?: KvsEmulatorOptions;
  /** Over KVS, let lists see every earlier write (default true); false shows index lag to the use cases. */
  settledLists?: boolean;
}

export const createHarness = async (seed = 'test', options: HarnessOptions = {}): Promise<Harness> => {
  let now = START;
  const clock = {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    set: (ms: number) => {
      now = ms;
    },
  };
  const kvs = (options.store ?? harnessStore) === 'kvs' ? new KvsEmulator({ now: clock.now, seed: seedNumber(seed), ...options.kvs }) : null;
  // Over KVS, lists see the writes made before them (settled indexes), as over the local store; what
  // lagging indexes do to a use case is tested on its own (reset-over-kvs.test.ts).
  const kvsStore = kvs ? createKvsStore(createEmulatedKvs(kvs), { clock, consistencyDelayMs: 1, retry: { baseDelayMs: 1 } }) : null;
  const store = kvs && kvsStore ? (options.settledLists === false ? kvsStore : settledIndexReads(kvsStore, () => kvs.settleIndexes())) : await createLocalStore({ clock });
  const site = await loadFixtureSite(DEFAULT_SITE_PATH);
  const confluence = emulatedConfluence(site, { now: clock.now });
  const sent: MailMessage[] = [];
  const deps: AppDeps = {
    store,
    content: confluence.content,
    rights: confluence.rights,
    mailer: {
      send: (message) => {
        sent.push(message);
        return Promise.resolve();
      },
    },
    clock,
    random: seededRandom(seed),
    shareBaseUrl: () => Promise.resolve('https://trigger.example/x'),
    bcryptRounds: 4,
  };
  return { deps, sent, clock, site: confluence.site, kvs };
};

/** Every link in the store (for "nothing changed" assertions). */
export const allLinks = async (deps: AppDeps) => (await deps.store.links.list({}, { limit: 100 })).items;
