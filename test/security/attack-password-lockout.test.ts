/**
 * Issue 11, item 3: "Password links can be shut by one client". 52 wrong guesses from one address
 * used to lock the legitimate recipient (another address, right password) out for the rest of the
 * hour, and ~51 requests an hour kept the link shut. Per-client limits with doubling locks, a per-link
 * ceiling that only slows, and an owner alert replace the link-wide lock. Real HTTP through the share
 * handler behind a forwarding proxy (so each visitor can have its own address), bcrypt cost 4.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ATTACK_ALERT_DEBOUNCE_MS, notifyLinkUnderAttack } from '../../src/app/notifications';
import { CLIENT_FREE_FAILURES, FIRST_LOCK_MS, LINK_ATTACK_FAILURES, lockDuration, throttleClientOf } from '../../src/app/view/password-gate';
import { PASSWORD, tryPassword } from '../web/support/password-gate';
import { startHarness, type Harness } from '../web/support/share-harness';
import { Visitor } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ edge: 'forwarding-proxy' });
});
afterEach(async () => {
  await h.close();
});

const from = (ip: string): Visitor => new Visitor(h.base, { 'x-forwarded-for': ip });
/** Distinct documentation-range addresses: 198.51.100.1, …, 198.51.101.x, … */
const address = (i: number): string => `198.51.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`;

const recipientGetsIn = async (path: string, ip = '192.0.2.200'): Promise<void> => {
  const recipient = from(ip);
  const reply = await tryPassword(recipient, path, PASSWORD);
  expect(reply.status).toBe(303);
  expect((await recipient.follow(reply)).text).toContain('Service levels');
};

const attackMails = () => h.mail.filter((m) => m.subject.startsWith('Many wrong passwords'));

describe('attack: password lockout of the recipient', () => {
  it('52+ wrong guesses from one address lock only that address; the recipient on another address gets in at once', async () => {
    const { path } = await h.link({ password: PASSWORD });
    const attacker = from('203.0.113.66');
    const statuses: number[] = [];
    for (let i = 0; i < 60; i += 1) statuses.push((await tryPassword(attacker, path, `guess-${i}`)).status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(CLIENT_FREE_FAILURES);
    expect(statuses.slice(CLIENT_FREE_FAILURES).every((s) => s === 429)).toBe(true);
    await recipientGetsIn(path);
    // The attacker itself is locked even with the right password.
    expect((await tryPassword(attacker, path, PASSWORD)).status).toBe(429);
  });

  it('the attacker keeps going all hour (about 51 requests an hour): the recipient gets in every time', async () => {
    const { path } = await h.link({ password: PASSWORD });
    const attacker = from('203.0.113.66');
    for (let minute = 0; minute < 60; minute += 1) {
      await tryPassword(attacker, path, `guess-${minute}`);
      if (minute % 15 === 0) await recipientGetsIn(path, `192.0.2.${minute + 1}`);
      h.clock.now += 60_000;
    }
    await recipientGetsIn(path);
  });

  it('locks grow: after the free tries each lock is twice as long, with one try between locks', async () => {
    const { path } = await h.link({ password: PASSWORD });
    const attacker = from('203.0.113.67');
    for (let i = 0; i < CLIENT_FREE_FAILURES; i += 1) expect((await tryPassword(attacker, path, `g${i}`)).status).toBe(401);
    for (let level = 0; level < 4; level += 1) {
      const lock = lockDuration(level);
      expect(lock).toBe(FIRST_LOCK_MS * 2 ** level);
      const locked = await tryPassword(attacker, path, 'still locked');
      expect(locked.status).toBe(429);
      expect(locked.text).toContain(`Try again in ${Math.ceil(lock / 60_000)} minute${Math.ceil(lock / 60_000) === 1 ? '' : 's'}.`);
      h.clock.now += lock - 1;
      expect((await tryPassword(attacker, path, 'a ms early')).status).toBe(429);
      h.clock.now += 1;
      expect((await tryPassword(attacker, path, 'one try')).status).toBe(401);
    }
    // A right password after a lock clears the client's history.
    h.clock.now += lockDuration(4);
    expect((await tryPassword(attacker, path, PASSWORD)).status).toBe(303);
    const again = from('203.0.113.67');
    for (let i = 0; i < CLIENT_FREE_FAILURES; i += 1) expect((await tryPassword(again, path, `g${i}`)).status).toBe(401);
  });

  it('no single client can reach the per-link ceiling within an hour', async () => {
    const { path } = await h.link({ password: PASSWORD });
    const attacker = from('203.0.113.68');
    let failures = 0;
    for (let minute = 0; minute < 60; minute += 1) {
      for (let i = 0; i < 10; i += 1) {
        const status = (await tryPassword(attacker, path, `m${minute}-${i}`)).status;
        if (status === 401) failures += 1;
        else break;
      }
      h.clock.now += 60_000;
    }
    expect(failures).toBeLessThanOrEqual(CLIENT_FREE_FAILURES + 6);
    expect(failures * 5).toBeLessThan(LINK_ATTACK_FAILURES);
    expect(attackMails()).toHaveLength(0);
  });

  it(`many addresses: past ${LINK_ATTACK_FAILURES} failures an hour new addresses get one try, the owner is alerted once, the recipient still gets in`, async () => {
    const { path, link } = await h.link({ password: PASSWORD });
    for (let i = 0; i < LINK_ATTACK_FAILURES; i += 1) expect((await tryPassword(from(address(i)), path, `spread-${i}`)).status).toBe(401);
    // The ceiling slows a spread attack: a new address gets one try instead of five.
    const late = from('203.0.113.90');
    expect((await tryPassword(late, path, 'first')).status).toBe(401);
    expect((await tryPassword(late, path, 'second')).status).toBe(429);
    // ...but never shuts the link: the recipient's first try from a new address opens it.
    await recipientGetsIn(path);
    // One alert to the link's creator, through the mailer and the audit log, however long the guessing goes on.
    for (let i = 0; i < 20; i += 1) await tryPassword(from(address(LINK_ATTACK_FAILURES + i)), path, 'more');
    expect(attackMails()).toHaveLength(1);
    expect(attackMails()[0]!.to).toEqual(['erin.editor@acme.example']);
    expect(attackMails()[0]!.text).toContain(link.pageTitle);
    const audit = await h.store.audit.list({ linkId: link.id }, { limit: 100 });
    expect(audit.items.filter((e) => e.detail.startsWith('password: sustained guessing'))).toHaveLength(1);
    expect(audit.items.filter((e) => e.action === 'notification_sent' && e.detail.includes('under attack'))).toHaveLength(1);
    // Once the hour ends and the spread stops, new addresses get five tries again.
    h.clock.now += 60 * 60 * 1000;
    const next = from('203.0.113.91');
    for (let i = 0; i < CLIENT_FREE_FAILURES; i += 1) expect((await tryPassword(next, path, `n${i}`)).status).toBe(401);
  });

  it('a concurrent burst from one address gets exactly the free tries evaluated; other addresses are unaffected', async () => {
    const { path } = await h.link({ password: PASSWORD });
    const attacker = from('203.0.113.70');
    const gate = await attacker.get(path);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => attacker.submit(gate.text, 'password', { password: `burst-${i}` })));
    expect(results.filter((r) => r.status === 401)).toHaveLength(CLIENT_FREE_FAILURES);
    expect(results.filter((r) => r.status === 429)).toHaveLength(20 - CLIENT_FREE_FAILURES);
    expect((await attacker.submit(gate.text, 'password', { password: PASSWORD })).status).toBe(429);
    await recipientGetsIn(path);
  });

  it('an IPv6 attacker cannot rotate through its /64 to get more tries', async () => {
    expect(throttleClientOf('2001:db8:1:2::1')).toBe(throttleClientOf('2001:db8:1:2:ffff::9'));
    expect(throttleClientOf('2001:db8:1:2::1')).not.toBe(throttleClientOf('2001:db8:1:3::1'));
    expect(throttleClientOf('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(throttleClientOf(null)).toBe('unknown');
    const { path } = await h.link({ password: PASSWORD });
    for (let i = 0; i < CLIENT_FREE_FAILURES; i += 1) expect((await tryPassword(from(`2001:db8:1:2::${i + 1}`), path, `v6-${i}`)).status).toBe(401);
    expect((await tryPassword(from('2001:db8:1:2::99'), path, PASSWORD)).status).toBe(429);
    await recipientGetsIn(path, '2001:db8:9:9::1');
  });
});

describe('attack alert to the link owner', () => {
  it('is audited even when the creator has no known address, and sent at most once a day', async () => {
    const { link } = await h.link({ password: PASSWORD });
    const orphan = { ...link, createdBy: 'u-unknown-account' };
    expect(await notifyLinkUnderAttack(h.deps, orphan, LINK_ATTACK_FAILURES)).toBe(false);
    expect(await notifyLinkUnderAttack(h.deps, link, LINK_ATTACK_FAILURES + 1)).toBe(false);
    const audit = await h.store.audit.list({ linkId: link.id }, { limit: 10 });
    expect(audit.items.filter((e) => e.detail.startsWith('password: sustained guessing'))).toHaveLength(1);
    expect(attackMails()).toHaveLength(0);
    h.clock.now += ATTACK_ALERT_DEBOUNCE_MS;
    expect(await notifyLinkUnderAttack(h.deps, link, LINK_ATTACK_FAILURES)).toBe(true);
    expect(attackMails()).toHaveLength(1);
  });

  it('a failing mail provider neither breaks the visitor\'s answer nor turns every further guess into a send', async () => {
    const { link } = await h.link({ password: PASSWORD });
    let sends = 0;
    h.deps.mailer = {
      send: async () => {
        sends += 1;
        throw new Error('provider down');
      },
    };
    expect(await notifyLinkUnderAttack(h.deps, link, LINK_ATTACK_FAILURES)).toBe(false);
    expect(await notifyLinkUnderAttack(h.deps, link, LINK_ATTACK_FAILURES + 1)).toBe(false);
    expect(sends).toBe(1);
  });
});
