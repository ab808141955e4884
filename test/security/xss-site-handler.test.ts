/**
 * The hostile fixture site (fixtures/xss-site.json) served through the real handler over HTTP:
 * E1–E16 on full responses, K1/K2/K3 on attachment headers, P1 (no server-side fetch of content URLs).
 */
import { validateHeaderValue } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/local-server';
import { inspectHtml } from './html-inspect';
import { linksOf, titleOf, Visitor } from '../support/visitor';

let server: TestServer;
let path: string;
const outboundFetches: string[] = [];
const realFetch = globalThis.fetch;

beforeAll(async () => {
  server = await startTestServer({ sitePath: join('fixtures', 'xss-site.json') });
  const created = await server.call('createLink', { pageId: '3001', settings: { name: 'xss', includeChildren: true, comments: 'view', attachments: 'view' } }, 'u-editor');
  path = new URL(created.url).pathname;
  // P1: watch for any server-side request to a URL found in content (the test's own requests go to localhost).
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(server.url) && !url.startsWith('http://127.0.0.1')) outboundFetches.push(url);
    return realFetch(input, init);
  }) as typeof fetch;
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await server?.stop();
});

const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

describe('hostile content through the share handler', () => {
  it('E1–E10: every payload page is inert in the full response (parse5), with the CSP backstop', async () => {
    for (const target of [path, `${path}/p/3002`, `${path}/p/3003`]) {
      const response = await new Visitor(server.url).get(target);
      expect(response.status, target).toBe(200);
      const findings = inspectHtml(response.text, { fragment: false, ownOrigin: server.url });
      expect(findings.executable, target).toEqual([]);
      expect(findings.externalUrls, target).toEqual([]);
      expect(response.text).not.toMatch(/evil\.example|169\.254\.169\.254/);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'none'");
    }
  });

  it('E12: an out-of-tree page link becomes text: no page id or Confluence URL leaks; in-tree links use the share route', async () => {
    const response = await new Visitor(server.url).get(`${path}/p/3002`);
    expect(response.text).toContain('SECRET-OUTSIDE-TITLE');
    expect(response.text).not.toMatch(/3999|\/wiki\//);
    const back = linksOf(response.text).find((a) => a.text === 'the gallery');
    expect(back?.href).toBe(`${server.url}${path}`);
    expect((await new Visitor(server.url).get(`${path}/p/3999`)).status).toBe(404);
  });

  it('E14/E15: a title with </title><script> and a bidi override is escaped and stripped in <title>, nav, breadcrumb and heading', async () => {
    const child = await new Visitor(server.url).get(`${path}/p/3002`);
    expect(titleOf(child.text)).toContain('</title><script>');
    expect(child.text).not.toContain('<script>alert(1)');
    expect(BIDI.test(child.text)).toBe(false);
    const root = await new Visitor(server.url).get(path);
    expect(root.text).toContain('&lt;/title&gt;&lt;script&gt;');
    expect(BIDI.test(root.text)).toBe(false);
  });

  it('comments with markup and a hostile author name render as text', async () => {
    const root = await new Visitor(server.url).get(path);
    expect(root.text).not.toContain('<img src=x onerror=alert(1)>');
    expect(root.text).toContain('Mallory &lt;img src=x onerror=alert(1)&gt;');
  });

  it('K1/K2/K3/O6: hostile attachment names give safe headers; every download is an attachment with nosniff', async () => {
    for (const id of ['att3001', 'att3002', 'att3003', 'att3004']) {
      const response = await new Visitor(server.url).get(`${path}/a/${id}`);
      expect(response.status, id).toBe(200);
      const disposition = response.headers.get('content-disposition') ?? '';
      expect(disposition.startsWith('attachment;'), disposition).toBe(true);
      expect(() => validateHeaderValue('content-disposition', disposition)).not.toThrow();
      // No line break, and the quoted filename cannot be closed early by a quote in the name.
      expect(disposition).not.toMatch(/[\r\n]/);
      expect(disposition).toMatch(/^attachment; filename="[^"\\]*"(; filename\*=UTF-8''[A-Za-z0-9%._~!$&'()*+,;=:@-]+)?$/);
      expect(BIDI.test(disposition)).toBe(false);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('set-cookie') ?? '').not.toContain('x=1');
      for (const [name, value] of (response.headers as unknown as Map<string, string>).entries()) expect(() => validateHeaderValue(name, value)).not.toThrow();
      if (id === 'att3003') expect(disposition).toMatch(/filename\*=UTF-8''invoicefdp\.exe|filename="invoicefdp\.exe"/);
      if (id === 'att3002') expect(disposition).toMatch(/filename\*=UTF-8''/);
    }
  });

  it('an SVG attachment is never served inline through the image route', async () => {
    const response = await new Visitor(server.url).get(`${path}/img/3001/image.svg`);
    expect(response.status).toBe(404);
  });

  it('P1: rendering hostile content triggers no server-side request to URLs found in it', () => {
    expect(outboundFetches).toEqual([]);
  });
});
