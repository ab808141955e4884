/**
 * Background work as Forge runs it: the Forge-packaged sweep pushes the rest of its mail through the bundled
 * @forge/events to the platform queue, and the packaged consumer (`jobHandler`) works through the batches one
 * event at a time. Data is seeded through the same KVS emulator the packaged code reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_API_KEY_SECRET } from '../../src/adapters/mail/http-mail';
import { MAIL_BATCH_SIZE, SWEEP_INLINE_MAILS } from '../../src/app/mail-batches';
import { PENDING_UPDATE_PREFIX } from '../../src/app/notifications';
import { defaultSiteSettings } from '../../src/core/defaults';
import type { ConfluenceEmulator } from '../../src/dev/confluence-emulator/emulator';
import type { installForgeRuntime } from '../support/forge-runtime/forge-runtime';
import { startPackagedApp } from '../support/forge-runtime/packaged-app';
import { makeLink, makeSubscription } from '../store/store-fixtures';

const SUBSCRIBERS = 250;

type Bundle = Record<string, (...args: unknown[]) => Promise<unknown>>;

let emulator: ConfluenceEmulator;
let runtime: ReturnType<typeof installForgeRuntime>;
let index: Bundle;
const sendgridCalls: { to: string }[] = [];

beforeAll(async () => {
  const app = await startPackagedApp({
    allowedEgress: (url) => url.origin === 'https://api.sendgrid.com',
    egress: async (_url, init) => {
      const body = JSON.parse(String(init?.body ?? '{}')) as { personalizations: { to: { email: string }[] }[] };
      for (const p of body.personalizations) for (const to of p.to) sendgridCalls.push({ to: to.email });
      return new Response(null, { status: 202 });
    },
  });
  ({ emulator, runtime, index } = app);

  // Seed: a mail provider, a link on page 1001, its confirmed subscribers, and a page change that is due.
  const store = app.store;
  const now = Date.now();
  const site = defaultSiteSettings(now);
  await store.configs.putSite({ ...site, email: { provider: 'sendgrid', fromAddress: 'share@acme.example', fromName: 'Secure Share', options: {} }, version: 1 }, 0);
  await store.secrets.set(EMAIL_API_KEY_SECRET, 'SG.test-key');
  const link = makeLink({ pageId: '1001', spaceKey: 'DEMO', pageTitle: 'Product Handbook', createdBy: 'u-editor', allowSubscribe: true, createdAt: now - 3_600_000, updatedAt: now - 3_600_000 });
  await store.links.create(link);
  for (let i = 0; i < SUBSCRIBERS; i += 1) {
    const n = String(i).padStart(4, '0');
    await store.subscriptions.put(makeSubscription({ id: `sub-${n}`, linkId: link.id, pageId: '1001', email: `reader${n}@partner.example`, confirmed: true, createdAt: now }));
  }
  const changedAt = now - 2 * 3_600_000;
  await store.ephemeral.put({
    key: `${PENDING_UPDATE_PREFIX}1001`,
    value: { pageId: '1001', firstAt: changedAt, lastAt: changedAt, count: 1, attempts: 0 },
    expiresAt: now + 86_400_000,
  });
}, 60_000);

afterAll(() => runtime?.uninstall());

describe('background batches in the Forge-packaged app', () => {
  it('the sweep sends a first batch and queues the rest on the manifest queue, one step at a time per kind', async () => {
    await runtime.invokeScheduled(index, 'sweepHandler');
    expect(sendgridCalls).toHaveLength(SWEEP_INLINE_MAILS);
    expect(runtime.stats.queue).toEqual([
      expect.objectContaining({
        queueName: 'secure-share-jobs',
        body: { kind: 'mail-batch', task: 'updates', batch: 1 },
        concurrency: { key: 'secure-share-jobs-mail-updates', limit: 1 },
      }),
    ]);
  });

  it('the consumer works through the batches, each within the egress rate, and a redelivered event sends nothing again', async () => {
    let delivered = 0;
    while (runtime.stats.queue.length > 0) {
      const event = runtime.stats.queue.shift()!;
      const before = sendgridCalls.length;
      await runtime.invokeConsumer(index, 'jobHandler', event, `event-${delivered}`);
      expect(sendgridCalls.length - before).toBeLessThanOrEqual(MAIL_BATCH_SIZE);
      // At-least-once delivery: the same event again.
      await runtime.invokeConsumer(index, 'jobHandler', event, `event-${delivered}`, 1);
      delivered += 1;
      expect(delivered).toBeLessThan(20);
    }
    const recipients = sendgridCalls.map((call) => call.to);
    expect(recipients).toHaveLength(SUBSCRIBERS);
    expect(new Set(recipients).size).toBe(SUBSCRIBERS);
    expect(delivered).toBe(Math.ceil((SUBSCRIBERS - SWEEP_INLINE_MAILS) / MAIL_BATCH_SIZE));
  });

  it('a job body the app did not write is acknowledged and ignored', async () => {
    await expect(runtime.invokeConsumer(index, 'jobHandler', { queueName: 'secure-share-jobs', jobId: 'j', body: { kind: 'evil', x: 1 } }, 'e-x')).resolves.toBeUndefined();
    expect(emulator.stats.specViolations).toEqual([]);
  });
});
