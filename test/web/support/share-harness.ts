/**
 * Real-HTTP harness for the share view tests.
 *
 * Default: the real local server (`startLocalServer`, port 0, temp data dir, bcrypt cost 4) with a
 * controllable clock; the store is wrapped so tests can see which storage calls a request made, and
 * mail is captured in memory (the outbox still works, but reading files is slower).
 *
 * `{ edge: 'forwarding-proxy' }`: the same handler behind a minimal node:http server that passes the
 * client's X-Forwarded-For through unchanged, standing in for an edge proxy. Only the IP allow-list
 * tests need it: the local server is its own edge and always sets the client IP from the socket.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { emulatedConfluence, runConfluenceInvocation } from '../../../src/dev/confluence-emulator/rest-adapter';
import { loadFixtureSite } from '../../../src/dev/confluence-emulator/site-schema';
import type { EmulatorStats, SiteControl } from '../../../src/dev/confluence-emulator/emulator';
import { createLocalStore, type LocalStore } from '../../../src/adapters/local/local-store';
import type { AppDeps } from '../../../src/app/deps';
import { createLink, type LinkSettingsPatch } from '../../../src/app/links';
import type { MailMessage, Store } from '../../../src/app/ports';
import type { LinkScope, ShareLink } from '../../../src/core/model';
import { DEFAULT_SITE_PATH } from '../../../src/dev/local-app';
import { startLocalServer, type LocalServer } from '../../../src/dev/server';
import type { HttpRequest } from '../../../src/web/http';
import { createShareHandler, type ShareHandlerOptions } from '../../../src/web/share-handler';
import { interceptStore } from '../../support/intercept-calls';
import { assertWithinSpecs } from '../../support/local-server';

export const DEMO_START = Date.parse('2026-11-23T10:00:00.000Z');

export interface Harness {
  base: string;
  deps: AppDeps;
  store: Store;
  site: SiteControl;
  /** The emulator's request counts and log (every Confluence request the adapter sent). */
  confluence: EmulatorStats;
  mail: MailMessage[];
  clock: { now: number };
  /** Storage calls made through deps.store since the last reset (e.g. 'links.get'). */
  storeCalls: string[];
  /** Creates a link on `pageId` (default the demo root 1001) as the demo editor, through createLink. */
  link(settings?: LinkSettingsPatch & { password?: string; scope?: LinkScope }, pageId?: string): Promise<{ token: string; url: string; path: string; link: ShareLink }>;
  /** Edits the stored link directly (status, epoch, pageState, fields), bumping its version. */
  patchLink(id: string, patch: Partial<ShareLink>): Promise<ShareLink>;
  /** Stops the server and starts it again on the same port and data directory. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Records which storage calls a request made (e.g. 'links.get'). */
const countingStore = (inner: Store, calls: string[]): Store =>
  interceptStore(inner, (call, proceed) => {
    calls.push(call);
    return proceed();
  });

interface Backend {
  base: string;
  deps: AppDeps;
  rawStore: Store;
  site: SiteControl;
  confluence: EmulatorStats;
  close(): Promise<void>;
}

const startLocalBackend = async (dataDir: string, clock: { now: number }, port: number): Promise<Backend> => {
  const server: LocalServer = await startLocalServer({
    port,
    dataDir,
    bcryptRounds: 4,
    seedDemo: false,
    clock: { now: () => clock.now },
  });
  return {
    base: server.url,
    deps: server.deps,
    rawStore: server.app.store,
    site: server.app.site,
    confluence: server.app.confluence.stats,
    close: async () => {
      await server.close();
      assertWithinSpecs(server.app.confluence.stats);
    },
  };
};

const toRequest = async (incoming: IncomingMessage): Promise<HttpRequest> => {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const url = new URL(incoming.url ?? '/', 'http://localhost');
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(incoming.headersDistinct)) if (values) headers[name.toLowerCase()] = [...values];
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
  return { method: incoming.method ?? 'GET', path: url.pathname, headers, query, body: Buffer.concat(chunks).toString('latin1') };
};

const startProxyBackend = async (
  dataDir: string,
  clock: { now: number },
  port: number,
  latencyMs = 0,
  handlerOptions: ShareHandlerOptions = {},
): Promise<Backend> => {
  const fixture = emulatedConfluence(await loadFixtureSite(DEFAULT_SITE_PATH), { now: () => clock.now, latencyMs });
  const store: LocalStore = await createLocalStore({ dir: dataDir, clock: { now: () => clock.now } });
  const state = { base: '' };
  const deps: AppDeps = {
    store,
    content: fixture.content,
    rights: fixture.rights,
    mailer: { send: async () => undefined },
    clock: { now: () => clock.now },
    random: { bytes: (n) => new Uint8Array(randomBytes(n)) },
    shareBaseUrl: async () => state.base,
    bcryptRounds: 4,
  };
  const handler = createShareHandler(deps, handlerOptions);
  const server: Server = createServer((incoming, outgoing) => {
    void toRequest(incoming).then(async (req) => {
      const response = await runConfluenceInvocation(() => handler(req));
      outgoing.statusCode = response.status;
      for (const [name, values] of Object.entries(response.headers)) outgoing.setHeader(name, values);
      outgoing.end(typeof response.body === 'string' ? response.body : Buffer.from(response.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  state.base = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    base: state.base,
    deps,
    rawStore: store,
    site: fixture.site,
    confluence: fixture.emulator.stats,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
      assertWithinSpecs(fixture.emulator.stats);
    },
  };
};

export const startHarness = async (
  options: { edge?: 'local-server' | 'forwarding-proxy'; confluenceLatencyMs?: number; handlerOptions?: ShareHandlerOptions } = {},
): Promise<Harness> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'share-web-'));
  const clock = { now: DEMO_START };
  const mail: MailMessage[] = [];
  const storeCalls: string[] = [];
  const start = (dir: string, c: { now: number }, port: number): Promise<Backend> =>
    options.edge === 'forwarding-proxy' ? startProxyBackend(dir, c, port, options.confluenceLatencyMs, options.handlerOptions) : startLocalBackend(dir, c, port);
  let backend = await start(dataDir, clock, 0);
  const instrument = (b: Backend): void => {
    b.deps.store = countingStore(b.rawStore, storeCalls);
    b.deps.mailer = { send: async (message) => void mail.push(message) };
  };
  instrument(backend);

  return {
    get base() {
      return backend.base;
    },
    get deps() {
      return backend.deps;
    },
    get store() {
      return backend.rawStore;
    },
    get site() {
      return backend.site;
    },
    get confluence() {
      return backend.confluence;
    },
    mail,
    clock,
    storeCalls,
    async link(settings = {}, pageId = '1001') {
      const { password, scope, ...rest } = settings;
      const created = await createLink(backend.deps, { accountId: 'u-editor' }, { pageId, scope, settings: rest, password });
      const token = created.url.slice(created.url.lastIndexOf('/s/') + 3);
      const link = (await backend.rawStore.links.get(created.link.id))!;
      return { token, url: created.url, path: `/s/${token}`, link };
    },
    async patchLink(id, patch) {
      const current = (await backend.rawStore.links.get(id))!;
      const next = { ...current, ...patch, version: current.version + 1 };
      await backend.rawStore.links.update(next, current.version);
      return next;
    },
    async restart() {
      const port = Number(new URL(backend.base).port);
      await backend.close();
      backend = await start(dataDir, clock, port);
      instrument(backend);
    },
    async close() {
      await backend.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};
