import { describe, expect, it } from 'vitest';
import { handlePageEvent, PAGE_EVENTS } from '../../src/app/lifecycle';
import { NOTIFY_DEBOUNCE_MS, performSubscriptionAction, parseSubscriptionPath, requestSubscription } from '../../src/app/notifications';
import { reconcilePageStates, runSweep } from '../../src/app/sweep';
import { defaultSiteSettings } from '../../src/core/defaults';
import { makeAudit } from '../store/store-fixtures';
import { createHarness, pageEvent, type Harness } from './harness';

const DAY = 24 * 60 * 60 * 1000;

const confirmFromLastMail = async (h: Harness): Promise<void> => {
  const mail = h.sent.pop()!;
  const m = /http:\/\/localhost:8787(\/subscriptions\/[^?\s]+\/confirm)\?sig=([A-Za-z0-9_-]+)/.exec(mail.text)!;
  const parsed = parseSubscriptionPath(m[1]!)!;
  expect(await performSubscriptionAction(h.deps, { ...parsed, signature: m[2]! })).toBe('confirmed');
};

describe('scheduled sweep', () => {
  it('two concurrent runs send each due mail exactly once', async () => {
    const h = await createHarness();
    const link = await h.addLink({ expiresAt: h.clock.now() + 2 * DAY });
    await requestSubscription(h.deps, { link, email: 'ann@example.com' });
    await confirmFromLastMail(h);
    await handlePageEvent(pageEvent(PAGE_EVENTS.updated, { id: '1001', title: 'Product Handbook' }), h.deps);
    h.clock.advance(NOTIFY_DEBOUNCE_MS);

    const [a, b] = await Promise.all([runSweep(h.deps), runSweep(h.deps)]);
    expect(a.errors).toEqual({});
    expect(b.errors).toEqual({});
    expect(h.sent.filter((m) => m.kind === 'update')).toHaveLength(1);
    expect(h.sent.filter((m) => m.kind === 'reminder')).toHaveLength(1);
    expect(a.updateMailsSent + b.updateMailsSent).toBe(1);
    expect(a.remindersSent + b.remindersSent).toBe(1);
    // And again, later: still nothing new.
    h.clock.advance(NOTIFY_DEBOUNCE_MS);
    await Promise.all([runSweep(h.deps), runSweep(h.deps)]);
    expect(h.sent).toHaveLength(2);
  });

  it('purges expired ephemeral records and counters, and audit entries past retention', async () => {
    const h = await createHarness();
    const now = h.clock.now();
    await h.store.ephemeral.put({ key: 'otp:old', value: {}, expiresAt: now + 1000 });
    await h.store.ephemeral.put({ key: 'otp:live', value: {}, expiresAt: now + DAY });
    await h.store.counters.increment('attempts:old', now + 1000);
    await h.store.counters.increment('attempts:live', now + DAY);
    const site = defaultSiteSettings(now);
    await h.store.configs.putSite({ ...site, auditRetentionDays: 30, version: 1 }, 0);
    await h.store.audit.append(makeAudit({ id: 'old-entry', at: now - 31 * DAY }));
    await h.store.audit.append(makeAudit({ id: 'recent-entry', at: now - 29 * DAY }));
    h.clock.advance(2000);

    const report = await runSweep(h.deps);
    expect(report.errors).toEqual({});
    expect(report.ephemeralPurged).toBeGreaterThanOrEqual(1);
    expect(report.countersPurged).toBeGreaterThanOrEqual(1);
    expect(report.auditPurged).toBe(1);
    expect(await h.store.ephemeral.get('otp:live', h.clock.now())).toBeDefined();
    expect((await h.store.ephemeral.listByPrefix('otp:', { limit: 10 })).items.map((r) => r.key)).toEqual(['otp:live']);
    expect(await h.store.counters.get('attempts:live')).toBe(1);
    expect(await h.store.counters.get('attempts:old')).toBe(0);
    const ids = (await h.store.audit.list({}, { limit: 100 })).items.map((e) => e.id);
    expect(ids).toContain('recent-entry');
    expect(ids).not.toContain('old-entry');
  });

  it('reconciles page states the events missed (cascading trash), and back', async () => {
    const h = await createHarness();
    const child = await h.addLink({ pageId: '1005', pageTitle: '2026.11' });
    await h.confluence.site.trashPage('1005');
    const first = await reconcilePageStates(h.deps);
    expect(first).toMatchObject({ linksReconciled: 1 });
    expect((await h.store.links.get(child.id))!.pageState).toBe('trashed');
    const audit = (await h.store.audit.list({ linkId: child.id }, { limit: 10 })).items;
    expect(audit).toMatchObject([{ action: 'page_trashed', actor: 'app' }]);

    // A link changed moments ago is left alone (Confluence reads may lag the change).
    await h.confluence.site.restorePage('1005');
    expect(await reconcilePageStates(h.deps)).toMatchObject({ pagesChecked: 0, linksReconciled: 0 });
    h.clock.advance(11 * 60 * 1000);
    expect(await reconcilePageStates(h.deps)).toMatchObject({ linksReconciled: 1 });
    expect((await h.store.links.get(child.id))!.pageState).toBe('current');
  });

  it('one failing step does not stop the others', async () => {
    const h = await createHarness();
    h.store.links.list = async () => {
      throw new Error('store down');
    };
    await h.store.ephemeral.put({ key: 'otp:old', value: {}, expiresAt: h.clock.now() + 1 });
    h.clock.advance(10);
    const report = await runSweep(h.deps);
    expect(report.errors.expiryReminders).toContain('store down');
    expect(report.ephemeralPurged).toBe(1);
  });
});

describe('space ids for links made before links stored them', () => {
  it('the sweep stores the space id where the page is still in the link space, and leaves a link whose page is elsewhere', async () => {
    const h = await createHarness();
    const inPlace = await h.addLink({ pageId: '1001', spaceKey: 'DEMO' });
    const elsewhere = await h.addLink({ pageId: '1002', spaceKey: 'OPS' });
    const demo = await h.deps.content.getSpace('DEMO');
    expect(demo?.id).toBeTruthy();
    await reconcilePageStates(h.deps);
    expect((await h.store.links.get(inPlace.id))?.spaceId).toBe(demo!.id);
    expect((await h.store.links.get(elsewhere.id))?.spaceId).toBeUndefined();
  });
});
