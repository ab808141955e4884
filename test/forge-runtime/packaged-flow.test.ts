/**
 * The bundles the Forge CLI packaged (.forge-build/runtime, built by `npm run package:forge`, which `npm test`
 * runs first) under a simulated Forge runtime: their bundled @forge/api and @forge/kvs reach the strict KVS
 * emulator through the KVS wire protocol and the Confluence REST emulator through the product proxy. One flow
 * drives every module type and checks each response's shape and size against Forge's contract and limits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createConfluenceEmulator, type ConfluenceEmulator } from '../../src/dev/confluence-emulator/emulator';
import { loadFixtureSite } from '../../src/dev/confluence-emulator/site-schema';
import { KvsEmulator } from '../../src/dev/kvs-emulator';
import {
  installForgeRuntime,
  packagedBundlesExist,
  type WebTriggerResponse,
} from '../support/forge-runtime/forge-runtime';
import { formsOf, imagesOf, linksOf } from '../support/visitor';

const ROOT = join(__dirname, '../..');
const TRIGGER_URL = 'https://4f3c9a2b-1d2e.hello.atlassian-dev.net/x1/Zm9yZ2Utd2VidHJpZ2dlcg';
const RESPONSE_LIMIT = 5 * 1024 * 1024;
const RESPONSE_BUDGET = 4.5 * 1024 * 1024;
const PASSWORD = 'correct horse battery staple';

const manifest = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')) as {
  permissions: { external: { fetch: { backend: { address: string }[] } } };
};
const declaredEgress = new Set(manifest.permissions.external.fetch.backend.map((entry) => new URL(entry.address).origin));

type Bundle = Record<string, (...args: unknown[]) => Promise<unknown>>;
type Runtime = ReturnType<typeof installForgeRuntime>;

let emulator: ConfluenceEmulator;
let runtime: Runtime;
let index: Bundle;
let share: Bundle;
const responses: { path: string; response: WebTriggerResponse }[] = [];
const mail: { url: string; body: string }[] = [];

/** A browser's cookie jar, enough for the share view's own cookies. */
const jar = new Map<string, string>();
const absorb = (response: WebTriggerResponse) => {
  for (const line of response.headers?.['Set-Cookie'] ?? response.headers?.['set-cookie'] ?? []) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
    if (expired || value === '') jar.delete(name);
    else jar.set(name, value);
  }
};
const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

const visit = async (method: 'GET' | 'POST', path: string, body?: Record<string, string>): Promise<WebTriggerResponse> => {
  const url = new URL(path, TRIGGER_URL);
  const headers: Record<string, string> = {
    host: url.host,
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0',
    'sec-fetch-site': method === 'POST' ? 'same-origin' : 'none',
    'x-forwarded-for': '198.51.100.7',
  };
  if (jar.size > 0) headers['cookie'] = cookieHeader();
  if (method === 'POST') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['origin'] = url.origin;
  }
  const userPath = url.pathname.slice(new URL(TRIGGER_URL).pathname.length);
  const response = await runtime.invokeWebTrigger(share, {
    method,
    path: userPath,
    headers,
    query: Object.fromEntries(url.searchParams),
    ...(body ? { body: new URLSearchParams(body).toString() } : {}),
  });
  responses.push({ path: userPath, response });
  absorb(response);
  return response;
};

const location = (response: WebTriggerResponse): string => {
  const value = response.headers?.['Location']?.[0] ?? response.headers?.['location']?.[0];
  expect(value, `a Location header on ${response.statusCode}`).toBeTruthy();
  return value!;
};

const ok = <T>(result: unknown): T => {
  const envelope = result as { ok: boolean; data?: T; error?: unknown };
  expect(envelope.ok, JSON.stringify(envelope).slice(0, 500)).toBe(true);
  return envelope.data as T;
};

beforeAll(async () => {
  if (!packagedBundlesExist()) {
    throw new Error('No Forge-packaged bundles in .forge-build/runtime: run `npm run package:forge` (npm test does it first).');
  }
  emulator = createConfluenceEmulator(await loadFixtureSite(join(ROOT, 'fixtures/demo-site.json')));
  runtime = installForgeRuntime({
    kvs: new KvsEmulator(), // strict: limits, documented error codes, index lag and 1 % 429 on
    webTriggerUrl: TRIGGER_URL,
    confluence: (principal, path, init) => emulator.requestFnFor(principal)(path, init as never),
    allowedEgress: (url) => declaredEgress.has(url.origin),
    egress: async (url, init) => {
      mail.push({ url, body: String(init?.body ?? '') });
      return Response.json({ id: 'message-1' }, { status: 202 });
    },
  });
  index = runtime.load('index');
  share = runtime.load('share');
}, 60_000);

afterAll(() => runtime?.uninstall());

describe('the Forge-packaged app under a simulated Forge runtime', () => {
  let shareUrl = '';
  let pagePath = '';

  it('resolver createLink answers the bridge envelope with the share URL on the web trigger', async () => {
    const created = ok<{ link: { id: string; pageId: string }; url: string }>(
      await runtime.invokeResolver(
        index,
        'createLink',
        { pageId: '1001', settings: { name: 'Partner handbook', comments: 'view_add', attachments: 'view' }, password: PASSWORD },
        'u-editor',
        { type: 'confluence:contentBylineItem', content: { id: '1001', type: 'page' }, space: { key: 'DEMO' } },
      ),
    );
    expect(created.link.pageId).toBe('1001');
    expect(created.url.startsWith(`${TRIGGER_URL}/s/`)).toBe(true);
    shareUrl = created.url;
  });

  it('web trigger GET shows the password gate, with no Confluence content and no web-trigger URL lookup', async () => {
    const lookupsBefore = runtime.stats.webTriggerUrlLookups;
    const gate = await visit('GET', shareUrl);
    expect(gate.statusCode).toBe(200);
    expect(gate.body).toContain('password');
    expect(gate.body).not.toContain('Product Handbook');
    expect(runtime.stats.webTriggerUrlLookups).toBe(lookupsBefore);
  });

  it('password POST passes the gate and the page renders with its picture inlined', async () => {
    const gate = responses.at(-1)!.response;
    const form = formsOf(gate.body!).find((f) => f.inputs.includes('password'));
    expect(form).toBeDefined();
    const passed = await visit('POST', new URL(form!.action, shareUrl).href, { ...form!.fields, password: PASSWORD });
    expect([302, 303]).toContain(passed.statusCode);
    pagePath = new URL(location(passed), shareUrl).href;
    const page = await visit('GET', pagePath);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Product Handbook');
    const images = imagesOf(page.body!);
    expect(images.length).toBeGreaterThan(0);
    expect(images.some((src) => src.startsWith('data:image/'))).toBe(true);
  });

  it('attachment download goes through the v1 download endpoint and its redirect to the media service', async () => {
    const page = responses.at(-1)!.response;
    const attachment = linksOf(page.body!).find((link) => /spec\.txt/.test(link.text));
    expect(attachment, 'a link to spec.txt').toBeDefined();
    const before = emulator.stats.mediaRequests;
    const download = await visit('GET', new URL(attachment!.href, pagePath).href);
    expect(download.statusCode).toBe(200);
    expect(emulator.stats.mediaRequests).toBeGreaterThan(before);
    expect(emulator.stats.log.some((r) => /\/child\/attachment\/[^/]+\/download$/.test(r.path.split('?')[0]!))).toBe(true);
  });

  it('comment POST reaches Confluence as a footer comment', async () => {
    const page = await visit('GET', pagePath);
    const form = formsOf(page.body!).find((f) => f.action.includes('comment'));
    expect(form, 'a comment form').toBeDefined();
    expect(form!.inputs).toContain('text');
    const posted = await visit('POST', new URL(form!.action, pagePath).href, { ...form!.fields, name: 'Dana Partner', text: 'Thanks, this helps a lot.' });
    expect([302, 303]).toContain(posted.statusCode);
    const operations = Object.keys(emulator.stats.byOperation);
    expect(operations.some((op) => /createFooterComment/i.test(op))).toBe(true);
  });

  it('page-updated event and the scheduled sweep run to completion', async () => {
    await emulator.control.updatePage('1001', { body: '<p>Updated handbook.</p>' });
    await runtime.invokeEvent(index, 'pageEventHandler', {
      eventType: 'avi:confluence:updated:page',
      atlassianId: 'u-editor',
      eventCreatedDate: new Date().toISOString(),
      suppressNotifications: false,
      selfGenerated: false,
      content: { id: '1001', type: 'page', status: 'current', title: 'Product Handbook', space: { id: '98301', key: 'DEMO' } },
    });
    await runtime.invokeScheduled(index, 'sweepHandler');
  });

  it('every web-trigger response has Forge’s shape and stays within the response budget', () => {
    expect(responses.length).toBeGreaterThan(4);
    for (const { path, response } of responses) {
      expect(Number.isInteger(response.statusCode), path).toBe(true);
      expect(response.statusCode, path).toBeLessThan(500);
      expect(typeof response.body, path).toBe('string');
      for (const [name, values] of Object.entries(response.headers ?? {})) {
        expect(Array.isArray(values) && values.every((v) => typeof v === 'string'), `${path} header ${name}`).toBe(true);
      }
      const bytes = Buffer.byteLength(response.body ?? '', 'utf8');
      expect(bytes, path).toBeLessThanOrEqual(RESPONSE_BUDGET);
      expect(bytes, path).toBeLessThan(RESPONSE_LIMIT);
    }
  });

  it('sent no Confluence request outside the OpenAPI specs, and no egress outside the manifest', () => {
    expect(emulator.stats.specViolations).toEqual([]);
    expect(emulator.stats.responseViolations).toEqual([]);
    expect(emulator.stats.notEmulated).toEqual([]);
    for (const { url } of runtime.stats.egress) expect(declaredEgress.has(new URL(url).origin), url).toBe(true);
  });
});
