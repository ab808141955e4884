import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/local-server';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('local server (npm start)', () => {
  it('seeds demo links once, serves them, lists them on the index page, and prints the same URLs after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'secure-share-local-'));
    dirs.push(dataDir);
    const first = await startTestServer({ dataDir, seedDemo: true });
    let firstPaths: string[];
    try {
      expect(first.demoLinks).toHaveLength(8);
      const index = await (await fetch(`${first.url}/`)).text();
      for (const link of first.demoLinks) expect(index).toContain(link.url);
      expect(index).toContain('/ui/');
      const open = first.demoLinks.find((l) => l.title === 'Open link');
      const expired = first.demoLinks.find((l) => l.title === 'Expired link');
      expect((await fetch(open?.url ?? '')).status).toBe(200);
      expect((await fetch(expired?.url ?? '')).status).toBe(404);
      expect((await fetch(`${first.url}/nowhere`)).status).toBe(404);
      firstPaths = first.demoLinks.map((l) => new URL(l.url).pathname);
    } finally {
      await first.stop();
    }

    const second = await startTestServer({ dataDir, seedDemo: true });
    try {
      expect(second.demoLinks.map((l) => new URL(l.url).pathname)).toEqual(firstPaths);
      expect(second.demoLinks.every((l) => l.url.startsWith(`${second.url}/s/`))).toBe(true);
      const links = await second.call('listAllLinks', {}, 'u-site-admin');
      expect(links.items).toHaveLength(8);
      const open = second.demoLinks.find((l) => l.title === 'Open link');
      expect((await fetch(open?.url ?? '')).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});

describe('local server with another fixture site', () => {
  it('starts even when the site lacks the demo pages (SECURE_SHARE_SITE)', async () => {
    const server = await startTestServer({ sitePath: join(process.cwd(), 'fixtures', 'xss-site.json'), seedDemo: true });
    try {
      expect((await fetch(`${server.url}/`)).status).toBe(200);
      expect(server.demoLinks).toEqual([]);
      expect((await server.call('listAllLinks', {}, 'u-site-admin')).items).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
