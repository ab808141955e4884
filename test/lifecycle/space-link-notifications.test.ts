/** Subscribers through a whole-space link hear about changes to the space's other root pages (and only the space's). */
import { describe, expect, it } from 'vitest';
import { createLink } from '../../src/app/links';
import { recipientsForPageChange } from '../../src/app/notifications';
import { createHarness, EDITOR } from '../app/harness';

describe('update notifications of whole-space links', () => {
  it('a subscriber of the second root page is told of its change through a space link, not through a page link of the home page', async () => {
    const h = await createHarness('space-notify');
    await h.site.updatePage('1004', { parentId: null });
    const space = await createLink(h.deps, EDITOR, { pageId: '1001', scope: 'space', settings: { allowSubscribe: true } });
    const page = await createLink(h.deps, EDITOR, { pageId: '1001', settings: { allowSubscribe: true, includeChildren: true } });
    const now = h.clock.now();
    for (const [id, linkId] of [
      ['s-space', space.link.id],
      ['s-page', page.link.id],
    ] as const) {
      await h.deps.store.subscriptions.put({ id, linkId, pageId: '1004', email: `${id}@example.com`, createdAt: now, confirmed: true });
    }
    const recipients = await recipientsForPageChange(h.deps, '1004');
    expect(recipients.map((r) => r.subscription.id)).toEqual(['s-space']);
  });
});
