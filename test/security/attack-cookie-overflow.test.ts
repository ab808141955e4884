/**
 * Issue 11, item 5: "About 28 link cookies on the share host break every session". Each link's session
 * cookie used to live at Path=/, so a browser sent every link's cookie with every request; ~28 of them
 * overflowed the 8,192-character Cookie cap the handler accepted, SSO callbacks failed with "Sign-in not
 * recognised" and password sessions fell back to URL tickets. Cookies are now scoped to each link's
 * path, and an oversized header no longer voids the cookies in it. Real HTTP on the local server with a
 * local OIDC provider; the visitor's cookie jar honours Path like a browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteSettings } from '../../src/core/model';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider';
import { startTestServer, type TestServer } from '../support/local-server';
import { formWith, Visitor, type VisitorResponse } from '../support/visitor';

const PASSWORD = 'many-links-password';
const CONTENT = 'Product Handbook';
const RECIPIENT = 'ann@partner.example';

let server: TestServer;
let idp: TestOidcProvider;

interface Created {
  path: string;
  linkId: string;
}

const createLink = async (settings: Record<string, unknown>): Promise<Created> => {
  const created = await server.call('createLink', { pageId: '1001', settings: { name: 'cookie jar', ...settings }, password: PASSWORD }, 'u-editor');
  return { path: new URL(created.url).pathname, linkId: created.link.id };
};

beforeAll(async () => {
  idp = await startOidcProvider({ user: { sub: 'idp-ann', email: RECIPIENT, email_verified: true } });
  server = await startTestServer();
  server.deps.fetch = (url, init) => idp.fetch(url, init);
  const { settings } = await server.call('getSiteSettings', {}, 'u-site-admin');
  const { version, updatedAt: _u, sso: _s, ...rest } = settings as SiteSettings;
  await server.call(
    'setSiteSettings',
    { version, settings: { ...rest, sso: { issuer: idp.issuer, clientId: idp.clientId, scopes: 'openid email' } }, ssoClientSecret: idp.clientSecret },
    'u-site-admin',
  );
});

afterAll(async () => {
  await server?.stop();
  await idp?.close();
});

const passPassword = async (v: Visitor, path: string): Promise<VisitorResponse> => {
  const gate = await v.get(path);
  expect(gate.text).toContain('Password required');
  const reply = await v.submit(gate.text, 'password', { password: PASSWORD });
  expect(reply.status).toBe(303);
  expect(reply.location, 'no fallback to a URL ticket').not.toMatch(/[?&]t=/);
  return reply;
};

/** Follows our redirects and the IdP's approval until a page that is not a redirect. */
const followAll = async (v: Visitor, start: VisitorResponse): Promise<VisitorResponse> => {
  let current = start;
  for (let i = 0; i < 8 && current.status >= 300 && current.status < 400 && current.location; i += 1) {
    const next = new URL(current.location, current.url).href;
    current = next.startsWith(server.url) ? await v.get(next) : await v.get(await idp.approve(next));
  }
  return current;
};

/** Password (unless this browser's session for the link already passed it), then SSO, then the page. */
const passEveryGate = async (v: Visitor, link: Created): Promise<void> => {
  const opened = await v.get(link.path);
  const atSso = opened.text.includes('Password required') ? await followAll(v, await passPassword(v, link.path)) : opened;
  expect(atSso.text).toContain('/sso/start');
  const page = await followAll(v, await v.get(`${link.path}/sso/start`));
  expect(page.status, page.text.slice(0, 500)).toBe(200);
  expect(page.text).toContain(CONTENT);
  expect((await v.get(link.path)).text).toContain(CONTENT);
};

const jarSize = (v: Visitor): number => [...v.jar].reduce((sum, [name, value]) => sum + name.length + value.length + 2, 0);

describe('attack: cookie overflow across many links', () => {
  it('a browser that opened 100 links still passes every gate and SSO on link 101 and on link 1', async () => {
    const first = await createLink({ requireSso: true, selectedUsers: [RECIPIENT] });
    const others: Created[] = [];
    for (let i = 0; i < 99; i += 1) others.push(await createLink({}));
    const last = await createLink({ requireSso: true, selectedUsers: [RECIPIENT] });
    const emailLink = await createLink({ selectedUsers: [RECIPIENT] });

    const v = new Visitor(server.url);
    await passPassword(v, first.path);
    for (const link of others) {
      await v.follow(await passPassword(v, link.path));
    }
    // Sent all together (the old Path=/ cookies) these would overflow the 8,192-character cap many times.
    expect(v.jar.size).toBeGreaterThanOrEqual(100);
    expect(jarSize(v)).toBeGreaterThan(3 * 8192);
    // A browser sends each link only its own cookie.
    expect(v.cookieHeaderFor(`${last.path}/sso/callback`)?.length ?? 0).toBeLessThan(1024);
    expect(v.cookieHeaderFor('/sso/callback')).toBeUndefined();

    await passEveryGate(v, last);
    // Link 1's password session survived the 100 links after it; its SSO completes.
    expect((await v.get(first.path)).text).toContain('/sso/start');
    await passEveryGate(v, first);
    // Every earlier link still has its session.
    for (const link of [others[0]!, others[50]!, others.at(-1)!]) expect((await v.get(link.path)).text).toContain(CONTENT);
    // And the email-code gate works too.
    const gate = await followAll(v, await passPassword(v, emailLink.path));
    const sent = await v.submit(gate.text, 'email', { email: RECIPIENT });
    const mail = (await server.app.outbox.list()).find((m) => m.to.includes(RECIPIENT));
    const code = /\b(\d{6})\b/.exec((await server.app.outbox.read(mail!.id))?.text ?? '')?.[1] ?? '';
    const opened = await v.follow(await v.submit(sent.text, 'code', { code }));
    expect(opened.text).toContain(CONTENT);
  }, 60_000);

  it('session cookies are scoped to the link path, HttpOnly and Lax', async () => {
    const link = await createLink({});
    const v = new Visitor(server.url);
    const reply = await passPassword(v, link.path);
    const cookie = reply.setCookies.find((c) => c.startsWith(`ss_${link.linkId.slice(0, 8)}=`));
    expect(cookie).toMatch(new RegExp(`Path=${link.path}(;|$)`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('an oversized Cookie header (stale cookies on the host) is tolerated: the link\'s own cookie still counts, SSO still completes', async () => {
    const pwLink = await createLink({});
    const ssoLink = await createLink({ requireSso: true, selectedUsers: [RECIPIENT] });
    const v = new Visitor(server.url);
    await passPassword(v, pwLink.path);
    // 40 stale site-wide cookies of ~300 characters: a 12 KB header on every request.
    for (let i = 0; i < 40; i += 1) v.jar.set(`__stale_${i}`, 'x'.repeat(300));
    expect(v.cookieHeaderFor(pwLink.path)!.length).toBeGreaterThan(8192);
    const page = await v.get(pwLink.path);
    expect(page.status).toBe(200);
    expect(page.text).toContain(CONTENT);
    expect(page.setCookies, 'the session was recognised, not replaced').toHaveLength(0);
    await passEveryGate(v, ssoLink);
  });
});
