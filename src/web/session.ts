import { createHmac, timingSafeEqual } from 'node:crypto';
import { stringifySetCookie } from 'cookie';
import * as z from 'zod/mini';
import type { SecretStore } from '../app/ports';
import type { HttpRequest } from './http';

/**
 * Visitor sessions. A session is a signed value, never a stored record: base64url(JSON payload) "."
 * base64url(HMAC-SHA256(installation key, domain | payload)). It is bound to one link and to the link's
 * epoch, so rotating, disabling or changing the password of a link kills every session at once (T5).
 *
 * Carriers:
 * - cookie `__Secure-ss_<first 8 chars of link id>` (HttpOnly; Secure; SameSite=Lax), valid ≤ 12 h, scoped
 *   to the link's own path `<base path>/s/<token>`: a browser sends each link only its own cookie, so
 *   a visitor who opened hundreds of links still sends a short Cookie header (issue 11: ~28 cookies at
 *   Path=/ overflowed the header cap and broke every session and SSO callback). `__Host-` would demand
 *   Path=/, hence `__Secure-`: still Secure-only and host-only (no Domain is ever set);
 * - a "ticket" with the same payload but ≤ 15 min lifetime, carried in forms (hidden field `t`) and, when
 *   the browser did not return the cookie, in the page's links (`?t=`). This is the fallback for a web
 *   trigger host where cookies do not survive (T6, spike S2).
 *
 * The cookie never authorizes content by itself: the policy decision runs on every request and only
 * reads which gates the session has passed.
 */

export const SESSION_KEY_SECRET = 'share-session-key';
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;
export const TICKET_MAX_AGE_MS = 15 * 60 * 1000;

const payloadSchema = z.object({
  v: z.literal(1),
  k: z.enum(['c', 't']),
  sid: z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/)),
  lid: z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/)),
  ep: z.int().check(z.nonnegative()),
  pw: z.boolean(),
  em: z.nullable(z.string().check(z.maxLength(254))),
  sso: z.nullable(z.string().check(z.maxLength(254))),
  iat: z.int(),
  /** End of this carrier (cookie: = end; ticket: ≤ 15 min after iat). */
  exp: z.int(),
  /** Absolute end of the session, whatever carries it. */
  end: z.int(),
});

export type SessionPayload = z.infer<typeof payloadSchema>;

/** What a session proves, independent of how it travelled. */
export interface VisitorSession {
  sessionId: string;
  linkId: string;
  epoch: number;
  passwordPassed: boolean;
  verifiedEmail: string | null;
  ssoEmail: string | null;
  issuedAt: number;
  /** Absolute end of the session (cookie lifetime); tickets end earlier. */
  expiresAt: number;
}

/** Loads the per-installation HMAC key, creating it (256 bits) on first use. */
export const loadSessionKey = async (
  secrets: SecretStore,
  randomBytes: (n: number) => Uint8Array,
): Promise<Buffer> => {
  const existing = await secrets.get(SESSION_KEY_SECRET);
  if (existing) return Buffer.from(existing, 'base64url');
  const created = Buffer.from(randomBytes(32)).toString('base64url');
  // Create-only (KVS FAIL_IF_EXISTS): of first requests racing, one key is stored and every one uses it.
  if (await secrets.createIfAbsent(SESSION_KEY_SECRET, created)) return Buffer.from(created, 'base64url');
  const stored = await secrets.get(SESSION_KEY_SECRET);
  if (!stored) throw new Error('session key could not be stored');
  return Buffer.from(stored, 'base64url');
};

const mac = (key: Buffer, domain: string, value: string): Buffer =>
  createHmac('sha256', key).update(`${domain}|${value}`, 'utf8').digest();

/** Constant-time comparison of a presented base64url MAC with the expected digest (fixed 32-byte length). */
const macMatches = (presented: string, expected: Buffer): boolean => {
  if (!/^[A-Za-z0-9_-]{43}$/.test(presented)) return false;
  const actual = Buffer.from(presented, 'base64url');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};

export const signSession = (key: Buffer, payload: SessionPayload): string => {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${mac(key, 'ss-sess-v1', body).toString('base64url')}`;
};

/** Verifies signature, shape, link, epoch and lifetime; anything off means "no session". */
export const verifySession = (
  key: Buffer,
  value: string,
  expect: { linkId: string; epoch: number; now: number; kind: 'c' | 't' },
): VisitorSession | null => {
  if (value.length > 2048) return null;
  const dot = value.indexOf('.');
  if (dot <= 0 || dot !== value.lastIndexOf('.')) return null;
  const body = value.slice(0, dot);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
  if (!macMatches(value.slice(dot + 1), mac(key, 'ss-sess-v1', body))) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(decoded);
  if (!parsed.success) return null;
  const p = parsed.data;
  const maxAge = p.k === 'c' ? SESSION_MAX_AGE_MS : TICKET_MAX_AGE_MS;
  if (p.k !== expect.kind || p.lid !== expect.linkId || p.ep !== expect.epoch) return null;
  // exp is exclusive; iat may not lie in the future beyond a minute of skew (D4).
  if (expect.now >= p.exp || expect.now >= p.end || p.exp > p.end) return null;
  if (p.iat > expect.now + 60_000 || p.exp - p.iat > maxAge || p.end - p.iat > SESSION_MAX_AGE_MS) return null;
  return {
    sessionId: p.sid,
    linkId: p.lid,
    epoch: p.ep,
    passwordPassed: p.pw,
    verifiedEmail: p.em,
    ssoEmail: p.sso,
    issuedAt: p.iat,
    expiresAt: p.end,
  };
};

export const sessionPayload = (session: VisitorSession, kind: 'c' | 't', now: number): SessionPayload => ({
  v: 1,
  k: kind,
  sid: session.sessionId,
  lid: session.linkId,
  ep: session.epoch,
  pw: session.passwordPassed,
  em: session.verifiedEmail,
  sso: session.ssoEmail,
  iat: now,
  exp: kind === 'c' ? session.expiresAt : Math.min(session.expiresAt, now + TICKET_MAX_AGE_MS),
  end: session.expiresAt,
});

export const newSession = (
  linkId: string,
  epoch: number,
  now: number,
  randomBytes: (n: number) => Uint8Array,
): VisitorSession => ({
  sessionId: Buffer.from(randomBytes(16)).toString('base64url'),
  linkId,
  epoch,
  passwordPassed: false,
  verifiedEmail: null,
  ssoEmail: null,
  issuedAt: now,
  expiresAt: now + SESSION_MAX_AGE_MS,
});

/**
 * Cookie naming and scope. The `__Secure-` prefix requires Secure, which a browser refuses over plain
 * http, so for the local server on http://localhost the cookie drops the prefix and the Secure flag.
 * Any other base URL (the web trigger, a custom domain) always gets the prefixed, Secure form. `path`
 * is the link's own path (see linkCookiePath); without one the cookie is site-wide (Path=/).
 */
export interface CookiePolicy {
  secure: boolean;
  path?: string;
}

export const cookiePolicyFor = (publicBaseUrl: string): CookiePolicy => {
  try {
    const url = new URL(publicBaseUrl);
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    return { secure: !(url.protocol === 'http:' && local) };
  } catch {
    return { secure: true };
  }
};

/** `<path of the public base>/s/<token>`: where a browser shows the link, so where its cookie belongs. */
export const linkCookiePath = (publicBaseUrl: string, token: string): string => {
  let basePath = '';
  try {
    basePath = new URL(publicBaseUrl).pathname.replace(/\/+$/, '');
  } catch {
    basePath = '';
  }
  return `${basePath}/s/${token}`;
};

export const sessionCookieName = (linkId: string, policy: CookiePolicy): string =>
  `${policy.secure ? '__Secure-' : ''}ss_${linkId.slice(0, 8)}`;

export const serializeSessionCookie = (
  name: string,
  value: string,
  maxAgeSeconds: number,
  policy: CookiePolicy,
): string =>
  stringifySetCookie({
    name,
    value,
    maxAge: Math.max(0, Math.floor(maxAgeSeconds)),
    httpOnly: true,
    secure: policy.secure,
    path: policy.path ?? '/',
    sameSite: 'lax',
  });

/** How much of a Cookie header is looked at, and the longest value taken from it. */
export const MAX_COOKIE_HEADER_SCAN = 64 * 1024;
const MAX_COOKIE_VALUE = 4096;

/**
 * The value of cookie `name` from the request, or null. A header that carries the name twice is refused
 * as ambiguous: a sibling app could toss a second one (D6). An oversized header is not refused as a
 * whole: the cookies in it are scanned (the first MAX_COOKIE_HEADER_SCAN characters) and the others are
 * simply ignored, so stray cookies on the host cannot break this link's session.
 */
export const readCookie = (req: HttpRequest, name: string): string | null => {
  const raw = (req.headers['cookie'] ?? []).join('; ');
  if (raw === '') return null;
  const scanned = raw.length > MAX_COOKIE_HEADER_SCAN ? raw.slice(0, MAX_COOKIE_HEADER_SCAN) : raw;
  let found: string | null = null;
  let occurrences = 0;
  for (const part of scanned.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    occurrences += 1;
    found = part.slice(eq + 1).trim();
  }
  if (occurrences !== 1 || found === null || found.length > MAX_COOKIE_VALUE) return null;
  const unquoted = found.length >= 2 && found.startsWith('"') && found.endsWith('"') ? found.slice(1, -1) : found;
  return unquoted === '' ? null : decodeCookieValue(unquoted);
};

const decodeCookieValue = (value: string): string | null => {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
};

/** CSRF token bound to the link and the session id (signed double submit, T9). */
export const csrfToken = (key: Buffer, linkId: string, sessionId: string): string =>
  mac(key, 'ss-csrf-v1', `${linkId}|${sessionId}`).toString('base64url');

export const csrfMatches = (key: Buffer, linkId: string, sessionId: string, presented: string): boolean =>
  macMatches(presented, mac(key, 'ss-csrf-v1', `${linkId}|${sessionId}`));

/** Signature for an unsubscribe link (`?sig=`). */
export const unsubscribeSignature = (key: Buffer, subscriptionId: string): string =>
  mac(key, 'ss-unsub-v1', subscriptionId).toString('base64url');

export const unsubscribeSignatureMatches = (key: Buffer, subscriptionId: string, presented: string): boolean =>
  macMatches(presented, mac(key, 'ss-unsub-v1', subscriptionId));

/** Keyed digest used for one-time codes and counter keys (never stores an address or a code in clear). */
export const keyedDigest = (key: Buffer, domain: string, value: string): string =>
  mac(key, domain, value).toString('base64url');
