/**
 * The stored results of the site self-test and the switches they turn on (see src/app/diagnostics.ts for
 * the checks). Kept apart from the use cases so the share web trigger's bundle carries only this.
 */
import { createHash } from 'node:crypto';
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

const BODY_ENCODINGS = new Set<string>(['utf8', 'latin1', 'base64']);
const RESPONSE_MODES = new Set<string>(['base64-header', 'latin1', 'base64-flag']);

/** Only values this version knows switch anything; a stored record of another shape keeps the safe choices. */
export const platformSwitches = (results: DiagnosticsResults | undefined): PlatformSwitches => {
  const mode = results?.browser?.responseBody?.mode;
  const encoding = results?.browser?.requestBody?.encoding;
  return {
    binaryResponses: typeof mode === 'string' && RESPONSE_MODES.has(mode) ? mode : null,
    requestBodyEncoding: typeof encoding === 'string' && BODY_ENCODINGS.has(encoding) ? encoding : null,
  };
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The stored results, or undefined when none (or expired, or unreadable: the safe defaults apply). */
export const readDiagnostics = async (deps: Pick<AppDeps, 'store' | 'clock'>): Promise<DiagnosticsResults | undefined> => {
  const record = await deps.store.ephemeral.get(DIAGNOSTICS_KEY, deps.clock.now());
  const value = record?.value;
  return isObject(value) && typeof value.ranAt === 'number' && isObject(value.server) ? (value as unknown as DiagnosticsResults) : undefined;
};

export const writeDiagnostics = (deps: AppDeps, results: DiagnosticsResults): Promise<void> =>
  deps.store.ephemeral.put({ key: DIAGNOSTICS_KEY, value: results as unknown as Record<string, unknown>, expiresAt: deps.clock.now() + DIAGNOSTICS_TTL_MS });

const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
export const probeKey = (nonce: string): string => PROBE_PREFIX + sha256Hex(nonce);
export const PROBE_NONCE = /^[A-Za-z0-9_-]{43}$/;

/** Records the browser half (called by the probe's report route, after its nonce was checked). */
export const recordBrowserChecks = async (deps: AppDeps, browser: BrowserChecks): Promise<void> => {
  const current = await readDiagnostics(deps);
  const results: DiagnosticsResults = current
    ? { ...current, browser }
    : { ranAt: browser.at, ranBy: 'browser check', server: { kvsConflictCodes: null, nestedNulls: 'failed', attachmentDownload: { outcome: 'none_found', detail: 'Not run.' } }, browser };
  await writeDiagnostics(deps, results);
};
