/**
 * The self-test's browser check in real Chromium: the probe page served by the Forge entry of the share
 * web trigger (src/share.ts, mocked @forge/api, strict fake KVS) behind a small stand-in for the
 * platform edge. The page's own script must run under its CSP, send its bytes and forged IP headers,
 * read the header probe, follow the 303 and report; the stored results must say what this edge does.
 *
 * The stand-in edge: appends the socket address to X-Forwarded-For, passes True-Client-IP through,
 * decodes request bodies as UTF-8 (so binary request bodies are lossy), writes response strings as
 * UTF-8 and honours `isBase64Encoded` — so 'base64-flag' is the only byte-exact response mode here.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeKvs } from '../support/fake-kvs';
import { launchBrowser, type TestBrowser } from '../support/browser';

const platform = vi.hoisted(() => ({ kvs: undefined as unknown }));

vi.mock('@forge/api', () => ({
  asApp: () => ({ requestConfluence: async () => ({ ok: false, status: 503, headers: { get: () => null }, json: async () => ({}), text: async () => '' }) }),
  asUser: () => ({ requestConfluence: async () => ({ ok: false, status: 503 }) }),
  assumeTrustedRoute: (value: string) => ({ value }),
  fetch: async () => ({ ok: false, status: 503 }),
  webTrigger: { getUrl: async () => 'https://never.example' },
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
const { createKvsStore } = await import('../../src/adapters/forge/kvs-store');
const { probeKey, readDiagnostics } = await import('../../src/app/diagnostics');
const { defaultSiteSettings } = await import('../../src/core/defaults');

const readBody = async (incoming: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

describe('the browser check in Chromium', () => {
  let kvs: FakeKvs;
  let server: Server;
  let base: string;
  let browser: TestBrowser;

  beforeAll(async () => {
    kvs = new FakeKvs();
    platform.kvs = kvs;
    server = createServer((incoming, outgoing) => {
      void (async () => {
        const url = new URL(incoming.url ?? '/', 'http://localhost');
        const headers: Record<string, string[]> = {};
        for (const [name, values] of Object.entries(incoming.headersDistinct)) if (values) headers[name] = [...values];
        headers['x-forwarded-for'] = [[...(headers['x-forwarded-for'] ?? []), '127.0.0.1'].join(', ')];
        const queryParameters: Record<string, string[]> = {};
        for (const [name, value] of url.searchParams) (queryParameters[name] ??= []).push(value);
        const response = await shareHandler({
          method: incoming.method ?? 'GET',
          path: url.pathname,
          userPath: url.pathname,
          headers,
          queryParameters,
          body: (await readBody(incoming)).toString('utf8'),
        });
        outgoing.statusCode = response.statusCode;
        for (const [name, values] of Object.entries(response.headers)) outgoing.setHeader(name, values);
        outgoing.end(response.isBase64Encoded ? Buffer.from(response.body, 'base64') : Buffer.from(response.body, 'utf8'));
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://localhost:${(server.address() as AddressInfo).port}`;
    // A custom domain on this machine stands in for the web trigger's host (no stored trigger URL needed).
    await createKvsStore(kvs).configs.putSite({ ...defaultSiteSettings(Date.now()), customDomain: base, version: 1 }, 0);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  it('runs under its CSP, checks everything and stores what this edge does', async () => {
    const nonce = randomBytes(32).toString('base64url');
    await createKvsStore(kvs).ephemeral.putIfAbsent({ key: probeKey(nonce), value: { createdAt: Date.now(), by: 'u-site-admin' }, expiresAt: Date.now() + 15 * 60 * 1000 });
    const page = await browser.context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
    });
    await page.goto(`${base}/diag/${nonce}`);
    await page.waitForFunction(() => /Done|could not be saved/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 20_000 });
    expect(await page.textContent('#status')).toMatch(/^Done\./);
    expect(cspErrors).toEqual([]);

    const results = await readDiagnostics({ store: createKvsStore(kvs), clock: { now: () => Date.now() } });
    expect(results?.browser).toMatchObject({
      recommendedIpHeader: 'x-forwarded-for',
      cookies: { first: true, second: true },
      redirect303: true,
      requestBody: { encoding: null },
      responseBody: { mode: 'base64-flag' },
    });
    expect(results?.browser?.ipHeaders.find((h) => h.name === 'x-forwarded-for')).toMatchObject({ value: '127.0.0.1', forgeable: false });
    expect(Object.values(results?.browser?.securityHeaders ?? {})).not.toContain('missing');
    expect(results?.browser?.securityHeaders['X-Frame-Options']).toBe('kept');
    await page.close();
  });
});
