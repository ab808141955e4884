/**
 * The self-test's browser probe, driven through the Forge entry of the share web trigger (src/share.ts)
 * under mocked @forge/api and the strict fake KVS, as the platform would call it: what the server
 * records from each step, what the browser's report turns into, and how the stored results switch
 * the adapter (binary responses, byte-exact uploads) on the following requests.
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
const { probeKey, readDiagnostics, BINARY_MODE_HEADER } = await import('../../src/app/diagnostics');
const { FORGED_IP, expectedProbeHeaders, probePayload } = await import('../../src/web/diagnostics-probe');

const BASE = 'https://abc.webtrigger.atlassian.app/public/xyz';
const REAL_IP = '203.0.113.9';

let kvs: FakeKvs;
const store = () => createKvsStore(kvs);

beforeEach(async () => {
  kvs = new FakeKvs();
  platform.kvs = kvs;
  platform.getUrl = 0;
  await setPlain(SHARE_BASE_URL_KEY, BASE);
});

const newProbe = async (): Promise<string> => {
  const nonce = randomBytes(32).toString('base64url');
  await store().ephemeral.putIfAbsent({ key: probeKey(nonce), value: { createdAt: Date.now(), by: 'u-site-admin' }, expiresAt: Date.now() + 15 * 60 * 1000 });
  return nonce;
};

const send = (method: string, userPath: string, headers: Record<string, string[]> = {}, body = '', query: Record<string, string[]> = {}) =>
  shareHandler({ method, path: `/public/xyz${userPath}`, userPath, headers: { 'Sec-Fetch-Site': ['same-origin'], ...headers }, queryParameters: query, body });

const header = (headers: Record<string, string[]>, name: string): string[] =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] ?? [];

/** The name=value pairs of Set-Cookie headers, as a browser would send them back. */
const cookieHeader = (setCookies: string[]): string => setCookies.map((c) => c.split(';')[0]).join('; ');

/** Runs the whole browser check; `platformBody` is what the platform hands over for the posted bytes. */
const runProbe = async (platformBody: (bytes: Uint8Array) => string, report: { exact: Record<string, boolean>; headersKept?: boolean; redirect?: boolean }) => {
  const nonce = await newProbe();
  const here = `/diag/${nonce}`;
  const page = await send('GET', here, { 'X-Forwarded-For': [REAL_IP], 'True-Client-IP': [REAL_IP] });
  expect(page.statusCode).toBe(200);
  const cookies = cookieHeader(header(page.headers, 'Set-Cookie'));
  const echo = await send(
    'POST',
    `${here}/echo`,
    {
      'Content-Type': ['application/octet-stream'],
      Cookie: [cookies],
      // The edge appends the real address to X-Forwarded-For; True-Client-IP passes the forged one through.
      'X-Forwarded-For': [`${FORGED_IP}, ${REAL_IP}`],
      'True-Client-IP': [FORGED_IP],
    },
    platformBody(probePayload()),
  );
  expect(echo.statusCode).toBe(200);
  const headers = Object.fromEntries(Object.keys(expectedProbeHeaders()).map((name) => [name, report.headersKept === false && name === 'X-Frame-Options' ? 'missing' : 'kept']));
  const body = JSON.stringify({ headers, responseModes: Object.fromEntries(Object.entries(report.exact).map(([mode, exact]) => [mode, { exact }])), redirect: report.redirect ?? true });
  const stored = await send('POST', `${here}/report`, { 'Content-Type': ['application/json'] }, body);
  expect(stored.statusCode).toBe(200);
  return { nonce, page, here };
};

describe('the browser probe on the share web trigger', () => {
  it('answers the generic 404 for an unknown, malformed or wrong-method probe, and never looks the URL up', async () => {
    const unknown = randomBytes(32).toString('base64url');
    expect((await send('GET', `/diag/${unknown}`)).statusCode).toBe(404);
    expect((await send('GET', '/diag/short')).statusCode).toBe(404);
    const nonce = await newProbe();
    expect((await send('GET', `/diag/${nonce}/echo`)).statusCode).toBe(404);
    expect((await send('POST', `/diag/${nonce}`)).statusCode).toBe(404);
    expect((await send('GET', `/diag/${nonce}/other`)).statusCode).toBe(404);
    expect(platform.getUrl).toBe(0);
  });

  it('serves a page whose only script carries a nonce, sets two cookies, and keeps every security header', async () => {
    const nonce = await newProbe();
    const page = await send('GET', `/diag/${nonce}`);
    const csp = header(page.headers, 'Content-Security-Policy')[0] ?? '';
    const scriptNonce = /script-src 'nonce-([A-Za-z0-9_-]+)'/.exec(csp)?.[1];
    expect(scriptNonce).toBeDefined();
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.body.match(/<script nonce="/g)).toHaveLength(1);
    expect(page.body).toContain(`<script nonce="${scriptNonce}">`);
    expect(page.body).toContain(`${BASE}/diag/${nonce}/report`);
    const setCookies = header(page.headers, 'Set-Cookie');
    expect(setCookies).toHaveLength(2);
    for (const cookie of setCookies) expect(cookie).toMatch(/^__Secure-ss_diag.*HttpOnly.*Secure/i);
    expect(header(page.headers, 'X-Frame-Options')).toEqual(['DENY']);
    expect(header(page.headers, 'Referrer-Policy')).toEqual(['no-referrer']);
  });

  it('sends the test bytes in the asked mode, the header probe, and a 303 to the landing step', async () => {
    const nonce = await newProbe();
    const latin1 = await send('GET', `/diag/${nonce}/bytes`, {}, '', { mode: ['latin1'] });
    expect(Buffer.from(latin1.body, 'latin1').equals(Buffer.from(probePayload()))).toBe(true);
    expect(header(latin1.headers, BINARY_MODE_HEADER)).toEqual([]);
    const flagged = await send('GET', `/diag/${nonce}/bytes`, {}, '', { mode: ['base64-flag'] });
    expect(flagged.isBase64Encoded).toBe(true);
    expect(Buffer.from(flagged.body, 'base64').equals(Buffer.from(probePayload()))).toBe(true);
    expect((await send('GET', `/diag/${nonce}/bytes`, {}, '', { mode: ['other'] })).statusCode).toBe(400);
    const headers = await send('GET', `/diag/${nonce}/headers`);
    for (const [name, value] of Object.entries(expectedProbeHeaders())) expect(header(headers.headers, name)).toEqual([value]);
    const redirect = await send('GET', `/diag/${nonce}/redirect`);
    expect(redirect.statusCode).toBe(303);
    expect(header(redirect.headers, 'Location')).toEqual([`${BASE}/diag/${nonce}/landed`]);
    expect(JSON.parse((await send('GET', `/diag/${nonce}/landed`)).body)).toEqual({ landed: true });
  });

  it('records what arrived: lossy UTF-8 bodies, the unforgeable IP header, cookies, headers; the nonce is used up', async () => {
    const { here } = await runProbe((bytes) => Buffer.from(bytes).toString('utf8'), { exact: { latin1: false, 'base64-flag': true }, headersKept: false });
    const results = await readDiagnostics({ store: store(), clock: { now: () => Date.now() } });
    expect(results?.browser).toMatchObject({
      ipHeaders: [
        { name: 'x-forwarded-for', value: REAL_IP, forgeable: false },
        { name: 'true-client-ip', value: REAL_IP, forgeable: true },
      ],
      recommendedIpHeader: 'x-forwarded-for',
      cookies: { first: true, second: true },
      redirect303: true,
      requestBody: { encoding: null },
      responseBody: { mode: 'base64-flag' },
    });
    expect(results?.browser?.requestBody.detail).toMatch(/replaced by the platform's text decoding/);
    expect(results?.browser?.securityHeaders['X-Frame-Options']).toBe('missing');
    expect(results?.browser?.securityHeaders['Referrer-Policy']).toBe('kept');
    expect((await send('POST', `${here}/report`, {}, '{}')).statusCode).toBe(404);
  });

  it('refuses a cross-site report or echo', async () => {
    const nonce = await newProbe();
    expect((await send('POST', `/diag/${nonce}/report`, { 'Sec-Fetch-Site': ['cross-site'] }, '{}')).statusCode).toBe(403);
    expect((await send('POST', `/diag/${nonce}/echo`, { 'Sec-Fetch-Site': ['cross-site'] }, '')).statusCode).toBe(403);
  });
});

describe('what the results switch on the share view', () => {
  const multipart = (content: string) => {
    const boundary = 'XyZ';
    return {
      headers: { 'Content-Type': [`multipart/form-data; boundary=${boundary}`] },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n${content}\r\n--${boundary}--\r\n`,
    };
  };
  const uploadPath = `/s/${'A'.repeat(22)}${'b'.repeat(43)}/attachments`;

  it('without proof, an upload carrying non-ASCII bytes is refused with a clear page; plain ASCII goes on', async () => {
    const binary = multipart('\u0089PNG\r\n\u001a\n\u00ff\u00d8');
    const refused = await send('POST', uploadPath, binary.headers, binary.body);
    expect(refused.statusCode).toBe(415);
    expect(refused.body).toContain('File not accepted');
    expect(refused.body).toContain('Diagnostics');
    const text = multipart('plain text only');
    expect((await send('POST', uploadPath, text.headers, text.body)).statusCode).not.toBe(415);
  });

  it('once the probe proved a latin1 body byte-exact, uploads are no longer refused', async () => {
    await runProbe((bytes) => Buffer.from(bytes).toString('latin1'), { exact: { latin1: false, 'base64-flag': false } });
    const results = await readDiagnostics({ store: store(), clock: { now: () => Date.now() } });
    expect(results?.browser?.requestBody.encoding).toBe('latin1');
    const binary = multipart('\u0089PNG\r\n\u001a\n\u00ff\u00d8');
    expect((await send('POST', uploadPath, binary.headers, binary.body)).statusCode).not.toBe(415);
  });

  it('a base64 platform body is recognised too', async () => {
    await runProbe((bytes) => Buffer.from(bytes).toString('base64'), { exact: { latin1: true, 'base64-flag': false } });
    const results = await readDiagnostics({ store: store(), clock: { now: () => Date.now() } });
    expect(results?.browser).toMatchObject({ requestBody: { encoding: 'base64' }, responseBody: { mode: 'latin1' } });
  });
});
