/**
 * Scheduled mail in bounded batches. The sweep sends a small first batch of each kind itself; what does
 * not fit continues as a chain of background jobs (Forge async events: 900 s per consumer run), one
 * batch per invocation, each within the egress rate of 100 requests per minute.
 *
 * Nothing is lost or sent twice: every mail is claimed by a marker, the senders record how far they got,
 * and a chain is guarded by a lease naming the next batch. A duplicate delivery finds a different batch
 * number and does nothing; a chain that died between batches leaves a lease that expires, and the next
 * sweep starts a new chain from the recorded progress.
 */
import type { AppDeps } from './deps';
import { sendDueUpdateNotifications, sendExpiryReminders, sendOpenedAlerts, type MailBudget, type MailRunResult } from './notifications';
import type { MailBatchJob, MailTask } from './ports';

/** Mails per background batch: under Forge's 100 egress requests per minute per invocation, with room for lookups. */
export const MAIL_BATCH_SIZE = 90;
/** Mails per kind the sweep sends itself, so that the sweep stays far within its own time limit. */
export const SWEEP_INLINE_MAILS = 30;
/** A chain that has not moved for this long is presumed dead (a batch takes well under a consumer's 900 s). */
export const MAIL_CHAIN_LEASE_MS = 20 * 60 * 1000;
/** Wall-clock time one kind of mail may take inside the sweep (300 s in all) and inside one consumer run (900 s). */
export const SWEEP_MAIL_TIME_MS = 45_000;
export const BATCH_MAIL_TIME_MS = 600_000;

export const MAIL_TASKS: readonly MailTask[] = ['updates', 'reminders', 'opened'];

export type MailBatchResult = MailRunResult;

/**
 * A batch moved on if it sent mail, or got past mail sent before without failing any. One whose sends
 * failed (the provider is down) would only repeat itself: the chain stops and the next sweep retries.
 */
const progressed = (batch: MailBatchResult): boolean => batch.sent > 0 || (batch.skipped > 0 && batch.failed === 0);

const leaseKey = (task: MailTask): string => `mail-chain:${task}`;

/**
 * Names the next batch in the lease, then queues it (in this order: a batch delivered before its lease
 * would be ignored). A push the platform refuses releases the lease, so the next sweep starts over.
 */
const startChain = async (deps: AppDeps, task: MailTask, batch: number, now: number): Promise<void> => {
  await deps.store.ephemeral.put({ key: leaseKey(task), value: { batch }, expiresAt: now + MAIL_CHAIN_LEASE_MS });
  try {
    await deps.jobs!.enqueue({ kind: 'mail-batch', task, batch });
  } catch (error) {
    await deps.store.ephemeral.delete(leaseKey(task)).catch(() => undefined);
    throw error;
  }
};

/** One batch of one kind of mail. */
export const runMailTask = async (deps: AppDeps, task: MailTask, budget: MailBudget): Promise<MailBatchResult> => {
  switch (task) {
    case 'updates': {
      const r = await sendDueUpdateNotifications(deps, budget);
      return { sent: r.sent, failed: r.failed, skipped: r.skipped, more: r.more };
    }
    case 'reminders':
      return sendExpiryReminders(deps, budget);
    case 'opened':
      return sendOpenedAlerts(deps, budget);
  }
};

export interface MailTaskReport extends MailBatchResult {
  /** Batches run in this invocation (local mode runs them all here). */
  batches: number;
  /** True when the rest continues as background jobs. */
  continuing: boolean;
  /** True when a live chain is already on it, so the sweep left it alone. */
  chainRunning: boolean;
}

/**
 * The sweep's part: unless a chain is already working on this kind, sends a first batch and hands the
 * rest to a new chain. Without a job queue (local mode) every batch runs here, one after another.
 */
export const startMailTask = async (deps: AppDeps, task: MailTask): Promise<MailTaskReport> => {
  const report: MailTaskReport = { sent: 0, failed: 0, skipped: 0, more: false, batches: 0, continuing: false, chainRunning: false };
  const now = deps.clock.now();
  if (deps.jobs && (await deps.store.ephemeral.get(leaseKey(task), now))) return { ...report, chainRunning: true };
  for (;;) {
    const batch = await runMailTask(deps, task, {
      remaining: deps.jobs ? SWEEP_INLINE_MAILS : MAIL_BATCH_SIZE,
      deadline: Date.now() + (deps.jobs ? SWEEP_MAIL_TIME_MS : BATCH_MAIL_TIME_MS),
    });
    report.batches += 1;
    report.sent += batch.sent;
    report.failed += batch.failed;
    report.skipped += batch.skipped;
    report.more = batch.more;
    if (!batch.more) return report;
    // No progress while mail is due (e.g. the provider is down): the next sweep retries.
    if (!progressed(batch)) return report;
    if (deps.jobs) {
      await startChain(deps, task, 1, now);
      return { ...report, continuing: true };
    }
  }
};

/** A background batch of a chain; ignored unless the chain's lease names this batch. */
export const runMailBatchJob = async (
  deps: AppDeps,
  job: MailBatchJob,
): Promise<{ job: 'mail-batch'; task: string; batch: number; sent: number; failed: number; done: boolean } | { ignored: true; reason: string }> => {
  const key = leaseKey(job.task);
  const lease = await deps.store.ephemeral.get(key, deps.clock.now());
  if (!lease || lease.value.batch !== job.batch) return { ignored: true, reason: 'not the next batch of a live chain' };
  // The batch starts now: a chain held back in the queue does not lose its lease while it runs.
  await deps.store.ephemeral.put({ key, value: { batch: job.batch }, expiresAt: deps.clock.now() + MAIL_CHAIN_LEASE_MS });
  const batch = await runMailTask(deps, job.task, { remaining: MAIL_BATCH_SIZE, deadline: Date.now() + BATCH_MAIL_TIME_MS });
  const continuing = batch.more && progressed(batch) && deps.jobs !== undefined;
  if (continuing) {
    await startChain(deps, job.task, job.batch + 1, deps.clock.now());
  } else {
    await deps.store.ephemeral.delete(key);
  }
  return { job: 'mail-batch', task: job.task, batch: job.batch, sent: batch.sent, failed: batch.failed, done: !continuing };
};
