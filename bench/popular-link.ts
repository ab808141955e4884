/**
 * A popular link on Forge KVS: 50 visitors open it at once. The store is the Forge KVS store over the strict
 * KVS emulator (index lag and 1 % throttling on), each store call delayed BENCH_STORE_MS; Confluence is the
 * spec-validated emulator through the production REST adapter. Reported: view latency with counting on,
 * the same views with counting off, the views counted against the views served, and store calls per view.
 */
import { performance } from 'node:perf_hooks';
import { createConfluenceRest } from '../src/adapters/forge/confluence-rest';
import { createLink } from '../src/app/links';
import type { AppDeps } from '../src/app/deps';
import { loadFixtureSite } from '../src/dev/confluence-emulator/site-schema';
import { createShareHandler } from '../src/web/share-handler';
import { CallLog, instrument } from './instrument';
import { CONFLUENCE_MS, kvsBackedDeps } from './scale';
import { percentile, round } from './stats';

const STORE_MS = Number(process.env['BENCH_STORE_MS'] ?? 20);
const VISITORS = Number(process.env['BENCH_VISITORS'] ?? 50);

export const benchPopularLink = async () => {
  const site = await loadFixtureSite(new URL('../fixtures/demo-site.json', import.meta.url).pathname);
  const clock = { now: () => Date.now() };
  // The KVS service as strict as it is (index lag and occasional throttling on).
  const { deps: base, store, emulator, kvs } = await kvsBackedDeps(site, clock, { send: async () => undefined }, {});
  const storeCalls = new CallLog();
  const asApp = emulator.requestFnFor({ kind: 'app' });
  const created = await createLink(base, { accountId: 'u-editor' }, { pageId: '1001', settings: { name: 'Popular link', comments: 'view' } });
  const path = new URL(created.url).pathname;

  /** One visitor = one web-trigger invocation: its own handler and Confluence adapter. */
  const visit = async (countViews: boolean): Promise<{ ms: number; status: number }> => {
    const deps: AppDeps = {
      ...base,
      content: createConfluenceRest({ asApp, asUser: asApp }).content,
      store: instrument(countViews ? store : { ...store, stats: { ...store.stats, recordView: async () => undefined } }, 'store', STORE_MS, storeCalls),
    };
    const handler = createShareHandler(deps);
    const start = performance.now();
    const response = await handler({ method: 'GET', path, headers: { host: ['localhost'], 'sec-fetch-site': ['none'] }, query: {}, body: '' });
    return { ms: performance.now() - start, status: response.status };
  };

  await visit(false); // warm the caches a first visitor fills (creator check, tree)
  const crowd = async (countViews: boolean) => {
    const kvsBefore = kvs.requests.length;
    const runs = await Promise.all(Array.from({ length: VISITORS }, () => visit(countViews)));
    return { runs, kvsRequests: kvs.requests.length - kvsBefore };
  };
  /** The count once the index has caught up (KVS index queries are eventually consistent). */
  const settledCount = async (): Promise<number> => {
    let last = -1;
    for (let read = 0; read < 10; read += 1) {
      const views = (await store.stats.get(created.link.id)).views;
      if (views === last) return views;
      last = views;
    }
    return last;
  };
  const uncounted = await crowd(false);
  const before = await settledCount();
  const counted = await crowd(true);
  const after = await settledCount();
  const served = counted.runs.filter((r) => r.status === 200).length;
  const p95 = (runs: { ms: number }[]) => round(percentile(runs.map((r) => r.ms), 95));
  return {
    visitors: VISITORS,
    injectedLatencyMs: { store: STORE_MS, confluence: CONFLUENCE_MS },
    viewP95Ms: p95(counted.runs),
    viewP95WithoutCountingMs: p95(uncounted.runs),
    countingAddsP95Ms: round(p95(counted.runs) - p95(uncounted.runs)),
    served,
    counted: after - before,
    lost: served - (after - before),
    kvsRequestsPerCountedView: round((counted.kvsRequests - uncounted.kvsRequests) / VISITORS, 1),
    target: 'counting never delays a view (within noise) and loses nothing',
  };
};

export const printPopularLink = (figures?: Awaited<ReturnType<typeof benchPopularLink>>) => {
  if (!figures) return;
  console.log(
    `popular link, ${figures.visitors} visitors at once: view p95 ${figures.viewP95Ms} ms (${figures.viewP95WithoutCountingMs} ms without counting), ` +
      `${figures.counted} of ${figures.served} views counted, ${figures.lost} lost, ${figures.kvsRequestsPerCountedView} KVS requests per counted view`,
  );
};
