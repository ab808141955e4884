/**
 * Audit export downloads over real HTTP (the local server, the same share handler as the web trigger):
 * `/export/<id>?part=N&exp=…&sig=…` answers the CSV with download headers, and a changed, expired or
 * outlived URL a branded page in plain words. A part at the default size fits the web trigger's response limit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_EXPORT_PART_BYTES, AUDIT_EXPORT_TTL_MS, AUDIT_EXPORT_URL_TTL_MS, CSV_BOM, getAuditExport, startAuditExport } from '../../src/app/audit-export';
import { auditEntriesToCsv, CSV_HEADER_LINE } from '../../src/app/audit-log';
import { forgeResponseBytes, toForgeResponse } from '../../src/adapters/forge/web-trigger';
import type { AuditEntry } from '../../src/core/model';
import { WEB_TRIGGER_RESPONSE_BUDGET } from '../../src/web/responses';
import { createShareHandler } from '../../src/web/share-handler';
import { createHarness as createAppHarness } from '../app/harness';
import { makeAudit } from '../store/store-fixtures';
import { startHarness, type Harness } from './support/share-harness';

const ADMIN = { accountId: 'u-site-admin' };
/** The demo site's names, which the export's summary column reads ("Erin Editor changed … in Product Handbook"). */
const NAMES = { users: { 'u-editor': 'Erin Editor' }, spaces: { DEMO: 'Product Handbook' } };

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const seed = async (n: number, detail: (i: number) => string): Promise<AuditEntry[]> => {
  const entries = Array.from({ length: n }, (_, i) =>
    makeAudit({ at: h.clock.now - 60_000 * (i + 1), action: 'link_updated', actor: 'u-editor', spaceKey: 'DEMO', detail: detail(i) }),
  );
  for (const e of entries) await h.store.audit.append(e);
  return entries;
};

const get = (url: string, init: RequestInit = {}) => fetch(url, { redirect: 'manual', ...init });

/** The body as sent, byte for byte (`Response.text()` would drop the byte order mark). */
const bytesOf = async (res: Response): Promise<Buffer> => Buffer.from(await res.arrayBuffer());
const UTF8_BOM = [0xef, 0xbb, 0xbf];

const withQuery = (url: string, name: string, value: string): string => {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
};

describe('audit export download', () => {
  it('sends the CSV as a file: text/csv, attachment with its name, no caching, no sniffing', async () => {
    const entries = await seed(40, (i) => (i === 0 ? '=HYPERLINK("http://evil")' : `Zoë’s link ${i}, "quoted"`));
    const view = await startAuditExport(h.deps, ADMIN, { spaceKey: 'DEMO' });
    expect(view.status).toBe('ready');
    const [download] = view.downloads;
    expect(download!.url.startsWith(`${h.base}/export/${view.exportId}?part=1&exp=`)).toBe(true);

    const res = await get(download!.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${download!.filename}"; filename*=UTF-8''${download!.filename}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // Excel-friendly: the file starts with the UTF-8 byte order mark, so "Zoë" opens as "Zoë".
    const bytes = await bytesOf(res);
    expect([...bytes.subarray(0, 3)]).toEqual(UTF8_BOM);
    const body = bytes.toString('utf8');
    expect(body).toBe(CSV_BOM + auditEntriesToCsv(entries, NAMES));
    expect(body).toContain('Zoë’s link 1');
    expect(body).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(bytes.length).toBe(download!.bytes);
  });

  it('answers a changed, expired or outlived link with a branded page in plain words', async () => {
    await seed(3, (i) => `entry ${i}`);
    const view = await startAuditExport(h.deps, ADMIN, {});
    const other = await startAuditExport(h.deps, ADMIN, { spaceKey: 'DEMO' });
    const url = view.downloads[0]!.url;
    const sig = new URL(url).searchParams.get('sig')!;

    const expectPage = async (target: string, status: number, title: string, init?: RequestInit) => {
      const res = await get(target, init);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toContain('no-store');
      const html = await res.text();
      expect(html).toContain(title);
      if (status !== 405) expect(html).toContain('Audit log');
      expect(html).not.toMatch(/\.ts:\d+|Error:/);
      return html;
    };

    await expectPage(withQuery(url, 'sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`), 403, 'Download link not valid');
    await expectPage(withQuery(url, 'part', '2'), 403, 'Download link not valid');
    await expectPage(url.replace(view.exportId, other.exportId), 403, 'Download link not valid');
    await expectPage(url.split('?')[0]!, 403, 'Download link not valid');
    await expectPage(url, 405, 'Not allowed', { method: 'POST' });
    // Malformed export ids are the ordinary 404.
    expect((await get(`${h.base}/export/not-an-id?part=1`)).status).toBe(404);

    h.clock.now += AUDIT_EXPORT_URL_TTL_MS;
    await expectPage(url, 410, 'Download link expired');

    // A fresh link works again, until the export itself is gone after 24 hours.
    const fresh = (await getAuditExport(h.deps, ADMIN, view.exportId)).downloads[0]!.url;
    expect((await get(fresh)).status).toBe(200);
    h.clock.now = view.createdAt + AUDIT_EXPORT_TTL_MS - 60_000;
    const late = (await getAuditExport(h.deps, ADMIN, view.exportId)).downloads[0]!.url;
    h.clock.now += 120_000;
    await expectPage(late, 410, 'Export no longer available');
  });

  it('serves each part of a large export at its own URL, each starting with the column names', async () => {
    const entries = await seed(120, (i) => `entry ${i} ${'y'.repeat(300)}`);
    const view = await startAuditExport(h.deps, ADMIN, { spaceKey: 'DEMO' }, { partBytes: 16 * 1024, chunkBytes: 4 * 1024 });
    expect(view.downloads.length).toBeGreaterThan(1);
    let joined = '';
    for (const d of view.downloads) {
      const res = await get(d.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain(`-part-${d.part}-of-${view.downloads.length}.csv`);
      const bytes = await bytesOf(res);
      expect(bytes.length).toBe(d.bytes);
      expect(bytes.length).toBeLessThanOrEqual(16 * 1024);
      const body = bytes.toString('utf8');
      expect(body.startsWith(CSV_BOM + CSV_HEADER_LINE)).toBe(true);
      joined += body.slice(CSV_BOM.length + CSV_HEADER_LINE.length);
    }
    expect(CSV_HEADER_LINE + joined).toBe(auditEntriesToCsv(entries, NAMES));
  });
});

describe('audit export download through the Forge web trigger adapter', () => {
  it('keeps a full-size part within the response budget (5 MB platform limit)', async () => {
    const app = await createAppHarness('export-budget');
    // Long details (the audit log keeps at most 500 characters) make ~5 MB of CSV from 8,000 entries.
    for (let i = 0; i < 8000; i += 1) {
      await app.deps.store.audit.append(makeAudit({ at: app.clock.now() - i * 1000, action: 'view_allowed', detail: `${i} ${'ü'.repeat(280)}` }));
    }
    const view = await startAuditExport(app.deps, ADMIN, {});
    expect(view.downloads.length).toBe(2);
    expect(view.downloads[0]!.bytes).toBeGreaterThan(AUDIT_EXPORT_PART_BYTES - 2048);
    const handler = createShareHandler(app.deps);
    let rows = 0;
    for (const d of view.downloads) {
      const url = new URL(d.url);
      // The app harness's share base is https://trigger.example/x: the handler sees the path below it.
      const response = await handler({ method: 'GET', path: url.pathname.replace(/^\/x/, ''), headers: {}, query: Object.fromEntries([...url.searchParams].map(([k, v]) => [k, [v]])), body: '' });
      expect(response.status).toBe(200);
      const forge = toForgeResponse(response);
      expect(forgeResponseBytes(forge)).toBeLessThanOrEqual(WEB_TRIGGER_RESPONSE_BUDGET);
      expect(forge.body.startsWith(CSV_BOM + CSV_HEADER_LINE)).toBe(true);
      rows += (forge.body.match(/\r\n/g) ?? []).length - 1;
    }
    // The 8,000 entries and, newest, the export's own start (an export of the whole log lists it).
    expect(rows).toBe(8001);
  }, 60_000);
});
