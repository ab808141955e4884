import * as z from 'zod/mini';
import { parseSelectedUser } from '../../core/selected-users';
import type { AppDeps } from '../deps';
import { linkAuditScope, maskEmail, recordAudit } from '../audit';
import type { ShareLink } from '../../core/model';

/**
 * One-time email codes (selected users gate, subscription confirmation). A code is 6 digits from the
 * injected CSPRNG, stored only as a keyed digest, valid 10 minutes, single use (store `take`), at most
 * 5 verify attempts. A code belongs to the browser session that asked for it: each session holds its
 * own code for an address, so a request from another browser (an attacker's) never replaces or voids
 * it; a resend from the same session replaces that session's code.
 *
 * Sending is capped so that nobody holding the URL can shut the gate for a listed recipient (issue 11):
 * - per (link, address, client) and per (link, address): a client cannot flood one inbox, and the
 *   inbox gets at most SENDS_PER_ADDRESS_PER_HOUR codes an hour whoever asks;
 * - per (link, client): one client sends at most SENDS_PER_CLIENT_PER_HOUR codes an hour;
 * - per link, listed addresses only: unlisted requests count in budgets of their own and never touch
 *   the link's. An address's first code of the hour is never refused by the link budget, so guessing
 *   or spraying listed addresses from many clients cannot starve the other recipients either.
 * Known limit: the per-address cap is an inbox guard and stays hard, so an attacker on several
 * addresses who knows a listed address can use up that one address's codes for the hour (no other
 * recipient is affected, and a code already sent keeps working).
 * Whether an address may receive a code is never visible in the reply: the caller renders the same
 * page either way, and both kinds of request do the same counter work (T20, M1–M12).
 */
export const CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_VERIFY_ATTEMPTS = 5;
/** Codes to one address asked for by one client in an hour. */
export const SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR = 5;
/** Codes to one address in an hour, all clients together (the inbox's flood guard). */
export const SENDS_PER_ADDRESS_PER_HOUR = 20;
/** Codes one client may have sent through one link in an hour. */
export const SENDS_PER_CLIENT_PER_HOUR = 20;
/** Codes to listed addresses through one link in an hour (beyond each address's first). */
export const SENDS_PER_LINK_PER_HOUR = 200;
const HOUR_MS = 60 * 60 * 1000;

export type CodePurpose = 'open' | 'subscribe';

/** Strict address check: one @, no spaces, quotes, separators or line breaks (mail header injection, M2). */
export const normalizeVisitorEmail = (raw: string): string | null => {
  const value = raw.trim().toLowerCase();
  if (value.length === 0 || value.length > 254 || /[\s,;<>"'()\\[\]]/.test(value)) return null;
  if (value.indexOf('@') !== value.lastIndexOf('@')) return null;
  const parsed = parseSelectedUser(value);
  return parsed.ok && parsed.entry.kind === 'email' ? parsed.entry.value : null;
};

/** A 6-digit code with no modulo bias: 32-bit samples above the largest multiple of 10^6 are redrawn. */
export const newCode = (randomBytes: (n: number) => Uint8Array): string => {
  const limit = Math.floor(0x1_0000_0000 / 1_000_000) * 1_000_000;
  for (;;) {
    const bytes = randomBytes(4);
    const value = ((bytes[0] ?? 0) * 0x1000000 + ((bytes[1] ?? 0) << 16) + ((bytes[2] ?? 0) << 8) + (bytes[3] ?? 0)) >>> 0;
    if (value < limit) return String(value % 1_000_000).padStart(6, '0');
  }
};

const recordSchema = z.object({
  digest: z.string(),
  sessionId: z.string(),
  issuedAt: z.number(),
  purpose: z.enum(['open', 'subscribe']),
});

export interface CodeCrypto {
  /** Keyed digest (HMAC) of a value; the key never leaves the web layer. */
  digest(domain: string, value: string): string;
  /** Constant-time comparison of two digests. */
  same(a: string, b: string): boolean;
}

/** One code per (link, address, browser session); the session id is digested like the address. */
const codeKey = (linkId: string, emailKey: string, sessionKey: string): string => `otp:${linkId}:${emailKey}:${sessionKey}`;
const sessionKeyOf = (crypto: CodeCrypto, linkId: string, sessionId: string): string => crypto.digest('otp-session', `${linkId}|${sessionId}`);

export interface SendCodeInput {
  link: ShareLink;
  email: string;
  /** Whether this address may receive a code; decided by the caller from the effective policy. */
  allowed: boolean;
  sessionId: string;
  /** Keyed digest of the requesting client (IP or IPv6 /64), for the per-client caps. */
  clientKey: string;
  purpose: CodePurpose;
  /** Builds the message for an allowed address. */
  message: (code: string) => { subject: string; text: string; html: string };
}

/** Sends a code when allowed and within the caps. Returns nothing: the reply must not depend on it. */
export const sendCode = async (deps: AppDeps, crypto: CodeCrypto, input: SendCodeInput): Promise<void> => {
  const now = deps.clock.now();
  const hour = Math.floor(now / HOUR_MS);
  const hourEnd = (hour + 1) * HOUR_MS;
  const emailKey = crypto.digest('otp-email', `${input.link.id}|${input.email}`);
  const link = input.link.id;
  // Listed ('a') and unlisted ('u') requests count in separate budgets, with the same counter work.
  const kind = input.allowed ? 'a' : 'u';
  const count = (name: string, scope: string): Promise<number> => deps.store.counters.increment(`otpsend:${kind}${name}:${link}:${scope}:${hour}`, hourEnd);
  // The client's own caps first: what a client is refused never uses up an address's or the link's budget.
  const [perAddressClient, perClient] = await Promise.all([count('ec', `${emailKey}:${input.clientKey}`), count('c', input.clientKey)]);
  const clientCapped = perAddressClient > SENDS_PER_ADDRESS_PER_CLIENT_PER_HOUR || perClient > SENDS_PER_CLIENT_PER_HOUR;
  const [perAddress, perLink] = clientCapped ? [0, 0] : await Promise.all([count('e', emailKey), count('l', '-')]);
  if (!input.allowed) return;
  // Every outcome of a send is audited against the address (masked) and the link's page.
  const auditSend = (action: 'gate_failed' | 'code_sent', detail: string): Promise<void> =>
    recordAudit(deps, {
      action,
      actor: maskEmail(input.email),
      ...linkAuditScope(input.link),
      detail,
    });
  const overLink = perLink > SENDS_PER_LINK_PER_HOUR && perAddress > 1;
  if (clientCapped || perAddress > SENDS_PER_ADDRESS_PER_HOUR || overLink) {
    await auditSend('gate_failed', 'email code send cap reached');
    return;
  }
  const code = newCode((n) => deps.random.bytes(n));
  const key = codeKey(input.link.id, emailKey, sessionKeyOf(crypto, input.link.id, input.sessionId));
  await deps.store.ephemeral.put({
    key,
    value: {
      digest: crypto.digest('otp-code', `${input.link.id}|${input.email}|${code}`),
      sessionId: input.sessionId,
      issuedAt: now,
      purpose: input.purpose,
    },
    expiresAt: now + CODE_TTL_MS,
  });
  const body = input.message(code);
  try {
    await deps.mailer.send({ to: [input.email], subject: body.subject, text: body.text, html: body.html, kind: 'otp' });
    await auditSend('code_sent', input.purpose === 'open' ? 'access code' : 'subscription code');
  } catch {
    // The reply stays the same (M11); the code is withdrawn so it cannot be used, and the failure audited.
    await deps.store.ephemeral.delete(key);
    await auditSend('gate_failed', 'email code could not be sent');
  }
};

export type VerifyOutcome =
  | { kind: 'verified'; purpose: CodePurpose }
  | { kind: 'wrong' }
  | { kind: 'exhausted' };

export interface VerifyCodeInput {
  link: ShareLink;
  email: string;
  code: string;
  sessionId: string;
}

export const verifyCode = async (deps: AppDeps, crypto: CodeCrypto, input: VerifyCodeInput): Promise<VerifyOutcome> => {
  const now = deps.clock.now();
  const emailKey = crypto.digest('otp-email', `${input.link.id}|${input.email}`);
  const key = codeKey(input.link.id, emailKey, sessionKeyOf(crypto, input.link.id, input.sessionId));
  const stored = await deps.store.ephemeral.get(key, now);
  const parsed = stored ? recordSchema.safeParse(stored.value) : undefined;
  if (!stored || !parsed?.success) return { kind: 'wrong' };
  const record = parsed.data;
  // Expiry is checked against the issue time, never trusting a platform TTL (M7); other browsers are refused (M10).
  if (now >= record.issuedAt + CODE_TTL_MS || record.sessionId !== input.sessionId) return { kind: 'wrong' };
  const attempts = await deps.store.counters.increment(`otpverify:${key}:${record.issuedAt}`, stored.expiresAt);
  if (attempts > MAX_VERIFY_ATTEMPTS) {
    await deps.store.ephemeral.delete(key);
    return { kind: 'exhausted' };
  }
  if (!crypto.same(record.digest, crypto.digest('otp-code', `${input.link.id}|${input.email}|${input.code}`))) {
    if (attempts >= MAX_VERIFY_ATTEMPTS) {
      await deps.store.ephemeral.delete(key);
      return { kind: 'exhausted' };
    }
    return { kind: 'wrong' };
  }
  // Single use: only the request that takes the record wins; a concurrent second use finds nothing.
  const taken = await deps.store.ephemeral.take(key, now);
  const takenRecord = taken ? recordSchema.safeParse(taken.value) : undefined;
  if (!takenRecord?.success || takenRecord.data.issuedAt !== record.issuedAt) return { kind: 'wrong' };
  return { kind: 'verified', purpose: record.purpose };
};
