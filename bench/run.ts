/**
 * `npm run bench`: prints the figures of issue #6 and writes them to bench/results.json.
 * Latencies are injected per store call and per Confluence call (BENCH_STORE_MS, BENCH_CONFLUENCE_MS;
 * defaults 20 and 150 ms) so the view's critical path can be compared with the ideal of one store wave
 * plus one Confluence wave. Figures, not pass/fail: targets are printed beside them.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import bcrypt from 'bcryptjs';
import { createLocalApp } from '../src/dev/local-app';
import { createLocalStore } from '../src/adapters/local/local-store';
import { createShareHandler } from '../src/web/share-handler';
import { createLink } from '../src/app/links';
import { effectivePolicy, decideView } from '../src/core/policy';
import { defaultGlobalConfig, defaultSpaceConfig } from '../src/core/defaults';
import type { ShareLink } from '../src/core/model';
import type { HttpRequest } from '../src/web/http';
import { CallLog, instrument } from './instrument';

const STORE_MS = Number(process.env['BENCH_STORE_MS'] ?? 20);
const CONFLUENCE_MS = Number(process.env['BENCH_CONFLUENCE_MS'] ?? 150);
const VIEW_RUNS = Number(process.env['BENCH_VIEW_RUNS'] ?? 40);
const LIST_TOTAL = Number(process.env['BENCH_LIST_TOTAL'] ?? 10_000);

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
};
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

const viewRequest = (url: string): HttpRequest => {
  const path = new URL(url).pathname;
  return { method: 'GET', path, headers: { host: ['localhost'], 'sec-fetch-site': ['none'] }, query: {}, body: '' };
};

const benchView = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'secure-share-bench-'));
  try {
    const app = await createLocalApp({ dataDir, bcryptRounds: 4 });
    const created = await createLink(app.deps, { accountId: 'u-editor' }, {
      pageId: '1001',
      settings: { name: 'Bench link', includeChildren: true, comments: 'view', attachments: 'view' },
    });
    const log = new CallLog();
    const deps = {
      ...app.deps,
      store: instrument(app.deps.store, 'store', STORE_MS, log),
      content: instrument(app.deps.content, 'confluence', CONFLUENCE_MS, log),
    };
    const handler = createShareHandler(deps);
    const request = viewRequest(created.url);
    const first = await handler(request);
    if (first.status !== 200) throw new Error(`Bench view answered ${first.status}`);

    const timings: number[] = [];
    let storeTrips = 0;
    let confluenceTrips = 0;
    let allTrips = 0;
    let storeCalls = 0;
    let confluenceCalls = 0;
    for (let i = 0; i < VIEW_RUNS; i += 1) {
      log.reset();
      const start = performance.now();
      const response = await handler(request);
      const finished = performance.now();
      timings.push(finished - start);
      if (response.status !== 200) throw new Error(`Bench view answered ${response.status}`);
      const path = log.criticalPath(finished);
      storeTrips = Math.max(storeTrips, path.filter((c) => c.kind === 'store').length);
      confluenceTrips = Math.max(confluenceTrips, path.filter((c) => c.kind === 'confluence').length);
      allTrips = Math.max(allTrips, log.sequentialRoundTrips());
      storeCalls = log.calls.filter((c) => c.kind === 'store').length;
      confluenceCalls = log.calls.filter((c) => c.kind === 'confluence').length;
    }
    // Fire-and-forget writes (audit, stats) may still be in flight: let them land before closing.
    await new Promise((resolve) => setTimeout(resolve, STORE_MS * 4));

    const idealLog = new CallLog();
    const idealStore = { get: async () => undefined };
    const idealConfluence = { get: async () => undefined };
    const wrappedStore = instrument(idealStore, 'store', STORE_MS, idealLog);
    const wrappedConfluence = instrument(idealConfluence, 'confluence', CONFLUENCE_MS, idealLog);
    const ideal: number[] = [];
    for (let i = 0; i < VIEW_RUNS; i += 1) {
      const start = performance.now();
      await Promise.all([wrappedStore.get(), wrappedStore.get(), wrappedStore.get()]);
      await Promise.all([wrappedConfluence.get(), wrappedConfluence.get(), wrappedConfluence.get()]);
      ideal.push(performance.now() - start);
    }
    await app.close();
    const p50 = percentile(timings, 50);
    const p95 = percentile(timings, 95);
    const idealP50 = percentile(ideal, 50);
    const idealP95 = percentile(ideal, 95);
    return {
      injectedLatencyMs: { store: STORE_MS, confluence: CONFLUENCE_MS },
      runs: VIEW_RUNS,
      sequentialStoreRoundTrips: storeTrips,
      sequentialConfluenceRoundTrips: confluenceTrips,
      longestChainIncludingBackgroundWrites: allTrips,
      storeCallsPerView: storeCalls,
      confluenceCallsPerView: confluenceCalls,
      p50Ms: round(p50),
      p95Ms: round(p95),
      idealP50Ms: round(idealP50),
      idealP95Ms: round(idealP95),
      ratioP50: round(p50 / idealP50, 3),
      ratioP95: round(p95 / idealP95, 3),
      target: 'ratio ≤ 1.2',
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
};

/**
 * The share handler bundled as `forge deploy` would (esbuild, minified, every dependency inside), with
 * code splitting: modules the handler loads with `import()` (the sanitizer) land in lazy chunks that a
 * cold start does not load. Reported: what a cold start loads (entry + its static chunks), and the total.
 */
const benchBundle = async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'secure-share-bundle-'));
  try {
    const entry = join(outDir, 'entry.ts');
    await writeFile(entry, `export { shareHandler } from ${JSON.stringify(join(process.cwd(), 'src/share'))};\n`);
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      splitting: true,
      outdir: join(outDir, 'out'),
      entryNames: 'share-handler',
      chunkNames: 'chunk-[hash]',
      outExtension: { '.js': '.mjs' },
      // CommonJS dependencies (busboy, bcryptjs…) call require() for Node built-ins.
      banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
      metafile: true,
      logLevel: 'silent',
    });
    const outputs = result.metafile.outputs;
    const entryPath = Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined);
    if (!entryPath) throw new Error('No entry output');
    // Cold start = the entry plus every chunk it imports statically (transitively).
    const eager = new Set<string>();
    const visit = (path: string) => {
      if (eager.has(path)) return;
      eager.add(path);
      for (const imported of outputs[path]?.imports ?? []) if (imported.kind === 'import-statement' && outputs[imported.path]) visit(imported.path);
    };
    visit(entryPath);
    const js = Object.entries(outputs).filter(([path]) => path.endsWith('.mjs'));
    const totalBytes = js.reduce((sum, [, output]) => sum + output.bytes, 0);
    const eagerBytes = js.filter(([path]) => eager.has(path)).reduce((sum, [, output]) => sum + output.bytes, 0);
    const lazyChunks = js
      .filter(([path]) => !eager.has(path))
      .map(([, output]) => ({
        kb: round(output.bytes / 1024),
        biggestInputs: Object.entries(output.inputs)
          .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
          .slice(0, 4)
          .map(([input]) => input.replace(/^.*node_modules\//, '').replace(/^src\//, 'src/')),
      }));
    const { spawnSync } = await import('node:child_process');
    const timeLoad = (files: string[]): number[] => {
      const loads: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const urls = files.map((file) => pathToFileURL(resolve(file)).href);
        const script = `const t=process.hrtime.bigint();for(const u of ${JSON.stringify(urls)})await import(u);console.log(Number(process.hrtime.bigint()-t)/1e6)`;
        const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
        const ms = Number(run.stdout.trim().split('\n').pop());
        if (run.status !== 0 || !Number.isFinite(ms)) throw new Error(`Bundled share handler failed to load: ${run.stderr.slice(0, 500)}`);
        loads.push(ms);
      }
      return loads;
    };
    const coldLoads = timeLoad([entryPath]);
    const fullLoads = timeLoad(js.map(([path]) => path));
    return {
      coldStartKb: round(eagerBytes / 1024),
      totalKb: round(totalBytes / 1024),
      lazyChunks,
      target: '≤ 400 KB loaded on a cold start',
      coldModuleLoadMs: { p50: round(percentile(coldLoads, 50)), max: round(Math.max(...coldLoads)) },
      allChunksLoadMs: { p50: round(percentile(fullLoads, 50)), max: round(Math.max(...fullLoads)) },
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
};

const benchBcrypt = async () => {
  const results: Record<string, number> = {};
  for (const rounds of [10, 12]) {
    const hash = await bcrypt.hash('correct horse battery staple', rounds);
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const start = performance.now();
      await bcrypt.compare('correct horse battery staple', hash);
      times.push(performance.now() - start);
    }
    results[`cost${rounds}P50Ms`] = round(percentile(times, 50));
  }
  return results;
};

const benchPolicy = () => {
  const now = Date.UTC(2026, 10, 23);
  const global = { ...defaultGlobalConfig(now), applyOnAllLinks: true, comments: 'view' as const };
  const space = { ...defaultSpaceConfig('DEMO', now), applyOnSpaceLinks: true, selectedUsers: ['@acme.com'] };
  const link: ShareLink = {
    id: 'AAAAAAAAAAAAAAAAAAAAAA', tokenHash: '0'.repeat(64), pageId: '1001', spaceKey: 'DEMO', pageTitle: 'Bench',
    createdBy: 'u-editor', createdAt: now, updatedAt: now, version: 1, epoch: 1, status: 'active', passwordHash: null,
    pageState: 'current', name: 'Bench', description: '', comments: 'view', attachments: 'none', includeChildren: true,
    withLabels: [], withoutLabels: [], shareRestrictedChildren: false, showCreator: false, allowSubscribe: false,
    expiresAt: now + 86_400_000, allowedIps: ['10.0.0.0/8', '2001:db8::/32'], selectedUsers: ['ann@acme.com'], requireSso: false,
  };
  const iterations = 100_000;
  const start = performance.now();
  let allowed = 0;
  for (let i = 0; i < iterations; i += 1) {
    const policy = effectivePolicy(global, space);
    const decision = decideView({
      link, policy, now, clientIp: '10.1.2.3',
      session: { passwordPassed: false, verifiedEmail: 'ann@acme.com', ssoEmail: null },
    });
    if (decision.effect === 'allow') allowed += 1;
  }
  const seconds = (performance.now() - start) / 1000;
  if (allowed !== iterations) throw new Error('Policy bench decision was not allow');
  return { decisionsPerSecond: Math.round(iterations / seconds), note: 'effectivePolicy + decideView per decision' };
};

const benchListing = async () => {
  const store = await createLocalStore({});
  const now = Date.UTC(2026, 10, 23);
  const base = (i: number): ShareLink => ({
    id: `L${String(i).padStart(21, '0')}`, tokenHash: i.toString(16).padStart(64, '0'), pageId: String(1000 + (i % 50)),
    spaceKey: i % 2 === 0 ? 'DEMO' : 'OPS', pageTitle: `Page ${i}`, createdBy: 'u-editor', createdAt: now + i, updatedAt: now + i,
    version: 1, epoch: 1, status: 'active', passwordHash: null, pageState: 'current', name: `Link ${i}`, description: '',
    comments: 'none', attachments: 'none', includeChildren: false, withLabels: [], withoutLabels: [],
    shareRestrictedChildren: false, showCreator: false, allowSubscribe: false, expiresAt: null, allowedIps: [],
    selectedUsers: [], requireSso: false,
  });
  const perPage: { total: number; firstPageMs: number; lastPageMs: number; meanPageMs: number }[] = [];
  let created = 0;
  for (const total of [1_000, LIST_TOTAL]) {
    for (; created < total; created += 1) await store.links.create(base(created));
    const times: number[] = [];
    let cursor: string | undefined;
    let seen = 0;
    do {
      const start = performance.now();
      const page = await store.links.list({}, { limit: 100, ...(cursor ? { cursor } : {}) });
      times.push(performance.now() - start);
      seen += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    if (seen !== total) throw new Error(`Listing saw ${seen} of ${total}`);
    perPage.push({
      total,
      firstPageMs: round(times[0] ?? 0, 3),
      lastPageMs: round(times[times.length - 1] ?? 0, 3),
      meanPageMs: round(times.reduce((a, b) => a + b, 0) / times.length, 3),
    });
  }
  const [small, large] = perPage;
  return {
    store: 'local store (in memory), 100 per page',
    pages: perPage,
    growthRatioMeanPage: small && large ? round(large.meanPageMs / small.meanPageMs, 2) : null,
    target: 'per-page cost flat as the total grows',
  };
};

const main = async () => {
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    view: await benchView(),
    bundle: await benchBundle(),
    bcrypt: await benchBcrypt(),
    policy: benchPolicy(),
    listing: await benchListing(),
  };
  console.log(JSON.stringify(results, null, 2));
  const v = results.view;
  console.log(
    `\nView: ${v.sequentialStoreRoundTrips} sequential store trips, ${v.sequentialConfluenceRoundTrips} Confluence trips; ` +
      `p50 ${v.p50Ms} ms vs ideal ${v.idealP50Ms} ms → ratio ${v.ratioP50} (target ≤ 1.2)`,
  );
  console.log(
    `Bundle: ${results.bundle.coldStartKb} KB loaded on a cold start (target ≤ 400 KB), ${results.bundle.totalKb} KB in all; ` +
      `cold load p50 ${results.bundle.coldModuleLoadMs.p50} ms (all chunks ${results.bundle.allChunksLoadMs.p50} ms)`,
  );
  console.log(`Listing: mean page ${results.listing.pages.map((p) => `${p.meanPageMs} ms @ ${p.total}`).join(', ')}`);
  await mkdir('bench', { recursive: true });
  await writeFile(join('bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
