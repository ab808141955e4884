/**
 * Background jobs on Forge async events (@forge/events 3.0.8): one queue, consumed by the `job-handler`
 * function (manifest.yml `consumer` module, 900 s timeout). Delivery is at least once, so every job step
 * is idempotent (src/app/background-jobs.ts).
 */
import { Queue } from '@forge/events';
import type { BackgroundJob, BackgroundJobs, EnqueueOptions } from '../../app/ports';

/** Queue name in manifest.yml `modules.consumer[].queue`. */
export const JOB_QUEUE_KEY = 'secure-share-jobs';

/** @forge/events refuses a push delayed by more than 900 seconds. */
const MAX_DELAY_SECONDS = 900;

type QueueApiClient = ConstructorParameters<typeof Queue>[1];

/** One step at a time per line of work: each kind of job, and each kind of mail on its own. */
export const concurrencyKeyOf = (job: BackgroundJob): string =>
  job.kind === 'mail-batch' ? `${JOB_QUEUE_KEY}-mail-${job.task}` : `${JOB_QUEUE_KEY}-${job.kind}`;

export const createForgeJobs = (apiClient?: QueueApiClient): BackgroundJobs => {
  const queue = new Queue({ key: JOB_QUEUE_KEY }, apiClient);
  return {
    async enqueue(job: BackgroundJob, options: EnqueueOptions = {}) {
      // One step at a time per kind of work and installation: a step and its successor never race, and
      // a long export does not hold up mail.
      const delay = options.delaySeconds === undefined ? 0 : Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(options.delaySeconds)));
      await queue.push({ body: { ...job }, concurrency: { key: concurrencyKeyOf(job), limit: 1 }, ...(delay > 0 ? { delayInSeconds: delay } : {}) });
    },
  };
};
