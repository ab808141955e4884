import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createResolverRegistry, invokeResolver, type ResolverHandler } from '../app/resolvers';
import { HTTP_STATUS } from '../core/errors';
import type { ResolverResult } from '../shared/contract';
import type { HttpRequest, HttpResponse } from '../web/http';
import { createShareHandler, type ShareHandlerOptions } from '../web/share-handler';
import { escapeHtml } from '../core/email-templates';
import { isWellFormedToken, linkIdOf, tokenMatches } from '../core/token';
import { jsonResponse } from './json-response';
import { outboxRoute } from './outbox-page';
import { readDemoLinks, rebaseDemoLinks, seedDemoLinks, seedDemoSso, type DemoLink } from './demo-seed';
import { createLocalApp, DEFAULT_PORT, type LocalApp, type LocalAppOptions } from './local-app';
import { createUiHostRoutes } from './ui-host/routes';
import { handleDevEvent, startSweepTimer } from './dev-events';
import { DEMO_IDP_PATH, openDemoIdp, type DemoIdp } from './demo-idp';

/** Largest request body the local server reads (the web trigger's own limit is similar). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A request as routes see it: the platform-neutral shape plus the raw bytes. */
export interface LocalRequest extends HttpRequest {
  rawBody: Buffer;
}

/** What every route can use. */
export interface LocalServerContext {
  app: LocalApp;
  registry: Record<string, ResolverHandler>;
  baseUrl: () => string;
  demoLinks: () => DemoLink[];
  shareHandler: (req: HttpRequest) => Promise<HttpResponse>;
  /** Local mode's demo OpenID provider (src/dev/demo-idp.ts). */
  demoIdp: DemoIdp;
}

export interface LocalRoute {
  /** A path prefix (`/s/`), or an exact path when `exact` is set. */
  path: string;
  exact?: boolean;
  handle: (req: LocalRequest, ctx: LocalServerContext) => Promise<HttpResponse>;
}

const html = (status: number, body: string): HttpResponse => ({
  status,
  headers: {
    'content-type': ['text/html; charset=utf-8'],
    'cache-control': ['no-store'],
    'content-security-policy': ["default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"],
    'referrer-policy': ['no-referrer'],
    'x-content-type-options': ['nosniff'],
    'x-frame-options': ['DENY'],
    'x-robots-tag': ['noindex, nofollow'],
  },
  body,
});

const envelopeStatus = (result: ResolverResult<unknown>): number => (result.ok ? 200 : HTTP_STATUS[result.error.code]);

const invalidRequest = (message: string): ResolverResult<unknown> => ({
  ok: false,
  error: { code: 'invalid_input', message, details: [] },
});

/** POST /api/invoke/<functionKey> with `{ payload, context: { accountId, extension } }`, as the bridge calls resolvers. */
const invokeRoute: LocalRoute['handle'] = async (req, ctx) => {
  if (req.method !== 'POST') {
    return { ...jsonResponse(405, invalidRequest('Use POST.')), headers: { ...jsonResponse(405, null).headers, allow: ['POST'] } };
  }
  const key = decodeURIComponent(req.path.slice('/api/invoke/'.length));
  let body: unknown;
  try {
    body = req.rawBody.length === 0 ? {} : JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return jsonResponse(400, invalidRequest('The request body is not valid JSON.'));
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return jsonResponse(400, invalidRequest('The request body must be a JSON object { payload, context }.'));
  }
  const { payload, context } = body as { payload?: unknown; context?: unknown };
  const ctxObject = typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : {};
  const accountId = typeof ctxObject['accountId'] === 'string' ? ctxObject['accountId'] : undefined;
  const result = await invokeResolver(
    ctx.registry,
    key,
    { payload, context: { ...(accountId !== undefined ? { accountId } : {}), extension: ctxObject['extension'] } },
    ctx.app.deps,
  );
  return jsonResponse(envelopeStatus(result), result);
};

const shareRoute: LocalRoute['handle'] = async (req, ctx) => {
  const { rawBody: _raw, ...httpRequest } = req;
  return ctx.shareHandler(httpRequest);
};

/** Whether a recorded demo URL still opens a stored link (it may have been deleted, rotated or reset since). */
const demoLinkAlive = async (ctx: LocalServerContext, url: string): Promise<boolean> => {
  const token = new URL(url).pathname.split('/')[2] ?? '';
  if (!isWellFormedToken(token)) return false;
  const link = await ctx.app.deps.store.links.get(linkIdOf(token));
  return link !== undefined && tokenMatches(token, link.tokenHash);
};

const indexRoute: LocalRoute['handle'] = async (_req, ctx) => {
  const links = ctx.demoLinks();
  const alive = await Promise.all(links.map((l) => demoLinkAlive(ctx, l.url)));
  const rows = links
    .map((l, i) =>
      alive[i]
        ? `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.title)}</a> — ${escapeHtml(l.note)}<br><code>${escapeHtml(l.url)}</code></li>`
        : `<li><s>${escapeHtml(l.title)}</s> — no longer works (deleted, rotated or reset since it was created)</li>`,
    )
    .join('\n');
  return (
    html(
      200,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Secure Share (local)</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#172b4d}code{font-size:12px;color:#505f79}li{margin:.6rem 0}</style></head>
<body><h1>Secure Share — local mode</h1>
<p>Confluence site: <code>${escapeHtml(ctx.app.sitePath)}</code>; data: <code>${escapeHtml(ctx.app.dataDir)}</code>.</p>
<h2>Demo links</h2>${links.length > 0 ? `<ul>${rows}</ul>` : '<p>No demo links recorded (the store already had links before the first start).</p>'}
<h2>App pages</h2><ul>
<li><a href="/ui/content-action?pageId=1001&amp;as=u-editor">Page editor: share dialog (page 1001)</a></li>
<li><a href="/ui/space-settings?spaceKey=DEMO&amp;as=u-space-admin">Space admin: DEMO space settings</a></li>
<li><a href="/ui/global-settings?as=u-site-admin">Confluence admin: global settings</a></li>
<li><a href="/outbox">Email outbox</a></li></ul>
<h2>Confluence events (local stand-ins)</h2><p>Simulate what Confluence would send: <code>curl -X POST ${escapeHtml(ctx.baseUrl())}/dev/pages/1002/update</code> (also <code>trash</code>, <code>restore</code>, <code>delete</code>); run the hourly sweep now with <code>curl -X POST ${escapeHtml(ctx.baseUrl())}/dev/sweep</code> (it also runs every minute).</p>
<h2>Resolvers</h2><p><code>curl -s ${escapeHtml(ctx.baseUrl())}/api/invoke/getPageSharing -H 'content-type: application/json' -d '{"payload":{"pageId":"1001"},"context":{"accountId":"u-editor"}}'</code></p>
</body></html>`,
    )
  );
};

/**
 * The route table, first match wins. Other local pages add one line here
 * (e.g. `{ path: '/ui/', handle: uiRoute }`, `{ path: '/outbox', handle: outboxRoute }`).
 */
export const createRoutes = (): LocalRoute[] => [
  { path: '/api/invoke/', handle: invokeRoute },
  { path: '/s/', handle: shareRoute },
  { path: '/subscriptions/', handle: shareRoute },
  { path: '/ui/', handle: createUiHostRoutes() },
  { path: '/outbox', handle: outboxRoute },
  { path: `${DEMO_IDP_PATH}/`, handle: (req, ctx) => ctx.demoIdp.handle(req) },
  // Stand-ins for Forge product events and the scheduled trigger (src/dev/dev-events.ts).
  { path: '/dev/', handle: (req, ctx) => handleDevEvent(ctx.app, req.method, req.path) },
  // The fixed OIDC redirect URI registered at the IdP (src/web/sso-gate.ts).
  { path: '/sso/callback', exact: true, handle: shareRoute },
  { path: '/', exact: true, handle: indexRoute },
];

const notFound = (): HttpResponse => html(404, '<!doctype html><title>Not found</title><h1>Not found</h1>');

class BodyTooLarge extends Error {}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const normalizeRemoteIp = (address: string | undefined): string => {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
};

const toLocalRequest = async (req: IncomingMessage, clientIpHeader: string): Promise<LocalRequest> => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) headers[name.toLowerCase()] = [...values];
  }
  // The local server is the edge: the client-IP header comes from the socket, never from the client.
  headers[clientIpHeader] = [normalizeRemoteIp(req.socket.remoteAddress)];
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
  const rawBody = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
  return { method: req.method ?? 'GET', path: url.pathname, headers, query, body: rawBody.toString('latin1'), rawBody };
};

const writeResponse = (res: ServerResponse, response: HttpResponse): void => {
  res.statusCode = response.status;
  for (const [name, values] of Object.entries(response.headers)) res.setHeader(name, values.length === 1 ? (values[0] ?? '') : values);
  res.end(typeof response.body === 'string' ? response.body : Buffer.from(response.body));
};

const pickRoute = (routes: readonly LocalRoute[], path: string): LocalRoute | undefined =>
  routes.find((r) => (r.exact ? path === r.path : path.startsWith(r.path)));

export interface StartLocalServerOptions extends LocalAppOptions {
  /** 0 = an ephemeral port (tests). Default $PORT or 8787. */
  port?: number;
  host?: string;
  /** Create the demo links on an empty store (default true). */
  seedDemo?: boolean;
  /** Extra routes placed before the built-in ones (tests). */
  routes?: LocalRoute[];
  /** Run the sweep (Forge's scheduled trigger) this often; off when absent. */
  sweepIntervalMs?: number;
  /** Minimum reply time of the one-time-code form (as on Forge); 0 in tests. */
  codeReplyFloorMs?: number;
  /** Share view options, e.g. `{ inlineImages: true, inlineDownloads: true }` to behave as on Forge today. */
  shareHandlerOptions?: ShareHandlerOptions;
}

export interface LocalServer {
  url: string;
  app: LocalApp;
  deps: LocalApp['deps'];
  server: Server;
  demoLinks: DemoLink[];
  close(): Promise<void>;
}

export const startLocalServer = async (options: StartLocalServerOptions = {}): Promise<LocalServer> => {
  const port = options.port ?? (Number(process.env['PORT']) || DEFAULT_PORT);
  const host = options.host ?? '127.0.0.1';
  const app = await createLocalApp({ ...options, port });
  const routes = [...(options.routes ?? []), ...createRoutes()];
  let baseUrl = `http://localhost:${port}`;
  let demoLinks: DemoLink[] = [];
  let demoIdp: DemoIdp;
  try {
    demoIdp = await openDemoIdp({ dataDir: app.dataDir, baseUrl: () => baseUrl, now: () => app.deps.clock.now() });
  } catch (error) {
    await app.close();
    throw error;
  }
  const context: LocalServerContext = {
    demoIdp,
    app,
    registry: createResolverRegistry(),
    baseUrl: () => baseUrl,
    demoLinks: () => demoLinks,
    shareHandler: createShareHandler(app.deps, { codeReplyFloorMs: options.codeReplyFloorMs ?? 0, ...options.shareHandlerOptions }),
  };

  const server = createServer((req, res) => {
    void (async () => {
      try {
        // A failing settings read must not turn into a 500 here: the handlers answer 503 themselves.
        const site = await app.deps.store.configs.getSite().catch(() => undefined);
        const local = await toLocalRequest(req, (site?.clientIpHeader ?? 'x-forwarded-for').toLowerCase());
        const route = pickRoute(routes, local.path);
        writeResponse(res, route ? await route.handle(local, context) : notFound());
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          res.setHeader('connection', 'close');
          writeResponse(res, html(413, '<!doctype html><title>Too large</title><h1>The request is too large (10 MB at most)</h1>'));
          return;
        }
        console.error('Local server error', error);
        if (!res.headersSent) writeResponse(res, html(500, '<!doctype html><title>Error</title><h1>Something went wrong</h1>'));
        else res.end();
      }
    })();
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  const actualPort = (server.address() as AddressInfo).port;
  baseUrl = `http://localhost:${actualPort}`;
  app.setShareBaseUrl(baseUrl);
  if (options.seedDemo !== false) await seedDemoSso(app.deps, demoIdp);
  demoLinks = rebaseDemoLinks(
    options.seedDemo === false ? await readDemoLinks(app.dataDir) : await seedDemoLinks(app.deps, app.dataDir),
    baseUrl,
  );

  const stopSweep = options.sweepIntervalMs ? startSweepTimer(app, options.sweepIntervalMs) : () => undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopSweep();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await app.close();
    })();
    return closing;
  };
  return { url: baseUrl, app, deps: app.deps, server, demoLinks, close };
};

const isMain = (): boolean => {
  const entry = process.argv[1];
  return entry !== undefined && import.meta.url === pathToFileURL(entry).href;
};

if (isMain()) {
  startLocalServer({ sweepIntervalMs: 60_000, codeReplyFloorMs: 1500 })
    .then((local) => {
      console.log(`Secure Share (local) on ${local.url}`);
      console.log(`  Confluence fixture: ${local.app.sitePath}`);
      console.log(`  Data: ${local.app.dataDir}   Outbox: ${local.url}/outbox`);
      console.log('\nDemo links:');
      for (const link of local.demoLinks) console.log(`  ${link.title}: ${link.url}\n    ${link.note}`);
      console.log('\nLocal stand-ins for Confluence events (the sweep also runs every minute):');
      console.log(`  curl -X POST ${local.url}/dev/pages/1002/update    (also: trash, restore, delete)`);
      console.log(`  curl -X POST ${local.url}/dev/sweep`);
      console.log(`\nOpen ${local.url}/ for the index page. Ctrl+C to stop.`);
      const stop = (): void => {
        console.log('\nStopping…');
        local.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((error: unknown) => {
      console.error(`Could not start Secure Share locally: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
