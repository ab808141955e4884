import { describe, expect, it } from 'vitest';
import { createLink } from '../../src/app/links';
import { createHarness, EDITOR } from './harness';

describe('a link to a page the app cannot read', () => {
  it('is refused at creation with a message that says why, and nothing is stored', async () => {
    const h = await createHarness('app-visibility');
    // Confluence leaves out of the bulk status read every page the app user cannot see.
    h.deps.content.getPageStatuses = async (ids) => (await Promise.resolve(ids)).filter((id) => id !== '1001').map((id) => ({ id, title: '', spaceId: '', status: 'current' as const }));
    await expect(createLink(h.deps, EDITOR, { pageId: '1001', settings: {} })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('cannot read this page'),
    });
    expect((await h.deps.store.links.list({ pageId: '1001' }, { limit: 10 })).items).toEqual([]);
  });

  it('is created when the app can read the page', async () => {
    const h = await createHarness('app-visibility-ok');
    const created = await createLink(h.deps, EDITOR, { pageId: '1001', settings: {} });
    expect(created.link.pageId).toBe('1001');
  });
});
