/**
 * resetApp against the KVS adapter with the emulator's eventually consistent indexes left visible:
 * exact counts, nothing left behind, and a reset too large for one call continues as background steps.
 */
import { describe, expect, it } from 'vitest';
import type { BackgroundJob, ResetJob } from '../../src/app/ports';
import { resetApp, runResetStep } from '../../src/app/reset';
import { makeLink, makeSubscription } from '../store/store-fixtures';
import { createHarness, SITE_ADMIN, type Harness } from './harness';

/** Index writes land 6 requests or 100 ms later (the emulator's default): a reset starts before they do. */
const lagging = () => createHarness('reset', { store: 'kvs', settledLists: false });
const PAUSE = 150;

const seedLinks = async (h: Harness, count: number) => {
  const links = Array.from({ length: count }, (_, i) => makeLink({ createdAt: h.clock.now() + i }));
  for (let i = 0; i < links.length; i += 25) await Promise.all(links.slice(i, i + 25).map((l) => h.deps.store.links.create(l)));
  return links;
};

const auditDetails = async (h: Harness, action: 'links_reset' | 'full_reset' = 'links_reset') => {
  h.kvs!.settleIndexes();
  return (await h.deps.store.audit.list({ action }, { limit: 10 })).items.map((e) => e.detail);
};

describe('resetApp over KVS with lagging indexes', () => {
  it('counts each link once, including links the index does not show yet, and deletes their subscriptions', async () => {
    const h = await lagging();
    const older = await seedLinks(h, 3);
    const sub = makeSubscription({ linkId: older[1]!.id });
    await h.deps.store.subscriptions.put(sub);
    h.kvs!.settleIndexes();
    // Two links the index has not caught up with, and one deletion it has not seen yet.
    const newer = await seedLinks(h, 2);
    await h.deps.store.links.delete(older[0]!.id);

    const outcome = await resetApp(h.deps, SITE_ADMIN, { mode: 'links', confirmation: 'DELETE ALL LINKS' }, { confirmPauseMs: PAUSE });

    expect(outcome).toEqual({ mode: 'links', deletedLinks: 4, continuing: false });
    for (const link of [...older, ...newer]) expect(await h.deps.store.links.get(link.id)).toBeUndefined();
    expect(await h.deps.store.subscriptions.get(sub.id)).toBeUndefined();
    expect(await auditDetails(h)).toEqual(['4 link(s) deleted']);
  });

  it('a full reset counts exactly and leaves only its own audit entry', async () => {
    const h = await lagging();
    await seedLinks(h, 7);
    await h.deps.store.secrets.set('hmac', 'k');
    const outcome = await resetApp(h.deps, SITE_ADMIN, { mode: 'full', confirmation: 'RESET SECURE SHARE' }, { confirmPauseMs: PAUSE });
    expect(outcome).toEqual({ mode: 'full', deletedLinks: 7, continuing: false });
    const left = h.kvs!.dump();
    expect(Object.keys(left)).toEqual(['entity:audit-entry']);
    expect(await auditDetails(h, 'full_reset')).toEqual(['full reset: 7 link(s) and all settings deleted']);
  });

  it('out of time, it hands the rest to a background job, step after step, and audits once at the end', async () => {
    const h = await lagging();
    const links = await seedLinks(h, 130);
    const queued: BackgroundJob[] = [];
    h.deps.jobs = { enqueue: (job) => Promise.resolve(void queued.push(job)) };
    // Real time passes 1 ms per look at the clock; each step may spend 6 of them.
    let t = 0;
    const now = () => ++t;

    const first = await resetApp(h.deps, SITE_ADMIN, { mode: 'links', confirmation: 'DELETE ALL LINKS' }, { now, deadline: 6, confirmPauseMs: PAUSE });
    expect(first.continuing).toBe(true);
    expect(first.deletedLinks).toBeGreaterThan(0);
    expect(first.deletedLinks).toBeLessThan(130);
    expect(queued).toHaveLength(1);
    expect(await auditDetails(h)).toEqual([]);

    let last = first;
    for (let steps = 0; queued.length > 0; steps++) {
      expect(steps).toBeLessThan(50);
      const job = queued.shift() as ResetJob;
      expect(job).toMatchObject({ kind: 'reset', mode: 'links', actor: SITE_ADMIN.accountId, deletedLinks: last.deletedLinks });
      last = await runResetStep(h.deps, job, { now, deadline: t + 6, confirmPauseMs: PAUSE });
    }
    expect(last).toEqual({ mode: 'links', deletedLinks: 130, continuing: false });
    for (const link of links) expect(await h.deps.store.links.get(link.id)).toBeUndefined();
    expect(await auditDetails(h)).toEqual(['130 link(s) deleted']);
  });

  it('a step delivered twice (at-least-once queue) does not count or delete anything twice', async () => {
    const h = await lagging();
    await seedLinks(h, 5);
    const job: ResetJob = { kind: 'reset', mode: 'links', actor: SITE_ADMIN.accountId, deletedLinks: 0, step: 1 };
    expect(await runResetStep(h.deps, job, { confirmPauseMs: PAUSE })).toMatchObject({ deletedLinks: 5, continuing: false });
    expect(await runResetStep(h.deps, job, { confirmPauseMs: PAUSE })).toMatchObject({ deletedLinks: 0, continuing: false });
  });
});
