/**
 * Attack: another editor opens the "what will be shared" preview of a link whose creator may read a
 * restricted page the editor may not. The preview must not show them its title.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { previewLinkTree, UNREADABLE_TITLE } from '../../src/app/link-preview';
import { createLink } from '../../src/app/links';
import { startHarness, type Harness } from '../web/support/share-harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

it("the preview of another creator's link hides titles of restricted pages the caller cannot read, and keeps them for the creator", async () => {
  const made = await createLink(h.deps, { accountId: 'u-space-admin' }, { pageId: '1001', scope: 'space', settings: { name: 'Everything', shareRestrictedChildren: true } });
  const ask = (accountId: string) =>
    previewLinkTree(h.deps, { accountId }, { linkId: made.link.id, pageId: '1001', includeChildren: true, shareRestrictedChildren: true, withLabels: [], withoutLabels: [] });
  expect((await h.deps.content.canRead('u-editor', ['1006'])).get('1006')).toBe(false);
  const creatorView = (await ask('u-space-admin')).pages.map((p) => p.title);
  expect(creatorView).toContain('Restricted: Salaries');
  const editorView = await ask('u-editor');
  const titles = editorView.pages.map((p) => p.title);
  expect(titles.join(' ')).not.toMatch(/Salaries|salary/i);
  expect(titles).toContain(UNREADABLE_TITLE);
  // The same pages, in the same places: only the titles are withheld.
  expect(editorView.pages.map((p) => [p.id, p.depth])).toEqual((await ask('u-space-admin')).pages.map((p) => [p.id, p.depth]));
});
