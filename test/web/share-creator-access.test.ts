/**
 * Issue 11 #2: a share never exceeds its creator. Every served page, the root and each child, is one
 * the link's creator can still read (Confluence's content permission check, cached ≤ 5 minutes).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getPageSharing } from '../../src/app/links';
import { CREATOR_ACCESS_TTL_MS } from '../../src/app/view/creator-access';
import { CREATOR_LOST_ACCESS } from '../../src/core/policy/link-status';
import { defaultSpaceConfig } from '../../src/core/defaults';
import { DomainError } from '../../src/core/errors';
import { startHarness, type Harness } from './support/share-harness';
import { linksOf, Visitor } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await h.store.configs.putSpace({ ...defaultSpaceConfig('DEMO', h.clock.now), restrictedChildPages: true, version: 1 }, 0);
});
afterEach(async () => {
  await h.close();
});

const navIds = (html: string, path: string): string[] =>
  [...new Set(linksOf(html).map((l) => l.href).filter((href) => href.includes(`${path}/p/`)).map((href) => href.slice(href.lastIndexOf('/p/') + 3)))].sort();

const statusOf = async (path: string): Promise<number> => (await new Visitor(h.base).get(path)).status;

const deniedDetails = async (linkId: string): Promise<string[]> =>
  (await h.store.audit.list({ linkId, action: 'view_denied' }, { limit: 100 })).items.map((e) => e.detail);

describe('a share never exceeds its creator', () => {
  it('attack (issue 11): an editor who cannot read "Restricted: Salaries" cannot publish it through shareRestrictedChildren', async () => {
    // u-editor edits the root, but the restricted child is restricted to the space admin.
    const { path } = await h.link({ includeChildren: true, shareRestrictedChildren: true });
    const root = await new Visitor(h.base).get(path);
    expect(root.status).toBe(200);
    expect(root.text).not.toContain('Restricted: Salaries');
    expect(navIds(root.text, path)).toEqual(['1002', '1003', '1004', '1005']);
    expect(await statusOf(`${path}/p/1006`)).toBe(404);
    // Its unrestricted child inherits the restriction: gone with it.
    expect(await statusOf(`${path}/p/1007`)).toBe(404);
  });

  it('serves a restricted child its creator can read, with its subtree', async () => {
    const { path, link } = await h.link({ includeChildren: true, shareRestrictedChildren: true });
    await h.patchLink(link.id, { createdBy: 'u-space-admin' });
    const root = await new Visitor(h.base).get(path);
    expect(navIds(root.text, path)).toEqual(['1002', '1003', '1004', '1005', '1006', '1007']);
    expect(await statusOf(`${path}/p/1006`)).toBe(200);
    expect(await statusOf(`${path}/p/1007`)).toBe(200);
  });

  it('a creator who loses access to the shared page loses the link; the audit and every list say why, until access is back', async () => {
    const { path, link } = await h.link({});
    expect(await statusOf(path)).toBe(200);
    // Someone without any right on the space becomes the creator (as if the editor lost access).
    await h.patchLink(link.id, { createdBy: 'u-outsider' });
    h.clock.now += CREATOR_ACCESS_TTL_MS;
    expect(await statusOf(path)).toBe(404);
    expect((await deniedDetails(link.id)).some((d) => d.includes('creator_lost_access'))).toBe(true);
    const sharing = await getPageSharing(h.deps, { accountId: 'u-editor' }, '1001');
    expect(sharing.links.find((l) => l.id === link.id)).toMatchObject({ effectiveStatus: 'non_compliant', violations: [CREATOR_LOST_ACCESS] });
    // Access back (here: the editor again): the link opens and the lists stop flagging it.
    const stored = (await h.store.links.get(link.id))!;
    await h.patchLink(link.id, { createdBy: 'u-editor', creatorLostAccessAt: stored.creatorLostAccessAt ?? null });
    h.clock.now += CREATOR_ACCESS_TTL_MS;
    expect(await statusOf(path)).toBe(200);
    const after = await getPageSharing(h.deps, { accountId: 'u-editor' }, '1001');
    expect(after.links.find((l) => l.id === link.id)).toMatchObject({ effectiveStatus: 'active', violations: [] });
  });

  it('checks each page once per 5 minutes: cached answers, then checked again', async () => {
    const { path } = await h.link({ includeChildren: true, shareRestrictedChildren: false });
    const content = h.deps.content;
    const original = content.canRead.bind(content);
    const asked: string[][] = [];
    content.canRead = async (accountId, pageIds) => {
      asked.push([...pageIds]);
      return original(accountId, pageIds);
    };
    expect(await statusOf(path)).toBe(200);
    expect(await statusOf(`${path}/p/1002`)).toBe(200);
    expect(await statusOf(path)).toBe(200);
    // The root once, then the child page once; nothing while the answers are fresh.
    expect(asked).toEqual([['1001'], ['1002']]);
    h.clock.now += CREATOR_ACCESS_TTL_MS;
    expect(await statusOf(path)).toBe(200);
    expect(asked).toEqual([['1001'], ['1002'], ['1001']]);
  });

  it('a failed check fails closed for that request only (nothing cached)', async () => {
    const { path, link } = await h.link({ includeChildren: true });
    const content = h.deps.content;
    const original = content.canRead.bind(content);
    content.canRead = async () => {
      throw new DomainError('upstream_unavailable', 'Confluence is rate limiting requests right now.');
    };
    expect(await statusOf(path)).toBe(404);
    expect((await deniedDetails(link.id)).some((d) => d.includes('creator read check failed'))).toBe(true);
    // An unknown answer is not a lost right: the lists do not flag the link.
    expect((await h.store.links.get(link.id))?.creatorLostAccessAt ?? null).toBeNull();
    content.canRead = original;
    expect(await statusOf(path)).toBe(200);
  });

  it('a child page the creator cannot read is refused even when it is not restricted itself', async () => {
    const { path } = await h.link({ includeChildren: true });
    const content = h.deps.content;
    const original = content.canRead.bind(content);
    content.canRead = async (accountId, pageIds) => {
      const answers = await original(accountId, pageIds);
      if (answers.has('1002')) answers.set('1002', false);
      return answers;
    };
    expect(await statusOf(`${path}/p/1002`)).toBe(404);
    expect(await statusOf(`${path}/p/1003`)).toBe(200);
  });
});

describe('Confluence refusing the app (401/403)', () => {
  it('a permission check Confluence refuses the app is "temporarily unavailable", audited for admins, and flags nothing', async () => {
    const { path, link } = await h.link({});
    h.deps.content.canRead = async () => {
      throw new DomainError('app_unauthorized', "Confluence refused the app's request (HTTP 403). A Confluence admin may need to check the Secure Share installation and its permissions.");
    };
    const page = await new Visitor(h.base).get(path);
    expect(page.status).toBe(503);
    expect((await deniedDetails(link.id)).some((d) => d.includes('HTTP 403'))).toBe(true);
    expect((await h.store.links.get(link.id))?.creatorLostAccessAt ?? null).toBeNull();
  });

  it('shows visitors a neutral "not available right now" page, never "not found", and tells admins in the audit log', async () => {
    const { path, link } = await h.link({});
    const content = h.deps.content;
    content.getPage = async () => {
      throw new DomainError('app_unauthorized', "Confluence refused the app's request (HTTP 401). A Confluence admin may need to check the Secure Share installation and its permissions.");
    };
    const page = await new Visitor(h.base).get(path);
    expect(page.status).toBe(503);
    expect(page.text).toContain('Please try again in a moment');
    expect(page.text).not.toMatch(/not found|does not exist/i);
    const entries = (await h.store.audit.list({ linkId: link.id, action: 'view_denied' }, { limit: 10 })).items;
    expect(entries).toEqual([expect.objectContaining({ actor: 'app', detail: expect.stringContaining('HTTP 401') })]);
  });
});
