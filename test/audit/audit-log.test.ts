import { describe, expect, it } from 'vitest';
import { auditEntriesToCsv, csvField } from '../../src/app/audit-log';
import { readAuditExportPart, startAuditExport } from '../../src/app/audit-export';
import { AUDIT_AGGREGATION_WINDOW_MS, flushAuditAggregates, maskEmail, recordAudit, scrubAuditText } from '../../src/app/audit';
import { handlePageEvent, PAGE_EVENTS } from '../../src/app/lifecycle';
import { requestSubscription } from '../../src/app/notifications';
import { createResolverRegistry, invokeResolver } from '../../src/app/resolvers';
import { runSweep } from '../../src/app/sweep';
import type { AuditEntry } from '../../src/core/model';
import { makeAudit } from '../store/store-fixtures';
import { createHarness, pageEvent, type Harness } from '../lifecycle/harness';

/** Minimal RFC 4180 reader, to prove the writer round-trips. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  return rows;
};

describe('CSV export', () => {
  it('quotes per RFC 4180 and neutralizes formula injection', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line1\nline2')).toBe('"line1\nline2"');
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField('  =1+1')).toBe("'  =1+1");
    expect(csvField('＝1+1')).toBe("'＝1+1");
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(null)).toBe('');
    expect(csvField(3)).toBe('3');
  });

  it('round-trips through a CSV reader with CRLF rows', () => {
    const entries: AuditEntry[] = [
      makeAudit({ at: Date.UTC(2026, 0, 2, 3, 4, 5), action: 'gate_failed', actor: 'a***@x.com', linkId: 'L1', detail: 'wrong, "password"\r\nnext', count: 7 }),
      makeAudit({ action: 'link_created', actor: '=cmd|calc', detail: '@evil' }),
    ];
    const csv = auditEntriesToCsv(entries);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['time_utc', 'summary', 'action', 'actor', 'link_id', 'page_id', 'space_key', 'count', 'detail']);
    expect(rows[1]).toEqual([
      '2026-01-02T03:04:05.000Z',
      'a***@x.com failed a check on a link: wrong, "password"\r\nnext (7 times).',
      'gate_failed',
      'a***@x.com',
      'L1',
      '',
      '',
      '7',
      'wrong, "password"\r\nnext',
    ]);
    expect(rows[2]![3]).toBe("'=cmd|calc");
    expect(rows[2]![8]).toBe("'@evil");
    expect(rows).toHaveLength(3);
  });

  it('exports every page of a filtered log with a descriptive filename', async () => {
    const h = await createHarness();
    for (let i = 0; i < 230; i += 1) await h.store.audit.append(makeAudit({ at: h.clock.now() - i, spaceKey: i % 2 ? 'DEMO' : 'OPS', action: 'link_updated' }));
    // Without a job queue (local mode) the export runs to the end in the call.
    const view = await startAuditExport(h.deps, { accountId: 'u-site-admin' }, { spaceKey: 'DEMO' });
    expect(view).toMatchObject({ status: 'ready', rows: 115, truncated: false });
    expect(view.downloads).toHaveLength(1);
    expect(view.downloads[0]!.filename).toMatch(/^secure-share-audit-space-DEMO-\d{8}-\d{4}\.csv$/);
    const part = await readAuditExportPart(h.deps, view.exportId, 1);
    expect(part.ok && parseCsv(part.csv)).toHaveLength(116);
  });
});

describe('recording', () => {
  it('scrubs emails, token-like strings and IPs from details and actors', async () => {
    const token = 'AbCdEfGhIjKlMnOpQrStUv' + 'x'.repeat(43);
    expect(scrubAuditText(`token ${token} from ann.smith@acme.com at 203.0.113.77 and 2001:db8:85a3:8d3:1319:8a2e:370:7348`)).toBe(
      'token [redacted] from a***@acme.com at 203.0.113.0/24 and 2001:db8:85a3::/48',
    );
    const h = await createHarness();
    await recordAudit(h.deps, { action: 'code_sent', actor: 'ann.smith@acme.com', detail: `sent to bob@partner.com for /s/${token}` });
    const [entry] = (await h.store.audit.list({}, { limit: 1 })).items;
    expect(entry).toMatchObject({ actor: 'a***@acme.com', detail: 'sent to b***@partner.com for /s/[redacted]' });
    expect(scrubAuditText('wrong code 123456 for page 98765432')).toBe('wrong code [redacted] for page 98765432');
    expect(scrubAuditText('OTP: 004211')).toBe('OTP: [redacted]');
    // Account ids stay readable.
    expect(scrubAuditText('by 557058:f58131cb-b67d-43c7-b30d-6b58d40bd077')).toBe('by 557058:f58131cb-b67d-43c7-b30d-6b58d40bd077');
  });

  it('aggregates a flood of gate failures: ≤ 2 audit writes per window, with the full count', async () => {
    const h = await createHarness();
    const appended: AuditEntry[] = [];
    const append = h.store.audit.append.bind(h.store.audit);
    h.store.audit.append = async (entry) => {
      appended.push(entry);
      return append(entry);
    };
    h.clock.current = Math.floor(h.clock.now() / AUDIT_AGGREGATION_WINDOW_MS) * AUDIT_AGGREGATION_WINDOW_MS;
    for (let i = 0; i < 10_000; i += 1) {
      await recordAudit(h.deps, { action: 'gate_failed', actor: 'visitor', linkId: 'L-flood', detail: 'wrong password' });
      if (i % 1000 === 0) h.clock.advance(1);
    }
    await recordAudit(h.deps, { action: 'gate_failed', actor: 'visitor', linkId: 'L-other', detail: 'wrong password' });
    expect(appended.filter((e) => e.linkId === 'L-flood')).toHaveLength(1);

    // The window is still open: nothing to flush yet.
    expect(await flushAuditAggregates(h.deps)).toBe(0);
    h.clock.advance(AUDIT_AGGREGATION_WINDOW_MS);
    const [a, b] = await Promise.all([flushAuditAggregates(h.deps), flushAuditAggregates(h.deps)]);
    expect(a + b).toBe(1);
    const flood = appended.filter((e) => e.linkId === 'L-flood');
    expect(flood).toHaveLength(2);
    expect(flood.reduce((sum, e) => sum + e.count, 0)).toBe(10_000);
    expect(flood[1]!.detail).toContain('repeated 9999 more times');
    // L-other happened once: no repeat entry.
    expect(appended.filter((e) => e.linkId === 'L-other')).toHaveLength(1);
    expect(await flushAuditAggregates(h.deps)).toBe(0);
  });

  it('never breaks the caller when the audit store fails', async () => {
    const h = await createHarness();
    h.store.audit.append = async () => {
      throw new Error('down');
    };
    await expect(recordAudit(h.deps, { action: 'link_created', actor: 'u-editor' })).resolves.toBeUndefined();
  });
});

describe('audit resolvers', () => {
  const call = (h: Harness, key: string, accountId: string | undefined, payload: unknown) =>
    invokeResolver(createResolverRegistry(), key, { payload, context: accountId ? { accountId } : {} }, h.deps, () => undefined);

  const seed = async (h: Harness) => {
    const link = await h.addLink({ createdBy: 'u-editor' });
    await h.store.audit.append(makeAudit({ linkId: link.id, spaceKey: 'DEMO', pageId: '1001', action: 'link_created' }));
    await h.store.audit.append(makeAudit({ linkId: 'L-ops-link-000000000000', spaceKey: 'OPS', pageId: '2001', action: 'link_created' }));
    await h.store.audit.append(makeAudit({ spaceKey: 'DEMO', action: 'policy_space_changed' }));
    return link;
  };

  it('site admins see everything; space admins their space; editors their link; others nothing', async () => {
    const h = await createHarness();
    const link = await seed(h);
    const all = await call(h, 'getAuditLog', 'u-site-admin', {});
    expect(all).toMatchObject({ ok: true });
    expect((all as { data: { items: unknown[] } }).data.items).toHaveLength(3);

    const space = await call(h, 'getAuditLog', 'u-space-admin', { spaceKey: 'DEMO' });
    expect((space as { data: { items: AuditEntry[] } }).data.items.every((e) => e.spaceKey === 'DEMO')).toBe(true);
    expect(await call(h, 'getAuditLog', 'u-space-admin', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(h, 'getAuditLog', 'u-space-admin', { spaceKey: 'OPS' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const mine = await call(h, 'getAuditLog', 'u-editor', { linkId: link.id });
    expect((mine as { data: { items: AuditEntry[] } }).data.items).toMatchObject([{ linkId: link.id }]);
    expect(await call(h, 'getAuditLog', 'u-editor', { spaceKey: 'DEMO' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(h, 'getAuditLog', 'u-outsider', { linkId: link.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(h, 'getAuditLog', undefined, {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('validates filters and paginates newest first', async () => {
    const h = await createHarness();
    for (let i = 0; i < 7; i += 1) await h.store.audit.append(makeAudit({ at: h.clock.now() + i, action: 'link_updated', spaceKey: 'DEMO' }));
    expect(await call(h, 'getAuditLog', 'u-site-admin', { action: 'drop_tables' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call(h, 'getAuditLog', 'u-site-admin', { since: 10, until: 5 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call(h, 'getAuditLog', 'u-site-admin', { limit: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const first = (await call(h, 'getAuditLog', 'u-site-admin', { limit: 5, action: 'link_updated' })) as { data: { items: AuditEntry[]; nextCursor?: string } };
    expect(first.data.items).toHaveLength(5);
    expect(first.data.items.map((e) => e.at)).toEqual([...first.data.items.map((e) => e.at)].sort((a, b) => b - a));
    const second = (await call(h, 'getAuditLog', 'u-site-admin', { limit: 5, action: 'link_updated', cursor: first.data.nextCursor })) as { data: { items: AuditEntry[]; nextCursor?: string } };
    expect(second.data.items).toHaveLength(2);
    expect(second.data.nextCursor).toBeUndefined();
  });

  it('startAuditExport is for Confluence admins only; getLinkStats follows the link rights', async () => {
    const h = await createHarness();
    const link = await seed(h);
    await h.store.stats.recordView(link.id, h.clock.now() - 1000);
    await h.store.stats.recordView(link.id, h.clock.now());
    const started = await call(h, 'startAuditExport', 'u-site-admin', { spaceKey: 'DEMO' });
    expect(started).toMatchObject({ ok: true, data: { status: 'ready', downloads: [{ filename: expect.stringMatching(/\.csv$/) }] } });
    // Space admins read their space's log in the app, but the export is a Confluence admin's tool.
    expect(await call(h, 'startAuditExport', 'u-space-admin', { spaceKey: 'DEMO' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(h, 'startAuditExport', 'u-editor', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    expect(await call(h, 'getLinkStats', 'u-editor', { linkIds: [link.id] })).toEqual({
      ok: true,
      data: { stats: [{ linkId: link.id, views: 2, lastOpenedAt: h.clock.now() }] },
    });
    expect(await call(h, 'getLinkStats', 'u-outsider', { linkIds: [link.id] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(h, 'getLinkStats', 'u-editor', { linkIds: ['../etc'] })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('no secrets in the trail', () => {
  it('after a realistic flow the audit holds no token, password or full email', async () => {
    const h = await createHarness();
    const password = 'correct horse battery staple';
    const created = (await invokeResolver(
      createResolverRegistry(),
      'createLink',
      { payload: { pageId: '1001', settings: { name: 'Partner', allowSubscribe: true }, password }, context: { accountId: 'u-editor' } },
      h.deps,
      () => undefined,
    )) as { ok: boolean; data: { url: string; link: { id: string } } };
    expect(created.ok).toBe(true);
    const token = created.data.url.split('/s/')[1]!;
    await invokeResolver(
      createResolverRegistry(),
      'emailLink',
      { payload: { linkId: created.data.link.id, url: created.data.url, recipients: ['partner.person@partner.com'] }, context: { accountId: 'u-editor' } },
      h.deps,
      () => undefined,
    );
    const link = (await h.store.links.get(created.data.link.id))!;
    await requestSubscription(h.deps, { link, email: 'subscriber.name@partner.com' });
    await recordAudit(h.deps, { action: 'gate_failed', actor: 'visitor.name@partner.com', linkId: link.id, detail: 'password' });
    await handlePageEvent(pageEvent(PAGE_EVENTS.trashed, { id: '1001', title: 'Product Handbook' }), h.deps);
    await runSweep(h.deps);

    const entries = (await h.store.audit.list({}, { limit: 100 })).items;
    expect(entries.length).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(22));
    expect(text).not.toContain(link.tokenHash);
    expect(text).not.toContain(password);
    for (const email of ['partner.person@partner.com', 'subscriber.name@partner.com', 'visitor.name@partner.com', 'erin.editor@acme.example']) {
      expect(text).not.toContain(email);
    }
    expect(text).toContain(maskEmail('visitor.name@partner.com'));
  });
});
