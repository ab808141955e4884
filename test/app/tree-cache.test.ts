/**
 * The per-link shared-tree cache (issue 10) through the production REST adapter and the spec-held
 * Confluence emulator: what a warm and a cold view cost in Confluence requests (counts, never times),
 * when the cache is used and when it is rebuilt (page events, TTL, link edits, a moved page).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalStore, type LocalStore } from '../../src/adapters/local/local-store';
import { createConfluenceRest } from '../../src/adapters/forge/confluence-rest';
import { createConfluenceEmulator, type ConfluenceEmulator } from '../../src/dev/confluence-emulator/emulator';
import { fixtureSiteSchema } from '../../src/dev/confluence-emulator/site-schema';
import { createLink, updateLink } from '../../src/app/links';
import { handlePageEvent } from '../../src/app/lifecycle';
import type { AppDeps } from '../../src/app/deps';
import type { ConfluenceRights } from '../../src/app/ports';
import { TREE_CACHE_TTL_MS, treeCacheKey } from '../../src/app/view/tree-cache';
import { createShareHandler } from '../../src/web/share-handler';

const ISO = '2026-11-20T10:00:00.000Z';
const ROOT = 100_000;

/** A root with `pages` descendants, 6 children per page; every 97th id is view-restricted to the editor. */
const treeSite = (pages: number, extra: (id: number) => Record<string, unknown> = () => ({})) =>
  fixtureSiteSchema.parse({
    name: 'Tree site',
    users: [{ accountId: 'u-editor', displayName: 'Erin Editor', email: 'erin@acme.example' }],
    spaces: [{ id: '98301', key: 'TREE', name: 'Tree', editors: ['u-editor'] }],
    pages: [ROOT, ...Array.from({ length: pages }, (_, i) => ROOT + 1 + i)].map((id) => ({
      id: String(id),
      spaceKey: 'TREE',
      parentId: id === ROOT ? null : String(ROOT + Math.floor((id - ROOT - 1) / 6)),
      title: `Page ${id}`,
      authorId: 'u-editor',
      createdAt: ISO,
      updatedAt: ISO,
      body: `<p>Page ${id}</p>`,
      labels: id % 5 === 0 ? ['internal'] : ['public'],
      ...(id !== ROOT && id % 97 === 0 ? { viewRestrictedTo: ['u-editor'], appCanRead: true } : {}),
      ...extra(id),
    })),
  });

interface World {
  deps: AppDeps;
  emulator: ConfluenceEmulator;
  store: LocalStore;
  now: { value: number };
  view(url: string): Promise<{ status: number; requests: string[] }>;
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

const world = async (
  pages: number,
  options: { inject429?: (r: { path: string; method: string }) => boolean; extra?: (id: number) => Record<string, unknown> } = {},
): Promise<World> => {
  const dir = await mkdtemp(join(tmpdir(), 'tree-cache-'));
  const now = { value: Date.parse('2026-11-23T10:00:00.000Z') };
  const clock = { now: () => now.value };
  const store = await createLocalStore({ dir, clock });
  const emulator = createConfluenceEmulator(treeSite(pages, options.extra), {
    now: clock.now,
    ...(options.inject429 ? { inject429: options.inject429, retryAfterSeconds: 0 } : {}),
  });
  cleanup.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const asApp = emulator.requestFnFor({ kind: 'app' });
  const rights = new Proxy({} as ConfluenceRights, {
    get: (_t, name: string) => (accountId: string, ...rest: unknown[]) => {
      const adapter = createConfluenceRest({ asApp, asUser: emulator.requestFnFor({ kind: 'user', accountId }) }, { invokingAccountId: accountId });
      return (adapter.rights as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!(accountId, ...rest);
    },
  });
  const deps = {
    store,
    content: createConfluenceRest({ asApp, asUser: asApp }).content,
    rights,
    mailer: { send: async () => undefined },
    clock,
    random: { bytes: (n: number) => new Uint8Array(randomBytes(n)) },
    shareBaseUrl: () => Promise.resolve('http://localhost:8787'),
    bcryptRounds: 4,
  } as AppDeps;
  return {
    deps,
    emulator,
    store,
    now,
    async view(url) {
      // One adapter per invocation, as Forge builds it.
      deps.content = createConfluenceRest({ asApp, asUser: asApp }, { retryBudgetMs: 1000 }).content;
      emulator.stats.reset();
      const res = await createShareHandler(deps)({
        method: 'GET',
        path: new URL(url).pathname,
        headers: { host: ['localhost'], 'sec-fetch-site': ['none'] },
        query: {},
        body: '',
      });
      return { status: res.status, requests: emulator.stats.log.map((r) => `${r.method} ${r.path.split('?')[0]}`) };
    },
  };
};

const shareTree = async (w: World, settings: Record<string, unknown> = {}) =>
  createLink(w.deps, { accountId: 'u-editor' }, { pageId: String(ROOT), settings: { name: 'Tree', includeChildren: true, ...settings } });

const searches = (requests: string[]) => requests.filter((r) => r.endsWith('/wiki/rest/api/search')).length;
const descendantReads = (requests: string[]) => requests.filter((r) => r.endsWith('/descendants')).length;

describe('shared tree: request counts', () => {
  it('a cold view reads the tree in bulk, a warm view reads no tree at all', async () => {
    const w = await world(600);
    const link = await shareTree(w);
    const cold = await w.view(`${link.url}/p/${ROOT + 500}`);
    expect(cold.status).toBe(200);
    // ⌈600 / 250⌉ descendant pages and ⌈600 / 100⌉ search pages (the emulator's search cap), no per-page lookups.
    expect(descendantReads(cold.requests)).toBe(3);
    expect(searches(cold.requests)).toBe(6);
    expect(cold.requests.filter((r) => /\/labels$|\/restriction\//.test(r))).toEqual([]);
    expect(w.emulator.stats.specViolations).toEqual([]);

    const warm = await w.view(`${link.url}/p/${ROOT + 301}`);
    expect(warm.status).toBe(200);
    expect(descendantReads(warm.requests) + searches(warm.requests)).toBe(0);
    // Root, page, its comments and attachments, and the creator's read right on the newly asked page: nothing per tree page.
    expect([...warm.requests].sort()).toEqual(
      [
        `GET /wiki/api/v2/pages/${ROOT}`,
        `GET /wiki/api/v2/pages/${ROOT + 301}`,
        `GET /wiki/rest/api/content/${ROOT + 301}/descendant/comment`,
        `GET /wiki/api/v2/pages/${ROOT + 301}/attachments`,
        `POST /wiki/rest/api/content/${ROOT + 301}/permission/check`,
      ].sort(),
    );
    // Viewed again within the creator-check cache's life: not even that check.
    expect((await w.view(`${link.url}/p/${ROOT + 301}`)).requests).toHaveLength(4);
  });

  it('a cold view grows with ⌈pages / 250⌉ descendant reads, not with pages', async () => {
    const counts: number[] = [];
    for (const pages of [250, 1000]) {
      const w = await world(pages);
      const link = await shareTree(w);
      const cold = await w.view(`${link.url}/p/${ROOT + 1}`);
      expect(cold.status).toBe(200);
      counts.push(cold.requests.length);
      expect(descendantReads(cold.requests)).toBe(Math.ceil(pages / 250));
    }
    // 4× the pages: a handful more requests (search and descendant pages), never hundreds.
    expect((counts[1] as number) - (counts[0] as number)).toBeLessThanOrEqual(Math.ceil(1000 / 100) + Math.ceil(1000 / 250));
  });

  it('caps the tree before any lookup: pages beyond the cap are never read and are hidden', async () => {
    const w = await world(2100);
    const link = await shareTree(w);
    const cold = await w.view(`${link.url}/p/${ROOT + 2}`);
    expect(cold.status).toBe(200);
    // 1,999 descendants (2,000 pages with the root): 8 descendant pages and 20 search pages at most.
    expect(descendantReads(cold.requests)).toBe(8);
    expect(searches(cold.requests)).toBe(20);
    // The cached tree holds exactly the capped pages; the other 101 are hidden.
    const head = await w.store.ephemeral.get(treeCacheKey(link.link.id), w.now.value);
    const chunks = Number(head?.value['chunks'] ?? 0);
    const rest = await Promise.all(Array.from({ length: chunks }, (_, i) => w.store.ephemeral.get(treeCacheKey(link.link.id, i + 1), w.now.value)));
    const cached = [head, ...rest].flatMap((r) => (r?.value['pages'] as [string][]).map((p) => p[0]));
    expect(cached).toHaveLength(1999);
    const hidden = Array.from({ length: 2100 }, (_, i) => String(ROOT + 1 + i)).filter((id) => !cached.includes(id));
    expect(hidden).toHaveLength(101);
    expect((await w.view(`${link.url}/p/${hidden[0]}`)).status).toBe(404);
  });
});

describe('shared tree cache', () => {
  it('is used until a page event in its space, then rebuilt once', async () => {
    const w = await world(30);
    const link = await shareTree(w);
    await w.view(`${link.url}/p/${ROOT + 3}`);
    expect(searches((await w.view(`${link.url}/p/${ROOT + 4}`)).requests)).toBe(0);

    await w.emulator.control.trashPage(String(ROOT + 4));
    await handlePageEvent({ eventType: 'avi:confluence:trashed:page', content: { id: String(ROOT + 4), type: 'page', space: { key: 'TREE' } } }, w.deps);
    const after = await w.view(`${link.url}/p/${ROOT + 3}`);
    expect(searches(after.requests)).toBe(1);
    expect((await w.view(`${link.url}/p/${ROOT + 4}`)).status).toBe(404);
    // An event in another space leaves this tree's cache alone.
    await handlePageEvent({ eventType: 'avi:confluence:updated:page', content: { id: '555', type: 'page', space: { key: 'OTHER' } } }, w.deps);
    expect(searches((await w.view(`${link.url}/p/${ROOT + 3}`)).requests)).toBe(0);
  });

  it('a move, a new page or a restriction change (events with no link of their own) drops the cache too', async () => {
    const w = await world(30);
    const link = await shareTree(w);
    await w.view(`${link.url}/p/${ROOT + 3}`);
    for (const eventType of ['avi:confluence:moved:page', 'avi:confluence:created:page', 'avi:confluence:permissions_updated:page']) {
      expect(await handlePageEvent({ eventType, content: { id: String(ROOT + 5), type: 'page', space: { key: 'TREE' } } }, w.deps)).toEqual({
        outcome: 'trees_invalidated',
        pageId: String(ROOT + 5),
      });
      expect(searches((await w.view(`${link.url}/p/${ROOT + 3}`)).requests)).toBe(1);
    }
    // An event without a space key drops every cached tree.
    await handlePageEvent({ eventType: 'avi:confluence:moved:page', content: { id: String(ROOT + 5) } }, w.deps);
    expect(searches((await w.view(`${link.url}/p/${ROOT + 3}`)).requests)).toBe(1);
  });

  it('expires after its TTL', async () => {
    const w = await world(30);
    const link = await shareTree(w);
    await w.view(`${link.url}/p/${ROOT + 3}`);
    w.now.value += TREE_CACHE_TTL_MS - 1000;
    expect(searches((await w.view(`${link.url}/p/${ROOT + 3}`)).requests)).toBe(0);
    w.now.value += 2000;
    expect(searches((await w.view(`${link.url}/p/${ROOT + 3}`)).requests)).toBe(1);
  });

  it('is per link and rebuilt when the link\'s settings change (label filters apply at once)', async () => {
    const w = await world(30);
    const first = await shareTree(w);
    const second = await shareTree(w);
    await w.view(`${first.url}/p/${ROOT + 3}`);
    expect(searches((await w.view(`${second.url}/p/${ROOT + 3}`)).requests)).toBe(1);
    expect(searches((await w.view(`${first.url}/p/${ROOT + 3}`)).requests)).toBe(0);

    // ROOT + 5 carries the label "internal".
    expect((await w.view(`${first.url}/p/${ROOT + 5}`)).status).toBe(200);
    await updateLink(w.deps, { accountId: 'u-editor' }, { linkId: first.link.id, version: first.link.version, settings: { withoutLabels: ['internal'] }, password: { action: 'keep' } });
    const filtered = await w.view(`${first.url}/p/${ROOT + 5}`);
    expect(filtered.status).toBe(404);
    expect(searches(filtered.requests)).toBe(1);
  });

  it('rebuilds at once when the requested page moved since the tree was cached (no event needed)', async () => {
    const w = await world(30);
    const link = await shareTree(w, { withoutLabels: ['internal'] });
    expect((await w.view(`${link.url}/p/${ROOT + 2}`)).status).toBe(200);
    // Under ROOT + 5 ("internal"): out of the shared tree.
    await w.emulator.control.updatePage(String(ROOT + 2), { parentId: String(ROOT + 5) });
    const moved = await w.view(`${link.url}/p/${ROOT + 2}`);
    expect(moved.status).toBe(404);
    expect(searches(moved.requests)).toBe(1);
    // A page the cached tree does not hold is never a reason to rebuild.
    expect(searches((await w.view(`${link.url}/p/${ROOT + 2}`)).requests)).toBe(0);
  });

  it('splits a large tree over several store records and reads it back whole', async () => {
    const w = await world(1200, { extra: (id) => ({ title: `A long title for page ${id} `.padEnd(250, 'x') }) });
    const link = await shareTree(w);
    expect((await w.view(`${link.url}/p/${ROOT + 1100}`)).status).toBe(200);
    const chunk = await w.store.ephemeral.get(treeCacheKey(link.link.id, 1), w.now.value);
    expect(chunk).toBeDefined();
    const warm = await w.view(`${link.url}/p/${ROOT + 1150}`);
    expect(warm.status).toBe(200);
    expect(searches(warm.requests)).toBe(0);
  });
});

describe('rate limits in a tree view', () => {
  it('a restricted page whose creator check keeps failing is hidden alone; the view still answers', async () => {
    const restricted = 100_007; // 97 × 1031: the first restricted page
    const w = await world(40, {
      inject429: ({ path, method }) => method === 'POST' && path.includes(`/content/${restricted}/permission/check`),
    });
    const link = await shareTree(w, { shareRestrictedChildren: true });
    const view = await w.view(`${link.url}/p/${ROOT + 3}`);
    expect(view.status).toBe(200);
    // Retried (bounded), then given up: that page is left out, fail closed.
    expect(view.requests.filter((r) => r.includes(`/content/${restricted}/permission/check`)).length).toBe(4);
    expect((await w.view(`${link.url}/p/${restricted}`)).status).not.toBe(200);
  });

  it('a view meets a 429 on its page read and still answers 200 after the retry', async () => {
    let throttled = 0;
    const w = await world(20, {
      inject429: ({ path }) => path.startsWith(`/wiki/api/v2/pages/${ROOT + 3}`) && throttled++ < 2,
    });
    const link = await shareTree(w);
    const view = await w.view(`${link.url}/p/${ROOT + 3}`);
    expect(view.status).toBe(200);
    expect(throttled).toBeGreaterThanOrEqual(2);
  });
});
