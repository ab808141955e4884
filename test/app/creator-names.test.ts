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

/**
 * Counts per account how often it was asked for (one by one through getUser, or in bulk through
 * getUserNames, whose requests `bulkRequests` keeps); `failing` makes every lookup naming one of them fail.
 */
const countUserLookups = (h: Harness, failing: ReadonlySet<string> = new Set()): Map<string, number> & { bulkRequests: string[][] } => {
  const calls = Object.assign(new Map<string, number>(), { bulkRequests: [] as string[][] });
  const count = (accountId: string) => calls.set(accountId, (calls.get(accountId) ?? 0) + 1);
  const one = h.deps.content.getUser.bind(h.deps.content);
  const bulk = h.deps.content.getUserNames.bind(h.deps.content);
  h.deps.content = {
    ...h.deps.content,
    getUser: (accountId) => {
      count(accountId);
      return failing.has(accountId) ? Promise.reject(new Error('Confluence 503')) : one(accountId);
    },
    getUserNames: (accountIds) => {
      accountIds.forEach(count);
      calls.bulkRequests.push([...accountIds]);
      return accountIds.some((id) => failing.has(id)) ? Promise.reject(new Error('Confluence 503')) : bulk(accountIds);
    },
  };
  return calls;
};

const seed = async (h: Harness, links: ShareLink[]) => {
  for (const link of links) await h.deps.store.links.create(link);
};

describe('creator display names in link lists', () => {
  it('getPageSharing names the creators with one bulk lookup, and the next call reads them from the name cache', async () => {
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
    expect(calls.bulkRequests).toHaveLength(1);
    calls.clear();
    const again = await getPageSharing(h.deps, EDITOR, '1001');
    expect(again.links.map((l) => l.createdByName)).toEqual(result.links.map((l) => l.createdByName));
    expect(calls.size).toBe(0);
  });

  it('an unknown account is a null name; a failed lookup gives null names and never fails the list', async () => {
    const h = await createHarness();
    await seed(h, [storedLink('A', 'u-editor'), storedLink('B', 'u-ops', { createdAt: START + 1 }), storedLink('C', 'u-deleted-user', { createdAt: START + 2 })]);
    const result = await getPageSharing(h.deps, EDITOR, '1001');
    expect(Object.fromEntries(result.links.map((l) => [l.name, l.createdByName]))).toEqual({ 'link A': 'Erin Editor', 'link B': 'Omar Operator', 'link C': null });

    const down = await createHarness();
    await seed(down, [storedLink('A', 'u-editor'), storedLink('B', 'u-ops', { createdAt: START + 1 })]);
    countUserLookups(down, new Set(['u-ops']));
    const failed = await getPageSharing(down.deps, EDITOR, '1001');
    expect(Object.fromEntries(failed.links.map((l) => [l.name, l.createdByName]))).toEqual({ 'link A': null, 'link B': null });
  });

  it('a name lookup that throws synchronously is also a null name', async () => {
    const h = await createHarness();
    await seed(h, [storedLink('A', 'u-editor')]);
    h.deps.content = {
      ...h.deps.content,
      getUserNames: () => {
        throw new Error('boom');
      },
    };
    const page = await listAllLinks(h.deps, SITE_ADMIN, {});
    expect(page.items.map((l) => l.createdByName)).toEqual([null]);
  });

  it('listSpaceLinks and listAllLinks carry the names: one bulk lookup, then the 24-hour name cache', async () => {
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
    expect(calls.bulkRequests).toHaveLength(1);
    calls.clear();
    const all = await listAllLinks(h.deps, SITE_ADMIN, {});
    expect(all.items.map((l) => l.createdByName)).toEqual(['Erin Editor', 'Omar Operator', 'Omar Operator']);
    expect(calls.size).toBe(0);
    // A day later the cached names are read again from Confluence.
    h.clock.advance(24 * 3_600_000 + 1);
    await listAllLinks(h.deps, SITE_ADMIN, {});
    expect(Object.fromEntries(calls)).toEqual({ 'u-editor': 1, 'u-ops': 1 });
  });

  it('listAllLinks names each space once through the name cache; a failed space read leaves the key', async () => {
    const h = await createHarness();
    await seed(h, [
      storedLink('A', 'u-editor'),
      storedLink('B', 'u-ops', { createdAt: START + 1, pageId: '2002', spaceKey: 'OPS', pageTitle: 'On-call rota' }),
      storedLink('C', 'u-ops', { createdAt: START + 2, pageId: '2002', spaceKey: 'OPS', pageTitle: 'On-call rota' }),
    ]);
    const spaceRequests: string[][] = [];
    const getSpaces = h.deps.content.getSpaces.bind(h.deps.content);
    let failing = false;
    h.deps.content = {
      ...h.deps.content,
      getSpaces: (keys) => {
        spaceRequests.push([...keys]);
        return failing ? Promise.reject(new Error('Confluence 503')) : getSpaces(keys);
      },
    };
    const all = await listAllLinks(h.deps, SITE_ADMIN, {});
    const spaces = all.items.map((l) => [l.spaceKey, l.spaceName]);
    expect(spaces.every(([key, name]) => typeof name === 'string' && name !== '' && name !== key)).toBe(true);
    expect(spaceRequests.map((keys) => [...keys].sort())).toEqual([['DEMO', 'OPS']]);
    await listAllLinks(h.deps, SITE_ADMIN, {});
    expect(spaceRequests).toHaveLength(1);
    h.clock.advance(24 * 3_600_000 + 1);
    failing = true;
    const unnamed = await listAllLinks(h.deps, SITE_ADMIN, {});
    expect(unnamed.items).toHaveLength(3);
    expect(unnamed.items.every((l) => l.spaceName === undefined)).toBe(true);
    expect(spaceRequests).toHaveLength(2);
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
