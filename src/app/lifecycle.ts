/**
 * Confluence page events → link state. Trashed, archived and deleted pages make their links stop
 * working at once (pageState ≠ 'current' is denied by the view and shown as page_removed in lists);
 * restored and unarchived pages bring them back. Updates feed the subscriber notification debounce.
 * Handlers are idempotent: Forge may deliver an event twice or retry it.
 */
// zod/mini: the share view reaches this module (updateLinkWithRetry), and classic zod would double its cold start.
import * as z from 'zod/mini';
import { DomainError, isDomainError } from '../core/errors';
import { linkScopeOf, type AuditAction, type PageState, type ShareLink } from '../core/model';
import { linkAuditScope, recordAudit } from './audit';
import type { AppDeps } from './deps';
import { linksOfPage } from './listing';
import { mapLimited } from '../core/concurrency';
import type { PageStateJob } from './ports';
import { notePageUpdated } from './notifications';
import { invalidateTrees } from './view/tree-cache';

const idSchema = z.pipe(z.union([z.string().check(z.minLength(1), z.maxLength(64)), z.number().check(z.int(), z.nonnegative())]), z.transform(String));

/** The fields we use of the documented page event payload (forge-facts §1.5); the rest passes through. */
export const pageEventSchema = z.looseObject({
  eventType: z.string().check(z.minLength(1), z.maxLength(200)),
  atlassianId: z.optional(z.string().check(z.maxLength(200))),
  selfGenerated: z.optional(z.boolean()),
  suppressNotifications: z.optional(z.boolean()),
  updateTrigger: z.optional(z.string().check(z.maxLength(100))),
  content: z.looseObject({
    id: idSchema,
    type: z.optional(z.string().check(z.maxLength(50))),
    status: z.optional(z.string().check(z.maxLength(50))),
    title: z.optional(z.string().check(z.maxLength(1000))),
    space: z.optional(z.looseObject({ id: z.optional(idSchema), key: z.optional(z.string().check(z.maxLength(255))) })),
  }),
  // Moved events: where the page was before (another space when it moved across spaces).
  prevContent: z.optional(
    z.looseObject({ space: z.optional(z.looseObject({ key: z.optional(z.string().check(z.maxLength(255))) })) }),
  ),
});

export type PageEvent = z.infer<typeof pageEventSchema>;

export const PAGE_EVENTS = {
  updated: 'avi:confluence:updated:page',
  trashed: 'avi:confluence:trashed:page',
  restored: 'avi:confluence:restored:page',
  deleted: 'avi:confluence:deleted:page',
  archived: 'avi:confluence:archived:page',
  unarchived: 'avi:confluence:unarchived:page',
} as const;

/** Target page state and audit action per state-changing event. */
const STATE_EVENTS: Record<string, { state: PageState; action: PageStateAudit['action']; verb: string }> = {
  [PAGE_EVENTS.trashed]: { state: 'trashed', action: 'page_trashed', verb: 'moved to the trash' },
  [PAGE_EVENTS.archived]: { state: 'trashed', action: 'page_trashed', verb: 'archived' },
  [PAGE_EVENTS.deleted]: { state: 'deleted', action: 'page_deleted', verb: 'deleted permanently' },
  [PAGE_EVENTS.restored]: { state: 'current', action: 'page_restored', verb: 'restored' },
  [PAGE_EVENTS.unarchived]: { state: 'current', action: 'page_restored', verb: 'unarchived' },
};

/** Events that change a tree without touching any link: cached shared trees are dropped (tree-cache.ts). */
const TREE_EVENTS = new Set(['avi:confluence:moved:page', 'avi:confluence:permissions_updated:page', 'avi:confluence:created:page']);

export type PageEventOutcome =
  | { outcome: 'ignored'; reason: 'malformed' | 'self_generated' | 'not_a_page' | 'unhandled_event' }
  | { outcome: 'trees_invalidated'; pageId: string }
  | { outcome: 'state_changed'; pageId: string; pageState: PageState; linksChanged: number }
  | { outcome: 'update_noted'; pageId: string; linksRetitled: number };

/**
 * Whether a page event's outcome is worth a log line (review rubric CST-12): only when links changed.
 * Every page edit on the site reaches the trigger, and most touch no link; those stay out of the logs.
 */
export const pageEventChangedLinks = (outcome: PageEventOutcome): boolean =>
  (outcome.outcome === 'state_changed' && outcome.linksChanged > 0) || (outcome.outcome === 'update_noted' && outcome.linksRetitled > 0);

const MAX_WRITE_ATTEMPTS = 5;

/**
 * Applies `change` to the stored link with a version-checked write, re-reading and retrying when a
 * concurrent writer got there first. Returns the written link, or undefined when nothing had to change
 * (already in that state, or the link is gone).
 */
export const updateLinkWithRetry = async (
  deps: Pick<AppDeps, 'store' | 'clock'>,
  linkId: string,
  change: (link: ShareLink) => Partial<ShareLink> | undefined,
): Promise<ShareLink | undefined> => {
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
    const link = await deps.store.links.get(linkId);
    if (!link) return undefined;
    const patch = change(link);
    if (!patch) return undefined;
    const next: ShareLink = { ...link, ...patch, version: link.version + 1, updatedAt: deps.clock.now() };
    try {
      await deps.store.links.update(next, link.version);
      return next;
    } catch (error) {
      if (isDomainError(error) && error.code === 'version_conflict') continue;
      throw error;
    }
  }
  throw new DomainError('version_conflict', `Link ${linkId} kept changing while its page state was being updated; the event will be retried.`);
};

/** Links written per invocation of a page-state change; the rest continues as background jobs. */
export const PAGE_STATE_BATCH = 200;
const WRITE_CONCURRENCY = 10;

type PageStateAudit = { action: 'page_trashed' | 'page_deleted' | 'page_restored'; actor: string; detail: string };

/** The latest state asked for a page: a background batch of an older event sees it was superseded. */
const pageTargetKey = (pageId: string): string => `page-state-target:${pageId}`;
const PAGE_TARGET_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Sets the page state of the next `PAGE_STATE_BATCH` links of `pageId` after link id `after` (links in id
 * order), 10 writes in flight, auditing each link that changed. Each link is read by key before it is
 * written (the page's link list is an index, and may lag), so a batch delivered twice changes nothing twice.
 */
const applyPageStateBatch = async (
  deps: AppDeps,
  pageId: string,
  state: PageState,
  audit: PageStateAudit,
  after: string,
): Promise<{ changed: number; lastId: string; more: boolean }> => {
  const remaining = (await linksOfPage(deps, pageId))
    .filter((link) => link.id > after)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const batch = remaining.slice(0, PAGE_STATE_BATCH);
  const written = await mapLimited(batch, WRITE_CONCURRENCY, async (link) => {
    const next = await updateLinkWithRetry(deps, link.id, (current) => (current.pageState === state ? undefined : { pageState: state }));
    if (next) await recordAudit(deps, { action: audit.action, actor: audit.actor, ...linkAuditScope(next), detail: audit.detail });
    return next !== undefined;
  });
  return { changed: written.filter(Boolean).length, lastId: batch.at(-1)?.id ?? after, more: remaining.length > batch.length };
};

/** True while `at` is still the latest state change asked for this page. */
const isLatestTarget = async (deps: AppDeps, pageId: string, at: number): Promise<boolean> => {
  const target = await deps.store.ephemeral.get(pageTargetKey(pageId), deps.clock.now());
  return target?.value.at === at;
};

/**
 * Sets the page state of every link of `pageId`; audits each link that changed. One bounded batch runs
 * here; with a job queue (Forge) the rest continues in background batches, without one it all runs here.
 * A later state change of the same page supersedes the batches still to run of this one.
 * Shared with the sweep, which reconciles states the events missed (cascading deletes emit no events).
 * Returns the number of links changed in this invocation.
 */
export const applyPageState = async (deps: AppDeps, pageId: string, state: PageState, audit: PageStateAudit): Promise<number> => {
  const at = deps.clock.now();
  await deps.store.ephemeral.put({ key: pageTargetKey(pageId), value: { state, at }, expiresAt: at + PAGE_TARGET_TTL_MS });
  let changed = 0;
  let after = '';
  for (;;) {
    const step = await applyPageStateBatch(deps, pageId, state, audit, after);
    changed += step.changed;
    after = step.lastId;
    if (!step.more) return changed;
    if (deps.jobs) {
      await deps.jobs.enqueue({ kind: 'page-state', pageId, state, ...audit, at, after, batch: 1 });
      return changed;
    }
  }
};

/** Background batch of a page-state change (see applyPageState); enqueues the next one while links remain. */
export const runPageStateJob = async (
  deps: AppDeps,
  job: PageStateJob,
): Promise<{ job: 'page-state'; pageId: string; batch: number; linksChanged: number; done: boolean; superseded?: true }> => {
  const { pageId, state, action, actor, detail } = job;
  if (!(await isLatestTarget(deps, pageId, job.at))) return { job: 'page-state', pageId, batch: job.batch, linksChanged: 0, done: true, superseded: true };
  const step = await applyPageStateBatch(deps, pageId, state, { action, actor, detail }, job.after);
  const continuing = step.more && deps.jobs !== undefined;
  if (continuing) await deps.jobs!.enqueue({ ...job, after: step.lastId, batch: job.batch + 1 });
  return { job: 'page-state', pageId, batch: job.batch, linksChanged: step.changed, done: !continuing };
};

/**
 * Applies `change` to every link of the page that it changes (it is asked again on the stored link before
 * each version-checked write), 10 writes in flight. Returns how many links were written.
 */
const updateLinksOfPage = async (deps: AppDeps, pageId: string, change: (link: ShareLink) => Partial<ShareLink> | undefined): Promise<number> => {
  const stale = (await linksOfPage(deps, pageId)).filter((link) => change(link) !== undefined);
  const written = await mapLimited(stale, WRITE_CONCURRENCY, (link) => updateLinkWithRetry(deps, link.id, change));
  return written.filter(Boolean).length;
};

const retitleLinks = (deps: AppDeps, pageId: string, title: string): Promise<number> =>
  updateLinksOfPage(deps, pageId, (link) => (link.pageTitle === title ? undefined : { pageTitle: title }));

const PAGE_MOVED = 'avi:confluence:moved:page';

/**
 * A page moved to another space takes its page links along: from now on they are decided under the new
 * space's policy (a space with sharing off refuses them). Whole-space links stay with their space (the
 * view refuses them once their page is not that space's home page).
 */
const followPageToSpace = (deps: AppDeps, pageId: string, spaceKey: string, spaceId: string | undefined): Promise<number> =>
  updateLinksOfPage(deps, pageId, (link) => (linkScopeOf(link) !== 'page' || link.spaceKey === spaceKey ? undefined : { spaceKey, spaceId }));

/** Entry point of the `trigger` module for page events (Forge passes the event as the first argument). */
export const handlePageEvent = async (event: unknown, deps: AppDeps): Promise<PageEventOutcome> => {
  const parsed = pageEventSchema.safeParse(event);
  // A malformed event will not improve on retry: acknowledge it instead of throwing.
  if (!parsed.success) return { outcome: 'ignored', reason: 'malformed' };
  const { eventType, content } = parsed.data;
  if (content.type !== undefined && content.type !== 'page') return { outcome: 'ignored', reason: 'not_a_page' };
  const pageId = content.id;
  const title = content.title?.trim() ? content.title.trim().slice(0, 255) : undefined;
  const actor = parsed.data.atlassianId ?? 'app';

  const stateEvent = STATE_EVENTS[eventType];
  // Cached shared trees of the page's space are rebuilt on their next view (tree-cache.ts).
  const spaceKey = content.space?.key?.trim() || undefined;
  const previousSpaceKey = parsed.data.prevContent?.space?.key?.trim() || undefined;
  // A page moved out of a space leaves trees of both spaces stale.
  const dropCachedTrees = async () => {
    await invalidateTrees(deps, spaceKey);
    if (previousSpaceKey && previousSpaceKey !== spaceKey) await invalidateTrees(deps, previousSpaceKey);
  };
  if (stateEvent) {
    await dropCachedTrees();
    const label = title ? `"${title}"` : `page ${pageId}`;
    const consequence = stateEvent.state === 'current' ? 'the link works again (if its policy allows)' : 'the link no longer opens';
    const linksChanged = await applyPageState(deps, pageId, stateEvent.state, {
      action: stateEvent.action,
      actor,
      detail: `Page ${label} was ${stateEvent.verb} in Confluence; ${consequence}.`,
    });
    return { outcome: 'state_changed', pageId, pageState: stateEvent.state, linksChanged };
  }

  if (eventType === PAGE_EVENTS.updated) {
    // Our own writes (comments/attachments added through a link do not update the page, but be safe).
    if (parsed.data.selfGenerated === true) return { outcome: 'ignored', reason: 'self_generated' };
    await dropCachedTrees();
    const linksRetitled = title ? await retitleLinks(deps, pageId, title) : 0;
    await notePageUpdated(deps, { pageId, title });
    return { outcome: 'update_noted', pageId, linksRetitled };
  }

  if (TREE_EVENTS.has(eventType)) {
    await dropCachedTrees();
    if (eventType === PAGE_MOVED && spaceKey) await followPageToSpace(deps, pageId, spaceKey, content.space?.id);
    return { outcome: 'trees_invalidated', pageId };
  }

  return { outcome: 'ignored', reason: 'unhandled_event' };
};
