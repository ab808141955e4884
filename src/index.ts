/**
 * Forge entry points (manifest.yml `function` handlers). Each invocation builds its own AppDeps.
 */
import { createForgeDeps } from './adapters/forge/forge-deps';
import { createForgeResolverHandler } from './adapters/forge/resolver-adapter';
import type { AppDeps } from './app/deps';
import { runBackgroundJob } from './app/background-jobs';
import { handlePageEvent, pageEventChangedLinks } from './app/lifecycle';
import { runSweep } from './app/sweep';

/**
 * Makes sure the share URL is stored (one KVS read once it is): the web trigger never looks it up, and a
 * custom domain removed later must find it there. Never fails the caller.
 */
const storeShareBaseUrl = (deps: AppDeps): Promise<void> =>
  deps.shareBaseUrl().then(
    () => undefined,
    (error: unknown) => console.error('share URL look-up failed', error instanceof Error ? error.message : 'unknown error'),
  );

/**
 * Every UI resolver (byline, content action, space settings, global settings). The share URL is made
 * sure of first, awaited: work left running after an invocation returns could resume inside another
 * installation's invocation on a reused runtime.
 */
export const resolverHandler = createForgeResolverHandler(async (identity) => {
  const deps = createForgeDeps(identity);
  await storeShareBaseUrl(deps);
  return deps;
});

/** The anonymous share view; manifest points at src/share.ts directly so its bundle stays small. */
export { shareHandler } from './share';

/** Confluence page events (trigger `page-lifecycle`). Failures are logged and rethrown for the platform log. */
export const pageEventHandler = async (event: unknown): Promise<void> => {
  try {
    const outcome = await handlePageEvent(event, createForgeDeps());
    // Most page edits touch no link: only a change is logged (review rubric CST-12).
    if (pageEventChangedLinks(outcome)) console.log('page event', JSON.stringify(outcome));
  } catch (error) {
    console.error('page event failed', error instanceof Error ? error.message : 'unknown error');
    throw error;
  }
};

/**
 * Async-event consumer (`job-handler`, queue `secure-share-jobs`): one bounded step of background work,
 * e.g. a reset too large for one resolver call. A failure is rethrown so the platform retries the event.
 */
export const jobHandler = async (event: { body?: unknown }): Promise<void> => {
  try {
    const outcome = await runBackgroundJob(createForgeDeps(), event.body);
    console.log('background job', JSON.stringify(outcome));
  } catch (error) {
    console.error('background job failed', error instanceof Error ? error.message : 'unknown error');
    throw error;
  }
};

/** Hourly sweep (scheduledTrigger `expiry-sweeper`): notifications, reconciliation, purges. */
export const sweepHandler = async (): Promise<void> => {
  const deps = createForgeDeps();
  await storeShareBaseUrl(deps);
  const report = await runSweep(deps);
  console.log('sweep', JSON.stringify(report));
};
