import { describe, expect, it } from 'vitest';
import { listAllLinks, MAX_CREATOR_LOOKUPS_PER_SEARCH } from '../../src/app/link-lists';
import { refreshCreatorNames } from '../../src/app/sweep';
import { createLink } from '../../src/app/links';
import { defaultLinkSettings } from '../../src/core/defaults';
import type { ShareLink } from '../../src/core/model';
import { createHarness, EDITOR, SITE_ADMIN, START, type Harness } from './harness';

const storedLink = (index: number, createdBy: string, overrides: Partial<ShareLink> = {}): ShareLink => ({
  ...defaultLinkSettings(),
  name: `link ${index}`,
  id: `L${index}`.padEnd(22, 'x'),
  tokenHash: '0'.repeat(64),
  pageId: '1001',
  spaceKey: 'DEMO',
  pageTitle: 'Product Handbook',
  createdBy,
  createdAt: START + index,
  updatedAt: START + index,
  version: 1,
  epoch: 1,
  status: 'active',
  passwordHash: null,
  pageState: 'current',
  ...overrides,
});

/** How often each account was asked for, one by one (getUser) or in bulk (getUserNames). */
const countUserLookups = (h: Harness): Map<string, number> => {
  const calls = new Map<string, number>();
  const count = (accountId: string) => calls.set(accountId, (calls.get(accountId) ?? 0) + 1);
  const one = h.deps.content.getUser.bind(h.deps.content);
  const bulk = h.deps.content.getUserNames.bind(h.deps.content);
  h.deps.content = {
    ...h.deps.content,
    getUser: (accountId) => {
      count(accountId);
      return one(accountId);
    },
    getUserNames: (accountIds) => {
      accountIds.forEach(count);
      return bulk(accountIds);
    },
  };
  return calls;
};

const seed = async (h: Harness, links: ShareLink[]) => {
  for (const link of links) await h.deps.store.links.create(link);
};

const totalCalls = (calls: Map<string, number>): number => [...calls.values()].reduce((a, b) => a + b, 0);

describe('creator names stored with links', () => {
  it('createLink stores the creator display name, read once', async () => {
    const h = await createHarness();
    const calls = countUserLookups(h);
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1001', settings: { name: 'handbook' } });
    expect((await h.deps.store.links.get(link.id))?.createdByName).toBe('Erin Editor');
    expect(calls.get(EDITOR.accountId)).toBe(1);
  });

  it('a search by creator name over many links with stored names makes no user lookups', async () => {
    const h = await createHarness();
    const links = Array.from({ length: 250 }, (_, i) =>
      i % 50 === 7 ? storedLink(i, 'u-ops', { createdByName: 'Omar Operator' }) : storedLink(i, `u-${i}`, { createdByName: `Person ${i}` }),
    );
    await seed(h, links);
    const calls = countUserLookups(h);
    const page = await listAllLinks(h.deps, SITE_ADMIN, { search: 'omar', limit: 50 });
    expect(page.items.map((l) => [l.name, l.createdByName])).toEqual(
      [7, 57, 107, 157, 207].map((i) => [`link ${i}`, 'Omar Operator']),
    );
    expect(totalCalls(calls)).toBe(0);
  });

  it('old links without a stored name still match through the bounded lookup', async () => {
    const h = await createHarness();
    await seed(h, [storedLink(0, 'u-ops'), storedLink(1, 'u-editor', { createdByName: 'Erin Editor' }), storedLink(2, 'u-ops')]);
    const calls = countUserLookups(h);
    const page = await listAllLinks(h.deps, SITE_ADMIN, { search: 'omar' });
    expect(page.items.map((l) => [l.name, l.createdByName])).toEqual([
      ['link 0', 'Omar Operator'],
      ['link 2', 'Omar Operator'],
    ]);
    expect(Object.fromEntries(calls)).toEqual({ 'u-ops': 1 });
  });

  it('the fallback looks up at most the bounded number of distinct unnamed creators per search', async () => {
    const h = await createHarness();
    const distinct = MAX_CREATOR_LOOKUPS_PER_SEARCH * 3;
    await seed(
      h,
      Array.from({ length: distinct * 2 }, (_, i) => storedLink(i, `u-old-${i % distinct}`)),
    );
    const calls = countUserLookups(h);
    const page = await listAllLinks(h.deps, SITE_ADMIN, { search: 'nobody by this name' });
    expect(page.items).toEqual([]);
    expect(calls.size).toBe(MAX_CREATOR_LOOKUPS_PER_SEARCH);
    expect([...calls.values()].every((count) => count === 1)).toBe(true);
  });

  it('the sweep refreshes a renamed creator and leaves hidden profiles and unchanged names alone', async () => {
    const h = await createHarness();
    await seed(h, [
      storedLink(0, 'u-ops', { createdByName: 'Omar Old Name' }),
      storedLink(1, 'u-editor', { createdByName: 'Erin Editor' }),
      storedLink(2, 'u-ghost', { createdByName: 'Kept Name' }),
    ]);
    const links = await Promise.all(['L0', 'L1', 'L2'].map((id) => h.deps.store.links.get(id.padEnd(22, 'x'))));
    const refreshed = await refreshCreatorNames(h.deps, links.filter((l): l is ShareLink => l !== undefined));
    expect(refreshed).toBe(1);
    const after = await Promise.all(['L0', 'L1', 'L2'].map((id) => h.deps.store.links.get(id.padEnd(22, 'x'))));
    expect(after.map((l) => l?.createdByName)).toEqual(['Omar Operator', 'Erin Editor', 'Kept Name']);
    expect(after.map((l) => l?.version)).toEqual([2, 1, 1]);
  });
});
