/**
 * The audit CSV export as Forge runs it, end to end in the Forge-packaged bundles: the resolver records the
 * export and pushes its job to the manifest queue (bundled @forge/events), the consumer (`jobHandler`) writes
 * the CSV chunks to KVS (the strict emulator), and the share web trigger (`share.cjs`) serves the signed URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntriesToCsv } from '../../src/app/audit-log';
import type { AuditEntry } from '../../src/core/model';
import type { AuditExportView, ResolverResult } from '../../src/shared/contract';
import type { ConfluenceEmulator } from '../../src/dev/confluence-emulator/emulator';
import type { installForgeRuntime } from '../support/forge-runtime/forge-runtime';
import { PACKAGED_TRIGGER_URL, startPackagedApp } from '../support/forge-runtime/packaged-app';
import { makeAudit } from '../store/store-fixtures';

const TRIGGER_URL = PACKAGED_TRIGGER_URL;

type Bundle = Record<string, (...args: unknown[]) => Promise<unknown>>;

let emulator: ConfluenceEmulator;
let runtime: ReturnType<typeof installForgeRuntime>;
let index: Bundle;
let share: Bundle;
let entries: AuditEntry[];

beforeAll(async () => {
  const app = await startPackagedApp();
  ({ emulator, runtime, index, share } = app);
  const store = app.store;
  const now = Date.now();
  entries = Array.from({ length: 300 }, (_, i) =>
    makeAudit({ at: now - 1000 * (i + 1), action: 'link_updated', actor: 'u-editor', spaceKey: 'DEMO', detail: `@entry ${i} ${'z'.repeat(500)}` }),
  );
  for (const e of entries) await store.audit.append(e);
}, 60_000);

afterAll(() => runtime?.uninstall());

const call = async (key: string, payload: unknown, accountId = 'u-site-admin') =>
  (await runtime.invokeResolver(index, key, payload, accountId)) as ResolverResult<AuditExportView>;

describe('audit export in the Forge-packaged app', () => {
  let exportId = '';

  it('the resolver answers at once with a queued export and pushes its job to the manifest queue', async () => {
    const started = await call('startAuditExport', { spaceKey: 'DEMO' });
    if (!started.ok) throw new Error(JSON.stringify(started));
    expect(started.data).toMatchObject({ status: 'queued', rows: 0, downloads: [] });
    exportId = started.data.exportId;
    expect(runtime.stats.queue).toEqual([
      expect.objectContaining({ queueName: 'secure-share-jobs', body: { kind: 'audit-export', exportId, step: 0 } }),
    ]);
    expect(await call('startAuditExport', {}, 'u-space-admin')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('the consumer writes the export; a redelivered event changes nothing; the web trigger serves the signed URL', async () => {
    const event = runtime.stats.queue.shift()!;
    await runtime.invokeConsumer(index, 'jobHandler', event, 'event-1');
    await runtime.invokeConsumer(index, 'jobHandler', event, 'event-1', 1);
    expect(runtime.stats.queue).toEqual([]);

    const ready = await call('getAuditExport', { exportId });
    if (!ready.ok) throw new Error(JSON.stringify(ready));
    expect(ready.data).toMatchObject({ status: 'ready', rows: 300 });
    const url = new URL(ready.data.downloads[0]!.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${TRIGGER_URL}/export/${exportId}`);

    const query = Object.fromEntries(url.searchParams);
    const response = await runtime.invokeWebTrigger(share, { method: 'GET', path: `/export/${exportId}`, query });
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Content-Type']).toEqual(['text/csv; charset=utf-8']);
    expect(response.headers?.['Content-Disposition']?.[0]).toMatch(/^attachment; filename="secure-share-audit-space-DEMO-\d{8}-\d{4}\.csv"/);
    // Each file starts with the UTF-8 byte order mark (Excel then reads accented names correctly).
    expect(response.body).toBe(`\uFEFF${auditEntriesToCsv(entries, { users: { 'u-editor': 'Erin Editor' }, spaces: { DEMO: 'Product Handbook' } })}`);

    const tampered = await runtime.invokeWebTrigger(share, { method: 'GET', path: `/export/${exportId}`, query: { ...query, exp: String(Number(query['exp']) + 60) } });
    expect(tampered.statusCode).toBe(403);
    expect(tampered.body).toContain('Download link not valid');

    // Only the admin who started it may follow it.
    expect(await call('getAuditExport', { exportId }, 'u-editor')).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Found again without its id: the admin's recent exports, with fresh links; the export itself is in the trail.
    const recent = (await runtime.invokeResolver(index, 'listAuditExports', {}, 'u-site-admin')) as ResolverResult<{ exports: AuditExportView[] }>;
    if (!recent.ok) throw new Error(JSON.stringify(recent));
    expect(recent.data.exports).toEqual([expect.objectContaining({ exportId, status: 'ready', rows: 300 })]);
    expect(recent.data.exports[0]!.downloads[0]!.url).toContain(`/export/${exportId}?part=1&`);
    const trail = (await runtime.invokeResolver(index, 'getAuditLog', { action: 'audit_exported' }, 'u-site-admin')) as ResolverResult<{ items: AuditEntry[] }>;
    if (!trail.ok) throw new Error(JSON.stringify(trail));
    expect(trail.data.items.map((e) => e.detail)).toEqual(['Export ready: 300 entries; space DEMO.', 'Export started: space DEMO.']);
    expect(emulator.stats.specViolations).toEqual([]);
  });
});
