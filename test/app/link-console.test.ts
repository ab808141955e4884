/**
 * The admins' links console (issue 13): creator and expiry filters, bulk disable/enable/delete with
 * counts and rights, admins editing another creator's link (within policy, audited, creator kept), and
 * the links CSV through the audit export's job and signed download.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { CSV_BOM, getAuditExport, listAuditExports, readAuditExportPart, startLinksExport } from '../../src/app/audit-export';
import { bulkLinkAction, getLinkForEdit } from '../../src/app/link-console';
import { LINK_CSV_HEADER_LINE } from '../../src/app/link-csv';
import { listAllLinks, listSpaceLinks } from '../../src/app/link-lists';
import { createLink, updateLink } from '../../src/app/links';
import { setSpaceConfig } from '../../src/app/configs';
import { defaultSpaceConfig } from '../../src/core/defaults';
import { DomainError } from '../../src/core/errors';
import { createHarness, DAY, EDITOR, SITE_ADMIN, SPACE_ADMIN, VIEWER, type Harness } from './harness';

const codeOf = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (e: unknown) => (e instanceof DomainError ? e.code : `non-domain: ${String(e)}`),
  );

describe('links console', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness('link-console');
  });

  const make = async (pageId: string, name: string, expiresInDays: number | null, caller = EDITOR) =>
    (await createLink(h.deps, caller, { pageId, settings: { name, expiresAt: expiresInDays === null ? null : h.clock.now() + expiresInDays * DAY } })).link;

  it('filters by creator and by an expiry range (links that never expire are left out of a range)', async () => {
    const soon = await make('1002', 'soon', 3);
    const later = await make('1002', 'later', 40);
    const never = await make('2002', 'never', null);
    const byAdmin = await make('2002', 'by admin', 5, SITE_ADMIN);

    const names = async (query: Parameters<typeof listAllLinks>[2]) => (await listAllLinks(h.deps, SITE_ADMIN, query)).items.map((l) => l.name).sort();
    expect(await names({ createdBy: EDITOR.accountId })).toEqual([later.name, never.name, soon.name].sort());
    expect(await names({ createdBy: SITE_ADMIN.accountId })).toEqual([byAdmin.name]);
    expect(await names({ expiresFrom: h.clock.now(), expiresUntil: h.clock.now() + 10 * DAY })).toEqual([byAdmin.name, soon.name].sort());
    expect(await names({ expiresFrom: h.clock.now() + 10 * DAY })).toEqual([later.name]);
    expect(await names({ createdBy: EDITOR.accountId, expiresUntil: h.clock.now() + 10 * DAY })).toEqual([soon.name]);
    // A space admin's list takes the same filters, within their space.
    const space = await listSpaceLinks(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', createdBy: EDITOR.accountId });
    expect(space.items.map((l) => l.name).sort()).toEqual([later.name, soon.name].sort());
  });

  it('reads an expiry range site-wide through the expiry index: soonest first, active then disabled, page by page', async () => {
    const made = [];
    for (const days of [9, 2, 30, 5, 7]) made.push(await make('1002', `in ${days} days`, days));
    await make('1002', 'never', null);
    await make('1002', 'in 90 days', 90);
    await bulkLinkAction(h.deps, SITE_ADMIN, { action: 'disable', linkIds: [made[0]!.id, made[3]!.id] });
    const lists: string[][] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await listAllLinks(h.deps, SITE_ADMIN, { expiresUntil: h.clock.now() + 31 * DAY, limit: 2, ...(cursor ? { cursor } : {}) });
      lists.push(page.items.map((l) => l.name));
      page.items.forEach((l) => seen.add(l.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(lists.flat()).toEqual(['in 2 days', 'in 7 days', 'in 30 days', 'in 5 days', 'in 9 days']);
    expect(seen.size).toBe(5);
    const disabledOnly = await listAllLinks(h.deps, SITE_ADMIN, { status: 'disabled', expiresFrom: h.clock.now() + 6 * DAY });
    expect(disabledOnly.items.map((l) => l.name)).toEqual(['in 9 days']);
  });

  it('bulk-disables, enables and deletes with counts, audited; site-wide for Confluence admins only', async () => {
    const a = await make('1002', 'a', null);
    const b = await make('1002', 'b', null);
    const c = await make('2002', 'c', null);

    const disabled = await bulkLinkAction(h.deps, SITE_ADMIN, { action: 'disable', linkIds: [a.id, b.id, 'x'.repeat(22)] });
    expect(disabled).toEqual({ action: 'disable', changed: [a.id, b.id], unchanged: [], notFound: ['x'.repeat(22)] });
    const again = await bulkLinkAction(h.deps, SITE_ADMIN, { action: 'disable', linkIds: [a.id, c.id] });
    expect(again).toMatchObject({ changed: [c.id], unchanged: [a.id] });
    expect((await h.deps.store.links.get(a.id))?.epoch).toBe(2);

    const enabled = await bulkLinkAction(h.deps, SITE_ADMIN, { action: 'enable', linkIds: [a.id, b.id, c.id] });
    expect(enabled.changed).toHaveLength(3);
    expect((await h.deps.store.links.get(b.id))?.status).toBe('active');

    const deleted = await bulkLinkAction(h.deps, SITE_ADMIN, { action: 'delete', linkIds: [a.id, b.id] });
    expect(deleted.changed).toEqual([a.id, b.id]);
    expect(await h.deps.store.links.get(a.id)).toBeUndefined();

    const trail = (await h.deps.store.audit.list({ linkId: a.id }, { limit: 20 })).items;
    expect(trail.map((e) => [e.action, e.detail])).toEqual(
      expect.arrayContaining([
        ['link_disabled', 'bulk disable'],
        ['link_enabled', 'bulk enable'],
        ['link_deleted', 'a (bulk delete)'],
      ]),
    );
    expect(trail.every((e) => e.actor === SITE_ADMIN.accountId || e.action === 'link_created')).toBe(true);

    expect(await codeOf(bulkLinkAction(h.deps, SPACE_ADMIN, { action: 'disable', linkIds: [c.id] }))).toBe('forbidden');
    expect(await codeOf(bulkLinkAction(h.deps, EDITOR, { action: 'delete', linkIds: [c.id] }))).toBe('forbidden');
    expect((await h.deps.store.links.get(c.id))?.status).toBe('active');
  });

  it('lets a space admin act in bulk on their space only; links of other spaces count as not found and stay', async () => {
    const demo = await make('1002', 'demo', null);
    const ops = await make('2002', 'ops', null);
    const result = await bulkLinkAction(h.deps, SPACE_ADMIN, { action: 'delete', linkIds: [demo.id, ops.id], spaceKey: 'DEMO' });
    expect(result).toMatchObject({ changed: [demo.id], notFound: [ops.id] });
    expect(await h.deps.store.links.get(ops.id)).toBeDefined();
    expect(await codeOf(bulkLinkAction(h.deps, SPACE_ADMIN, { action: 'disable', linkIds: [ops.id], spaceKey: 'OPS' }))).toBe('forbidden');
    expect(await codeOf(bulkLinkAction(h.deps, VIEWER, { action: 'disable', linkIds: [demo.id], spaceKey: 'DEMO' }))).toBe('forbidden');
  });

  it('lets a Confluence admin edit another user’s link within its policy: audited as an administrator, the creator kept', async () => {
    // The Confluence admin cannot edit page 1002: the right comes from administering the site.
    const link = await make('1002', 'handbook', null);
    const context = await getLinkForEdit(h.deps, SITE_ADMIN, link.id);
    expect(context).toMatchObject({ link: { id: link.id, createdBy: EDITOR.accountId, createdByName: 'Erin Editor' }, pageEditable: false });
    expect(await codeOf(getLinkForEdit(h.deps, VIEWER, link.id))).toBe('forbidden');
    expect((await getLinkForEdit(h.deps, SPACE_ADMIN, link.id)).link.id).toBe(link.id);
    // The DEMO space admin does not administer OPS.
    const ops = await make('2002', 'ops', null);
    expect(await codeOf(getLinkForEdit(h.deps, SPACE_ADMIN, ops.id))).toBe('forbidden');

    const edited = await updateLink(h.deps, SITE_ADMIN, {
      linkId: link.id,
      version: link.version,
      settings: { name: 'handbook (checked)', comments: 'none' },
      password: { action: 'keep' },
    });
    expect(edited).toMatchObject({ name: 'handbook (checked)', createdBy: EDITOR.accountId, comments: 'none' });
    const [entry] = (await h.deps.store.audit.list({ linkId: link.id, action: 'link_updated' }, { limit: 5 })).items;
    expect(entry).toMatchObject({ actor: SITE_ADMIN.accountId, detail: 'name, comments (by an administrator)' });

    // Within policy: once DEMO requires a password, the admin cannot save the link without one either.
    const { version: _v, updatedAt: _u, updatedBy: _b, spaceKey: _k, ...rest } = defaultSpaceConfig('DEMO', 0);
    await setSpaceConfig(h.deps, SITE_ADMIN, { spaceKey: 'DEMO', version: 0, config: { ...rest, applyOnSpaceLinks: true, password: true } as never });
    expect(
      await codeOf(updateLink(h.deps, SITE_ADMIN, { linkId: link.id, version: edited.version, settings: { name: 'x' }, password: { action: 'keep' } })),
    ).toBe('policy_violation');
  });

  it('exports the filtered links as CSV through the audit export’s signed download, audited as links_exported', async () => {
    await make('1002', 'Alpha, "quoted"', 3);
    await make('2002', 'Beta', null);
    await make('1002', '=cmd()', null);
    const view = await startLinksExport(h.deps, SITE_ADMIN, { spaceKey: 'DEMO' });
    expect(view).toMatchObject({ status: 'ready', rows: 2 });
    expect(view.downloads).toHaveLength(1);
    expect(view.downloads[0]!.filename).toMatch(/^secure-share-links-space-DEMO-\d{8}-\d{4}\.csv$/);
    expect(view.downloads[0]!.url).toMatch(/\/export\/[A-Za-z0-9_-]{22}\?part=1&exp=\d+&sig=/);

    const part = await readAuditExportPart(h.deps, view.exportId, 1);
    if (!part.ok) throw new Error('the part should be readable');
    expect(part.csv.startsWith(CSV_BOM + LINK_CSV_HEADER_LINE)).toBe(true);
    const rows = part.csv.slice((CSV_BOM + LINK_CSV_HEADER_LINE).length).trim().split('\r\n');
    expect(rows).toHaveLength(2);
    expect(part.csv).toContain('"Alpha, ""quoted"""');
    expect(part.csv).not.toContain(',=cmd()');
    expect(part.csv).toContain('Erin Editor');
    expect(part.csv).not.toContain('Beta');

    // Its own list of exports; the audit tab's list stays the audit log's.
    expect((await listAuditExports(h.deps, SITE_ADMIN, 'links')).map((e) => e.exportId)).toEqual([view.exportId]);
    expect(await listAuditExports(h.deps, SITE_ADMIN)).toEqual([]);
    expect((await getAuditExport(h.deps, SITE_ADMIN, view.exportId)).status).toBe('ready');

    const trail = (await h.deps.store.audit.list({ action: 'links_exported' }, { limit: 10 })).items.map((e) => e.detail).sort();
    expect(trail).toEqual(['Export ready: 2 links; space DEMO.', 'Export started: space DEMO.']);
    expect(await codeOf(startLinksExport(h.deps, SPACE_ADMIN, {}))).toBe('forbidden');
  });

  it('lets a space admin export their space’s links and read only their own exports of it', async () => {
    await make('1002', 'demo link', null);
    await make('2002', 'ops link', null);
    const view = await startLinksExport(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO' });
    expect(view).toMatchObject({ status: 'ready', rows: 1 });
    const part = await readAuditExportPart(h.deps, view.exportId, 1);
    expect(part.ok && part.csv.includes('demo link') && !part.csv.includes('ops link')).toBe(true);
    expect((await getAuditExport(h.deps, SPACE_ADMIN, view.exportId)).downloads).toHaveLength(1);
    expect((await listAuditExports(h.deps, SPACE_ADMIN, 'links', 'DEMO')).map((e) => e.exportId)).toEqual([view.exportId]);

    expect(await codeOf(startLinksExport(h.deps, SPACE_ADMIN, { spaceKey: 'OPS' }))).toBe('forbidden');
    expect(await codeOf(listAuditExports(h.deps, SPACE_ADMIN, 'links', 'OPS'))).toBe('forbidden');
    expect(await codeOf(listAuditExports(h.deps, SPACE_ADMIN, 'links'))).toBe('forbidden');
    // Another user, even a Confluence admin, finds nothing under that id; an editor is refused.
    expect(await codeOf(getAuditExport(h.deps, SITE_ADMIN, view.exportId))).toBe('not_found');
    expect(await codeOf(getAuditExport(h.deps, EDITOR, view.exportId))).toBe('forbidden');
    // The space admin's audit exports stay a Confluence admin's matter.
    expect(await codeOf(listAuditExports(h.deps, SPACE_ADMIN))).toBe('forbidden');
  });
});
