/**
 * Issue 11, item 6: "Local mode accepts cross-site requests." Two attacks on `npm start` from any web
 * page the developer opens:
 *   - drive-by resolver call: a cross-site `text/plain` form or fetch (no CORS preflight) to
 *     /api/invoke/resetApp wiped the local store;
 *   - DNS rebinding: evil.example re-resolved to 127.0.0.1 read the demo tokens (index page) and the
 *     outbox with `Host: evil.example`.
 * The server now answers resolver calls only as application/json from its own origin, dev events only
 * from its own origin, and nothing at all to a foreign Host.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESET_CONFIRMATION } from '../../src/shared/contract';
import { startTestServer, type TestServer } from '../support/local-server';

let server: TestServer;
let port = 0;

interface RawReply {
  status: number;
  text: string;
}

/** A request with exactly these headers (fetch would not let the test set Host). */
const send = (method: string, path: string, headers: Record<string, string>, body = ''): Promise<RawReply> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const own = () => `localhost:${port}`;
const resetBody = JSON.stringify({ payload: { mode: 'links', confirmation: RESET_CONFIRMATION.links }, context: { accountId: 'u-site-admin' } });
const readBody = JSON.stringify({ payload: {}, context: { accountId: 'u-site-admin' } });

const linkCount = async (): Promise<number> => (await server.call('listAllLinks', {}, 'u-site-admin')).items.length;

beforeAll(async () => {
  server = await startTestServer();
  port = Number(new URL(server.url).port);
  await server.call('createLink', { pageId: '1001', settings: { name: 'victim link' } }, 'u-editor');
});
afterAll(async () => server?.stop());

describe('attack: drive-by resolver call from another site (local mode)', () => {
  it('a cross-site text/plain resetApp (what an HTML form or no-preflight fetch sends) gets 403 and deletes nothing', async () => {
    const before = await linkCount();
    expect(before).toBeGreaterThan(0);
    const reply = await send('POST', '/api/invoke/resetApp', {
      host: own(),
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
      'content-type': 'text/plain;charset=UTF-8',
    }, resetBody);
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.text)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await linkCount()).toBe(before);
  });

  it('a foreign Origin is refused even with a JSON content type, and so is Sec-Fetch-Site cross-site or same-site alone', async () => {
    const before = await linkCount();
    const refused: Record<string, string>[] = [
      { origin: 'https://evil.example', 'content-type': 'application/json' },
      { origin: 'null', 'content-type': 'application/json' },
      { origin: `http://localhost:${port + 1}`, 'content-type': 'application/json' },
      { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      { 'sec-fetch-site': 'same-site', 'content-type': 'application/json' },
    ];
    for (const headers of refused) {
      const reply = await send('POST', '/api/invoke/resetApp', { host: own(), ...headers }, resetBody);
      expect(reply.status, JSON.stringify(headers)).toBe(403);
    }
    expect(await linkCount()).toBe(before);
  });

  it('a same-origin call that is not application/json gets 415 (text/plain, form encodings, none)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const reply = await send('POST', '/api/invoke/getGlobalConfig', { host: own(), ...(type ? { 'content-type': type } : {}) }, readBody);
      expect(reply.status, type).toBe(415);
    }
  });

  it('the server\'s own pages (Origin = its origin, same-origin fetch metadata) and scripts without either header are served', async () => {
    const served: Record<string, string>[] = [
      { origin: `http://localhost:${port}`, 'sec-fetch-site': 'same-origin' },
      { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin', host: `127.0.0.1:${port}` },
      {},
      { 'sec-fetch-site': 'none' },
    ];
    for (const headers of served) {
      const reply = await send('POST', '/api/invoke/getGlobalConfig', { host: own(), 'content-type': 'application/json; charset=utf-8', ...headers }, readBody);
      expect(reply.status, JSON.stringify(headers)).toBe(200);
    }
  });

  it('dev events (sweep, page changes) refuse cross-site posts too', async () => {
    const cross = await send('POST', '/dev/sweep', { host: own(), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(cross.status).toBe(403);
    const script = await send('POST', '/dev/sweep', { host: own() });
    expect(script.status).toBe(200);
  });

  it('a function key with bad percent-encoding is a 400, not a 500', async () => {
    for (const key of ['%E0%A4%A', '%', '%zz', 'getGlobalConfig%']) {
      const reply = await send('POST', `/api/invoke/${key}`, { host: own(), 'content-type': 'application/json' }, readBody);
      expect(reply.status, key).toBe(400);
      expect(JSON.parse(reply.text)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
  });
});

describe('attack: DNS rebinding (a foreign Host header) against local mode', () => {
  it('no page answers a foreign Host: not the index with its demo tokens, not the outbox, not a resolver, not a share link', async () => {
    const before = await linkCount();
    for (const host of ['evil.example', `evil.example:${port}`, 'localhost', `localhost:${port + 1}`, `127.0.0.2:${port}`, `localhost.evil.example:${port}`]) {
      for (const [method, path, body] of [
        ['GET', '/', ''],
        ['GET', '/outbox', ''],
        ['GET', '/ui/global-settings?as=u-site-admin', ''],
        ['POST', '/api/invoke/resetApp', resetBody],
        ['POST', '/dev/sweep', ''],
        ['GET', `/s/${'A'.repeat(65)}`, ''],
      ] as const) {
        const reply = await send(method, path, { host, 'content-type': 'application/json' }, body);
        expect(reply.status, `${host} ${method} ${path}`).toBe(421);
        expect(reply.text).not.toMatch(/\/s\/[A-Za-z0-9_-]{65}/);
      }
    }
    expect(await linkCount()).toBe(before);
  });

  it('its own host names are served: localhost, 127.0.0.1 and [::1] on its port, in any case', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const reply = await send('GET', '/', { host });
      expect(reply.status, host).toBe(200);
    }
  });
});
