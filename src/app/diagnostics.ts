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
import { createHash } from 'node:crypto';
import { DomainError } from '../core/errors';
import { defaultSiteSettings } from '../core/defaults';
import { authorizeSiteAdmin, type Caller } from './authorize';
import { setSiteSettings } from './configs';
import type { AppDeps } from './deps';

export const DIAGNOSTICS_KEY = 'diagnostics:results';
export const DIAGNOSTICS_TTL_MS = 180 * 24 * 60 * 60 * 1000;
export const PROBE_PREFIX = 'diagnostics:probe:';
export const PROBE_TTL_MS = 15 * 60 * 1000;

/** How the host turned the request bytes into the body string. */
export type BodyEncoding = 'utf8' | 'latin1' | 'base64';
/** How a binary response body is handed to the host: base64 text plus a header (never decoded by a browser), a latin1 string, or base64 with `isBase64Encoded`. */
export type BinaryResponseMode = 'base64-header' | 'latin1' | 'base64-flag';
/** Internal response header the Forge adapter reads (and strips) to send one response in a given binary mode. */
export const BINARY_MODE_HEADER = 'X-Secure-Share-Binary-Mode';
export const TESTED_RESPONSE_MODES = ['latin1', 'base64-flag'] as const satisfies readonly BinaryResponseMode[];

export interface KvsConflictCodes {
  /** What a create with FAIL_IF_EXISTS answers when the key exists, e.g. '409 KEY_CONFLICT'. */
  createExisting: string;
  /** What a transaction whose condition fails answers, e.g. '409 CONDITION_FAILED'. */
  conditionFailed: string;
}

/** Checks that need the platform itself (Forge: raw @forge/kvs); absent in local mode. */
export interface PlatformChecks {
  kvsConflictCodes(): Promise<KvsConflictCodes>;
}

export interface ServerChecks {
  kvsConflictCodes: KvsConflictCodes | null;
  nestedNulls: 'kept' | 'changed' | 'failed';
  attachmentDownload: { outcome: 'ok' | 'failed' | 'none_found'; detail: string };
}

export interface IpHeaderSeen {
  name: string;
  /** Right-most entry on the browser's plain page load. */
  value: string;
  /** True when a value the browser forged reached the app as the right-most entry: never use it. */
  forgeable: boolean;
}

export interface BrowserChecks {
  at: number;
  ipHeaders: IpHeaderSeen[];
  /** The header to use for IP allow-lists: present, an IP address, and not forgeable; null if none. */
  recommendedIpHeader: string | null;
  cookies: { first: boolean; second: boolean };
  /** Per security header: as sent, changed on the way, or missing. */
  securityHeaders: Record<string, 'kept' | 'changed' | 'missing'>;
  redirect303: boolean;
  requestBody: { encoding: BodyEncoding | null; detail: string };
  responseBody: { mode: BinaryResponseMode | null; detail: string };
}

export interface DiagnosticsResults {
  ranAt: number;
  ranBy: string;
  server: ServerChecks;
  browser: BrowserChecks | null;
}

/** What the share view switches on from the results; every null is the safe default. */
export interface PlatformSwitches {
  /** Proven way to send binary bodies: images are proxied and downloads sent as files. */
  binaryResponses: BinaryResponseMode | null;
  /** Proven, byte-exact request body encoding: uploads of any file are accepted. */
  requestBodyEncoding: BodyEncoding | null;
}

export const SAFE_SWITCHES: PlatformSwitches = { binaryResponses: null, requestBodyEncoding: null };

export const platformSwitches = (results: DiagnosticsResults | undefined): PlatformSwitches =>
  results?.browser
    ? { binaryResponses: results.browser.responseBody.mode, requestBodyEncoding: results.browser.requestBody.encoding }
    : SAFE_SWITCHES;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The stored results, or undefined when none (or expired, or unreadable: the safe defaults apply). */
export const readDiagnostics = async (deps: Pick<AppDeps, 'store' | 'clock'>): Promise<DiagnosticsResults | undefined> => {
  const record = await deps.store.ephemeral.get(DIAGNOSTICS_KEY, deps.clock.now());
  const value = record?.value;
  return isObject(value) && typeof value.ranAt === 'number' && isObject(value.server) ? (value as unknown as DiagnosticsResults) : undefined;
};

const writeDiagnostics = (deps: AppDeps, results: DiagnosticsResults): Promise<void> =>
  deps.store.ephemeral.put({ key: DIAGNOSTICS_KEY, value: results as unknown as Record<string, unknown>, expiresAt: deps.clock.now() + DIAGNOSTICS_TTL_MS });

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

const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
export const probeKey = (nonce: string): string => PROBE_PREFIX + sha256Hex(nonce);
export const PROBE_NONCE = /^[A-Za-z0-9_-]{43}$/;

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

/** Records the browser half (called by the probe's report route, after its nonce was checked). */
export const recordBrowserChecks = async (deps: AppDeps, browser: BrowserChecks): Promise<void> => {
  const current = await readDiagnostics(deps);
  const results: DiagnosticsResults = current
    ? { ...current, browser }
    : { ranAt: browser.at, ranBy: 'browser check', server: { kvsConflictCodes: null, nestedNulls: 'failed', attachmentDownload: { outcome: 'none_found', detail: 'Not run.' } }, browser };
  await writeDiagnostics(deps, results);
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
