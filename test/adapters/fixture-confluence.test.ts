import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFixtureConfluence,
  loadFixtureSite,
  openFixtureConfluence,
  parseFixtureSite,
} from '../../src/adapters/local/fixture-confluence';
import type { FixtureSite } from '../../src/adapters/local/fixture-site-schema';

const DEMO = join(__dirname, '../../fixtures/demo-site.json');
const tempDirs: string[] = [];
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'fixture-confluence-'));
  tempDirs.push(dir);
  return dir;
};
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const demo = async () => createFixtureConfluence(await loadFixtureSite(DEMO), { now: () => Date.parse('2026-11-23T12:00:00Z') });

describe('loadFixtureSite', () => {
  it('loads the demo site', async () => {
    const site = await loadFixtureSite(DEMO);
    expect(site.spaces.map((s) => s.key)).toEqual(['DEMO', 'OPS']);
    expect(site.pages.find((p) => p.id === '1001')?.attachments.map((a) => a.title)).toEqual([
      'diagram.png',
      'spec.txt',
      'report.pdf',
    ]);
  });

  it('names the file and the bad field when the fixture is invalid', async () => {
    const dir = await tempDir();
    const file = join(dir, 'broken.json');
    const site = JSON.parse(await readFile(DEMO, 'utf8')) as { pages: { id: string }[] };
    site.pages[2]!.id = 'not-a-number';
    await writeFile(file, JSON.stringify(site));
    await expect(loadFixtureSite(file)).rejects.toThrow(new RegExp(`${file}.*pages\\.2\\.id`));
  });

  it('rejects JSON syntax errors, unknown parents and cycles clearly', async () => {
    expect(() => parseFixtureSite('{', 'x.json')).toThrow(/x\.json is not valid JSON/);
    const base: FixtureSite = {
      name: 's',
      users: [],
      spaces: [{ id: '1', key: 'A', name: 'A', admins: [], editors: [], viewers: [] }],
      pages: [],
    };
    const page = (id: string, parentId: string | null) => ({
      id, spaceKey: 'A', parentId, title: id, authorId: 'u', createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z', body: '',
    });
    expect(() => parseFixtureSite(JSON.stringify({ ...base, pages: [page('1', '9')] }), 'y.json')).toThrow(
      /pages\.0\.parentId: unknown parent page 9/,
    );
    expect(() => parseFixtureSite(JSON.stringify({ ...base, pages: [page('1', '2'), page('2', '1')] }), 'z.json')).toThrow(
      /cyclic/,
    );
    expect(() => parseFixtureSite(JSON.stringify({ ...base, pages: [{ ...page('1', null), spaceKey: 'B' }] }), 'w.json')).toThrow(
      /pages\.0\.spaceKey: unknown space B/,
    );
  });
});

describe('fixture rights (Confluence semantics)', () => {
  it('lets the editor edit and view pages of DEMO, but not restricted ones', async () => {
    const { rights } = await demo();
    expect(await rights.pageEditable('u-editor', '1001')).toMatchObject({ id: '1001', spaceKey: 'DEMO', spaceId: '98301' });
    expect(await rights.pageEditable('u-editor', '1005')).toMatchObject({ id: '1005', parentId: '1003' });
    expect(await rights.pageViewable('u-editor', '1006')).toBeUndefined();
    // CF-2: the child of a view-restricted page inherits the restriction.
    expect(await rights.pageViewable('u-editor', '1007')).toBeUndefined();
    expect(await rights.pageViewable('u-space-admin', '1007')).toMatchObject({ id: '1007' });
  });

  it('applies edit restrictions to the page only (CF-3)', async () => {
    const { rights } = await demo();
    expect(await rights.pageViewable('u-editor', '1004')).toBeDefined();
    expect(await rights.pageEditable('u-editor', '1004')).toBeUndefined();
    expect(await rights.pageEditable('u-space-admin', '1004')).toBeDefined();
    // OPS root is edit-restricted to ops people; its child is not.
    expect(await rights.pageEditable('u-editor', '2001')).toBeUndefined();
    expect(await rights.pageEditable('u-editor', '2002')).toBeDefined();
  });

  it('gives viewers view but not edit, and outsiders nothing in DEMO', async () => {
    const { rights } = await demo();
    expect(await rights.pageViewable('u-viewer', '1002')).toBeDefined();
    expect(await rights.pageEditable('u-viewer', '1002')).toBeUndefined();
    expect(await rights.pageViewable('u-outsider', '1001')).toBeUndefined();
    // OPS has no viewer list: every site user may view it.
    expect(await rights.pageViewable('u-outsider', '2002')).toBeDefined();
    expect(await rights.pageViewable('u-unknown', '2002')).toBeUndefined();
  });

  it('refuses trashed and unknown pages', async () => {
    const { rights } = await demo();
    expect(await rights.pageViewable('u-editor', '1008')).toBeUndefined();
    expect(await rights.pageEditable('u-editor', '1008')).toBeUndefined();
    expect(await rights.pageEditable('u-editor', '424242')).toBeUndefined();
  });

  it('knows space admins and site admins', async () => {
    const { rights } = await demo();
    expect(await rights.isSpaceAdmin('u-space-admin', 'DEMO')).toBe(true);
    expect(await rights.isSpaceAdmin('u-editor', 'DEMO')).toBe(false);
    expect(await rights.isSpaceAdmin('u-space-admin', 'OPS')).toBe(false);
    expect(await rights.isSpaceAdmin('u-space-admin', 'NOPE')).toBe(false);
    expect(await rights.isSiteAdmin('u-site-admin')).toBe(true);
    expect(await rights.isSiteAdmin('u-space-admin')).toBe(false);
    expect(await rights.isSiteAdmin('u-ghost')).toBe(false);
  });
});

describe('fixture content (as the app)', () => {
  it('returns pages with body, labels and epoch-ms times', async () => {
    const { content } = await demo();
    const page = await content.getPage('1001');
    expect(page).toMatchObject({ id: '1001', title: 'Product Handbook', spaceKey: 'DEMO', status: 'current', version: 7 });
    expect(page?.bodyHtml).toContain('/wiki/download/attachments/1001/diagram.png');
    expect(page?.updatedAt).toBe(Date.parse('2026-11-20T14:30:00Z'));
    expect((await content.getPage('1008'))?.status).toBe('trashed');
    expect(await content.getPage('999')).toBeUndefined();
  });

  it('lists all current descendants with direct restriction flags and parent links', async () => {
    const { content } = await demo();
    const tree = await content.getDescendants('1001');
    expect(tree.map((p) => [p.id, p.parentId, p.viewRestricted])).toEqual([
      ['1002', '1001', false],
      ['1003', '1001', false],
      ['1005', '1003', false],
      ['1004', '1001', false],
      ['1006', '1001', true],
      ['1007', '1006', false],
    ]);
    expect(tree.find((p) => p.id === '1003')?.labels).toEqual(['public', 'changelog']);
    expect(await content.getDescendants('1005')).toEqual([]);
  });

  it('serves comments as plain text and attachments as bytes', async () => {
    const { content } = await demo();
    const comments = await content.listComments('1001');
    expect(comments[0]).toMatchObject({ authorName: 'Victor Viewer', bodyText: 'Could we add the EU region to the service level table?' });
    expect((await content.listComments('1002'))[0]?.bodyText).toBe('Step 3 needs a screenshot. @Erin Editor can you add one?');
    const atts = await content.listAttachments('1001');
    const png = atts.find((a) => a.title === 'diagram.png');
    expect(png).toMatchObject({ mediaType: 'image/png' });
    const data = await content.downloadAttachment('1001', png!.id);
    expect(Array.from(data!.bytes.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(data!.bytes.byteLength).toBe(png!.fileSize);
    // An attachment id of another page is not served through this page.
    expect(await content.downloadAttachment('1002', png!.id)).toBeUndefined();
  });

  it('knows spaces and users', async () => {
    const { content } = await demo();
    expect(await content.getSpace('DEMO')).toEqual({ id: '98301', key: 'DEMO', name: 'Product Handbook' });
    expect(await content.getSpace('NOPE')).toBeUndefined();
    expect(await content.getUser('u-editor')).toEqual({ accountId: 'u-editor', displayName: 'Erin Editor', email: 'erin.editor@acme.example' });
  });

  it('adds comments and attachments, refusing duplicate file names', async () => {
    const { content } = await demo();
    const comment = await content.addComment('1002', 'Hello <b>world</b>\nsecond line', { name: 'Pat', email: null });
    expect(comment.bodyText).toBe('Hello <b>world</b>\nsecond line');
    expect((await content.listComments('1002')).map((c) => c.id)).toContain(comment.id);
    const file = { fileName: 'notes.txt', mediaType: 'text/plain', bytes: new TextEncoder().encode('hi') };
    const att = await content.uploadAttachment('1002', file, 'from a visitor');
    expect(att).toMatchObject({ title: 'notes.txt', fileSize: 2, pageId: '1002' });
    await expect(content.uploadAttachment('1002', file, '')).rejects.toMatchObject({ code: 'already_exists' });
    await expect(content.addComment('999', 'x', { name: '', email: null })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('fixture site control and persistence', () => {
  it('trashes, restores, updates and deletes pages', async () => {
    const { content, site } = await demo();
    await site.trashPage('1003');
    expect((await content.getPage('1003'))?.status).toBe('trashed');
    expect((await content.getDescendants('1001')).map((p) => p.id)).not.toContain('1005');
    await site.restorePage('1003');
    const updated = await site.updatePage('1003', { title: 'Changelog', labels: ['public'] });
    expect(updated).toMatchObject({ title: 'Changelog', version: 6, labels: ['public'] });
    await expect(site.updatePage('1001', { parentId: '1005' })).rejects.toMatchObject({ code: 'invalid_input' });
    await site.deletePage('1003');
    expect(await content.getPage('1003')).toBeUndefined();
    expect((await content.getDescendants('1001')).find((p) => p.id === '1005')?.parentId).toBe('1001');
  });

  it('keeps added content across restarts when a persist path is given', async () => {
    const dir = await tempDir();
    const persistPath = join(dir, 'state', 'confluence.json');
    const first = await openFixtureConfluence(DEMO, { persistPath });
    const comment = await first.content.addComment('1001', 'survives restarts', { name: '', email: null });
    await first.site.trashPage('1002');
    await first.site.flush();
    const second = await openFixtureConfluence(DEMO, { persistPath });
    expect((await second.content.listComments('1001')).map((c) => c.id)).toContain(comment.id);
    expect((await second.content.getPage('1002'))?.status).toBe('trashed');
  });

  it('ignores persisted state made from another fixture', async () => {
    const dir = await tempDir();
    const persistPath = join(dir, 'confluence.json');
    const first = await openFixtureConfluence(DEMO, { persistPath });
    await first.content.addComment('1001', 'from the demo fixture', { name: '', email: null });
    const otherFixture = join(dir, 'other.json');
    const site = JSON.parse(await readFile(DEMO, 'utf8')) as FixtureSite;
    site.name = 'Another site';
    await writeFile(otherFixture, JSON.stringify(site));
    const second = await openFixtureConfluence(otherFixture, { persistPath });
    expect((await second.content.listComments('1001')).map((c) => c.bodyText)).not.toContain('from the demo fixture');
  });

  it('adds the configured latency to every call', async () => {
    const confluence = createFixtureConfluence(await loadFixtureSite(DEMO), { latencyMs: 30 });
    const started = performance.now();
    await confluence.content.getPage('1001');
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});
