import { describe, expect, it } from 'vitest';
import {
  cookiePolicyFor,
  csrfMatches,
  csrfToken,
  linkCookiePath,
  newSession,
  readCookie,
  serializeSessionCookie,
  sessionCookieName,
  sessionPayload,
  signSession,
  verifySession,
  SESSION_MAX_AGE_MS,
  TICKET_MAX_AGE_MS,
} from '../../src/web/session';
import type { HttpRequest } from '../../src/web/http';

const key = Buffer.alloc(32, 1);
const otherKey = Buffer.alloc(32, 2);
const linkId = 'L'.repeat(22);
const now = 1_800_000_000_000;
const bytes = (n: number) => new Uint8Array(n).fill(9);

describe('signed sessions', () => {
  const session = { ...newSession(linkId, 3, now, bytes), passwordPassed: true };
  const cookie = signSession(key, sessionPayload(session, 'c', now));
  const expect3 = { linkId, epoch: 3, now, kind: 'c' as const };

  it('round-trips and carries the passed gates', () => {
    expect(verifySession(key, cookie, expect3)).toMatchObject({ passwordPassed: true, epoch: 3, linkId });
  });

  it('rejects another key, link, epoch or carrier kind', () => {
    expect(verifySession(otherKey, cookie, expect3)).toBeNull();
    expect(verifySession(key, cookie, { ...expect3, linkId: 'M'.repeat(22) })).toBeNull();
    expect(verifySession(key, cookie, { ...expect3, epoch: 4 })).toBeNull();
    expect(verifySession(key, cookie, { ...expect3, kind: 't' })).toBeNull();
  });

  it('expires: cookie after 12 h, ticket after 15 min; a future iat beyond a minute is refused', () => {
    expect(verifySession(key, cookie, { ...expect3, now: now + SESSION_MAX_AGE_MS - 1 })).not.toBeNull();
    expect(verifySession(key, cookie, { ...expect3, now: now + SESSION_MAX_AGE_MS })).toBeNull();
    const ticket = signSession(key, sessionPayload(session, 't', now));
    expect(verifySession(key, ticket, { ...expect3, kind: 't', now: now + TICKET_MAX_AGE_MS - 1 })).not.toBeNull();
    expect(verifySession(key, ticket, { ...expect3, kind: 't', now: now + TICKET_MAX_AGE_MS })).toBeNull();
    const early = signSession(key, { ...sessionPayload(session, 'c', now), iat: now + 10 * 60_000 });
    expect(verifySession(key, early, expect3)).toBeNull();
  });

  it('a signed payload that claims a lifetime over 12 h is refused', () => {
    const long = signSession(key, { ...sessionPayload(session, 'c', now), exp: now + SESSION_MAX_AGE_MS * 2, end: now + SESSION_MAX_AGE_MS * 2 });
    expect(verifySession(key, long, expect3)).toBeNull();
  });

  it('never throws on garbage', () => {
    for (const value of ['', '.', 'a.b', `${'x'.repeat(5000)}.y`, 'eyJ9.AAAA', `${cookie}x`, cookie.replace('.', '..')]) {
      expect(verifySession(key, value, expect3)).toBeNull();
    }
  });
});

describe('CSRF tokens and cookie naming', () => {
  it('bind to link and session', () => {
    const token = csrfToken(key, linkId, 'S'.repeat(22));
    expect(csrfMatches(key, linkId, 'S'.repeat(22), token)).toBe(true);
    expect(csrfMatches(key, linkId, 'T'.repeat(22), token)).toBe(false);
    expect(csrfMatches(key, 'M'.repeat(22), 'S'.repeat(22), token)).toBe(false);
    expect(csrfMatches(key, linkId, 'S'.repeat(22), token.slice(0, -1))).toBe(false);
  });

  it('uses __Secure- everywhere except plain http on localhost', () => {
    expect(sessionCookieName(linkId, cookiePolicyFor('https://abc.webtrigger.atlassian.app/x1/y'))).toBe('__Secure-ss_LLLLLLLL');
    expect(sessionCookieName(linkId, cookiePolicyFor('https://share.acme.example'))).toBe('__Secure-ss_LLLLLLLL');
    expect(sessionCookieName(linkId, cookiePolicyFor('http://localhost:8787'))).toBe('ss_LLLLLLLL');
    expect(cookiePolicyFor('http://evil.example').secure).toBe(true);
  });

  it('scopes the cookie to the link path below the public base (a web trigger URL has a path of its own)', () => {
    expect(linkCookiePath('https://abc.webtrigger.atlassian.app/x1/y/', 'TOKEN')).toBe('/x1/y/s/TOKEN');
    expect(linkCookiePath('https://share.acme.example', 'TOKEN')).toBe('/s/TOKEN');
    const cookie = serializeSessionCookie('__Secure-ss_LLLLLLLL', 'v', 60, { secure: true, path: '/x1/y/s/TOKEN' });
    expect(cookie).toContain('Path=/x1/y/s/TOKEN');
    expect(cookie).toContain('Secure');
    expect(cookie).not.toMatch(/Domain=/i);
  });
});

describe('reading the Cookie header', () => {
  const request = (cookie: string): HttpRequest => ({ method: 'GET', path: '/', headers: { cookie: [cookie] }, query: {}, body: '' });

  it('finds the cookie in an oversized header instead of giving up on the whole header', () => {
    const junk = Array.from({ length: 60 }, (_, i) => `stale_${i}=${'x'.repeat(300)}`).join('; ');
    expect(junk.length).toBeGreaterThan(8192);
    expect(readCookie(request(`${junk}; ss_A=value1`), 'ss_A')).toBe('value1');
    expect(readCookie(request(`ss_A=value1; ${junk}`), 'ss_A')).toBe('value1');
  });

  it('refuses a duplicated name, empty and over-long values; decodes like a browser sends', () => {
    expect(readCookie(request('ss_A=a; ss_A=a'), 'ss_A')).toBeNull();
    expect(readCookie(request('ss_A='), 'ss_A')).toBeNull();
    expect(readCookie(request(`ss_A=${'y'.repeat(5000)}`), 'ss_A')).toBeNull();
    expect(readCookie(request('ss_A="quoted"'), 'ss_A')).toBe('quoted');
    expect(readCookie(request('ss_A=a%2Eb'), 'ss_A')).toBe('a.b');
    expect(readCookie(request('ss_A=%E0%A4%A'), 'ss_A')).toBeNull();
    expect(readCookie(request('xss_A=1; ss_AB=2'), 'ss_A')).toBeNull();
  });
});
