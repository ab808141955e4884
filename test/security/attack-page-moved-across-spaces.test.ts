/**
 * Attacks of the whole-space review: pages and links that changed space after a link was made, and a
 * visitor forcing tree rebuilds. A share is decided under the policy of the space its page is in now.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handlePageEvent } from '../../src/app/lifecycle';
import { createLink, updateLink } from '../../src/app/links';
import { defaultSpaceConfig } from '../../src/core/defaults';
import { Visitor } from '../support/visitor';
import { startHarness, type Harness } from '../web/support/share-harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const sharingOffIn = async (spaceKey: string) =>
  h.store.configs.putSpace({ ...defaultSpaceConfig(spaceKey, h.clock.now), sharingEnabled: false, version: 1 } as never, 0);

const movedEvent = (id: string, title: string, to: string, from: string) => ({
  eventType: 'avi:confluence:moved:page',
  content: { id, type: 'page', title, space: { key: to } },
  prevContent: { id, space: { key: from } },
});

describe('a page moved to another space after it was shared', () => {
  it('a root page of a whole-space link moved into a space with sharing off is no longer served, nor found by search', async () => {
    await h.site.updatePage('1004', { parentId: null });
    const { path } = await h.link({ scope: 'space' });
    const v = new Visitor(h.base);
    expect((await v.get(`${path}/p/1004`)).status).toBe(200);
    await h.site.updatePage('1004', { parentId: null, spaceKey: 'OPS', body: '<p>OPS secret text okapi-marker</p>' } as never);
    await sharingOffIn('OPS');
    await handlePageEvent(movedEvent('1004', 'Internal roadmap', 'OPS', 'DEMO'), h.deps);
    const page = await v.get(`${path}/p/1004`);
    expect(page.status).toBe(404);
    expect(page.text).not.toContain('okapi-marker');
    const search = await v.get(`${path}/search?q=okapi-marker`);
    expect(search.text).not.toContain('secret text');
  });

  it('the same page, with the moved event lost: refused at once all the same (the page reports its new space)', async () => {
    await h.site.updatePage('1004', { parentId: null });
    const { path } = await h.link({ scope: 'space' });
    const v = new Visitor(h.base);
    expect((await v.get(`${path}/p/1004`)).status).toBe(200);
    await h.site.updatePage('1004', { parentId: null, spaceKey: 'OPS', body: '<p>OPS secret text okapi-marker</p>' } as never);
    const page = await v.get(`${path}/p/1004`);
    expect(page.status).toBe(404);
    expect(page.text).not.toContain('okapi-marker');
    expect((await v.get(`${path}/search?q=okapi-marker`)).text).not.toContain('secret text');
  });

  it("a page link follows its page into a space with sharing off: refused, and decided under the new space's policy", async () => {
    const { path, link } = await h.link({});
    const v = new Visitor(h.base);
    expect((await v.get(path)).status).toBe(200);
    await h.site.updatePage('1001', { spaceKey: 'OPS', body: '<p>now in OPS okapi</p>' } as never);
    await sharingOffIn('OPS');
    expect((await v.get(path)).status).toBe(404);
    await handlePageEvent(movedEvent('1001', 'Product Handbook', 'OPS', 'DEMO'), h.deps);
    expect((await h.store.links.get(link.id))?.spaceKey).toBe('OPS');
    const after = await v.get(path);
    expect(after.status).toBe(404);
    expect(after.text).not.toContain('okapi');
  });

  it('a whole-space link whose page left the space opens nothing of either space, and cannot be saved into the other space', async () => {
    await h.site.updatePage('1004', { parentId: null });
    const { path, link } = await h.link({ scope: 'space' });
    const v = new Visitor(h.base);
    expect((await v.get(path)).status).toBe(200);
    await h.site.updatePage('1001', { spaceKey: 'OPS', body: '<p>now in OPS okapi</p>' } as never);
    h.clock.now += 11 * 60_000;
    expect((await v.get(path)).status).toBe(404);
    expect((await v.get(`${path}/p/1004`)).status).toBe(404);
    const stored = (await h.store.links.get(link.id))!;
    await expect(
      updateLink(h.deps, { accountId: 'u-editor' }, { linkId: link.id, version: stored.version, settings: { name: 'renamed' }, password: { action: 'keep' } } as never),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    expect((await h.store.links.get(link.id))?.spaceKey).toBe('DEMO');
  });
});

describe('forcing tree rebuilds', () => {
  it('asking again and again for a page below a folder rebuilds the cached tree at most once a minute', async () => {
    const created = await createLink(h.deps, { accountId: 'u-ops' }, { pageId: '2001', settings: { name: 'Ops tree', includeChildren: true } });
    const path = `/s/${created.url.slice(created.url.lastIndexOf('/s/') + 3)}`;
    const v = new Visitor(h.base);
    expect((await v.get(path)).status).toBe(200);
    // One rebuild reads the root's descendants once (then folders and the bulk search as needed).
    const treeReads = () => (h.confluence.byOperation['getPageDescendants'] as number | undefined) ?? 0;
    expect(h.site.page('2005')?.parentId).toBe('2004');
    const before = treeReads();
    for (let i = 0; i < 5; i += 1) expect((await v.get(`${path}/p/2005`)).status).toBe(200);
    // One forced rebuild at most, not one per view.
    expect(treeReads() - before).toBeLessThanOrEqual(1);
    h.clock.now += 61_000;
    await v.get(`${path}/p/2005`);
    expect(treeReads() - before).toBeLessThanOrEqual(2);
  });
});

describe('links made before they stored their space id', () => {
  it('read the space in the same wave: served while the page is in it, refused once it moved, "temporarily unavailable" while the space cannot be read', async () => {
    const { path, link } = await h.link({});
    await h.patchLink(link.id, { spaceId: undefined });
    const v = new Visitor(h.base);
    expect((await v.get(path)).status).toBe(200);
    const realGetSpace = h.deps.content.getSpace.bind(h.deps.content);
    h.deps.content.getSpace = () => Promise.reject(new Error('Confluence unavailable'));
    const refused = await v.get(path);
    expect(refused.status).toBe(503);
    expect(refused.text).not.toContain('Product Handbook</h1>');
    h.deps.content.getSpace = realGetSpace;
    await h.site.updatePage('1001', { spaceKey: 'OPS' } as never);
    expect((await v.get(path)).status).toBe(404);
  });
});
