import { describe, expect, it } from 'vitest';
import { handlePageEvent, PAGE_EVENTS } from '../../src/app/lifecycle';
import { NOTIFY_DEBOUNCE_MS, recipientsForPageChange } from '../../src/app/notifications';
import { runSweep } from '../../src/app/sweep';
import { createHarness, pageEvent } from './harness';

describe('update notifications never exceed the link creator', () => {
  it('subscribers of a link whose creator cannot read the page hear nothing; the same link of a reader notifies', async () => {
    const h = await createHarness();
    const outsiders = await h.addLink({ createdBy: 'u-outsider' });
    const readers = await h.addLink();
    for (const link of [outsiders, readers]) {
      await h.store.subscriptions.put({
        id: `sub-${link.id}`,
        linkId: link.id,
        pageId: '1001',
        email: `${link.createdBy}@example.com`,
        createdAt: h.clock.now(),
        confirmed: true,
      });
    }
    expect((await recipientsForPageChange(h.deps, '1001')).map((r) => r.link.id)).toEqual([readers.id]);
    await handlePageEvent(pageEvent(PAGE_EVENTS.updated, { id: '1001', title: 'Product Handbook' }), h.deps);
    h.clock.advance(NOTIFY_DEBOUNCE_MS);
    await runSweep(h.deps);
    expect(h.sent.filter((m) => m.kind === 'update').map((m) => m.to[0])).toEqual(['u-editor@example.com']);
  });
});
