import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSpaceConfig } from '../../src/core/defaults';
import { startHarness, type Harness } from './support/share-harness';
import { formByAction, linksOf, Visitor } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const navIds = (html: string, path: string): string[] =>
  linksOf(html)
    .map((l) => l.href)
    .filter((href) => href.includes(`${path}/p/`))
    .map((href) => href.slice(href.lastIndexOf('/p/') + 3))
    .filter((id, i, all) => all.indexOf(id) === i)
    .sort();

const allowRestrictedChildren = () =>
  h.store.configs.putSpace({ ...defaultSpaceConfig('DEMO', h.clock.now), restrictedChildPages: true, version: 1 }, 0);

describe('child pages and the shared tree', () => {
  it('without label filters: every current, unrestricted descendant (trashed and restricted hidden)', async () => {
    const { path } = await h.link({ includeChildren: true });
    const page = await new Visitor(h.base).get(path);
    expect(navIds(page.text, path)).toEqual(['1002', '1003', '1004', '1005']);
    for (const hidden of ['1006', '1007', '1008']) {
      expect((await new Visitor(h.base).get(`${path}/p/${hidden}`)).status).toBe(404);
    }
  });

  it('withLabels keeps pages carrying one of them; exclusion hides the subtree', async () => {
    const { path } = await h.link({ includeChildren: true, withLabels: ['changelog'] });
    const page = await new Visitor(h.base).get(path);
    expect(navIds(page.text, path)).toEqual(['1003', '1005']);
    expect((await new Visitor(h.base).get(`${path}/p/1002`)).status).toBe(404);
    expect((await new Visitor(h.base).get(`${path}/p/1005`)).status).toBe(200);
  });

  it('withoutLabels removes pages carrying any of them', async () => {
    const { path } = await h.link({ includeChildren: true, withoutLabels: ['changelog', 'internal'] });
    const page = await new Visitor(h.base).get(path);
    expect(navIds(page.text, path)).toEqual(['1002']);
    expect((await new Visitor(h.base).get(`${path}/p/1005`)).status).toBe(404);
  });

  it('restricted subtree: hidden unless the link opts in AND the policy allows it (creator can read it)', async () => {
    const notOptedIn = await h.link({ includeChildren: true, shareRestrictedChildren: false });
    await h.patchLink(notOptedIn.link.id, { createdBy: 'u-space-admin' });
    expect((await new Visitor(h.base).get(`${notOptedIn.path}/p/1006`)).status).toBe(404);
    expect((await new Visitor(h.base).get(`${notOptedIn.path}/p/1007`)).status).toBe(404);
    const optedIn = await h.link({ includeChildren: true, shareRestrictedChildren: true });
    // "Restricted: Salaries" is restricted to the space admin: only a link of theirs may serve it.
    await h.patchLink(optedIn.link.id, { createdBy: 'u-space-admin' });
    expect((await new Visitor(h.base).get(`${optedIn.path}/p/1006`)).status).toBe(200);
    expect((await new Visitor(h.base).get(`${optedIn.path}/p/1007`)).status).toBe(200);
    // The space admin enforces "no restricted child pages": the opted-in link may no longer serve them.
    await h.store.configs.putSpace(
      { ...defaultSpaceConfig('DEMO', h.clock.now), applyOnSpaceLinks: true, restrictedChildPages: false, version: 1 },
      0,
    );
    expect((await new Visitor(h.base).get(`${optedIn.path}/p/1006`)).status).toBe(404);
    expect((await new Visitor(h.base).get(`${optedIn.path}/p/1007`)).status).toBe(404);
  });

  it('a child page shows breadcrumbs back to the root and marks the current nav entry', async () => {
    const { path } = await h.link({ includeChildren: true });
    const page = await new Visitor(h.base).get(`${path}/p/1005`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<nav class="crumbs"[\s\S]*Product Handbook[\s\S]*Release notes[\s\S]*2026\.11/);
    expect(page.text).toContain(`href="${h.base}${path}/p/1005" rel="noopener noreferrer" aria-current="page"`);
  });

  it('a page moved out of the tree is refused on the next request', async () => {
    const { path } = await h.link({ includeChildren: true, withoutLabels: ['internal'] });
    expect((await new Visitor(h.base).get(`${path}/p/1002`)).status).toBe(200);
    await h.site.updatePage('1002', { parentId: '1004' });
    expect((await new Visitor(h.base).get(`${path}/p/1002`)).status).toBe(404);
  });

  it('links to out-of-tree pages become plain text', async () => {
    const { path } = await h.link({ includeChildren: true, withLabels: ['changelog'] });
    const page = await new Visitor(h.base).get(path);
    const hrefs = linksOf(page.text).map((l) => l.href);
    expect(hrefs.some((href) => href.endsWith('/p/1003'))).toBe(true);
    expect(hrefs.some((href) => href.endsWith('/p/1002'))).toBe(false);
    expect(page.text).toContain('Getting started');
  });
});

describe('comments', () => {
  it('view: listed, no form; none: not shown at all', async () => {
    const viewOnly = await h.link({ comments: 'view' });
    const page = await new Visitor(h.base).get(viewOnly.path);
    expect(page.text).toContain('Could we add the EU region');
    expect(page.text).not.toContain('name="text"');
    const none = await h.link({ comments: 'none' });
    expect((await new Visitor(h.base).get(none.path)).text).not.toContain('Could we add the EU region');
  });

  it('view_add: adds a comment as the app, with attribution, text kept literal', async () => {
    const { path } = await h.link({ comments: 'view_add' });
    const v = new Visitor(h.base);
    const page = await v.get(path);
    const form = formByAction(page.text, '/comments');
    const reply = await v.postForm(form.action, { ...form.fields, name: 'Pat Partner', text: 'Looks good <script>alert(1)</script>' });
    expect(reply.status).toBe(303);
    const after = await v.follow(reply);
    expect(after.text).toContain('Your comment was added.');
    expect(after.text).toContain('Looks good &lt;script&gt;');
    expect(after.text).toContain('Pat Partner');
    const comments = await h.deps.content.listComments('1001');
    // Filed with the name the recipient gave: shown as the author, not as part of the text.
    expect(comments.filter((c) => c.viaShare)).toEqual([
      expect.objectContaining({ authorName: 'Pat Partner', authorEmail: null, bodyText: 'Looks good <script>alert(1)</script>' }),
    ]);
  });

  it('refuses empty and too long comments, and any add on a view-only link', async () => {
    const { path } = await h.link({ comments: 'view_add' });
    const v = new Visitor(h.base);
    const form = formByAction((await v.get(path)).text, '/comments');
    expect((await v.postForm(form.action, { ...form.fields, text: '   ' })).status).toBe(400);
    expect((await v.postForm(form.action, { ...form.fields, text: 'x'.repeat(5001) })).status).toBe(400);
    const before = (await h.deps.content.listComments('1001')).length;
    const viewOnly = await h.link({ comments: 'view', allowSubscribe: true });
    const w = new Visitor(h.base);
    const page = await w.get(viewOnly.path);
    const secrets = formByAction(page.text, '/email/send').fields;
    const reply = await w.postForm(`${h.base}${viewOnly.path}/comments`, { csrf: secrets['csrf']!, t: secrets['t']!, text: 'sneaky' });
    expect(reply.status).toBe(403);
    expect((await h.deps.content.listComments('1001')).length).toBe(before);
  });
});
