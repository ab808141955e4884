/**
 * Attack catalogue §3 M (email one-time codes) through real HTTP on the local server; codes are read
 * from the local outbox exactly as a recipient would read their email.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/local-server';
import { formsOf, Visitor, type VisitorResponse } from '../support/visitor';

let server: TestServer;
let clockOffset = 0;
const CONTENT = 'Welcome to the';

beforeAll(async () => {
  server = await startTestServer({ clock: { now: () => Date.now() + clockOffset } });
});
afterAll(async () => {
  await server?.stop();
});

const selectedLink = async (selectedUsers: string[] = ['@partner.example', 'bob@example.com']): Promise<string> => {
  const created = await server.call('createLink', { pageId: '1001', settings: { name: 'otp', selectedUsers } }, 'u-editor');
  return new URL(created.url).pathname;
};

const formWith = (html: string, suffix: string) => {
  const form = formsOf(html).find((f) => f.action.endsWith(suffix));
  if (!form) throw new Error(`no form ending in ${suffix}`);
  return form;
};

const requestCode = async (v: Visitor, path: string, email: string): Promise<VisitorResponse> => {
  const gate = await v.get(path);
  const form = formWith(gate.text, '/email/send');
  return v.postForm(form.action, { ...form.fields, email });
};

const mailsTo = async (email: string): Promise<string[]> => {
  const entries = (await server.app.outbox.list()).filter((e) => e.to.includes(email));
  return entries.map((e) => e.id);
};

const latestCode = async (email: string): Promise<string> => {
  const [id] = await mailsTo(email);
  const message = id ? await server.app.outbox.read(id) : undefined;
  const code = /\b(\d{6})\b/.exec(message?.text ?? '')?.[1];
  if (!code) throw new Error(`no code mailed to ${email}`);
  return code;
};

const submitCode = async (v: Visitor, page: VisitorResponse, email: string, code: string): Promise<VisitorResponse> => {
  const form = formWith(page.text, '/email/verify');
  return v.postForm(form.action, { ...form.fields, email, code });
};

describe('M: email one-time codes', () => {
  it('M1: allowed and non-allowed addresses get the same status and page; only the allowed one gets mail', async () => {
    const path = await selectedLink();
    const allowed = await requestCode(new Visitor(server.url), path, 'ann@partner.example');
    const denied = await requestCode(new Visitor(server.url), path, 'eve@evil.example');
    expect(denied.status).toBe(allowed.status);
    const normalize = (r: VisitorResponse, email: string) =>
      r.text.replaceAll(email, 'EMAIL').replace(/value="[A-Za-z0-9_.-]{20,}"/g, 'value="X"');
    expect(normalize(denied, 'eve@evil.example')).toBe(normalize(allowed, 'ann@partner.example'));
    expect(await mailsTo('ann@partner.example')).toHaveLength(1);
    expect(await mailsTo('eve@evil.example')).toHaveLength(0);
  });

  it.each([
    'victim@example.com\r\nBcc: x@evil.io',
    'a@partner.example, x@evil.io',
    '"a@partner.example"@evil.io',
    'a@partner.example@evil.io',
    'a@partner.example;x@evil.io',
  ])('M2: %j is rejected as invalid and nothing is sent', async (email) => {
    const path = await selectedLink();
    const before = (await server.app.outbox.list()).length;
    const response = await requestCode(new Visitor(server.url), path, email);
    expect(response.status).toBe(400);
    expect((await server.app.outbox.list()).length).toBe(before);
  });

  it('M3: allow-list @example.com admits a@EXAMPLE.COM only; subdomain, suffix trick, look-alike and homoglyph get no mail', async () => {
    const path = await selectedLink(['@example.com']);
    for (const email of ['a@sub.example.com', 'a@example.com.evil.io', 'a@evil-example.com', 'a@exаmple.com', 'a@example.co']) {
      await requestCode(new Visitor(server.url), path, email);
      expect(await mailsTo(email.toLowerCase()), email).toHaveLength(0);
    }
    await requestCode(new Visitor(server.url), path, 'A@EXAMPLE.COM');
    expect(await mailsTo('a@example.com')).toHaveLength(1);
  });

  it('M3: with subdomains enabled (@*.example.com) a subdomain gets mail; the tricks still do not', async () => {
    const path = await selectedLink(['@example.com', '@*.example.com']);
    for (const email of ['m3@example.com.evil.io', 'm3@evil-example.com', 'm3@sub.exаmple.com', 'm3@sub.evil-example.com']) {
      await requestCode(new Visitor(server.url), path, email);
      expect(await mailsTo(email.toLowerCase()), email).toHaveLength(0);
    }
    await requestCode(new Visitor(server.url), path, 'M3@Sub.Example.COM');
    expect(await mailsTo('m3@sub.example.com')).toHaveLength(1);
    await requestCode(new Visitor(server.url), path, 'm3@example.com');
    expect(await mailsTo('m3@example.com')).toHaveLength(1);
  });

  it('M4: malformed codes (5 or 7 digits, letters, full-width digits) never open the page', async () => {
    const path = await selectedLink();
    const v = new Visitor(server.url);
    const sent = await requestCode(v, path, 'm4@partner.example');
    const code = await latestCode('m4@partner.example');
    const fullWidth = code.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    for (const bad of ['12345', '1234567', '12a456', fullWidth]) {
      const response = await submitCode(v, sent, 'm4@partner.example', bad);
      expect(response.status, bad).toBeGreaterThanOrEqual(400);
      expect(response.text).not.toContain(CONTENT);
    }
    // Malformed input did not use up the code: the real one still works.
    const ok = await submitCode(v, sent, 'm4@partner.example', code);
    expect(ok.status).toBe(303);
    expect((await v.follow(ok.location ?? path)).text).toContain(CONTENT);
  });

  it('M5: after 5 wrong codes the code is invalidated (the right one no longer works)', async () => {
    const path = await selectedLink();
    const v = new Visitor(server.url);
    const sent = await requestCode(v, path, 'm5@partner.example');
    const code = await latestCode('m5@partner.example');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1) expect((await submitCode(v, sent, 'm5@partner.example', wrong)).status).toBeGreaterThanOrEqual(400);
    const late = await submitCode(v, sent, 'm5@partner.example', code);
    expect(late.status).toBeGreaterThanOrEqual(400);
    expect(late.text).not.toContain(CONTENT);
  });

  it('M6: a code works once; a second browser replaying it is refused', async () => {
    const path = await selectedLink();
    const v = new Visitor(server.url);
    const sent = await requestCode(v, path, 'm6@partner.example');
    const code = await latestCode('m6@partner.example');
    expect((await submitCode(v, sent, 'm6@partner.example', code)).status).toBe(303);
    const other = new Visitor(server.url);
    const page = await requestCode(other, path, 'm6-other@partner.example');
    const replay = await submitCode(other, page, 'm6@partner.example', code);
    expect(replay.status).toBeGreaterThanOrEqual(400);
  });

  it('M7: a code older than 10 minutes is rejected', async () => {
    const path = await selectedLink();
    const v = new Visitor(server.url);
    const sent = await requestCode(v, path, 'm7@partner.example');
    const code = await latestCode('m7@partner.example');
    clockOffset += 10 * 60_000 + 1;
    try {
      const response = await submitCode(v, sent, 'm7@partner.example', code);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.text).not.toContain(CONTENT);
    } finally {
      clockOffset -= 10 * 60_000 + 1;
    }
  });

  it('M9: after a resend the old code no longer works', async () => {
    const path = await selectedLink();
    const v = new Visitor(server.url);
    const first = await requestCode(v, path, 'm9@partner.example');
    const oldCode = await latestCode('m9@partner.example');
    await requestCode(v, path, 'm9@partner.example');
    const newCode = await latestCode('m9@partner.example');
    if (newCode === oldCode) return; // one-in-a-million collision: nothing to prove
    const response = await submitCode(v, first, 'm9@partner.example', oldCode);
    expect(response.status).toBeGreaterThanOrEqual(400);
  });

  it('M10: a code requested in browser A and entered in browser B is refused', async () => {
    const path = await selectedLink();
    const a = new Visitor(server.url);
    await requestCode(a, path, 'm10@partner.example');
    const code = await latestCode('m10@partner.example');
    const b = new Visitor(server.url);
    const page = await requestCode(b, path, 'm10-b@partner.example');
    const response = await submitCode(b, page, 'm10@partner.example', code);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.text).not.toContain(CONTENT);
  });

  it('M8: sends per (link, email) are capped; beyond the cap the page is the same and no mail is sent', async () => {
    const path = await selectedLink();
    const v = new Visitor(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await requestCode(v, path, 'm8@partner.example')).status);
    expect(new Set(statuses).size).toBe(1);
    expect((await mailsTo('m8@partner.example')).length).toBeLessThanOrEqual(5);
  });

  it('M12: an OTP session stops working when the owner removes that email from the allow-list', async () => {
    const path = await selectedLink(['m12@partner.example', 'other@partner.example']);
    const v = new Visitor(server.url);
    const sent = await requestCode(v, path, 'm12@partner.example');
    const ok = await submitCode(v, sent, 'm12@partner.example', await latestCode('m12@partner.example'));
    expect(ok.status).toBe(303);
    expect((await v.get(path)).text).toContain(CONTENT);
    const sharing = await server.call('getPageSharing', { pageId: '1001' }, 'u-editor');
    const link = sharing.links.find((l: { selectedUsers: string[] }) => l.selectedUsers.includes('m12@partner.example'));
    if (!link) throw new Error('link not found');
    await server.call('updateLink', { linkId: link.id, version: link.version, settings: { selectedUsers: ['other@partner.example'] } }, 'u-editor');
    expect((await v.get(path)).text).not.toContain(CONTENT);
  });
});
