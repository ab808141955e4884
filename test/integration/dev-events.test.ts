import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/local-server';

/** Local stand-ins for Confluence product events and the scheduled trigger, through real HTTP. */
describe('local page events and sweep', () => {
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer();
    const created = await server.call('createLink', { pageId: '1002', settings: { name: 'Lifecycle' } }, 'u-editor');
    url = created.url;
  });
  afterAll(async () => server.stop());

  const post = (path: string) => fetch(`${server.url}${path}`, { method: 'POST' });
  const linkStatus = async () => {
    const all = await server.call('listAllLinks', {}, 'u-site-admin');
    return all.items.find((link) => link.name === 'Lifecycle')?.effectiveStatus;
  };

  it('a trashed page stops its links and shows them as removed; restoring brings them back', async () => {
    expect((await fetch(url)).status).toBe(200);

    const trashed = await post('/dev/pages/1002/trash');
    expect(trashed.status).toBe(200);
    expect(await trashed.json()).toMatchObject({ outcome: 'state_changed', pageState: 'trashed', linksChanged: 1 });
    expect((await fetch(url)).status).toBe(404);
    expect(await linkStatus()).toBe('page_removed');

    const restored = await post('/dev/pages/1002/restore');
    expect(await restored.json()).toMatchObject({ outcome: 'state_changed', pageState: 'current' });
    expect((await fetch(url)).status).toBe(200);
    expect(await linkStatus()).toBe('active');
  });

  it('an update is noted for subscribers and the sweep runs on demand', async () => {
    const updated = await post('/dev/pages/1002/update');
    expect(await updated.json()).toMatchObject({ outcome: 'update_noted', pageId: '1002' });
    const page = await fetch(url);
    expect(await page.text()).toContain('Edited locally at');

    const sweep = await post('/dev/sweep');
    expect(sweep.status).toBe(200);
    expect(await sweep.json()).toEqual(expect.any(Object));
  });

  it('refuses unknown actions, pages and methods with a clear message', async () => {
    const unknownAction = await post('/dev/pages/1002/explode');
    expect(unknownAction.status).toBe(404);
    expect(((await unknownAction.json()) as { error: string }).error).toMatch(/update\|trash\|restore\|delete/);
    expect((await post('/dev/pages/999999/trash')).status).toBe(404);
    expect((await fetch(`${server.url}/dev/sweep`)).status).toBe(405);
  });
});
