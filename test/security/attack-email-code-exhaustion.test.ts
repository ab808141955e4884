/**
 * Issue 11, item 4: "The email-code gate can be shut by anyone holding the URL". 51 code requests for
 * random unlisted addresses used to exhaust the link's send cap, so listed recipients got no code for an
 * hour; and a code request for a victim's address voided the victim's valid code. Real HTTP through the
 * share handler behind a forwarding proxy, so each visitor has its own address.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR,
  SENDS_PER_ADDRESS_PER_HOUR,
  SENDS_PER_CLIENT_PER_HOUR,
  SENDS_PER_LINK_PER_HOUR,
} from '../../src/app/view/email-code';
import { startHarness, type Harness } from '../web/support/share-harness';
import { formWith, Visitor, type VisitorResponse } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ edge: 'forwarding-proxy' });
});
afterEach(async () => {
  await h.close();
});

const SELECTED = ['ann@partner.example', '@trusted.example'];
const VICTIM = 'ann@partner.example';

const from = (ip: string): Visitor => new Visitor(h.base, { 'x-forwarded-for': ip });
const address = (i: number): string => `198.51.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`;

/** A browser on the email gate: `ask` posts the send form again and again from the same session. */
const onGate = async (v: Visitor, path: string) => {
  const gate = await v.get(path);
  const form = formWith(gate.text, 'email');
  return {
    ask: (email: string): Promise<VisitorResponse> => v.postForm(form.action, { ...form.fields, email }),
    verify: (email: string, code: string): Promise<VisitorResponse> =>
      v.postForm(form.action.replace('/email/send', '/email/verify'), { ...form.fields, email, code }),
  };
};

const mailsTo = (email: string) => h.mail.filter((m) => m.to.includes(email));
const codeIn = (text: string): string => {
  const code = /\b(\d{6})\b/.exec(text)?.[1];
  if (!code) throw new Error('no code in mail');
  return code;
};

/** The recipient asks for a code from their own address, gets exactly one mail, and opens the page with it. */
const recipientGetsIn = async (path: string, email = VICTIM, ip = '192.0.2.200'): Promise<void> => {
  const before = mailsTo(email).length;
  const v = from(ip);
  const gate = await onGate(v, path);
  expect((await gate.ask(email)).status).toBe(200);
  expect(mailsTo(email)).toHaveLength(before + 1);
  const reply = await gate.verify(email, codeIn(mailsTo(email).at(-1)!.text));
  expect(reply.status).toBe(303);
  expect((await v.follow(reply)).text).toContain('Service levels');
};

const random = (i: number): string => `x${i}-${Math.random().toString(36).slice(2, 8)}@random-${i}.example`;

describe('attack: email-code gate exhaustion', () => {
  it('51 code requests for random unlisted addresses (one address), then the listed recipient still gets a code', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const attacker = await onGate(from('203.0.113.66'), path);
    for (let i = 0; i < 51; i += 1) expect((await attacker.ask(random(i))).status).toBe(200);
    expect(h.mail).toHaveLength(0);
    await recipientGetsIn(path);
  });

  it(`${SENDS_PER_LINK_PER_HOUR + 60} unlisted requests from as many addresses never touch the listed recipients' budget`, async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    for (let i = 0; i < SENDS_PER_LINK_PER_HOUR + 60; i += 1) {
      const attacker = await onGate(from(address(i)), path);
      expect((await attacker.ask(random(i))).status).toBe(200);
    }
    expect(h.mail).toHaveLength(0);
    await recipientGetsIn(path);
    await recipientGetsIn(path, 'bob@trusted.example', '192.0.2.201');
  });

  it('a code request for the victim\'s address from another browser does not void the victim\'s code', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const victimBrowser = from('192.0.2.10');
    const victim = await onGate(victimBrowser, path);
    await victim.ask(VICTIM);
    const victimCode = codeIn(mailsTo(VICTIM)[0]!.text);
    // The attacker asks for codes for the victim's address, from its own browser, several times.
    const attacker = await onGate(from('203.0.113.66'), path);
    for (let i = 0; i < 3; i += 1) expect((await attacker.ask(VICTIM)).status).toBe(200);
    expect(mailsTo(VICTIM)).toHaveLength(4);
    // The attacker cannot use the codes it caused (they are bound to the session that asked for them)...
    const attackerCode = codeIn(mailsTo(VICTIM).at(-1)!.text);
    const victimSessionCodeInAttacker = await attacker.verify(VICTIM, victimCode);
    expect(victimSessionCodeInAttacker.status).toBe(401);
    // ...and the victim's own code still opens the page.
    const reply = await victim.verify(VICTIM, victimCode);
    expect(reply.status).toBe(303);
    expect((await victimBrowser.follow(reply)).text).toContain('Service levels');
    // The attacker's browser holds the latest code it asked for; only the mailbox owner knows it.
    expect(attackerCode).toMatch(/^\d{6}$/);
  });

  it('several browsers of the recipient each hold a live code; a resend in one browser replaces only that browser\'s code', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const laptop = await onGate(from('192.0.2.11'), path);
    const phone = await onGate(from('192.0.2.12'), path);
    await laptop.ask(VICTIM);
    const laptopFirst = codeIn(mailsTo(VICTIM)[0]!.text);
    await phone.ask(VICTIM);
    const phoneCode = codeIn(mailsTo(VICTIM)[1]!.text);
    await laptop.ask(VICTIM);
    const laptopSecond = codeIn(mailsTo(VICTIM)[2]!.text);
    if (laptopFirst !== laptopSecond) expect((await laptop.verify(VICTIM, laptopFirst)).status).toBe(401);
    expect((await phone.verify(VICTIM, phoneCode)).status).toBe(303);
    expect((await laptop.verify(VICTIM, laptopSecond)).status).toBe(303);
  });

  it(`per-client cap: one address spraying listed domain addresses sends at most ${SENDS_PER_CLIENT_PER_HOUR}; others are unaffected`, async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const sprayer = await onGate(from('203.0.113.77'), path);
    const replies = new Set<number>();
    for (let i = 0; i < SENDS_PER_CLIENT_PER_HOUR + 15; i += 1) replies.add((await sprayer.ask(`user${i}@trusted.example`)).status);
    expect([...replies]).toEqual([200]);
    expect(h.mail).toHaveLength(SENDS_PER_CLIENT_PER_HOUR);
    await recipientGetsIn(path);
  });

  it('per-address caps: one client gets a few codes for an address, all clients together a bounded number', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const clients = Math.ceil(SENDS_PER_ADDRESS_PER_HOUR / SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR) + 2;
    for (let c = 0; c < clients; c += 1) {
      const client = await onGate(from(address(c)), path);
      for (let i = 0; i < SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR + 3; i += 1) await client.ask('carl@trusted.example');
      expect(mailsTo('carl@trusted.example').length).toBeLessThanOrEqual((c + 1) * SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR);
    }
    expect(mailsTo('carl@trusted.example')).toHaveLength(SENDS_PER_ADDRESS_PER_HOUR);
    // Other recipients are not affected by the flood on one address.
    await recipientGetsIn(path);
  });

  it('once the link budget is spent on repeats, every listed address still gets its first code of the hour', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    // Repeats to a few domain addresses from many clients use up the link's budget.
    let client = 0;
    for (let target = 0; h.mail.length < SENDS_PER_LINK_PER_HOUR; target += 1) {
      for (let c = 0; c < SENDS_PER_ADDRESS_PER_HOUR / SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR; c += 1) {
        const gate = await onGate(from(address(client++)), path);
        for (let i = 0; i < SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR; i += 1) await gate.ask(`t${target}@trusted.example`);
      }
    }
    expect(h.mail).toHaveLength(SENDS_PER_LINK_PER_HOUR);
    // A further repeat is refused by the link budget (same reply, no mail)...
    const repeat = await onGate(from('203.0.113.99'), path);
    expect((await repeat.ask('t0@trusted.example')).status).toBe(200);
    expect(h.mail).toHaveLength(SENDS_PER_LINK_PER_HOUR);
    // ...but a recipient's first code of the hour goes out.
    await recipientGetsIn(path);
  });

  it('the reply is the same for listed, unlisted and capped requests', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const v = await onGate(from('192.0.2.50'), path);
    const normalize = (r: VisitorResponse, email: string) =>
      `${r.status}|${r.text.replaceAll(email, 'EMAIL').replace(/value="[A-Za-z0-9_.-]{20,}"/g, 'value="X"')}`;
    const listed = normalize(await v.ask(VICTIM), VICTIM);
    const unlisted = normalize(await v.ask('eve@evil.example'), 'eve@evil.example');
    for (let i = 0; i < SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR; i += 1) await v.ask(VICTIM);
    const capped = normalize(await v.ask(VICTIM), VICTIM);
    expect(unlisted).toBe(listed);
    expect(capped).toBe(listed);
  });
});
