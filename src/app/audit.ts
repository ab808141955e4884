import { createHash } from 'node:crypto';
import type { AuditAction, AuditEntry, AuditEntryNames, ShareLink } from '../core/model';
import type { AppDeps } from './deps';
import { collectPages } from './listing';

export interface AuditInput {
  action: AuditAction;
  actor: string;
  linkId?: string | null;
  pageId?: string | null;
  spaceKey?: string | null;
  detail?: string;
  /** Names known at write time (link name, page title, space name): the log then reads in words without a lookup. */
  names?: AuditEntryNames;
}

type AuditDeps = Pick<AppDeps, 'store' | 'clock' | 'random'>;

/** Where a link's event is filed: the link, its shared page and its space, with the names the link holds. */
export const linkAuditScope = (
  link: Pick<ShareLink, 'id' | 'pageId' | 'spaceKey'> & Partial<Pick<ShareLink, 'name' | 'pageTitle'>>,
): Pick<AuditInput, 'linkId' | 'pageId' | 'spaceKey' | 'names'> => ({
  linkId: link.id,
  pageId: link.pageId,
  spaceKey: link.spaceKey,
  ...(link.name || link.pageTitle ? { names: { ...(link.name ? { link: link.name } : {}), ...(link.pageTitle ? { page: link.pageTitle } : {}) } } : {}),
});

/** Masks an address for the audit trail: `ann.smith@acme.com` → `a***@acme.com`. */
export const maskEmail = (email: string): string => {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
};

const EMAIL_IN_TEXT = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
// Share tokens are 65 base64url characters, token hashes 64 hex; account ids (UUID parts, 36) stay below the bar.
const SECRET_LIKE = /[A-Za-z0-9_-]{40,}/g;
const IPV4 = /\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g;
const IPV6 = /\b([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4}):[0-9a-fA-F:]*[0-9a-fA-F]{1,4}\b/g;
// A one-time code next to the word that names it ("code 123456"); bare numbers are page ids and stay.
const CODE_LIKE = /\b(code|otp|pin|passcode)(\s*[:=#]?\s*)\d{4,10}\b/gi;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

export const MAX_AUDIT_DETAIL = 500;

/**
 * Last line of defence for the trail (security.md R2): full emails are masked, token- or hash-like
 * strings and labelled one-time codes redacted, IPs truncated (IPv4 /24, IPv6 /48), control characters flattened. Callers should
 * not pass secrets at all; this catches the mistakes.
 */
export const scrubAuditText = (text: string): string =>
  text
    .replace(CONTROL, ' ')
    .replace(EMAIL_IN_TEXT, (email) => (email.includes('***@') ? email : maskEmail(email)))
    .replace(SECRET_LIKE, '[redacted]')
    .replace(CODE_LIKE, '$1$2[redacted]')
    .replace(IPV4, (_m, a: string, b: string, c: string) => `${a}.${b}.${c}.0/24`)
    .replace(IPV6, (_m, a: string, b: string, c: string) => `${a}:${b}:${c}::/48`)
    .slice(0, MAX_AUDIT_DETAIL);

/** Actors are account ids, 'visitor', 'app' or a masked email; a full email is masked here. */
export const scrubActor = (actor: string): string => {
  const trimmed = actor.replace(CONTROL, '').trim().slice(0, 200);
  if (trimmed.includes('@') && !trimmed.includes('***@')) return maskEmail(trimmed);
  return trimmed || 'unknown';
};

/** Actions a hostile or busy visitor can trigger at request rate: aggregated per window (R4). */
export const AGGREGATED_AUDIT_ACTIONS: ReadonlySet<AuditAction> = new Set<AuditAction>(['gate_failed', 'view_allowed', 'view_denied', 'access_denied']);
export const AUDIT_AGGREGATION_WINDOW_MS = 60_000;
/** How long an unflushed aggregate waits for the sweep before it is dropped. */
const AGGREGATE_FLUSH_GRACE_MS = 7 * 24 * 60 * 60 * 1000;
export const AUDIT_AGGREGATE_PREFIX = 'audit-agg:';

const newId = (deps: AuditDeps): string => Buffer.from(deps.random.bytes(12)).toString('base64url');

const MAX_AUDIT_NAME = 200;

/** Names are user text: scrubbed like details, shorter, and left out when empty. */
const scrubNames = (names: AuditEntryNames | undefined): { names?: AuditEntryNames } => {
  if (!names) return {};
  const clean: AuditEntryNames = {};
  for (const key of ['link', 'page', 'space'] as const) {
    const value = names[key] === undefined ? '' : scrubAuditText(names[key]).trim().slice(0, MAX_AUDIT_NAME);
    if (value) clean[key] = value;
  }
  return Object.keys(clean).length > 0 ? { names: clean } : {};
};

const buildEntry = (deps: AuditDeps, input: AuditInput, at: number, count: number, detail: string): AuditEntry => ({
  id: newId(deps),
  at,
  action: input.action,
  actor: scrubActor(input.actor),
  linkId: input.linkId ?? null,
  pageId: input.pageId ?? null,
  spaceKey: input.spaceKey ?? null,
  detail: scrubAuditText(detail),
  count,
  ...scrubNames(input.names),
});

/** The entry-to-be of an aggregation window: everything an AuditEntry holds but its id, time and count. */
interface PendingAggregate extends Omit<AuditEntry, 'id' | 'at' | 'count'> {
  windowStart: number;
  windowEnd: number;
}

/**
 * Noisy events: the first one of a (action, link, actor, detail) group in a window is written at once
 * (so a single failure is visible immediately); repeats only bump a counter, and the sweep writes one
 * "repeated N more times" entry when the window has closed. So a flood of 10,000 hits costs at most two
 * audit writes per group per window, not 10,000.
 */
const recordAggregated = async (deps: AuditDeps, input: AuditInput, at: number, detail: string): Promise<void> => {
  const actor = scrubActor(input.actor);
  const windowStart = Math.floor(at / AUDIT_AGGREGATION_WINDOW_MS) * AUDIT_AGGREGATION_WINDOW_MS;
  const windowEnd = windowStart + AUDIT_AGGREGATION_WINDOW_MS;
  // Keys are built from a digest so no user text can violate the KVS key alphabet (Q8).
  const group = createHash('sha256')
    .update(JSON.stringify([input.action, input.linkId ?? null, actor, detail]))
    .digest('hex')
    .slice(0, 32);
  const key = `${AUDIT_AGGREGATE_PREFIX}${group}:${windowStart}`;
  const count = await deps.store.counters.increment(key, windowEnd + AGGREGATE_FLUSH_GRACE_MS);
  if (count !== 1) return;
  const pending: PendingAggregate = {
    action: input.action,
    actor,
    linkId: input.linkId ?? null,
    pageId: input.pageId ?? null,
    spaceKey: input.spaceKey ?? null,
    detail: scrubAuditText(detail),
    ...scrubNames(input.names),
    windowStart,
    windowEnd,
  };
  // Independent writes: one round trip on the view's path, not two.
  await Promise.all([
    deps.store.audit.append(buildEntry(deps, input, at, 1, detail)),
    deps.store.ephemeral.put({ key, value: { ...pending }, expiresAt: windowEnd + AGGREGATE_FLUSH_GRACE_MS }),
  ]);
};

/**
 * Appends one audit entry (aggregated for noisy actions). Audit failures never break the user's action:
 * they are swallowed here because the trail is best-effort evidence, not a transaction participant.
 */
export const recordAudit = async (deps: AuditDeps, input: AuditInput): Promise<void> => {
  const at = deps.clock.now();
  const detail = scrubAuditText(input.detail ?? '');
  try {
    if (AGGREGATED_AUDIT_ACTIONS.has(input.action)) {
      await recordAggregated(deps, input, at, detail);
    } else {
      await deps.store.audit.append(buildEntry(deps, input, at, 1, detail));
    }
  } catch {
    // Best effort by design (see above).
  }
};

const isPending = (value: Record<string, unknown>): value is Record<string, unknown> & PendingAggregate =>
  typeof value.action === 'string' &&
  typeof value.actor === 'string' &&
  typeof value.windowStart === 'number' &&
  typeof value.windowEnd === 'number' &&
  typeof value.detail === 'string';

/**
 * Writes the "repeated" entries of closed aggregation windows. Safe to run concurrently: each pending
 * record is taken (single use) before its counter is read, so only one runner writes it.
 */
export const flushAuditAggregates = async (deps: AuditDeps): Promise<number> => {
  const now = deps.clock.now();
  const pending = await collectPages((request) => deps.store.ephemeral.listByPrefix(AUDIT_AGGREGATE_PREFIX, request));
  const due = pending
    .filter((record) => typeof record.value.windowEnd === 'number' && record.value.windowEnd <= now)
    .map((record) => record.key);

  let written = 0;
  for (const key of due) {
    const record = await deps.store.ephemeral.take(key, now);
    if (!record || !isPending(record.value)) continue;
    const total = await deps.store.counters.get(key);
    await deps.store.counters.reset(key);
    const repeats = total - 1;
    if (repeats <= 0) continue;
    const p = record.value;
    const window = `${new Date(p.windowStart).toISOString().slice(11, 16)}–${new Date(p.windowEnd).toISOString().slice(11, 16)} UTC`;
    const detail = `${p.detail ? `${p.detail} ` : ''}(repeated ${repeats} more time${repeats === 1 ? '' : 's'} in ${window})`;
    const entry: AuditEntry = {
      id: newId(deps),
      at: p.windowEnd - 1,
      action: p.action,
      actor: p.actor,
      linkId: p.linkId,
      pageId: p.pageId,
      spaceKey: p.spaceKey,
      detail: detail.slice(0, MAX_AUDIT_DETAIL),
      count: repeats,
      ...scrubNames(p.names),
    };
    await deps.store.audit.append(entry);
    written += 1;
  }
  return written;
};
