import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import { ipAllowed, ipAllowListErrors, normalizeIpAllowList, parseIpEntry, MAX_ALLOWED_IPS } from '../../src/core/ip-allow-list';

describe('parseIpEntry (MO-14 IP allow-list entries)', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['  10.0.0.1  ', '10.0.0.1'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['1.2.3.4/32', '1.2.3.4/32'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['2001:db8:ffff::/32', '2001:db8::/32'],
    ['::1', '::1'],
    ['::', '::'],
    ['::/0', '::/0'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::ffff:1.2.3.0/120', '::ffff:1.2.3.0/120'],
    ['2001:db8::1/128', '2001:db8::1/128'],
  ])('accepts %j as %s', (raw, canonical) => {
    const parsed = parseIpEntry(raw);
    expect(parsed).toMatchObject({ ok: true, range: { canonical } });
  });

  it.each([
    ['1.2.3', 'not a valid IPv4 or IPv6'],
    ['010.1.1.1', 'not a valid IPv4 or IPv6'],
    ['1.2.3.04', 'not a valid IPv4 or IPv6'],
    ['0x7f.0.0.1', 'not a valid IPv4 or IPv6'],
    ['127.1', 'not a valid IPv4 or IPv6'],
    ['2130706433', 'not a valid IPv4 or IPv6'],
    ['256.1.1.1', 'not a valid IPv4 or IPv6'],
    ['1.2.3.4.5', 'not a valid IPv4 or IPv6'],
    ['1.2.3.4/33', 'invalid prefix length: use /0 to /32'],
    ['1.2.3.4/', 'invalid prefix length'],
    ['1.2.3.4/024', 'invalid prefix length'],
    ['1.2.3.4/-1', 'invalid prefix length'],
    ['1.2.3.4/8/8', 'invalid prefix length'],
    ['2001:db8::/129', 'invalid prefix length: use /0 to /128'],
    ['x1.2.3.4', 'not a valid'],
    ['1.2.3.4x', 'not a valid'],
    ['1.2.3.4 5', 'not a valid'],
    ['1.2.3.4:80', 'not a valid'],
    ['fe80::1%eth0', 'not a valid'],
    ['::ffff:010.1.1.1', 'not a valid'],
    ['2001:db8::g', 'not a valid'],
    ['2001:db8:::1', 'not a valid'],
    ['12345::1', 'not a valid'],
    ['1:2:3:4:5:6:7:8:9', 'not a valid'],
    ['', 'empty entry'],
    ['   ', 'empty entry'],
    ['localhost', 'not a valid'],
  ])('rejects %j with a clear message', (raw, fragment) => {
    const parsed = parseIpEntry(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(fragment);
  });
});

describe('normalizeIpAllowList', () => {
  it('canonicalises and de-duplicates', () => {
    expect(normalizeIpAllowList([' 10.0.0.1', '10.0.0.1', '10.9.9.9/8', '10.0.0.0/8', '2001:DB8::1'])).toEqual([
      '10.0.0.1',
      '10.0.0.0/8',
      '2001:db8::1',
    ]);
  });

  it('throws invalid_input naming every bad entry', () => {
    try {
      normalizeIpAllowList(['1.2.3', '10.0.0.1', '1.2.3.4/33']);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      const domainError = error as DomainError;
      expect(domainError.code).toBe('invalid_input');
      expect(domainError.details.map((d) => d.message)).toEqual([
        expect.stringContaining("'1.2.3'"),
        expect.stringContaining("'1.2.3.4/33'"),
      ]);
    }
  });

  it('refuses a list longer than the maximum', () => {
    const many = Array.from({ length: MAX_ALLOWED_IPS + 1 }, (_, i) => `10.0.${Math.floor(i / 256)}.${i % 256}`);
    expect(ipAllowListErrors(many)).toContain(`At most ${MAX_ALLOWED_IPS} IP entries are allowed`);
  });
});

describe('ipAllowed', () => {
  it.each([
    ['empty list allows anyone', '1.2.3.4', [], true],
    ['empty list allows even a missing IP', null, [], true],
    ['exact IPv4', '203.0.113.7', ['203.0.113.7'], true],
    ['other IPv4', '203.0.113.8', ['203.0.113.7'], false],
    ['IPv4 in CIDR', '1.2.3.99', ['1.2.3.0/24'], true],
    ['IPv4 outside CIDR', '1.2.4.1', ['1.2.3.0/24'], false],
    ['IPv4 CIDR boundary low', '10.0.0.0', ['10.0.0.0/30'], true],
    ['IPv4 CIDR boundary high', '10.0.0.3', ['10.0.0.0/30'], true],
    ['IPv4 CIDR boundary past', '10.0.0.4', ['10.0.0.0/30'], false],
    ['/0 allows every IPv4', '8.8.8.8', ['0.0.0.0/0'], true],
    ['exact IPv6', '2001:db8::1', ['2001:db8::1'], true],
    ['IPv6 in written differently', '2001:0db8:0000::0001', ['2001:db8::1'], true],
    ['IPv6 in CIDR', '2001:db8:1::5', ['2001:db8::/32'], true],
    ['IPv6 outside CIDR', '2001:db9::5', ['2001:db8::/32'], false],
    ['IPv4 never matches an IPv6-only list', '1.2.3.4', ['2001:db8::/32'], false],
    ['IPv6 never matches an IPv4-only list', '2001:db8::1', ['0.0.0.0/0'], false],
    ['IPv4-mapped client matches IPv4 CIDR', '::ffff:1.2.3.4', ['1.2.3.0/24'], true],
    ['IPv4-mapped client (hex form) matches IPv4 CIDR', '::ffff:102:304', ['1.2.3.0/24'], true],
    ['IPv4-mapped client outside IPv4 CIDR', '::ffff:1.2.4.4', ['1.2.3.0/24'], false],
    ['IPv4 client matches a mapped IPv6 entry', '1.2.3.4', ['::ffff:1.2.3.0/120'], true],
    ['client IP with surrounding spaces', ' 1.2.3.4 ', ['1.2.3.4'], true],
    ['missing client IP with a list (fail closed)', null, ['0.0.0.0/0'], false],
    ['garbage client IP with a list (fail closed)', 'unknown', ['0.0.0.0/0'], false],
    ['octal-looking client IP with a list', '010.0.0.1', ['10.0.0.1', '8.0.0.1'], false],
    ['client IP with port', '1.2.3.4:5555', ['1.2.3.4'], false],
    ['forwarded-for list is not a client IP', '1.2.3.4, 5.6.7.8', ['1.2.3.4'], false],
    ['invalid entries match nothing', '1.2.3.4', ['1.2.3', 'nonsense'], false],
    ['one valid entry among invalid ones still works', '1.2.3.4', ['nonsense', '1.2.3.4'], true],
  ] as const)('%s', (_name, client, entries, expected) => {
    expect(ipAllowed(client, entries)).toBe(expected);
  });
});
