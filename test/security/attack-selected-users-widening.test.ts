/**
 * Issue 11, item 8: "A link's audience widens." A link whose own selected-users list had nothing in
 * common with a list an admin set later was opened to the admin's list: people the creator never chose
 * got the page, and every list still showed the link as active. SPEC: a link's own list is only ever
 * narrowed; a list with nothing in common is non-compliant (refused, and flagged in every list with the
 * reason); lists show a narrowed list as narrowed. Also: `rotateLink` was accepted while the space's
 * sharing was off, although create and update were refused.
 * Everything here goes through the real local server (resolvers as the bridge calls them, the view as a
 * browser opens it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSpaceConfig } from '../../src/core/defaults';
import type { LinkListItem } from '../../src/shared/contract';
import { startTestServer, type TestServer } from '../support/local-server';
import { formsOf, Visitor } from '../support/visitor';

let server: TestServer;

const spaceInput = (overrides: Record<string, unknown> = {}) => {
  const { version: _v, updatedAt: _u, updatedBy: _b, spaceKey: _k, ...rest } = defaultSpaceConfig('X', 0);
  return { ...rest, ...overrides };
};

const setDemoSpace = async (overrides: Record<string, unknown>): Promise<void> => {
  const current = await server.call('getSpaceConfig', { spaceKey: 'DEMO' }, 'u-space-admin');
  await server.call('setSpaceConfig', { spaceKey: 'DEMO', version: current.config.version, config: spaceInput(overrides) }, 'u-space-admin');
};

/** The link as each list shows it: the page's share dialog, the space admin's list, the site admin's list. */
const inEveryList = async (linkId: string): Promise<LinkListItem[]> => {
  const page = await server.call('getPageSharing', { pageId: '1002' }, 'u-editor');
  const space = await server.call('listSpaceLinks', { spaceKey: 'DEMO' }, 'u-space-admin');
  const all = await server.call('listAllLinks', {}, 'u-site-admin');
  const found = [page.links, space.items, all.items].map((items) => items.find((l) => l.id === linkId));
  for (const item of found) expect(item).toBeDefined();
  return found as LinkListItem[];
};

const createOn1002 = async (selectedUsers: string[]) => {
  const created = await server.call('createLink', { pageId: '1002', settings: { name: 'chosen people', selectedUsers } }, 'u-editor');
  return { id: created.link.id, path: new URL(created.url).pathname };
};

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

describe('attack: an admin list with nothing in common widens a link to people its creator never chose', () => {
  it('the link becomes non-compliant with the reason in every list, and the view refuses it (no email-code form for anyone)', async () => {
    await setDemoSpace({ applyOnSpaceLinks: false, selectedUsers: [] });
    const link = await createOn1002(['eve@partner.example']);
    // Before: the creator's list applies, the visitor is asked for a code.
    const before = await new Visitor(server.url).get(link.path);
    expect(before.status).toBe(200);
    expect(formsOf(before.text).some((f) => f.action.endsWith('/email/send'))).toBe(true);

    await setDemoSpace({ applyOnSpaceLinks: true, selectedUsers: ['@acme.com'] });
    for (const item of await inEveryList(link.id)) {
      expect(item.effectiveStatus).toBe('non_compliant');
      expect(item.violations).toEqual(["None of the link's selected users is among the selected users allowed by the space policy any more"]);
    }
    const nonCompliant = await server.call('listSpaceLinks', { spaceKey: 'DEMO', nonCompliant: true }, 'u-space-admin');
    expect(nonCompliant.items.map((l) => l.id)).toContain(link.id);

    // The view: the same 404 as an unknown link, so nobody on the admin's list (or the link's) can ask for a code.
    const after = await new Visitor(server.url).get(link.path);
    expect(after.status).toBe(404);
    expect(formsOf(after.text).some((f) => f.action.endsWith('/email/send'))).toBe(false);

    // Nothing was deleted: relaxing the policy restores the link exactly as its creator made it.
    await setDemoSpace({ applyOnSpaceLinks: false, selectedUsers: [] });
    const [restored] = await inEveryList(link.id);
    expect(restored?.effectiveStatus).toBe('active');
    expect(restored?.selectedUsers).toEqual(['eve@partner.example']);
  });

  it('creating or updating a link with a list outside the policy list is refused, naming the entry and the rule', async () => {
    await setDemoSpace({ applyOnSpaceLinks: true, selectedUsers: ['@acme.com'] });
    const refused = await server.invoke('createLink', { pageId: '1002', settings: { selectedUsers: ['eve@partner.example'] } }, 'u-editor');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      ok: false,
      error: { code: 'policy_violation', message: "'eve@partner.example' is not among the selected users allowed by the space policy" },
    });
    const ok = await createOn1002(['ann@acme.com']);
    const version = (await inEveryList(ok.id))[0]?.version;
    const update = await server.invoke(
      'updateLink',
      { linkId: ok.id, version, settings: { selectedUsers: ['eve@partner.example'] }, password: { action: 'keep' } },
      'u-editor',
    );
    expect(update.status).toBe(422);
    expect(update.body).toMatchObject({ ok: false, error: { code: 'policy_violation' } });
  });

  it('a partly narrowed list stays open to the common part and shows as narrowed in every list', async () => {
    await setDemoSpace({ applyOnSpaceLinks: false, selectedUsers: [] });
    const link = await createOn1002(['ann@acme.com', 'eve@partner.example']);
    for (const item of await inEveryList(link.id)) expect(item.selectedUsersNarrowedTo).toBeNull();
    await setDemoSpace({ applyOnSpaceLinks: true, selectedUsers: ['@acme.com'] });
    for (const item of await inEveryList(link.id)) {
      expect(item.effectiveStatus).toBe('active');
      expect(item.selectedUsersNarrowedTo).toEqual(['ann@acme.com']);
    }
    const view = await new Visitor(server.url).get(link.path);
    expect(view.status).toBe(200);
    await setDemoSpace({ applyOnSpaceLinks: false, selectedUsers: [] });
  });
});

describe('attack: rotating a link while the space has sharing off', () => {
  it('rotateLink is refused like create and update, and the old URL is kept (nothing changes)', async () => {
    await setDemoSpace({ applyOnSpaceLinks: false, selectedUsers: [] });
    const link = await createOn1002([]);
    const [before] = await inEveryList(link.id);
    await setDemoSpace({ sharingEnabled: false });
    const rotate = await server.invoke('rotateLink', { linkId: link.id }, 'u-editor');
    expect(rotate.status).toBe(403);
    expect(rotate.body).toMatchObject({ ok: false, error: { code: 'sharing_disabled', message: 'Sharing is turned off for this space by the space policy' } });
    const create = await server.invoke('createLink', { pageId: '1002', settings: {} }, 'u-editor');
    expect(create.body).toMatchObject({ ok: false, error: { code: 'sharing_disabled' } });
    const [after] = await inEveryList(link.id);
    expect(after?.version).toBe(before?.version);
    await setDemoSpace({ sharingEnabled: true });
    expect((await new Visitor(server.url).get(link.path)).status).toBe(200);
    const rotated = await server.invoke('rotateLink', { linkId: link.id }, 'u-editor');
    expect(rotated.status).toBe(200);
  });
});
