import bcrypt from 'bcryptjs';
import type { ShareLink } from '../../core/model';
import type { AppDeps } from '../deps';

/**
 * Password gate with attempt throttling that survives restarts (counters live in the store):
 * at most 5 failures per client IP per 15-minute window and 50 failures per link per hour. Once a
 * window is exhausted every attempt is refused until it ends, even with the right password (T3).
 * bcrypt runs for every well-formed attempt, locked or not, so a locked link answers in the same time
 * as a wrong password and the lockout cannot be probed by timing.
 */
export const IP_FAILURE_LIMIT = 5;
export const IP_WINDOW_MS = 15 * 60 * 1000;
export const LINK_FAILURE_LIMIT = 50;
export const LINK_WINDOW_MS = 60 * 60 * 1000;
const MAX_PASSWORD_BYTES = 72;

export interface PasswordThrottleKeys {
  perIp: { key: string; expiresAt: number };
  perLink: { key: string; expiresAt: number };
}

/** Window-bucketed counter keys; `clientKey` is a keyed digest of the client IP (never the IP itself). */
export const passwordThrottleKeys = (linkId: string, clientKey: string, now: number): PasswordThrottleKeys => {
  const ipWindow = Math.floor(now / IP_WINDOW_MS);
  const linkWindow = Math.floor(now / LINK_WINDOW_MS);
  return {
    perIp: { key: `pwfail:ip:${linkId}:${clientKey}:${ipWindow}`, expiresAt: (ipWindow + 1) * IP_WINDOW_MS },
    perLink: { key: `pwfail:link:${linkId}:${linkWindow}`, expiresAt: (linkWindow + 1) * LINK_WINDOW_MS },
  };
};

export const readPasswordFailures = async (
  deps: Pick<AppDeps, 'store'>,
  keys: PasswordThrottleKeys,
): Promise<{ perIp: number; perLink: number }> => {
  const [perIp, perLink] = await Promise.all([deps.store.counters.get(keys.perIp.key), deps.store.counters.get(keys.perLink.key)]);
  return { perIp, perLink };
};

export type PasswordOutcome =
  | { kind: 'passed' }
  | { kind: 'invalid_input'; message: string }
  | { kind: 'wrong' }
  | { kind: 'locked'; retryAfterMs: number };

export const checkLinkPassword = async (
  deps: Pick<AppDeps, 'store' | 'clock'>,
  link: ShareLink,
  password: string,
  keys: PasswordThrottleKeys,
  failures: { perIp: number; perLink: number },
): Promise<PasswordOutcome> => {
  if (link.passwordHash === null) return { kind: 'passed' };
  if (password.trim() === '') return { kind: 'invalid_input', message: 'Enter the password.' };
  // bcrypt reads only 72 bytes: a longer input could match a hash of its prefix, so it is simply wrong.
  const normalized = password.normalize('NFKC'); // same form as at hashing (links.ts normalizePassword)
  const tooLong = Buffer.byteLength(normalized, 'utf8') > MAX_PASSWORD_BYTES;
  const matches = tooLong ? false : await bcrypt.compare(normalized, link.passwordHash);
  if (tooLong) await bcrypt.compare('x', link.passwordHash);
  const now = deps.clock.now();
  if (failures.perIp >= IP_FAILURE_LIMIT) return { kind: 'locked', retryAfterMs: keys.perIp.expiresAt - now };
  if (failures.perLink >= LINK_FAILURE_LIMIT) return { kind: 'locked', retryAfterMs: keys.perLink.expiresAt - now };
  if (matches) return { kind: 'passed' };
  await Promise.all([
    deps.store.counters.increment(keys.perIp.key, keys.perIp.expiresAt),
    deps.store.counters.increment(keys.perLink.key, keys.perLink.expiresAt),
  ]);
  return { kind: 'wrong' };
};
