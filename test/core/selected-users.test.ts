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
    ['@*.acme.com', 'subdomains', '@*.acme.com'],
    [' @*.EU.Acme.COM ', 'subdomains', '@*.eu.acme.com'],
    ['@*.acme.co.uk', 'subdomains', '@*.acme.co.uk'],
    ['@xn--exmple-4nf.com', 'domain', '@xn--exmple-4nf.com'],
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
    ['@*acme.com', "puts '*' in the wrong place: write @*.acme.com"],
    ['@a.*.com', "puts '*' in the wrong place"],
    ['@acme.*', "puts '*' in the wrong place"],
    ['@**.acme.com', "puts '*' in the wrong place"],
    ['@*', "puts '*' in the wrong place"],
    ['@*.*.acme.com', "more than one '*': only one leading '*.' is allowed"],
    ['@*.com', "'@*.com' would admit every .com address"],
    ['@*.COM', "'@*.COM' would admit every .com address"],
    ['@*.acme', 'would admit every .acme address'],
    ['@*.', 'not a valid subdomain wildcard'],
    ['@*.-acme.com', 'not a valid subdomain wildcard'],
    ['*.acme.com', 'write @*.acme.com to allow every subdomain'],
    ['ann@*.acme.com', 'not a valid email'],
    // M3: non-ASCII domains are refused outright, so a Cyrillic look-alike never becomes an entry.
    ['a@exаmple.com', 'not a valid email'],
    ['@exаmple.com', 'not a valid domain'],
    ['@*.exаmple.com', 'not a valid subdomain wildcard'],
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
    ['M3: a domain does not admit its subdomains', 'bob@eu.acme.com', ['@acme.com'], false],
    ['a wildcard admits a subdomain', 'bob@eu.acme.com', ['@*.acme.com'], true],
    ['a wildcard admits a deeper subdomain', 'bob@x.eu.acme.com', ['@*.acme.com'], true],
    ['a wildcard does not admit the domain itself', 'bob@acme.com', ['@*.acme.com'], false],
    ['domain plus wildcard admits both', 'bob@acme.com', ['@acme.com', '@*.acme.com'], true],
    ['wildcard suffix trick does not match', 'bob@eu.acme.com.evil.io', ['@*.acme.com'], false],
    ['wildcard look-alike does not match', 'bob@eu.notacme.com', ['@*.acme.com'], false],
    ['wildcard label boundary: evil-acme.com is not under acme.com', 'bob@evil-acme.com', ['@*.acme.com'], false],
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
    ['ES-6 rule 2: subdomain in lower fits an upper wildcard', ['@eu.acme.com', 'x@eu.acme.com'], ['@*.acme.com'], ['@eu.acme.com', 'x@eu.acme.com'], 'all_fit'],
    ['ES-6 rule 2: narrower wildcard in lower fits an upper wildcard', ['@*.eu.acme.com'], ['@*.acme.com'], ['@*.eu.acme.com'], 'all_fit'],
    ['ES-6 rule 2: the same wildcard fits', ['@*.acme.com'], ['@*.acme.com'], ['@*.acme.com'], 'all_fit'],
    ['ES-6 rule 2: domain and wildcard in lower fit the same pair above', ['@acme.com', '@*.acme.com'], ['@*.acme.com', '@acme.com'], ['@acme.com', '@*.acme.com'], 'all_fit'],
    ['ES-6 rule 1: a subdomain does not fit an upper domain', ['@eu.acme.com'], ['@acme.com'], ['@acme.com'], 'conflict'],
    ['ES-6 rule 1: the domain itself does not fit an upper wildcard', ['@acme.com'], ['@*.acme.com'], ['@*.acme.com'], 'conflict'],
    ['ES-6 rule 1: an email of the domain itself does not fit an upper wildcard', ['ann@acme.com'], ['@*.acme.com'], ['@*.acme.com'], 'conflict'],
    ['ES-6 rule 1: a wildcard does not fit an upper domain', ['@*.acme.com'], ['@acme.com'], ['@acme.com'], 'conflict'],
    ['ES-6 rule 1: a wider wildcard does not fit a narrower upper domain', ['@*.eu.acme.com'], ['@eu.acme.com'], ['@eu.acme.com'], 'conflict'],
    ['ES-6 rule 3: only the subdomain part of lower fits an upper wildcard', ['@acme.com', 'x@eu.acme.com'], ['@*.acme.com'], ['x@eu.acme.com'], 'common_part'],
    ['ES-6 rule 2: exact emails fit exact emails', ['ann@acme.com'], ['ann@acme.com', 'bob@acme.com'], ['ann@acme.com'], 'all_fit'],
    ['ES-6 rule 3: upper email inside a lower domain is the common part', ['@acme.com'], ['ann@acme.com', 'eve@other.com'], ['ann@acme.com'], 'common_part'],
    ['ES-6 rule 3: upper subdomain inside a lower wildcard is the common part', ['@*.acme.com'], ['@eu.acme.com'], ['@eu.acme.com'], 'common_part'],
    ['ES-6 rule 3: upper narrower wildcard inside a lower wildcard is the common part', ['@*.acme.com'], ['@*.eu.acme.com', '@acme.com'], ['@*.eu.acme.com'], 'common_part'],
    ['ES-6 rule 3: upper email in a subdomain inside a lower wildcard is the common part', ['@*.acme.com'], ['bob@eu.acme.com', 'ann@acme.com'], ['bob@eu.acme.com'], 'common_part'],
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
    ['subdomain is not covered by its parent domain', '@eu.acme.com', ['@acme.com'], false],
    ['subdomain in a wildcard', '@eu.acme.com', ['@*.acme.com'], true],
    ['narrower wildcard in a wildcard', '@*.eu.acme.com', ['@*.acme.com'], true],
    ['email in a subdomain in a wildcard', 'bob@x.eu.acme.com', ['@*.acme.com'], true],
    ['the domain itself is not in its wildcard', '@acme.com', ['@*.acme.com'], false],
    ['a wildcard is not covered by its domain', '@*.acme.com', ['@acme.com'], false],
    ['a wider wildcard is not covered', '@*.acme.com', ['@*.eu.acme.com'], false],
    ['wider domain is not covered', '@acme.com', ['@eu.acme.com'], false],
    ['domain is not covered by an email', '@acme.com', ['ann@acme.com'], false],
    ['other email', 'bob@acme.com', ['ann@acme.com'], false],
    ['invalid entry is never covered', 'junk', ['@acme.com'], false],
  ] as const)('ES-8 %s', (_name, entry, list, expected) => {
    expect(isCoveredBySelectedUsers(entry, list)).toBe(expected);
  });
});

describe('security catalogue M3 (allow-list example.com)', () => {
  it.each([
    ['case is folded', 'a@EXAMPLE.COM', true],
    ['a subdomain is denied (subdomains need an @*.example.com entry)', 'a@sub.example.com', false],
    ['a suffix trick is denied', 'a@example.com.evil.io', false],
    ['a hyphenated look-alike is denied', 'a@evil-example.com', false],
    ['a Cyrillic homoglyph is denied', 'a@exаmple.com', false],
    ['the punycode of the homoglyph is a different domain', 'a@xn--exmple-4nf.com', false],
  ] as const)('M3 @example.com: %s (%s)', (_name, email, allowed) => {
    expect(matchesSelectedUsers(email, ['@example.com'])).toBe(allowed);
  });

  it.each([
    ['the domain itself needs its own entry', 'a@example.com', false],
    ['a subdomain is allowed once subdomains are enabled', 'a@sub.example.com', true],
    ['a suffix trick is denied', 'a@sub.example.com.evil.io', false],
    ['a hyphenated look-alike is denied', 'a@sub.evil-example.com', false],
    ['a Cyrillic homoglyph is denied', 'a@sub.exаmple.com', false],
  ] as const)('M3 @*.example.com: %s (%s)', (_name, email, allowed) => {
    expect(matchesSelectedUsers(email, ['@*.example.com'])).toBe(allowed);
  });

  it('a list with both entries admits the domain and its subdomains, nothing else', () => {
    const list = ['@example.com', '@*.example.com'];
    expect(['a@example.com', 'a@sub.example.com', 'a@x.sub.example.com'].map((e) => matchesSelectedUsers(e, list))).toEqual([true, true, true]);
    expect(['a@example.com.evil.io', 'a@evil-example.com', 'a@exаmple.com'].map((e) => matchesSelectedUsers(e, list))).toEqual([false, false, false]);
  });
});
