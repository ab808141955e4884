import type { ShareLink } from '../../core/model';
import type { AppDeps } from '../deps';

/**
 * Password gate with attempt throttling that survives restarts (counters live in the store):
 * at most 5 failures per client IP per 15-minute window and 50 failures per link per hour. Once a
 * window is exhausted every attempt is refused until it ends, even with the right password (T3).
 * bcrypt runs for every well-formed attempt, locked or not, so a locked link answers in the same time
 * as a wrong password and the lockout cannot be probed by timing.
 *
 * Counting is race-free: every attempt first reserves a slot with an atomic increment of the attempt
 * counter, and the returned count (minus recorded successes) decides. Reading a failure count and
 * incrementing it afterwards let a burst of concurrent guesses all pass the check (C8: 20 of 20).
 */
export const IP_FAILURE_LIMIT = 5;
export const IP_WINDOW_MS = 15 * 60 * 1000;
export const LINK_FAILURE_LIMIT = 50;
export const LINK_WINDOW_MS = 60 * 60 * 1000;
const MAX_PASSWORD_BYTES = 72;

export interface PasswordThrottleKeys {
  /** `key` counts attempts, `okKey` counts successful ones, both within the window ending at `expiresAt`. */
  perIp: { key: string; okKey: string; expiresAt: number };
  perLink: { key: string; okKey: string; expiresAt: number };
}

/** Window-bucketed counter keys; `clientKey` is a keyed digest of the client IP (never the IP itself). */
export const passwordThrottleKeys = (linkId: string, clientKey: string, now: number): PasswordThrottleKeys => {
  const ipWindow = Math.floor(now / IP_WINDOW_MS);
  const linkWindow = Math.floor(now / LINK_WINDOW_MS);
  return {
    perIp: { key: `pwtry:ip:${linkId}:${clientKey}:${ipWindow}`, okKey: `pwok:ip:${linkId}:${clientKey}:${ipWindow}`, expiresAt: (ipWindow + 1) * IP_WINDOW_MS },
    perLink: { key: `pwtry:link:${linkId}:${linkWindow}`, okKey: `pwok:link:${linkId}:${linkWindow}`, expiresAt: (linkWindow + 1) * LINK_WINDOW_MS },
  };
};

/** Successful attempts in the current windows (read before the check; a stale read only makes it stricter). */
export const readPasswordSuccesses = async (
  deps: Pick<AppDeps, 'store'>,
  keys: PasswordThrottleKeys,
): Promise<{ perIp: number; perLink: number }> => {
  const [perIp, perLink] = await Promise.all([deps.store.counters.get(keys.perIp.okKey), deps.store.counters.get(keys.perLink.okKey)]);
  return { perIp, perLink };
};

export type PasswordOutcome =
  | { kind: 'passed' }
  | { kind: 'invalid_input'; message: string }
  | { kind: 'wrong' }
  | { kind: 'locked'; retryAfterMs: number };

/** bcryptjs is needed only for password attempts: loaded (beside the counter writes) on the first one, not on every cold start. */
const loadBcrypt = async () => (await import('bcryptjs')).default;

export const checkLinkPassword = async (
  deps: Pick<AppDeps, 'store' | 'clock'>,
  link: ShareLink,
  password: string,
  keys: PasswordThrottleKeys,
  successes: { perIp: number; perLink: number },
): Promise<PasswordOutcome> => {
  if (link.passwordHash === null) return { kind: 'passed' };
  if (password.trim() === '') return { kind: 'invalid_input', message: 'Enter the password.' };
  // bcrypt reads only 72 bytes: a longer input could match a hash of its prefix, so it is simply wrong.
  const normalized = password.normalize('NFKC'); // same form as at hashing (links.ts normalizePassword)
  const tooLong = Buffer.byteLength(normalized, 'utf8') > MAX_PASSWORD_BYTES;
  // Reserve this attempt first; the counts returned include it, so earlier failures = count - 1 - successes.
  const [ipAttempts, linkAttempts, bcrypt] = await Promise.all([
    deps.store.counters.increment(keys.perIp.key, keys.perIp.expiresAt),
    deps.store.counters.increment(keys.perLink.key, keys.perLink.expiresAt),
    loadBcrypt(),
  ]);
  const matches = tooLong ? false : await bcrypt.compare(normalized, link.passwordHash);
  if (tooLong) await bcrypt.compare('x', link.passwordHash);
  const now = deps.clock.now();
  if (ipAttempts - 1 - successes.perIp >= IP_FAILURE_LIMIT) return { kind: 'locked', retryAfterMs: keys.perIp.expiresAt - now };
  if (linkAttempts - 1 - successes.perLink >= LINK_FAILURE_LIMIT) return { kind: 'locked', retryAfterMs: keys.perLink.expiresAt - now };
  if (!matches) return { kind: 'wrong' };
  await Promise.all([
    deps.store.counters.increment(keys.perIp.okKey, keys.perIp.expiresAt),
    deps.store.counters.increment(keys.perLink.okKey, keys.perLink.expiresAt),
  ]);
  return { kind: 'passed' };
};
