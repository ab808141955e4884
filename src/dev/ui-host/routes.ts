/**
 * GET /ui/<surface>?as=&page=&space= serves a page that runs the real UI Kit entry file in the
 * browser, with install-bridge.ts standing in for the Forge host. Bundles are built with esbuild on
 * first request and kept in memory.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { HttpRequest, HttpResponse } from '../../web/http';
import { hostPageHtml, HOST_SWITCH_JS } from './host-page';
import { hostParamsFrom, SURFACE_ALIASES, type Surface } from './host-context';

const here = path.dirname(fileURLToPath(import.meta.url));

const ENTRY: Record<Surface, string> = {
  share: '../../frontend/share-dialog',
  space: '../../frontend/space-settings',
  global: '../../frontend/global-settings',
};

const bundles = new Map<Surface, Promise<string>>();

/** One IIFE per surface: the bridge shim first (the @forge packages read it when they load), then the entry. */
export const bundleSurface = (surface: Surface): Promise<string> => {
  let pending = bundles.get(surface);
  if (!pending) {
    pending = build({
      stdin: {
        contents: `import './install-bridge';\nimport '${ENTRY[surface]}';\n`,
        resolveDir: here,
        sourcefile: `ui-host-${surface}.ts`,
        loader: 'ts',
      },
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      target: 'es2020',
      minify: false,
      sourcemap: false,
      jsx: 'automatic',
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"development"', global: 'globalThis' },
    }).then((result) => result.outputFiles[0]?.text ?? '');
    pending.catch(() => bundles.delete(surface));
    bundles.set(surface, pending);
  }
  return pending;
};

const CSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data: https:; form-action 'self'; frame-ancestors 'none'";

const respond = (status: number, type: string, body: string, extra: Record<string, string[]> = {}): HttpResponse => ({
  status,
  headers: { 'content-type': [type], 'cache-control': ['no-store'], 'x-content-type-options': ['nosniff'], ...extra },
  body,
});

const text = (status: number, body: string) => respond(status, 'text/plain; charset=utf-8', body);

const toSearchParams = (query: Record<string, string[]>): URLSearchParams => {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(query)) for (const value of values) params.append(name, value);
  return params;
};

/** Handler for everything under /ui/ (mount with `{ path: '/ui/', handle: createUiHostRoutes() }`). */
export const createUiHostRoutes = () => async (req: HttpRequest): Promise<HttpResponse> => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'Use GET.');
  const rest = req.path.replace(/^\/ui\/?/, '').replace(/\/$/, '');

  if (rest === 'assets/host-switch.js') return respond(200, 'text/javascript; charset=utf-8', HOST_SWITCH_JS);
  const asset = /^assets\/(share|space|global)\.js$/.exec(rest);
  if (asset) {
    try {
      return respond(200, 'text/javascript; charset=utf-8', await bundleSurface(asset[1] as Surface));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return text(503, `Could not build the ${asset[1]} bundle: ${message}`);
    }
  }

  const surface = SURFACE_ALIASES[rest === '' ? 'share' : rest];
  if (!surface) return text(404, `No UI surface "${rest}". Try /ui/share, /ui/space or /ui/global.`);
  const params = hostParamsFrom(surface, toSearchParams(req.query));
  if (!/^[\w.:@-]{1,128}$/.test(params.accountId) || !/^\d{1,20}$/.test(params.pageId) || !/^[A-Za-z0-9_~-]{1,255}$/.test(params.spaceKey)) {
    return text(400, 'Bad query: as must be an account id, page a numeric page id and space a space key.');
  }
  return respond(200, 'text/html; charset=utf-8', hostPageHtml(params, `/ui/assets/${surface}.js`), { 'content-security-policy': [CSP] });
};
