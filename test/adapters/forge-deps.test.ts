import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({
  app: [] as { path: string; init?: unknown }[],
  user: [] as { path: string; init?: unknown }[],
  fetch: [] as { url: string; init?: unknown }[],
  getUrl: 0,
}));

vi.mock('@forge/api', () => {
  const response = (json: unknown) => ({
    ok: true,
    status: 200,
    statusText: 'OK',
    headers: { get: () => null },
    json: async () => json,
    text: async () => JSON.stringify(json),
    arrayBuffer: async () => new ArrayBuffer(0),
  });
  const requester = (sink: { path: string; init?: unknown }[]) => ({
    requestConfluence: async (route: { value: string }, init?: unknown) => {
      sink.push({ path: route.value, init });
      if (route.value.includes('/operations')) return response({ operations: [{ operation: 'update', targetType: 'page' }] });
      if (route.value.startsWith('/wiki/api/v2/spaces/')) return response({ id: '9', key: 'DEMO', name: 'Demo' });
      return response({ id: '5', title: 'P', status: 'current', spaceId: '9', parentId: null });
    },
  });
  return {
    asApp: () => requester(calls.app),
    asUser: () => requester(calls.user),
    assumeTrustedRoute: (value: string) => ({ value }),
    fetch: async (url: string, init?: unknown) => {
      calls.fetch.push({ url, init });
      return response({});
    },
    webTrigger: {
      getUrl: async () => {
        calls.getUrl += 1;
        return 'https://abc.webtrigger.atlassian.app/public/xyz/';
      },
    },
  };
});

const plainKvs = vi.hoisted(() => new Map<string, unknown>());
vi.mock('@forge/kvs', () => ({
  kvs: {
    entity: () => ({}),
    transact: () => ({}),
    get: async (key: string) => plainKvs.get(key),
    set: async (key: string, value: unknown) => void plainKvs.set(key, value),
  },
}));

const { createForgeDeps, normalizeBaseUrl } = await import('../../src/adapters/forge/forge-deps');
const { SHARE_BASE_URL_KEY } = await import('../../src/adapters/forge/share-base-url');

beforeEach(() => {
  calls.app.length = 0;
  calls.user.length = 0;
  calls.fetch.length = 0;
  calls.getUrl = 0;
  plainKvs.clear();
});

describe('createForgeDeps', () => {
  it('checks rights as the invoking user and only for that user', async () => {
    const deps = createForgeDeps({ accountId: 'acc-1' });
    expect(await deps.rights.pageEditable('acc-1', '5')).toMatchObject({ id: '5', spaceKey: 'DEMO' });
    expect(calls.user.map((c) => c.path).sort()).toEqual(['/wiki/api/v2/pages/5/operations', '/wiki/api/v2/pages/5?status=current', '/wiki/api/v2/spaces/9']);
    expect(calls.app).toEqual([]);
    expect(await deps.rights.pageEditable('acc-2', '5')).toBeUndefined();
  });

  it('refuses user-context calls where no user is present (web trigger, events, sweep)', async () => {
    const deps = createForgeDeps();
    await expect(deps.rights.isSiteAdmin('acc-1')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(calls.user).toEqual([]);
  });

  it('reads content as the app', async () => {
    const deps = createForgeDeps();
    await deps.content.getSpace('DEMO').catch(() => undefined);
    expect(calls.app[0]?.path).toBe('/wiki/api/v2/spaces?keys=DEMO&limit=1');
  });

  it('looks the share base URL up once, stores it without a trailing slash, and reads the stored one afterwards', async () => {
    const deps = createForgeDeps({ accountId: 'acc-1' });
    expect(await deps.shareBaseUrl()).toBe('https://abc.webtrigger.atlassian.app/public/xyz');
    expect(await deps.shareBaseUrl()).toBe('https://abc.webtrigger.atlassian.app/public/xyz');
    expect(calls.getUrl).toBe(1);
    expect(plainKvs.get(SHARE_BASE_URL_KEY)).toBe('https://abc.webtrigger.atlassian.app/public/xyz');
    // Later invocations (any installation runtime) read the stored URL: no further platform look-up.
    expect(await createForgeDeps().shareBaseUrl()).toBe('https://abc.webtrigger.atlassian.app/public/xyz');
    expect(calls.getUrl).toBe(1);
    expect(normalizeBaseUrl('https://x.test//')).toBe('https://x.test');
  });

  it('never looks the URL up in stored-only mode (the web trigger): the stored one, or a rejection', async () => {
    await expect(createForgeDeps({}, { shareBaseUrl: 'stored-only' }).shareBaseUrl()).rejects.toMatchObject({ code: 'store_unavailable' });
    plainKvs.set(SHARE_BASE_URL_KEY, 'https://abc.webtrigger.atlassian.app/public/xyz/');
    expect(await createForgeDeps({}, { shareBaseUrl: 'stored-only' }).shareBaseUrl()).toBe('https://abc.webtrigger.atlassian.app/public/xyz');
    plainKvs.set(SHARE_BASE_URL_KEY, 'javascript:alert(1)');
    await expect(createForgeDeps({}, { shareBaseUrl: 'stored-only' }).shareBaseUrl()).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(calls.getUrl).toBe(0);
  });

  it('uses crypto randomness and the system clock', () => {
    const deps = createForgeDeps();
    const a = deps.random.bytes(32);
    const b = deps.random.bytes(32);
    expect(a).toHaveLength(32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Math.abs(deps.clock.now() - Date.now())).toBeLessThan(1000);
    expect(deps.bcryptRounds).toBe(10);
  });
});
