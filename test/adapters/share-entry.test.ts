/**
 * The Forge entry of the share view (src/share.ts) under mocked @forge/api and a strict fake KVS:
 * it never calls webTrigger.getUrl, reads the stored share URL, and needs none with a custom domain.
 */
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeKvs } from '../support/fake-kvs';

const platform = vi.hoisted(() => ({ getUrl: 0, kvs: undefined as unknown }));

vi.mock('@forge/api', () => ({
  asApp: () => ({ requestConfluence: async () => ({ ok: false, status: 503, headers: { get: () => null }, json: async () => ({}), text: async () => '' }) }),
  asUser: () => ({ requestConfluence: async () => ({ ok: false, status: 503 }) }),
  assumeTrustedRoute: (value: string) => ({ value }),
  fetch: async () => ({ ok: false, status: 503 }),
  webTrigger: {
    getUrl: async () => {
      platform.getUrl += 1;
      return 'https://abc.webtrigger.atlassian.app/public/xyz';
    },
  },
}));

vi.mock('@forge/kvs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@forge/kvs')>();
  return {
    ...actual,
    get kvs() {
      return platform.kvs;
    },
  };
});

const { shareHandler } = await import('../../src/share');
const { SHARE_BASE_URL_KEY } = await import('../../src/adapters/forge/share-base-url');
const { withRateLimitRetry } = await import('../../src/adapters/forge/kvs-rate-limit');
/** Test setup writes repeat a throttled (429) request, as the app's own KVS access does. */
const setPlain = (key: string, value: string) => withRateLimitRetry(kvs, { sleep: async () => undefined }).set(key, value);
const { createKvsStore } = await import('../../src/adapters/forge/kvs-store');
const { defaultSiteSettings } = await import('../../src/core/defaults');
const { newLinkId, newToken } = await import('../../src/core/token');

let kvs: FakeKvs;
beforeEach(() => {
  kvs = new FakeKvs();
  platform.kvs = kvs;
  platform.getUrl = 0;
});

const unknownLinkPath = () => `/s/${newToken(newLinkId((n) => randomBytes(n)), (n) => randomBytes(n))}`;
const open = (userPath: string) =>
  shareHandler({ method: 'GET', path: `/public/xyz${userPath}`, userPath, headers: { 'X-Forwarded-For': ['203.0.113.9'] }, queryParameters: {}, body: '' });

describe('share web trigger entry', () => {
  it('serves with the stored share URL and never asks the platform for it', async () => {
    await setPlain(SHARE_BASE_URL_KEY, 'https://abc.webtrigger.atlassian.app/public/xyz');
    const response = await open(unknownLinkPath());
    expect(response.statusCode).toBe(404);
    expect(platform.getUrl).toBe(0);
  });

  it('needs no stored URL when a custom domain replaces it', async () => {
    await createKvsStore(kvs).configs.putSite({ ...defaultSiteSettings(Date.now()), customDomain: 'https://share.acme.test', version: 1 }, 0);
    const response = await open(unknownLinkPath());
    expect(response.statusCode).toBe(404);
    expect(platform.getUrl).toBe(0);
  });

  it('answers a malformed path with the 404 before any storage call (T1)', async () => {
    await setPlain(SHARE_BASE_URL_KEY, 'https://abc.webtrigger.atlassian.app/public/xyz');
    const before = kvs.calls.length;
    for (const path of ['/s/short', '/nothing', '/diag/short', `/s/${'A'.repeat(65)}/p/abc`]) {
      expect((await open(path)).statusCode).toBe(404);
    }
    expect(kvs.calls.length).toBe(before);
    expect(platform.getUrl).toBe(0);
  });

  it('answers 503 (never a look-up, never a 500) when no URL is stored and no custom domain is set', async () => {
    const response = await open(unknownLinkPath());
    expect(response.statusCode).toBe(503);
    expect(platform.getUrl).toBe(0);
  });
});
