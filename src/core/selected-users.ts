import * as z from 'zod/mini';
import { DomainError } from './errors';

/**
 * Selected users: a list of email addresses (`ann@acme.com`), domains (`@acme.com`) and subdomain
 * wildcards (`@*.acme.com`). A domain entry covers the addresses of exactly that domain, never its
 * subdomains (security catalogue M3); a wildcard covers every subdomain at any depth (eu.acme.com,
 * x.eu.acme.com) but not the domain itself, so an admin who wants both lists both. Only ASCII domains
 * are accepted (IDNs in their xn-- form), so a homoglyph such as Cyrillic `а` never reaches matching.
 * An empty list means "no restriction" at the level that holds it; that decision belongs to the caller,
 * so matching against an empty list is false.
 */

const MAX_EMAIL_LENGTH = 254;
export const MAX_SELECTED_USERS = 500;

const emailSchema = z.email();

export type SelectedUserEntry =
  | { kind: 'email'; value: string; domain: string }
  | { kind: 'domain'; value: string; domain: string }
  /** `@*.acme.com`: every strict subdomain of `domain` (acme.com). */
  | { kind: 'subdomains'; value: string; domain: string };

export type ParsedSelectedUser = { ok: true; entry: SelectedUserEntry } | { ok: false; message: string };

const isEmail = (value: string): boolean => value.length <= MAX_EMAIL_LENGTH && emailSchema.safeParse(value).success;

const WILDCARD_PREFIX = '*.';

/** The same grammar as the domain part of an email keeps every kind of entry consistent. */
const isDomain = (domain: string): boolean => domain.length > 0 && isEmail(`probe@${domain}`);

const parseDomainEntry = (value: string, shown: string): ParsedSelectedUser => {
  const domain = value.slice(1);
  if (domain.startsWith(WILDCARD_PREFIX)) {
    const parent = domain.slice(WILDCARD_PREFIX.length);
    if (parent.includes('*')) {
      return { ok: false, message: `'${shown}' has more than one '*': only one leading '*.' is allowed (write it like @*.acme.com)` };
    }
    // A wildcard over a top-level domain (@*.com) would admit a whole TLD: almost certainly a mistake.
    // Multi-label public suffixes (@*.co.uk) are not detected: that needs the Public Suffix List.
    if (/^[a-z0-9-]+$/.test(parent)) {
      return { ok: false, message: `'${shown}' would admit every .${parent} address; name the organisation's domain (like @*.acme.com)` };
    }
    if (isDomain(parent)) return { ok: true, entry: { kind: 'subdomains', value, domain: parent } };
    return { ok: false, message: `'${shown}' is not a valid subdomain wildcard (write it like @*.acme.com)` };
  }
  if (domain.includes('*')) {
    return {
      ok: false,
      message: `'${shown}' puts '*' in the wrong place: write @*.acme.com for every subdomain of acme.com (only one leading '*.' is allowed)`,
    };
  }
  if (isDomain(domain)) return { ok: true, entry: { kind: 'domain', value, domain } };
  return { ok: false, message: `'${shown}' is not a valid domain (write it like @acme.com)` };
};

/** Parses one entry: trims, lower-cases, and checks it is an email address, an `@domain` or an `@*.domain`. */
export const parseSelectedUser = (raw: string): ParsedSelectedUser => {
  const shown = raw.trim();
  const value = shown.toLowerCase();
  if (value === '') return { ok: false, message: 'An empty entry is not an email address or an @domain' };
  if (value.startsWith('@')) return parseDomainEntry(value, shown);
  if (isEmail(value)) {
    const domain = value.slice(value.lastIndexOf('@') + 1);
    return { ok: true, entry: { kind: 'email', value, domain } };
  }
  if (!value.includes('@') && value.startsWith(WILDCARD_PREFIX) && parseDomainEntry(`@${value}`, shown).ok) {
    return { ok: false, message: `'${shown}' is not an email address; write @${value} to allow every subdomain` };
  }
  if (!value.includes('@') && isDomain(value)) {
    return { ok: false, message: `'${shown}' is not an email address; write @${value} to allow the whole domain` };
  }
  return { ok: false, message: `'${shown}' is not a valid email address or @domain` };
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

/** True when `domain` is a subdomain of `parent` at any depth, on a label boundary (eu.acme.com, not notacme.com). */
const isStrictSubdomain = (domain: string, parent: string): boolean => domain.endsWith(`.${parent}`);

/** True when every address `lower` admits is also admitted by `upper`. Entry sets are nested or disjoint. */
const entryCovers = (upper: SelectedUserEntry, lower: SelectedUserEntry): boolean => {
  switch (upper.kind) {
    case 'email':
      return lower.kind === 'email' && lower.value === upper.value;
    case 'domain':
      return lower.kind !== 'subdomains' && lower.domain === upper.domain;
    case 'subdomains':
      return lower.kind === 'subdomains'
        ? lower.domain === upper.domain || isStrictSubdomain(lower.domain, upper.domain)
        : isStrictSubdomain(lower.domain, upper.domain);
  }
};

/**
 * True when `email` is listed, has exactly a listed domain, or falls under a listed `@*.domain`. Invalid entries match nobody,
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
 * A lower entry inside an upper entry is kept (an email in an upper domain, `@eu.acme.com` under `@*.acme.com`);
 * an upper entry inside a lower one is kept instead (an upper email in a lower domain, `@eu.acme.com` under a
 * lower `@*.acme.com`). Two entries are always nested or disjoint, so these two cases are the whole intersection.
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

/** How a space's selected users combine with the site's (External Share rule), as shown to admins. */
export interface SelectedUsersCombination {
  global: string[];
  space: string[];
  effective: string[];
  /** 'space' = whole space list fits; 'intersection' = common part; 'global' = no overlap, global wins; 'none' = no lists. */
  mode: 'space' | 'intersection' | 'global' | 'none';
}

/** Combines a space list with the global list; the backend and the space settings preview both use it. */
export const combineSelectedUsers = (global: readonly string[], space: readonly string[]): SelectedUsersCombination => {
  const narrowing = narrowSelectedUsersDetailed(space, global);
  const mode: SelectedUsersCombination['mode'] =
    global.length === 0 && space.length === 0
      ? 'none'
      : narrowing.outcome === 'no_upper_list' || narrowing.outcome === 'all_fit'
        ? 'space'
        : narrowing.outcome === 'common_part'
          ? 'intersection'
          : 'global';
  return { global: [...global], space: [...space], effective: narrowing.entries, mode };
};
