import { describe, expect, it } from 'vitest';
import { NOTIFY_DEBOUNCE_MS, requestSubscription } from '../../src/app/notifications';
import { handlePageEvent, PAGE_EVENTS } from '../../src/app/lifecycle';
import { runSweep } from '../../src/app/sweep';
import type { HttpRequest } from '../../src/web/http';
import { createShareHandler } from '../../src/web/share-handler';
import { createHarness, pageEvent } from './harness';

const request = (method: string, url: string): HttpRequest => {
  const parsed = new URL(url);
  const query: Record<string, string[]> = {};
  for (const [k, v] of parsed.searchParams) (query[k] ??= []).push(v);
  return { method, path: parsed.pathname, headers: {}, query, body: '' };
};

const urlIn = (text: string, action: string): string => {
  const match = new RegExp(`http://localhost:8787/subscriptions/[A-Za-z0-9_-]+/${action}\\?sig=[A-Za-z0-9_-]+`).exec(text);
  expect(match).not.toBeNull();
  return match![0];
};

describe('subscription links served by the share handler', () => {
  it('GET shows a button and changes nothing; POST confirms; the update mail unsubscribe link works', async () => {
    const h = await createHarness();
    const handler = createShareHandler(h.deps);
    const link = await h.addLink();
    await requestSubscription(h.deps, { link, email: 'ann@example.com' });
    const confirmUrl = urlIn(h.sent[0]!.text, 'confirm');

    const shown = await handler(request('GET', confirmUrl));
    expect(shown.status).toBe(200);
    expect(String(shown.body)).toContain('method="post"');
    expect(String(shown.body)).toContain(`action="${confirmUrl.replace(/&/g, '&amp;')}"`);
    expect((await h.store.subscriptions.listByLink(link.id, { limit: 5 })).items[0]!.confirmed).toBe(false);

    const done = await handler(request('POST', confirmUrl));
    expect(done.status).toBe(200);
    expect(String(done.body)).toContain('Subscription confirmed');
    expect((await h.store.subscriptions.listByLink(link.id, { limit: 5 })).items[0]!.confirmed).toBe(true);
    expect(done.headers['Content-Security-Policy']?.[0]).toContain("default-src 'none'");

    await handlePageEvent(pageEvent(PAGE_EVENTS.updated, { id: '1001', title: 'Product Handbook' }), h.deps);
    h.clock.advance(NOTIFY_DEBOUNCE_MS);
    await runSweep(h.deps);
    const update = h.sent.find((m) => m.kind === 'update')!;
    const unsubscribeUrl = urlIn(update.text, 'unsubscribe');
    expect((await handler(request('GET', unsubscribeUrl))).status).toBe(200);
    expect((await h.store.subscriptions.listByLink(link.id, { limit: 5 })).items).toHaveLength(1);
    const gone = await handler(request('POST', unsubscribeUrl));
    expect(String(gone.body)).toContain('You are unsubscribed');
    expect((await h.store.subscriptions.listByLink(link.id, { limit: 5 })).items).toHaveLength(0);
  });

  it('refuses tampered or cross-action signatures, odd methods and malformed ids', async () => {
    const h = await createHarness();
    const handler = createShareHandler(h.deps);
    const link = await h.addLink();
    await requestSubscription(h.deps, { link, email: 'ann@example.com' });
    const confirmUrl = urlIn(h.sent[0]!.text, 'confirm');
    const unsubscribeUrl = urlIn(h.sent[0]!.text, 'unsubscribe');
    const sig = new URL(unsubscribeUrl).searchParams.get('sig')!;
    // The unsubscribe signature does not confirm.
    const crossed = confirmUrl.replace(/sig=.*/, `sig=${sig}`);
    expect((await handler(request('POST', crossed))).status).toBe(400);
    expect((await handler(request('POST', confirmUrl.replace(/sig=.*/, 'sig=')))).status).toBe(400);
    expect((await handler(request('DELETE', confirmUrl))).status).toBe(405);
    expect((await handler(request('GET', 'http://localhost:8787/subscriptions/short/confirm?sig=x'))).status).toBe(404);
    expect((await h.store.subscriptions.listByLink(link.id, { limit: 5 })).items[0]!.confirmed).toBe(false);
  });
});
