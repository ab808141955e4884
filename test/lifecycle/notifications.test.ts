import { describe, expect, it } from 'vitest';
import { handlePageEvent, PAGE_EVENTS } from '../../src/app/lifecycle';
import {
  NOTIFY_DEBOUNCE_MS,
  notifyLinkOpened,
  sendOpenedAlerts,
  parseSubscriptionPath,
  performSubscriptionAction,
  requestSubscription,
} from '../../src/app/notifications';
import { runSweep } from '../../src/app/sweep';
import { defaultSiteSettings } from '../../src/core/defaults';
import type { ShareLink } from '../../src/core/model';
import { createHarness, pageEvent, type Harness } from './harness';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** Follows the signed URL found in the text of a mail, as the recipient would. */
const follow = async (h: Harness, text: string, action: 'confirm' | 'unsubscribe') => {
  const match = new RegExp(`http://localhost:8787(/subscriptions/[^?\\s]+/${action})\\?sig=([A-Za-z0-9_-]+)`).exec(text);
  expect(match).not.toBeNull();
  const parsed = parseSubscriptionPath(match![1]!);
  expect(parsed).toEqual({ id: expect.any(String), action });
  return performSubscriptionAction(h.deps, { id: parsed!.id, action, signature: match![2]! });
};

const subscribe = async (h: Harness, link: ShareLink, email: string, pageId?: string): Promise<void> => {
  await requestSubscription(h.deps, { link, email, ...(pageId ? { pageId } : {}) });
  const confirmation = h.sent.pop()!;
  expect(confirmation.kind).toBe('subscription');
  expect(await follow(h, confirmation.text, 'confirm')).toBe('confirmed');
};

const edit = async (h: Harness, pageId: string, title: string): Promise<void> => {
  await h.confluence.site.updatePage(pageId, { body: `<p>edit at ${h.clock.now()}</p>` });
  await handlePageEvent(pageEvent(PAGE_EVENTS.updated, { id: pageId, title }), h.deps);
};

describe('subscriptions', () => {
  it('needs confirmation; the signed links confirm and unsubscribe; tampered links do nothing', async () => {
    const h = await createHarness();
    const link = await h.addLink();
    await requestSubscription(h.deps, { link, email: ' Ann@Example.com ' });
    expect(h.sent).toHaveLength(1);
    const mail = h.sent[0]!;
    expect(mail.to).toEqual(['ann@example.com']);
    const subs = (await h.store.subscriptions.listByLink(link.id, { limit: 10 })).items;
    expect(subs).toMatchObject([{ email: 'ann@example.com', confirmed: false, pageId: '1001' }]);

    expect(await performSubscriptionAction(h.deps, { id: subs[0]!.id, action: 'confirm', signature: 'x'.repeat(43) })).toBe('invalid');
    expect((await h.store.subscriptions.get(subs[0]!.id))!.confirmed).toBe(false);
    expect(await follow(h, mail.text, 'confirm')).toBe('confirmed');
    expect((await h.store.subscriptions.get(subs[0]!.id))!.confirmed).toBe(true);

    // Asking again when confirmed sends nothing and reveals nothing.
    await requestSubscription(h.deps, { link, email: 'ann@example.com' });
    expect(h.sent).toHaveLength(1);

    expect(await follow(h, mail.text, 'unsubscribe')).toBe('unsubscribed');
    expect(await h.store.subscriptions.get(subs[0]!.id)).toBeUndefined();
    const audit = (await h.store.audit.list({ linkId: link.id }, { limit: 10 })).items;
    expect(audit.map((e) => e.action).sort()).toEqual(['subscribed', 'subscribed', 'unsubscribed']);
    expect(JSON.stringify(audit)).not.toContain('ann@example.com');
  });

  it('refuses links without subscriptions and bad addresses; caps confirmation mails', async () => {
    const h = await createHarness();
    const closed = await h.addLink({ allowSubscribe: false });
    await expect(requestSubscription(h.deps, { link: closed, email: 'a@example.com' })).rejects.toMatchObject({ code: 'forbidden' });
    const link = await h.addLink();
    await expect(requestSubscription(h.deps, { link, email: 'a@example.com\r\nBcc: x@evil.io' })).rejects.toMatchObject({ code: 'invalid_input' });
    for (let i = 0; i < 6; i += 1) await requestSubscription(h.deps, { link, email: 'bob@example.com' });
    expect(h.sent).toHaveLength(3);
    expect((await h.store.subscriptions.listByLink(link.id, { limit: 10 })).items).toHaveLength(1);
  });
});

describe('page update notifications', () => {
  it('a burst of 5 updates sends ONE mail per subscriber, after the quiet period', async () => {
    const h = await createHarness();
    const link = await h.addLink();
    await subscribe(h, link, 'ann@example.com');
    await subscribe(h, link, 'bob@example.com');
    for (let i = 0; i < 5; i += 1) {
      await edit(h, '1001', 'Product Handbook');
      h.clock.advance(2 * MIN);
    }
    // Still inside the burst (last edit 2 minutes ago): nothing yet.
    await runSweep(h.deps);
    expect(h.sent).toHaveLength(0);
    h.clock.advance(NOTIFY_DEBOUNCE_MS);
    const report = await runSweep(h.deps);
    expect(report.updateMailsSent).toBe(2);
    expect(h.sent.map((m) => m.to[0]).sort()).toEqual(['ann@example.com', 'bob@example.com']);
    expect(h.sent[0]!.kind).toBe('update');
    expect(h.sent[0]!.text).toContain('5 edits');
    expect(h.sent[0]!.text).toMatch(/\/subscriptions\/[^/]+\/unsubscribe\?sig=/);
    await runSweep(h.deps);
    h.clock.advance(NOTIFY_DEBOUNCE_MS);
    await runSweep(h.deps);
    expect(h.sent).toHaveLength(2);

    // A later edit is a new burst.
    await edit(h, '1001', 'Product Handbook');
    h.clock.advance(NOTIFY_DEBOUNCE_MS);
    await runSweep(h.deps);
    expect(h.sent).toHaveLength(4);
  });

  it('a page edited without pause still notifies after the maximum delay', async () => {
    const h = await createHarness();
    const link = await h.addLink();
    await subscribe(h, link, 'ann@example.com');
    for (let i = 0; i < 14; i += 1) {
      await edit(h, '1001', 'Product Handbook');
      h.clock.advance(5 * MIN);
      await runSweep(h.deps);
    }
    expect(h.sent).toHaveLength(1);
  });

  it('only changes inside the shared tree reach subscribers (ES-13/CF-10)', async () => {
    const h = await createHarness();
    const link = await h.addLink({ includeChildren: true, withoutLabels: ['internal'] });
    await subscribe(h, link, 'root@example.com');
    for (const pageId of ['1005', '1004', '1007', '2002']) await subscribe(h, link, 'ann@example.com', pageId);
    const cases: Array<[string, string, boolean]> = [
      ['1005', '2026.11', true], // grandchild through an included parent
      ['1004', 'Internal roadmap', false], // excluded by label
      ['1007', '2026 salary bands', false], // below a view-restricted page
      ['2002', 'On-call rota', false], // another space
    ];
    for (const [pageId, title, expected] of cases) {
      h.sent.length = 0;
      await edit(h, pageId, title);
      h.clock.advance(NOTIFY_DEBOUNCE_MS);
      await runSweep(h.deps);
      expect({ pageId, notified: h.sent.length === 1 }).toEqual({ pageId, notified: expected });
      // Subscriptions are per page: the root's subscriber hears nothing about child pages.
      expect(h.sent.some((m) => m.to[0] === 'root@example.com')).toBe(false);
    }
    expect(h.sent).toHaveLength(0);
    // Once the label excludes 1005 from the share, its subscriber is no longer told about it.
    await h.confluence.site.updatePage('1005', { labels: ['public', 'internal'] });
    await edit(h, '1005', '2026.11');
    h.clock.advance(NOTIFY_DEBOUNCE_MS);
    await runSweep(h.deps);
    expect(h.sent).toHaveLength(0);
  });

  it('child changes are not sent when the link does not include children', async () => {
    const h = await createHarness();
    const link = await h.addLink({ includeChildren: false });
    await subscribe(h, link, 'ann@example.com', '1002');
    await edit(h, '1002', 'Getting started');
    h.clock.advance(NOTIFY_DEBOUNCE_MS);
    await runSweep(h.deps);
    expect(h.sent).toHaveLength(0);
  });

  it('no mail for disabled, expired, removed or no-longer-selected links, nor unconfirmed subscribers', async () => {
    const h = await createHarness();
    const disabled = await h.addLink({ pageId: '1002' });
    await subscribe(h, disabled, 'a@example.com');
    await h.store.links.update({ ...(await h.store.links.get(disabled.id))!, status: 'disabled', version: disabled.version + 1 }, disabled.version);
    const expiring = await h.addLink({ pageId: '1002', expiresAt: h.clock.now() + 5 * MIN });
    await subscribe(h, expiring, 'b@example.com');
    const selected = await h.addLink({ pageId: '1002', selectedUsers: ['@partner.com'] });
    await subscribe(h, selected, 'c@example.com');
    await subscribe(h, selected, 'd@partner.com');
    const unconfirmed = await h.addLink({ pageId: '1002' });
    await requestSubscription(h.deps, { link: unconfirmed, email: 'e@example.com' });
    h.sent.length = 0;

    await edit(h, '1002', 'Getting started');
    h.clock.advance(NOTIFY_DEBOUNCE_MS);
    await runSweep(h.deps);
    expect(h.sent.map((m) => m.to[0])).toEqual(['d@partner.com']);
  });

  it('a failed send is retried by the next run for that subscriber only', async () => {
    const h = await createHarness();
    const link = await h.addLink();
    await subscribe(h, link, 'ann@example.com');
    await subscribe(h, link, 'bob@example.com');
    await edit(h, '1001', 'Product Handbook');
    h.clock.advance(NOTIFY_DEBOUNCE_MS);
    h.failNextSends(1);
    const first = await runSweep(h.deps);
    expect(first).toMatchObject({ updateMailsSent: 1, updateMailsFailed: 1 });
    const second = await runSweep(h.deps);
    expect(second).toMatchObject({ updateMailsSent: 1, updateMailsFailed: 0 });
    expect(h.sent.map((m) => m.to[0]).sort()).toEqual(['ann@example.com', 'bob@example.com']);
    await runSweep(h.deps);
    expect(h.sent).toHaveLength(2);
  });
});

describe('creator notifications', () => {
  it('expiry reminder: once per expiry date, re-armed when the link is extended', async () => {
    const h = await createHarness();
    const link = await h.addLink({ expiresAt: h.clock.now() + 2 * DAY });
    await h.addLink({ expiresAt: h.clock.now() + 10 * DAY }); // outside the 3-day window
    await runSweep(h.deps);
    await runSweep(h.deps);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({ to: ['erin.editor@acme.example'], kind: 'reminder' });
    expect(h.sent[0]!.subject).toContain('in 2 days');

    const current = (await h.store.links.get(link.id))!;
    await h.store.links.update({ ...current, expiresAt: current.expiresAt! + DAY, version: current.version + 1 }, current.version);
    h.clock.advance(DAY);
    await runSweep(h.deps);
    expect(h.sent).toHaveLength(2);
  });

  it('respects expiryReminderDays = 0 (off)', async () => {
    const h = await createHarness();
    const site = defaultSiteSettings(h.clock.now());
    await h.store.configs.putSite({ ...site, notifications: { ...site.notifications, expiryReminderDays: 0 }, version: 1 }, 0);
    await h.addLink({ expiresAt: h.clock.now() + DAY });
    await runSweep(h.deps);
    expect(h.sent).toHaveLength(0);
  });

  it('opened alert: off by default; when enabled at most once per link per day, mailed by the sweep, never by the view', async () => {
    const h = await createHarness();
    const link = await h.addLink();
    expect(await notifyLinkOpened(h.deps, link)).toBe(false);
    const site = defaultSiteSettings(h.clock.now());
    await h.store.configs.putSite({ ...site, notifications: { ...site.notifications, openedAlert: true }, version: 1 }, 0);
    const results = await Promise.all([1, 2, 3].map(() => notifyLinkOpened(h.deps, link)));
    expect(results.filter(Boolean)).toHaveLength(1);
    // The view only records the marker: the visitor never waits for the mail provider.
    expect(h.sent).toHaveLength(0);
    expect(await sendOpenedAlerts(h.deps)).toMatchObject({ sent: 1, failed: 0 });
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({ to: ['erin.editor@acme.example'], kind: 'opened' });
    expect(await sendOpenedAlerts(h.deps)).toMatchObject({ sent: 0, failed: 0 });
    h.clock.advance(DAY);
    expect(await notifyLinkOpened(h.deps, link)).toBe(true);
    expect(await notifyLinkOpened(h.deps, link)).toBe(false);
    // A failed send is retried by the next run, once.
    h.failNextSends(1);
    expect(await sendOpenedAlerts(h.deps)).toMatchObject({ sent: 0, failed: 1 });
    expect(await sendOpenedAlerts(h.deps)).toMatchObject({ sent: 1, failed: 0 });
    expect(h.sent).toHaveLength(2);
  });
});
