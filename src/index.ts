/**
 * Forge entry points (manifest.yml `function` handlers). Each invocation builds its own AppDeps.
 */
import { createForgeDeps } from './adapters/forge/forge-deps';
import { createForgeResolverHandler } from './adapters/forge/resolver-adapter';
import { createWebTriggerHandler, type ForgeWebTriggerRequest } from './adapters/forge/web-trigger';
import { handlePageEvent } from './app/lifecycle';
import { runSweep } from './app/sweep';
import { createShareHandler } from './web/share-handler';

/** Every UI resolver (byline, content action, space settings, global settings). */
export const resolverHandler = createForgeResolverHandler((identity) => createForgeDeps(identity));

const shareWebTrigger = createWebTriggerHandler((req) => createShareHandler(createForgeDeps())(req));

/** The anonymous share view (web trigger `share-endpoint`). */
export const shareHandler = (request: ForgeWebTriggerRequest) => shareWebTrigger(request);

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
