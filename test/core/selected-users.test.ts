import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import {
  isCoveredBySelectedUsers,
  matchesSelectedUsers,
  narrowSelectedUsers,
  narrowSelectedUsersDetailed,
  normalizeSelectedUsers,
  parseSelectedUser,
  selectedUsersErrors,
  splitSelectedUsersInput,
  MAX_SELECTED_USERS,
} from '../../src/core/selected-users';

describe('parseSelectedUser (ES-2 entries are emails or domains)', () => {
  it.each([
    ['ann@acme.com', 'email', 'ann@acme.com'],
    ['  Ann@ACME.com ', 'email', 'ann@acme.com'],
    ['first.last+tag@eu.acme.co.uk', 'email', 'first.last+tag@eu.acme.co.uk'],
    ['@acme.com', 'domain', '@acme.com'],
    ['@EU.Acme.COM', 'domain', '@eu.acme.com'],
  ])('ES-2 accepts %j as %s %s', (raw, kind, value) => {
    expect(parseSelectedUser(raw)).toEqual({ ok: true, entry: expect.objectContaining({ kind, value }) });
  });

  it.each([
    ['', 'empty entry'],
    ['ann', "'ann' is not a valid email address or @domain"],
    ['acme.com', 'write @acme.com to allow the whole domain'],
    ['@', 'not a valid domain'],
    ['@acme', 'not a valid domain'],
    ['@@acme.com', 'not a valid domain'],
    ['@-acme.com', 'not a valid domain'],
    ['ann@', 'not a valid email'],
    ['ann@acme', 'not a valid email'],
    ['ann@@acme.com', 'not a valid email'],
    ['ann smith@acme.com', 'not a valid email'],
    ['<ann@acme.com>', 'not a valid email'],
    [`${'a'.repeat(250)}@acme.com`, 'not a valid email'],
  ])('ES-2 rejects %j', (raw, fragment) => {
    const parsed = parseSelectedUser(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(fragment);
  });

  it('ES-2 splits a comma/semicolon/newline separated paste', () => {
    expect(splitSelectedUsersInput(' ann@acme.com, bob@acme.com;\n@other.org  ,, ')).toEqual([
      'ann@acme.com',
      'bob@acme.com',
      '@other.org',
    ]);
  });

  it('normalizes (lower-case, trim, dedupe) and keeps order', () => {
    expect(normalizeSelectedUsers(['Bob@Acme.com', '@acme.com', ' bob@acme.com'])).toEqual(['bob@acme.com', '@acme.com']);
  });

  it('normalize throws invalid_input with one detail per bad entry', () => {
    let caught: unknown;
    try {
      normalizeSelectedUsers(['ann@acme.com', 'nope', 'acme.com']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    const error = caught as DomainError;
    expect(error.code).toBe('invalid_input');
    expect(error.details).toHaveLength(2);
    expect(error.details[0]).toMatchObject({ field: 'selectedUsers', rule: 'selectedUsers.format' });
  });

  it('refuses an over-long list', () => {
    const many = Array.from({ length: MAX_SELECTED_USERS + 1 }, (_, i) => `u${i}@acme.com`);
    expect(selectedUsersErrors(many)[0]).toContain(`At most ${MAX_SELECTED_USERS}`);
  });
});

describe('matchesSelectedUsers', () => {
  it.each([
    ['listed email', 'ann@acme.com', ['ann@acme.com'], true],
    ['listed email, other case', 'ANN@acme.com', ['ann@acme.com'], true],
    ['unlisted email', 'bob@acme.com', ['ann@acme.com'], false],
    ['email in listed domain', 'bob@acme.com', ['@acme.com'], true],
    ['email in a subdomain of a listed domain', 'bob@eu.acme.com', ['@acme.com'], true],
    ['look-alike domain does not match', 'bob@notacme.com', ['@acme.com'], false],
    ['suffix trick does not match', 'bob@acme.com.evil.io', ['@acme.com'], false],
    ['parent domain of a listed subdomain does not match', 'bob@acme.com', ['@eu.acme.com'], false],
    ['empty list matches nobody (callers decide "no restriction")', 'bob@acme.com', [], false],
    ['ES-9 fail closed: garbage entries match nobody', 'bob@acme.com', ['not an entry'], false],
    ['garbage visitor email matches nothing', 'not-an-email', ['@acme.com'], false],
    ['a domain is not a visitor email', '@acme.com', ['@acme.com'], false],
  ] as const)('%s', (_name, email, list, expected) => {
    expect(matchesSelectedUsers(email, list)).toBe(expected);
  });
});

describe('narrowSelectedUsers (ES-6 intersection rule)', () => {
  it.each([
    ['ES-6 table row 1: part fits → common part', ['bob@acme.com', 'eve@other.com'], ['@acme.com'], ['bob@acme.com'], 'common_part'],
    ['ES-6 table row 2: all fits → unchanged', ['@acme.com'], ['@acme.com'], ['@acme.com'], 'all_fit'],
    ['ES-6 table row 3: conflict entirely → upper', ['@other.com'], ['@acme.com'], ['@acme.com'], 'conflict'],
    ['ES-6 rule 2: subdomain in lower fits an upper domain', ['@eu.acme.com', 'x@acme.com'], ['@acme.com'], ['@eu.acme.com', 'x@acme.com'], 'all_fit'],
    ['ES-6 rule 2: exact emails fit exact emails', ['ann@acme.com'], ['ann@acme.com', 'bob@acme.com'], ['ann@acme.com'], 'all_fit'],
    ['ES-6 rule 3: upper email inside a lower domain is the common part', ['@acme.com'], ['ann@acme.com', 'eve@other.com'], ['ann@acme.com'], 'common_part'],
    ['ES-6 rule 3: upper subdomain inside a wider lower domain is the common part', ['@acme.com'], ['@eu.acme.com'], ['@eu.acme.com'], 'common_part'],
    ['ES-6 rule 1: emails of another domain conflict', ['eve@other.com'], ['@acme.com'], ['@acme.com'], 'conflict'],
    ['ES-6 rule 1: parent domain of an upper email does not fit that email unless it contains it', ['@other.com'], ['ann@acme.com'], ['ann@acme.com'], 'conflict'],
    ['no upper list: lower stands', ['ann@acme.com'], [], ['ann@acme.com'], 'no_upper_list'],
    ['no lower list: upper applies', [], ['@acme.com'], ['@acme.com'], 'no_lower_list'],
    ['both empty', [], [], [], 'no_upper_list'],
    ['invalid lower entries are dropped from the common part', ['garbage', 'bob@acme.com'], ['@acme.com'], ['bob@acme.com'], 'common_part'],
    ['only invalid lower entries → conflict → upper', ['garbage'], ['@acme.com'], ['@acme.com'], 'conflict'],
  ] as const)('%s', (_name, lower, upper, expected, outcome) => {
    expect(narrowSelectedUsersDetailed(lower, upper)).toEqual({ entries: expected, outcome });
    expect(narrowSelectedUsers(lower, upper)).toEqual(expected);
  });

  it('ES-6: a narrowed list never admits an address the upper list refuses', () => {
    const upper = ['@acme.com', 'eve@other.com'];
    const narrowed = narrowSelectedUsers(['@acme.com', '@other.com', 'zed@third.io'], upper);
    for (const email of ['a@acme.com', 'eve@other.com', 'bob@other.com', 'zed@third.io']) {
      if (matchesSelectedUsers(email, narrowed)) expect(matchesSelectedUsers(email, upper)).toBe(true);
    }
    expect(narrowed).toEqual(['@acme.com', 'eve@other.com']);
  });
});

describe('isCoveredBySelectedUsers (ES-8 link entries must stay within the list)', () => {
  it.each([
    ['email in domain', 'ann@acme.com', ['@acme.com'], true],
    ['subdomain in domain', '@eu.acme.com', ['@acme.com'], true],
    ['wider domain is not covered', '@acme.com', ['@eu.acme.com'], false],
    ['domain is not covered by an email', '@acme.com', ['ann@acme.com'], false],
    ['other email', 'bob@acme.com', ['ann@acme.com'], false],
    ['invalid entry is never covered', 'junk', ['@acme.com'], false],
  ] as const)('ES-8 %s', (_name, entry, list, expected) => {
    expect(isCoveredBySelectedUsers(entry, list)).toBe(expected);
  });
});
