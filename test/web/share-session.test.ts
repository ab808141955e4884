import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, tryPassword } from './support/password-gate';
import { startHarness, type Harness } from './support/share-harness';
import { formWith, linksOf, Visitor } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const passGate = (v: Visitor, path: string) => tryPassword(v, path, PASSWORD);

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, scoped to the link path, with Max-Age, no Domain; local http drops __Secure-/Secure', async () => {
    const { path, link } = await h.link({ password: PASSWORD });
    const v = new Visitor(h.base);
    const reply = await passGate(v, path);
    const cookie = reply.setCookies.find((c) => c.startsWith(`ss_${link.id.slice(0, 8)}=`));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(new RegExp(`Path=${path}(;|$)`));
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).toMatch(/Max-Age=\d+/);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('a tampered cookie is no session: the gate shows again', async () => {
    const { path, link } = await h.link({ password: PASSWORD });
    const v = new Visitor(h.base);
    await v.follow(await passGate(v, path));
    const name = `ss_${link.id.slice(0, 8)}`;
    const value = v.jar.get(name)!;
    const [body, mac] = value.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, exp: (payload['exp'] as number) + 1 })).toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${body}.${mac!.slice(0, -2)}AA`, `${body}.`, body!, `${body}.${mac}.x`]) {
      const reply = await v.request('GET', path, { headers: { cookie: `${name}=${bad}` } });
      expect(reply.text).toContain('Password required');
      expect(reply.text).not.toContain('Service levels');
    }
    // The genuine cookie still works (each refused request was answered with a fresh, gate-less cookie).
    v.jar.set(name, value);
    expect((await v.get(path)).text).toContain('Service levels');
  });

  it('a duplicated cookie name is refused as ambiguous', async () => {
    const { path, link } = await h.link({ password: PASSWORD });
    const v = new Visitor(h.base);
    await v.follow(await passGate(v, path));
    const name = `ss_${link.id.slice(0, 8)}`;
    const good = v.jar.get(name)!;
    const reply = await v.request('GET', path, { headers: { cookie: `${name}=${good}; ${name}=${good}` } });
    expect(reply.text).toContain('Password required');
  });

  it('a cookie of link A does not open link B', async () => {
    const a = await h.link({ password: PASSWORD });
    const b = await h.link({ password: PASSWORD });
    const v = new Visitor(h.base);
    await v.follow(await passGate(v, a.path));
    const value = v.jar.get(`ss_${a.link.id.slice(0, 8)}`)!;
    const reply = await v.request('GET', b.path, { headers: { cookie: `ss_${b.link.id.slice(0, 8)}=${value}` } });
    expect(reply.text).toContain('Password required');
  });

  it('expires after 12 hours', async () => {
    const { path } = await h.link({ password: PASSWORD });
    const v = new Visitor(h.base);
    await v.follow(await passGate(v, path));
    h.clock.now += 12 * 60 * 60 * 1000 - 1;
    expect((await v.get(path)).text).toContain('Service levels');
    h.clock.now += 1;
    expect((await v.get(path)).text).toContain('Password required');
  });

  it('without cookies, the signed ticket carries the session in links and forms', async () => {
    const { path } = await h.link({ password: PASSWORD, includeChildren: true });
    const v = new Visitor(h.base);
    const gate = await v.request('GET', path, { noCookies: true });
    const form = formWith(gate.text, 'password');
    const passed = await v.request('POST', form.action, {
      noCookies: true,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ ...form.fields, password: PASSWORD }).toString(),
    });
    expect(passed.status).toBe(303);
    expect(passed.location).toMatch(/\?t=/);
    const page = await v.request('GET', passed.location!, { noCookies: true });
    expect(page.text).toContain('Service levels');
    const child = linksOf(page.text).find((l) => l.href.includes('/p/1002'));
    expect(child?.href).toMatch(/\?t=/);
    const childPage = await v.request('GET', child!.href, { noCookies: true });
    expect(childPage.status).toBe(200);
    expect(childPage.text).toContain('Getting started');
    // After 15 minutes the ticket lapses.
    h.clock.now += 15 * 60 * 1000;
    expect((await v.request('GET', child!.href, { noCookies: true })).text).toContain('Password required');
  });

  it('logout clears the cookie', async () => {
    const { path } = await h.link({ password: PASSWORD });
    const v = new Visitor(h.base);
    const page = await v.follow(await passGate(v, path));
    const logout = linksOf(page.text).find((l) => l.href.endsWith('/logout'));
    expect(logout).toBeDefined();
    const reply = await v.get(logout!.href);
    expect(reply.setCookies.some((c) => /Max-Age=0/.test(c))).toBe(true);
    expect((await v.get(path)).text).toContain('Password required');
  });
});

describe('CSRF', () => {
  const setup = async () => {
    const { path } = await h.link({ password: PASSWORD });
    const v = new Visitor(h.base);
    const gate = await v.get(path);
    return { path, v, form: formWith(gate.text, 'password') };
  };

  it('refuses a POST without the CSRF token', async () => {
    const { v, form } = await setup();
    const { csrf: _csrf, ...rest } = form.fields;
    const reply = await v.postForm(form.action, { ...rest, password: PASSWORD });
    expect(reply.status).toBe(403);
    expect(reply.text).toContain('Request refused');
  });

  it('refuses a forged CSRF token', async () => {
    const { v, form } = await setup();
    const reply = await v.postForm(form.action, { ...form.fields, csrf: 'A'.repeat(43), password: PASSWORD });
    expect(reply.status).toBe(403);
  });

  it('refuses a cross-site POST even with a valid token', async () => {
    const { v, form } = await setup();
    const crossSite = await v.postForm(form.action, { ...form.fields, password: PASSWORD }, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const sameSite = await v.postForm(form.action, { ...form.fields, password: PASSWORD }, { 'sec-fetch-site': 'same-site' });
    expect(sameSite.status).toBe(403);
  });

  it('refuses a foreign Origin when Fetch Metadata is absent, and a request with neither', async () => {
    const { v, form } = await setup();
    const body = new URLSearchParams({ ...form.fields, password: PASSWORD }).toString();
    const foreign = await v.request('POST', form.action, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body,
    });
    expect(foreign.status).toBe(403);
    const neither = await v.request('POST', form.action, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(neither.status).toBe(403);
    const ownOrigin = await v.request('POST', form.action, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(h.base).origin },
      body,
    });
    expect(ownOrigin.status).toBe(303);
  });

  it('refuses a token minted for another session', async () => {
    const { v, form } = await setup();
    const other = new Visitor(h.base);
    const reply = await other.postForm(form.action, { csrf: form.fields['csrf']!, password: PASSWORD });
    expect(reply.status).toBe(403);
    expect(v.jar.size).toBeGreaterThan(0);
  });

  it('refuses other content types', async () => {
    const { v, form } = await setup();
    const reply = await v.request('POST', form.action, {
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ ...form.fields, password: PASSWORD }),
    });
    expect(reply.status).toBe(415);
  });
});
