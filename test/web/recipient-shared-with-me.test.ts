/**
 * "Pages shared with me" over real HTTP: one code proves the address, then the active links whose
 * selected users name it exactly are listed with their URLs; domain entries, other people's links,
 * open links and disabled links are not. The send reply is the same for every address.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ME_VERIFY_ATTEMPTS } from '../../src/web/shared-with-me';
import { startHarness, type Harness } from './support/share-harness';
import { formByAction, linksOf, Visitor, type VisitorResponse } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const sameOrigin = () => ({ 'sec-fetch-site': 'same-origin', origin: new URL(h.base).origin });
const home = () => `${h.base}/shared-with-me`;

const codeFor = (to: string): string => {
  const message = [...h.mail].reverse().find((m) => m.to.includes(to));
  const code = message?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code mailed to ${to}`);
  return code;
};

const askCode = async (v: Visitor, email: string): Promise<VisitorResponse> => {
  const ask = await v.get(home());
  expect(ask.status).toBe(200);
  const form = formByAction(ask.text, '/shared-with-me/send');
  return v.postForm(form.action, { ...form.fields, email }, sameOrigin());
};

const signIn = async (v: Visitor, email: string): Promise<VisitorResponse> => {
  const sent = await askCode(v, email);
  const form = formByAction(sent.text, '/shared-with-me/verify');
  const reply = await v.postForm(form.action, { ...form.fields, code: codeFor(email) }, sameOrigin());
  expect(reply.status).toBe(303);
  expect(reply.location).toBe(home());
  return v.follow(reply);
};

describe('recipient: pages shared with me', () => {
  it('lists the active links naming the address exactly, with their URLs, and nothing else', async () => {
    const mine = await h.link({ name: 'Mine', selectedUsers: ['Ann@Partner.example', 'bo@partner.example'] }, '1002');
    const domainOnly = await h.link({ name: 'Domain', selectedUsers: ['@partner.example'] }, '1001');
    const someoneElse = await h.link({ name: 'Bo only', selectedUsers: ['bo@partner.example'] }, '1001');
    const open = await h.link({ name: 'Open' }, '1001');
    const disabled = await h.link({ name: 'Off', selectedUsers: ['ann@partner.example'] }, '1001');
    await h.patchLink(disabled.link.id, { status: 'disabled' });

    const v = new Visitor(h.base);
    const list = await signIn(v, 'ann@partner.example');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Pages shared with you');
    expect(list.text).toContain('1 page is shared with you.');
    const hrefs = linksOf(list.text).map((l) => l.href);
    expect(hrefs).toContain(mine.url);
    for (const other of [domainOnly, someoneElse, open, disabled]) expect(hrefs).not.toContain(other.url);
    expect(linksOf(list.text).find((l) => l.href === mine.url)?.text).toBe('Getting started');

    // The listed URL opens the link (its own gate still applies).
    const opened = await new Visitor(h.base).get(mine.url);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('Verify your email');
    // The email gate points to this page.
    expect(linksOf(opened.text).find((l) => l.text === 'See all pages shared with you')?.href).toBe(home());

    // Leave ends the proof in this browser.
    const leave = formByAction(list.text, '/shared-with-me/leave');
    const left = await v.follow(await v.postForm(leave.action, leave.fields, sameOrigin()));
    expect(left.text).toContain('Enter your email address');
  });

  it('replies the same whether or not anything is shared with the address', async () => {
    await h.link({ selectedUsers: ['ann@partner.example'] });
    const normalize = (r: VisitorResponse) =>
      r.text.replace(/value="[^"]*"/g, '').replace(/sent to [^<]*/g, '');
    const a = await askCode(new Visitor(h.base), 'ann@partner.example');
    const b = await askCode(new Visitor(h.base), 'nobody@else.example');
    expect(a.status).toBe(b.status);
    expect(normalize(a)).toBe(normalize(b));
    const empty = await signIn(new Visitor(h.base), 'nobody@else.example');
    expect(empty.text).toContain('No page is shared with this address right now');
  });

  it('refuses a wrong code, then every code after too many; refuses forms without the token', async () => {
    const v = new Visitor(h.base);
    const sent = await askCode(v, 'ann@partner.example');
    const form = formByAction(sent.text, '/shared-with-me/verify');
    const code = codeFor('ann@partner.example');
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < ME_VERIFY_ATTEMPTS - 1; i += 1) {
      expect((await v.postForm(form.action, { ...form.fields, code: wrong }, sameOrigin())).status).toBe(401);
    }
    expect((await v.postForm(form.action, { ...form.fields, code: wrong }, sameOrigin())).status).toBe(429);
    expect((await v.postForm(form.action, { ...form.fields, code }, sameOrigin())).status).toBe(401);

    const noToken = await v.postForm(form.action, { email: 'ann@partner.example', code }, sameOrigin());
    expect(noToken.status).toBe(403);
    const crossSite = await v.postForm(form.action, { ...form.fields, code }, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    // A code asked for in one browser does not work in another.
    const other = new Visitor(h.base);
    const otherAsk = formByAction((await other.get(home())).text, '/shared-with-me/send');
    expect((await other.postForm(`${home()}/verify`, { ...otherAsk.fields, email: 'ann@partner.example', code }, sameOrigin())).status).toBe(401);
  });

  it('a forged or expired cookie shows the address form', async () => {
    const v = new Visitor(h.base);
    await signIn(v, 'ann@partner.example');
    h.clock.now += 12 * 60 * 60 * 1000 + 1;
    expect((await v.get(home())).text).toContain('Enter your email address');
    const forged = await new Visitor(h.base).get(home(), { cookie: 'ss_me=eyJzaWQiOiJ4IiwiZW1haWwiOiJhbm5AcGFydG5lci5leGFtcGxlIiwiZXhwIjo5OTk5OTk5OTk5OTk5fQ.AAAA' });
    expect(forged.text).toContain('Enter your email address');
    expect((await new Visitor(h.base).get(`${home()}/elsewhere`)).status).toBe(404);
  });
});
