/**
 * Site self-test (global settings → Diagnostics): the platform behaviours no offline test can settle,
 * checked on the real installation, and the switches their results turn on.
 *
 * Two halves:
 * - server checks, run by the `runDiagnostics` resolver: KVS conflict error codes (Forge only, through
 *   the injected PlatformChecks), whether nested null values survive storage, whether an attachment
 *   downloads intact;
 * - a browser check: the resolver hands out a one-time probe URL on the share web trigger
 *   (src/web/diagnostics-probe.ts). The admin's browser opens it and its page checks the client-IP
 *   header, cookies, security headers, a 303 redirect and binary bodies both ways, and records what it saw.
 *
 * Results live 180 days in the ephemeral store; the share view reads them on every request
 * (`platformSwitches`) and every switch falls back to the safe choice when nothing is proven.
 */
import { DomainError } from '../core/errors';
import { defaultSiteSettings } from '../core/defaults';
import { authorizeSiteAdmin, type Caller } from './authorize';
import { setSiteSettings } from './configs';
import type { AppDeps } from './deps';
import {
  PROBE_TTL_MS,
  probeKey,
  readDiagnostics,
  writeDiagnostics,
  type DiagnosticsResults,
  type ServerChecks,
} from './diagnostics-results';

export * from './diagnostics-results';

// ------------------------------------------------------------------------------------ server checks

const NESTED = { a: { b: null, c: [1, null, { d: null }] }, e: 'x' };

const nestedNullsCheck = async (deps: AppDeps): Promise<ServerChecks['nestedNulls']> => {
  const key = `diagnostics:nulls:${Buffer.from(deps.random.bytes(9)).toString('base64url')}`;
  try {
    await deps.store.ephemeral.put({ key, value: NESTED, expiresAt: deps.clock.now() + PROBE_TTL_MS });
    const back = await deps.store.ephemeral.get(key, deps.clock.now());
    await deps.store.ephemeral.delete(key).catch(() => undefined);
    return JSON.stringify(back?.value) === JSON.stringify(NESTED) ? 'kept' : 'changed';
  } catch {
    return 'failed';
  }
};

const PAGE_ID = /^[1-9][0-9]{0,19}$/;

const attachmentCheck = async (deps: AppDeps, pageId: string | undefined): Promise<ServerChecks['attachmentDownload']> => {
  try {
    const candidates = pageId ? [pageId] : [...new Set((await deps.store.links.list({}, { limit: 20 })).items.map((l) => l.pageId))];
    for (const id of candidates) {
      const attachments = await deps.content.listAttachments(id);
      const first = attachments[0];
      if (!first) continue;
      const data = await deps.content.downloadAttachment(id, first.id, first);
      if (!data) return { outcome: 'failed', detail: `"${first.title}" on page ${id} could not be downloaded.` };
      if (first.fileSize > 0 && data.bytes.byteLength !== first.fileSize) {
        return { outcome: 'failed', detail: `"${first.title}" on page ${id} arrived with ${data.bytes.byteLength} of ${first.fileSize} bytes.` };
      }
      return { outcome: 'ok', detail: `"${first.title}" on page ${id} downloaded intact (${data.bytes.byteLength} bytes).` };
    }
    return {
      outcome: 'none_found',
      detail: pageId ? `Page ${pageId} has no attachment.` : 'No shared page has an attachment. Name a page that has one and run the check again.',
    };
  } catch (error) {
    return { outcome: 'failed', detail: `The download failed (${error instanceof DomainError ? error.message : 'unexpected error'}).` };
  }
};

export interface RunDiagnosticsInput {
  /** A page with at least one attachment for the download check; default: pages of existing links. */
  pageId?: string;
}

export interface RunDiagnosticsResult {
  results: DiagnosticsResults;
  /** One-time URL the admin's browser opens for the browser checks (15 minutes); null in local mode. */
  probeUrl: string | null;
  probeExpiresAt: number | null;
}


/** Runs the server checks, keeps any earlier browser results, and hands out a fresh probe URL. */
export const runDiagnostics = async (deps: AppDeps, caller: Caller, input: RunDiagnosticsInput): Promise<RunDiagnosticsResult> => {
  await authorizeSiteAdmin(deps, caller);
  if (input.pageId !== undefined && !PAGE_ID.test(input.pageId)) {
    throw new DomainError('invalid_input', 'Enter a page id (digits only), or leave it empty.', [{ field: 'pageId', message: 'Enter a page id (digits only).' }]);
  }
  const [kvsConflictCodes, nestedNulls, attachmentDownload, previous] = await Promise.all([
    deps.platformChecks ? deps.platformChecks.kvsConflictCodes().catch((e: unknown) => ({ createExisting: `failed: ${describe(e)}`, conditionFailed: 'not checked' })) : Promise.resolve(null),
    nestedNullsCheck(deps),
    attachmentCheck(deps, input.pageId),
    readDiagnostics(deps).catch(() => undefined),
  ]);
  const now = deps.clock.now();
  const results: DiagnosticsResults = {
    ranAt: now,
    ranBy: caller.accountId,
    server: { kvsConflictCodes, nestedNulls, attachmentDownload },
    browser: previous?.browser ?? null,
  };
  await writeDiagnostics(deps, results);
  if (!deps.platformChecks) return { results, probeUrl: null, probeExpiresAt: null };
  const nonce = Buffer.from(deps.random.bytes(32)).toString('base64url');
  const expiresAt = now + PROBE_TTL_MS;
  await deps.store.ephemeral.putIfAbsent({ key: probeKey(nonce), value: { createdAt: now, by: caller.accountId }, expiresAt });
  const site = await deps.store.configs.getSite();
  const base = (site?.customDomain ?? (await deps.shareBaseUrl())).replace(/\/+$/, '');
  return { results, probeUrl: `${base}/diag/${nonce}`, probeExpiresAt: expiresAt };
};

/** The stored results (admin only); null before the first run. */
export const getDiagnostics = async (deps: AppDeps, caller: Caller): Promise<{ results: DiagnosticsResults | null }> => {
  await authorizeSiteAdmin(deps, caller);
  return { results: (await readDiagnostics(deps)) ?? null };
};

/**
 * Uses the header the browser check recommended for IP allow-lists (site settings → clientIpHeader),
 * through the ordinary site-settings save (validation, version check, audit).
 */
export const applyRecommendedIpHeader = async (deps: AppDeps, caller: Caller): Promise<{ clientIpHeader: string }> => {
  await authorizeSiteAdmin(deps, caller);
  const recommended = (await readDiagnostics(deps))?.browser?.recommendedIpHeader;
  if (!recommended) {
    throw new DomainError('invalid_input', 'The self-test has not found a header that reliably carries the visitor\'s IP address. Run the browser check first.');
  }
  const site = (await deps.store.configs.getSite()) ?? defaultSiteSettings(deps.clock.now());
  const { version, updatedAt: _updatedAt, sso, ...rest } = site;
  const saved = await setSiteSettings(deps, caller, {
    version,
    settings: { ...rest, clientIpHeader: recommended, sso: sso ? { issuer: sso.issuer, clientId: sso.clientId, scopes: sso.scopes } : null },
  });
  return { clientIpHeader: saved.settings.clientIpHeader };
};

const describe = (error: unknown): string => (error instanceof Error ? error.message.slice(0, 200) : 'unknown error');
