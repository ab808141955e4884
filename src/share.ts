/**
 * Forge entry of the anonymous share view alone (manifest `share-handler` → `share.shareHandler`).
 * Kept apart from src/index.ts so the web trigger's bundle carries only what the view needs
 * (no resolvers, no admin use cases): a smaller bundle loads faster on a cold start.
 *
 * The share base URL is the one stored by a resolver, event or sweep (never `webTrigger.getUrl` here);
 * with a custom domain it is not needed at all.
 */
import { createForgeDeps } from './adapters/forge/forge-deps';
import { adapterFailureResponse, createWebTriggerHandler, FORGE_BINARY_RESPONSES, type ForgeWebTriggerRequest, type ForgeWebTriggerResponse } from './adapters/forge/web-trigger';
import type { AppDeps } from './app/deps';
import { createShareHandler } from './web/share-handler';

/** The stored share URL; '' when none is stored but a custom domain replaces it; null when the view cannot run. */
const shareBaseFor = async (deps: AppDeps): Promise<string | null> => {
  const stored = await deps.shareBaseUrl().catch(() => null);
  if (stored !== null) return stored;
  const site = await deps.store.configs.getSite();
  return site?.customDomain ? '' : null;
};

/** The anonymous share view (web trigger `share-endpoint`). */
export const shareHandler = async (request: ForgeWebTriggerRequest): Promise<ForgeWebTriggerResponse> => {
  const deps = createForgeDeps({}, { shareBaseUrl: 'stored-only' });
  let base: string | null;
  try {
    base = await shareBaseFor(deps);
  } catch {
    base = null;
  }
  if (base === null) {
    // Only before any resolver stored the URL (no link can exist then) or while storage is down.
    console.error('Share endpoint: share URL not stored yet; opening Secure Share in Confluence stores it');
    return adapterFailureResponse();
  }
  const viewDeps: AppDeps = { ...deps, shareBaseUrl: () => Promise.resolve(base) };
  // Until spike S4 shows binary bodies reach the browser, pictures are embedded as data: URLs.
  const handle = createShareHandler(viewDeps, {
    inlineImages: !FORGE_BINARY_RESPONSES,
    inlineDownloads: !FORGE_BINARY_RESPONSES,
    codeReplyFloorMs: 1500,
  });
  return createWebTriggerHandler(handle)(request);
};
