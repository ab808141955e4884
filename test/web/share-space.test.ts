/** A whole-space link through the real local server: the space's root pages, and nothing outside the space. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSpaceConfig } from '../../src/core/defaults';
import { startHarness, type Harness } from './support/share-harness';
import { linksOf, Visitor } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  // "Internal roadmap" moves to the top of the space: a second root page beside the home page (1001).
  await h.site.updatePage('1004', { parentId: null });
});
afterEach(async () => {
  await h.close();
});

const navBlock = (html: string): string => /<nav class="tree"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
const pageIds = (html: string, path: string): string[] =>
  [...new Set(linksOf(html).map((l) => l.href).filter((href) => href.includes(`${path}/p/`)).map((href) => href.slice(href.lastIndexOf('/p/') + 3)))].sort();

describe('a whole-space link', () => {
  it('shows the space’s second root page at the top level of the navigation and serves it', async () => {
    const { path, link } = await h.link({ scope: 'space' });
    expect(link.scope).toBe('space');
    const visitor = new Visitor(h.base);
    const home = await visitor.get(path);
    expect(home.status).toBe(200);
    const nav = navBlock(home.text);
    expect(pageIds(nav, path)).toEqual(['1002', '1003', '1004', '1005']);
    // 1004 is a top-level entry: its item closes the home page's item, it is not nested in it.
    expect(nav).toMatch(/<\/ul><\/li><li><a href="[^"]*\/p\/1004"/);
    const second = await visitor.get(`${path}/p/1004`);
    expect(second.status).toBe(200);
    expect(second.text).toContain('Internal roadmap');
    expect((await visitor.get(`${path}/p/1005`)).status).toBe(200);
  });

  it('refuses pages of another space, restricted and trashed pages, whatever id is asked for', async () => {
    const { path } = await h.link({ scope: 'space' });
    for (const outside of ['2001', '2002', '2005', '1006', '1007', '1008']) {
      expect((await new Visitor(h.base).get(`${path}/p/${outside}`)).status).toBe(404);
    }
  });

  it('a page link of the home page does not reach the other root page', async () => {
    const { path } = await h.link({ includeChildren: true });
    expect((await new Visitor(h.base).get(`${path}/p/1002`)).status).toBe(200);
    expect((await new Visitor(h.base).get(`${path}/p/1004`)).status).toBe(404);
  });

  it('stops opening when the space policy no longer allows child pages', async () => {
    const { path } = await h.link({ scope: 'space' });
    expect((await new Visitor(h.base).get(path)).status).toBe(200);
    await h.store.configs.putSpace({ ...defaultSpaceConfig('DEMO', h.clock.now), applyOnSpaceLinks: true, childPages: false, version: 1 }, 0);
    expect((await new Visitor(h.base).get(path)).status).toBe(404);
    expect((await new Visitor(h.base).get(`${path}/p/1004`)).status).toBe(404);
  });
});
