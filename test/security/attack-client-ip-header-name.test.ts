/**
 * Issue 11, item 7: "A 65–100 character client-IP header name is accepted on save but then ignored."
 * The settings schema took names up to 100 characters, the share handler only up to 64 and silently fell
 * back to X-Forwarded-For, a header the visitor writes: an IP allow-list then trusted the visitor's own
 * claim. Save and use now share one rule (src/core/client-ip-header.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteSettingsInputSchema } from '../../src/app/resolvers/schemas';
import { isClientIpHeaderName, MAX_CLIENT_IP_HEADER_LENGTH } from '../../src/core/client-ip-header';
import { clientIpFrom } from '../../src/web/share-handler';
import { startTestServer, type TestServer } from '../support/local-server';

const headerSchema = siteSettingsInputSchema.shape.clientIpHeader;

/** What the share handler does with a saved name: the header it reads the client IP from. */
const headerUsed = (name: string): string | null => {
  const marker = '192.0.2.77';
  const ip = clientIpFrom({ method: 'GET', path: '/', headers: { [name.toLowerCase()]: [marker] }, query: {}, body: '' }, name);
  return ip === marker ? name.toLowerCase() : null;
};

describe('attack: a client-IP header name accepted on save but ignored on use', () => {
  it('every name the settings accept is the header the handler reads, and every name it would ignore is refused on save', () => {
    const nameArb = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'abcxyz0123456789-'), minLength: 1, maxLength: 110 }),
      fc.integer({ min: 1, max: 110 }).map((n) => 'x'.repeat(n)),
      fc.string({ maxLength: 80 }),
    );
    fc.assert(
      fc.property(nameArb, (raw) => {
        const saved = headerSchema.safeParse(raw);
        if (!saved.success) return;
        expect(headerUsed(saved.data), saved.data).toBe(saved.data);
      }),
      { numRuns: 2000 },
    );
    for (const length of [MAX_CLIENT_IP_HEADER_LENGTH + 1, 80, 100]) {
      expect(headerSchema.safeParse('x'.repeat(length)).success).toBe(false);
      expect(isClientIpHeaderName('x'.repeat(length))).toBe(false);
    }
    expect(headerSchema.safeParse('X'.repeat(MAX_CLIENT_IP_HEADER_LENGTH)).success).toBe(true);
  });
});

describe('attack: IP allow-list bypass through a header name the handler ignores (real server)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  const siteSettingsPayload = async () => {
    const { settings } = await server.call('getSiteSettings', {}, 'u-site-admin');
    const { version: _v, updatedAt: _u, sso: _s, ...rest } = settings;
    return { version: settings.version, settings: { ...rest, sso: null } };
  };

  it('a 65-character name is refused with a clear message; a 64-character one is used, so a forged X-Forwarded-For opens nothing', async () => {
    const site = await siteSettingsPayload();
    const tooLong = await server.invoke(
      'setSiteSettings',
      { ...site, settings: { ...site.settings, clientIpHeader: `x-${'c'.repeat(MAX_CLIENT_IP_HEADER_LENGTH - 1)}` } },
      'u-site-admin',
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!tooLong.body.ok) expect(JSON.stringify(tooLong.body.error)).toContain(`at most ${MAX_CLIENT_IP_HEADER_LENGTH} characters`);

    const longest = `x-${'c'.repeat(MAX_CLIENT_IP_HEADER_LENGTH - 2)}`;
    await server.call('setSiteSettings', { ...site, settings: { ...site.settings, clientIpHeader: longest } }, 'u-site-admin');
    const created = await server.call('createLink', { pageId: '1002', settings: { allowedIps: ['203.0.113.7'] } }, 'u-editor');
    const path = new URL(created.url).pathname;
    // The local server is the edge: it writes the socket address (127.0.0.1) into the configured header.
    const forged = await fetch(`${server.url}${path}`, { headers: { 'x-forwarded-for': '203.0.113.7', [longest]: '203.0.113.7' } });
    expect(forged.status).toBe(404);
    const local = await server.call('createLink', { pageId: '1002', settings: { allowedIps: ['127.0.0.1'] } }, 'u-editor');
    expect((await fetch(local.url.replace(/^https?:\/\/[^/]+/, server.url))).status).toBe(200);
  });

  it('a name saved before the rule (80 characters, straight in the store) still cannot be bypassed with a forged X-Forwarded-For', async () => {
    const current = await server.deps.store.configs.getSite();
    if (!current) throw new Error('site settings expected');
    await server.deps.store.configs.putSite({ ...current, clientIpHeader: `x-${'d'.repeat(78)}`, version: current.version + 1 }, current.version);
    const created = await server.call('createLink', { pageId: '1002', settings: { allowedIps: ['203.0.113.7'] } }, 'u-editor');
    const forged = await fetch(`${server.url}${new URL(created.url).pathname}`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(forged.status).toBe(404);
  });
});
