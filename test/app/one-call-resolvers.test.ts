/**
 * Forge review rubric CST-01: the resolvers that open a screen return what it first shows. getPageSharing's
 * links carry their view counts; getSpaceConfig brings the first page of the space's links with counts; the
 * lists (listSpaceLinks, listAllLinks) carry counts too, so no screen needs a getLinkStats call after them.
 */
import { describe, expect, it } from 'vitest';
import { createLink } from '../../src/app/links';
import { createResolverRegistry, invokeResolver } from '../../src/app/resolvers';
import { SPACE_LINKS_FIRST_PAGE } from '../../src/shared/contract';
import { createHarness, EDITOR, SITE_ADMIN, SPACE_ADMIN, VIEWER } from './harness';

const world = async () => {
  const h = await createHarness();
  const a = await createLink(h.deps, EDITOR, { pageId: '1001', settings: { name: 'A' } });
  const b = await createLink(h.deps, EDITOR, { pageId: '1001', settings: { name: 'B' } });
  await h.deps.store.stats.recordView(a.link.id, h.clock.now());
  await h.deps.store.stats.recordView(a.link.id, h.clock.now());
  const call = (key: string, payload: unknown, accountId: string) =>
    invokeResolver(createResolverRegistry(), key, { payload, context: { accountId } }, h.deps, () => undefined) as Promise<{ ok: boolean; data?: any; error?: any }>;
  return { h, a: a.link, b: b.link, call };
};

const countsOf = (items: { id: string; stats?: { views: number } }[]) => Object.fromEntries(items.map((l) => [l.id, l.stats?.views]));

describe('resolvers that open a screen', () => {
  it('getPageSharing: every link comes with its view counts', async () => {
    const { a, b, call } = await world();
    const result = await call('getPageSharing', { pageId: '1001' }, EDITOR.accountId);
    expect(result.ok).toBe(true);
    expect(countsOf(result.data.links)).toEqual({ [a.id]: 2, [b.id]: 0 });
  });

  it('getSpaceConfig: the configuration with the first page of links and their counts', async () => {
    const { a, b, call } = await world();
    const result = await call('getSpaceConfig', { spaceKey: 'DEMO' }, SPACE_ADMIN.accountId);
    expect(result.ok).toBe(true);
    expect(result.data.config.spaceKey).toBe('DEMO');
    expect(result.data.links.items.length).toBeLessThanOrEqual(SPACE_LINKS_FIRST_PAGE);
    expect(countsOf(result.data.links.items)).toEqual({ [a.id]: 2, [b.id]: 0 });
  });

  it('getSpaceConfig refused: no links leave with the refusal', async () => {
    const { call } = await world();
    const result = await call('getSpaceConfig', { spaceKey: 'DEMO' }, VIEWER.accountId);
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(JSON.stringify(result)).not.toContain('"items"');
  });

  it('listSpaceLinks and listAllLinks: counts on every row', async () => {
    const { a, b, call } = await world();
    const space = await call('listSpaceLinks', { spaceKey: 'DEMO' }, SPACE_ADMIN.accountId);
    expect(countsOf(space.data.items)).toEqual({ [a.id]: 2, [b.id]: 0 });
    const all = await call('listAllLinks', {}, SITE_ADMIN.accountId);
    expect(countsOf(all.data.items)).toEqual({ [a.id]: 2, [b.id]: 0 });
  });
});
