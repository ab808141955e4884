import { describe, expect, it, vi } from 'vitest';
import {
  createWebTriggerHandler,
  toForgeResponse,
  toHttpRequest,
  type ForgeWebTriggerRequest,
} from '../../src/adapters/forge/web-trigger';
import type { HttpRequest, HttpResponse } from '../../src/web/http';

const forgeRequest = (over: Partial<ForgeWebTriggerRequest> = {}): ForgeWebTriggerRequest => ({
  method: 'GET',
  path: '/public/abc/s/token',
  userPath: '/s/token',
  headers: {},
  queryParameters: {},
  body: '',
  ...over,
});

describe('toHttpRequest', () => {
  it('lower-cases and merges header names, keeps arrays, and uses userPath as the path', () => {
    const req = toHttpRequest(
      forgeRequest({
        method: 'post',
        headers: { 'Content-Type': ['application/x-www-form-urlencoded'], Cookie: ['a=1'], cookie: ['b=2'], 'X-Single': 'one' },
        queryParameters: { page: ['1002'], q: 'x' },
        userPath: '/s/abc/p/1002',
      }),
    );
    expect(req).toEqual({
      method: 'POST',
      path: '/s/abc/p/1002',
      headers: { 'content-type': ['application/x-www-form-urlencoded'], cookie: ['a=1', 'b=2'], 'x-single': ['one'] },
      query: { page: ['1002'], q: ['x'] },
      body: '',
    });
  });

  it('normalizes a missing or relative user path and drops any query or fragment in it', () => {
    expect(toHttpRequest(forgeRequest({ userPath: '' })).path).toBe('/');
    expect(toHttpRequest(forgeRequest({ userPath: undefined })).path).toBe('/');
    expect(toHttpRequest(forgeRequest({ userPath: 's/x?y=1#z' })).path).toBe('/s/x');
  });

  it('turns the UTF-8 text body into the latin1 byte string HttpRequest promises', () => {
    const req = toHttpRequest(forgeRequest({ method: 'POST', body: 'comment=Grüße €' }));
    expect(Buffer.from(req.body, 'latin1').toString('utf8')).toBe('comment=Grüße €');
    expect(toHttpRequest(forgeRequest({ body: 'caf\u00e9' }), { requestBodyEncoding: 'latin1' }).body).toBe('caf\u00e9');
    expect(toHttpRequest(forgeRequest({ body: null })).body).toBe('');
  });
});

describe('toForgeResponse', () => {
  const response = (body: string | Uint8Array, contentType: string): HttpResponse => ({
    status: 200,
    headers: { 'Content-Type': [contentType], 'Content-Length': ['999'], 'Set-Cookie': ['a=1', 'b=2'] },
    body,
  });

  it('passes text bodies and multi-value headers through, and drops platform-computed headers', () => {
    expect(toForgeResponse(response('<p>hi</p>', 'text/html; charset=utf-8'))).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': ['text/html; charset=utf-8'], 'Set-Cookie': ['a=1', 'b=2'] },
      body: '<p>hi</p>',
    });
  });

  it('decodes textual byte bodies and base64-encodes binary ones (marked)', () => {
    expect(toForgeResponse(response(new TextEncoder().encode('Grüße'), 'text/plain')).body).toBe('Grüße');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const out = toForgeResponse(response(png, 'image/png'));
    expect(out.headers['X-Body-Encoding']).toEqual(['base64']);
    expect(Buffer.from(out.body, 'base64')).toEqual(Buffer.from(png));
    const notUtf8 = toForgeResponse(response(new Uint8Array([0xc3, 0x28]), 'text/plain'));
    expect(notUtf8.headers['X-Body-Encoding']).toEqual(['base64']);
  });
});

describe('createWebTriggerHandler', () => {
  it('runs the platform-neutral handler on the converted request', async () => {
    const seen: HttpRequest[] = [];
    const handler = createWebTriggerHandler(async (req) => {
      seen.push(req);
      return { status: 404, headers: { 'Content-Type': ['text/html'] }, body: 'nope' };
    });
    const out = await handler(forgeRequest({ userPath: '/s/zzz', headers: { 'X-Forwarded-For': ['198.51.100.1'] } }));
    expect(seen[0]?.path).toBe('/s/zzz');
    expect(seen[0]?.headers['x-forwarded-for']).toEqual(['198.51.100.1']);
    expect(out).toEqual({ statusCode: 404, headers: { 'Content-Type': ['text/html'] }, body: 'nope' });
  });

  it('never throws and never answers 500: failures become a generic 503 page without details', async () => {
    const log = vi.fn();
    const failing = createWebTriggerHandler(async () => {
      throw new Error('secret stack detail at /srv/app.js:12');
    }, { log });
    const out = await failing(forgeRequest());
    expect(out.statusCode).toBe(503);
    expect(out.body).not.toContain('secret');
    expect(out.headers['Content-Type']).toEqual(['text/html; charset=utf-8']);
    expect(out.headers['Cache-Control']).toEqual(['no-store, max-age=0']);
    expect(log).toHaveBeenCalledOnce();

    const fiveHundred = createWebTriggerHandler(async () => ({ status: 500, headers: {}, body: 'stack' }), { log });
    expect((await fiveHundred(forgeRequest())).statusCode).toBe(503);
    const garbage = createWebTriggerHandler(async () => ({ status: Number.NaN, headers: {}, body: '' }), { log });
    expect((await garbage(forgeRequest())).statusCode).toBe(503);
  });
});

describe('modes the site self-test switches (src/app/diagnostics.ts)', () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const binary = (extra: Record<string, string[]> = {}): HttpResponse => ({ status: 200, headers: { 'Content-Type': ['image/png'], ...extra }, body: bytes });

  it('sends binary bodies as a latin1 string or as flagged base64 when proven, and strips the per-response mode header', () => {
    const latin1 = toForgeResponse(binary(), 'latin1');
    expect(Buffer.from(latin1.body, 'latin1')).toEqual(Buffer.from(bytes));
    expect(latin1.headers['X-Body-Encoding']).toBeUndefined();
    const flagged = toForgeResponse(binary(), 'base64-flag');
    expect(flagged.isBase64Encoded).toBe(true);
    expect(Buffer.from(flagged.body, 'base64')).toEqual(Buffer.from(bytes));
    const probe = toForgeResponse(binary({ 'X-Secure-Share-Binary-Mode': ['latin1'] }));
    expect(Buffer.from(probe.body, 'latin1')).toEqual(Buffer.from(bytes));
    expect(Object.keys(probe.headers).map((h) => h.toLowerCase())).not.toContain('x-secure-share-binary-mode');
    expect(toForgeResponse(binary({ 'X-Secure-Share-Binary-Mode': ['bogus'] })).headers['X-Body-Encoding']).toEqual(['base64']);
  });

  it('reads a base64 request body as bytes when that is what the platform sends', () => {
    const req = toHttpRequest(forgeRequest({ method: 'POST', body: Buffer.from(bytes).toString('base64') }), { requestBodyEncoding: 'base64' });
    expect(Buffer.from(req.body, 'latin1')).toEqual(Buffer.from(bytes));
  });

  it('refuses multipart uploads with non-ASCII bytes while the body encoding is unproven, before the handler runs', async () => {
    const handle = vi.fn(async () => ({ status: 303, headers: { Location: ['/s/x'] }, body: '' }));
    const upload = (body: string, contentType = 'multipart/form-data; boundary=b') =>
      forgeRequest({ method: 'POST', headers: { 'content-type': [contentType] }, body });
    const guarded = createWebTriggerHandler(handle, { refuseUnprovenUploads: true });
    const refused = await guarded(upload('--b\r\n\u0089PNG\u00ff\r\n--b--'));
    expect(refused.statusCode).toBe(415);
    expect(refused.body).toContain('File not accepted');
    expect(refused.headers['Content-Security-Policy']).toBeDefined();
    expect(handle).not.toHaveBeenCalled();
    expect((await guarded(upload('--b\r\nplain text\r\n--b--'))).statusCode).toBe(303);
    expect((await guarded(upload('comment=Gr\u00fc\u00dfe', 'application/x-www-form-urlencoded'))).statusCode).toBe(303);
    expect((await createWebTriggerHandler(handle)(upload('--b\r\n\u0089PNG\u00ff\r\n--b--'))).statusCode).toBe(303);
  });
});
