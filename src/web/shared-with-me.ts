/**
 * `<base>/shared-with-me`: "Pages shared with me", External Share's dashboard without an account. A
 * recipient proves their address once with a one-time code, then sees the active links whose selected
 * users name that address exactly (a domain entry lists nothing here: it names no one in particular),
 * each with the link's URL when the app keeps it (links from before re-sharing have none).
 *
 * The send reply is the same for every address, whether or not any link names it. The proof lives in a
 * signed HttpOnly cookie scoped to this path (12 hours); forms carry a CSRF token bound to it. Opening a
 * link still passes all of its gates: this page only says which links exist for the address.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AppDeps } from '../app/deps';
import { openLinkToken } from '../app/token-vault';
import { normalizeVisitorEmail } from '../app/view/email-code';
import { defaultGlobalConfig, defaultSiteSettings } from '../core/defaults';
import type { ShareLink, SpaceConfig } from '../core/model';
import { effectivePolicy, linkEffectiveStatus, narrowLinkSelectedUsers, resolveSpaceLevel } from '../core/policy';
import { parseForm } from './forms';
import { header, type HttpRequest, type HttpResponse } from './http';
import { stripUnsafeCharacters } from './render/escape';
import { renderSharedWithMe, type SharedWithMeEntry } from './render/pages';
import { htmlResponse, redirectResponse } from './responses';
import { cookiePolicyFor, keyedDigest, loadSessionKey, readCookie, serializeSessionCookie, type CookiePolicy } from './session';

export const SHARED_WITH_ME_PATH = '/shared-with-me';
const SESSION_MS = 12 * 60 * 60 * 1000;
const CODE_MS = 10 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
export const ME_SENDS_PER_CLIENT_PER_HOUR = 10;
export const ME_SENDS_PER_ADDRESS_PER_HOUR = 5;
export const ME_VERIFY_ATTEMPTS = 5;
/** Links looked at per listing (100 per store page). */
export const ME_MAX_LINKS_SCANNED = 2000;
const MAX_ENTRIES = 100;

interface MeSession {
  sid: string;
  email: string | null;
  exp: number;
}

const sameBytes = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const sign = (key: Buffer, session: MeSession): string => {
  const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
  return `${payload}.${keyedDigest(key, 'ss-me-v1', payload)}`;
};

const verify = (key: Buffer, value: string | null, now: number): MeSession | null => {
  if (!value) return null;
  const [payload, mac, extra] = value.split('.');
  if (!payload || !mac || extra !== undefined || !sameBytes(mac, keyedDigest(key, 'ss-me-v1', payload))) return null;
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<MeSession>;
    if (typeof parsed.sid !== 'string' || typeof parsed.exp !== 'number' || parsed.exp <= now) return null;
    const email = typeof parsed.email === 'string' ? parsed.email : null;
    return { sid: parsed.sid, email, exp: parsed.exp };
  } catch {
    return null;
  }
};

interface MeContext {
  deps: AppDeps;
  req: HttpRequest;
  key: Buffer;
  now: number;
  base: string;
  branding: ReturnType<typeof defaultSiteSettings>['customization'];
  clientIpHeader: string;
  cookie: { name: string; policy: CookiePolicy };
  session: MeSession;
  fresh: boolean;
  csrf: string;
}

const cookieFor = (ctx: MeContext, session: MeSession | null): string =>
  serializeSessionCookie(ctx.cookie.name, session ? sign(ctx.key, session) : '', session ? (session.exp - ctx.now) / 1000 : 0, ctx.cookie.policy);

const page = (ctx: MeContext, status: number, view: Parameters<typeof renderSharedWithMe>[0]['view'], extraCookies: string[] = []): HttpResponse =>
  htmlResponse(
    status,
    renderSharedWithMe({ branding: ctx.branding, action: `${ctx.base}${SHARED_WITH_ME_PATH}`, csrf: ctx.csrf, view }),
    [...(ctx.fresh ? [cookieFor(ctx, ctx.session)] : []), ...extraCookies],
    ctx.branding,
  );

/** The client the send caps count against: the right-most entry of the configured client-IP header. */
const clientOf = (ctx: MeContext): string => {
  const entries = (ctx.req.headers[ctx.clientIpHeader.toLowerCase()] ?? ctx.req.headers['x-forwarded-for'] ?? []).join(',').split(',');
  return keyedDigest(ctx.key, 'me-client', (entries.at(-1) ?? '').trim().slice(0, 64) || 'unknown');
};

const codeKey = (ctx: MeContext, email: string): string => `me-code:${keyedDigest(ctx.key, 'me-code', `${email}|${ctx.session.sid}`)}`;

const newCode = (deps: AppDeps): string => {
  for (;;) {
    const sample = Buffer.from(deps.random.bytes(4)).readUInt32BE(0);
    if (sample < 4_294_000_000) return String(sample % 1_000_000).padStart(6, '0');
  }
};

const sendCode = async (ctx: MeContext, email: string): Promise<void> => {
  const hour = Math.floor(ctx.now / HOUR_MS);
  const end = (hour + 1) * HOUR_MS;
  const counters = ctx.deps.store.counters;
  const [perClient, perAddress] = await Promise.all([
    counters.increment(`me-send:c:${clientOf(ctx)}:${hour}`, end),
    counters.increment(`me-send:e:${keyedDigest(ctx.key, 'me-email', email)}:${hour}`, end),
  ]);
  if (perClient > ME_SENDS_PER_CLIENT_PER_HOUR || perAddress > ME_SENDS_PER_ADDRESS_PER_HOUR) return;
  const code = newCode(ctx.deps);
  await ctx.deps.store.ephemeral.put({
    key: codeKey(ctx, email),
    value: { code: keyedDigest(ctx.key, 'me-code-value', code), attempts: 0 },
    expiresAt: ctx.now + CODE_MS,
  });
  await ctx.deps.mailer
    .send({
      to: [email],
      subject: `Your code: ${code}`,
      text: `Your one-time code to see the pages shared with you is ${code}.\n\nIt is valid for 10 minutes. If you did not ask for it, ignore this email.\n`,
      html: `<p>Your one-time code to see the pages shared with you is</p><p style="font-size:24px;font-weight:700;letter-spacing:4px">${code}</p><p>It is valid for 10 minutes. If you did not ask for it, ignore this email.</p>`,
      kind: 'code',
    })
    .catch(() => undefined);
};

type VerifyOutcome = 'verified' | 'wrong' | 'exhausted';

const verifyCode = async (ctx: MeContext, email: string, code: string): Promise<VerifyOutcome> => {
  const key = codeKey(ctx, email);
  const record = await ctx.deps.store.ephemeral.get(key, ctx.now);
  if (!record || typeof record.value['code'] !== 'string') return 'wrong';
  if (sameBytes(record.value['code'], keyedDigest(ctx.key, 'me-code-value', code))) {
    return (await ctx.deps.store.ephemeral.take(key, ctx.now)) ? 'verified' : 'wrong';
  }
  const attempts = (typeof record.value['attempts'] === 'number' ? record.value['attempts'] : 0) + 1;
  if (attempts >= ME_VERIFY_ATTEMPTS) {
    await ctx.deps.store.ephemeral.delete(key);
    return 'exhausted';
  }
  await ctx.deps.store.ephemeral.put({ ...record, value: { ...record.value, attempts } });
  return 'wrong';
};

/** Whether the link's own list names `email` exactly (domain entries name no one in particular). */
const namesExactly = (entries: readonly string[], email: string): boolean => entries.some((entry) => entry.trim().toLowerCase() === email);

/** The active links whose effective selected users name `email` exactly, newest first, with their URLs. */
export const linksSharedWith = async (deps: AppDeps, email: string, now: number, base: string): Promise<SharedWithMeEntry[]> => {
  const named: ShareLink[] = [];
  let cursor: string | undefined;
  for (let scanned = 0; scanned < ME_MAX_LINKS_SCANNED; ) {
    const page = await deps.store.links.list({ status: 'active' }, { limit: 100, ...(cursor ? { cursor } : {}) });
    scanned += page.items.length;
    named.push(...page.items.filter((link) => namesExactly(link.selectedUsers, email)));
    if (!page.nextCursor || page.items.length === 0) break;
    cursor = page.nextCursor;
  }
  const [storedGlobal, registry] = await Promise.all([deps.store.configs.getGlobal(), deps.store.configs.getRegistry()]);
  const global = storedGlobal ?? defaultGlobalConfig(now);
  const spaces = new Map<string, Promise<SpaceConfig | undefined>>();
  const spaceOf = (key: string): Promise<SpaceConfig | undefined> => {
    let found = spaces.get(key);
    if (!found) {
      found = deps.store.configs.getSpace(key);
      spaces.set(key, found);
    }
    return found;
  };
  const entries = await Promise.all(
    named.map(async (link): Promise<SharedWithMeEntry | null> => {
      const policy = effectivePolicy(global, resolveSpaceLevel(link.spaceKey, await spaceOf(link.spaceKey), registry, now).config);
      if (linkEffectiveStatus(link, policy, now).effectiveStatus !== 'active') return null;
      // The policy may narrow the link's list; the address must still be named in what applies.
      if (!namesExactly(narrowLinkSelectedUsers(link.selectedUsers, policy), email)) return null;
      const token = await openLinkToken(deps, link).catch(() => undefined);
      return {
        pageTitle: stripUnsafeCharacters(link.pageTitle),
        url: token ? `${base}/s/${token}` : null,
        expiresAt: link.expiresAt,
        needsPassword: link.passwordHash !== null,
        needsSignIn: link.requireSso || policy.requires.sso.value,
        createdAt: link.createdAt,
      };
    }),
  );
  return entries
    .filter((entry): entry is SharedWithMeEntry => entry !== null)
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, MAX_ENTRIES);
};

const sameOrigin = (req: HttpRequest): boolean => {
  const site = header(req, 'sec-fetch-site');
  return site === undefined || site === 'same-origin' || site === 'none';
};

/** Answers /shared-with-me and below; null for any other path. */
export const handleSharedWithMe = async (deps: AppDeps, req: HttpRequest): Promise<HttpResponse | null> => {
  const step = req.path === SHARED_WITH_ME_PATH ? 'home' : req.path.startsWith(`${SHARED_WITH_ME_PATH}/`) ? req.path.slice(SHARED_WITH_ME_PATH.length + 1) : null;
  if (step === null) return null;
  const method = req.method.toUpperCase();
  const [key, storedSite, shareBase] = await Promise.all([
    loadSessionKey(deps.store.secrets, (n) => deps.random.bytes(n)),
    deps.store.configs.getSite(),
    deps.shareBaseUrl(),
  ]);
  const now = deps.clock.now();
  const site = storedSite ?? defaultSiteSettings(now);
  const base = (site.customDomain ?? shareBase).replace(/\/+$/, '');
  let basePath = '';
  try {
    basePath = new URL(base).pathname.replace(/\/+$/, '');
  } catch {
    basePath = '';
  }
  const policy: CookiePolicy = { ...cookiePolicyFor(base), path: `${basePath}${SHARED_WITH_ME_PATH}` };
  const cookieName = `${policy.secure ? '__Secure-' : ''}ss_me`;
  const presented = verify(key, readCookie(req, cookieName), now);
  const session = presented ?? { sid: Buffer.from(deps.random.bytes(16)).toString('base64url'), email: null, exp: now + SESSION_MS };
  const ctx: MeContext = {
    deps,
    req,
    key,
    now,
    base,
    branding: site.customization,
    clientIpHeader: site.clientIpHeader,
    cookie: { name: cookieName, policy },
    session,
    fresh: presented === null,
    csrf: keyedDigest(key, 'ss-me-csrf', session.sid),
  };
  const home = `${base}${SHARED_WITH_ME_PATH}`;

  if (method === 'GET' && step === 'home') {
    if (session.email === null) return page(ctx, 200, { step: 'ask' });
    return page(ctx, 200, { step: 'list', email: session.email, entries: await linksSharedWith(deps, session.email, now, base) });
  }
  if (method !== 'POST' || !['send', 'verify', 'leave'].includes(step)) {
    const refused = page(ctx, method === 'GET' ? 404 : 405, { step: 'ask', error: 'This address does not accept that kind of request.' });
    return method === 'GET' ? refused : { ...refused, headers: { ...refused.headers, Allow: ['GET'] } };
  }
  const parsed = await parseForm(req);
  const fields = parsed.ok ? parsed.form.fields : {};
  if (!parsed.ok || presented === null || !sameOrigin(req) || !sameBytes(fields['csrf'] ?? '', ctx.csrf)) {
    return page(ctx, 403, { step: 'ask', error: 'This form has expired or was not sent from this page. Try again.' });
  }
  if (step === 'leave') return redirectResponse(home, [cookieFor(ctx, null)]);
  const email = normalizeVisitorEmail(fields['email'] ?? '');
  if (email === null) return page(ctx, 400, { step: 'ask', error: 'Enter a valid email address, like name@example.com.' });
  if (step === 'send') {
    await sendCode(ctx, email);
    return page(ctx, 200, { step: 'verify', email });
  }
  const code = (fields['code'] ?? '').trim();
  if (!/^[0-9]{6}$/.test(code)) return page(ctx, 400, { step: 'verify', email, error: 'Enter the 6-digit code from the email.' });
  const outcome = await verifyCode(ctx, email, code);
  if (outcome === 'exhausted') return page(ctx, 429, { step: 'ask', error: 'Too many wrong codes. Request a new code.' });
  if (outcome === 'wrong') return page(ctx, 401, { step: 'verify', email, error: 'The code is wrong or has expired. Check it or request a new code.' });
  return redirectResponse(home, [cookieFor(ctx, { sid: session.sid, email, exp: now + SESSION_MS })]);
};
