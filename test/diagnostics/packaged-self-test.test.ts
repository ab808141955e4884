/**
 * The site self-test in the bundles the Forge CLI packaged, under the simulated Forge runtime (strict KVS
 * emulator, Confluence REST emulator): the runDiagnostics resolver's server checks against the KVS
 * emulator's real error codes, the probe routes of the packaged share web trigger, and the switch the
 * stored results turn on for the next share request (pictures proxied instead of inlined).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfluenceEmulator } from '../../src/dev/confluence-emulator/emulator';
import { loadFixtureSite } from '../../src/dev/confluence-emulator/site-schema';
import { KvsEmulator } from '../../src/dev/kvs-emulator';
import { installForgeRuntime, packagedBundlesExist, type WebTriggerResponse } from '../support/forge-runtime/forge-runtime';
import { imagesOf } from '../support/visitor';

const ROOT = join(__dirname, '../..');
const TRIGGER_URL = 'https://4f3c9a2b-1d2e.hello.atlassian-dev.net/x1/Zm9yZ2Utd2VidHJpZ2dlcg';
const TRIGGER_PATH = new URL(TRIGGER_URL).pathname;

type Bundle = Record<string, (...args: unknown[]) => Promise<unknown>>;
let runtime: ReturnType<typeof installForgeRuntime>;
let index: Bundle;
let share: Bundle;

const ok = <T>(result: unknown): T => {
  const envelope = result as { ok: boolean; data?: T };
  expect(envelope.ok, JSON.stringify(envelope).slice(0, 500)).toBe(true);
  return envelope.data as T;
};

const trigger = (method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<WebTriggerResponse> => {
  const parsed = new URL(url);
  return runtime.invokeWebTrigger(share, {
    method,
    path: parsed.pathname.slice(TRIGGER_PATH.length),
    headers: { host: parsed.host, 'sec-fetch-site': 'same-origin', ...headers },
    query: Object.fromEntries(parsed.searchParams),
    ...(body !== undefined ? { body } : {}),
  });
};

beforeAll(async () => {
  if (!packagedBundlesExist()) throw new Error('No Forge-packaged bundles in .forge-build/runtime: run `npm run package:forge`.');
  const emulator = createConfluenceEmulator(await loadFixtureSite(join(ROOT, 'fixtures/demo-site.json')));
  runtime = installForgeRuntime({
    kvs: new KvsEmulator(),
    webTriggerUrl: TRIGGER_URL,
    confluence: (principal, path, init) => emulator.requestFnFor(principal)(path, init as never),
  });
  index = runtime.load('index');
  share = runtime.load('share');
}, 60_000);

afterAll(() => runtime?.uninstall());

describe('the self-test in the Forge-packaged app', () => {
  let probeUrl = '';
  let shareUrl = '';

  it('runDiagnostics (site admin) runs the server checks against the platform and hands out a probe URL on the trigger', async () => {
    expect(await runtime.invokeResolver(index, 'runDiagnostics', {}, 'u-editor')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const run = ok<{ probeUrl: string; results: { server: { kvsConflictCodes: { createExisting: string; conditionFailed: string }; nestedNulls: string; attachmentDownload: { outcome: string } } } }>(
      await runtime.invokeResolver(index, 'runDiagnostics', { pageId: '1001' }, 'u-site-admin'),
    );
    expect(run.results.server.kvsConflictCodes.createExisting).toMatch(/^409 /);
    expect(run.results.server.kvsConflictCodes.conditionFailed).toMatch(/^409 /);
    expect(run.results.server.nestedNulls).toBe('kept');
    expect(run.results.server.attachmentDownload.outcome).toBe('ok');
    expect(run.probeUrl).toMatch(new RegExp(`^${TRIGGER_URL}/diag/[A-Za-z0-9_-]{43}$`));
    probeUrl = run.probeUrl;
  });

  it('before any browser result, a shared page inlines its pictures (safe choice)', async () => {
    const created = ok<{ url: string }>(
      await runtime.invokeResolver(index, 'createLink', { pageId: '1001', settings: { name: 'Self-test', attachments: 'view' } }, 'u-editor', {
        type: 'confluence:contentBylineItem',
        content: { id: '1001', type: 'page' },
        space: { key: 'DEMO' },
      }),
    );
    shareUrl = created.url;
    const page = await trigger('GET', shareUrl, { 'sec-fetch-site': 'none' });
    expect(page.statusCode).toBe(200);
    expect(imagesOf(page.body!).some((src) => src.startsWith('data:image/'))).toBe(true);
  });

  it('the packaged probe records the browser check, and the next share request proxies pictures', async () => {
    const page = await trigger('GET', probeUrl, { 'x-forwarded-for': '203.0.113.9', 'sec-fetch-site': 'none' });
    expect(page.statusCode).toBe(200);
    const cookies = (page.headers?.['Set-Cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
    const payload = Uint8Array.from({ length: 1024 }, (_, i) => i % 256);
    const echo = await trigger(
      'POST',
      `${probeUrl}/echo`,
      { 'content-type': 'application/octet-stream', cookie: cookies, 'x-forwarded-for': '198.51.100.77, 203.0.113.9' },
      Buffer.from(payload).toString('latin1'),
    );
    expect(echo.statusCode).toBe(200);
    const latin1 = await trigger('GET', `${probeUrl}/bytes?mode=latin1`);
    expect(Buffer.from(latin1.body!, 'latin1').equals(Buffer.from(payload))).toBe(true);
    const headers = Object.fromEntries(['X-Frame-Options', 'Referrer-Policy'].map((name) => [name, 'kept']));
    const report = await trigger(
      'POST',
      `${probeUrl}/report`,
      { 'content-type': 'application/json' },
      JSON.stringify({ headers, responseModes: { latin1: { exact: true } }, redirect: true }),
    );
    expect(report.statusCode).toBe(200);
    expect(JSON.parse(report.body!)).toMatchObject({
      ok: true,
      browser: { recommendedIpHeader: 'x-forwarded-for', cookies: { first: true, second: true }, requestBody: { encoding: 'latin1' }, responseBody: { mode: 'latin1' } },
    });

    const shared = await trigger('GET', shareUrl, { 'sec-fetch-site': 'none' });
    expect(shared.statusCode).toBe(200);
    const images = imagesOf(shared.body!);
    expect(images.length).toBeGreaterThan(0);
    expect(images.every((src) => !src.startsWith('data:'))).toBe(true);
    const picture = await trigger('GET', new URL(images[0]!, shareUrl).href, { 'sec-fetch-site': 'same-origin' });
    expect(picture.statusCode).toBe(200);
    expect(picture.headers?.['X-Body-Encoding']).toBeUndefined();
    expect(Buffer.from(picture.body!, 'latin1').subarray(0, 4).toString('hex')).toBe('89504e47');
  });
});
