/**
 * Runs one step of background work handed over by an earlier invocation (Forge: an async event from the
 * `secure-share-jobs` queue). Steps are bounded and idempotent; a step that cannot finish enqueues the
 * next one itself.
 */
import type { AppDeps } from './deps';
import type { BackgroundJob } from './ports';
import { runResetStep, type ResetOptions } from './reset';

/** The job carried by an event body, or null when the body is not one we wrote. */
export const parseBackgroundJob = (body: unknown): BackgroundJob | null => {
  if (typeof body !== 'object' || body === null) return null;
  const job = body as Record<string, unknown>;
  const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (job['kind'] !== 'reset' || (job['mode'] !== 'links' && job['mode'] !== 'full')) return null;
  if (typeof job['actor'] !== 'string' || !count(job['deletedLinks']) || !count(job['step'])) return null;
  return { kind: 'reset', mode: job['mode'], actor: job['actor'], deletedLinks: job['deletedLinks'] as number, step: job['step'] as number };
};

export type BackgroundJobOutcome = { job: BackgroundJob['kind']; step: number; done: boolean; deletedLinks: number } | { ignored: true };

export const runBackgroundJob = async (deps: AppDeps, body: unknown, options: ResetOptions = {}): Promise<BackgroundJobOutcome> => {
  const job = parseBackgroundJob(body);
  if (!job) return { ignored: true };
  const outcome = await runResetStep(deps, job, options);
  return { job: job.kind, step: job.step, done: !outcome.continuing, deletedLinks: outcome.deletedLinks };
};
