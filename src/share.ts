/**
 * Forge entry of the anonymous share view alone (manifest `share-handler` → `share.shareHandler`).
 * Kept apart from src/index.ts so the web trigger's bundle carries only what the view needs
 * (no resolvers, no admin use cases): a smaller bundle loads faster on a cold start.
 */
import { createForgeDeps } from './adapters/forge/forge-deps';
import { createWebTriggerHandler, FORGE_BINARY_RESPONSES, type ForgeWebTriggerRequest } from './adapters/forge/web-trigger';
import { createShareHandler } from './web/share-handler';

// Until spike S4 shows binary bodies reach the browser, pictures are embedded as data: URLs.
const shareWebTrigger = createWebTriggerHandler((req) =>
  createShareHandler(createForgeDeps(), { inlineImages: !FORGE_BINARY_RESPONSES, inlineDownloads: !FORGE_BINARY_RESPONSES, codeReplyFloorMs: 1500 })(req),
);

/** The anonymous share view (web trigger `share-endpoint`). */
export const shareHandler = (request: ForgeWebTriggerRequest) => shareWebTrigger(request);
