/**
 * Audit log CSV export as a background job (issue 10: a resolver must answer within seconds at 50,000
 * entries, and may not return megabytes).
 *
 * - `startAuditExport` (Confluence admins) records the export and enqueues its first step; without a job
 *   queue (local mode) it runs the whole export in the call.
 * - `runAuditExportStep` (job-handler consumer) lists the log newest first and writes the CSV as numbered
 *   chunk records in the ephemeral store (each well under the 240 KiB KVS value limit, kept 24 hours).
 *   After every chunk it saves a checkpoint (list cursor + rows of that page already written), so a step
 *   delivered twice, or started again after a crash, continues from the last checkpoint and writes the
 *   same chunks again: at-least-once delivery does no harm. A step is bounded (time and rows) and enqueues
 *   the next one.
 * - Each row starts with the time and the entry as a plain sentence with names (`summary`), then the raw
 *   fields; names are looked up in bulk per listed page (audit-names.ts), never per row.
 * - The CSV is cut into parts that each fit one web-trigger response (Forge: 5 MB with headers); every
 *   part starts with a UTF-8 byte order mark (so Excel opens accented names correctly; the part size
 *   counts it) and the header line, so each file opens on its own.
 * - `getAuditExport` answers status, progress and, once ready, one signed download URL per part:
 *   `<share base>/export/<id>?part=N&exp=<epoch s>&sig=<HMAC-SHA256(per-installation secret, id:part:exp)>`,
 *   valid 15 minutes (src/web/audit-export-download.ts serves it).
 * - `listAuditExports` finds the caller's exports of the last 24 hours again (newest first, at most 10),
 *   through a small index record per export, so closing the tab loses nothing.
 * - The export is itself audited (`audit_exported`): when it starts (the filter in plain words), and when it
 *   is ready (its row count) or failed. Never the download URL or its signature.
 * - A step that failed is enqueued again after a pause (30 s, then 120 s), so throttling does not use up
 *   the allowed failures within seconds.
 *
 * The same job, chunks, parts and signed URLs export the links list (`startLinksExport`, issue 13): the
 * record's `source` says which rows a step writes (link-csv.ts reads them); its filter is the list's.
 *
 * A space's admins may export that space's links and read those exports of their own (re-checked on every call).
 *
 * Who may read an export: only the admin who started it (still a Confluence admin when asking). Another
 * admin gets the same "not found" as for an unknown id; they can start their own export.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
// zod/mini: the share view (download route) reaches this module, and classic zod would double its cold start.
import * as z from 'zod/mini';
import { DomainError } from '../core/errors';
import type { AuditEntry } from '../core/model';
import type { AuditExportStatus, AuditExportView } from '../shared/contract';
import { recordAudit } from './audit';
import { createAuditNameCache, resolveAuditNames } from './audit-names';
import { auditEntryCsvLine, auditExportFileBase, CSV_HEADER_LINE, toAuditFilter, type AuditQuery } from './audit-log';
import { describeLinkExportFilter, LINK_CSV_HEADER_LINE, linkExportFileBase, readLinkCsvPage, type LinkExportFilter } from './link-csv';
import { authorizeSiteAdmin, authorizeSpaceAdmin, type Caller } from './authorize';
import type { AppDeps } from './deps';
import { collectPages } from './listing';
import type { AuditExportJob, AuditFilter } from './ports';

const MINUTE_MS = 60_000;
/** Export records and their chunks expire after a day (the store's TTL; reads check it too). */
export const AUDIT_EXPORT_TTL_MS = 24 * 60 * MINUTE_MS;
/** A download URL works this long after getAuditExport issued it. */
export const AUDIT_EXPORT_URL_TTL_MS = 15 * MINUTE_MS;
/** Chunk size, measured as stored (JSON-encoded): well under the 240 KiB KVS value limit. */
export const AUDIT_EXPORT_CHUNK_BYTES = 128 * 1024;
/** CSV bytes per part (UTF-8): with headers, one part stays under the 4.5 MB web response budget. */
export const AUDIT_EXPORT_PART_BYTES = 4 * 1024 * 1024;
/** The export stops here (about 70 MB of CSV); the view says so, and narrower dates export the rest. */
export const MAX_AUDIT_EXPORT_ROWS = 500_000;
/** One job step writes at most this many rows... */
export const AUDIT_EXPORT_ROWS_PER_STEP = 50_000;
/** ...and stops after this long (the consumer's timeout is 900 s). */
export const AUDIT_EXPORT_STEP_BUDGET_MS = 600_000;
/** Queued or running without a checkpoint for this long: its job was lost (e.g. the invocation was stopped). */
export const AUDIT_EXPORT_STALE_MS = 20 * MINUTE_MS;
/** Exports one admin may start per hour (each one reads the whole filtered log). */
export const AUDIT_EXPORTS_PER_HOUR = 10;
/** A step that fails this many times in a row, without writing a chunk in between, marks the export failed. */
const MAX_STEP_FAILURES = 3;
/** How long a failed step waits before it runs again (seconds; after the first failure, then the second). */
export const AUDIT_EXPORT_RETRY_DELAYS_S = [30, 120] as const;
/** Every part starts with this (UTF-8 byte order mark: EF BB BF), so Excel reads the file as UTF-8. */
export const CSV_BOM = '\uFEFF';
/** listAuditExports answers at most this many exports (newest first, of the last 24 hours). */
export const RECENT_AUDIT_EXPORTS = 10;
const LIST_PAGE = 100;
const PART_READ_CONCURRENCY = 8;

export const AUDIT_EXPORT_PATH_PREFIX = '/export/';
const EXPORT_ID = /^[A-Za-z0-9_-]{22}$/;
const SIGNING_SECRET = 'audit-export-signing-key';

const recordKey = (id: string): string => `audit-export:${id}`;
const chunkKey = (id: string, n: number): string => `audit-export:${id}:chunk:${n}`;
/** What an export holds: the audit log (the default, also for records written before links exports) or the links list. */
export type ExportSource = 'audit' | 'links';

/** One small record per export under its requester's prefix (a digest: no account id text in keys), one prefix per source. */
const requesterPrefix = (accountId: string, source: ExportSource = 'audit'): string =>
  `${source === 'links' ? 'links-export-by' : 'audit-export-by'}:${createHash('sha256').update(accountId).digest('hex').slice(0, 32)}:`;
/** Newest first in key order: the time is counted down from the largest 13-digit epoch. */
const indexKey = (record: Pick<ExportRecord, 'id' | 'requestedBy' | 'createdAt' | 'source'>): string =>
  `${requesterPrefix(record.requestedBy, record.source)}${String(9_999_999_999_999 - record.createdAt).padStart(13, '0')}:${record.id}`;

const count = z.int().check(z.nonnegative());
const partSchema = z.object({ firstChunk: count, chunks: count, rows: count, bytes: count });
const recordSchema = z.object({
  id: z.string().check(z.regex(EXPORT_ID)),
  requestedBy: z.string().check(z.minLength(1)),
  createdAt: z.number(),
  updatedAt: z.number(),
  filter: z.object({
    linkId: z.optional(z.string()),
    spaceKey: z.optional(z.string()),
    action: z.optional(z.string()),
    since: z.optional(z.number()),
    until: z.optional(z.number()),
  }),
  /** Absent: the audit log. */
  source: z.optional(z.enum(['audit', 'links'])),
  /** The links export's filter (source 'links'). */
  links: z.optional(
    z.object({
      spaceKey: z.optional(z.string()),
      status: z.optional(z.enum(['active', 'disabled'])),
      nonCompliant: z.optional(z.boolean()),
      search: z.optional(z.string()),
      createdBy: z.optional(z.string()),
      expiresFrom: z.optional(z.number()),
      expiresUntil: z.optional(z.number()),
    }),
  ),
  status: z.enum(['queued', 'running', 'ready', 'failed']),
  /** The step that last started: a delivery of an earlier step is stale and does nothing. */
  step: count,
  rows: count,
  reachedAt: z.nullable(z.number()),
  /** Checkpoint: the list cursor of the page holding the next row (null: the first page), and its rows already written. */
  cursor: z.nullable(z.string()),
  skip: count,
  chunks: count,
  /** Parts written so far; while running, the last one may still grow. */
  parts: z.array(partSchema),
  truncated: z.boolean(),
  message: z.nullable(z.string()),
  failures: count,
  fileBase: z.string().check(z.minLength(1)),
});

type ExportRecord = z.infer<typeof recordSchema>;
type ExportPart = z.infer<typeof partSchema>;

const newExportId = (deps: Pick<AppDeps, 'random'>): string => Buffer.from(deps.random.bytes(16)).toString('base64url');

export const isAuditExportId = (value: string): boolean => EXPORT_ID.test(value);

const loadExport = async (deps: Pick<AppDeps, 'store' | 'clock'>, id: string): Promise<ExportRecord | undefined> => {
  const stored = await deps.store.ephemeral.get(recordKey(id), deps.clock.now());
  const parsed = recordSchema.safeParse(stored?.value);
  return parsed.success && parsed.data.id === id ? parsed.data : undefined;
};

const saveExport = (deps: Pick<AppDeps, 'store'>, record: ExportRecord): Promise<void> =>
  deps.store.ephemeral.put({ key: recordKey(record.id), value: { ...record }, expiresAt: record.createdAt + AUDIT_EXPORT_TTL_MS });

const filterOf = (record: ExportRecord): AuditFilter => toAuditFilter(record.filter as AuditQuery);
const linkFilterOf = (record: ExportRecord): LinkExportFilter => record.links ?? {};
const isLinksExport = (record: Pick<ExportRecord, 'source'>): boolean => record.source === 'links';

const DAY_START = /T00:00:00\.000Z$/;
const DAY_END = /T23:59:59\.999Z$/;
/** A filter bound as people read it: the UTC day the date pickers chose, else the UTC minute. */
const boundWords = (at: number, whole: RegExp): string => {
  const iso = new Date(at).toISOString();
  return whole.test(iso) ? iso.slice(0, 10) : `${iso.slice(0, 16).replace('T', ' ')} UTC`;
};

/** What an export covers, in plain words for the audit trail: "all entries", "space DEMO, from 2026-11-01 to 2026-11-30". */
export const describeExportFilter = (filter: AuditFilter): string => {
  const words: string[] = [];
  if (filter.spaceKey) words.push(`space ${filter.spaceKey}`);
  if (filter.linkId) words.push(`link ${filter.linkId}`);
  if (filter.action) words.push(`action ${filter.action}`);
  const range = [
    filter.since !== undefined ? `from ${boundWords(filter.since, DAY_START)}` : '',
    filter.until !== undefined ? `to ${boundWords(filter.until, DAY_END)}` : '',
  ].filter(Boolean);
  if (range.length > 0) words.push(range.join(' '));
  return words.length > 0 ? words.join(', ') : 'all entries';
};

const entriesWords = (n: number): string => `${n.toLocaleString('en-US')} ${n === 1 ? 'entry' : 'entries'}`;

/** The export's own audit trail (site level: no link, page or space). Best effort, as every audit write. */
const auditExport = (deps: AppDeps, record: ExportRecord, event: 'started' | 'ready' | 'failed', why?: string): Promise<void> => {
  const links = isLinksExport(record);
  const scope = links ? describeLinkExportFilter(linkFilterOf(record)) : describeExportFilter(filterOf(record));
  const rowWords = (n: number) => (links ? `${n.toLocaleString('en-US')} ${n === 1 ? 'link' : 'links'}` : entriesWords(n));
  const detail =
    event === 'started'
      ? `Export started: ${scope}.`
      : event === 'ready'
        ? `Export ready: ${rowWords(record.rows)}${record.truncated ? ' (stopped at the export limit)' : ''}${record.parts.length > 1 ? ` in ${record.parts.length} files` : ''}; ${scope}.`
        : `Export failed: ${why ?? 'it did not finish'}; ${scope}.`;
  return recordAudit(deps, { action: links ? 'links_exported' : 'audit_exported', actor: record.requestedBy, detail });
};

// ---------------------------------------------------------------------------------------------
// Starting and reading

export interface AuditExportStepOptions {
  /** Real time (epoch ms) by which a step stops and hands over to the next one (jobs only). */
  deadline?: number;
  /** Real-time source for the deadline. */
  now?: () => number;
  /** Rows one step writes at most (jobs only). */
  rowsPerStep?: number;
  chunkBytes?: number;
  partBytes?: number;
  maxRows?: number;
}

/** Site admins only, re-checked here. Records the export and enqueues its first step (or, without jobs, runs it). */
export const startAuditExport = async (
  deps: AppDeps,
  caller: Caller,
  query: AuditQuery,
  options: AuditExportStepOptions = {},
): Promise<AuditExportView> => {
  await authorizeSiteAdmin(deps, caller);
  const filter = toAuditFilter(query);
  return startExport(deps, caller, { filter: { ...filter }, fileBase: auditExportFileBase(filter, deps.clock.now()) }, options);
};

/**
 * A CSV of the links list: the same filter as the lists, the same job, parts and signed 15-minute
 * download URLs as the audit export; audited as `links_exported`. Confluence admins export any links;
 * with a space key, that space's admins export its links (rights re-checked here).
 */
export const startLinksExport = async (
  deps: AppDeps,
  caller: Caller,
  filter: LinkExportFilter,
  options: AuditExportStepOptions = {},
): Promise<AuditExportView> => {
  if (filter.spaceKey) await authorizeSpaceAdmin(deps, caller, filter.spaceKey);
  else await authorizeSiteAdmin(deps, caller);
  const links = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '')) as LinkExportFilter;
  return startExport(deps, caller, { filter: {}, source: 'links', links, fileBase: linkExportFileBase(links, deps.clock.now()) }, options);
};

/** Records an export (rights already checked), enqueues its first step or, without jobs, runs it whole. */
const startExport = async (
  deps: AppDeps,
  caller: Caller,
  what: Pick<ExportRecord, 'filter' | 'fileBase'> & { source?: 'links'; links?: LinkExportFilter },
  options: AuditExportStepOptions,
): Promise<AuditExportView> => {
  const now = deps.clock.now();
  const hourEnd = Math.floor(now / (60 * MINUTE_MS)) * 60 * MINUTE_MS + 60 * MINUTE_MS;
  if ((await deps.store.counters.increment(`audit-export-start:${caller.accountId}:${hourEnd}`, hourEnd)) > AUDIT_EXPORTS_PER_HOUR) {
    throw new DomainError('rate_limited', `You can start at most ${AUDIT_EXPORTS_PER_HOUR} exports an hour. Use one you started earlier, or try again later.`);
  }
  const record: ExportRecord = {
    id: newExportId(deps),
    requestedBy: caller.accountId,
    createdAt: now,
    updatedAt: now,
    filter: what.filter,
    ...(what.source ? { source: what.source, links: what.links ?? {} } : {}),
    status: 'queued',
    step: 0,
    rows: 0,
    reachedAt: null,
    cursor: null,
    skip: 0,
    chunks: 0,
    parts: [],
    truncated: false,
    message: null,
    failures: 0,
    fileBase: what.fileBase,
  };
  await Promise.all([
    saveExport(deps, record),
    deps.store.ephemeral.put({ key: indexKey(record), value: { id: record.id, createdAt: record.createdAt }, expiresAt: record.createdAt + AUDIT_EXPORT_TTL_MS }),
  ]);
  // Recorded before the job can run: an export of the whole log lists its own start.
  await auditExport(deps, record, 'started');
  const job: AuditExportJob = { kind: 'audit-export', exportId: record.id, step: 0 };
  if (deps.jobs) {
    try {
      await deps.jobs.enqueue(job);
    } catch {
      await saveExport(deps, { ...record, status: 'failed', message: 'The export could not be started. Try again in a moment.' }).catch(() => undefined);
      await auditExport(deps, record, 'failed', 'it could not be started');
      throw new DomainError('upstream_unavailable', 'The export could not be started. Try again in a moment.');
    }
    return exportView(deps, record);
  }
  await runAuditExportStep(deps, job, options);
  return exportView(deps, (await loadExport(deps, record.id)) ?? record);
};

const NOT_FOUND = 'This export does not exist or has expired (exports are kept for 24 hours). Start a new export.';

/** Status, progress and, when ready, fresh download URLs. Only the admin who started the export. */
export const getAuditExport = async (deps: AppDeps, caller: Caller, exportId: string): Promise<AuditExportView> => {
  const record = isAuditExportId(exportId) ? await loadExport(deps, exportId) : undefined;
  await authorizeExportReader(deps, caller, record);
  if (!record || record.requestedBy !== caller.accountId) throw new DomainError('not_found', NOT_FOUND);
  return exportView(deps, record);
};

/** The space a links export is limited to, if any (its admins may read their own exports of it). */
const exportSpaceOf = (record: ExportRecord | undefined): string | undefined =>
  record && isLinksExport(record) ? record.links?.spaceKey : undefined;

/**
 * Confluence admins read their exports; a space admin reads their own links exports of that space (still
 * its admin when asking). Anyone else is refused before the record's owner is compared.
 */
const authorizeExportReader = async (deps: AppDeps, caller: Caller, record: ExportRecord | undefined): Promise<void> => {
  const space = record?.requestedBy === caller.accountId ? exportSpaceOf(record) : undefined;
  if (space) await authorizeSpaceAdmin(deps, caller, space);
  else await authorizeSiteAdmin(deps, caller);
};

const indexEntrySchema = z.object({ id: z.string().check(z.regex(EXPORT_ID)), createdAt: z.number() });

/**
 * The caller's exports of the last 24 hours, newest first, at most 10: status, rows, created time and, for
 * ready ones, fresh download URLs. Site admins only; another admin's exports never appear.
 */
export const listAuditExports = async (
  deps: AppDeps,
  caller: Caller,
  source: ExportSource = 'audit',
  /** Links exports of this space only (its admins may ask). */
  spaceKey?: string,
): Promise<AuditExportView[]> => {
  if (source === 'links' && spaceKey) await authorizeSpaceAdmin(deps, caller, spaceKey);
  else await authorizeSiteAdmin(deps, caller);
  const now = deps.clock.now();
  const indexed = await collectPages((request) => deps.store.ephemeral.listByPrefix(requesterPrefix(caller.accountId, source), request), {
    stopAfter: RECENT_AUDIT_EXPORTS,
  });
  const recent = indexed
    .map((r) => indexEntrySchema.safeParse(r.value))
    .flatMap((p) => (p.success && now - p.data.createdAt < AUDIT_EXPORT_TTL_MS ? [p.data] : []))
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, RECENT_AUDIT_EXPORTS);
  const records = await Promise.all(recent.map((entry) => loadExport(deps, entry.id)));
  const mine = records.filter(
    (r): r is ExportRecord =>
      r !== undefined && r.requestedBy === caller.accountId && (r.source ?? 'audit') === source && (spaceKey === undefined || exportSpaceOf(r) === spaceKey),
  );
  return Promise.all(mine.map((r) => exportView(deps, r)));
};

const partFileName = (record: ExportRecord, part: number): string =>
  record.parts.length > 1 ? `${record.fileBase}-part-${part}-of-${record.parts.length}.csv` : `${record.fileBase}.csv`;

const exportView = async (deps: AppDeps, record: ExportRecord): Promise<AuditExportView> => {
  const now = deps.clock.now();
  const stale = (record.status === 'queued' || record.status === 'running') && now - record.updatedAt > AUDIT_EXPORT_STALE_MS;
  const status: AuditExportStatus = stale ? 'failed' : record.status;
  const view: AuditExportView = {
    exportId: record.id,
    status,
    rows: record.rows,
    reachedAt: record.reachedAt,
    message: stale ? 'The export stopped before it finished. Start it again.' : status === 'failed' ? record.message ?? 'The export failed. Start it again.' : null,
    truncated: record.truncated,
    downloads: [],
    urlsExpireAt: null,
    createdAt: record.createdAt,
  };
  if (status !== 'ready') return view;
  const exp = Math.floor((now + AUDIT_EXPORT_URL_TTL_MS) / 1000);
  const [key, base] = await Promise.all([signingKey(deps), downloadBase(deps)]);
  return {
    ...view,
    urlsExpireAt: exp * 1000,
    downloads: record.parts.map((p, i) => ({
      part: i + 1,
      filename: partFileName(record, i + 1),
      url: `${base}${AUDIT_EXPORT_PATH_PREFIX}${record.id}?part=${i + 1}&exp=${exp}&sig=${signatureFor(key, record.id, i + 1, exp)}`,
      rows: p.rows,
      bytes: p.bytes,
    })),
  };
};

// ---------------------------------------------------------------------------------------------
// Signed download URLs

/** The per-installation HMAC key, created on first use (create-only: racing first uses agree on one). */
const signingKey = async (deps: Pick<AppDeps, 'store' | 'random'>): Promise<string> => {
  const existing = await deps.store.secrets.get(SIGNING_SECRET);
  if (existing) return existing;
  const created = Buffer.from(deps.random.bytes(32)).toString('base64url');
  if (await deps.store.secrets.createIfAbsent(SIGNING_SECRET, created)) return created;
  const stored = await deps.store.secrets.get(SIGNING_SECRET);
  if (!stored) throw new Error('audit export signing key could not be stored');
  return stored;
};

const signatureFor = (key: string, exportId: string, part: number, exp: number): string =>
  createHmac('sha256', key).update(`audit-export:${exportId}:${part}:${exp}`).digest('base64url');

/** The web trigger's URL, or the custom domain that fronts it (as the other links the app sends). */
const downloadBase = async (deps: Pick<AppDeps, 'store' | 'shareBaseUrl'>): Promise<string> => {
  const site = await deps.store.configs.getSite();
  return (site?.customDomain ?? (await deps.shareBaseUrl())).replace(/\/+$/, '');
};

export type AuditExportLinkCheck = { ok: true; part: number } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * Checks a download URL's signature (constant time) and then its expiry; never creates the key. A URL
 * whose export id, part or expiry was changed is 'invalid', a genuine one past its time 'expired'.
 */
export const checkAuditExportLink = async (
  deps: Pick<AppDeps, 'store' | 'clock'>,
  input: { exportId: string; part: string | undefined; exp: string | undefined; sig: string | undefined },
): Promise<AuditExportLinkCheck> => {
  const { exportId, part, exp, sig } = input;
  if (!isAuditExportId(exportId) || !part || !/^[1-9][0-9]{0,3}$/.test(part) || !exp || !/^[0-9]{1,12}$/.test(exp) || !sig || !/^[A-Za-z0-9_-]{43}$/.test(sig)) {
    return { ok: false, reason: 'invalid' };
  }
  const key = await deps.store.secrets.get(SIGNING_SECRET);
  if (!key) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(signatureFor(key, exportId, Number(part), Number(exp)));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  if (Number(exp) * 1000 <= deps.clock.now()) return { ok: false, reason: 'expired' };
  return { ok: true, part: Number(part) };
};

export type AuditExportPart = { ok: true; filename: string; csv: string } | { ok: false; reason: 'gone' | 'not_ready' };

/** The CSV of one part of a ready export (1-based), read chunk by chunk; 'gone' once it expired. */
export const readAuditExportPart = async (deps: Pick<AppDeps, 'store' | 'clock'>, exportId: string, part: number): Promise<AuditExportPart> => {
  const record = await loadExport(deps, exportId);
  if (!record) return { ok: false, reason: 'gone' };
  if (record.status !== 'ready') return { ok: false, reason: 'not_ready' };
  const meta = record.parts[part - 1];
  if (!meta) return { ok: false, reason: 'gone' };
  const now = deps.clock.now();
  const texts: string[] = [];
  for (let i = 0; i < meta.chunks; i += PART_READ_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(PART_READ_CONCURRENCY, meta.chunks - i) }, (_, j) => meta.firstChunk + i + j);
    const records = await Promise.all(batch.map((n) => deps.store.ephemeral.get(chunkKey(exportId, n), now)));
    for (const r of records) {
      const text = r?.value['text'];
      if (typeof text !== 'string') return { ok: false, reason: 'gone' };
      texts.push(text);
    }
  }
  return { ok: true, filename: partFileName(record, part), csv: texts.join('') };
};

// ---------------------------------------------------------------------------------------------
// The job

export interface AuditExportStepOutcome {
  job: 'audit-export';
  exportId: string;
  step: number;
  rows: number;
  done: boolean;
}

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
/** What a text weighs once stored inside a JSON document (quotes and line breaks are escaped). */
const storedBytes = (text: string): number => utf8Bytes(JSON.stringify(text)) - 2;

/**
 * One bounded step of an export (see the file comment). Does nothing for an unknown, finished or stale
 * (earlier step) export. Out of time or rows, it saves its checkpoint and enqueues the next step; when a
 * storage call fails it enqueues the same step again (from the last checkpoint), and marks the export
 * failed after repeated failures. Without deps.jobs it runs to the end.
 */
export const runAuditExportStep = async (deps: AppDeps, job: AuditExportJob, options: AuditExportStepOptions = {}): Promise<AuditExportStepOutcome> => {
  const outcome = (record: ExportRecord | undefined, done: boolean): AuditExportStepOutcome => ({
    job: 'audit-export',
    exportId: job.exportId,
    step: job.step,
    rows: record?.rows ?? 0,
    done,
  });
  const loaded = await loadExport(deps, job.exportId);
  if (!loaded || loaded.status === 'ready' || loaded.status === 'failed' || job.step < loaded.step) return outcome(loaded, true);

  const now = options.now ?? Date.now;
  const bounded = deps.jobs !== undefined;
  const deadline = bounded ? (options.deadline ?? now() + AUDIT_EXPORT_STEP_BUDGET_MS) : Number.POSITIVE_INFINITY;
  const limits: WriteLimits = {
    outOfTime: () => now() >= deadline,
    rowsPerStep: bounded ? (options.rowsPerStep ?? AUDIT_EXPORT_ROWS_PER_STEP) : Number.POSITIVE_INFINITY,
    chunkBytes: options.chunkBytes ?? AUDIT_EXPORT_CHUNK_BYTES,
    partBytes: options.partBytes ?? AUDIT_EXPORT_PART_BYTES,
    maxRows: options.maxRows ?? MAX_AUDIT_EXPORT_ROWS,
  };
  const saved: { record: ExportRecord } = { record: { ...loaded, status: 'running', step: job.step, updatedAt: deps.clock.now() } };
  try {
    await saveExport(deps, saved.record);
    await writeRows(deps, saved, limits);
  } catch {
    const failed = { ...saved.record, failures: saved.record.failures + 1, updatedAt: deps.clock.now() };
    if (!deps.jobs || failed.failures >= MAX_STEP_FAILURES) {
      const message = 'The export could not be finished because storage did not answer. Start it again in a few minutes.';
      await saveExport(deps, { ...failed, status: 'failed', message }).catch(() => undefined);
      await auditExport(deps, failed, 'failed', 'storage did not answer');
      return outcome(failed, true);
    }
    await saveExport(deps, failed);
    // Wait before trying again (throttling passes in seconds to minutes), rather than failing thrice at once.
    const delaySeconds = AUDIT_EXPORT_RETRY_DELAYS_S[Math.min(failed.failures, AUDIT_EXPORT_RETRY_DELAYS_S.length) - 1]!;
    await deps.jobs.enqueue(job, { delaySeconds });
    return outcome(failed, false);
  }
  if (saved.record.status === 'ready') {
    await auditExport(deps, saved.record, 'ready');
    return outcome(saved.record, true);
  }
  // Bounded (jobs only): the next step continues from the checkpoint just saved. Marked after the push
  // (a crash in between leaves this step to be delivered again, never a chain without a next step),
  // and only if nothing moved since, so a late duplicate of this step finds itself stale.
  await deps.jobs!.enqueue({ ...job, step: job.step + 1 });
  const latest = await loadExport(deps, job.exportId);
  if (latest && latest.status === 'running' && latest.step === job.step && latest.chunks === saved.record.chunks) {
    await saveExport(deps, { ...latest, step: job.step + 1 });
  }
  return outcome(saved.record, false);
};

interface WriteLimits {
  outOfTime: () => boolean;
  rowsPerStep: number;
  chunkBytes: number;
  partBytes: number;
  maxRows: number;
}

/**
 * Lists from the checkpoint and writes chunks until the log ends, the row limit is reached (ready) or
 * the step's budget is used (checkpoint saved, still running). `saved.record` is always the last
 * checkpoint stored.
 */
const writeRows = async (deps: AppDeps, saved: { record: ExportRecord }, limits: WriteLimits): Promise<void> => {
  const start = saved.record;
  const filter = filterOf(start);
  const parts: ExportPart[] = start.parts.map((p) => ({ ...p }));
  let buffer = '';
  let bufferBytes = 0;
  let bufferStored = 0;
  let bufferRows = 0;
  let reachedAt = start.reachedAt;
  let stepRows = 0;

  const append = (text: string, isRow: boolean) => {
    buffer += text;
    bufferBytes += utf8Bytes(text);
    bufferStored += storedBytes(text);
    if (isRow) bufferRows += 1;
  };

  /** Writes the buffer as the next chunk (if any), then the checkpoint: the next row is item `skip` of the page at `cursor`. */
  const flush = async (cursor: string | null, skip: number, finished?: { truncated: boolean }) => {
    const current = saved.record;
    let chunks = current.chunks;
    const nextParts = parts.map((p) => ({ ...p }));
    if (buffer !== '') {
      await deps.store.ephemeral.put({ key: chunkKey(current.id, chunks), value: { text: buffer }, expiresAt: current.createdAt + AUDIT_EXPORT_TTL_MS });
      const part = nextParts.at(-1)!;
      part.chunks += 1;
      part.rows += bufferRows;
      part.bytes += bufferBytes;
      chunks += 1;
    }
    const next: ExportRecord = {
      ...current,
      chunks,
      parts: nextParts,
      rows: current.rows + bufferRows,
      reachedAt,
      cursor,
      skip,
      failures: 0,
      updatedAt: deps.clock.now(),
      ...(finished ? { status: 'ready' as const, truncated: finished.truncated } : {}),
    };
    await saveExport(deps, next);
    saved.record = next;
    parts.splice(0, parts.length, ...nextParts.map((p) => ({ ...p })));
    buffer = '';
    bufferBytes = 0;
    bufferStored = 0;
    bufferRows = 0;
  };

  const links = isLinksExport(start);
  const startPart = () => {
    parts.push({ firstChunk: saved.record.chunks, chunks: 0, rows: 0, bytes: 0 });
    // The byte order mark counts towards the part's bytes (and the chunk's) like any other text.
    append(CSV_BOM + (links ? LINK_CSV_HEADER_LINE : CSV_HEADER_LINE), false);
  };

  let cursor = start.cursor;
  let skip = start.skip;
  // Names for the summary column: a few bulk lookups per listed page, each id once per step (audit-names.ts).
  const nameCache = createAuditNameCache();
  /** One listed page as CSV rows: audit entries, or links after the list's filters (link-csv.ts). */
  const readPage = async (at: string | null, from: number): Promise<{ items: Array<{ line: string; at: number }>; nextCursor?: string | undefined }> => {
    if (links) {
      const rows = await readLinkCsvPage(deps, linkFilterOf(start), at, LIST_PAGE);
      return { items: rows.rows, nextCursor: rows.nextCursor };
    }
    const page = await deps.store.audit.list(filter, { limit: LIST_PAGE, ...(at ? { cursor: at } : {}) });
    const names = await resolveAuditNames(deps, page.items.slice(from), nameCache);
    return { items: page.items.map((entry: AuditEntry) => ({ line: `${auditEntryCsvLine(entry, names)}\r\n`, at: entry.at })), nextCursor: page.nextCursor };
  };
  for (;;) {
    const page = await readPage(cursor, skip);
    for (let i = skip; i < page.items.length; i += 1) {
      if (saved.record.rows + bufferRows >= limits.maxRows) {
        if (parts.length === 0) startPart();
        return flush(cursor, i, { truncated: true });
      }
      const entry = page.items[i]!;
      const line = entry.line;
      const lineBytes = utf8Bytes(line);
      const part = parts.at(-1);
      if (!part) startPart();
      else if (part.rows + bufferRows > 0 && part.bytes + bufferBytes + lineBytes > limits.partBytes) {
        await flush(cursor, i);
        startPart();
      }
      if (bufferRows > 0 && bufferStored + storedBytes(line) > limits.chunkBytes) await flush(cursor, i);
      append(line, true);
      reachedAt = entry.at;
      stepRows += 1;
    }
    if (!page.nextCursor) {
      if (parts.length === 0) startPart();
      return flush(cursor, page.items.length, { truncated: false });
    }
    cursor = page.nextCursor;
    skip = 0;
    if (stepRows >= limits.rowsPerStep || limits.outOfTime()) return flush(cursor, 0);
  }
};
