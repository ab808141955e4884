/**
 * The page view's Confluence wave runs beside the space-configuration read (perf A6), and only when the
 * link and the global policy already let this session in; the content is used only after the full
 * decision allows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps';
import type { Store } from '../../src/app/ports';
import { createShareHandler } from '../../src/web/share-handler';
import { interceptCalls } from '../support/intercept-calls';
import { createWorld, markedPages, request, type World } from './support/world';

let w: World;
beforeAll(async () => {
  w = await createWorld();
  await w.handle(request('GET', `/s/${w.tokens.open}`));
});
afterAll(async () => w?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deps whose space-config read takes `spaceMs` and whose calls are logged in order. */
const tracedDeps = (events: string[], spaceMs: number): AppDeps => {
  const configs: Store['configs'] = {
    ...w.store.configs,
    getGlobal: () => w.store.configs.getGlobal(),
    getSite: () => w.store.configs.getSite(),
    getSpace: async (key) => {
      events.push('getSpace:start');
      await sleep(spaceMs);
      const space = await w.store.configs.getSpace(key);
      events.push('getSpace:end');
      return space;
    },
  };
  const content = interceptCalls(w.deps.content, (method, proceed) => {
    events.push(`${method}:start`);
    return proceed();
  });
  return { ...w.deps, store: { ...w.store, configs }, content };
};

describe('view waves', () => {
  it('an allowed page view starts its Confluence reads before the space configuration arrives', async () => {
    const events: string[] = [];
    const reply = await createShareHandler(tracedDeps(events, 40))(request('GET', `/s/${w.tokens.open}/p/1005`));
    expect(reply.status).toBe(200);
    expect([...markedPages(reply)]).toEqual(['1005']);
    const pageRead = events.indexOf('getPage:start');
    expect(pageRead).toBeGreaterThan(-1);
    expect(pageRead).toBeLessThan(events.indexOf('getSpace:end'));
  });

  it('a space that disables sharing still wins: the early reads are dropped, the visitor gets the generic 404', async () => {
    const events: string[] = [];
    const reply = await createShareHandler(tracedDeps(events, 10))(request('GET', `/s/${w.tokens.opsDisabled}`));
    expect(reply.status).toBe(404);
    expect(markedPages(reply).size).toBe(0);
    // The read-ahead happened (link + global allowed) but nothing of it reached the response.
    expect(events).toContain('getPage:start');
  });

  it('a gated link reads nothing from Confluence, before or after the space configuration', async () => {
    for (const token of [w.tokens.password, w.tokens.email]) {
      const events: string[] = [];
      const reply = await createShareHandler(tracedDeps(events, 10))(request('GET', `/s/${token}`));
      expect(reply.status).toBe(200);
      expect(markedPages(reply).size).toBe(0);
      expect(events.filter((e) => !e.startsWith('getSpace'))).toEqual([]);
    }
  });

  it('only page views read ahead: a comment form post or a download waits for the full decision', async () => {
    const events: string[] = [];
    await createShareHandler(tracedDeps(events, 30))(request('GET', `/s/${w.tokens.open}/a/att2002`));
    const firstRead = events.findIndex((e) => e.endsWith(':start') && !e.startsWith('getSpace'));
    expect(firstRead).toBeGreaterThan(events.indexOf('getSpace:end'));
  });
});
