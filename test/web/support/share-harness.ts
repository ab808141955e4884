/**
 * Real-HTTP harness for the share view tests: a node:http server on port 0 in front of
 * createShareHandler, a durable local store in a temp dir (so restarts can be tested), the demo
 * fixture site, a capturing mailer and a controllable clock. Links are created through the real
 * createLink use case as the demo editor.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createLocalStore, type LocalStore } from '../../../src/adapters/local/local-store';
import { createFixtureConfluence, parseFixtureSite, type FixtureConfluence } from '../../../src/adapters/local/fixture-confluence';
import type { AppDeps } from '../../../src/app/deps';
import { createLink } from '../../../src/app/links';
import type { LinkSettingsPatch } from '../../../src/app/links';
import type { MailMessage, Store } from '../../../src/app/ports';
import type { ShareLink } from '../../../src/core/model';
import type { HttpRequest } from '../../../src/web/http';
import { createShareHandler } from '../../../src/web/share-handler';

export const DEMO_START = Date.parse('2026-11-23T10:00:00.000Z');

export interface Harness {
  base: string;
  deps: AppDeps;
  store: LocalStore;
  fixture: FixtureConfluence;
  mail: MailMessage[];
  clock: { now: number };
  /** Creates a link on `pageId` (default the demo root 1001) and returns its token and stored record. */
  link(settings?: LinkSettingsPatch & { password?: string }, pageId?: string): Promise<{ token: string; url: string; path: string; link: ShareLink }>;
  /** Edits the stored link directly (status, epoch, pageState, fields) bumping its version. */
  patchLink(id: string, patch: Partial<ShareLink>): Promise<ShareLink>;
  /** Stops the server and reopens the store from disk (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
  /** Wraps the store so tests can count calls. */
  storeCalls: string[];
}

const countingStore = (inner: Store, calls: string[]): Store => {
  const wrap = <T extends object>(name: string, target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(prop)}`);
          return (value as (...a: unknown[]) => unknown).apply(obj, args);
        };
      },
    });
  return {
    links: wrap('links', inner.links),
    configs: wrap('configs', inner.configs),
    counters: wrap('counters', inner.counters),
    ephemeral: wrap('ephemeral', inner.ephemeral),
    audit: wrap('audit', inner.audit),
    subscriptions: wrap('subscriptions', inner.subscriptions),
    stats: wrap('stats', inner.stats),
    secrets: wrap('secrets', inner.secrets),
    clearAll: () => inner.clearAll(),
  };
};

const toRequest = async (incoming: import('node:http').IncomingMessage): Promise<HttpRequest> => {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const url = new URL(incoming.url ?? '/', 'http://localhost');
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value : [value];
  }
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
  return { method: incoming.method ?? 'GET', path: url.pathname, headers, query, body: Buffer.concat(chunks).toString('latin1') };
};

export const startHarness = async (options: { latencyMs?: number } = {}): Promise<Harness> => {
  const dir = await mkdtemp(join(tmpdir(), 'share-web-'));
  const siteText = await readFile(fileURLToPath(new URL('../../../fixtures/demo-site.json', import.meta.url)), 'utf8');
  const clock = { now: DEMO_START };
  const mail: MailMessage[] = [];
  const storeCalls: string[] = [];
  const fixture = createFixtureConfluence(parseFixtureSite(siteText, 'demo-site.json'), { now: () => clock.now, latencyMs: options.latencyMs });
  let store = await createLocalStore({ dir: join(dir, 'store'), clock: { now: () => clock.now } });
  let server: Server | undefined;
  const state = { base: '' };
  const deps: AppDeps = {
    store: countingStore(store, storeCalls),
    content: fixture.content,
    rights: fixture.rights,
    mailer: { send: async (message) => void mail.push(message) },
    clock: { now: () => clock.now },
    random: { bytes: (n) => new Uint8Array(randomBytes(n)) },
    shareBaseUrl: async () => state.base,
    bcryptRounds: 4,
  };
  const listen = async (port: number): Promise<void> => {
    const handler = createShareHandler(deps);
    server = createServer((incoming, outgoing) => {
      void toRequest(incoming).then(async (req) => {
        const response = await handler(req);
        outgoing.statusCode = response.status;
        for (const [name, values] of Object.entries(response.headers)) outgoing.setHeader(name, values);
        outgoing.end(typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : Buffer.from(response.body));
      });
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    state.base = `http://localhost:${(server!.address() as AddressInfo).port}`;
  };
  await listen(0);

  const harness: Harness = {
    get base() {
      return state.base;
    },
    deps,
    get store() {
      return store;
    },
    fixture,
    mail,
    clock,
    storeCalls,
    async link(settings = {}, pageId = '1001') {
      const { password, ...rest } = settings;
      const created = await createLink(deps, { accountId: 'u-editor' }, { pageId, settings: rest, password });
      const token = created.url.slice(created.url.lastIndexOf('/s/') + 3);
      const link = (await store.links.get(created.link.id))!;
      return { token, url: created.url, path: `/s/${token}`, link };
    },
    async patchLink(id, patch) {
      const current = (await store.links.get(id))!;
      const next = { ...current, ...patch, version: current.version + 1 };
      await store.links.update(next, current.version);
      return next;
    },
    async restart() {
      const port = Number(new URL(state.base).port);
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        server!.closeAllConnections();
      });
      await store.close();
      store = await createLocalStore({ dir: join(dir, 'store'), clock: { now: () => clock.now } });
      deps.store = countingStore(store, storeCalls);
      await listen(port);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        server!.closeAllConnections();
      });
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
};
