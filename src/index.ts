/**
 * Forge entry points (manifest.yml `function` handlers). Each invocation builds its own AppDeps.
 */
import { createForgeDeps } from './adapters/forge/forge-deps';
import { createForgeResolverHandler } from './adapters/forge/resolver-adapter';
import { handlePageEvent } from './app/lifecycle';
import { runSweep } from './app/sweep';

/** Every UI resolver (byline, content action, space settings, global settings). */
export const resolverHandler = createForgeResolverHandler((identity) => createForgeDeps(identity));

/** The anonymous share view; manifest points at src/share.ts directly so its bundle stays small. */
export { shareHandler } from './share';

/** Confluence page events (trigger `page-lifecycle`). Failures are logged and rethrown for the platform log. */
export const pageEventHandler = async (event: unknown): Promise<void> => {
  try {
    const outcome = await handlePageEvent(event, createForgeDeps());
    console.log('page event', JSON.stringify(outcome));
  } catch (error) {
    console.error('page event failed', error instanceof Error ? error.message : 'unknown error');
    throw error;
  }
};

/** Hourly sweep (scheduledTrigger `expiry-sweeper`): notifications, reconciliation, purges. */
export const sweepHandler = async (): Promise<void> => {
  const report = await runSweep(createForgeDeps());
  console.log('sweep', JSON.stringify(report));
};
