import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_FREE_FAILURES, FIRST_LOCK_MS, LINK_ATTACK_FAILURES } from '../../src/app/view/password-gate';
import { defaultSiteSettings } from '../../src/core/defaults';
import { PASSWORD, tryPassword } from './support/password-gate';
import { startHarness, type Harness } from './support/share-harness';
import { Visitor } from '../support/visitor';

// These tests need to choose the client IP, so the handler sits behind a forwarding proxy stand-in
// (the local server is its own edge and always uses the socket address).
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ edge: 'forwarding-proxy' });
});
afterEach(async () => {
  await h.close();
});

describe('IP allow-list', () => {
  const cases: Array<[string, string[], string, number]> = [
    ['IPv4 in range', ['203.0.113.0/24'], '203.0.113.7', 200],
    ['IPv4 outside range', ['203.0.113.0/24'], '198.51.100.7', 404],
    ['IPv6 in range', ['2001:db8::/32'], '2001:DB8:0:0::1', 200],
    ['IPv6 outside range', ['2001:db8::/32'], '2001:db9::1', 404],
    ['IPv4-mapped IPv6 matches the IPv4 rule', ['203.0.113.0/24'], '::ffff:203.0.113.7', 200],
    ['the right-most X-Forwarded-For hop counts, not a forged left part', ['203.0.113.0/24'], '203.0.113.7, 198.51.100.1', 404],
    ['right-most hop allowed behind a forged left part', ['203.0.113.0/24'], '198.51.100.1, 203.0.113.7', 200],
    ['garbage header fails closed', ['203.0.113.0/24'], 'unknown', 404],
  ];
  for (const [name, allowedIps, forwarded, status] of cases) {
    it(name, async () => {
      const { path } = await h.link({ allowedIps });
      const reply = await new Visitor(h.base, { 'x-forwarded-for': forwarded }).get(path);
      expect(reply.status).toBe(status);
    });
  }

  it('a missing header fails closed', async () => {
    const { path } = await h.link({ allowedIps: ['203.0.113.0/24'] });
    expect((await new Visitor(h.base).get(path)).status).toBe(404);
  });

  it('uses the header named in site settings', async () => {
    const { path } = await h.link({ allowedIps: ['203.0.113.0/24'] });
    await h.store.configs.putSite({ ...defaultSiteSettings(h.clock.now), clientIpHeader: 'x-real-client', version: 1 }, 0);
    expect((await new Visitor(h.base, { 'x-forwarded-for': '203.0.113.7' }).get(path)).status).toBe(404);
    expect((await new Visitor(h.base, { 'x-real-client': '203.0.113.7' }).get(path)).status).toBe(200);
  });

  it('a narrowed allow-list applies to an existing session at once', async () => {
    const { path, link } = await h.link({ allowedIps: ['203.0.113.0/24'] });
    const v = new Visitor(h.base, { 'x-forwarded-for': '203.0.113.7' });
    expect((await v.get(path)).status).toBe(200);
    await h.patchLink(link.id, { allowedIps: ['198.51.100.0/24'] });
    expect((await v.get(path)).status).toBe(404);
  });
});

describe('password throttling per client IP', () => {
  it('locks an IP out after 5 failures (even the right password), other IPs still work, and the lock survives a restart', async () => {
    const { path } = await h.link({ password: PASSWORD });
    const attacker = new Visitor(h.base, { 'x-forwarded-for': '203.0.113.9' });
    for (let i = 0; i < CLIENT_FREE_FAILURES; i += 1) {
      expect((await tryPassword(attacker, path, `wrong-${i}-password`)).status).toBe(401);
    }
    const locked = await tryPassword(attacker, path, PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('Too many attempts');

    await h.restart();
    const stillLocked = await tryPassword(attacker, path, PASSWORD);
    expect(stillLocked.status).toBe(429);

    const other = new Visitor(h.base, { 'x-forwarded-for': '198.51.100.20' });
    expect((await tryPassword(other, path, PASSWORD)).status).toBe(303);

    // The lock ends: the attacker's IP may try again.
    h.clock.now += FIRST_LOCK_MS;
    expect((await tryPassword(attacker, path, PASSWORD)).status).toBe(303);
  });


  it(`never locks the whole link: after ${LINK_ATTACK_FAILURES} failures from many IPs a new IP with the right password gets in`, async () => {
    const { path } = await h.link({ password: PASSWORD });
    for (let i = 0; i < LINK_ATTACK_FAILURES; i += 1) {
      const v = new Visitor(h.base, { 'x-forwarded-for': `198.51.${100 + Math.floor(i / 250)}.${(i % 250) + 1}` });
      expect((await tryPassword(v, path, 'wrong password')).status).toBe(401);
    }
    const fresh = new Visitor(h.base, { 'x-forwarded-for': '192.0.2.77' });
    expect((await tryPassword(fresh, path, PASSWORD)).status).toBe(303);
  });
});
