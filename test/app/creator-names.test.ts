import { describe, expect, it } from 'vitest';
import { listAllLinks, listSpaceLinks } from '../../src/app/link-lists';
import { getPageSharing } from '../../src/app/links';
import { defaultLinkSettings } from '../../src/core/defaults';
import type { ShareLink } from '../../src/core/model';
import { createHarness, EDITOR, SITE_ADMIN, SPACE_ADMIN, START, type Harness } from './harness';

const storedLink = (id: string, createdBy: string, overrides: Partial<ShareLink> = {}): ShareLink => ({
  ...defaultLinkSettings(),
  name: `link ${id}`,
  id: id.padEnd(22, 'x'),
  tokenHash: '0'.repeat(64),
  pageId: '1001',
  spaceKey: 'DEMO',
  pageTitle: 'Product Handbook',
  createdBy,
  createdAt: START,
  updatedAt: START,
  version: 1,
  epoch: 1,
  status: 'active',
  passwordHash: null,
  pageState: 'current',
  ...overrides,
});

/** Counts getUser calls per account and lets a test make some of them fail. */
const countUserLookups = (h: Harness, failing: ReadonlySet<string> = new Set()): Map<string, number> => {
  const calls = new Map<string, number>();
  const original = h.deps.content.getUser.bind(h.deps.content);
  h.deps.content = {
    ...h.deps.content,
    getUser: (accountId) => {
      calls.set(accountId, (calls.get(accountId) ?? 0) + 1);
      return failing.has(accountId) ? Promise.reject(new Error('Confluence 503')) : original(accountId);
    },
  };
  return calls;
};

const seed = async (h: Harness, links: ShareLink[]) => {
  for (const link of links) await h.deps.store.links.create(link);
};

describe('creator display names in link lists', () => {
  it('getPageSharing names each creator with one lookup per distinct creator', async () => {
    const h = await createHarness();
    await seed(h, [
      storedLink('A', 'u-editor'),
      storedLink('B', 'u-editor', { createdAt: START + 1 }),
      storedLink('C', 'u-ops', { createdAt: START + 2 }),
      storedLink('D', 'u-editor', { createdAt: START + 3 }),
    ]);
    const calls = countUserLookups(h);
    const result = await getPageSharing(h.deps, EDITOR, '1001');
    expect(result.links.map((l) => [l.name, l.createdByName])).toEqual(
      expect.arrayContaining([
        ['link A', 'Erin Editor'],
        ['link B', 'Erin Editor'],
        ['link C', 'Omar Operator'],
        ['link D', 'Erin Editor'],
      ]),
    );
    expect(Object.fromEntries(calls)).toEqual({ 'u-editor': 1, 'u-ops': 1 });
  });

  it('a failed or unknown lookup gives null and never fails the list', async () => {
    const h = await createHarness();
    await seed(h, [storedLink('A', 'u-editor'), storedLink('B', 'u-ops', { createdAt: START + 1 }), storedLink('C', 'u-deleted-user', { createdAt: START + 2 })]);
    countUserLookups(h, new Set(['u-ops']));
    const result = await getPageSharing(h.deps, EDITOR, '1001');
    const byName = Object.fromEntries(result.links.map((l) => [l.name, l.createdByName]));
    expect(byName).toEqual({ 'link A': 'Erin Editor', 'link B': null, 'link C': null });
  });

  it('a getUser that throws synchronously is also a null name', async () => {
    const h = await createHarness();
    await seed(h, [storedLink('A', 'u-editor')]);
    h.deps.content = {
      ...h.deps.content,
      getUser: () => {
        throw new Error('boom');
      },
    };
    const page = await listAllLinks(h.deps, SITE_ADMIN, {});
    expect(page.items.map((l) => l.createdByName)).toEqual([null]);
  });

  it('listSpaceLinks and listAllLinks carry the names, looked up once per distinct creator per call', async () => {
    const h = await createHarness();
    await seed(h, [
      storedLink('A', 'u-editor'),
      storedLink('B', 'u-ops', { createdAt: START + 1 }),
      storedLink('C', 'u-ops', { createdAt: START + 2, pageId: '2002', spaceKey: 'OPS', pageTitle: 'On-call rota' }),
    ]);
    const calls = countUserLookups(h);
    const space = await listSpaceLinks(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO' });
    expect(space.items.map((l) => [l.name, l.createdByName])).toEqual([
      ['link A', 'Erin Editor'],
      ['link B', 'Omar Operator'],
    ]);
    expect(Object.fromEntries(calls)).toEqual({ 'u-editor': 1, 'u-ops': 1 });
    calls.clear();
    const all = await listAllLinks(h.deps, SITE_ADMIN, {});
    expect(all.items.map((l) => l.createdByName)).toEqual(['Erin Editor', 'Omar Operator', 'Omar Operator']);
    expect(Object.fromEntries(calls)).toEqual({ 'u-editor': 1, 'u-ops': 1 });
  });

  it('search matches the creator display name and reuses the lookups for the names', async () => {
    const h = await createHarness();
    await seed(h, [
      storedLink('A', 'u-editor'),
      storedLink('B', 'u-ops', { createdAt: START + 1 }),
      storedLink('C', 'u-ops', { createdAt: START + 2 }),
    ]);
    const calls = countUserLookups(h);
    const page = await listAllLinks(h.deps, SITE_ADMIN, { search: 'omar' });
    expect(page.items.map((l) => [l.name, l.createdByName])).toEqual([
      ['link B', 'Omar Operator'],
      ['link C', 'Omar Operator'],
    ]);
    expect(Object.fromEntries(calls)).toEqual({ 'u-editor': 1, 'u-ops': 1 });
    expect((await listAllLinks(h.deps, SITE_ADMIN, { search: 'ERIN EDIT' })).items.map((l) => l.name)).toEqual(['link A']);
  });
});
