/**
 * Forge review rubric CST-17 / PRF-06 / PRF-10: the hourly expiry reminders ask the store for active links
 * expiring inside the reminder window (index by-status-expiry) instead of reading every active link.
 */
import { describe, expect, it } from 'vitest';
import { sendExpiryReminders } from '../../src/app/notifications';
import type { LinkFilter } from '../../src/app/ports';
import { createHarness } from './harness';

const DAY = 24 * 3_600_000;

describe('expiry reminders read only the links they remind of', () => {
  it('300 active links, 3 expiring inside the window: the reminder step reads 3 links, and mails their creator', async () => {
    const h = await createHarness();
    const now = h.clock.now();
    const due = [];
    for (let i = 0; i < 300; i += 1) {
      const expiresAt = i % 3 === 0 ? null : now + (10 + i) * DAY; // never, or far beyond the 3-day window
      await h.addLink({ expiresAt });
    }
    for (const days of [1, 2, 2.5]) due.push(await h.addLink({ expiresAt: now + days * DAY }));
    await h.addLink({ expiresAt: now - DAY }); // already expired

    const listed: { filter: LinkFilter; count: number }[] = [];
    const list = h.deps.store.links.list.bind(h.deps.store.links);
    h.deps.store.links.list = async (filter, page) => {
      const result = await list(filter, page);
      listed.push({ filter, count: result.items.length });
      return result;
    };

    const result = await sendExpiryReminders(h.deps);
    expect(result.sent).toBe(3);
    expect(listed.every((call) => call.filter.expiring !== undefined && call.filter.status === 'active')).toBe(true);
    expect(listed.reduce((sum, call) => sum + call.count, 0)).toBe(3);
    expect(h.sent.filter((m) => m.kind === 'reminder')).toHaveLength(3);
  });
});
