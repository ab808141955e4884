/**
 * Property tests over the share handler (security.md §3, SPEC "Bad input of any kind gets a clear error
 * page and a 4xx, never a stack trace, never a 500, never content it should not see").
 *
 * Random requests (paths around real and forged tokens, methods, headers, cookies, tickets, bodies) go
 * to the real handler over an in-memory world whose page content carries markers. Whatever the request:
 * no 5xx (nothing fails underneath here), every response carries the no-store/no-referrer headers, no
 * stack trace, and marked content appears only with a 200, only for pages of the link's tree, and only
 * for the open link, the IP-limited link from its address, or the password link with the cookie of a
 * session that passed its gate (that cookie replayed on other links must not open them).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '../../src/web/http';
import { cookiePolicyFor, sessionCookieName } from '../../src/web/session';
import { interceptCalls } from '../support/intercept-calls';
import { BASE, cookiesFrom, createWorld, failingStore, IP_LIMITED_ALLOWED, markedPages, OPEN_TREE, PASSWORD, request, type World } from './support/world';

let w: World;
/** Cookies and tickets gathered from real responses, to be replayed anywhere. */
const pool = { cookies: [] as string[], tickets: [] as string[], csrf: [] as string[] };
/** The same, per link, for coherent form posts (own cookie + own CSRF token + own ticket). */
const sessions: { token: string; cookie: string; csrf: string; ticket: string }[] = [];
/** `name=value` of a session that passed the password link's gate. */
let passedCookie = '';

const formSecrets = (response: HttpResponse) => {
  const html = typeof response.body === 'string' ? response.body : '';
  return {
    csrf: [...html.matchAll(/name="csrf" value="([^"]+)"/g)].map((m) => m[1] as string),
    tickets: [...html.matchAll(/name="t" value="([^"]+)"/g)].map((m) => m[1] as string),
  };
};

beforeAll(async () => {
  w = await createWorld();
  const policy = cookiePolicyFor(BASE);
  for (const token of [w.tokens.open, w.tokens.password, w.tokens.email]) {
    const reply = await w.handle(request('GET', `/s/${token}`, { headers: { 'sec-fetch-site': ['none'] } }));
    const secrets = formSecrets(reply);
    pool.cookies.push(...cookiesFrom(reply));
    pool.tickets.push(...secrets.tickets);
    pool.csrf.push(...secrets.csrf);
    const [cookie] = cookiesFrom(reply);
    const [csrf] = secrets.csrf;
    const [ticket] = secrets.tickets;
    if (cookie && csrf && ticket) sessions.push({ token, cookie, csrf, ticket });
  }
  expect(sessions.length).toBe(3);
  // Cross-link replay: the open link's session value under the other links' cookie names (D2).
  const openCookie = pool.cookies.find((c) => c.startsWith(sessionCookieName(w.linkIds.open, policy)));
  const openValue = openCookie?.slice(openCookie.indexOf('=') + 1) ?? 'x';
  for (const id of Object.values(w.linkIds)) pool.cookies.push(`${sessionCookieName(id, policy)}=${openValue}`);
  // A session that passed the password gate, replayed as is and under every other link's cookie name.
  const pw = sessions.find((x) => x.token === w.tokens.password)!;
  const login = await w.handle(
    request('POST', `/s/${w.tokens.password}/password`, {
      headers: { 'content-type': ['application/x-www-form-urlencoded'], 'sec-fetch-site': ['same-origin'], origin: [BASE], cookie: [pw.cookie] },
      body: new URLSearchParams({ csrf: pw.csrf, password: PASSWORD }).toString(),
    }),
  );
  const passedName = sessionCookieName(w.linkIds.password, policy);
  passedCookie = cookiesFrom(login).find((c) => c.startsWith(`${passedName}=`)) ?? '';
  expect(passedCookie).not.toBe('');
  const passed = await w.handle(request('GET', `/s/${w.tokens.password}`, { headers: { cookie: [passedCookie] } }));
  expect([...markedPages(passed)]).toEqual(['1002']);
  const passedValue = passedCookie.slice(passedCookie.indexOf('=') + 1);
  pool.cookies.push(passedCookie);
  for (const id of Object.values(w.linkIds)) if (id !== w.linkIds.password) pool.cookies.push(`${sessionCookieName(id, policy)}=${passedValue}`);
  expect(pool.cookies.length).toBeGreaterThan(3);
  expect(pool.tickets.length).toBeGreaterThan(0);
});
afterAll(async () => w?.close());

/** Generated requests per property (HARDENING_RUNS to change; the whole file takes ~2 s at 3000). */
const RUNS = Number(process.env['HARDENING_RUNS'] ?? 3000);

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const tokenArb = (): fc.Arbitrary<string> => {
  const real = fc.constantFrom(...Object.values(w.tokens));
  return fc.oneof(
    { arbitrary: fc.constant(w.tokens.open), weight: 5 },
    { arbitrary: real, weight: 5 },
    // One character of a real token changed (forged secret or forged link id).
    {
      arbitrary: fc.tuple(real, fc.nat(64), fc.constantFrom(...B64URL)).map(([t, i, c]) => `${t.slice(0, i)}${c}${t.slice(i + 1)}`),
      weight: 2,
    },
    { arbitrary: fc.string({ unit: fc.constantFrom(...B64URL), minLength: 60, maxLength: 70 }), weight: 1 },
    { arbitrary: fc.string({ maxLength: 80 }), weight: 1 },
    { arbitrary: real.map((t) => t.toLowerCase()), weight: 1 },
  );
};

const suffixArb = fc.oneof(
  { arbitrary: fc.constantFrom('', '', '/p/1002', '/p/1005', '/password', '/email/send', '/comments', '/a/att2002', '/subscribe'), weight: 4 },
  fc.constantFrom(
    '', '/', '/p/1002', '/p/1004', '/p/1005', '/p/1006', '/p/1007', '/p/1008', '/p/2001', '/p/2002', '/p/00123', '/p/1e3', '/p/-1',
    '/password', '/email/send', '/email/verify', '/sso/start', '/sso/callback', '/comments', '/p/1002/comments', '/a/att2001',
    '/a/att2002', '/p/1001/a/att2002', '/p/2001/a/att2002', '/attachments', '/subscribe', `/unsubscribe/${'B'.repeat(22)}`,
    '/img/1001/diagram.png', '/img/2001/x.png', '/logout', '/../../etc/passwd', '/%2e%2e/', '/p/1002/../../p/2001',
  ),
  fc.stringMatching(/^\/p\/[0-9]{1,25}$/),
  fc.string({ maxLength: 40 }).map((s) => `/${s}`),
);

const pathArb = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.tuple(tokenArb(), suffixArb).map(([t, s]) => `/s/${t}${s}`), weight: 12 },
    { arbitrary: fc.constantFrom('/', '/s', '/s/', '/sso/callback', '/subscriptions/abc', `/export/${'E'.repeat(22)}`, '/export/x', '/favicon.ico', `/s/${'A'.repeat(2048)}`), weight: 1 },
    { arbitrary: fc.string({ maxLength: 60 }).map((s) => `/${s}`), weight: 1 },
  );

const methodArb = fc.oneof(
  { arbitrary: fc.constant('GET'), weight: 8 },
  { arbitrary: fc.constant('POST'), weight: 5 },
  { arbitrary: fc.constantFrom('HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'get', 'post', 'TRACE', ''), weight: 1 },
);

const cookieArb = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...pool.cookies),
    fc.subarray(pool.cookies, { minLength: 1 }).map((c) => c.join('; ')),
    fc.constantFrom(...pool.cookies).map((c) => `${c}; ${c.slice(0, c.indexOf('=') + 1)}evil`), // duplicate name (D6)
    fc.constantFrom(...pool.cookies).map((c) => `${c.slice(0, -3)}${c.slice(-3).split('').reverse().join('')}`), // tampered MAC
    fc.string({ maxLength: 120 }),
  );

const formValue = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(PASSWORD, 'wrong password', 'ann@acme.com', 'eve@evil.example', '123456', ''),
    fc.constantFrom(...pool.csrf, ...pool.tickets),
    fc.string({ maxLength: 60 }),
  );

const urlencodedArb = (): fc.Arbitrary<string> =>
  fc
    .array(fc.tuple(fc.constantFrom('csrf', 't', 'password', 'email', 'code', 'body', 'purpose', 'x'), formValue()), { maxLength: 6 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));

const multipartArb = (): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom(...pool.csrf, 'nope'), fc.string({ maxLength: 200 }), fc.constantFrom('a.txt', '../../x.exe', 'a"\r\nSet-Cookie: x=1.pdf', ''))
    .map(
      ([csrf, content, name]) =>
        `--XB\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n` +
        `--XB\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--XB--\r\n`,
    );

/**
 * Multipart bodies of every broken shape (issue 11, item 1: a body ending inside a file part killed the
 * process): truncated anywhere, nested multipart/mixed parts, too many or too large parts, odd, missing,
 * overlong or mismatched boundaries, and invalid part headers.
 */
const boundaryArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('XB', 'XB', '----WebKitFormBoundary7MA4YWxkTrZu0gW') },
  fc.constantFrom('XB', '----WebKitFormBoundary7MA4YWxkTrZu0gW', 'a', ' spaced ', '"quoted"', 'é-ünïcode', '--', 'x'.repeat(70), 'y'.repeat(300)),
  fc.string({ minLength: 1, maxLength: 40 }).filter((b) => !/[\r\n]/.test(b)),
);

const partArb = (): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(fc.constantFrom('text', 'text', 'name', 'password', 'email', 't', '__proto__', 'constructor', ''), formValue()).map(
        ([name, value]) => `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`,
      ),
    },
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.constantFrom('file', 'other', 'file'), fc.constantFrom('a.txt', 'notes.md', 'x.png', '', '../../x.exe', 'ä"\r\n.pdf'), fc.string({ maxLength: 200 }))
        .map(([name, fileName, content]) => `Content-Disposition: form-data; name="${name}"; filename="${fileName}"\r\nContent-Type: text/plain\r\n\r\n${content}`),
    },
    // Nested multipart (RFC 2388 "multipart/mixed" for several files in one field).
    fc.string({ maxLength: 60 }).map(
      (content) =>
        'Content-Disposition: form-data; name="file"\r\nContent-Type: multipart/mixed; boundary=INNER\r\n\r\n' +
        `--INNER\r\nContent-Disposition: file; filename="in.txt"\r\n\r\n${content}\r\n--INNER--`,
    ),
    // Invalid part headers: none, no colon, unknown disposition, garbage bytes, an endless header line.
    fc.constantFrom(
      '\r\nno headers at all',
      'Content-Disposition\r\n\r\nx',
      'Content-Disposition: attachment\r\n\r\nx',
      'X-Garbage: \u0000\u0001\u00ff\r\n\r\nx',
      `Content-Disposition: form-data; name="${'n'.repeat(20_000)}"\r\n\r\nx`,
      `X-Long: ${'h'.repeat(90_000)}\r\n\r\nx`,
      'Content-Disposition: form-data; name*=utf-8\'\'%E0%A4%A\r\n\r\nx',
    ),
    // Oversized: a field past the 8 KB field limit.
    fc.constant(`Content-Disposition: form-data; name="text"\r\n\r\n${'v'.repeat(9000)}`),
  );

const brokenMultipartArb = (): fc.Arbitrary<{ contentType: string; body: string }> =>
  fc
    .record({
      boundary: boundaryArb,
      /** The boundary the body actually uses: usually the declared one, sometimes another. */
      bodyBoundary: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: boundaryArb }),
      csrfFirst: fc.boolean(),
      parts: fc.oneof({ weight: 3, arbitrary: fc.array(partArb(), { maxLength: 4 }) }, { weight: 1, arbitrary: fc.array(partArb(), { maxLength: 14 }) }),
      closed: fc.constantFrom(true, true, true, false),
      /** Where the body is cut: undefined = whole. */
      cut: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
      typeForm: fc.constantFrom('param', 'param', 'param', 'quoted', 'missing', 'empty', 'duplicated', 'uppercase'),
    })
    .map(({ boundary, bodyBoundary, csrfFirst, parts, closed, cut, typeForm }) => {
      const used = bodyBoundary ?? boundary;
      const all = csrfFirst ? ['Content-Disposition: form-data; name="csrf"\r\n\r\nnone', ...parts] : parts;
      let body = all.map((part) => `--${used}\r\n${part}\r\n`).join('') + (closed ? `--${used}--\r\n` : '');
      if (cut !== undefined && body.length > 0) body = body.slice(0, cut % body.length);
      const contentType = {
        param: `multipart/form-data; boundary=${boundary}`,
        quoted: `multipart/form-data; boundary="${boundary}"`,
        missing: 'multipart/form-data',
        empty: 'multipart/form-data; boundary=',
        duplicated: `multipart/form-data; boundary=${boundary}; boundary=other`,
        uppercase: `MULTIPART/FORM-DATA; BOUNDARY=${boundary}`,
      }[typeForm];
      return { contentType, body };
    });

/** Multipart posts to every POST route, half of them from a link's own session (so CSRF passes and the form is used). */
const multipartPostArb = (): fc.Arbitrary<HttpRequest> =>
  fc
    .record({
      multipart: brokenMultipartArb(),
      session: fc.option(fc.constantFrom(...sessions), { nil: undefined }),
      token: tokenArb(),
      route: fc.constantFrom('/attachments', '/p/1002/attachments', '/comments', '/password', '/email/send', '/email/verify', '/subscribe', `/unsubscribe/${'B'.repeat(22)}`),
    })
    .map(({ multipart, session, token, route }) =>
      request('POST', `/s/${session?.token ?? token}${route}`, {
        headers: {
          'content-type': [multipart.contentType],
          'sec-fetch-site': ['same-origin'],
          origin: [BASE],
          ...(session ? { cookie: [session.cookie] } : {}),
        },
        body: session ? multipart.body.replace('name="csrf"\r\n\r\nnone', `name="csrf"\r\n\r\n${session.csrf}`) : multipart.body,
      }),
    );

/**
 * Cookie jars of a browser that visited many links, or of an attacker: many cookies, huge ones,
 * malformed ones, several Cookie headers (issue 11, items 1 and 5).
 */
const cookieJarArb = (): fc.Arbitrary<string[]> => {
  const malformed = fc.constantFrom('', ';', ';;;', '=', '=value', 'novalue', 'a=b=c', 'a="unterminated', 'a="q"', ' sp ace = x ', 'ü=ü', 'a=\u0000\u0001', 'a=%ZZ', '__proto__=1', 'constructor=x');
  const filler = fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/), fc.stringMatching(/^[A-Za-z0-9._~-]{0,80}$/)).map(([name, value]) => `${name}=${value}`);
  const cookie = fc.oneof({ arbitrary: filler, weight: 4 }, { arbitrary: malformed, weight: 2 }, { arbitrary: fc.constantFrom(...pool.cookies), weight: 2 });
  return fc.oneof(
    // Many cookies (a browser that opened 100+ links).
    fc.array(cookie, { minLength: 20, maxLength: 300 }).map((jar) => [jar.join('; ')]),
    // One huge cookie, or a real one after a huge one.
    fc.tuple(fc.integer({ min: 4_000, max: 40_000 }), fc.constantFrom(...pool.cookies)).map(([size, real]) => [`big=${'x'.repeat(size)}; ${real}`]),
    // Several Cookie header lines.
    fc.array(fc.array(cookie, { maxLength: 10 }).map((jar) => jar.join('; ')), { minLength: 2, maxLength: 5 }),
    fc.array(malformed, { minLength: 1, maxLength: 20 }).map((jar) => [jar.join('; ')]),
  );
};

/** Visits with hostile cookie jars, to every link and route. */
const cookieJarVisitArb = (): fc.Arbitrary<HttpRequest> =>
  fc
    .record({ method: fc.constantFrom('GET', 'GET', 'POST'), path: pathArb(), jar: cookieJarArb(), body: urlencodedArb() })
    .map(({ method, path, jar, body }) =>
      request(method, path, {
        headers: { cookie: jar, 'content-type': ['application/x-www-form-urlencoded'], 'sec-fetch-site': ['same-origin'], origin: [BASE] },
        body: method === 'POST' ? body : '',
      }),
    );

/** A well-formed form post from a link's own page: passes the CSRF check, exercises the gates and actions. */
const coherentPostArb = (): fc.Arbitrary<HttpRequest> =>
  fc
    .record({
      session: fc.constantFrom(...sessions),
      route: fc.constantFrom('/password', '/email/send', '/email/verify', '/comments', '/subscribe', '/p/1002/comments', '/logout'),
      useCookie: fc.boolean(),
      fields: fc.array(fc.tuple(fc.constantFrom('password', 'email', 'code', 'body', 'purpose'), formValue()), { maxLength: 3 }),
    })
    .map(({ session, route, useCookie, fields }) => {
      const pairs: [string, string][] = [['csrf', session.csrf], ...(useCookie ? [] : [['t', session.ticket] as [string, string]]), ...fields];
      return request('POST', `/s/${session.token}${route}`, {
        headers: {
          'content-type': ['application/x-www-form-urlencoded'],
          'sec-fetch-site': ['same-origin'],
          origin: [BASE],
          ...(useCookie ? { cookie: [session.cookie] } : {}),
        },
        body: pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
      });
    });

/** Requests to the password link carrying its passed session's cookie, intact or tampered. */
const passedVisitArb = (): fc.Arbitrary<HttpRequest> =>
  fc
    .record({
      method: fc.constantFrom('GET', 'GET', 'POST'),
      suffix: suffixArb,
      cookie: fc.constantFrom(
        passedCookie,
        `${passedCookie}; ${passedCookie.slice(0, passedCookie.indexOf('=') + 1)}evil`,
        `${passedCookie.slice(0, -2)}AA`,
        `${passedCookie.slice(0, passedCookie.indexOf('='))}x=${passedCookie.slice(passedCookie.indexOf('=') + 1)}`,
      ),
    })
    .map(({ method, suffix, cookie }) => request(method, `/s/${w.tokens.password}${suffix}`, { headers: { cookie: [cookie] } }));

const requestArb = (): fc.Arbitrary<HttpRequest> =>
  fc.oneof(
    { arbitrary: randomRequestArb(), weight: 8 },
    { arbitrary: coherentPostArb(), weight: 2 },
    { arbitrary: passedVisitArb(), weight: 1 },
    { arbitrary: multipartPostArb(), weight: 2 },
    { arbitrary: cookieJarVisitArb(), weight: 1 },
  );

const randomRequestArb = (): fc.Arbitrary<HttpRequest> =>
  fc
    .record(
      {
        method: methodArb,
        path: pathArb(),
        cookie: cookieArb(),
        contentType: fc.constantFrom(
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=XB',
          'multipart/form-data',
          'text/plain',
          'application/json',
          'application/x-www-form-urlencoded; charset=utf-7',
          '',
        ),
        origin: fc.constantFrom(BASE, 'https://evil.example', 'null', ''),
        fetchSite: fc.constantFrom('same-origin', 'cross-site', 'none', 'same-site', ''),
        forwardedFor: fc.oneof(fc.constantFrom('203.0.113.7', '198.51.100.1, 203.0.113.7', '::1', '[2001:db8::1]:443'), fc.string({ maxLength: 70 })),
        extra: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.toLowerCase()), fc.array(fc.string({ maxLength: 60 }), { maxLength: 2 }), {
          maxKeys: 3,
        }),
        query: fc.dictionary(fc.constantFrom('t', 'n', 'code', 'state', 'next', 'x'), fc.array(formValue(), { minLength: 1, maxLength: 2 }), { maxKeys: 3 }),
        body: fc.oneof(
          { arbitrary: fc.constant(''), weight: 2 },
          { arbitrary: urlencodedArb(), weight: 4 },
          { arbitrary: multipartArb(), weight: 2 },
          { arbitrary: fc.string({ maxLength: 300 }), weight: 1 },
        ),
      },
      { requiredKeys: ['method', 'path', 'body'] },
    )
    .map((r) => {
      const headers: Record<string, string[]> = { ...r.extra, host: ['share.example.test'] };
      if (r.cookie !== undefined) headers['cookie'] = [r.cookie];
      if (r.contentType) headers['content-type'] = [r.contentType];
      if (r.origin) headers['origin'] = [r.origin];
      if (r.fetchSite) headers['sec-fetch-site'] = [r.fetchSite];
      if (r.forwardedFor !== undefined) headers['x-forwarded-for'] = [r.forwardedFor];
      return { method: r.method, path: r.path, headers, query: r.query ?? {}, body: r.body };
    });

const bodyText = (response: HttpResponse): string =>
  typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString('latin1');

const headerValue = (response: HttpResponse, name: string): string =>
  Object.entries(response.headers)
    .filter(([key]) => key.toLowerCase() === name)
    .flatMap(([, values]) => values)
    .join(', ');

/** What no response may ever do, whatever the request. */
const checkResponse = (req: HttpRequest, response: HttpResponse): void => {
  const where = `${req.method} ${req.path.slice(0, 200)}`;
  expect(Number.isInteger(response.status), where).toBe(true);
  expect(response.status, where).toBeGreaterThanOrEqual(200);
  expect(response.status, where).toBeLessThan(500);
  expect(headerValue(response, 'cache-control'), where).toContain('no-store');
  expect(headerValue(response, 'referrer-policy'), where).toBe('no-referrer');
  const text = bodyText(response);
  expect(text, where).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(text, where).not.toMatch(/(TypeError|ReferenceError|DomainError|ZodError)/);
  const marked = markedPages(response);
  if (marked.size === 0) return;
  expect(mayServeContent(req), `content served for ${where} (${JSON.stringify(req.headers)})`).toBe(true);
  expect(response.status, where).toBe(200);
  const tree = req.path.startsWith(`/s/${w.tokens.password}`) ? new Set(['1002']) : OPEN_TREE;
  for (const pageId of marked) expect(tree.has(pageId), `page ${pageId} served outside the shared tree: ${where}`).toBe(true);
};

/**
 * The oracle: only two links can ever serve content to these requests (no generated request carries a
 * passed password, email or SSO session): the open link, and the IP-limited link (same tree) when the
 * right-most X-Forwarded-For entry, the hop our edge appends, is its one allowed address.
 */
const mayServeContent = (req: HttpRequest): boolean => {
  if (req.path.startsWith(`/s/${w.tokens.open}`)) return true;
  // The password link, only with the cookie of the session that passed its gate.
  if (req.path.startsWith(`/s/${w.tokens.password}`)) return (req.headers['cookie'] ?? []).some((c) => c.includes(passedCookie));
  const lastHop = (req.headers['x-forwarded-for'] ?? []).join(',').split(',').map((part) => part.trim()).filter((part) => part !== '').at(-1);
  return req.path.startsWith(`/s/${w.tokens.ipLimited}`) && lastHop === IP_LIMITED_ALLOWED;
};

describe('share handler under arbitrary requests', () => {
  it('never fails, never leaks a stack, and serves content only for the open link and its tree', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(requestArb(), async (req) => {
        const response = await w.handle(req);
        const servedBy = req.path.startsWith(`/s/${w.tokens.password}`) ? ' (password link)' : '';
        const key = `${response.status}${markedPages(response).size > 0 ? `+content${servedBy}` : ''}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        checkResponse(req, response);
      }),
      { numRuns: RUNS },
    );
    if (process.env['HARDENING_STATS']) console.log(Object.fromEntries([...outcomes].sort()));
    // The generator must reach the interesting outcomes, or the property proves little.
    expect([...outcomes.keys()].some((k) => k.endsWith('+content'))).toBe(true);
    if (RUNS >= 1000) expect(outcomes.get('200+content (password link)') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('404') ?? 0).toBeGreaterThan(0);
    expect([...outcomes.keys()].filter((k) => k !== '404' && !k.includes('+content')).length).toBeGreaterThan(2);
  }, 120_000);

  it('multipart bodies of any shape and hostile cookie jars get a clear answer: never a 5xx, a crash, an unhandled stream error or a hang', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
    const statuses = { multipart: new Map<number, number>(), jar: new Map<number, number>() };
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            multipartPostArb().map((req) => ({ kind: 'multipart' as const, req })),
            cookieJarVisitArb().map((req) => ({ kind: 'jar' as const, req })),
          ),
          async ({ kind, req }) => {
            let timer: ReturnType<typeof setTimeout> | undefined;
            const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 10_000)));
            const response = await Promise.race([w.handle(req), hung]).finally(() => clearTimeout(timer));
            expect(response, `${req.method} ${req.path.slice(0, 120)} hung`).not.toBe('hung');
            if (response === 'hung') return;
            const refusedForm = response.status === 400 && bodyText(response).includes('The form could not be read');
            const key = refusedForm ? 0 : response.status;
            statuses[kind].set(key, (statuses[kind].get(key) ?? 0) + 1);
            checkResponse(req, response);
          },
        ),
        { numRuns: Math.ceil(RUNS / 3) },
      );
      // Stream errors surface on later turns of the event loop: give them time to show.
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    }
    expect(uncaught).toEqual([]);
    if (process.env['HARDENING_STATS']) console.log(Object.fromEntries([...statuses.multipart].sort()), Object.fromEntries([...statuses.jar].sort()));
    // The generators must reach both the parser's refusals (counted as 0) and bodies it reads and a
    // route then uses (303 after an upload or a comment), or the property proves little.
    expect(statuses.multipart.get(0) ?? 0).toBeGreaterThan(0);
    expect(statuses.multipart.get(303) ?? 0).toBeGreaterThan(0);
    expect([...statuses.jar.keys()].some((status) => status === 200)).toBe(true);
  }, 300_000);

  it('malformed tokens cost no storage call (B1–B3); injected store failures give at most the generic 503', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb(), fc.nat(12), fc.constantFrom('reject', 'throw') as fc.Arbitrary<'reject' | 'throw'>, async (req, failAt, mode) => {
        const failing = failingStore(w.store, { failAt, mode });
        const response = await w.handle(req, failing.store);
        const segment = /^\/s\/([^/]*)/.exec(req.path)?.[1];
        if (segment !== undefined && !/^[A-Za-z0-9_-]{65}$/.test(segment)) expect(failing.calls, req.path).toEqual([]);
        if (response.status === 503 && failAt > 0 && failing.calls.length >= failAt) {
          // Only an injected failure may produce it, and then it is the generic page without content.
          expect(markedPages(response).size).toBe(0);
          return;
        }
        checkResponse(req, response);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  }, 120_000);

  it('every dead or refused link answers the byte-identical 404 of an unknown token (B4, B5, B12)', async () => {
    const unknown = await w.handle(request('GET', `/s/${'A'.repeat(65)}`));
    expect(unknown.status).toBe(404);
    const forged = `${w.tokens.open.slice(0, 22)}${'B'.repeat(43)}`;
    const refused = [w.tokens.disabled, w.tokens.rotatedOld, w.tokens.expired, w.tokens.opsDisabled, w.tokens.ipLimited, forged];
    for (const token of refused) {
      for (const suffix of ['', '/p/1002', '/a/att2002']) {
        const reply = await w.handle(request('GET', `/s/${token}${suffix}`, { headers: { 'x-forwarded-for': ['198.51.100.1'] } }));
        expect({ status: reply.status, headers: reply.headers }).toEqual({ status: unknown.status, headers: unknown.headers });
        expect(bodyText(reply)).toBe(bodyText(unknown));
      }
    }
  });

  it('a 300 KB body to every route of every link is refused or ignored cleanly', async () => {
    const big = 'a='.padEnd(300_000, 'x');
    for (const token of Object.values(w.tokens)) {
      for (const suffix of ['', '/password', '/email/send', '/comments', '/attachments', '/subscribe']) {
        for (const contentType of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=XB']) {
          const req = request('POST', `/s/${token}${suffix}`, { headers: { 'content-type': [contentType], 'sec-fetch-site': ['same-origin'] }, body: big });
          const reply = await w.handle(req);
          checkResponse(req, reply);
          expect(reply.status).toBeGreaterThanOrEqual(400);
        }
      }
    }
  });

  it('the oracle can fail: the open link serves its root and a child page', async () => {
    const root = await w.handle(request('GET', `/s/${w.tokens.open}`));
    const child = await w.handle(request('GET', `/s/${w.tokens.open}/p/1005`));
    expect([...markedPages(root)]).toContain('1001');
    expect([...markedPages(child)]).toContain('1005');
    // …and pages outside its tree are refused with the generic 404.
    for (const pageId of ['1006', '1007', '1008', '2001']) {
      const outside = await w.handle(request('GET', `/s/${w.tokens.open}/p/${pageId}`));
      expect(outside.status).toBe(404);
      expect(markedPages(outside).size).toBe(0);
    }
  });

  it('gated and dead links never read page content from Confluence (no prefetch before a gate)', async () => {
    const reads: string[] = [];
    const content = interceptCalls(w.deps.content, (method, proceed) => {
      if (['getPage', 'getDescendants', 'listComments', 'listAttachments'].includes(method)) reads.push(method);
      return proceed();
    });
    const { createShareHandler } = await import('../../src/web/share-handler');
    const handler = createShareHandler({ ...w.deps, content });
    for (const name of ['password', 'email', 'disabled', 'rotatedOld', 'expired', 'ipLimited'] as const) {
      reads.length = 0;
      const reply = await handler(request('GET', `/s/${w.tokens[name]}`, { headers: { 'x-forwarded-for': ['198.51.100.1'] } }));
      expect({ name, reads: [...reads], marked: markedPages(reply).size }).toEqual({ name, reads: [], marked: 0 });
    }
    // Control: the open link does read.
    reads.length = 0;
    await handler(request('GET', `/s/${w.tokens.open}`));
    expect(reads).toContain('getPage');
  });

  it('a link the space policy denies may be read ahead (link + global allowed) but is never rendered', async () => {
    // opsDisabled: link and global policy allow, the OPS space has sharing disabled.
    const reply = await w.handle(request('GET', `/s/${w.tokens.opsDisabled}`));
    expect(reply.status).toBe(404);
    expect(markedPages(reply).size).toBe(0);
    const unknown = await w.handle(request('GET', `/s/${'A'.repeat(65)}`));
    expect(bodyText(reply)).toBe(bodyText(unknown));
  });
});
