/**
 * The scheduled sweep (Forge scheduledTrigger). Idempotent and safe to run twice at once, because
 * Forge may duplicate invocations (forge-facts §1.6): every send is claimed with a putIfAbsent marker,
 * aggregate flushes take their record (single use), and purges are naturally repeatable.
 * Each step is isolated: one failing step does not stop the others (scheduled runs are not retried).
 */
import type { PageState, ShareLink } from '../core/model';
import { flushAuditAggregates } from './audit';
import type { AppDeps } from './deps';
import { applyPageState, updateLinkWithRetry } from './lifecycle';
import { creatorAccessFor } from './view/creator-access';
import { noteCreatorAccess } from './view/creator-access-flag';
import { startMailTask, type MailTaskReport } from './mail-batches';
import { DAY_MS, loadSiteSettings } from './notifications';
import type { MailTask } from './ports';

export interface SweepReport {
  auditAggregatesFlushed: number;
  updateMailsSent: number;
  updateMailsFailed: number;
  remindersSent: number;
  remindersFailed: number;
  openedAlertsSent: number;
  openedAlertsFailed: number;
  /** Mail batches run in this invocation. */
  mailBatches: number;
  /** Kinds of mail whose rest continues (or was already continuing) in background batches. */
  mailContinuing: MailTask[];
  pagesChecked: number;
  linksReconciled: number;
  ephemeralPurged: number;
  countersPurged: number;
  auditPurged: number;
  /** Step name → error message, for the platform log. */
  errors: Record<string, string>;
}

/** Pages whose Confluence state is re-checked per run (events are lossy: cascading deletes emit nothing). */
export const RECONCILE_PAGES_PER_RUN = 100;
/** Links changed this recently are left alone: Confluence reads may lag the event that changed them. */
const RECONCILE_SETTLE_MS = 10 * 60 * 1000;
const RECONCILE_CURSOR_KEY = 'sweep:reconcile-cursor';

const stateFromConfluence = (status: string | undefined): PageState | undefined => {
  switch (status) {
    case 'current':
      return 'current';
    case 'trashed':
    case 'archived':
      return 'trashed';
    case 'deleted':
      return 'deleted';
    default:
      return undefined;
  }
};

/**
 * Re-reads the Confluence state of the pages of active links, a bounded slice per run, continuing where
 * the previous run stopped (our link cursors are range keys, stable across runs).
 */
export const reconcilePageStates = async (deps: AppDeps): Promise<{ pagesChecked: number; linksReconciled: number }> => {
  const now = deps.clock.now();
  const saved = await deps.store.ephemeral.get(RECONCILE_CURSOR_KEY, now);
  let cursor = typeof saved?.value.cursor === 'string' ? saved.value.cursor : undefined;
  /** Every state the slice's links of each page are in: links of one page can disagree after an interrupted change. */
  const pages = new Map<string, Set<PageState>>();
  const links: ShareLink[] = [];
  let exhausted = false;
  while (pages.size < RECONCILE_PAGES_PER_RUN) {
    let result;
    try {
      result = await deps.store.links.list({ status: 'active' }, { limit: 100, ...(cursor ? { cursor } : {}) });
    } catch {
      // A stale saved cursor: start over next time.
      cursor = undefined;
      exhausted = true;
      break;
    }
    for (const link of result.items) {
      if (now - link.updatedAt < RECONCILE_SETTLE_MS) continue;
      pages.set(link.pageId, (pages.get(link.pageId) ?? new Set<PageState>()).add(link.pageState));
      if (links.length < RECONCILE_PAGES_PER_RUN) links.push(link);
    }
    cursor = result.nextCursor;
    if (!cursor) {
      exhausted = true;
      break;
    }
  }
  if (exhausted || !cursor) await deps.store.ephemeral.delete(RECONCILE_CURSOR_KEY);
  else await deps.store.ephemeral.put({ key: RECONCILE_CURSOR_KEY, value: { cursor }, expiresAt: now + DAY_MS });

  let linksReconciled = 0;
  let found: Map<string, string>;
  let spaceIdOf: Map<string, string>;
  try {
    // States only, in bulk: no page body is rendered for this check.
    const statuses = await deps.content.getPageStatuses([...pages.keys()]);
    found = new Map(statuses.map((page) => [page.id, page.status]));
    spaceIdOf = new Map(statuses.filter((page) => page.spaceId !== '').map((page) => [page.id, page.spaceId]));
  } catch {
    return { pagesChecked: 0, linksReconciled: 0 }; // Confluence unavailable: decide nothing.
  }
  for (const [pageId, known] of pages) {
    const status = found.get(pageId);
    // Not readable by the app any more: treat as removed (reversible: a later run restores it).
    const observed: PageState | undefined = status === undefined ? 'trashed' : stateFromConfluence(status);
    if (!observed || [...known].every((state) => state === observed)) continue;
    linksReconciled += await applyPageState(deps, pageId, observed, {
      action: observed === 'current' ? 'page_restored' : observed === 'deleted' ? 'page_deleted' : 'page_trashed',
      actor: 'app',
      detail:
        observed === 'current'
          ? 'The scheduled check found the page available again in Confluence; the link works again (if its policy allows).'
          : 'The scheduled check found the page removed or unavailable in Confluence; the link no longer opens.',
    });
  }
  await reconcileCreatorAccess(deps, links.filter((link) => found.get(link.pageId) === 'current'), now);
  await refreshCreatorNames(deps, links);
  await storeSpaceIds(deps, links, spaceIdOf);
  return { pagesChecked: pages.size, linksReconciled };
};

/**
 * Lists say when a link's creator lost the shared page even if nobody opened the link since: the same
 * cached check the view makes, filed on the link. Confluence refusing the app stops the pass (next run).
 */
const reconcileCreatorAccess = async (deps: AppDeps, links: readonly ShareLink[], now: number): Promise<void> => {
  for (const link of links) {
    let readable: boolean | undefined;
    try {
      readable = (await creatorAccessFor(deps, link, now).check([link.pageId])).get(link.pageId);
    } catch {
      return;
    }
    await noteCreatorAccess(deps, link, readable);
  }
};

/**
 * Keeps the creator names stored on links current (searches by creator name read them, never Confluence):
 * the distinct creators of this run's slice in bulk (one request per 100, review rubric CST-10), fresh (this
 * is what refreshes them), a write only where the name changed. A hidden profile or a failed lookup keeps
 * what the link has.
 */
export const refreshCreatorNames = async (deps: AppDeps, links: readonly ShareLink[]): Promise<number> => {
  const creators = [...new Set(links.map((link) => link.createdBy))];
  const names = creators.length === 0 ? new Map<string, string>() : await deps.content.getUserNames(creators).catch(() => new Map<string, string>());
  let refreshed = 0;
  for (const link of links) {
    const name = names.get(link.createdBy);
    if (!name || name === link.createdByName) continue;
    await updateLinkWithRetry(deps, link.id, (current) => (current.createdByName === name ? undefined : { createdByName: name }))
      .then((written) => (refreshed += written ? 1 : 0))
      .catch(() => undefined);
  }
  return refreshed;
};

/**
 * Links made before links stored their space id make every view read their space; the sweep stores the id
 * for them, a slice per run, when the page is still in the link's space (a page that moved is left alone:
 * the view refuses it until the move is followed).
 */
export const storeSpaceIds = async (deps: AppDeps, links: readonly ShareLink[], spaceIdOf: ReadonlyMap<string, string>): Promise<number> => {
  const missing = links.filter((link) => !link.spaceId && spaceIdOf.has(link.pageId));
  const keys = [...new Set(missing.map((link) => link.spaceKey))];
  // In bulk (one request per 250 keys), not one per space; a failed read stores nothing this run.
  const spaces = new Map(
    (keys.length === 0 ? [] : await deps.content.getSpaces(keys).catch(() => [])).map((space) => [space.key, space] as const),
  );
  let stored = 0;
  for (const link of missing) {
    const spaceId = spaces.get(link.spaceKey)?.id;
    if (!spaceId || spaceId !== spaceIdOf.get(link.pageId)) continue;
    await updateLinkWithRetry(deps, link.id, (current) => (current.spaceId || current.spaceKey !== link.spaceKey ? undefined : { spaceId }))
      .then((written) => (stored += written ? 1 : 0))
      .catch(() => undefined);
  }
  return stored;
};

export const runSweep = async (deps: AppDeps): Promise<SweepReport> => {
  const report: SweepReport = {
    auditAggregatesFlushed: 0,
    updateMailsSent: 0,
    updateMailsFailed: 0,
    remindersSent: 0,
    remindersFailed: 0,
    openedAlertsSent: 0,
    openedAlertsFailed: 0,
    mailBatches: 0,
    mailContinuing: [],
    pagesChecked: 0,
    linksReconciled: 0,
    ephemeralPurged: 0,
    countersPurged: 0,
    auditPurged: 0,
    errors: {},
  };
  const step = async (name: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      report.errors[name] = error instanceof Error ? error.message : String(error);
    }
  };

  // Flush before purging: aggregates are closed windows whose counters must still be readable.
  await step('auditAggregates', async () => {
    report.auditAggregatesFlushed = await flushAuditAggregates(deps);
  });
  // Mail: a first batch of each kind here; the rest continues in background batches (mail-batches.ts).
  const mailStep = (name: string, task: MailTask, into: (r: MailTaskReport) => void) =>
    step(name, async () => {
      const r = await startMailTask(deps, task);
      into(r);
      report.mailBatches += r.batches;
      if (r.continuing || r.chainRunning) report.mailContinuing.push(task);
    });
  await mailStep('updateNotifications', 'updates', (r) => {
    report.updateMailsSent = r.sent;
    report.updateMailsFailed = r.failed;
  });
  await mailStep('expiryReminders', 'reminders', (r) => {
    report.remindersSent = r.sent;
    report.remindersFailed = r.failed;
  });
  await mailStep('openedAlerts', 'opened', (r) => {
    report.openedAlertsSent = r.sent;
    report.openedAlertsFailed = r.failed;
  });
  await step('reconcilePages', async () => {
    const r = await reconcilePageStates(deps);
    report.pagesChecked = r.pagesChecked;
    report.linksReconciled = r.linksReconciled;
  });
  await step('purge', async () => {
    const now = deps.clock.now();
    const site = await loadSiteSettings(deps);
    report.ephemeralPurged = await deps.store.ephemeral.purgeExpired(now);
    report.countersPurged = await deps.store.counters.purgeExpired(now);
    report.auditPurged = await deps.store.audit.purgeOlderThan(now - site.auditRetentionDays * DAY_MS);
  });
  return report;
};
