import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/local-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.stop();
});

describe('local outbox over HTTP', () => {
  it('an emailed link lands in /outbox, without the password, and renders sandboxed', async () => {
    const created = await server.call('createLink', { pageId: '1001', settings: { name: 'Partner' }, password: 'correct horse battery' }, 'u-editor');
    const sent = await server.call(
      'emailLink',
      { linkId: created.link.id, url: created.url, recipients: ['partner@example.com'], message: 'See <b>this</b>' },
      'u-editor',
    );
    expect(sent).toEqual({ sent: 1 });

    const list = await fetch(`${server.url}/outbox`);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-security-policy')).toContain("default-src 'none'");
    const listHtml = await list.text();
    expect(listHtml).toContain('partner@example.com');
    const id = /href="\/outbox\/([0-9]{13}-[0-9a-f]{12})"/.exec(listHtml)?.[1];
    expect(id).toBeDefined();

    const one = await fetch(`${server.url}/outbox/${id}`);
    const body = await one.text();
    expect(one.status).toBe(200);
    expect(body).toContain('<iframe sandbox=""');
    expect(body).toContain(created.url);
    expect(body).not.toContain('correct horse battery');
    expect(body).toContain('The sender will give you the password separately.');
    // The sender's message is escaped twice over: in the mail, and again inside srcdoc.
    expect(body).not.toContain('<b>this</b>');

    expect((await fetch(`${server.url}/outbox/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/outbox`, { method: 'POST' })).status).toBe(405);
  });
});
