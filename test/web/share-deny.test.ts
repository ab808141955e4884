import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultGlobalConfig, defaultSpaceConfig } from '../../src/core/defaults';
import { hashToken } from '../../src/core/token';
import { DEMO_START, startHarness, type Harness } from './support/share-harness';
import { Visitor, type VisitorResponse } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** Headers that may legitimately differ between two responses (transport only). */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive']);
const comparable = (reply: VisitorResponse) => ({
  status: reply.status,
  body: Buffer.from(reply.bytes).toString('base64'),
  headers: [...(reply.headers as unknown as Iterable<[string, string]>)].filter(([name]) => !TRANSPORT.has(name)),
});

const unknownToken = 'A'.repeat(22) + 'B'.repeat(43);

const reference = async (): Promise<ReturnType<typeof comparable>> => comparable(await new Visitor(h.base).get(`/s/${unknownToken}`));

describe('token format is checked before any storage call', () => {
  // The handler alone (the local server reads site settings itself before routing, to find the IP header).
  beforeEach(async () => {
    await h.close();
    h = await startHarness({ edge: 'forwarding-proxy' });
  });

  const malformed = [
    '/s/',
    '/s/abc',
    `/s/${'A'.repeat(64)}`,
    `/s/${'A'.repeat(66)}`,
    `/s/${'A'.repeat(64)}%2F`,
    `/s/${'A'.repeat(64)}=`,
    `/s/${'А'.repeat(65)}`,
    `/s/${unknownToken}/p/00123`,
    `/s/${unknownToken}/p/1e3`,
    `/s/${unknownToken}/p/${'9'.repeat(30)}`,
    `/s/${unknownToken}/nope`,
    `/s/${'A'.repeat(3000)}`,
  ];
  for (const path of malformed) {
    it(`404 without storage for ${path.slice(0, 60)}`, async () => {
      const expected = await reference();
      h.storeCalls.length = 0;
      const reply = await new Visitor(h.base).get(path);
      expect(h.storeCalls).toEqual([]);
      expect(comparable(reply)).toEqual(expected);
    });
  }

  it('a well-formed unknown token costs one wave of reads and gets the same 404', async () => {
    h.storeCalls.length = 0;
    const reply = await new Visitor(h.base).get(`/s/${unknownToken}`);
    expect(reply.status).toBe(404);
    expect(h.storeCalls).toContain('links.get');
    expect(h.storeCalls.filter((c) => c.startsWith('links.'))).toEqual(['links.get']);
  });
});

describe('every deny is the identical 404, with the reason audited', () => {
  const expectIdentical404 = async (path: string, reason: string | RegExp) => {
    const expected = await reference();
    const reply = await new Visitor(h.base).get(path);
    expect(comparable(reply)).toEqual(expected);
    expect(reply.text).not.toContain('Product Handbook');
    const audit = await h.store.audit.list({ action: 'view_denied' }, { limit: 20 });
    expect(audit.items.map((e) => e.detail)).toContainEqual(expect.stringMatching(reason));
  };

  it('disabled link', async () => {
    const { path, link } = await h.link();
    expect((await new Visitor(h.base).get(path)).status).toBe(200);
    await h.patchLink(link.id, { status: 'disabled', epoch: link.epoch + 1 });
    await expectIdentical404(path, 'link_disabled');
  });

  it('rotated link: old token refused', async () => {
    const { path, link } = await h.link();
    await h.patchLink(link.id, { tokenHash: hashToken(link.id + 'Z'.repeat(43)), epoch: link.epoch + 1 });
    await expectIdentical404(path, /token does not match/);
  });

  it('expired link: allowed 1 ms before, refused at the exact instant', async () => {
    const expiresAt = DEMO_START + 60 * 60 * 1000;
    const { path } = await h.link({ expiresAt });
    h.clock.now = expiresAt - 1;
    expect((await new Visitor(h.base).get(path)).status).toBe(200);
    h.clock.now = expiresAt;
    await expectIdentical404(path, 'expired');
  });

  it('non-compliant link after the global policy starts requiring a password', async () => {
    const { path } = await h.link();
    await h.store.configs.putGlobal({ ...defaultGlobalConfig(DEMO_START), applyOnAllLinks: true, password: 'mandatory', version: 1 }, 0);
    await expectIdentical404(path, 'non_compliant');
  });

  it('space sharing disabled, then re-enabled', async () => {
    const { path } = await h.link();
    await h.store.configs.putSpace({ ...defaultSpaceConfig('DEMO', DEMO_START), sharingEnabled: false, version: 1 }, 0);
    await expectIdentical404(path, 'sharing_disabled');
    await h.store.configs.putSpace({ ...defaultSpaceConfig('DEMO', DEMO_START), sharingEnabled: true, version: 2 }, 1);
    expect((await new Visitor(h.base).get(path)).status).toBe(200);
  });

  it('page trashed in Confluence (link not yet told)', async () => {
    const { path } = await h.link();
    await h.site.trashPage('1001');
    await expectIdentical404(path, /removed/);
  });

  it('page marked removed on the link', async () => {
    const { path, link } = await h.link();
    await h.patchLink(link.id, { pageState: 'trashed' });
    await expectIdentical404(path, 'page_removed');
  });

  it('child page outside the tree, and child pages when children are not shared', async () => {
    const withChildren = await h.link({ includeChildren: true, withoutLabels: ['internal'] });
    await expectIdentical404(`${withChildren.path}/p/1004`, /outside the shared tree/);
    await expectIdentical404(`${withChildren.path}/p/2001`, /outside the shared tree/);
    const rootOnly = await h.link({ includeChildren: false });
    await expectIdentical404(`${rootOnly.path}/p/1002`, /outside the shared tree/);
  });
});

describe('storage failures deny without content or a 500', () => {
  beforeEach(async () => {
    await h.close();
    h = await startHarness({ edge: 'forwarding-proxy' });
  });

  it('link read failure → 503 generic page', async () => {
    const { path } = await h.link();
    const original = h.deps.store.links.get.bind(h.deps.store.links);
    h.deps.store.links.get = async () => {
      throw new Error('kvs down at /secret/path');
    };
    const reply = await new Visitor(h.base).get(path);
    h.deps.store.links.get = original;
    expect(reply.status).toBe(503);
    expect(reply.text).not.toContain('kvs down');
    expect(reply.text).not.toContain('Product Handbook');
    expect(reply.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
