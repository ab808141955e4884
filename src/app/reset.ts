import { DomainError } from '../core/errors';
import { RESET_CONFIRMATION } from '../shared/contract';
import { recordAudit } from './audit';
import { authorizeSiteAdmin, type Caller } from './authorize';
import { SECRET_NAMES } from './configs';
import type { AppDeps } from './deps';
import type { ResetJob } from './ports';

export type ResetMode = 'links' | 'full';

export interface ResetOutcome {
  mode: ResetMode;
  /** Links deleted so far (each counted once: only links that still existed when read by id). */
  deletedLinks: number;
  /** True when the reset ran out of time here and continues as a background job. */
  continuing: boolean;
}

export interface ResetOptions {
  /** Real time (epoch ms) by which this invocation hands the rest of the work to a background job. */
  deadline?: number;
  /** Real-time source for the deadline (tests make time pass per request). */
  now?: () => number;
  /** Pause before each confirming pass, so that lagging indexes catch up (default 300 ms). */
  confirmPauseMs?: number;
}

/** A resolver call has 25 s; this leaves room for the audit entry, the queue push and the answer. */
export const RESET_BUDGET_MS = 18_000;
/** A background step runs in a consumer with a 900 s timeout. */
export const RESET_JOB_BUDGET_MS = 780_000;
const DEFAULT_CONFIRM_PAUSE_MS = 300;
/** Links are listed until two passes in a row show no link not seen before. */
const QUIET_PASSES_TO_FINISH = 2;
/** Creators who keep creating cannot keep one step going for ever. */
const MAX_PASSES = 12;
const PAGE = 100;
const DELETE_CONCURRENCY = 10;

/**
 * Deletes every link (`links`), or everything the app stored: links, configurations, settings, secrets,
 * audit, subscriptions (`full`). Site admins only, and only with the typed confirmation phrase. What
 * does not fit in this call continues as a background job (deps.jobs); without one (local mode) it all
 * runs here.
 */
export const resetApp = async (
  deps: AppDeps,
  caller: Caller,
  input: { mode: ResetMode; confirmation: string },
  options: ResetOptions = {},
): Promise<ResetOutcome> => {
  await authorizeSiteAdmin(deps, caller);
  const phrase = RESET_CONFIRMATION[input.mode];
  if (input.confirmation.trim() !== phrase) {
    throw new DomainError('invalid_input', `Type ${phrase} exactly to confirm.`, [
      { field: 'confirmation', rule: 'reset.confirmation', message: `Type ${phrase}` },
    ]);
  }
  const now = options.now ?? Date.now;
  return runResetStep(deps, { kind: 'reset', mode: input.mode, actor: caller.accountId, deletedLinks: 0, step: 0 }, { deadline: now() + RESET_BUDGET_MS, ...options });
};

/**
 * One bounded step of a reset: deletes links (exact count, correct under index lag), then for a full
 * reset clears the store. Out of time, it enqueues the next step with the count so far; the last step
 * writes the audit entry. Every step is idempotent, so a step the queue delivers twice does no harm.
 */
export const runResetStep = async (deps: AppDeps, job: ResetJob, options: ResetOptions = {}): Promise<ResetOutcome> => {
  const now = options.now ?? Date.now;
  const deadline = deps.jobs ? (options.deadline ?? now() + RESET_JOB_BUDGET_MS) : Number.POSITIVE_INFINITY;
  const outOfTime = () => now() >= deadline;
  const links = await deleteAllLinks(deps, outOfTime, options.confirmPauseMs ?? DEFAULT_CONFIRM_PAUSE_MS);
  const deletedLinks = job.deletedLinks + links.deleted;
  let complete = links.complete;
  if (complete && job.mode === 'full') {
    const remaining = deadline - now();
    complete = (await deps.store.clearAll(Number.isFinite(remaining) ? { deadline: Date.now() + Math.max(0, remaining) } : {})).complete;
  }
  if (!complete && deps.jobs) {
    await deps.jobs.enqueue({ ...job, deletedLinks, step: job.step + 1 });
    return { mode: job.mode, deletedLinks, continuing: true };
  }
  const detail = job.mode === 'full' ? `full reset: ${deletedLinks} link(s) and all settings deleted` : `${deletedLinks} link(s) deleted`;
  await recordAudit(deps, { action: job.mode === 'full' ? 'full_reset' : 'links_reset', actor: job.actor, detail });
  return { mode: job.mode, deletedLinks, continuing: false };
};

/**
 * Walks the link list page by page (cursors are positions, so deleting does not shift them) and deletes
 * each link not seen before by id, with its subscriptions. Indexes are eventually consistent: a list may
 * still show links already deleted (read by id first, so they are neither deleted twice nor counted) and
 * may not show links created a moment ago, so passes repeat until two in a row bring nothing new.
 */
const deleteAllLinks = async (deps: AppDeps, outOfTime: () => boolean, pauseMs: number): Promise<{ deleted: number; complete: boolean }> => {
  const seen = new Set<string>();
  let deleted = 0;
  let quietPasses = 0;
  for (let pass = 0; quietPasses < QUIET_PASSES_TO_FINISH && pass < MAX_PASSES; pass++) {
    if (pass > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    let fresh = 0;
    let cursor: string | undefined;
    do {
      if (outOfTime()) return { deleted, complete: false };
      const page = await deps.store.links.list({}, { limit: PAGE, ...(cursor ? { cursor } : {}) });
      const unseen = page.items.filter((link) => !seen.has(link.id));
      for (const link of unseen) seen.add(link.id);
      fresh += unseen.length;
      for (let i = 0; i < unseen.length; i += DELETE_CONCURRENCY) {
        if (outOfTime()) {
          // Not deleted yet: the next step must see them as new.
          for (const link of unseen.slice(i)) seen.delete(link.id);
          return { deleted, complete: false };
        }
        const results = await Promise.all(unseen.slice(i, i + DELETE_CONCURRENCY).map((link) => deleteLinkById(deps, link.id)));
        deleted += results.filter(Boolean).length;
      }
      cursor = page.nextCursor;
    } while (cursor);
    quietPasses = fresh === 0 ? quietPasses + 1 : 0;
  }
  return { deleted, complete: true };
};

/**
 * Deletes a link and its subscriptions; false when the link no longer exists. A subscription made in the
 * moment before (not yet in the by-link index) may outlive its link; it is never mailed, since its link
 * is gone.
 */
const deleteLinkById = async (deps: AppDeps, linkId: string): Promise<boolean> => {
  if ((await deps.store.links.get(linkId)) === undefined) return false;
  let cursor: string | undefined;
  do {
    const subs = await deps.store.subscriptions.listByLink(linkId, { limit: PAGE, ...(cursor ? { cursor } : {}) });
    await Promise.all(subs.items.map((sub) => deps.store.subscriptions.delete(sub.id)));
    cursor = subs.nextCursor;
  } while (cursor);
  await deps.store.links.delete(linkId);
  return true;
};

/** Counting stops here; beyond it the reset tab says "more than". */
export const RESET_COUNT_CAP = 5_000;

export interface ResetCount {
  count: number;
  /** The count reached RESET_COUNT_CAP: there are at least that many. */
  atLeast: boolean;
}

export interface ResetPreview {
  links: ResetCount;
  spaceConfigs: ResetCount;
  auditEntries: ResetCount;
  /** Stored provider secrets (email key, SSO client secret) a full reset deletes. */
  secrets: number;
  /** The site settings were ever saved (a full reset returns them to the defaults). */
  siteSettingsSaved: boolean;
  globalConfigSaved: boolean;
}

const countPages = async <T>(read: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string }>): Promise<ResetCount> => {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    count += page.items.length;
    cursor = page.nextCursor;
    if (count >= RESET_COUNT_CAP) return { count: RESET_COUNT_CAP, atLeast: true };
  } while (cursor);
  return { count, atLeast: false };
};

/** What each reset would delete, counted now (site admins). Lists may lag by a moment; the reset itself does not. */
export const previewReset = async (deps: AppDeps, caller: Caller): Promise<ResetPreview> => {
  await authorizeSiteAdmin(deps, caller);
  const page = (cursor: string | undefined) => ({ limit: PAGE, ...(cursor ? { cursor } : {}) });
  const [links, spaceConfigs, auditEntries, emailKey, ssoSecret, site, global] = await Promise.all([
    countPages((c) => deps.store.links.list({}, page(c))),
    countPages((c) => deps.store.configs.listSpaces(page(c))),
    countPages((c) => deps.store.audit.list({}, page(c))),
    deps.store.secrets.get(SECRET_NAMES.emailApiKey),
    deps.store.secrets.get(SECRET_NAMES.ssoClientSecret),
    deps.store.configs.getSite(),
    deps.store.configs.getGlobal(),
  ]);
  return {
    links,
    spaceConfigs,
    auditEntries,
    secrets: [emailKey, ssoSecret].filter(Boolean).length,
    siteSettingsSaved: Boolean(site && site.version > 0),
    globalConfigSaved: Boolean(global && global.version > 0),
  };
};
