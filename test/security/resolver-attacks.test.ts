/**
 * Attack catalogue §3 H (resolver privilege) and I (policy) through the local server's
 * POST /api/invoke/<key>, exactly as the bridge would call the resolvers, and through the share view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/local-server';
import { Visitor } from '../support/visitor';

let server: TestServer;
let clockOffset = 0;
const DAY = 24 * 3600_000;

beforeAll(async () => {
  server = await startTestServer({ clock: { now: () => Date.now() + clockOffset } });
});
afterAll(async () => {
  await server?.stop();
});

const linkCount = async (): Promise<number> => (await server.call('listAllLinks', { limit: 100 }, 'u-site-admin')).items.length;

const globalConfig = async (change: Record<string, unknown>) => {
  const current = await server.call('getGlobalConfig', {}, 'u-site-admin');
  const { version, updatedAt: _u, updatedBy: _b, ...config } = current.config as unknown as Record<string, unknown> & { version: number };
  await server.call('setGlobalConfig', { version, config: { ...config, ...change } }, 'u-site-admin');
};

const spaceConfigPayload = async (spaceKey: string, as: string) => {
  const current = await server.invoke('getSpaceConfig', { spaceKey }, as);
  return current;
};

describe('H: resolver privilege', () => {
  it('H1: createLink by a user who can view but not edit the page → 403, nothing stored', async () => {
    const before = await linkCount();
    const result = await server.invoke('createLink', { pageId: '1001', settings: { name: 'h1' } }, 'u-viewer');
    expect(result.status).toBe(403);
    expect(result.body.ok).toBe(false);
    expect(await linkCount()).toBe(before);
  });

  it('H2: a payload naming another creator is refused (strict schema), the creator is always context.accountId', async () => {
    const smuggled = await server.invoke('createLink', { pageId: '1001', settings: { name: 'h2' }, creatorId: 'u-site-admin', accountId: 'u-site-admin' }, 'u-editor');
    expect(smuggled.status).toBe(400);
    const created = await server.call('createLink', { pageId: '1001', settings: { name: 'h2 ok' } }, 'u-editor');
    expect(created.link.createdBy).toBe('u-editor');
  });

  it('H3: a non-admin calling setSpaceConfig → 403, nothing stored, audited as denied', async () => {
    const own = await spaceConfigPayload('DEMO', 'u-space-admin');
    expect(own.body.ok).toBe(true);
    const config = own.body.ok ? (own.body.data as unknown as { config: Record<string, unknown> & { version: number } }).config : null;
    const { spaceKey: _k, version, updatedAt: _u, updatedBy: _b, ...input } = config ?? { version: 0 };
    const result = await server.invoke('setSpaceConfig', { spaceKey: 'DEMO', version, config: { ...input, sharingEnabled: false } }, 'u-editor');
    expect(result.status).toBe(403);
    const after = await server.call('getSpaceConfig', { spaceKey: 'DEMO' }, 'u-space-admin');
    expect(after.config.sharingEnabled).toBe(config?.sharingEnabled ?? true);
    expect(after.config.version).toBe(version);
  });

  it('H4: the space admin of DEMO cannot read or set the policy of OPS', async () => {
    expect((await server.invoke('getSpaceConfig', { spaceKey: 'OPS' }, 'u-space-admin')).status).toBe(403);
    const ops = await server.call('getSpaceConfig', { spaceKey: 'OPS' }, 'u-site-admin');
    const { spaceKey: _k, version, updatedAt: _u, updatedBy: _b, ...input } = ops.config as unknown as Record<string, unknown> & { version: number };
    const result = await server.invoke('setSpaceConfig', { spaceKey: 'OPS', version, config: { ...input, sharingEnabled: false } }, 'u-space-admin');
    expect(result.status).toBe(403);
  });

  it('H5: a non-site-admin calling setGlobalConfig or setSiteSettings → 403', async () => {
    const current = await server.call('getGlobalConfig', {}, 'u-site-admin');
    const { version, updatedAt: _u, updatedBy: _b, ...config } = current.config as unknown as Record<string, unknown> & { version: number };
    for (const who of ['u-editor', 'u-space-admin', 'u-viewer']) {
      expect((await server.invoke('setGlobalConfig', { version, config: { ...config, sharingEnabled: false } }, who)).status, who).toBe(403);
      expect((await server.invoke('getSiteSettings', {}, who)).status, who).toBe(403);
    }
  });

  it('H6: an editor of DEMO cannot disable, rotate or delete a link on an OPS page they cannot edit', async () => {
    const opsLink = await server.call('createLink', { pageId: '2001', settings: { name: 'ops' } }, 'u-ops');
    for (const [key, payload] of [
      ['setLinkStatus', { linkId: opsLink.link.id, status: 'disabled' }],
      ['rotateLink', { linkId: opsLink.link.id }],
      ['deleteLink', { linkId: opsLink.link.id }],
    ] as const) {
      const result = await server.invoke(key, payload, 'u-viewer');
      expect(result.status, key).toBe(403);
    }
    expect((await new Visitor(server.url).get(new URL(opsLink.url).pathname)).status).toBe(200);
  });

  it('H7: extra keys, wrong types, huge strings and __proto__ → 400, no prototype pollution', async () => {
    const payloads: unknown[] = [
      { pageId: '1001', settings: { name: 'x', extra: true } },
      { pageId: 1001, settings: {} },
      { pageId: '1001', settings: { name: 'x'.repeat(1024 * 1024) } },
      JSON.parse('{"pageId":"1001","settings":{"__proto__":{"polluted":"yes"}}}'),
      JSON.parse('{"pageId":"1001","__proto__":{"polluted":"yes"}}'),
      { pageId: '1001', settings: { comments: 'admin' } },
    ];
    for (const payload of payloads) {
      const result = await server.invoke('createLink', payload, 'u-editor');
      expect(result.status, JSON.stringify(payload).slice(0, 80)).toBe(400);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('H8: link lists never carry tokens or hashes; a plain viewer cannot list a page’s links', async () => {
    const created = await server.call('createLink', { pageId: '1001', settings: { name: 'h8' } }, 'u-editor');
    const token = new URL(created.url).pathname.slice(3);
    const sharing = await server.invoke('getPageSharing', { pageId: '1001' }, 'u-editor');
    const all = await server.invoke('listAllLinks', { limit: 100 }, 'u-site-admin');
    for (const listing of [sharing, all]) {
      const text = JSON.stringify(listing.body);
      expect(text).not.toContain(token);
      expect(text).not.toMatch(/tokenHash|passwordHash/);
    }
    expect((await server.invoke('getPageSharing', { pageId: '1001' }, 'u-viewer')).status).toBe(403);
  });

  it('H10: a resolver called without context.accountId → 401', async () => {
    for (const key of ['getPageSharing', 'createLink', 'getGlobalConfig', 'listAllLinks'] as const) {
      const result = await server.invoke(key, key === 'createLink' ? { pageId: '1001', settings: {} } : key === 'getPageSharing' ? { pageId: '1001' } : {});
      expect(result.status, key).toBe(401);
    }
  });
});

describe('I: policy', () => {
  it('I1: global max expiry 30 days (enforced): creating a 90-day link is rejected with a clear message', async () => {
    await globalConfig({ expiry: { kind: 'custom', maxDays: 30 }, applyOnAllLinks: true });
    try {
      const result = await server.invoke('createLink', { pageId: '1001', settings: { name: 'i1', expiresAt: Date.now() + clockOffset + 90 * DAY } }, 'u-editor');
      expect(result.body.ok).toBe(false);
      if (!result.body.ok) expect(result.body.error.message).toMatch(/30/);
    } finally {
      await globalConfig({ expiry: { kind: 'optional' }, applyOnAllLinks: false });
    }
  });

  it('I2: a 90-day link created before the policy tightened to 30 days is refused (at once as non-compliant, and on day 31)', async () => {
    const created = await server.call('createLink', { pageId: '1001', settings: { name: 'i2', expiresAt: Date.now() + clockOffset + 90 * DAY } }, 'u-editor');
    const path = new URL(created.url).pathname;
    await globalConfig({ expiry: { kind: 'custom', maxDays: 30 }, applyOnAllLinks: true });
    try {
      // SPEC: a link that no longer complies is refused at once (stricter than the catalogue's day-31 cut-off).
      expect((await new Visitor(server.url).get(path)).status).toBe(404);
      clockOffset += 31 * DAY;
      expect((await new Visitor(server.url).get(path)).status).toBe(404);
    } finally {
      clockOffset -= 31 * DAY;
      await globalConfig({ expiry: { kind: 'optional' }, applyOnAllLinks: false });
    }
  });

  it('I3/I4: expiry is inclusive: allowed 1 ms before expiresAt, refused at expiresAt', async () => {
    const expiresAt = Date.now() + clockOffset + 3600_000;
    const created = await server.call('createLink', { pageId: '1001', settings: { name: 'i3', expiresAt } }, 'u-editor');
    const path = new URL(created.url).pathname;
    const realNow = Date.now;
    const frozen = (at: number) => {
      clockOffset = at - realNow();
    };
    const saved = clockOffset;
    try {
      frozen(expiresAt - 1);
      // The offset is computed against the real clock; allow for the milliseconds the request takes.
      clockOffset -= 50;
      expect((await new Visitor(server.url).get(path)).status).toBe(200);
      frozen(expiresAt);
      expect((await new Visitor(server.url).get(path)).status).toBe(404);
    } finally {
      clockOffset = saved;
    }
  });

  it('I5/I6: expiry without a timezone, garbage, out of range or negative → 400', async () => {
    for (const expiresAt of ['2027-01-01T00:00', 'garbage', 8.64e15 + 1, -5]) {
      const result = await server.invoke('createLink', { pageId: '1001', settings: { name: 'i5', expiresAt } }, 'u-editor');
      expect(result.status, String(expiresAt)).toBe(400);
    }
  });

  it('I6: an expiry in the past is rejected', async () => {
    const result = await server.invoke('createLink', { pageId: '1001', settings: { name: 'i6', expiresAt: Date.now() + clockOffset - DAY } }, 'u-editor');
    expect(result.body.ok).toBe(false);
  });

  it('I8: global forbids restricted children (enforced) while the space allows them → forbidden', async () => {
    await globalConfig({ restrictedChildPages: false, applyOnAllLinks: true });
    try {
      const result = await server.invoke('createLink', { pageId: '1001', settings: { name: 'i8', includeChildren: true, shareRestrictedChildren: true } }, 'u-editor');
      expect(result.body.ok).toBe(false);
    } finally {
      await globalConfig({ applyOnAllLinks: false });
    }
  });

  it('I9: an unreadable policy record → 503 on the share view, never content', async () => {
    const created = await server.call('createLink', { pageId: '1001', settings: { name: 'i9' } }, 'u-editor');
    const configs = server.deps.store.configs;
    const original = configs.getSpace.bind(configs);
    configs.getSpace = async () => {
      throw new Error('kvs down');
    };
    try {
      const response = await new Visitor(server.url).get(new URL(created.url).pathname);
      expect(response.status).toBe(503);
      expect(response.text).not.toContain('Welcome to the');
    } finally {
      configs.getSpace = original;
    }
  });
});
