/**
 * Runs one step of background work handed over by an earlier invocation (Forge: an async event from the
 * `secure-share-jobs` queue). Steps are bounded and idempotent; a step that cannot finish enqueues the
 * next one itself. Delivery is at least once, so a step delivered twice must do no harm.
 */
import * as z from 'zod/mini';
import { runAuditExportStep } from './audit-export';
import type { AppDeps } from './deps';
import { runPageStateJob } from './lifecycle';
import { runMailBatchJob } from './mail-batches';
import type { BackgroundJob } from './ports';
import { runResetStep, type ResetOptions } from './reset';

// zod/mini, as every schema of the resolver bundle (review rubric CST-04).
const count = z.number().check(z.int(), z.gte(0));
const shortText = z.string().check(z.minLength(1), z.maxLength(2000));

const jobSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('reset'), mode: z.enum(['links', 'full']), actor: shortText, deletedLinks: count, step: count }),
  z.strictObject({ kind: z.literal('mail-batch'), task: z.enum(['updates', 'reminders', 'opened']), batch: count }),
  z.strictObject({
    kind: z.literal('page-state'),
    pageId: z.string().check(z.minLength(1), z.maxLength(64)),
    state: z.enum(['current', 'trashed', 'deleted']),
    action: z.enum(['page_trashed', 'page_deleted', 'page_restored']),
    actor: shortText,
    detail: shortText,
    at: count,
    after: z.string().check(z.maxLength(200)),
    batch: count,
  }),
  z.strictObject({ kind: z.literal('audit-export'), exportId: z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/)), step: count }),
]);

/** The job carried by an event body, or null when the body is not one we wrote. */
export const parseBackgroundJob = (body: unknown): BackgroundJob | null => {
  const parsed = jobSchema.safeParse(body);
  return parsed.success ? parsed.data : null;
};

export type BackgroundJobOutcome =
  | { job: 'reset'; step: number; done: boolean; deletedLinks: number }
  | { job: 'mail-batch'; task: string; batch: number; sent: number; failed: number; done: boolean }
  | { job: 'page-state'; pageId: string; batch: number; linksChanged: number; done: boolean }
  | { job: 'audit-export'; exportId: string; step: number; rows: number; done: boolean }
  | { ignored: true; reason?: string };

export const runBackgroundJob = async (deps: AppDeps, body: unknown, options: ResetOptions = {}): Promise<BackgroundJobOutcome> => {
  const job = parseBackgroundJob(body);
  if (!job) return { ignored: true };
  switch (job.kind) {
    case 'reset': {
      const outcome = await runResetStep(deps, job, options);
      return { job: job.kind, step: job.step, done: !outcome.continuing, deletedLinks: outcome.deletedLinks };
    }
    case 'mail-batch':
      return runMailBatchJob(deps, job);
    case 'page-state':
      return runPageStateJob(deps, job);
    case 'audit-export':
      return runAuditExportStep(deps, job);
  }
};
