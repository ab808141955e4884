/**
 * Search within a share does bounded work: on a tree of 41 pages that all contain the word searched,
 * the text of at most MAX_SEARCHED_PAGES pages besides the root is read from Confluence, every title
 * is still searched, and the page says how many pages were searched by title only.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SEARCHED_PAGES } from '../../src/web/share-search';
import { startTestServer, type TestServer } from '../support/local-server';
import { Visitor } from '../support/visitor';

const EXTRA_PAGES = 40;
let server: TestServer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'search-bounds-'));
  const site = JSON.parse(await readFile(join('fixtures', 'demo-site.json'), 'utf8')) as { pages: Array<Record<string, unknown>> };
  const root = site.pages.find((p) => p['id'] === '1001') as Record<string, unknown>;
  for (let i = 0; i < EXTRA_PAGES; i += 1) {
    site.pages.push({
      ...root,
      id: String(9100 + i),
      parentId: '1001',
      title: i === EXTRA_PAGES - 1 ? 'Last zebra page' : `Extra page ${i}`,
      labels: ['public'],
      body: `<p>Extra page ${i} mentions the zebra crossing.</p>`,
      comments: [],
      attachments: [],
    });
  }
  const sitePath = join(dir, 'site.json');
  await writeFile(sitePath, JSON.stringify(site));
  server = await startTestServer({ sitePath });
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('recipient: search does bounded work', () => {
  it(`reads the text of at most ${MAX_SEARCHED_PAGES} pages besides the root; titles of all`, async () => {
    const created = await server.call('createLink', { pageId: '1001', settings: { name: 'bounds', includeChildren: true, withoutLabels: ['internal'] } }, 'u-editor');
    const v = new Visitor(server.url);
    expect((await v.get(created.url)).status).toBe(200);
    const stats = server.app.confluence.stats.byOperation;
    const pageReads = () => Object.entries(stats).filter(([op]) => /^getPageById$/i.test(op)).reduce((n, [, c]) => n + c, 0);
    const before = pageReads();
    const reply = await v.get(`${created.url}/search?q=zebra`);
    expect(reply.status).toBe(200);
    const reads = pageReads() - before;
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(MAX_SEARCHED_PAGES + 1);
    const titles = [...reply.text.matchAll(/<li><a href="[^"]*"[^>]*>([^<]*)<\/a>/g)].map((m) => m[1]);
    // The last page's text was not read, but its title matches.
    expect(titles).toContain('Last zebra page');
    expect(titles.length).toBeGreaterThanOrEqual(MAX_SEARCHED_PAGES);
    expect(reply.text).toMatch(/searched by title only/);
  });
});
