import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppDeps } from '../app/deps';
import type { Clock, Random } from '../app/ports';
import { createLocalStore, type LocalStore } from '../adapters/local/local-store';
import { createOutboxMailer, type OutboxMailer } from '../adapters/local/outbox';
import { openConfluenceEmulator, type ConfluenceEmulator, type ConfluenceEmulatorOptions, type SiteControl } from './confluence-emulator/emulator';
import { restAdapterOver } from './confluence-emulator/rest-adapter';

/**
 * Local mode composition root: the same use cases and handlers as on Forge, over a durable file store
 * (.secure-share/), the production Confluence REST adapter talking to a Confluence emulator that serves
 * a fixture site (src/dev/confluence-emulator/), and a file outbox instead of real email.
 */
export interface LocalAppOptions {
  /** Durable data directory; default `.secure-share` in the working directory. */
  dataDir?: string;
  /** Fixture site JSON; default $SECURE_SHARE_SITE or fixtures/demo-site.json. */
  sitePath?: string;
  /** Port the share URLs point at until `setShareBaseUrl` is called; default $PORT or 8787. */
  port?: number;
  clock?: Clock;
  random?: Random;
  /** bcrypt cost; default 10 (tests pass 4). */
  bcryptRounds?: number;
  /** Simulated Confluence REST latency (benchmarks). */
  latency?: { confluenceMs?: number };
  /** Rate limiting the emulator injects (429 with Retry-After), e.g. for resilience tests. */
  inject429?: ConfluenceEmulatorOptions['inject429'];
}

export interface LocalApp {
  deps: AppDeps;
  store: LocalStore;
  /** Changes made "in Confluence" (dev events, tests). */
  site: SiteControl;
  /** The emulator behind the REST adapter (request stats, spec violations). */
  confluence: ConfluenceEmulator;
  outbox: OutboxMailer;
  dataDir: string;
  sitePath: string;
  /** Where share URLs point (the server sets it once it knows its port). */
  setShareBaseUrl(url: string): void;
  close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = '.secure-share';
/** The demo fixture, found from this module so the server starts from any working directory. */
export const DEFAULT_SITE_PATH = fileURLToPath(new URL('../../fixtures/demo-site.json', import.meta.url));
export const DEFAULT_PORT = 8787;

const envNumber = (name: string): number | undefined => {
  const value = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
};

const systemClock: Clock = { now: () => Date.now() };
const systemRandom: Random = { bytes: (n) => new Uint8Array(randomBytes(n)) };

export const createLocalApp = async (options: LocalAppOptions = {}): Promise<LocalApp> => {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const sitePath = resolve(options.sitePath ?? process.env['SECURE_SHARE_SITE'] ?? DEFAULT_SITE_PATH);
  const clock = options.clock ?? systemClock;
  const port = options.port ?? (Number(process.env['PORT']) || DEFAULT_PORT);
  let shareBase = `http://localhost:${port}`;

  const store = await createLocalStore({ dir: dataDir, clock });
  // SECURE_SHARE_CONFLUENCE_LATENCY_MS and SECURE_SHARE_CONFLUENCE_429 (a probability) try the app
  // against a slow or rate-limiting Confluence.
  const latencyMs = options.latency?.confluenceMs ?? envNumber('SECURE_SHARE_CONFLUENCE_LATENCY_MS');
  const inject429 = options.inject429 ?? envNumber('SECURE_SHARE_CONFLUENCE_429');
  let confluence: ConfluenceEmulator;
  try {
    confluence = await openConfluenceEmulator(sitePath, {
      persistPath: join(dataDir, 'site-state.json'),
      now: () => clock.now(),
      ...(latencyMs ? { latencyMs } : {}),
      ...(inject429 !== undefined ? { inject429 } : {}),
      onSpecViolation: (v) => console.warn(`Confluence emulator: ${v.method} ${v.path} is ${v.reason}`),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const outbox = createOutboxMailer(join(dataDir, 'outbox'), () => clock.now());
  const { content, rights } = restAdapterOver(confluence);
  const deps: AppDeps = {
    store,
    content,
    rights,
    mailer: outbox,
    clock,
    random: options.random ?? systemRandom,
    shareBaseUrl: () => Promise.resolve(shareBase),
    bcryptRounds: options.bcryptRounds ?? 10,
    // The demo identity provider (src/dev/demo-idp.ts) lives on this server's own http origin.
    oidc: { allowLoopbackIssuer: true },
    // Every email lands in the outbox (GET /outbox), whatever the provider setting.
    localOutboxPath: '/outbox',
  };
  return {
    deps,
    store,
    site: confluence.control,
    confluence,
    outbox,
    dataDir,
    sitePath,
    setShareBaseUrl: (url) => {
      shareBase = url.replace(/\/+$/, '');
    },
    close: async () => {
      await confluence.control.flush();
      await store.close();
    },
  };
};
