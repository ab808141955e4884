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
import { isClientIpHeaderName } from '../core/client-ip-header';
import { jsonResponse } from './json-response';
import { hasOwnHost, hostOfUrl, isSameOriginRequest, mediaTypeOf, ownHostsFor } from './request-guards';
import { outboxRoute } from './outbox-page';
import { readDemoLinks, rebaseDemoLinks, seedDemoLinks, seedDemoSso, type DemoLink } from './demo-seed';
import { createLocalApp, DEFAULT_PORT, type LocalApp, type LocalAppOptions } from './local-app';
import { runConfluenceInvocation } from './confluence-emulator/rest-adapter';
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

/** An unexpected failure is a "try again" 503 here as on the share view: the local server never answers 500. */
const envelopeStatus = (result: ResolverResult<unknown>): number =>
  result.ok ? 200 : result.error.code === 'internal' ? 503 : HTTP_STATUS[result.error.code];

const invalidRequest = (message: string): ResolverResult<unknown> => ({
  ok: false,
  error: { code: 'invalid_input', message, details: [] },
});

const forbiddenRequest = (message: string): ResolverResult<unknown> => ({
  ok: false,
  error: { code: 'forbidden', message, details: [] },
});

const decodePathSegment = (segment: string): string | null => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
};

/** POST /api/invoke/<functionKey> with `{ payload, context: { accountId, extension } }`, as the bridge calls resolvers. */
const invokeRoute: LocalRoute['handle'] = async (req, ctx) => {
  if (req.method !== 'POST') {
    return { ...jsonResponse(405, invalidRequest('Use POST.')), headers: { ...jsonResponse(405, null).headers, allow: ['POST'] } };
  }
  // A page on another site may send a "simple" cross-site POST (text/plain, no preflight): a drive-by
  // resetApp. Only our own pages (or scripts, which send neither header) and JSON bodies are accepted.
  if (!isSameOriginRequest(req)) {
    return jsonResponse(403, forbiddenRequest('Resolver calls are accepted only from the local server\'s own pages.'));
  }
  if (mediaTypeOf(req) !== 'application/json') {
    return jsonResponse(415, invalidRequest('Send the resolver call as Content-Type: application/json.'));
  }
  const key = decodePathSegment(req.path.slice('/api/invoke/'.length));
  if (key === null) return jsonResponse(400, invalidRequest('The function key in the address is not valid percent-encoding.'));
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
  // Audit log export downloads (signed URLs, src/web/audit-export-download.ts).
  { path: '/export/', handle: shareRoute },
  { path: '/shared-with-me', handle: shareRoute },
  // Admin setup checks: test sign-in and the custom-domain check (src/web/setup-checks.ts).
  { path: '/setup/', handle: shareRoute },
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

/** Why a request body could not be read; each is answered (or the connection dropped) without a crash. */
class BodyTooLarge extends Error {}
class BodyTimeout extends Error {}
class BodyAborted extends Error {}
class BadRequestTarget extends Error {}

/** A body that has not arrived completely by then is refused (408): a slow or endless body cannot hold a handler. */
export const BODY_TIMEOUT_MS = 30_000;

/**
 * Reads the whole body, at most MAX_BODY_BYTES, within `timeoutMs`. Settles exactly once: on the end of
 * the body, on its size or time limit, or when the client aborts or the socket fails.
 */
const readBody = (req: IncomingMessage, timeoutMs: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      outcome();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        settle(() => reject(new BodyTooLarge()));
        req.pause();
        return;
      }
      chunks.push(chunk);
    };
    const timer = setTimeout(() => settle(() => reject(new BodyTimeout())), timeoutMs);
    req.on('data', onData);
    req.on('end', () => settle(() => resolve(Buffer.concat(chunks))));
    // Listeners stay attached after settling: a late socket error must never go unhandled.
    req.on('error', () => settle(() => reject(new BodyAborted())));
    req.on('close', () => settle(() => reject(new BodyAborted())));
  });

const normalizeRemoteIp = (address: string | undefined): string => {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
};

const requestUrl = (req: IncomingMessage): URL => {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    throw new BadRequestTarget();
  }
};

const toLocalRequest = async (req: IncomingMessage, clientIpHeader: string, bodyTimeoutMs: number): Promise<LocalRequest> => {
  const url = requestUrl(req);
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) headers[name.toLowerCase()] = [...values];
  }
  // The local server is the edge: the client-IP header comes from the socket, never from the client.
  headers[clientIpHeader] = [normalizeRemoteIp(req.socket.remoteAddress)];
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
  const rawBody = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req, bodyTimeoutMs);
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
  /** How long a request body may take to arrive (default BODY_TIMEOUT_MS). */
  bodyTimeoutMs?: number;
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

  const bodyTimeoutMs = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  /** Filled in once the port is known (requests cannot arrive before). */
  let ownHosts = new Set<string>();

  const answer = (res: ServerResponse, response: HttpResponse): void => {
    if (res.headersSent || res.writableEnded || res.destroyed) {
      if (!res.writableEnded) res.end();
      return;
    }
    try {
      writeResponse(res, response);
    } catch (error) {
      // e.g. a header value Node refuses: the client gets a bare 503, never a crash.
      console.error('Local server could not write a response', error);
      if (res.headersSent) res.destroy();
      else {
        res.statusCode = 503;
        res.end();
      }
    }
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // A failing settings read must not turn into an error here: the handlers answer 503 themselves.
    const site = await app.deps.store.configs.getSite().catch(() => undefined);
    const customHost = hostOfUrl(site?.customDomain);
    const allowedHosts = customHost ? new Set([...ownHosts, customHost]) : ownHosts;
    if (!hasOwnHost(req.headersDistinct, allowedHosts)) {
      // DNS rebinding: a foreign name resolving to this machine gets nothing, not even the body read.
      if (!res.headersSent) res.setHeader('connection', 'close');
      answer(res, html(421, '<!doctype html><title>Wrong host</title><h1>This server only answers requests addressed to its own host name (localhost)</h1>'));
      return;
    }
    // The same rule as the share handler's: a name it would ignore falls back to X-Forwarded-For here too,
    // so the header the handler reads is always the one this edge wrote, never one the client sent.
    const configured = site?.clientIpHeader ?? '';
    const clientIpHeader = isClientIpHeaderName(configured) ? configured.toLowerCase() : 'x-forwarded-for';
    const local = await toLocalRequest(req, clientIpHeader, bodyTimeoutMs);
    const route = pickRoute(routes, local.path);
    if (route?.path === '/dev/' && !isSameOriginRequest(local)) {
      answer(res, jsonResponse(403, { error: 'Dev events are accepted only from this server\'s own pages or from scripts.' }));
      return;
    }
    // One request = one invocation: the Confluence adapter is built once for it, as on Forge.
    answer(res, route ? await runConfluenceInvocation(() => route.handle(local, context)) : notFound());
  };

  const server = createServer((req, res) => {
    // Errors after the answer (a client gone mid-write) must never reach the process as unhandled.
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    handleRequest(req, res).catch((error: unknown) => {
      if (error instanceof BodyAborted) {
        res.destroy();
        return;
      }
      if (!res.headersSent) res.setHeader('connection', 'close');
      if (error instanceof BodyTooLarge) {
        answer(res, html(413, '<!doctype html><title>Too large</title><h1>The request is too large (10 MB at most)</h1>'));
      } else if (error instanceof BodyTimeout) {
        answer(res, html(408, '<!doctype html><title>Too slow</title><h1>The request body did not arrive in time</h1>'));
      } else if (error instanceof BadRequestTarget) {
        answer(res, html(400, '<!doctype html><title>Bad request</title><h1>The address could not be read</h1>'));
      } else {
        console.error('Local server error', error);
        answer(res, html(503, '<!doctype html><title>Unavailable</title><h1>Something went wrong; try again in a moment</h1>'));
      }
    });
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
  ownHosts = ownHostsFor(actualPort, host);
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
