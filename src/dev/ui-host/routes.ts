/**
 * GET /ui/<surface>?as=&page=&space=&theme= serves a page that runs the real UI Kit entry file in
 * the browser, with install-bridge.ts standing in for the Forge host and the app's elements
 * rendered through Atlaskit. All three surfaces are bundled by one esbuild run on first request
 * (shared modules parsed once) and kept in memory: a script and the Atlaskit CSS per surface.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { HttpRequest, HttpResponse } from '../../web/http';
import { orderAtomicCss } from './css-order';
import { hostPageHtml, HOST_SWITCH_JS } from './host-page';
import { colorModeFrom, hostParamsFrom, SURFACE_ALIASES, type Surface } from './host-context';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const ENTRY: Record<Surface, string> = {
  share: '../../frontend/share-dialog',
  space: '../../frontend/space-settings',
  global: '../../frontend/global-settings',
};
const SURFACES = Object.keys(ENTRY) as Surface[];

export interface SurfaceBundle {
  js: string;
  css: string;
}

/**
 * The top-level @atlaskit/tokens is an old release; the Atlaskit components each carry the current
 * one. Every import of it is resolved from @atlaskit/primitives, so there is one copy and one theme state.
 */
const tokensFrom = path.dirname(require.resolve('@atlaskit/primitives/package.json'));

const hostPlugin: Plugin = {
  name: 'ui-host',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^ui-host-entry:/ }, (args) => ({ path: args.path.slice('ui-host-entry:'.length), namespace: 'ui-host-entry' }));
    // The bridge shim first (the @forge packages read it when they load), then the app's entry.
    pluginBuild.onLoad({ filter: /.*/, namespace: 'ui-host-entry' }, (args) => ({
      contents: `import './install-bridge';\nimport '${ENTRY[args.path as Surface]}';\n`,
      resolveDir: here,
      loader: 'ts',
    }));
    pluginBuild.onResolve({ filter: /^@atlaskit\/tokens(\/.*)?$/ }, (args) =>
      args.pluginData === 'tokens' ? undefined : pluginBuild.resolve(args.path, { resolveDir: tokensFrom, kind: args.kind, pluginData: 'tokens' }),
    );
  },
};

let bundles: Promise<Map<Surface, SurfaceBundle>> | undefined;

const buildAll = async (): Promise<Map<Surface, SurfaceBundle>> => {
  const result = await build({
    entryPoints: SURFACES.map((surface) => ({ in: `ui-host-entry:${surface}`, out: surface })),
    outdir: path.join(here, 'out'),
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: false,
    sourcemap: false,
    jsx: 'automatic',
    logLevel: 'silent',
    plugins: [hostPlugin],
    // Production builds, as Confluence serves Atlaskit and React: no development-only warnings.
    define: { 'process.env.NODE_ENV': '"production"', 'process.env': '{}', global: 'globalThis' },
  });
  const out = new Map<Surface, SurfaceBundle>();
  for (const surface of SURFACES) {
    const file = (ext: string) => result.outputFiles.find((f) => path.basename(f.path) === `${surface}.${ext}`)?.text ?? '';
    out.set(surface, { js: file('js'), css: orderAtomicCss(file('css')) });
  }
  return out;
};

/** The script and Atlaskit CSS of one surface, built once for all surfaces and cached. */
export const bundleSurface = async (surface: Surface): Promise<SurfaceBundle> => {
  if (!bundles) {
    bundles = buildAll();
    bundles.catch(() => (bundles = undefined));
  }
  const bundle = (await bundles).get(surface);
  if (!bundle) throw new Error(`No bundle for ${surface}`);
  return bundle;
};

const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; connect-src 'self'; img-src 'self' data: https:; form-action 'self'; frame-ancestors 'none'";

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

/** What the host needs of the local server: the fixture site's users, for UI Kit's User element. */
interface HostContext {
  app?: { site?: { snapshot(): { users: Array<{ accountId: string; displayName: string }> } } };
}

/** `?id=a&id=b` → `{ a: 'Name' }`: the product resolves User names for the app; local mode reads the fixture site. */
const userNames = (req: HttpRequest, ctx: HostContext | undefined): HttpResponse => {
  const wanted = new Set((req.query['id'] ?? []).slice(0, 100));
  const users = ctx?.app?.site?.snapshot().users ?? [];
  const names = Object.fromEntries(users.filter((u) => wanted.has(u.accountId)).map((u) => [u.accountId, u.displayName]));
  return respond(200, 'application/json; charset=utf-8', JSON.stringify(names));
};

/** Handler for everything under /ui/ (mount with `{ path: '/ui/', handle: createUiHostRoutes() }`). */
export const createUiHostRoutes = () => async (req: HttpRequest, ctx?: HostContext): Promise<HttpResponse> => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'Use GET.');
  const rest = req.path.replace(/^\/ui\/?/, '').replace(/\/$/, '');
  if (rest === 'assets/users') return userNames(req, ctx);

  if (rest === 'assets/host-switch.js') return respond(200, 'text/javascript; charset=utf-8', HOST_SWITCH_JS);
  const asset = /^assets\/(share|space|global)\.(js|css)$/.exec(rest);
  if (asset) {
    try {
      const bundle = await bundleSurface(asset[1] as Surface);
      return asset[2] === 'css' ? respond(200, 'text/css; charset=utf-8', bundle.css) : respond(200, 'text/javascript; charset=utf-8', bundle.js);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return text(503, `Could not build the ${asset[1]} bundle: ${message}`);
    }
  }

  const surface = SURFACE_ALIASES[rest === '' ? 'share' : rest];
  if (!surface) return text(404, `No UI surface "${rest}". Try /ui/share, /ui/space or /ui/global.`);
  const search = toSearchParams(req.query);
  const params = hostParamsFrom(surface, search);
  if (!/^[\w.:@-]{1,128}$/.test(params.accountId) || !/^\d{1,20}$/.test(params.pageId) || !/^[A-Za-z0-9_~-]{1,255}$/.test(params.spaceKey)) {
    return text(400, 'Bad query: as must be an account id, page a numeric page id and space a space key.');
  }
  return respond(200, 'text/html; charset=utf-8', hostPageHtml(params, `/ui/assets/${surface}`, colorModeFrom(search)), { 'content-security-policy': [CSP] });
};
