import type ipaddr from 'ipaddr.js';
import * as z from 'zod/mini';
import { parseIpAddress } from '../../core/ip-allow-list';
import type { ShareLink } from '../../core/model';
import type { AppDeps } from '../deps';

/**
 * Password gate with brute-force throttling that cannot be turned against the recipient (issue 11).
 *
 * Limits are per client (the IP the handler derives; an IPv6 client is its /64, since one host owns a
 * whole /64): a client has CLIENT_FREE_FAILURES tries, then a lock of FIRST_LOCK_MS, then one try, then
 * a lock twice as long, and so on (capped at MAX_LOCK_MS). A client's history is forgotten after
 * CLIENT_MEMORY_MS without a failure; a right password clears it. Nothing one client does locks another.
 *
 * The per-link ceiling only slows: once the link has had LINK_ATTACK_FAILURES failures within the hour
 * (far more than one client can reach, see the test), a client it has not seen yet gets one free try
 * instead of five, so a spread attack from many addresses costs one address per guess. A recipient
 * with the right password still gets in on the first try from their own address, and the link's
 * creator is told once (the caller sends the alert).
 *
 * Counting is race-free: every attempt first reserves a slot with an atomic increment of the counter
 * of its client's current "generation" (the tries between two locks), so a burst of concurrent
 * guesses gets exactly the allowance evaluated, never more (C8). bcrypt runs for every well-formed
 * attempt, locked or not, so a locked client gets its answer in the same time as a wrong password.
 */
export const CLIENT_FREE_FAILURES = 5;
export const FIRST_LOCK_MS = 60 * 1000;
export const MAX_LOCK_MS = 6 * 60 * 60 * 1000;
export const CLIENT_MEMORY_MS = 24 * 60 * 60 * 1000;
export const LINK_WINDOW_MS = 60 * 60 * 1000;
export const LINK_ATTACK_FAILURES = 100;
const MAX_PASSWORD_BYTES = 72;

/** How long a client waits after its (level+1)-th lock-triggering failure: 1, 2, 4, … minutes. */
export const lockDuration = (level: number): number => Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** Math.min(level, 30));

/**
 * What identifies a client for throttling: an IPv4 address, or the /64 network of an IPv6 address
 * (IPv4-mapped IPv6 counts as the IPv4 address). Anything unparsable is one shared "unknown" client.
 */
export const throttleClientOf = (ip: string | null): string => {
  const address = ip === null ? null : parseIpAddress(ip);
  if (!address) return 'unknown';
  if (address.kind() === 'ipv4') return address.toString();
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
};

const stateSchema = z.object({
  /** Generation: the tries counted since the last lock or success. */
  gen: z.int().check(z.nonnegative()),
  /** How many locks this client has had in a row (doubles the next one). */
  level: z.int().check(z.nonnegative()),
  lockedUntil: z.number(),
  /** Tries this generation may use. */
  allowance: z.int().check(z.positive()),
});
type ClientState = z.infer<typeof stateSchema>;

/** What the handler reads before it checks a password (one store wave). */
export interface PasswordThrottle {
  linkId: string;
  clientKey: string;
  state: ClientState;
  /** Failures on the link, all clients, in the current hour. */
  linkFailures: number;
}

const stateKey = (linkId: string, clientKey: string): string => `pwstate:${linkId}:${clientKey}`;
const triesKey = (linkId: string, clientKey: string, gen: number): string => `pwtry:${linkId}:${clientKey}:${gen}`;
const linkFailuresKey = (linkId: string, now: number): { key: string; expiresAt: number } => {
  const window = Math.floor(now / LINK_WINDOW_MS);
  return { key: `pwfail:${linkId}:${window}`, expiresAt: (window + 1) * LINK_WINDOW_MS };
};

/** `clientKey` is a keyed digest of throttleClientOf(ip) (never the IP itself). */
export const readPasswordThrottle = async (
  deps: Pick<AppDeps, 'store' | 'clock'>,
  linkId: string,
  clientKey: string,
): Promise<PasswordThrottle> => {
  const now = deps.clock.now();
  const [stored, linkFailures] = await Promise.all([
    deps.store.ephemeral.get(stateKey(linkId, clientKey), now),
    deps.store.counters.get(linkFailuresKey(linkId, now).key),
  ]);
  const parsed = stored ? stateSchema.safeParse(stored.value) : undefined;
  const state: ClientState = parsed?.success
    ? parsed.data
    : { gen: 0, level: 0, lockedUntil: 0, allowance: linkFailures >= LINK_ATTACK_FAILURES ? 1 : CLIENT_FREE_FAILURES };
  return { linkId, clientKey, state, linkFailures };
};

export type PasswordOutcome =
  | { kind: 'passed' }
  | { kind: 'invalid_input'; message: string }
  | { kind: 'wrong'; linkFailures: number }
  | { kind: 'locked'; retryAfterMs: number };

/** bcryptjs is needed only for password attempts: loaded (beside the counter writes) on the first one, not on every cold start. */
const loadBcrypt = async () => (await import('bcryptjs')).default;

const writeState = (deps: Pick<AppDeps, 'store'>, throttle: PasswordThrottle, state: ClientState, now: number): Promise<void> =>
  deps.store.ephemeral.put({ key: stateKey(throttle.linkId, throttle.clientKey), value: { ...state }, expiresAt: now + CLIENT_MEMORY_MS });

/** The state after this generation's allowance is used up: locked, one try after the lock. */
const lockedState = (state: ClientState, now: number): ClientState => ({
  gen: state.gen + 1,
  level: state.level + 1,
  lockedUntil: now + lockDuration(state.level),
  allowance: 1,
});

export const checkLinkPassword = async (
  deps: Pick<AppDeps, 'store' | 'clock'>,
  link: ShareLink,
  password: string,
  throttle: PasswordThrottle,
): Promise<PasswordOutcome> => {
  if (link.passwordHash === null) return { kind: 'passed' };
  if (password.trim() === '') return { kind: 'invalid_input', message: 'Enter the password.' };
  const now = deps.clock.now();
  const { state } = throttle;
  // bcrypt reads only 72 bytes: a longer input could match a hash of its prefix, so it is simply wrong.
  const normalized = password.normalize('NFKC'); // same form as at hashing (links.ts normalizePassword)
  const tooLong = Buffer.byteLength(normalized, 'utf8') > MAX_PASSWORD_BYTES;
  const compare = async (): Promise<boolean> => {
    const bcrypt = await loadBcrypt();
    const matches = await bcrypt.compare(tooLong ? 'x' : normalized, link.passwordHash ?? '');
    return matches && !tooLong;
  };
  if (now < state.lockedUntil) {
    await compare();
    return { kind: 'locked', retryAfterMs: state.lockedUntil - now };
  }
  // Reserve this try first; the count returned includes it.
  const [tries, matches] = await Promise.all([deps.store.counters.increment(triesKey(link.id, throttle.clientKey, state.gen), now + CLIENT_MEMORY_MS), compare()]);
  if (tries > state.allowance) {
    // A burst beyond the allowance: refused unevaluated. The first one over makes sure the lock is written.
    const locked = lockedState(state, now);
    if (tries === state.allowance + 1) await writeState(deps, throttle, locked, now);
    return { kind: 'locked', retryAfterMs: locked.lockedUntil - now };
  }
  if (matches) {
    await writeState(deps, throttle, { gen: state.gen + 1, level: 0, lockedUntil: 0, allowance: CLIENT_FREE_FAILURES }, now);
    return { kind: 'passed' };
  }
  const failures = linkFailuresKey(link.id, now);
  const [linkFailures] = await Promise.all([
    deps.store.counters.increment(failures.key, failures.expiresAt),
    tries === state.allowance ? writeState(deps, throttle, lockedState(state, now), now) : Promise.resolve(),
  ]);
  return { kind: 'wrong', linkFailures };
};
