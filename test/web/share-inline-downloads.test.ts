import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_INLINE_DOWNLOAD_BYTES } from '../../src/web/visitor-actions';
import { startTestServer, type TestServer } from '../support/local-server';
import { Visitor } from '../support/visitor';

/**
 * Hosts that cannot send binary bodies (Forge web triggers until spike S4): a download is a page whose
 * link carries the file as a data: URL with the `download` attribute.
 */
describe('attachment downloads without binary responses', () => {
  let server: TestServer;
  let path: string;

  beforeAll(async () => {
    server = await startTestServer({ shareHandlerOptions: { inlineImages: true, inlineDownloads: true } });
    const created = await server.call('createLink', { pageId: '1001', settings: { name: 'Files', attachments: 'view' } }, 'u-editor');
    path = new URL(created.url).pathname;
  });
  afterAll(async () => server.stop());

  const downloadHref = (html: string, name: string): string | undefined =>
    new RegExp(`<a class="button" href="([^"]+)" download="${name.replace('.', '\\.')}">`).exec(html)?.[1];

  it('serves a download page whose link carries the exact bytes, never as a renderable type', async () => {
    const visitor = new Visitor(server.url);
    const page = await visitor.get(path);
    const attachments = await server.deps.content.listAttachments('1001');
    const spec = attachments.find((a) => a.title === 'spec.txt');
    expect(spec).toBeDefined();
    const reply = await visitor.get(`${path}/a/${spec!.id}`);
    expect(page.status).toBe(200);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    expect(reply.headers.get('content-security-policy')).toContain("script-src 'none'");
    const href = downloadHref(reply.text, 'spec.txt');
    expect(href).toMatch(/^data:application\/octet-stream;base64,/);
    const original = await server.deps.content.downloadAttachment('1001', spec!.id);
    expect(Buffer.from(href!.split(',')[1]!, 'base64').equals(Buffer.from(original!.bytes))).toBe(true);
  });

  it('refuses files the page could not carry under the 5 MB response limit, with a clear message', async () => {
    const big = await server.deps.content.uploadAttachment(
      '1001',
      { fileName: 'big.bin', mediaType: 'application/octet-stream', bytes: new Uint8Array(MAX_INLINE_DOWNLOAD_BYTES + 1) },
      'too large to inline',
    );
    const reply = await new Visitor(server.url).get(`${path}/a/${big.id}`);
    expect(reply.status).toBe(413);
    expect(reply.text).toContain('File too large to download here');
    expect(reply.text).not.toContain('base64,');
  });
});
