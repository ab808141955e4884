/**
 * `npm run bench`: prints the figures of issue #6 and writes them to bench/results.json.
 * Latencies are injected per store call and per Confluence call (BENCH_STORE_MS, BENCH_CONFLUENCE_MS;
 * defaults 20 and 150 ms) so the view's critical path can be compared with the ideal of one store wave
 * plus one Confluence wave. Figures, not pass/fail: targets are printed beside them.
 * Sections: view (critical path, waves, gate page), bundle (cold-start vs lazy chunks), bcrypt, policy,
 * listing (per-page cost at 1k and BENCH_LIST_TOTAL links), plain (a plain page view through the REST adapter).
 * BENCH_ONLY=view,bundle,… runs a subset.
 * Temp directories are removed; bench/results.json (git-ignored) holds the last full run.
 */
import { percentile, round } from './stats';
import { benchPopularLink, printPopularLink } from './popular-link';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcryptjs';
import { createLocalApp } from '../src/dev/local-app';
import { createLocalStore } from '../src/adapters/local/local-store';
import { createShareHandler } from '../src/web/share-handler';
import { createLink } from '../src/app/links';
import { effectivePolicy, decideView } from '../src/core/policy';
import { defaultGlobalConfig, defaultSpaceConfig } from '../src/core/defaults';
import type { ShareLink } from '../src/core/model';
import type { LinkFilter } from '../src/app/ports';
import { createKvsStore } from '../src/adapters/forge/kvs-store';
import { FakeKvs } from '../test/support/fake-kvs';
import type { HttpRequest } from '../src/web/http';
import { CallLog, instrument } from './instrument';
import { benchPlainView, benchRateLimited, benchResolvers, benchSweep, benchTree, printPlainView, printResolversAndSweep, printScale } from './scale';

const STORE_MS = Number(process.env['BENCH_STORE_MS'] ?? 20);
const CONFLUENCE_MS = Number(process.env['BENCH_CONFLUENCE_MS'] ?? 150);
const VIEW_RUNS = Number(process.env['BENCH_VIEW_RUNS'] ?? 40);
const LIST_TOTAL = Number(process.env['BENCH_LIST_TOTAL'] ?? 10_000);


const viewRequest = (url: string): HttpRequest => {
  const path = new URL(url).pathname;
  return { method: 'GET', path, headers: { host: ['localhost'], 'sec-fetch-site': ['none'] }, query: {}, body: '' };
};

const benchView = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'secure-share-bench-'));
  try {
    // Confluence latency is per REST request, in the emulator behind the production adapter; the port calls are
    // only recorded (0 ms added) so the critical path shows which of them the view waited for.
    const app = await createLocalApp({ dataDir, bcryptRounds: 4, latency: { confluenceMs: CONFLUENCE_MS } });
    const created = await createLink(app.deps, { accountId: 'u-editor' }, {
      pageId: '1001',
      settings: { name: 'Bench link', includeChildren: true, comments: 'view', attachments: 'view' },
    });
    const log = new CallLog();
    const deps = {
      ...app.deps,
      store: instrument(app.deps.store, 'store', STORE_MS, log),
      content: instrument(app.deps.content, 'confluence', 0, log),
    };
    const emulatorStats = app.confluence.stats;
    let confluenceRequests = 0;
    let confluenceRequestWaves = 0;
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
    let storeChain = 0;
    let decisionStoreTrips = 0;
    let storeTripsBeforeConfluence = 0;
    for (let i = 0; i < VIEW_RUNS; i += 1) {
      log.reset();
      const start = performance.now();
      const response = await handler(request);
      const finished = performance.now();
      timings.push(finished - start);
      const requests = new CallLog();
      for (const r of emulatorStats.log) {
        if (r.startedAt >= start && r.endedAt !== undefined) requests.calls.push({ kind: 'rest', name: r.path, start: r.startedAt, end: r.endedAt });
      }
      confluenceRequests = Math.max(confluenceRequests, requests.calls.length);
      confluenceRequestWaves = Math.max(confluenceRequestWaves, requests.sequentialRoundTrips());
      if (response.status !== 200) throw new Error(`Bench view answered ${response.status}`);
      const path = log.criticalPath(finished);
      storeTrips = Math.max(storeTrips, path.filter((c) => c.kind === 'store').length);
      confluenceTrips = Math.max(confluenceTrips, path.filter((c) => c.kind === 'confluence').length);
      allTrips = Math.max(allTrips, log.sequentialRoundTrips());
      storeChain = Math.max(storeChain, log.sequentialRoundTrips('store'));
      decisionStoreTrips = Math.max(decisionStoreTrips, log.chainEndingAt('store.configs.getSpace'));
      storeTripsBeforeConfluence = Math.max(storeTripsBeforeConfluence, log.tripsBeforeFirst('confluence'));
      storeCalls = log.calls.filter((c) => c.kind === 'store').length;
      confluenceCalls = log.calls.filter((c) => c.kind === 'confluence').length;
    }
    // A gate page (password link, no session): store waves only, never a Confluence call.
    const gated = await createLink(app.deps, { accountId: 'u-editor' }, {
      pageId: '1001',
      settings: { name: 'Bench gated link' },
      password: 'bench password 1',
    });
    const gateRequest = viewRequest(gated.url);
    const gateTimings: number[] = [];
    let gateConfluenceCalls = 0;
    for (let i = 0; i < VIEW_RUNS; i += 1) {
      log.reset();
      const start = performance.now();
      const response = await handler(gateRequest);
      gateTimings.push(performance.now() - start);
      if (response.status !== 200) throw new Error(`Bench gate page answered ${response.status}`);
      gateConfluenceCalls = Math.max(gateConfluenceCalls, log.calls.filter((c) => c.kind === 'confluence').length);
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
      note:
        'round trips on the critical path; the decision itself still needs 2 store waves (link+configs+key, then the space), ' +
        'the Confluence wave starts after the first and runs beside the second and the view-counter write',
      storeWavesBeforeDecision: decisionStoreTrips,
      storeWavesBeforeConfluenceStarts: storeTripsBeforeConfluence,
      longestStoreChain: storeChain,
      longestChainIncludingBackgroundWrites: allTrips,
      storeCallsPerView: storeCalls,
      confluenceCallsPerView: confluenceCalls,
      confluenceRestRequestsPerView: confluenceRequests,
      confluenceRestRequestWaves: confluenceRequestWaves,
      p50Ms: round(p50),
      p95Ms: round(p95),
      idealP50Ms: round(idealP50),
      idealP95Ms: round(idealP95),
      ratioP50: round(p50 / idealP50, 3),
      ratioP95: round(p95 / idealP95, 3),
      target: 'ratio ≤ 1.2',
      gatePage: { p50Ms: round(percentile(gateTimings, 50)), confluenceCalls: gateConfluenceCalls },
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
/**
 * What Forge ships: the bundles the Forge CLI's own packager builds (.forge-build/runtime, made by
 * `npm run package:forge`, run here when missing). Cold start = the entry file alone (webpack keeps each
 * dynamic import() in its own chunk, loaded on first use).
 */
const benchBundle = async () => {
  const runtimeDir = join(process.cwd(), '.forge-build', 'runtime');
  const { spawnSync } = await import('node:child_process');
  const { existsSync, readdirSync, statSync } = await import('node:fs');
  if (!existsSync(join(runtimeDir, 'share.cjs'))) {
    const packaged = spawnSync(process.execPath, ['scripts/forge-package.cjs'], { stdio: 'inherit' });
    if (packaged.status !== 0) throw new Error('Forge packaging failed; run npm run package:forge');
  }
  const files = readdirSync(runtimeDir).filter((name) => name.endsWith('.cjs') && !name.startsWith('__forge'));
  const kb = (name: string) => round(statSync(join(runtimeDir, name)).size / 1024);
  const chunks = files.filter((name) => /^[0-9]+\.cjs$/.test(name));
  const timeLoad = (entries: string[]): number[] => {
    const loads: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const paths = entries.map((name) => join(runtimeDir, name));
      const script = `const t=process.hrtime.bigint();for(const p of ${JSON.stringify(paths)})require(p);console.log(Number(process.hrtime.bigint()-t)/1e6)`;
      const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      const ms = Number(run.stdout.trim().split('\n').pop());
      if (run.status !== 0 || !Number.isFinite(ms)) throw new Error(`Packaged bundle failed to load: ${run.stderr.slice(0, 500)}`);
      loads.push(ms);
    }
    return loads;
  };
  const entry = (name: 'share.cjs' | 'index.cjs') => {
    const loads = timeLoad([name]);
    return { coldStartKb: kb(name), coldModuleLoadMs: { p50: round(percentile(loads, 50)), max: round(Math.max(...loads)) } };
  };
  const allLoads = timeLoad(['share.cjs', ...chunks]);
  return {
    packager: 'Forge CLI (webpack + ts-loader), .forge-build/runtime',
    share: entry('share.cjs'),
    index: entry('index.cjs'),
    chunksKb: Object.fromEntries(chunks.map((name) => [name, kb(name)])),
    totalKb: round(files.reduce((sum, name) => sum + kb(name), 0)),
    target: '≤ 400 KB loaded on a cold start of the share web trigger',
    shareWithAllChunksLoadMs: { p50: round(percentile(allLoads, 50)), max: round(Math.max(...allLoads)) },
  };
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

const benchLink = (i: number, now: number): ShareLink => ({
  id: `L${String(i).padStart(21, '0')}`, tokenHash: i.toString(16).padStart(64, '0'), pageId: String(1000 + (i % 50)),
  spaceKey: i % 2 === 0 ? 'DEMO' : 'OPS', pageTitle: `Page ${i}`, createdBy: 'u-editor', createdAt: now + i, updatedAt: now + i,
  version: 1, epoch: 1, status: 'active', passwordHash: null, pageState: 'current', name: `Link ${i}`, description: '',
  comments: 'none', attachments: 'none', includeChildren: false, withLabels: [], withoutLabels: [],
  shareRestrictedChildren: false, showCreator: false, allowSubscribe: false, expiresAt: null, allowedIps: [],
  selectedUsers: [], requireSso: false,
});

const median = (values: number[]): number => percentile(values, 50);

/**
 * Pages through every link with each filter and reports the per-page cost for two totals: wall time
 * for the in-memory local store (median and mean of all pages over 3 passes, after a warm-up pass),
 * and backend queries per page for the KVS store (over the faithful fake; a real KVS query is a round
 * trip, so queries per page is what grows the latency there). Flat = the cost does not grow with the total.
 */
const benchListing = async () => {
  const now = Date.UTC(2026, 10, 23);
  const totals = [1_000, LIST_TOTAL];
  const filters: { name: string; filter: LinkFilter }[] = [
    { name: 'all', filter: {} },
    { name: 'space', filter: { spaceKey: 'DEMO' } },
  ];
  const local = await createLocalStore({});
  // Counts index queries per page: no throttling (a retried query would count twice) and settled indexes.
  const fake = new FakeKvs({ maxHops: 0, rateLimitRate: 0, indexLag: { ops: 0 } });
  const kvsStore = createKvsStore(fake);
  const rows: {
    total: number;
    filter: string;
    pages: number;
    localMedianPageMs: number;
    localMeanPageMs: number;
    kvsQueriesPerPage: number;
    kvsMaxQueriesPerPage: number;
  }[] = [];
  let created = 0;
  for (const total of totals) {
    for (; created < total; created += 1) {
      const link = benchLink(created, now);
      await local.links.create(link);
      await kvsStore.links.create(link);
    }
    for (const { name, filter } of filters) {
      const times: number[] = [];
      let pages = 0;
      for (let pass = 0; pass < 4; pass += 1) {
        let cursor: string | undefined;
        pages = 0;
        do {
          const start = performance.now();
          const page = await local.links.list(filter, { limit: 100, ...(cursor ? { cursor } : {}) });
          if (pass > 0) times.push(performance.now() - start);
          pages += 1;
          cursor = page.nextCursor;
        } while (cursor);
      }
      const queries: number[] = [];
      let cursor: string | undefined;
      let seen = 0;
      do {
        const before = fake.calls.length;
        const page = await kvsStore.links.list(filter, { limit: 100, ...(cursor ? { cursor } : {}) });
        queries.push(fake.calls.slice(before).filter((call) => call.op === 'entity.query').length);
        seen += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      const expected = name === 'all' ? total : Math.ceil(total / 2);
      if (seen !== expected) throw new Error(`KVS listing (${name}) saw ${seen} of ${expected}`);
      rows.push({
        total,
        filter: name,
        pages,
        localMedianPageMs: round(median(times), 3),
        localMeanPageMs: round(times.reduce((a, b) => a + b, 0) / times.length, 3),
        kvsQueriesPerPage: round(queries.reduce((a, b) => a + b, 0) / queries.length, 2),
        kvsMaxQueriesPerPage: Math.max(...queries),
      });
    }
  }
  await local.close();
  const growth = (filter: string) => {
    const small = rows.find((r) => r.filter === filter && r.total === totals[0]);
    const large = rows.find((r) => r.filter === filter && r.total === totals[1]);
    return small && large ? round(large.localMedianPageMs / small.localMedianPageMs, 2) : null;
  };
  return {
    store: 'local store (in memory) and KVS store (fake KVS), 100 per page',
    pages: rows,
    growthRatioMedianPage: { all: growth('all'), space: growth('space') },
    target: 'per-page cost flat as the total grows (growth ratio ≈ 1)',
  };
};

type Results = {
  at: string;
  node: string;
  view?: Awaited<ReturnType<typeof benchView>>;
  bundle?: Awaited<ReturnType<typeof benchBundle>>;
  bcrypt?: Awaited<ReturnType<typeof benchBcrypt>>;
  policy?: ReturnType<typeof benchPolicy>;
  listing?: Awaited<ReturnType<typeof benchListing>>;
  plain?: Awaited<ReturnType<typeof benchPlainView>>;
  tree?: Awaited<ReturnType<typeof benchTree>>;
  rateLimited?: Awaited<ReturnType<typeof benchRateLimited>>;
  resolvers?: Awaited<ReturnType<typeof benchResolvers>>;
  sweep?: Awaited<ReturnType<typeof benchSweep>>;
  popular?: Awaited<ReturnType<typeof benchPopularLink>>;
};

const main = async () => {
  // BENCH_ONLY=view,bundle runs a subset (and then does not overwrite bench/results.json).
  const only = process.env['BENCH_ONLY']?.split(',').map((part) => part.trim());
  const wanted = (name: string) => only === undefined || only.includes(name);
  const results: Results = { at: new Date().toISOString(), node: process.version };
  if (wanted('view')) results.view = await benchView();
  if (wanted('bundle')) results.bundle = await benchBundle();
  if (wanted('bcrypt')) results.bcrypt = await benchBcrypt();
  if (wanted('policy')) results.policy = benchPolicy();
  if (wanted('listing')) results.listing = await benchListing();
  if (wanted('plain')) results.plain = await benchPlainView();
  if (wanted('tree')) results.tree = await benchTree();
  if (wanted('ratelimit')) results.rateLimited = await benchRateLimited();
  if (wanted('resolvers')) results.resolvers = await benchResolvers();
  if (wanted('sweep')) results.sweep = await benchSweep();
  if (wanted('popular')) results.popular = await benchPopularLink();
  console.log(JSON.stringify(results, null, 2));
  const { view: v, bundle: b, listing: l } = results;
  if (v) {
    console.log(
      `\nView: ${v.sequentialStoreRoundTrips} sequential store trips, ${v.sequentialConfluenceRoundTrips} Confluence trips; ` +
        `p50 ${v.p50Ms} ms vs ideal ${v.idealP50Ms} ms → ratio ${v.ratioP50} (target ≤ 1.2); ` +
        `decision after ${v.storeWavesBeforeDecision} store waves, Confluence starts after ${v.storeWavesBeforeConfluenceStarts}; ` +
        `${v.confluenceRestRequestsPerView} Confluence REST requests in ${v.confluenceRestRequestWaves} waves (emulator, ${CONFLUENCE_MS} ms each); ` +
        `gate page p50 ${v.gatePage.p50Ms} ms with ${v.gatePage.confluenceCalls} Confluence calls`,
    );
  }
  if (b) {
    console.log(
      `Bundle (Forge-packaged): share.cjs ${b.share.coldStartKb} KB loaded on a cold start (target ≤ 400 KB), ` +
        `index.cjs ${b.index.coldStartKb} KB, ${b.totalKb} KB in all; cold load p50 share ${b.share.coldModuleLoadMs.p50} ms, ` +
        `index ${b.index.coldModuleLoadMs.p50} ms (share + all chunks ${b.shareWithAllChunksLoadMs.p50} ms)`,
    );
  }
  if (l) {
    console.log(
      `Listing (median page ms local / KVS queries per page): ${l.pages
        .map((p) => `${p.filter} @ ${p.total}: ${p.localMedianPageMs} / ${p.kvsQueriesPerPage}`)
        .join('; ')}`,
    );
  }
  printPlainView(results.plain);
  printScale(results.tree, results.rateLimited);
  printResolversAndSweep(results.resolvers, results.sweep);
  printPopularLink(results.popular);
  if (only === undefined) {
    await mkdir('bench', { recursive: true });
    await writeFile(join('bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
