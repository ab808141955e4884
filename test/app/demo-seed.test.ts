import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listAllLinks } from '../../src/app/link-lists';
import { DEMO_PASSWORD, readDemoLinks, rebaseDemoLinks, seedDemoLinks } from '../../src/dev/demo-seed';
import { createHarness, SITE_ADMIN } from './harness';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('demo seed', () => {
  it('creates one link per gate on an empty store, records the URLs, and does not seed twice', async () => {
    const { deps } = await createHarness();
    dir = await mkdtemp(join(tmpdir(), 'secure-share-seed-'));
    const demo = await seedDemoLinks(deps, dir);
    expect(demo.map((d) => d.title)).toEqual([
      'Open link',
      'Password link',
      'IP-restricted link',
      'Selected-users link',
      'SSO link',
      'Expired link',
      'Child pages with label filter',
      'Comments and attachments: view & add',
    ]);
    expect(demo.find((d) => d.title === 'Password link')?.password).toBe(DEMO_PASSWORD);
    const links = (await listAllLinks(deps, SITE_ADMIN, {})).items;
    const byName = new Map(links.map((l) => [l.name, l]));
    expect(byName.get('Demo: password')?.hasPassword).toBe(true);
    expect(byName.get('Demo: expired')?.effectiveStatus).toBe('expired');
    expect(byName.get('Demo: IP allow-list')?.allowedIps).toEqual(['127.0.0.1/32', '::1/128']);
    expect(byName.get('Demo: child pages (label public)')).toMatchObject({ includeChildren: true, withLabels: ['public'] });
    expect(byName.get('Demo: comments + attachments')).toMatchObject({ comments: 'view_add', attachments: 'view_add' });
    expect(byName.get('Demo: SSO required')?.requireSso).toBe(true);

    expect(await seedDemoLinks(deps, dir)).toEqual(demo);
    expect((await listAllLinks(deps, SITE_ADMIN, {})).items).toHaveLength(8);
    expect(await readDemoLinks(dir)).toEqual(demo);
    expect(rebaseDemoLinks(demo, 'http://localhost:9999')[0]?.url).toMatch(/^http:\/\/localhost:9999\/s\/[A-Za-z0-9_-]{65}$/);
  });
});
