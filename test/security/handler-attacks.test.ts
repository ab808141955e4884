/**
 * Attack catalogue (research/security.md §3) against the anonymous view through REAL HTTP on the local
 * server with the demo fixture site: B tokens, C password gate, D sessions/cookies, F tree membership,
 * G CSRF, J revocation, K headers/redirects/framing/caching, L IP allow-list, O uploads/downloads,
 * U comments. Each test is named with its catalogue id.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_UPLOAD_FILE_BYTES } from '../../src/app/view/upload-rules';
import { startTestServer, type TestServer } from '../support/local-server';
import { formsOf, linksOf, titleOf, Visitor, type VisitorResponse } from '../support/visitor';

let server: TestServer;
let clockOffset = 0;
const counts = { linkGets: 0, pageGets: 0 };
const allResponses: VisitorResponse[] = [];

class RecordingVisitor extends Visitor {
  override async request(...args: Parameters<Visitor['request']>): Promise<VisitorResponse> {
    const response = await super.request(...args);
    allResponses.push(response);
    return response;
  }
}
const visitor = (): RecordingVisitor => new RecordingVisitor(server.url);

beforeAll(async () => {
  server = await startTestServer({ clock: { now: () => Date.now() + clockOffset } });
  const links = server.deps.store.links;
  const get = links.get.bind(links);
  links.get = (id) => {
    counts.linkGets += 1;
    return get(id);
  };
  const content = server.deps.content;
  const getPage = content.getPage.bind(content);
  content.getPage = (id) => {
    counts.pageGets += 1;
    return getPage(id);
  };
});
afterAll(async () => {
  await server?.stop();
});

interface CreatedLink {
  url: string;
  path: string;
  token: string;
  linkId: string;
}

const createLink = async (settings: Record<string, unknown> = {}, password?: string, pageId = '1001', as = 'u-editor'): Promise<CreatedLink> => {
  const created = await server.call(
    'createLink',
    { pageId, settings: { name: 'attack test', ...settings }, ...(password !== undefined ? { password } : {}) },
    as,
  );
  const path = new URL(created.url).pathname;
  return { url: created.url, path, token: path.slice(3), linkId: created.link.id };
};

const linkVersion = async (linkId: string, pageId = '1001'): Promise<number> => {
  const sharing = await server.call('getPageSharing', { pageId }, 'u-editor');
  const found = sharing.links.find((l: { id: string }) => l.id === linkId);
  if (!found) throw new Error('link not listed');
  return found.version;
};

const ROOT_TEXT = 'Welcome to the';
const unknownToken = (): string => 'A'.repeat(22) + 'B'.repeat(43);

const passwordForm = (html: string) => formsOf(html).find((f) => f.action.endsWith('/password'));
const submitPassword = async (v: Visitor, path: string, password: string, extra: Record<string, string> = {}): Promise<VisitorResponse> => {
  const gate = await v.get(path);
  const form = passwordForm(gate.text);
  if (!form) throw new Error(`no password form on ${gate.status}`);
  return v.postForm(form.action, { ...form.fields, password, ...extra });
};

let notFoundReference: VisitorResponse;
const expectGeneric404 = (response: VisitorResponse): void => {
  expect(response.status).toBe(404);
  expect(response.text).toBe(notFoundReference.text);
  const names = (r: VisitorResponse) => [...(r.headers as unknown as Map<string, string>).keys()].filter((k) => !['date', 'content-length', 'connection', 'keep-alive'].includes(k)).sort();
  expect(names(response)).toEqual(names(notFoundReference));
};

describe('B: tokens and lookup', () => {
  beforeAll(async () => {
    notFoundReference = await visitor().get(`/s/${unknownToken()}`);
  });

  it('B4: a well-formed unknown token gets the generic 404', () => {
    expect(notFoundReference.status).toBe(404);
    expect(notFoundReference.text).not.toMatch(/Product Handbook|DEMO/);
  });

  it.each([
    ['/s/', 'empty'],
    [`/s/${'A'.repeat(64)}`, '64 chars'],
    [`/s/${'A'.repeat(66)}`, '66 chars'],
    [`/s/${'A'.repeat(42)}`, '42 chars'],
  ])('B1: %s (%s) → identical 404 with zero link reads', async (path) => {
    const before = counts.linkGets;
    expectGeneric404(await visitor().get(path));
    expect(counts.linkGets).toBe(before);
  });

  it.each([
    ['slash', `${'A'.repeat(30)}/${'A'.repeat(34)}`],
    ['dotdot', `${'A'.repeat(30)}..${'A'.repeat(33)}`],
    ['%2F', `${'A'.repeat(30)}%2F${'A'.repeat(32)}`],
    ['%00', `${'A'.repeat(30)}%00${'A'.repeat(32)}`],
    ['space', `${'A'.repeat(30)}%20${'A'.repeat(34)}`],
    ['plus', `${'A'.repeat(30)}+${'A'.repeat(34)}`],
    ['equals', `${'A'.repeat(30)}=${'A'.repeat(34)}`],
    ['cyrillic (B3)', `${'А'.repeat(22)}${'B'.repeat(43)}`],
    ['full-width digit (B3)', `${'A'.repeat(64)}１`],
  ])('B2/B3: token with %s → identical 404, zero link reads', async (_name, token) => {
    const before = counts.linkGets;
    expectGeneric404(await visitor().get(`/s/${token}`));
    expect(counts.linkGets).toBe(before);
  });

  it('B5: disabled link and expired link → the same 404 as an unknown token, no title', async () => {
    const disabled = await createLink();
    await server.call('setLinkStatus', { linkId: disabled.linkId, status: 'disabled' }, 'u-editor');
    expectGeneric404(await visitor().get(disabled.path));
    const expiring = await createLink({ expiresAt: Date.now() + clockOffset + 60_000 });
    expect((await visitor().get(expiring.path)).text).toContain(ROOT_TEXT);
    clockOffset += 61_000;
    try {
      expectGeneric404(await visitor().get(expiring.path));
    } finally {
      clockOffset -= 61_000;
    }
  });

  it('B7: the token in the query instead of the path → 404', async () => {
    const link = await createLink();
    // `/s` without the slash is outside the share route on the local server (its own bare 404, not recorded for K10/K11).
    expect((await new Visitor(server.url).get(`/s?t=${link.token}`)).status).toBe(404);
    expect((await visitor().get(`/s/?t=${link.token}`)).status).toBe(404);
  });

  it('B8: a 3 KB path → 404 before any storage read', async () => {
    const before = counts.linkGets;
    const link = await createLink();
    const afterCreate = counts.linkGets;
    expect((await visitor().get(`${link.path}/p/${'1'.repeat(3000)}`)).status).toBe(404);
    expect(counts.linkGets).toBe(afterCreate);
    expect(afterCreate).toBeGreaterThanOrEqual(before);
  });

  it('B9: content page sends Referrer-Policy no-referrer; external links carry rel noreferrer; no target attributes', async () => {
    const link = await createLink();
    const page = await visitor().get(link.path);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const links = linksOf(page.text);
    expect(links.length).toBeGreaterThan(0);
    for (const a of links) {
      expect(a.target, a.href).toBeUndefined();
      if (/^https?:/.test(a.href) && !a.href.startsWith(server.url)) expect(a.rel, a.href).toContain('noreferrer');
    }
  });

  it('B11: a Slackbot GET of a gated link: generic title, no OG tags, no content', async () => {
    const link = await createLink({}, 'unfurl-secret-1');
    const bot = await visitor().get(link.path, { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' });
    expect(bot.text).not.toContain('og:');
    expect(titleOf(bot.text)).not.toContain('Product Handbook');
    expect(bot.text).not.toContain(ROOT_TEXT);
  });

  it('B12: rotating a token kills the old token and its sessions; the new token works', async () => {
    const link = await createLink({}, 'rotate-secret-1');
    const v = visitor();
    expect((await submitPassword(v, link.path, 'rotate-secret-1')).status).toBe(303);
    expect((await v.get(link.path)).text).toContain(ROOT_TEXT);
    const rotated = await server.call('rotateLink', { linkId: link.linkId }, 'u-editor');
    expectGeneric404(await v.get(link.path));
    const fresh = await v.get(new URL(rotated.url).pathname);
    expect(fresh.text).not.toContain(ROOT_TEXT);
    expect(passwordForm(fresh.text)).toBeDefined();
  });

  it('B13: two links on the same page, disable one → the other still works', async () => {
    const a = await createLink();
    const b = await createLink();
    await server.call('setLinkStatus', { linkId: a.linkId, status: 'disabled' }, 'u-editor');
    expectGeneric404(await visitor().get(a.path));
    expect((await visitor().get(b.path)).text).toContain(ROOT_TEXT);
  });
});

describe('C: password gate', () => {
  it('C1/C2: creating a link with a 73-byte password or 37 × é (74 bytes) is rejected', async () => {
    for (const password of ['a'.repeat(73), 'é'.repeat(37)]) {
      const result = await server.invoke('createLink', { pageId: '1001', settings: { name: 'x' }, password }, 'u-editor');
      expect(result.body.ok).toBe(false);
      if (!result.body.ok) expect(result.body.error.message).toMatch(/72/);
    }
  });

  it('C3: a login attempt longer than 72 bytes never matches a 72-byte password (no bcrypt truncation)', async () => {
    // 72 ASCII bytes that are not a guessable repeat (link passwords are strength-checked).
    const password = Array.from({ length: 72 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz0123456789'[(i * 7) % 36]).join('');
    const link = await createLink({}, password);
    const response = await submitPassword(visitor(), link.path, `${password}X`);
    expect(response.status).not.toBe(303);
    expect(response.text).not.toContain(ROOT_TEXT);
  });

  it('C4: NFC and NFD forms of the same password both open the link', async () => {
    const nfc = 'Åpfel-geheim-1'.normalize('NFC');
    const link = await createLink({}, nfc);
    expect((await submitPassword(visitor(), link.path, nfc)).status).toBe(303);
    expect((await submitPassword(visitor(), link.path, nfc.normalize('NFD'))).status).toBe(303);
  });

  it('C5: empty or whitespace-only password → 400; a 1 MB form → 413', async () => {
    const link = await createLink({}, 'c5-secret-pass');
    expect((await submitPassword(visitor(), link.path, '')).status).toBe(400);
    expect((await submitPassword(visitor(), link.path, '   ')).status).toBe(400);
    const big = await submitPassword(visitor(), link.path, 'x'.repeat(1024 * 1024));
    expect(big.status).toBe(413);
  });

  it('C6: a wrong password gets a generic 401 with the same header set as the gate; no content', async () => {
    const link = await createLink({}, 'c6-secret-pass');
    const v = visitor();
    const gate = await v.get(link.path);
    const wrong = await submitPassword(v, link.path, 'not-it');
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain(ROOT_TEXT);
    const names = (r: VisitorResponse) => [...(r.headers as unknown as Map<string, string>).keys()].filter((k) => !['date', 'content-length', 'set-cookie', 'connection', 'keep-alive'].includes(k)).sort();
    expect(names(wrong)).toEqual(names(gate));
  });

  it('C7: after 5 wrong passwords the 6th attempt is throttled (429) even with the right password', async () => {
    const link = await createLink({}, 'c7-secret-pass');
    const v = visitor();
    for (let i = 0; i < 5; i += 1) expect((await submitPassword(v, link.path, `wrong-${i}`)).status).toBe(401);
    const sixth = await submitPassword(v, link.path, 'c7-secret-pass');
    expect(sixth.status).toBe(429);
    expect(sixth.text).not.toContain(ROOT_TEXT);
  });

  it('C8: 20 concurrent wrong passwords are all counted (no lost updates) and the throttle engages', async () => {
    const link = await createLink({}, 'c8-secret-pass');
    const v = visitor();
    const gate = await v.get(link.path);
    const form = passwordForm(gate.text);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => v.postForm(form?.action ?? '', { ...form?.fields, password: `wrong-${i}` })),
    );
    expect(results.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    // Attempts reserve a slot atomically: only IP_FAILURE_LIMIT (5) guesses of the burst are evaluated.
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    const next = await v.postForm(form?.action ?? '', { ...form?.fields, password: 'c8-secret-pass' });
    expect(next.status).toBe(429);
  });

  it('C9: changing the password kills sessions opened with the old one', async () => {
    const link = await createLink({}, 'c9-old-password');
    const v = visitor();
    expect((await submitPassword(v, link.path, 'c9-old-password')).status).toBe(303);
    expect((await v.get(link.path)).text).toContain(ROOT_TEXT);
    await server.call(
      'updateLink',
      { linkId: link.linkId, version: await linkVersion(link.linkId), settings: {}, password: { action: 'set', password: 'c9-new-password' } },
      'u-editor',
    );
    const after = await v.get(link.path);
    expect(after.text).not.toContain(ROOT_TEXT);
    expect(passwordForm(after.text)).toBeDefined();
  });
});

describe('D: sessions and cookies', () => {
  const openedSession = async (): Promise<{ link: CreatedLink; v: RecordingVisitor; name: string; value: string }> => {
    const link = await createLink({}, 'd-secret-pass');
    const v = visitor();
    const passed = await submitPassword(v, link.path, 'd-secret-pass');
    expect(passed.status).toBe(303);
    const name = `ss_${link.linkId.slice(0, 8)}`;
    const value = v.jar.get(name);
    if (!value) throw new Error(`no session cookie ${name}: ${[...v.jar.keys()].join(',')}`);
    expect((await v.get(link.path)).text).toContain(ROOT_TEXT);
    return { link, v, name, value };
  };

  it('D1: flipped, truncated or empty MAC, or an alg field → treated as no session (gate page)', async () => {
    const { link, name, value } = await openedSession();
    const [body, mac = ''] = value.split('.');
    const flipped = `${body}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    const withAlg = `${Buffer.from(JSON.stringify({ alg: 'none', ...JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) })).toString('base64url')}.${mac}`;
    for (const forged of [flipped, `${body}.${mac.slice(0, 20)}`, `${body}.`, withAlg]) {
      const response = await visitor().get(link.path, { cookie: `${name}=${forged}` });
      expect(response.text, forged).not.toContain(ROOT_TEXT);
      expect(passwordForm(response.text)).toBeDefined();
    }
  });

  it('D2: a valid session of link A presented on link B → rejected', async () => {
    const a = await openedSession();
    const b = await createLink({}, 'd2-other-pass');
    const response = await visitor().get(b.path, { cookie: `ss_${b.linkId.slice(0, 8)}=${a.value}` });
    expect(response.text).not.toContain(ROOT_TEXT);
  });

  it('D3/J4: a valid session after the link is disabled → 404; after re-enable the old session is dead (epoch)', async () => {
    const { link, v } = await openedSession();
    await server.call('setLinkStatus', { linkId: link.linkId, status: 'disabled' }, 'u-editor');
    expectGeneric404(await v.get(link.path));
    await server.call('setLinkStatus', { linkId: link.linkId, status: 'active' }, 'u-editor');
    const back = await v.get(link.path);
    expect(back.text).not.toContain(ROOT_TEXT);
  });

  it('D4: a session whose lifetime ended is rejected (clock moved 12 h + 1 s)', async () => {
    const { link, v } = await openedSession();
    clockOffset += 12 * 3600_000 + 1000;
    try {
      expect((await v.get(link.path)).text).not.toContain(ROOT_TEXT);
    } finally {
      clockOffset -= 12 * 3600_000 + 1000;
    }
  });

  it('D6: the session cookie name twice in the Cookie header → rejected as ambiguous', async () => {
    const { link, name, value } = await openedSession();
    const response = await visitor().get(link.path, { cookie: `${name}=${value}; ${name}=${value}` });
    expect(response.text).not.toContain(ROOT_TEXT);
  });

  it('D7: a MAC of a different length never throws (no 500), it is just invalid', async () => {
    const { link, name, value } = await openedSession();
    const body = value.split('.')[0];
    const response = await visitor().get(link.path, { cookie: `${name}=${body}.${'A'.repeat(200)}` });
    expect(response.status).toBeLessThan(500);
    expect(response.text).not.toContain(ROOT_TEXT);
  });

  it('D8: Set-Cookie has HttpOnly, SameSite=Lax, Path=<the link path>, Max-Age and no Domain', async () => {
    const link = await createLink({}, 'd8-secret-pass');
    const passed = await submitPassword(visitor(), link.path, 'd8-secret-pass');
    const cookie = passed.setCookies.find((c) => c.startsWith(`ss_${link.linkId.slice(0, 8)}=`));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toContain(`; Path=${link.path};`);
    expect(cookie).toMatch(/;\s*Max-Age=\d+/i);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('D10/L12: the IP allow-list narrowed while a session is valid → the next request is denied', async () => {
    const { link, v } = await openedSession();
    await server.call('updateLink', { linkId: link.linkId, version: await linkVersion(link.linkId), settings: { allowedIps: ['203.0.113.0/24'] } }, 'u-editor');
    expectGeneric404(await v.get(link.path));
  });
});

describe('B10/R2: nothing secret in logs or the audit trail', () => {
  it('a full cycle (password gate, view, comment, OTP request) logs no token, password, cookie or full email; audit entries hold none either', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => vi.spyOn(console, level));
    try {
      const link = await createLink({ comments: 'view_add' }, 'r2-secret-password');
      const v = visitor();
      await submitPassword(v, link.path, 'r2-secret-password');
      const page = await v.get(link.path);
      const form = formsOf(page.text).find((f) => f.action.endsWith('/comments'));
      await v.postForm(form?.action ?? '', { ...form?.fields, text: 'r2 comment', name: 'R2 person' });
      const otpLink = await createLink({ selectedUsers: ['@partner.example'] });
      const o = visitor();
      const gate = await o.get(otpLink.path);
      const send = formsOf(gate.text).find((f) => f.action.endsWith('/email/send'));
      await o.postForm(send?.action ?? '', { ...send?.fields, email: 'r2.person@partner.example' });

      const logged = spies.flatMap((spy) => spy.mock.calls.map((call) => call.map(String).join(' '))).join('\n');
      const audit = JSON.stringify((await server.call('getAuditLog', { limit: 100 }, 'u-site-admin')).items);
      const cookie = [...v.jar.values()][0] ?? 'no-cookie';
      for (const secret of [link.token, otpLink.token, 'r2-secret-password', 'r2.person@partner.example', cookie]) {
        expect(logged).not.toContain(secret);
        expect(audit).not.toContain(secret);
      }
      expect(audit).toMatch(/gate_passed/);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

describe('F: tree membership and IDOR', () => {
  it('F1: a page of another space through an in-tree link → the generic 404, no title', async () => {
    const link = await createLink({ includeChildren: true });
    const before = counts.linkGets;
    const response = await visitor().get(`${link.path}/p/2001`);
    expectGeneric404(response);
    expect(response.text).not.toContain('Operations runbook');
    expect(counts.linkGets).toBeGreaterThan(before);
  });

  it('F2: a child page when includeChildren is false → 404', async () => {
    const link = await createLink({ includeChildren: false });
    expectGeneric404(await visitor().get(`${link.path}/p/1002`));
  });

  it('F3: label exclusion is transitive: excluding "changelog" hides 1003 and its child 1005', async () => {
    const link = await createLink({ includeChildren: true, withoutLabels: ['changelog'] });
    expectGeneric404(await visitor().get(`${link.path}/p/1003`));
    expectGeneric404(await visitor().get(`${link.path}/p/1005`));
    expect((await visitor().get(`${link.path}/p/1002`)).status).toBe(200);
  });

  it('F4: a restricted child (and its descendant) is not served without shareRestrictedChildren', async () => {
    const link = await createLink({ includeChildren: true, shareRestrictedChildren: false });
    const page = await visitor().get(link.path);
    expect(page.text).not.toContain('Restricted: Salaries');
    expectGeneric404(await visitor().get(`${link.path}/p/1006`));
    expectGeneric404(await visitor().get(`${link.path}/p/1007`));
  });

  it('F8: an attachment of an out-of-tree page → 404', async () => {
    const link = await createLink({ includeChildren: false, attachments: 'view' }, undefined, '1002');
    expectGeneric404(await visitor().get(`${link.path}/a/att2001`));
    expectGeneric404(await visitor().get(`${link.path}/p/1001/a/att2001`));
  });

  it('F9: attachments "none" → download denied and no attachment links rendered', async () => {
    const link = await createLink({ attachments: 'none' });
    const page = await visitor().get(link.path);
    expect(page.text).not.toMatch(/\/a\/att-/);
    expectGeneric404(await visitor().get(`${link.path}/a/att2002`));
  });

  it.each(['00123', '123abc', '-1', '1e3', '1'.repeat(30)])('F12: page id %s → 404 without a Confluence read', async (id) => {
    const link = await createLink({ includeChildren: true });
    const before = counts.pageGets;
    expect((await visitor().get(`${link.path}/p/${id}`)).status).toBe(404);
    expect(counts.pageGets).toBe(before);
  });
});

describe('G: CSRF on visitor forms', () => {
  const commentLink = async () => {
    const link = await createLink({ comments: 'view_add' });
    const v = visitor();
    const page = await v.get(link.path);
    const form = formsOf(page.text).find((f) => f.action.endsWith('/comments'));
    if (!form) throw new Error('no comment form');
    return { link, v, form };
  };

  it('G1: a POST without the csrf field → 403, nothing posted', async () => {
    const { v, form } = await commentLink();
    const { csrf: _c, ...rest } = form.fields;
    const response = await v.postForm(form.action, { ...rest, text: 'csrf-less comment' });
    expect(response.status).toBe(403);
  });

  it('G2: Sec-Fetch-Site: cross-site (even with a valid csrf field) → 403', async () => {
    const { v, form } = await commentLink();
    const response = await v.postForm(form.action, { ...form.fields, text: 'cross-site comment' }, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    expect(response.status).toBe(403);
  });

  it('G3: no Fetch Metadata and a foreign Origin → 403', async () => {
    const { v, form } = await commentLink();
    const response = await v.request('POST', form.action, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ ...form.fields, text: 'foreign origin' }).toString(),
    });
    expect(response.status).toBe(403);
  });

  it('G4: a csrf token of another session → 403', async () => {
    const a = await commentLink();
    const b = visitor();
    await b.get(a.link.path);
    const response = await b.postForm(a.form.action, { ...a.form.fields, t: '', text: 'stolen token' });
    expect(response.status).toBe(403);
  });

  it('G5: a JSON body instead of a form → 415', async () => {
    const { v, form } = await commentLink();
    const response = await v.request('POST', form.action, {
      headers: { 'content-type': 'application/json', origin: new URL(server.url).origin, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ ...form.fields, text: 'json' }),
    });
    expect(response.status).toBe(415);
  });
});

describe('J: revocation', () => {
  const spaceConfig = async (change: Record<string, unknown>) => {
    const current = await server.call('getSpaceConfig', { spaceKey: 'DEMO' }, 'u-space-admin');
    const { spaceKey: _k, version, updatedAt: _u, updatedBy: _b, ...config } = current.config as unknown as Record<string, unknown> & { version: number };
    await server.call('setSpaceConfig', { spaceKey: 'DEMO', version, config: { ...config, ...change } }, 'u-space-admin');
  };
  const globalConfig = async (change: Record<string, unknown>) => {
    const current = await server.call('getGlobalConfig', {}, 'u-site-admin');
    const { version, updatedAt: _u, updatedBy: _b, ...config } = current.config as unknown as Record<string, unknown> & { version: number };
    await server.call('setGlobalConfig', { version, config: { ...config, ...change } }, 'u-site-admin');
  };

  it('J1/J2: disabling sharing in the space denies every link at once; re-enabling restores them', async () => {
    const link = await createLink();
    const v = visitor();
    expect((await v.get(link.path)).text).toContain(ROOT_TEXT);
    await spaceConfig({ sharingEnabled: false });
    try {
      expectGeneric404(await v.get(link.path));
    } finally {
      await spaceConfig({ sharingEnabled: true });
    }
    expect((await v.get(link.path)).text).toContain(ROOT_TEXT);
  });

  it('J3: the global kill switch denies every link', async () => {
    const link = await createLink();
    await globalConfig({ sharingEnabled: false });
    try {
      expectGeneric404(await visitor().get(link.path));
    } finally {
      await globalConfig({ sharingEnabled: true });
    }
    expect((await visitor().get(link.path)).text).toContain(ROOT_TEXT);
  });

  it('J5: content pages are no-store (nothing for the back button after revocation)', async () => {
    const link = await createLink();
    const page = await visitor().get(link.path);
    expect(page.headers.get('cache-control')).toMatch(/no-store/);
  });

  it('I7: space now requires a password; an older link without one → denied for the recipient', async () => {
    const link = await createLink();
    await spaceConfig({ password: 'mandatory', applyOnSpaceLinks: true });
    try {
      expectGeneric404(await visitor().get(link.path));
    } finally {
      await spaceConfig({ password: 'optional', applyOnSpaceLinks: false });
    }
  });
});

describe('K: headers, redirects, framing, caching', () => {
  it('E16/K9: content page CSP blocks script, framing, base and foreign forms; nosniff, COOP, XFO', async () => {
    const link = await createLink();
    const page = await visitor().get(link.path);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('K5/K7: ?next= and friends are ignored; redirects go only to our own base', async () => {
    const link = await createLink({}, 'k5-secret-pass');
    for (const next of ['https://evil.example', '//evil.example', '/\\evil.example', '%2F%2Fevil', 'javascript:alert(1)']) {
      const v = visitor();
      const gate = await v.get(`${link.path}?next=${encodeURIComponent(next)}&returnTo=${encodeURIComponent(next)}`);
      const form = passwordForm(gate.text);
      const response = await v.postForm(`${form?.action}?next=${encodeURIComponent(next)}`, { ...form?.fields, password: 'k5-secret-pass', next });
      expect(response.status).toBe(303);
      expect(response.location?.startsWith(`${server.url}${link.path}`), response.location ?? '').toBe(true);
    }
  });

  it('K8: a foreign Host header gets no page, no link and no redirect (DNS rebinding, issue 11)', async () => {
    const link = await createLink({ includeChildren: true });
    const { port } = new URL(server.url);
    const reply = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: Number(port), path: link.path, headers: { host: 'evil.example' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(reply.status).toBe(421);
    expect(reply.text).not.toContain(ROOT_TEXT);
    expect(reply.text).not.toContain('evil.example');
    expect(reply.text).not.toContain(link.token);
  });

  it('K10/K11: every response seen in this file (200/303/400/401/403/404/413/415/429…) is no-store; HTML ones carry X-Robots-Tag', () => {
    const statuses = new Set(allResponses.map((r) => r.status));
    expect(statuses.size).toBeGreaterThanOrEqual(6);
    for (const r of allResponses) {
      expect(r.headers.get('cache-control') ?? '', `${r.status} ${r.text.slice(0, 120)}`).toMatch(/no-store/);
      if ((r.headers.get('content-type') ?? '').startsWith('text/html')) {
        expect(r.headers.get('x-robots-tag') ?? '', `${r.status} ${r.text.slice(0, 120)}`).toMatch(/noindex/);
      }
    }
  });
});

describe('Q4/D12: storage read failures fail closed', () => {
  const failing = async <T extends object, K extends keyof T>(target: T, method: K, run: () => Promise<void>) => {
    const original = target[method];
    (target as Record<K, unknown>)[method] = async () => {
      throw new Error('storage down');
    };
    try {
      await run();
    } finally {
      (target as Record<K, unknown>)[method] = original;
    }
  };

  it.each([
    ['link read', () => [server.deps.store.links, 'get'] as const],
    ['global policy read', () => [server.deps.store.configs, 'getGlobal'] as const],
    ['site settings read', () => [server.deps.store.configs, 'getSite'] as const],
    ['session key read (D12)', () => [server.deps.store.secrets, 'get'] as const],
  ])('%s throws → 503, no content, no session cookie issued', async (_name, pick) => {
    const link = await createLink({}, 'q4-secret-pass');
    const v = visitor();
    const [target, method] = pick();
    await failing(target as object as Record<string, unknown>, method as string, async () => {
      const page = await v.get(link.path);
      expect(page.status).toBe(503);
      expect(page.text).not.toContain(ROOT_TEXT);
      expect(page.text).not.toMatch(/storage down|Error/);
      expect(page.setCookies).toEqual([]);
    });
  });
});

describe('L: IP allow-list at the handler', () => {
  it('L7: a rule for the client (127.0.0.1, seen as ::ffff:127.0.0.1 on some stacks) allows it', async () => {
    const link = await createLink({ allowedIps: ['127.0.0.1'] });
    expect((await visitor().get(link.path)).text).toContain(ROOT_TEXT);
  });

  it('L9: a forged X-Forwarded-For naming an allowed address does not pass the allow-list', async () => {
    const link = await createLink({ allowedIps: ['203.0.113.0/24'] });
    expectGeneric404(await visitor().get(link.path, { 'x-forwarded-for': '203.0.113.7' }));
    expectGeneric404(await visitor().get(link.path, { 'x-forwarded-for': '127.0.0.1, 203.0.113.7' }));
  });
});

describe('O: downloads and uploads', () => {
  it('O6: a download is an attachment with nosniff and no-store', async () => {
    const link = await createLink({ attachments: 'view' });
    const response = await visitor().get(`${link.path}/a/att2002`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toMatch(/no-store/);
  });

  const uploadForm = async (attachments: string) => {
    const link = await createLink({ attachments });
    const v = visitor();
    const page = await v.get(link.path);
    return { link, v, page, form: formsOf(page.text).find((f) => f.action.endsWith('/attachments')) };
  };

  const multipart = (fields: Record<string, string>, fileName: string, bytes: Uint8Array): FormData => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.append(k, v);
    data.append('file', new Blob([Buffer.from(bytes)]), fileName);
    return data;
  };

  it('O1: attachment permission "view" → no upload form, and a forged upload POST is refused', async () => {
    const { link, v, page, form } = await uploadForm('view');
    expect(form).toBeUndefined();
    const anyForm = formsOf(page.text)[0];
    const response = await v.request('POST', `${link.path}/attachments`, {
      headers: { origin: new URL(server.url).origin, 'sec-fetch-site': 'same-origin' },
      body: multipart(anyForm?.fields ?? {}, 'ok.txt', new TextEncoder().encode('hello')),
    });
    expect(response.status).toBe(403);
  });

  it('O3: an HTML file renamed .pdf, an SVG with script and an .exe are rejected', async () => {
    const { v, form } = await uploadForm('view_add');
    if (!form) throw new Error('no upload form');
    const cases: Array<[string, string]> = [
      ['evil.pdf', '<!doctype html><script>alert(1)</script>'],
      ['image.svg', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
      ['setup.exe', 'MZ\u0090\u0000'],
    ];
    for (const [name, body] of cases) {
      const response = await v.request('POST', form.action, {
        headers: { origin: new URL(server.url).origin, 'sec-fetch-site': 'same-origin' },
        body: multipart(form.fields, name, new TextEncoder().encode(body)),
      });
      expect(response.status, name).toBeGreaterThanOrEqual(400);
      expect(response.status, name).toBeLessThan(500);
    }
  });

  const upload = async (v: Visitor, form: { action: string; fields: Record<string, string> }, name: string, bytes: Uint8Array) =>
    v.request('POST', form.action, {
      headers: { origin: new URL(server.url).origin, 'sec-fetch-site': 'same-origin' },
      body: multipart(form.fields, name, bytes),
    });

  it('O2: a 0-byte file → 400; a file over the size limit → 413, both with a clear message', async () => {
    const { v, form } = await uploadForm('view_add');
    if (!form) throw new Error('no upload form');
    const empty = await upload(v, form, 'empty.txt', new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/empty/i);
    const big = await upload(v, form, 'big.txt', new Uint8Array(MAX_UPLOAD_FILE_BYTES + 1).fill(0x61));
    expect(big.status).toBe(413);
    expect(big.text).toMatch(/too large/i);
  });

  it('O4: path separators, reserved names, bidi characters and 500-character names are cleaned or refused', async () => {
    const { v, form } = await uploadForm('view_add');
    if (!form) throw new Error('no upload form');
    const text = new TextEncoder().encode('plain text');
    expect((await upload(v, form, '../../x.txt', text)).status).toBe(303);
    expect((await upload(v, form, 'CON.txt', text)).status).toBe(400);
    expect((await upload(v, form, 'invoice\u202Etxt.exe', text)).status).toBe(415);
    expect((await upload(v, form, 'report\u202Egnp.txt', text)).status).toBe(303);
    expect((await upload(v, form, `${'n'.repeat(500)}.txt`, text)).status).toBe(303);
    const names = (await server.deps.content.listAttachments('1001')).map((a) => a.title);
    expect(names).toContain('x.txt');
    expect(names.some((n) => n.includes('/') || n.includes('..') || /[\u202A-\u202E]/.test(n))).toBe(false);
    expect(names).toContain('reportgnp.txt');
    expect(Math.max(...names.map((n) => n.length))).toBeLessThanOrEqual(200);
  });

  it('O5: an upload without the csrf field → 403', async () => {
    const { v, form } = await uploadForm('view_add');
    if (!form) throw new Error('no upload form');
    const { csrf: _c, ...rest } = form.fields;
    const response = await v.request('POST', form.action, {
      headers: { origin: new URL(server.url).origin, 'sec-fetch-site': 'same-origin' },
      body: multipart(rest, 'notes.txt', new TextEncoder().encode('hello')),
    });
    expect(response.status).toBe(403);
  });
});

describe('U: comments', () => {
  it('U1: markup and storage-format text in a comment is stored and shown as literal text', async () => {
    const link = await createLink({ comments: 'view_add' });
    const v = visitor();
    const page = await v.get(link.path);
    const form = formsOf(page.text).find((f) => f.action.endsWith('/comments'));
    const text = '<ac:structured-macro ac:name="html"><script>alert(1)</script> ]]> &lt; u1-marker';
    const posted = await v.postForm(form?.action ?? '', { ...form?.fields, text, name: '<b>Mallory</b>' });
    expect(posted.status).toBe(303);
    const after = await v.follow(posted.location ?? link.path);
    expect(after.text).toContain('u1-marker');
    expect(after.text).not.toContain('<script>alert(1)</script>');
    expect(after.text).not.toContain('<ac:structured-macro');
    expect(after.text).toContain('&lt;ac:structured-macro');
    const stored = await server.deps.content.listComments('1001');
    expect(stored.some((c) => c.bodyText.includes('<ac:structured-macro ac:name="html">'))).toBe(true);
  });

  it('U2: an empty comment and a 10,001-character comment → 400', async () => {
    const link = await createLink({ comments: 'view_add' });
    const v = visitor();
    const form = formsOf((await v.get(link.path)).text).find((f) => f.action.endsWith('/comments'));
    expect((await v.postForm(form?.action ?? '', { ...form?.fields, text: '   ' })).status).toBe(400);
    expect((await v.postForm(form?.action ?? '', { ...form?.fields, text: 'x'.repeat(10_001) })).status).toBe(400);
  });

  it('U3: a comment on an out-of-tree page → refused, nothing posted', async () => {
    const link = await createLink({ comments: 'view_add', includeChildren: false });
    const v = visitor();
    const form = formsOf((await v.get(link.path)).text).find((f) => f.action.endsWith('/comments'));
    const before = (await server.deps.content.listComments('2001')).length;
    const response = await v.postForm(`${link.path}/p/2001/comments`, { ...form?.fields, text: 'out of tree' });
    expect(response.status).toBeGreaterThanOrEqual(403);
    expect(response.status).toBeLessThan(500);
    expect((await server.deps.content.listComments('2001')).length).toBe(before);
  });

  it('U4: comment permission "view" → no form rendered and a forged POST → 403', async () => {
    const link = await createLink({ comments: 'view' });
    const v = visitor();
    const page = await v.get(link.path);
    expect(formsOf(page.text).find((f) => f.action.endsWith('/comments'))).toBeUndefined();
    const anyForm = formsOf(page.text)[0];
    const response = await v.postForm(`${link.path}/comments`, { ...(anyForm?.fields ?? {}), text: 'forged' });
    expect(response.status).toBe(403);
  });
});
