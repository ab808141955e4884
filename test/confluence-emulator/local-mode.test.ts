/**
 * Local mode over the emulator, end to end through HTTP: the share view reads Confluence through the
 * REST adapter (threaded comments, the v1 download), dev events change the emulated site, and the
 * emulator state survives a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/local-server';

describe('local mode on the Confluence emulator', () => {
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer();
    const created = await server.call(
      'createLink',
      { pageId: '1001', settings: { name: 'Emulated', comments: 'view', attachments: 'view' } },
      'u-editor',
    );
    url = created.url;
  });
  afterAll(async () => server.stop());

  const post = (path: string) => fetch(`${server.url}${path}`, { method: 'POST' });

  it('serves the page with threaded and inline comments, and attachments through the v1 download', async () => {
    const page = await (await fetch(url)).text();
    expect(page).toContain('EU region');
    expect(page).toContain('Thanks, the EU row is there now.');
    const file = await fetch(`${url}/a/att2002`);
    expect(file.status).toBe(200);
    expect(await file.text()).toMatch(/^Acme product specification v3/);
    const stats = server.app.confluence.stats;
    expect(stats.byOperation['downloadAttatchment']).toBeGreaterThan(0);
    // Every comment of the page, replies included, in one v1 listing: no per-comment reply reads.
    expect(stats.byOperation['getDescendantsOfType']).toBeGreaterThan(0);
    expect(stats.byOperation['getFooterCommentChildren'] ?? 0).toBe(0);
    expect(stats.specViolations).toEqual([]);
  });

  it('refuses a link on a page the app user cannot see', async () => {
    const refused = await server.invoke('createLink', { pageId: '2003', settings: { name: 'Hidden from the app' } }, 'u-ops');
    expect(refused.body).toMatchObject({ ok: false, error: { message: expect.stringMatching(/app/i) } });
  });

  it('archives and unarchives pages through dev events', async () => {
    const archived = await post('/dev/pages/1001/archive');
    expect(await archived.json()).toMatchObject({ outcome: 'state_changed', pageState: 'trashed' });
    expect(server.app.site.page('1001')?.status).toBe('archived');
    const back = await post('/dev/pages/1001/unarchive');
    expect(await back.json()).toMatchObject({ outcome: 'state_changed', pageState: 'current' });
    expect((await fetch(url)).status).toBe(200);
  });
});
