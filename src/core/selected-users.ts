import * as z from 'zod/mini';
import { DomainError } from './errors';

/**
 * Selected users: a list of email addresses (`ann@acme.com`) and domains (`@acme.com`). A domain entry
 * covers every address in that domain and its subdomains. An empty list means "no restriction" at the
 * level that holds it; that decision belongs to the caller, so matching against an empty list is false.
 */

const MAX_EMAIL_LENGTH = 254;
export const MAX_SELECTED_USERS = 500;

const emailSchema = z.email();

export type SelectedUserEntry =
  | { kind: 'email'; value: string; domain: string }
  | { kind: 'domain'; value: string; domain: string };

export type ParsedSelectedUser = { ok: true; entry: SelectedUserEntry } | { ok: false; message: string };

const isEmail = (value: string): boolean => value.length <= MAX_EMAIL_LENGTH && emailSchema.safeParse(value).success;

/** Parses one entry: trims, lower-cases, and checks it is an email address or an `@domain`. */
export const parseSelectedUser = (raw: string): ParsedSelectedUser => {
  const value = raw.trim().toLowerCase();
  if (value === '') return { ok: false, message: 'An empty entry is not an email address or an @domain' };
  if (value.startsWith('@')) {
    const domain = value.slice(1);
    // The same grammar as the domain part of an email keeps both kinds of entry consistent.
    if (domain.length > 0 && isEmail(`probe@${domain}`)) return { ok: true, entry: { kind: 'domain', value, domain } };
    return { ok: false, message: `'${raw.trim()}' is not a valid domain (write it like @acme.com)` };
  }
  if (isEmail(value)) {
    const domain = value.slice(value.lastIndexOf('@') + 1);
    return { ok: true, entry: { kind: 'email', value, domain } };
  }
  if (!value.includes('@') && isEmail(`probe@${value}`)) {
    return { ok: false, message: `'${raw.trim()}' is not an email address; write @${value} to allow the whole domain` };
  }
  return { ok: false, message: `'${raw.trim()}' is not a valid email address or @domain` };
};

/** Splits pasted text ("a@x.com, b@y.com; @z.com") into raw entries (ES-2: comma-separated paste). */
export const splitSelectedUsersInput = (text: string): string[] =>
  text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** Messages for every invalid entry of `list`, plus one when the list is too long. Empty when all are valid. */
export const selectedUsersErrors = (list: readonly string[]): string[] => {
  const errors: string[] = [];
  if (list.length > MAX_SELECTED_USERS) errors.push(`At most ${MAX_SELECTED_USERS} selected users are allowed`);
  for (const raw of list) {
    const parsed = parseSelectedUser(raw);
    if (!parsed.ok) errors.push(parsed.message);
  }
  return errors;
};

/**
 * Canonical form of a list: trimmed, lower-cased, de-duplicated, order kept.
 * @throws DomainError('invalid_input') naming every invalid entry.
 */
export const normalizeSelectedUsers = (list: readonly string[], field = 'selectedUsers'): string[] => {
  const errors = selectedUsersErrors(list);
  if (errors.length > 0) {
    throw new DomainError(
      'invalid_input',
      errors[0] ?? 'Invalid selected users',
      errors.map((message) => ({ field, rule: 'selectedUsers.format', message })),
    );
  }
  return dedupe(list.map((raw) => raw.trim().toLowerCase()));
};

const dedupe = (values: readonly string[]): string[] => [...new Set(values)];

const validEntries = (list: readonly string[]): SelectedUserEntry[] => {
  const entries: SelectedUserEntry[] = [];
  for (const raw of list) {
    const parsed = parseSelectedUser(raw);
    if (parsed.ok) entries.push(parsed.entry);
  }
  return entries;
};

/** True when `domain` equals `parent` or is one of its subdomains (label boundary: eu.acme.com ⊂ acme.com ⊅ notacme.com). */
const isWithinDomain = (domain: string, parent: string): boolean =>
  domain === parent || domain.endsWith(`.${parent}`);

const entryCovers = (upper: SelectedUserEntry, lower: SelectedUserEntry): boolean => {
  if (upper.kind === 'email') return lower.kind === 'email' && lower.value === upper.value;
  return isWithinDomain(lower.domain, upper.domain);
};

/**
 * True when `email` is listed or falls in a listed domain (or subdomain). Invalid entries match nobody,
 * so a list of garbage lets nobody in (fail closed, ES-9). An empty list matches nobody.
 */
export const matchesSelectedUsers = (email: string, list: readonly string[]): boolean => {
  const parsed = parseSelectedUser(email);
  if (!parsed.ok || parsed.entry.kind !== 'email') return false;
  const visitor = parsed.entry;
  return validEntries(list).some((entry) => entryCovers(entry, visitor));
};

/** True when every address `entry` admits is also admitted by `list` (ES-8: a link may not widen its policy's list). */
export const isCoveredBySelectedUsers = (entry: string, list: readonly string[]): boolean => {
  const parsed = parseSelectedUser(entry);
  if (!parsed.ok) return false;
  const lower = parsed.entry;
  return validEntries(list).some((upper) => entryCovers(upper, lower));
};

/** How `narrowSelectedUsers` resolved a lower list against an upper one (External Share rule, ES-6). */
export type NarrowingOutcome =
  /** The upper level sets no list: the lower list stands. */
  | 'no_upper_list'
  /** The lower level sets no list: the upper list applies. */
  | 'no_lower_list'
  /** ES-6 rule 2: every lower entry meets the upper list, the lower list is kept unchanged. */
  | 'all_fit'
  /** ES-6 rule 3: only part fits, the common part is used. */
  | 'common_part'
  /** ES-6 rule 1: nothing fits, the upper list is used. */
  | 'conflict';

export interface SelectedUsersNarrowing {
  entries: string[];
  outcome: NarrowingOutcome;
}

/**
 * Narrows a lower level's list (space or link) to an upper level's list (global or effective policy)
 * by the External Share rule (ES-6): conflict entirely → upper; part fits → common part; all fits → lower.
 * An upper domain keeps lower emails and same/sub-domain entries inside it; a lower domain wider than an
 * upper entry keeps that upper entry (an email in the domain, or the narrower subdomain).
 */
export const narrowSelectedUsersDetailed = (
  lower: readonly string[],
  upper: readonly string[],
): SelectedUsersNarrowing => {
  if (upper.length === 0) return { entries: [...lower], outcome: 'no_upper_list' };
  if (lower.length === 0) return { entries: [...upper], outcome: 'no_lower_list' };
  const upperEntries = validEntries(upper);
  const lowerEntries = validEntries(lower);
  const common: string[] = [];
  let allFit = lowerEntries.length === lower.length;
  for (const low of lowerEntries) {
    if (upperEntries.some((up) => entryCovers(up, low))) {
      common.push(low.value);
      continue;
    }
    allFit = false;
    for (const up of upperEntries) {
      if (entryCovers(low, up)) common.push(up.value);
    }
  }
  const entries = dedupe(common);
  if (entries.length === 0) return { entries: [...upper], outcome: 'conflict' };
  if (allFit) return { entries: [...lower], outcome: 'all_fit' };
  return { entries, outcome: 'common_part' };
};

/** The effective list after narrowing `lower` to `upper` by the External Share rule (ES-6). */
export const narrowSelectedUsers = (lower: readonly string[], upper: readonly string[]): string[] =>
  narrowSelectedUsersDetailed(lower, upper).entries;
