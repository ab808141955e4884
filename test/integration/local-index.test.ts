import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/local-server';

describe('local index page', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ seedDemo: true });
  });
  afterAll(async () => server.stop());

  it('lists a working demo link for each gate, with security headers', async () => {
    expect(server.demoLinks.length).toBeGreaterThanOrEqual(8);
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const text = await response.text();
    for (const link of server.demoLinks) expect(text).toContain(`href="${link.url}"`);
    const open = server.demoLinks.find((l) => l.title === 'Open link');
    expect(open && (await fetch(open.url)).status).toBe(200);
  });

  it('marks demo links that stopped working after a reset instead of offering dead URLs', async () => {
    await server.call('resetApp', { mode: 'links', confirmation: 'DELETE ALL LINKS' }, 'u-site-admin');
    const text = await (await fetch(`${server.url}/`)).text();
    for (const link of server.demoLinks) expect(text).not.toContain(`href="${link.url}"`);
    expect(text).toContain('no longer works');
  });
});
