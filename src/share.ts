/**
 * Forge entry of the anonymous share view alone (manifest `share-handler` → `share.shareHandler`).
 * Kept apart from src/index.ts so the web trigger's bundle carries only what the view needs
 * (no resolvers, no admin use cases): a smaller bundle loads faster on a cold start.
 *
 * Per request whose path the view could serve (a malformed one is its 404 without any storage call),
 * before the view runs, one parallel read of:
 * - the stored share base URL (never `webTrigger.getUrl` here; with a custom domain it is not needed);
 * - the site self-test's results (src/app/diagnostics.ts), which switch on what the site proved:
 *   binary responses (pictures proxied, downloads sent as files instead of embedded in pages) and a
 *   byte-exact request body (uploads of any file). Without results every switch stays on the safe side.
 * `/diag/<nonce>` requests go to the self-test's browser probe instead of the view.
 */
import { createForgeDeps } from './adapters/forge/forge-deps';
import {
  adapterFailureResponse,
  createWebTriggerHandler,
  toHttpRequest,
  type ForgeWebTriggerRequest,
  type ForgeWebTriggerResponse,
} from './adapters/forge/web-trigger';
import type { AppDeps } from './app/deps';
import { platformSwitches, readDiagnostics, SAFE_SWITCHES, type PlatformSwitches } from './app/diagnostics-results';
import { isAuditExportPath } from './web/audit-export-download';
import { handleDiagnosticsProbe, isDiagnosticsPath } from './web/diagnostics-probe';
import { notFoundResponse } from './web/responses';
import { createShareHandler } from './web/share-handler';
import { parseSharePath } from './web/share-routes';
import { SHARED_WITH_ME_PATH } from './web/shared-with-me';
import { SSO_CALLBACK_PATH } from './web/sso-gate';
import { isSetupCheckPath } from './app/setup-paths';

/** Whether the view could serve this path at all: anything else is its generic 404 without a storage call (T1). */
const mayBeServed = (path: string): boolean =>
  path === SSO_CALLBACK_PATH ||
  isSetupCheckPath(path) ||
  path.startsWith('/subscriptions/') ||
  isAuditExportPath(path) ||
  path === SHARED_WITH_ME_PATH ||
  path.startsWith(`${SHARED_WITH_ME_PATH}/`) ||
  isDiagnosticsPath(path) ||
  parseSharePath(path) !== null;

/** The stored share URL; '' when none is stored but a custom domain replaces it; null when the view cannot run. */
const shareBaseFor = async (deps: AppDeps): Promise<string | null> => {
  const stored = await deps.shareBaseUrl().catch(() => null);
  if (stored !== null) return stored;
  const site = await deps.store.configs.getSite();
  return site?.customDomain ? '' : null;
};

/** Unreadable results count as none: the safe choices apply. */
const switchesFor = (deps: AppDeps): Promise<PlatformSwitches> =>
  readDiagnostics(deps)
    .then(platformSwitches)
    .catch(() => SAFE_SWITCHES);

/** The anonymous share view (web trigger `share-endpoint`). */
export const shareHandler = async (request: ForgeWebTriggerRequest): Promise<ForgeWebTriggerResponse> => {
  const { path } = toHttpRequest({ ...request, body: '' });
  if (!mayBeServed(path)) return createWebTriggerHandler(async () => notFoundResponse())(request);
  const deps = createForgeDeps({}, { shareBaseUrl: 'stored-only' });
  let base: string | null;
  let switches: PlatformSwitches;
  try {
    [base, switches] = await Promise.all([shareBaseFor(deps), switchesFor(deps)]);
  } catch {
    base = null;
    switches = SAFE_SWITCHES;
  }
  if (base === null) {
    // Only before any resolver stored the URL (no link can exist then) or while storage is down.
    console.error('Share endpoint: share URL not stored yet; opening Secure Share in Confluence stores it');
    return adapterFailureResponse();
  }
  const viewDeps: AppDeps = { ...deps, shareBaseUrl: () => Promise.resolve(base) };
  const requestBodyEncoding = switches.requestBodyEncoding ?? 'utf8';
  const adapterOptions = {
    requestBodyEncoding,
    refuseUnprovenUploads: switches.requestBodyEncoding === null,
    binaryResponses: switches.binaryResponses ?? 'base64-header',
  };
  if (isDiagnosticsPath(path)) {
    return createWebTriggerHandler((req) => handleDiagnosticsProbe(viewDeps, req, { hostBodyEncoding: requestBodyEncoding }), {
      ...adapterOptions,
      refuseUnprovenUploads: false,
    })(request);
  }
  const embedBinaries = switches.binaryResponses === null;
  const handle = createShareHandler(viewDeps, { inlineImages: embedBinaries, inlineDownloads: embedBinaries, codeReplyFloorMs: 1500 });
  return createWebTriggerHandler(handle, adapterOptions)(request);
};
