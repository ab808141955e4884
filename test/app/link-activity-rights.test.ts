/**
 * Who may read one link's activity and statistics (the share dialog's "Activity" and view counts):
 * the page's editors too, not only the link's creator; never a mere viewer of the page.
 */
import { describe, expect, it } from 'vitest';
import { createResolverRegistry, invokeResolver } from '../../src/app/resolvers';
import type { AuditEntry } from '../../src/core/model';
import { createHarness, type Harness } from '../lifecycle/harness';
import { makeAudit } from '../store/store-fixtures';

const call = (h: Harness, key: string, accountId: string, payload: unknown) =>
  invokeResolver(createResolverRegistry(), key, { payload, context: { accountId } }, h.deps, () => undefined);

const seed = async (h: Harness) => {
  // Created by a colleague who has since left: u-editor did not create it but edits its page (DEMO 1001).
  const colleagues = await h.addLink({ createdBy: 'u-former-colleague' });
  const ops = await h.addLink({ createdBy: 'u-ops', pageId: '2002', spaceKey: 'OPS', pageTitle: 'On-call rota' });
  for (let i = 0; i < 3; i += 1) {
    await h.store.audit.append(makeAudit({ at: h.clock.now() - i * 1000, linkId: colleagues.id, spaceKey: 'DEMO', pageId: '1001', action: 'view_allowed' }));
  }
  await h.store.audit.append(makeAudit({ linkId: ops.id, spaceKey: 'OPS', pageId: '2002', action: 'view_allowed' }));
  await h.store.stats.recordView(colleagues.id, h.clock.now() - 5000);
  return { colleagues, ops };
};

describe('link activity and statistics rights', () => {
  it('an editor of the page reads the activity of a link someone else created, newest first and paginated', async () => {
    const h = await createHarness();
    const { colleagues } = await seed(h);
    const first = (await call(h, 'getAuditLog', 'u-editor', { linkId: colleagues.id, limit: 2 })) as {
      ok: true;
      data: { items: AuditEntry[]; nextCursor?: string };
    };
    expect(first.ok).toBe(true);
    expect(first.data.items).toHaveLength(2);
    expect(first.data.items.every((e) => e.linkId === colleagues.id)).toBe(true);
    expect(first.data.items[0]!.at).toBeGreaterThan(first.data.items[1]!.at);
    expect(first.data.nextCursor).toBeDefined();
    const second = (await call(h, 'getAuditLog', 'u-editor', { linkId: colleagues.id, limit: 2, cursor: first.data.nextCursor })) as {
      data: { items: AuditEntry[]; nextCursor?: string };
    };
    expect(second.data.items).toHaveLength(1);
    expect(second.data.nextCursor).toBeUndefined();

    expect(await call(h, 'getLinkStats', 'u-editor', { linkIds: [colleagues.id] })).toEqual({
      ok: true,
      data: { stats: [{ linkId: colleagues.id, views: 1, lastOpenedAt: h.clock.now() - 5000 }] },
    });
  });

  it('a viewer of the page, or an outsider, reads neither', async () => {
    const h = await createHarness();
    const { colleagues } = await seed(h);
    for (const who of ['u-viewer', 'u-outsider']) {
      expect(await call(h, 'getAuditLog', who, { linkId: colleagues.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await call(h, 'getLinkStats', who, { linkIds: [colleagues.id] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });

  it('statistics for a list: allowed when every link is readable, refused when one is not', async () => {
    const h = await createHarness();
    const { colleagues, ops } = await seed(h);
    // The DEMO space admin administers the colleague's link but neither edits nor administers the OPS page.
    expect(await call(h, 'getLinkStats', 'u-space-admin', { linkIds: [colleagues.id] })).toMatchObject({ ok: true });
    expect(await call(h, 'getLinkStats', 'u-space-admin', { linkIds: [colleagues.id, ops.id] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // u-editor edits pages in both spaces.
    const both = (await call(h, 'getLinkStats', 'u-editor', { linkIds: [colleagues.id, ops.id] })) as { ok: true; data: { stats: Array<{ linkId: string; views: number }> } };
    expect(both.data.stats.map((s) => [s.linkId, s.views])).toEqual([
      [colleagues.id, 1],
      [ops.id, 0],
    ]);
  });

  it('statistics ask Confluence once per distinct space and page, not per link', async () => {
    const h = await createHarness();
    const links = await Promise.all(Array.from({ length: 6 }, () => h.addLink({ createdBy: 'u-former-colleague' })));
    let rightsCalls = 0;
    const { rights } = h.deps;
    h.deps.rights = {
      ...rights,
      pageEditable: async (...args) => {
        rightsCalls += 1;
        return rights.pageEditable(...args);
      },
      isSpaceAdmin: async (...args) => {
        rightsCalls += 1;
        return rights.isSpaceAdmin(...args);
      },
    };
    expect(await call(h, 'getLinkStats', 'u-editor', { linkIds: links.map((l) => l.id) })).toMatchObject({ ok: true });
    // isSiteAdmin may be asked too; one space and one page are asked once each.
    expect(rightsCalls).toBe(2);
  });

  it('a failing permission check is reported as unavailable, not as forbidden', async () => {
    const h = await createHarness();
    const { colleagues } = await seed(h);
    h.deps.rights = {
      ...h.deps.rights,
      pageEditable: async () => {
        throw new Error('Confluence is down');
      },
    };
    expect(await call(h, 'getLinkStats', 'u-editor', { linkIds: [colleagues.id] })).toMatchObject({ ok: false, error: { code: 'upstream_unavailable' } });
  });
});
