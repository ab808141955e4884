import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_VERIFY_ATTEMPTS, SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR } from '../../src/app/view/email-code';
import { startHarness, type Harness } from './support/share-harness';
import { formByAction, formsOf, formWith, Visitor, type VisitorResponse } from '../support/visitor';
import { codeCrypto } from '../../src/web/gates';
import { sendCode, verifyCode } from '../../src/app/view/email-code';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const SELECTED = ['ann@partner.example', '@trusted.example'];

const codeFrom = (h: Harness, to: string): string => {
  const message = [...h.mail].reverse().find((m) => m.to.includes(to));
  const code = message?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code mailed to ${to}`);
  return code;
};

const askCode = async (v: Visitor, path: string, email: string): Promise<VisitorResponse> => {
  const gate = await v.get(path);
  expect(gate.text).toContain('Verify your email');
  return v.submit(gate.text, 'email', { email });
};

describe('selected users: email one-time code', () => {
  it('replies identically whether or not the address is allowed; only the allowed one gets mail', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const strip = (r: VisitorResponse) => r.text.replace(/value="[^"]*@[^"]*"/g, '').replace(/sent to [^<]*/g, '');
    const allowedVisitor = new Visitor(h.base);
    const strangerVisitor = new Visitor(h.base);
    const allowed = await askCode(allowedVisitor, path, 'ann@partner.example');
    const stranger = await askCode(strangerVisitor, path, 'eve@evil.example');
    expect(allowed.status).toBe(stranger.status);
    expect(allowed.text).toContain('If this address may open the page');
    // Same page apart from the echoed address and the per-session hidden fields.
    const normalize = (r: VisitorResponse) => strip(r).replace(/name="(csrf|t)" value="[^"]*"/g, '');
    expect(normalize(allowed)).toBe(normalize(stranger));
    expect(h.mail.map((m) => m.to[0])).toEqual(['ann@partner.example']);
    expect(h.mail[0]!.html).toContain(codeFrom(h, 'ann@partner.example'));
  });

  it('the right code opens the page; a domain entry admits its addresses', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const v = new Visitor(h.base);
    const sent = await askCode(v, path, 'Bob@Trusted.Example');
    const reply = await v.submit(sent.text, 'code', { code: codeFrom(h, 'bob@trusted.example') });
    expect(reply.status).toBe(303);
    const page = await v.follow(reply);
    expect(page.text).toContain('Service levels');
  });

  it('a wrong code is refused; malformed codes do not consume attempts', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const v = new Visitor(h.base);
    const sent = await askCode(v, path, 'ann@partner.example');
    const code = codeFrom(h, 'ann@partner.example');
    const wrong = code === '000000' ? '000001' : '000000';
    const bad = await v.submit(sent.text, 'code', { code: wrong });
    expect(bad.status).toBe(401);
    expect(bad.text).toContain('wrong or has expired');
    for (const malformed of ['12345', '1234567', '12a456', '１２３４５６']) {
      expect((await v.submit(sent.text, 'code', { code: malformed })).status).toBe(400);
    }
    const ok = await v.submit(sent.text, 'code', { code });
    expect(ok.status).toBe(303);
  });

  it('a code cannot be used twice (single use through take)', async () => {
    const { link } = await h.link({ selectedUsers: SELECTED });
    const crypto = codeCrypto(Buffer.alloc(32, 7));
    let code = '';
    await sendCode(h.deps, crypto, {
      link,
      email: 'ann@partner.example',
      allowed: true,
      sessionId: 'S'.repeat(22),
      clientKey: 'client',
      purpose: 'open',
      message: (c) => {
        code = c;
        return { subject: 's', text: c, html: c };
      },
    });
    const input = { link, email: 'ann@partner.example', code, sessionId: 'S'.repeat(22) };
    const [first, second] = await Promise.all([verifyCode(h.deps, crypto, input), verifyCode(h.deps, crypto, input)]);
    expect([first.kind, second.kind].sort()).toEqual(['verified', 'wrong']);
    expect((await verifyCode(h.deps, crypto, input)).kind).toBe('wrong');
  });

  it('expires after 10 minutes', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const v = new Visitor(h.base);
    const sent = await askCode(v, path, 'ann@partner.example');
    h.clock.now += 10 * 60 * 1000;
    const reply = await v.submit(sent.text, 'code', { code: codeFrom(h, 'ann@partner.example') });
    expect(reply.status).toBe(401);
  });

  it(`is invalidated after ${MAX_VERIFY_ATTEMPTS} wrong attempts, even for the right code`, async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const v = new Visitor(h.base);
    const sent = await askCode(v, path, 'ann@partner.example');
    const code = codeFrom(h, 'ann@partner.example');
    const wrong = code === '999999' ? '999998' : '999999';
    for (let i = 0; i < MAX_VERIFY_ATTEMPTS - 1; i += 1) expect((await v.submit(sent.text, 'code', { code: wrong })).status).toBe(401);
    expect((await v.submit(sent.text, 'code', { code: wrong })).status).toBe(429);
    expect((await v.submit(sent.text, 'code', { code })).status).toBe(401);
  });

  it('a code requested in one browser does not work in another', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const a = new Visitor(h.base);
    await askCode(a, path, 'ann@partner.example');
    const b = new Visitor(h.base);
    const gateB = await b.get(path);
    const formB = formWith(gateB.text, 'email');
    const verifyAction = formB.action.replace('/email/send', '/email/verify');
    const reply = await b.postForm(verifyAction, { ...formB.fields, email: 'ann@partner.example', code: codeFrom(h, 'ann@partner.example') });
    expect(reply.status).toBe(401);
  });

  it('a resend replaces the previous code', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const v = new Visitor(h.base);
    const first = await askCode(v, path, 'ann@partner.example');
    const oldCode = codeFrom(h, 'ann@partner.example');
    const resend = formByAction(first.text, '/email/send');
    const second = await v.postForm(resend.action, resend.fields);
    const newCode = codeFrom(h, 'ann@partner.example');
    expect(h.mail).toHaveLength(2);
    if (oldCode !== newCode) expect((await v.submit(second.text, 'code', { code: oldCode })).status).toBe(401);
    expect((await v.submit(second.text, 'code', { code: newCode })).status).toBe(303);
  });

  it(`caps sends per address from one client (${SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR}/hour) with the same reply`, async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const v = new Visitor(h.base);
    for (let i = 0; i < SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR + 2; i += 1) {
      const reply = await askCode(v, path, 'ann@partner.example');
      expect(reply.status).toBe(200);
      expect(reply.text).toContain('If this address may open the page');
    }
    expect(h.mail).toHaveLength(SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR);
  });

  it('rejects header-injection and malformed addresses without sending', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const v = new Visitor(h.base);
    for (const email of ['ann@partner.example\r\nBcc: x@evil.io', 'ann@partner.example, x@evil.io', '"ann@partner.example"@evil.io', 'a@b@c.example', 'nobody']) {
      const reply = await askCode(v, path, email);
      expect(reply.status).toBe(400);
    }
    expect(h.mail).toHaveLength(0);
  });

  it('a verified session is refused once the address is removed from the list: the page is gone and the gate asks again', async () => {
    const { path, link } = await h.link({ selectedUsers: SELECTED });
    const v = new Visitor(h.base);
    const sent = await askCode(v, path, 'ann@partner.example');
    await v.follow(await v.submit(sent.text, 'code', { code: codeFrom(h, 'ann@partner.example') }));
    expect((await v.get(path)).text).toContain('Service levels');
    await h.patchLink(link.id, { selectedUsers: ['@trusted.example'] });
    const after = await v.get(path);
    expect(after.text).not.toContain('Service levels');
    // The stale identity is dropped from the session, so the visitor meets the email gate again (no 12-hour dead end).
    expect(after.status).toBe(200);
    expect(formsOf(after.text).some((form) => form.inputs.includes('email'))).toBe(true);
  });

  it('never writes the address or the code in clear to the audit log', async () => {
    const { path } = await h.link({ selectedUsers: SELECTED });
    const v = new Visitor(h.base);
    await askCode(v, path, 'ann@partner.example');
    const code = codeFrom(h, 'ann@partner.example');
    const entries = await h.store.audit.list({}, { limit: 50 });
    const dump = JSON.stringify(entries.items);
    expect(dump).not.toContain('ann@partner.example');
    expect(dump).not.toContain(code);
    expect(dump).toContain('a***@partner.example');
  });
});
