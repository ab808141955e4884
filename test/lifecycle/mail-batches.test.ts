import { describe, expect, it } from 'vitest';
import { runBackgroundJob } from '../../src/app/background-jobs';
import { handlePageEvent, PAGE_EVENTS } from '../../src/app/lifecycle';
import { MAIL_BATCH_SIZE, MAIL_CHAIN_LEASE_MS, SWEEP_INLINE_MAILS } from '../../src/app/mail-batches';
import { NOTIFY_MAX_DELAY_MS } from '../../src/app/notifications';
import type { BackgroundJob } from '../../src/app/ports';
import { runSweep } from '../../src/app/sweep';
import { defaultSiteSettings } from '../../src/core/defaults';
import { makeSubscription } from '../store/store-fixtures';
import { createHarness, pageEvent, type Harness } from './harness';

const DAY = 24 * 60 * 60 * 1000;
const COUNT = 1000;

/** A queue stand-in: jobs wait until the test delivers them, and the test may lose or repeat one. */
const withQueue = (h: Harness) => {
  const queued: BackgroundJob[] = [];
  h.deps.jobs = { enqueue: (job) => Promise.resolve(void queued.push(structuredClone(job))) };
  return queued;
};

const mailsPerAddress = (h: Harness, kind: string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const mail of h.sent.filter((m) => m.kind === kind)) for (const to of mail.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
};

const subscribersOf = async (h: Harness, count: number) => {
  const link = await h.addLink({ allowSubscribe: true });
  for (let i = 0; i < count; i += 1) {
    const n = String(i).padStart(4, '0');
    await h.store.subscriptions.put(makeSubscription({ id: `sub-${n}`, linkId: link.id, pageId: link.pageId, email: `reader${n}@partner.example`, confirmed: true }));
  }
  await h.confluence.site.updatePage(link.pageId, { body: '<p>changed</p>' });
  await handlePageEvent(pageEvent(PAGE_EVENTS.updated, { id: link.pageId, title: 'Product Handbook' }), h.deps);
  h.clock.advance(NOTIFY_MAX_DELAY_MS + 1);
  return link;
};

describe('scheduled mail in bounded batches', () => {
  it(`${COUNT} subscribers: the sweep sends a first batch, background batches the rest; a crash between batches loses nothing and sends nothing twice`, async () => {
    const h = await createHarness();
    const queued = withQueue(h);
    await subscribersOf(h, COUNT);

    const sweep = await runSweep(h.deps);
    expect(sweep.updateMailsSent).toBe(SWEEP_INLINE_MAILS);
    expect(sweep.mailContinuing).toEqual(['updates']);
    expect(queued).toEqual([{ kind: 'mail-batch', task: 'updates', batch: 1 }]);

    let batches = 0;
    let crashed = false;
    while (queued.length > 0) {
      const job = queued.shift()!;
      const outcome = await runBackgroundJob(h.deps, job);
      batches += 1;
      expect(outcome).toMatchObject({ job: 'mail-batch', sent: expect.any(Number) });
      expect((outcome as { sent: number }).sent).toBeLessThanOrEqual(MAIL_BATCH_SIZE);
      // The same event delivered again (at-least-once queue) does nothing.
      expect(await runBackgroundJob(h.deps, job)).toEqual({ ignored: true, reason: 'not the next batch of a live chain' });
      if (batches === 3 && !crashed) {
        // The invocation dies after its batch: the next event is never delivered.
        crashed = true;
        queued.length = 0;
        // While the dead chain's lease lives, a sweep leaves the mail alone.
        expect((await runSweep(h.deps)).mailContinuing).toEqual(['updates']);
        expect(queued).toEqual([]);
        h.clock.advance(MAIL_CHAIN_LEASE_MS + 1);
        const resumed = await runSweep(h.deps);
        expect(resumed.updateMailsSent).toBe(SWEEP_INLINE_MAILS);
        expect(queued).toHaveLength(1);
      }
    }
    const counts = mailsPerAddress(h, 'update');
    expect(counts.size).toBe(COUNT);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(batches).toBeGreaterThanOrEqual(Math.ceil((COUNT - 2 * SWEEP_INLINE_MAILS) / MAIL_BATCH_SIZE));
    // Done: the next sweep finds nothing to send.
    const after = await runSweep(h.deps);
    expect(after.updateMailsSent).toBe(0);
    expect(queued).toEqual([]);
  });

  it('a batch whose invocation fails midway is delivered again and completes without a second mail to anyone', async () => {
    const h = await createHarness();
    const queued = withQueue(h);
    await subscribersOf(h, 300);
    await runSweep(h.deps);
    const job = queued.shift()!;
    // The store fails when the batch records its progress, after its mails went out: the invocation throws.
    const realPut = h.deps.store.ephemeral.put.bind(h.deps.store.ephemeral);
    let failOnce = true;
    h.deps.store.ephemeral.put = async (record) => {
      if (failOnce && record.key.startsWith('notify-pending:')) {
        failOnce = false;
        throw new Error('invocation killed');
      }
      return realPut(record);
    };
    await expect(runBackgroundJob(h.deps, job)).rejects.toThrow('invocation killed');
    expect(queued).toEqual([]);
    // The platform retries the failed event.
    queued.push(job);
    while (queued.length > 0) await runBackgroundJob(h.deps, queued.shift()!);
    const counts = mailsPerAddress(h, 'update');
    expect(counts.size).toBe(300);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('a mail provider that fails ends the chain without losing anyone; the next sweep carries on', async () => {
    const h = await createHarness();
    const queued = withQueue(h);
    await subscribersOf(h, 200);
    await runSweep(h.deps);
    h.failNextSends(10_000);
    expect(await runBackgroundJob(h.deps, queued.shift()!)).toMatchObject({ sent: 0, done: true });
    expect(queued).toEqual([]);
    h.failNextSends(0);
    h.clock.advance(60 * 60 * 1000);
    await runSweep(h.deps);
    while (queued.length > 0) await runBackgroundJob(h.deps, queued.shift()!);
    const counts = mailsPerAddress(h, 'update');
    expect(counts.size).toBe(200);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it(`${COUNT} expiry reminders go out in batches, once each, across a crash between batches`, async () => {
    const h = await createHarness();
    const queued = withQueue(h);
    const site = defaultSiteSettings(h.clock.now());
    await h.store.configs.putSite({ ...site, notifications: { ...site.notifications, expiryReminderDays: 3 }, version: 1 }, 0);
    for (let i = 0; i < COUNT; i += 1) await h.addLink({ name: `Partner link ${i}`, expiresAt: h.clock.now() + DAY + i });

    const sweep = await runSweep(h.deps);
    expect(sweep.remindersSent).toBe(SWEEP_INLINE_MAILS);
    expect(queued).toEqual([{ kind: 'mail-batch', task: 'reminders', batch: 1 }]);
    let batches = 0;
    while (queued.length > 0) {
      await runBackgroundJob(h.deps, queued.shift()!);
      batches += 1;
      if (batches === 2) {
        queued.length = 0;
        h.clock.advance(MAIL_CHAIN_LEASE_MS + 1);
        await runSweep(h.deps);
      }
    }
    const reminders = h.sent.filter((m) => m.kind === 'reminder');
    expect(reminders).toHaveLength(COUNT);
    // One reminder per link: the subject names the link, and no link is named twice.
    expect(new Set(reminders.map((m) => m.text)).size).toBe(COUNT);
  });

  it('without a job queue (local mode) the sweep runs every batch itself', async () => {
    const h = await createHarness();
    await subscribersOf(h, 250);
    const sweep = await runSweep(h.deps);
    expect(sweep.updateMailsSent).toBe(250);
    expect(sweep.mailBatches).toBeGreaterThanOrEqual(Math.ceil(250 / MAIL_BATCH_SIZE));
    expect(sweep.mailContinuing).toEqual([]);
  });

  it('a provider that is down stops the chain even when a batch also gets past mail sent before', async () => {
    const h = await createHarness();
    const queued = withQueue(h);
    const site = defaultSiteSettings(h.clock.now());
    await h.store.configs.putSite({ ...site, notifications: { ...site.notifications, expiryReminderDays: 3 }, version: 1 }, 0);
    for (let i = 0; i < 150; i += 1) await h.addLink({ name: `Partner link ${i}`, expiresAt: h.clock.now() + DAY + i });
    // The sweep's own batch reminds some; then the provider goes down for good.
    await runSweep(h.deps);
    expect(h.sent.filter((m) => m.kind === 'reminder')).toHaveLength(SWEEP_INLINE_MAILS);
    h.failNextSends(1_000_000);
    let batches = 0;
    while (queued.length > 0 && batches < 10) {
      await runBackgroundJob(h.deps, queued.shift()!);
      batches += 1;
    }
    expect(batches).toBe(1);
    expect(queued).toEqual([]);
    // Back up: the next sweep sends the rest, once each.
    h.failNextSends(0);
    h.clock.advance(60 * 60 * 1000);
    await runSweep(h.deps);
    while (queued.length > 0) await runBackgroundJob(h.deps, queued.shift()!);
    const reminders = h.sent.filter((m) => m.kind === 'reminder');
    expect(reminders).toHaveLength(150);
    expect(new Set(reminders.map((m) => m.text)).size).toBe(150);
  });

  it('a link list that keeps failing fails the reminder step instead of looping, and the other steps still run', async () => {
    const h = await createHarness();
    const site = defaultSiteSettings(h.clock.now());
    await h.store.configs.putSite({ ...site, notifications: { ...site.notifications, expiryReminderDays: 3 }, version: 1 }, 0);
    for (let i = 0; i < 150; i += 1) await h.addLink({ expiresAt: h.clock.now() + DAY + i });
    const realList = h.deps.store.links.list.bind(h.deps.store.links);
    let calls = 0;
    h.deps.store.links.list = async (filter, page) => {
      calls += 1;
      if (page.cursor !== undefined && calls < 1000) throw new Error('store unavailable');
      return realList(filter, page);
    };
    const report = await runSweep(h.deps);
    expect(report.errors['expiryReminders']).toBe('store unavailable');
    expect(calls).toBeLessThan(10);
  });
});
