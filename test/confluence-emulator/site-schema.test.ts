import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFixtureSite, parseFixtureSite, type FixtureSite } from '../../src/dev/confluence-emulator/site-schema';
import { DEMO_SITE } from './support';

const base = (): FixtureSite =>
  parseFixtureSite(JSON.stringify({ users: [{ accountId: 'u', displayName: 'U' }], spaces: [{ id: '1', key: 'A', name: 'A' }], pages: [] }), 'base');
const page = (id: string, parentId: string | null, extra: Record<string, unknown> = {}) => ({
  id, spaceKey: 'A', parentId, title: id, authorId: 'u', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', ...extra,
});
const parse = (pages: unknown[], more: Record<string, unknown> = {}) => () => parseFixtureSite(JSON.stringify({ ...base(), pages, ...more }), 'x.json');

describe('fixture sites', () => {
  it('loads the demo site with its defaults (hidden emails, app not granted, footer comments)', async () => {
    const site = await loadFixtureSite(DEMO_SITE);
    expect(site.spaces.map((s) => s.key)).toEqual(['DEMO', 'OPS']);
    expect(site.users.find((u) => u.accountId === 'u-editor')?.emailVisible).toBe(false);
    expect(site.pages.find((p) => p.id === '2003')?.appCanRead).toBe(false);
    expect(site.pages.find((p) => p.id === '1002')?.comments[0]).toMatchObject({ kind: 'footer', parentId: null });
  });

  it('names the file and the bad field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixture-site-'));
    try {
      const file = join(dir, 'broken.json');
      const site = JSON.parse(await readFile(DEMO_SITE, 'utf8')) as { pages: { id: string }[] };
      site.pages[2]!.id = 'not-a-number';
      await writeFile(file, JSON.stringify(site));
      await expect(loadFixtureSite(file)).rejects.toThrow(new RegExp(`${file}.*pages\\.2\\.id`));
      await expect(loadFixtureSite(join(dir, 'missing.json'))).rejects.toThrow(/Cannot read fixture site/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses broken references: parents, cycles, spaces, reply targets, levels, ids', () => {
    expect(() => parseFixtureSite('{', 'x.json')).toThrow(/x\.json is not valid JSON/);
    expect(parse([page('1', '9')])).toThrow(/pages\.0\.parentId: unknown parent page 9/);
    expect(parse([page('1', '2'), page('2', '1')])).toThrow(/cyclic/);
    expect(parse([{ ...page('1', null), spaceKey: 'B' }])).toThrow(/pages\.0\.spaceKey: unknown space B/);
    const comment = { id: '5', authorId: 'u', createdAt: '2026-01-01T00:00:00Z', body: '<p>x</p>', parentId: '6' };
    expect(parse([page('1', null, { comments: [comment] })])).toThrow(/comments\.0\.parentId: unknown comment 6/);
    expect(parse([page('1', null, { classificationLevelId: 'secret' })])).toThrow(/unknown classification level secret/);
    expect(parse([page('1', null, { attachments: [{ id: 'att-1', title: 't', mediaType: 'text/plain', createdAt: '2026-01-01T00:00:00Z', content: '' }] })])).toThrow(
      /attachments\.0\.id/,
    );
    expect(parse([page('1', null), page('1', null)])).toThrow(/duplicate page id 1/);
  });
});
