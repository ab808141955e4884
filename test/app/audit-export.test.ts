/**
 * The audit CSV export job (src/app/audit-export.ts) over the Forge KVS adapter on the strict emulator
 * (240 KiB values, 1 % throttling): chunked writes, bounded steps, at-least-once delivery, crashes,
 * parts, and the signed download URLs.
 */
import { describe, expect, it } from 'vitest';
import {
  AUDIT_EXPORT_STALE_MS,
  AUDIT_EXPORT_URL_TTL_MS,
  checkAuditExportLink,
  CSV_BOM,
  describeExportFilter,
  getAuditExport,
  listAuditExports,
  readAuditExportPart,
  runAuditExportStep,
  startAuditExport,
  type AuditExportStepOptions,
} from '../../src/app/audit-export';
import { auditEntriesToCsv, CSV_HEADER_LINE as HEADER_ONLY } from '../../src/app/audit-log';
import { runBackgroundJob } from '../../src/app/background-jobs';
import type { AuditExportJob, BackgroundJob, EnqueueOptions, Store } from '../../src/app/ports';
import { createForgeJobs } from '../../src/adapters/forge/background-jobs';
import type { AuditEntry } from '../../src/core/model';
import { KVS_LIMITS } from '../../src/dev/kvs-emulator/limits';
import { makeAudit } from '../store/store-fixtures';
import { createHarness, OUTSIDER, SITE_ADMIN, SPACE_ADMIN, type Harness } from './harness';

const overKvs = () => createHarness('audit-export', { store: 'kvs' });

/** Every part starts with the UTF-8 byte order mark, then the column names. */
const CSV_HEADER_LINE = CSV_BOM + HEADER_ONLY;
/** The names the export looks up in bulk for its summary column (the demo site's people and spaces). */
const NAMES = {
  users: { 'u-editor': 'Erin Editor', 'u-site-admin': 'Ada Siteadmin' },
  spaces: { DEMO: 'Product Handbook', OPS: 'Operations' },
};
const csvOf = (entries: readonly AuditEntry[]): string => CSV_BOM + auditEntriesToCsv(entries, NAMES);
/** The export's own trail, oldest first. */
const exportTrail = async (h: Harness): Promise<AuditEntry[]> =>
  (await h.deps.store.audit.list({ action: 'audit_exported' }, { limit: 100 })).items.reverse();

/** `n` entries, one second apart, newest first in the log; details long enough to fill chunks quickly. */
const seed = async (h: Harness, n: number, detail = (i: number) => `entry ${i} ${'x'.repeat(400)}`): Promise<AuditEntry[]> => {
  const entries = Array.from({ length: n }, (_, i) =>
    makeAudit({ at: h.clock.now() - 1000 * (i + 1), action: 'link_updated', actor: 'u-editor', spaceKey: 'DEMO', detail: detail(i) }),
  );
  for (let i = 0; i < entries.length; i += 25) await Promise.all(entries.slice(i, i + 25).map((e) => h.deps.store.audit.append(e)));
  return entries; // already newest first
};

/** A queue that collects what the steps enqueue; `drain` delivers them one at a time, as the Forge queue does. */
const withQueue = (h: Harness) => {
  const queued: BackgroundJob[] = [];
  /** The delay each push asked for (seconds; 0 when none), in push order. */
  const delays: number[] = [];
  h.deps.jobs = {
    enqueue: (job, options?: EnqueueOptions) => {
      delays.push(options?.delaySeconds ?? 0);
      return Promise.resolve(void queued.push(job));
    },
  };
  return {
    queued,
    delays,
    async drain(options: AuditExportStepOptions = {}): Promise<number> {
      let steps = 0;
      for (let job = queued.shift(); job; job = queued.shift()) {
        await runAuditExportStep(h.deps, job as AuditExportJob, options);
        steps += 1;
        if (steps > 500) throw new Error('the export does not end');
      }
      return steps;
    },
  };
};

const chunkSizes = async (h: Harness, exportId: string): Promise<number[]> => {
  const sizes: number[] = [];
  for (let n = 0; ; n += 1) {
    const chunk = await h.deps.store.ephemeral.get(`audit-export:${exportId}:chunk:${n}`, h.clock.now());
    if (!chunk) return sizes;
    sizes.push(Buffer.byteLength(JSON.stringify(chunk), 'utf8'));
  }
};

const partCsv = async (h: Harness, exportId: string, part: number): Promise<string> => {
  const read = await readAuditExportPart(h.deps, exportId, part);
  if (!read.ok) throw new Error(`part ${part}: ${read.reason}`);
  return read.csv;
};

describe('audit export job', () => {
  it('writes the log newest first in chunks well under the KVS value limit, over bounded steps', async () => {
    const h = await overKvs();
    const seeded = await seed(h, 599);
    const queue = withQueue(h);

    const started = await startAuditExport(h.deps, SITE_ADMIN, {});
    // An export of the whole log lists its own start, recorded before its first step.
    const [ownStart] = await exportTrail(h);
    const entries = [ownStart!, ...seeded];
    expect(started).toMatchObject({ status: 'queued', rows: 0, downloads: [] });
    expect(queue.queued).toEqual([{ kind: 'audit-export', exportId: started.exportId, step: 0 }]);

    const steps = await queue.drain({ rowsPerStep: 200 });
    expect(steps).toBe(3);
    const view = await getAuditExport(h.deps, SITE_ADMIN, started.exportId);
    expect(view).toMatchObject({ status: 'ready', rows: 600, truncated: false, message: null, reachedAt: entries.at(-1)!.at });
    expect(view.downloads).toHaveLength(1);
    expect(await partCsv(h, started.exportId, 1)).toBe(csvOf(entries));

    const sizes = await chunkSizes(h, started.exportId);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    for (const size of sizes) expect(size).toBeLessThan(KVS_LIMITS.maxValueBytes * 0.6);
  });

  it('runs as a job kind of the job handler, one step per delivery', async () => {
    const h = await overKvs();
    const entries = await seed(h, 30, (i) => `=cmd ${i}`);
    const queue = withQueue(h);
    const { exportId } = await startAuditExport(h.deps, SITE_ADMIN, {});
    const [ownStart] = await exportTrail(h);
    expect(await runBackgroundJob(h.deps, queue.queued.shift())).toEqual({ job: 'audit-export', exportId, step: 0, rows: 31, done: true });
    expect(queue.queued).toEqual([]);
    const csv = await partCsv(h, exportId, 1);
    expect(csv).toBe(csvOf([ownStart!, ...entries]));
    // CSV injection stays defused: a detail starting with "=" is written as text.
    expect(csv).toContain(`,'=cmd 0\r\n`);
    expect(await runBackgroundJob(h.deps, { kind: 'audit-export', exportId: '../../etc', step: 0 })).toEqual({ ignored: true });
  });

  it('does no harm when a step is delivered twice: a late duplicate is stale, a finished export stays as it is', async () => {
    const h = await overKvs();
    const entries = await seed(h, 500);
    const queue = withQueue(h);
    const { exportId } = await startAuditExport(h.deps, SITE_ADMIN, { spaceKey: 'DEMO' });
    const first = queue.queued.shift() as AuditExportJob;
    const options = { rowsPerStep: 200 };

    expect(await runAuditExportStep(h.deps, first, options)).toMatchObject({ done: false, rows: 200 });
    expect(queue.queued).toEqual([{ ...first, step: 1 }]);
    const chunksAfterFirst = await chunkSizes(h, exportId);

    // The queue delivers step 0 again after step 1 was enqueued: nothing is written or enqueued.
    expect(await runAuditExportStep(h.deps, first, options)).toMatchObject({ done: true, rows: 200 });
    expect(queue.queued).toHaveLength(1);
    expect(await chunkSizes(h, exportId)).toEqual(chunksAfterFirst);

    const second = queue.queued[0] as AuditExportJob;
    await queue.drain(options);
    const done = await getAuditExport(h.deps, SITE_ADMIN, exportId);
    expect(done).toMatchObject({ status: 'ready', rows: 500 });
    const chunks = await chunkSizes(h, exportId);

    // Deliveries after the end change nothing either.
    expect(await runAuditExportStep(h.deps, second, options)).toMatchObject({ done: true, rows: 500 });
    expect(await runAuditExportStep(h.deps, first, options)).toMatchObject({ done: true, rows: 500 });
    expect(queue.queued).toEqual([]);
    expect(await chunkSizes(h, exportId)).toEqual(chunks);
    expect(await partCsv(h, exportId, 1)).toBe(csvOf(entries));
  });

  it('resumes from its last checkpoint when a step crashed part-way and is delivered again', async () => {
    const h = await overKvs();
    const entries = await seed(h, 500);
    const queue = withQueue(h);
    const { exportId } = await startAuditExport(h.deps, SITE_ADMIN, { spaceKey: 'DEMO' });
    const job = queue.queued.shift() as AuditExportJob;

    // The invocation dies after its third chunk write: every later storage call fails, nothing more is saved.
    const healthy = h.deps.store;
    let chunkWrites = 0;
    let dead = false;
    const dying: Store = {
      ...healthy,
      ephemeral: {
        ...healthy.ephemeral,
        put: async (record) => {
          if (dead) throw new Error('invocation stopped');
          if (record.key.includes(':chunk:') && ++chunkWrites === 3) {
            await healthy.ephemeral.put(record);
            dead = true;
            throw new Error('invocation stopped');
          }
          return healthy.ephemeral.put(record);
        },
      },
    };
    h.deps.store = dying;
    await expect(runAuditExportStep(h.deps, job, { chunkBytes: 16 * 1024 })).rejects.toThrow('invocation stopped');
    h.deps.store = healthy;
    const midway = await getAuditExport(h.deps, SITE_ADMIN, exportId);
    expect(midway.status).toBe('running');
    expect(midway.rows).toBeGreaterThan(0);
    expect(midway.rows).toBeLessThan(500);

    // Nobody delivers it again: after a while the export says it stopped, in plain words.
    h.clock.advance(AUDIT_EXPORT_STALE_MS + 1);
    expect(await getAuditExport(h.deps, SITE_ADMIN, exportId)).toMatchObject({ status: 'failed', message: 'The export stopped before it finished. Start it again.' });

    // The platform delivers it again: it continues from the checkpoint and the file is whole.
    await runAuditExportStep(h.deps, job, { chunkBytes: 16 * 1024 });
    await queue.drain({ chunkBytes: 16 * 1024 });
    expect(await getAuditExport(h.deps, SITE_ADMIN, exportId)).toMatchObject({ status: 'ready', rows: 500 });
    expect(await partCsv(h, exportId, 1)).toBe(csvOf(entries));
  });

  it('retries a step whose storage call failed, from its checkpoint, and gives up in plain words after repeated failures', async () => {
    const h = await overKvs();
    const entries = await seed(h, 120);
    const queue = withQueue(h);
    const { exportId } = await startAuditExport(h.deps, SITE_ADMIN, { spaceKey: 'DEMO' });
    const healthy = h.deps.store;
    let failuresLeft = 1;
    h.deps.store = {
      ...healthy,
      audit: {
        ...healthy.audit,
        list: (filter, page) => (page.cursor && failuresLeft-- > 0 ? Promise.reject(new Error('KVS down')) : healthy.audit.list(filter, page)),
      },
    };
    const job = queue.queued.shift() as AuditExportJob;
    expect(await runAuditExportStep(h.deps, job, { chunkBytes: 8 * 1024 })).toMatchObject({ done: false });
    expect(queue.queued).toEqual([job]);
    // The retry waits 30 s (the first push, starting the export, did not wait).
    expect(queue.delays).toEqual([0, 30]);
    await queue.drain({ chunkBytes: 8 * 1024 });
    expect(await partCsv(h, exportId, 1)).toBe(csvOf(entries));

    // Storage that never answers: three failed deliveries, then the export says so.
    const second = await startAuditExport(h.deps, SITE_ADMIN, {});
    h.deps.store = { ...healthy, audit: { ...healthy.audit, list: () => Promise.reject(new Error('KVS down')) } };
    const pushesBefore = queue.delays.length;
    expect(await queue.drain()).toBe(3);
    // Started at once, then retried after 30 s and after 120 s, then failed: no third retry.
    expect(queue.delays.slice(pushesBefore - 1)).toEqual([0, 30, 120]);
    h.deps.store = healthy;
    expect(await getAuditExport(h.deps, SITE_ADMIN, second.exportId)).toMatchObject({
      status: 'failed',
      message: 'The export could not be finished because storage did not answer. Start it again in a few minutes.',
      downloads: [],
    });
  });

  it('splits a large export into parts that each fit one response and start with the column names', async () => {
    const h = await overKvs();
    const entries = await seed(h, 400);
    const queue = withQueue(h);
    const { exportId } = await startAuditExport(h.deps, { accountId: 'u-site-admin' }, { spaceKey: 'DEMO' });
    const partBytes = 60 * 1024;
    await queue.drain({ partBytes, chunkBytes: 16 * 1024, rowsPerStep: 150 });
    const view = await getAuditExport(h.deps, SITE_ADMIN, exportId);
    const parts = view.downloads.length;
    expect(parts).toBeGreaterThanOrEqual(3);
    expect(view.downloads.map((d) => d.filename)).toEqual(
      Array.from({ length: parts }, (_, i) => expect.stringMatching(new RegExp(`^secure-share-audit-space-DEMO-\\d{8}-\\d{4}-part-${i + 1}-of-${parts}\\.csv$`))),
    );
    let joined = '';
    for (const d of view.downloads) {
      const csv = await partCsv(h, exportId, d.part);
      expect(csv.startsWith(CSV_HEADER_LINE)).toBe(true);
      expect(Buffer.byteLength(csv, 'utf8')).toBe(d.bytes);
      expect(d.bytes).toBeLessThanOrEqual(partBytes);
      joined += csv.slice(CSV_HEADER_LINE.length);
    }
    expect(CSV_HEADER_LINE + joined).toBe(csvOf(entries));
    expect(view.downloads.reduce((sum, d) => sum + d.rows, 0)).toBe(400);
  });

  it('stops at the row limit and says where; an empty log gives the column names only', async () => {
    const h = await overKvs();
    const entries = await seed(h, 250, (i) => `entry ${i}`);
    const queue = withQueue(h);
    const { exportId } = await startAuditExport(h.deps, SITE_ADMIN, { spaceKey: 'DEMO' });
    await queue.drain({ maxRows: 150 });
    expect(await getAuditExport(h.deps, SITE_ADMIN, exportId)).toMatchObject({ status: 'ready', rows: 150, truncated: true, reachedAt: entries[149]!.at });
    expect(await partCsv(h, exportId, 1)).toBe(csvOf(entries.slice(0, 150)));

    const empty = await startAuditExport(h.deps, SITE_ADMIN, { action: 'links_reset' });
    await queue.drain();
    expect(await getAuditExport(h.deps, SITE_ADMIN, empty.exportId)).toMatchObject({ status: 'ready', rows: 0, truncated: false, reachedAt: null });
    expect(await partCsv(h, empty.exportId, 1)).toBe(CSV_HEADER_LINE);
  });

  it('is for Confluence admins; only the admin who started an export can follow it', async () => {
    const h = await overKvs();
    await seed(h, 3);
    withQueue(h);
    await expect(startAuditExport(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(startAuditExport(h.deps, OUTSIDER, {})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(startAuditExport(h.deps, SITE_ADMIN, { action: 'drop_tables' })).rejects.toMatchObject({ code: 'invalid_input' });
    const { exportId } = await startAuditExport(h.deps, SITE_ADMIN, {});
    await expect(getAuditExport(h.deps, OUTSIDER, exportId)).rejects.toMatchObject({ code: 'forbidden' });
    const rights = h.deps.rights;
    h.deps.rights = {
      pageEditable: (a, p) => rights.pageEditable(a, p),
      pageViewable: (a, p) => rights.pageViewable(a, p),
      isSpaceAdmin: (a, s) => rights.isSpaceAdmin(a, s),
      isSiteAdmin: async (a) => a === 'u-second-admin' || (await rights.isSiteAdmin(a)),
    };
    await expect(getAuditExport(h.deps, { accountId: 'u-second-admin' }, exportId)).rejects.toMatchObject({ code: 'not_found' });
    await expect(getAuditExport(h.deps, SITE_ADMIN, 'AAAAAAAAAAAAAAAAAAAAAA')).rejects.toMatchObject({ code: 'not_found' });
    expect((await getAuditExport(h.deps, SITE_ADMIN, exportId)).exportId).toBe(exportId);
    // Kept 24 hours.
    h.clock.advance(24 * 60 * 60 * 1000 + 1);
    await expect(getAuditExport(h.deps, SITE_ADMIN, exportId)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('limits how many exports one admin starts an hour', async () => {
    const h = await createHarness('audit-export-rate');
    withQueue(h);
    for (let i = 0; i < 10; i += 1) await startAuditExport(h.deps, SITE_ADMIN, {});
    await expect(startAuditExport(h.deps, SITE_ADMIN, {})).rejects.toMatchObject({ code: 'rate_limited' });
    h.clock.advance(60 * 60 * 1000);
    await expect(startAuditExport(h.deps, SITE_ADMIN, {})).resolves.toMatchObject({ status: 'queued' });
  });
});

describe('signed download URLs', () => {
  const ready = async () => {
    const h = await createHarness('audit-export-urls');
    await seed(h, 5);
    const view = await startAuditExport(h.deps, SITE_ADMIN, {});
    const other = await startAuditExport(h.deps, SITE_ADMIN, { spaceKey: 'DEMO' });
    const url = new URL(view.downloads[0]!.url);
    const q = (name: string) => url.searchParams.get(name) ?? undefined;
    return { h, view, other, url, input: { exportId: view.exportId, part: q('part'), exp: q('exp'), sig: q('sig') } };
  };

  it('point at the share endpoint and are valid for 15 minutes', async () => {
    const { h, view, url, input } = await ready();
    expect(view.status).toBe('ready');
    expect(`${url.origin}${url.pathname}`).toBe(`https://trigger.example/x/export/${view.exportId}`);
    expect(view.urlsExpireAt).toBe(Math.floor((h.clock.now() + AUDIT_EXPORT_URL_TTL_MS) / 1000) * 1000);
    expect(await checkAuditExportLink(h.deps, input)).toEqual({ ok: true, part: 1 });
    h.clock.set(view.urlsExpireAt! - 1);
    expect(await checkAuditExportLink(h.deps, input)).toEqual({ ok: true, part: 1 });
    h.clock.set(view.urlsExpireAt!);
    expect(await checkAuditExportLink(h.deps, input)).toEqual({ ok: false, reason: 'expired' });
    // A fresh answer carries fresh URLs.
    const again = await getAuditExport(h.deps, SITE_ADMIN, view.exportId);
    expect(again.urlsExpireAt).toBeGreaterThan(h.clock.now());
  });

  it('refuse a changed signature, expiry, part or export id', async () => {
    const { h, other, input } = await ready();
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    expect(await checkAuditExportLink(h.deps, { ...input, sig: flip(input.sig!) })).toEqual({ ok: false, reason: 'invalid' });
    expect(await checkAuditExportLink(h.deps, { ...input, exp: String(Number(input.exp) + 3600) })).toEqual({ ok: false, reason: 'invalid' });
    expect(await checkAuditExportLink(h.deps, { ...input, part: '2' })).toEqual({ ok: false, reason: 'invalid' });
    expect(await checkAuditExportLink(h.deps, { ...input, exportId: other.exportId })).toEqual({ ok: false, reason: 'invalid' });
    expect(await checkAuditExportLink(h.deps, { ...input, sig: undefined })).toEqual({ ok: false, reason: 'invalid' });
    expect(await checkAuditExportLink(h.deps, { ...input, sig: `${input.sig}A` })).toEqual({ ok: false, reason: 'invalid' });
    expect(await checkAuditExportLink(h.deps, { ...input, part: '0' })).toEqual({ ok: false, reason: 'invalid' });
    // Expired and changed is "not valid", not "expired".
    h.clock.advance(AUDIT_EXPORT_URL_TTL_MS + 1000);
    expect(await checkAuditExportLink(h.deps, { ...input, exp: String(Number(input.exp) + 3600) })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('are signed with a key of this installation: another installation refuses them', async () => {
    const { input } = await ready();
    const elsewhere = await createHarness('another-site');
    await seed(elsewhere, 1);
    await startAuditExport(elsewhere.deps, SITE_ADMIN, {});
    expect(await checkAuditExportLink(elsewhere.deps, input)).toEqual({ ok: false, reason: 'invalid' });
  });
});

/** A second Confluence admin next to SITE_ADMIN. */
const withSecondAdmin = (h: Harness) => {
  const rights = h.deps.rights;
  h.deps.rights = {
    pageEditable: (a, p) => rights.pageEditable(a, p),
    pageViewable: (a, p) => rights.pageViewable(a, p),
    isSpaceAdmin: (a, s) => rights.isSpaceAdmin(a, s),
    isSiteAdmin: async (a) => a === 'u-second-admin' || (await rights.isSiteAdmin(a)),
  };
  return { accountId: 'u-second-admin' };
};

describe('the export is itself audited', () => {
  it('records who started it and what it covers, then its row count when ready; never the download URL', async () => {
    const h = await overKvs();
    await seed(h, 3, (i) => `Zoë ${i}`);
    const queue = withQueue(h);
    const filter = { spaceKey: 'DEMO', since: Date.UTC(2026, 10, 1), until: Date.UTC(2026, 10, 30, 23, 59, 59, 999) };
    const { exportId } = await startAuditExport(h.deps, SITE_ADMIN, filter);
    expect(await exportTrail(h)).toEqual([
      expect.objectContaining({
        action: 'audit_exported',
        actor: 'u-site-admin',
        linkId: null,
        pageId: null,
        spaceKey: null,
        count: 1,
        detail: 'Export started: space DEMO, from 2026-11-01 to 2026-11-30.',
      }),
    ]);
    h.clock.advance(1000);
    await queue.drain();
    const view = await getAuditExport(h.deps, SITE_ADMIN, exportId);
    expect(view.status).toBe('ready');
    const trail = await exportTrail(h);
    expect(trail.map((e) => [e.actor, e.detail])).toEqual([
      ['u-site-admin', 'Export started: space DEMO, from 2026-11-01 to 2026-11-30.'],
      ['u-site-admin', 'Export ready: 3 entries; space DEMO, from 2026-11-01 to 2026-11-30.'],
    ]);
    // Asking again (fresh URLs) or a late duplicate delivery adds nothing.
    await getAuditExport(h.deps, SITE_ADMIN, exportId);
    await runAuditExportStep(h.deps, { kind: 'audit-export', exportId, step: 0 });
    expect(await exportTrail(h)).toHaveLength(2);

    const url = new URL(view.downloads[0]!.url);
    const everything = (await h.deps.store.audit.list({}, { limit: 100 })).items.map((e) => JSON.stringify(e)).join('\n');
    expect(everything).not.toContain(url.searchParams.get('sig')!);
    expect(everything).not.toContain('/export/');
    expect(everything).not.toContain(exportId);
  });

  it('records a failed export, and one that could not be started', async () => {
    const h = await overKvs();
    await seed(h, 3);
    const queue = withQueue(h);
    const healthy = h.deps.store;
    await startAuditExport(h.deps, SITE_ADMIN, {});
    h.deps.store = { ...healthy, audit: { ...healthy.audit, list: () => Promise.reject(new Error('KVS down')) } };
    h.clock.advance(1000);
    await queue.drain();
    h.deps.store = healthy;
    h.clock.advance(1000);
    h.deps.jobs = {
      enqueue: () => {
        h.clock.advance(1000);
        return Promise.reject(new Error('queue refused'));
      },
    };
    await expect(startAuditExport(h.deps, SITE_ADMIN, { action: 'link_updated' })).rejects.toMatchObject({ code: 'upstream_unavailable' });
    expect((await exportTrail(h)).map((e) => e.detail)).toEqual([
      'Export started: all entries.',
      'Export failed: storage did not answer; all entries.',
      'Export started: action link_updated.',
      'Export failed: it could not be started; action link_updated.',
    ]);
  });

  it('is an action the audit log filters on, and a row of its own in an export', async () => {
    const h = await createHarness('audit-export-own-action');
    await seed(h, 2);
    const first = await startAuditExport(h.deps, SITE_ADMIN, { spaceKey: 'DEMO' });
    expect(first).toMatchObject({ status: 'ready', rows: 2 });
    const own = await startAuditExport(h.deps, SITE_ADMIN, { action: 'audit_exported' });
    // The first export's start and ready entries, and this export's start (newest first).
    expect(own).toMatchObject({ status: 'ready', rows: 3 });
    const csv = await partCsv(h, own.exportId, 1);
    // time_utc, summary (the entry as a sentence with names), then the raw action and actor.
    const rows = csv.split('\r\n').slice(1, 4);
    expect(rows.every((line) => line.includes('.,audit_exported,u-site-admin,'))).toBe(true);
    // The filter in words: the action by its words, the space by its name (looked up like every name).
    expect(csv).toContain(",Ada Siteadmin started an audit log export (action 'audit exported').,");
    expect(csv).toContain(",The audit log export of Ada Siteadmin is ready: 2 entries; space 'Product Handbook'.,");
    expect(csv).toContain('Export started: action audit_exported.');
    expect(csv).toContain('Export ready: 2 entries; space DEMO.');
  });

  it('names the filter in plain words', () => {
    expect(describeExportFilter({})).toBe('all entries');
    expect(
      describeExportFilter({ linkId: 'L'.repeat(22), action: 'view_denied', since: Date.UTC(2026, 10, 1, 6, 30), until: Date.UTC(2026, 10, 2, 23, 59, 59, 999) }),
    ).toBe(`link ${'L'.repeat(22)}, action view_denied, from 2026-11-01 06:30 UTC to 2026-11-02`);
    expect(describeExportFilter({ until: Date.UTC(2026, 10, 2, 12, 0) })).toBe('to 2026-11-02 12:00 UTC');
  });
});

describe('Excel-friendly CSV', () => {
  it('starts every part with a UTF-8 byte order mark, counted in the part size', async () => {
    const h = await overKvs();
    const entries = await seed(h, 120, (i) => `Zoë Müller ${i} ${'é'.repeat(200)}`);
    const queue = withQueue(h);
    const { exportId } = await startAuditExport(h.deps, SITE_ADMIN, { spaceKey: 'DEMO' });
    const partBytes = 12 * 1024;
    await queue.drain({ partBytes, chunkBytes: 4 * 1024 });
    const view = await getAuditExport(h.deps, SITE_ADMIN, exportId);
    expect(view.downloads.length).toBeGreaterThan(2);
    let rows: AuditEntry[] = [];
    for (const d of view.downloads) {
      const bytes = Buffer.from(await partCsv(h, exportId, d.part), 'utf8');
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.subarray(3, 3 + HEADER_ONLY.length).toString('utf8')).toBe(HEADER_ONLY);
      // The size the view states is the file's size, byte order mark included, and within the limit.
      expect(bytes.length).toBe(d.bytes);
      expect(d.bytes).toBeLessThanOrEqual(partBytes);
      rows = [...rows, ...entries.slice(rows.length, rows.length + d.rows)];
      expect(bytes.toString('utf8')).toBe(csvOf(entries.slice(rows.length - d.rows, rows.length)));
    }
    expect(rows).toHaveLength(120);
  });
});

describe('finding an export again', () => {
  it('lists the caller’s own exports of the last 24 hours, newest first, at most 10, with fresh links for ready ones', async () => {
    const h = await overKvs();
    await seed(h, 4);
    const queue = withQueue(h);
    const second = withSecondAdmin(h);
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      ids.push((await startAuditExport(h.deps, SITE_ADMIN, { spaceKey: 'DEMO' })).exportId);
      h.clock.advance(10 * 60_000);
    }
    const theirs = await startAuditExport(h.deps, second, {});
    // Every export but the newest of SITE_ADMIN and the second admin's one runs to the end.
    for (const job of queue.queued.splice(0, 11)) await runAuditExportStep(h.deps, job as AuditExportJob);

    const listed = await listAuditExports(h.deps, SITE_ADMIN);
    expect(listed.map((v) => v.exportId)).toEqual(ids.slice(2).reverse());
    expect(listed[0]).toMatchObject({ status: 'queued', rows: 0, downloads: [], urlsExpireAt: null });
    for (const v of listed.slice(1)) {
      expect(v).toMatchObject({ status: 'ready', rows: 4 });
      expect(v.downloads).toHaveLength(1);
      const url = new URL(v.downloads[0]!.url);
      expect(url.pathname).toBe(`/x/export/${v.exportId}`);
      const q = (name: string) => url.searchParams.get(name) ?? undefined;
      expect(await checkAuditExportLink(h.deps, { exportId: v.exportId, part: q('part'), exp: q('exp'), sig: q('sig') })).toEqual({ ok: true, part: 1 });
    }
    expect(listed.map((v) => v.createdAt)).toEqual([...listed.map((v) => v.createdAt)].sort((a, b) => b - a));

    // Another admin sees their own only; others may not ask.
    expect((await listAuditExports(h.deps, second)).map((v) => v.exportId)).toEqual([theirs.exportId]);
    await expect(listAuditExports(h.deps, OUTSIDER)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(listAuditExports(h.deps, SPACE_ADMIN)).rejects.toMatchObject({ code: 'forbidden' });

    // After 24 hours an export leaves the list (its record is gone too).
    const sixth = (await getAuditExport(h.deps, SITE_ADMIN, ids[5]!)).createdAt;
    h.clock.set(sixth + 24 * 60 * 60 * 1000);
    expect((await listAuditExports(h.deps, SITE_ADMIN)).map((v) => v.exportId)).toEqual(ids.slice(6).reverse());
  });

  it('answers an empty list to an admin who exported nothing', async () => {
    const h = await createHarness('audit-export-none');
    expect(await listAuditExports(h.deps, SITE_ADMIN)).toEqual([]);
  });
});

describe('retries wait', () => {
  it('the Forge queue push carries the delay (delayInSeconds), and none when not asked', async () => {
    const bodies: Array<{ payload: Array<Record<string, unknown>> }> = [];
    const apiClient = (_path: string, init: { body: string }) => {
      bodies.push(JSON.parse(init.body) as { payload: Array<Record<string, unknown>> });
      return Promise.resolve(new Response(null, { status: 201 }));
    };
    const jobs = createForgeJobs(apiClient as never);
    const job: AuditExportJob = { kind: 'audit-export', exportId: 'A'.repeat(22), step: 3 };
    await jobs.enqueue(job, { delaySeconds: 120 });
    await jobs.enqueue(job);
    await jobs.enqueue(job, { delaySeconds: 5000 });
    expect(bodies.map((b) => b.payload[0]!['delayInSeconds'])).toEqual([120, undefined, 900]);
    expect(bodies[0]!.payload[0]).toMatchObject({ body: job, concurrency: { key: 'secure-share-jobs-audit-export', limit: 1 } });
  });
});
