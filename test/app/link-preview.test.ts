import { beforeEach, describe, expect, it } from 'vitest';
import { previewLinkTree } from '../../src/app/link-preview';
import { createLink } from '../../src/app/links';
import { setSpaceConfig } from '../../src/app/configs';
import { defaultSpaceConfig } from '../../src/core/defaults';
import { createHarness, EDITOR, SPACE_ADMIN, VIEWER, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await createHarness('preview');
});

const base = { pageId: '1001', includeChildren: true, shareRestrictedChildren: false, withLabels: [] as string[], withoutLabels: [] as string[] };
const titles = (pages: Array<{ title: string; depth: number }>) => pages.map((p) => `${'-'.repeat(p.depth)}${p.title}`);

describe('what will be shared', () => {
  it('lists the tree the view would serve and counts restricted pages (with their subtree) as hidden', async () => {
    const preview = await previewLinkTree(h.deps, EDITOR, base);
    expect(titles(preview.pages)).toEqual(['Product Handbook', '-Getting started', '-Release notes', '--2026.11', '-Internal roadmap']);
    expect(preview.shownCount).toBe(5);
    expect(preview.hidden).toEqual({ labelFilter: 0, restricted: 2, notReadable: 0, overCap: 0 });
    expect(preview.capped).toBe(false);
  });

  it('counts label-filtered pages, and restricted pages the creator cannot read', async () => {
    const filtered = await previewLinkTree(h.deps, EDITOR, { ...base, withoutLabels: ['changelog'] });
    expect(titles(filtered.pages)).toEqual(['Product Handbook', '-Getting started', '-Internal roadmap']);
    expect(filtered.hidden).toMatchObject({ labelFilter: 2, restricted: 2 });
    await setSpaceConfig(h.deps, SPACE_ADMIN, {
      spaceKey: 'DEMO',
      version: 0,
      config: { ...defaultSpaceConfig('DEMO', 0), restrictedChildPages: true },
    });
    const restricted = await previewLinkTree(h.deps, EDITOR, { ...base, shareRestrictedChildren: true });
    expect(restricted.hidden).toEqual({ labelFilter: 0, restricted: 0, notReadable: 2, overCap: 0 });
  });

  it('shows only the page when child pages are off, and says when the policy does not allow them', async () => {
    const off = await previewLinkTree(h.deps, EDITOR, { ...base, includeChildren: false });
    expect(off).toMatchObject({ shownCount: 1, childPagesOff: true, childPagesNotAllowed: false });
    await setSpaceConfig(h.deps, SPACE_ADMIN, {
      spaceKey: 'DEMO',
      version: 0,
      config: { ...defaultSpaceConfig('DEMO', 0), childPages: false, applyOnSpaceLinks: true },
    });
    expect(await previewLinkTree(h.deps, EDITOR, base)).toMatchObject({ shownCount: 1, childPagesOff: true, childPagesNotAllowed: true });
  });

  it('checks the link creator when editing, and refuses callers who cannot edit the page', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    const preview = await previewLinkTree(h.deps, EDITOR, { ...base, pageId: 'ignored', linkId: link.id });
    expect(preview.pages[0]?.title).toBe('Getting started');
    await expect(previewLinkTree(h.deps, VIEWER, base)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
