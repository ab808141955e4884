import { describe, expect, it } from 'vitest';
import { handlePageEvent, PAGE_EVENTS, updateLinkWithRetry } from '../../src/app/lifecycle';
import { loadSpacePolicy, toLinkView } from '../../src/app/link-views';
import { DomainError } from '../../src/core/errors';
import type { ShareLink } from '../../src/core/model';
import { createHarness, pageEvent, type Harness } from './harness';

const statusInList = async (h: Harness, link: ShareLink): Promise<string> => {
  const stored = await h.store.links.get(link.id);
  const sp = await loadSpacePolicy(h.deps, stored!.spaceKey);
  return toLinkView(stored!, sp.policy, h.clock.now()).effectiveStatus;
};

const auditActions = async (h: Harness, linkId: string): Promise<string[]> =>
  (await h.store.audit.list({ linkId }, { limit: 100 })).items.map((e) => e.action);

describe('page lifecycle events (real payload shapes)', () => {
  it('trash → every link of the page is page_removed in lists; restore → active again; each audited once', async () => {
    const h = await createHarness();
    const a = await h.addLink({ pageId: '1002', pageTitle: 'Getting started' });
    const b = await h.addLink({ pageId: '1002', pageTitle: 'Getting started', status: 'disabled' });
    const other = await h.addLink({ pageId: '1003', pageTitle: 'Release notes' });
    await h.confluence.site.trashPage('1002');

    const trashed = await handlePageEvent(pageEvent(PAGE_EVENTS.trashed, { id: '1002', title: 'Getting started', status: 'trashed' }), h.deps);
    expect(trashed).toEqual({ outcome: 'state_changed', pageId: '1002', pageState: 'trashed', linksChanged: 2 });
    expect(await statusInList(h, a)).toBe('page_removed');
    expect((await h.store.links.get(b.id))!.pageState).toBe('trashed');
    expect(await statusInList(h, other)).toBe('active');
    expect((await h.store.links.get(a.id))!.version).toBe(a.version + 1);

    // Forge may deliver the same event twice: nothing changes, nothing is audited again.
    await handlePageEvent(pageEvent(PAGE_EVENTS.trashed, { id: '1002', title: 'Getting started', status: 'trashed' }), h.deps);
    expect(await auditActions(h, a.id)).toEqual(['page_trashed']);

    h.clock.advance(1000);
    await h.confluence.site.restorePage('1002');
    const restored = await handlePageEvent(pageEvent(PAGE_EVENTS.restored, { id: '1002', title: 'Getting started' }), h.deps);
    expect(restored).toMatchObject({ outcome: 'state_changed', pageState: 'current', linksChanged: 2 });
    expect(await statusInList(h, a)).toBe('active');
    expect(await auditActions(h, a.id)).toEqual(['page_restored', 'page_trashed']);
    const entry = (await h.store.audit.list({ linkId: a.id, action: 'page_trashed' }, { limit: 1 })).items[0]!;
    expect(entry).toMatchObject({ pageId: '1002', spaceKey: 'DEMO', actor: '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077' });
    expect(entry.detail).toContain('"Getting started"');
  });

  it('deleted (purged) → deleted; archived → removed and unarchived → back', async () => {
    const h = await createHarness();
    const link = await h.addLink({ pageId: '1004', pageTitle: 'Internal roadmap' });
    await handlePageEvent(pageEvent(PAGE_EVENTS.archived, { id: '1004', title: 'Internal roadmap', status: 'archived' }), h.deps);
    expect(await statusInList(h, link)).toBe('page_removed');
    h.clock.advance(1000);
    await handlePageEvent(pageEvent(PAGE_EVENTS.unarchived, { id: '1004', title: 'Internal roadmap' }), h.deps);
    expect(await statusInList(h, link)).toBe('active');
    h.clock.advance(1000);
    await handlePageEvent(pageEvent(PAGE_EVENTS.deleted, { id: '1004', title: 'Internal roadmap', status: 'deleted' }), h.deps);
    expect((await h.store.links.get(link.id))!.pageState).toBe('deleted');
    expect(await statusInList(h, link)).toBe('page_removed');
    expect(await auditActions(h, link.id)).toEqual(['page_deleted', 'page_restored', 'page_trashed']);
  });

  it('updated: notes the change for the debounce, keeps the link title in sync, ignores selfGenerated', async () => {
    const h = await createHarness();
    const link = await h.addLink({ pageId: '1002', pageTitle: 'Getting started' });
    // A page nobody follows records nothing.
    await handlePageEvent(pageEvent(PAGE_EVENTS.updated, { id: '1002', title: 'Getting started' }), h.deps);
    expect((await h.store.ephemeral.listByPrefix('notify-pending:', { limit: 10 })).items).toHaveLength(0);
    await h.store.subscriptions.put({ id: 'S000000000000000000001', linkId: link.id, pageId: '1002', email: 'ann@example.com', createdAt: h.clock.now(), confirmed: true });
    const self = await handlePageEvent(pageEvent(PAGE_EVENTS.updated, { id: '1002', title: 'Renamed' }, { selfGenerated: true }), h.deps);
    expect(self).toEqual({ outcome: 'ignored', reason: 'self_generated' });
    expect((await h.store.ephemeral.listByPrefix('notify-pending:', { limit: 10 })).items).toHaveLength(0);

    const noted = await handlePageEvent(pageEvent(PAGE_EVENTS.updated, { id: '1002', title: 'Getting started (v2)' }), h.deps);
    expect(noted).toEqual({ outcome: 'update_noted', pageId: '1002', linksRetitled: 1 });
    expect((await h.store.links.get(link.id))!.pageTitle).toBe('Getting started (v2)');
    const pending = (await h.store.ephemeral.listByPrefix('notify-pending:', { limit: 10 })).items;
    expect(pending.map((p) => p.key)).toEqual(['notify-pending:1002']);
  });

  it('acknowledges malformed, non-page and unhandled events without throwing', async () => {
    const h = await createHarness();
    expect(await handlePageEvent(undefined, h.deps)).toEqual({ outcome: 'ignored', reason: 'malformed' });
    expect(await handlePageEvent({ eventType: PAGE_EVENTS.trashed }, h.deps)).toEqual({ outcome: 'ignored', reason: 'malformed' });
    expect(await handlePageEvent({ eventType: PAGE_EVENTS.trashed, content: { id: { evil: 1 } } }, h.deps)).toEqual({ outcome: 'ignored', reason: 'malformed' });
    const blog = pageEvent('avi:confluence:trashed:blogpost', { id: '1002', title: 'x' });
    (blog.content as Record<string, unknown>).type = 'blogpost';
    expect(await handlePageEvent(blog, h.deps)).toEqual({ outcome: 'ignored', reason: 'not_a_page' });
    expect(await handlePageEvent(pageEvent('avi:confluence:liked:page', { id: '1002', title: 'x' }), h.deps)).toEqual({ outcome: 'ignored', reason: 'unhandled_event' });
  });

  it('accepts a numeric content id', async () => {
    const h = await createHarness();
    const link = await h.addLink({ pageId: '1002' });
    const event = pageEvent(PAGE_EVENTS.trashed, { id: '1002', title: 'Getting started' });
    (event.content as Record<string, unknown>).id = 1002;
    await handlePageEvent(event, h.deps);
    expect((await h.store.links.get(link.id))!.pageState).toBe('trashed');
  });

  it('retries a version-checked write when a concurrent edit wins, keeping both changes', async () => {
    const h = await createHarness();
    const link = await h.addLink({ pageId: '1002', name: 'Before' });
    const realUpdate = h.store.links.update.bind(h.store.links);
    let interfered = false;
    h.store.links.update = async (next, expected) => {
      if (!interfered) {
        interfered = true;
        // An editor renames the link between our read and our write.
        const current = (await h.store.links.get(link.id))!;
        await realUpdate({ ...current, name: 'Renamed by editor', version: current.version + 1 }, current.version);
      }
      return realUpdate(next, expected);
    };
    await handlePageEvent(pageEvent(PAGE_EVENTS.trashed, { id: '1002', title: 'Getting started' }), h.deps);
    const stored = (await h.store.links.get(link.id))!;
    expect(stored).toMatchObject({ name: 'Renamed by editor', pageState: 'trashed', version: link.version + 2 });
  });

  it('gives up with version_conflict (so Forge retries the event) when the link never settles', async () => {
    const h = await createHarness();
    const link = await h.addLink({ pageId: '1002' });
    h.store.links.update = async () => {
      throw new DomainError('version_conflict', 'changed');
    };
    await expect(updateLinkWithRetry(h.deps, link.id, () => ({ pageState: 'trashed' }))).rejects.toMatchObject({ code: 'version_conflict' });
  });
});

describe('a page with many links', () => {
  it('trashing it writes a bounded batch per invocation and continues in background batches, each link changed and audited once', async () => {
    const { PAGE_STATE_BATCH } = await import('../../src/app/lifecycle');
    const { runBackgroundJob } = await import('../../src/app/background-jobs');
    const h = await createHarness();
    const total = PAGE_STATE_BATCH * 2 + 37;
    const links = [];
    for (let i = 0; i < total; i += 1) links.push(await h.addLink({ pageId: '1002', pageTitle: 'Getting started' }));
    const queued: unknown[] = [];
    h.deps.jobs = { enqueue: (job) => Promise.resolve(void queued.push(structuredClone(job))) };
    await h.confluence.site.trashPage('1002');

    const first = await handlePageEvent(pageEvent(PAGE_EVENTS.trashed, { id: '1002', title: 'Getting started', status: 'trashed' }), h.deps);
    expect(first).toEqual({ outcome: 'state_changed', pageId: '1002', pageState: 'trashed', linksChanged: PAGE_STATE_BATCH });
    expect(queued).toEqual([expect.objectContaining({ kind: 'page-state', pageId: '1002', state: 'trashed', action: 'page_trashed', batch: 1, after: expect.any(String) })]);
    let changed = PAGE_STATE_BATCH;
    while (queued.length > 0) {
      const job = queued.shift();
      const outcome = (await runBackgroundJob(h.deps, job)) as { linksChanged: number };
      expect(outcome.linksChanged).toBeLessThanOrEqual(PAGE_STATE_BATCH);
      changed += outcome.linksChanged;
      // Delivered twice: it can only take on links still to change, never one already changed.
      changed += ((await runBackgroundJob(h.deps, job)) as { linksChanged: number }).linksChanged;
    }
    expect(changed).toBe(total);
    for (const link of links) {
      expect((await h.store.links.get(link.id))!.pageState).toBe('trashed');
      expect(await auditActions(h, link.id)).toEqual(['page_trashed']);
    }
  });

  it('a batch that finds its links already changed still goes on to the rest (lagging index, earlier partial runs)', async () => {
    const { PAGE_STATE_BATCH } = await import('../../src/app/lifecycle');
    const { runBackgroundJob } = await import('../../src/app/background-jobs');
    const h = await createHarness();
    const links = [];
    for (let i = 0; i < PAGE_STATE_BATCH * 3; i += 1) links.push(await h.addLink({ pageId: '1002', pageTitle: 'Getting started' }));
    // The middle third was already trashed by an earlier, interrupted run.
    const byId = [...links].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const link of byId.slice(PAGE_STATE_BATCH, 2 * PAGE_STATE_BATCH)) await updateLinkWithRetry(h.deps, link.id, () => ({ pageState: 'trashed' }));
    const queued: unknown[] = [];
    h.deps.jobs = { enqueue: (job) => Promise.resolve(void queued.push(structuredClone(job))) };
    await handlePageEvent(pageEvent(PAGE_EVENTS.trashed, { id: '1002', title: 'Getting started', status: 'trashed' }), h.deps);
    const outcomes = [];
    while (queued.length > 0) outcomes.push(await runBackgroundJob(h.deps, queued.shift()));
    expect(outcomes.map((o) => (o as { linksChanged: number }).linksChanged)).toEqual([0, PAGE_STATE_BATCH]);
    for (const link of links) expect((await h.store.links.get(link.id))!.pageState).toBe('trashed');
  });

  it('a later event supersedes the batches still queued of an earlier one (trash, then restore before the rest ran)', async () => {
    const { PAGE_STATE_BATCH } = await import('../../src/app/lifecycle');
    const { runBackgroundJob } = await import('../../src/app/background-jobs');
    const h = await createHarness();
    const links = [];
    for (let i = 0; i < PAGE_STATE_BATCH + 50; i += 1) links.push(await h.addLink({ pageId: '1002', pageTitle: 'Getting started' }));
    const queued: unknown[] = [];
    h.deps.jobs = { enqueue: (job) => Promise.resolve(void queued.push(structuredClone(job))) };
    await handlePageEvent(pageEvent(PAGE_EVENTS.trashed, { id: '1002', title: 'Getting started', status: 'trashed' }), h.deps);
    const staleTrash = queued.shift();
    h.clock.advance(1000);
    await handlePageEvent(pageEvent(PAGE_EVENTS.restored, { id: '1002', title: 'Getting started', status: 'current' }), h.deps);
    // The stale trash batch arrives late (queues keep no order under retries): it must not trash anything.
    expect(await runBackgroundJob(h.deps, staleTrash)).toMatchObject({ linksChanged: 0, done: true, superseded: true });
    while (queued.length > 0) await runBackgroundJob(h.deps, queued.shift());
    for (const link of links) expect((await h.store.links.get(link.id))!.pageState).toBe('current');
  });
});
