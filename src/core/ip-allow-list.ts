import ipaddr from 'ipaddr.js';
import { DomainError } from './errors';

/**
 * IP allow-lists: IPv4 and IPv6 addresses and CIDR ranges. Parsing is strict because a lenient parser
 * (ipaddr.js alone accepts `1.2.3`, `010.1.1.1` as octal, `0x7f.1`) could let an admin allow far more
 * than they wrote.
 */

export const MAX_ALLOWED_IPS = 200;

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface IpRange {
  /** Canonical text: `1.2.3.4`, `1.2.3.0/24`, `2001:db8::/32`. */
  canonical: string;
  address: Address;
  prefixLength: number;
}

export type ParsedIpEntry = { ok: true; range: IpRange } | { ok: false; message: string };

const DECIMAL_OCTET = '(?:0|[1-9][0-9]{0,2})';
const IPV4_PATTERN = new RegExp(`^${DECIMAL_OCTET}(?:\\.${DECIMAL_OCTET}){3}$`);
// Hex groups and colons only, optionally ending in a dotted IPv4 tail; zone ids (%eth0) are refused.
const IPV6_PATTERN = /^[0-9a-f:]*(?::(?:0|[1-9][0-9]{0,2})(?:\.(?:0|[1-9][0-9]{0,2})){3})?$/i;
const PREFIX_PATTERN = /^(?:0|[1-9][0-9]{0,2})$/;

/** Parses a single address strictly; null when it is not a plain IPv4 or IPv6 address. */
export const parseIpAddress = (text: string): Address | null => {
  if (IPV4_PATTERN.test(text)) {
    return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : null;
  }
  if (text.includes(':') && IPV6_PATTERN.test(text) && ipaddr.IPv6.isValid(text)) {
    return ipaddr.IPv6.parse(text);
  }
  return null;
};

const maxPrefix = (address: Address): number => (address.kind() === 'ipv4' ? 32 : 128);

const canonicalText = (address: Address): string => {
  if (address.kind() === 'ipv4') return address.toString();
  const v6 = address as ipaddr.IPv6;
  // Mapped addresses read better with their IPv4 tail (::ffff:1.2.3.4, not ::ffff:102:304).
  return v6.isIPv4MappedAddress() ? `::ffff:${v6.toIPv4Address().toString()}` : v6.toRFC5952String();
};

/** Parses one allow-list entry (address or CIDR), trimming surrounding whitespace only. */
export const parseIpEntry = (raw: string): ParsedIpEntry => {
  const text = raw.trim();
  const shown = `'${text}'`;
  if (text === '') return { ok: false, message: 'An empty entry is not an IP address or range' };
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseIpAddress(addressText);
  if (address === null) {
    return { ok: false, message: `${shown} is not a valid IPv4 or IPv6 address or CIDR range (e.g. 203.0.113.7, 203.0.113.0/24, 2001:db8::/32)` };
  }
  if (slash === -1) {
    return { ok: true, range: { canonical: canonicalText(address), address, prefixLength: maxPrefix(address) } };
  }
  const prefixText = text.slice(slash + 1);
  const limit = maxPrefix(address);
  if (!PREFIX_PATTERN.test(prefixText) || Number(prefixText) > limit) {
    return { ok: false, message: `${shown} has an invalid prefix length: use /0 to /${limit} for an ${address.kind() === 'ipv4' ? 'IPv4' : 'IPv6'} range` };
  }
  const prefixLength = Number(prefixText);
  // Host bits are dropped so the stored text says exactly which range is allowed (1.2.3.4/24 → 1.2.3.0/24).
  const network = address.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefixLength}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefixLength}`);
  return { ok: true, range: { canonical: `${canonicalText(network)}/${prefixLength}`, address: network, prefixLength } };
};

/** One pass over a list: the canonical form of each valid entry, and the messages for the rest (plus length). */
const checkIpAllowList = (entries: readonly string[]): { canonical: string[]; errors: string[] } => {
  const canonical: string[] = [];
  const errors: string[] = [];
  if (entries.length > MAX_ALLOWED_IPS) errors.push(`At most ${MAX_ALLOWED_IPS} IP entries are allowed`);
  for (const raw of entries) {
    const parsed = parseIpEntry(raw);
    if (parsed.ok) canonical.push(parsed.range.canonical);
    else errors.push(parsed.message);
  }
  return { canonical, errors };
};

/** Messages for every invalid entry, plus one when the list is too long. Empty when all are valid. */
export const ipAllowListErrors = (entries: readonly string[]): string[] => checkIpAllowList(entries).errors;

/**
 * Canonical, de-duplicated form of an allow-list.
 * @throws DomainError('invalid_input') naming every invalid entry.
 */
export const normalizeIpAllowList = (entries: readonly string[], field = 'allowedIps'): string[] => {
  const { canonical, errors } = checkIpAllowList(entries);
  if (errors.length > 0) {
    throw new DomainError(
      'invalid_input',
      errors[0] ?? 'Invalid IP allow-list',
      errors.map((message) => ({ field, rule: 'allowedIps.format', message })),
    );
  }
  return [...new Set(canonical)];
};

/** The forms of a client address worth comparing: an IPv4-mapped IPv6 address also counts as its IPv4. */
const clientForms = (client: Address): Address[] => {
  if (client.kind() === 'ipv4') return [client, (client as ipaddr.IPv4).toIPv4MappedAddress()];
  const v6 = client as ipaddr.IPv6;
  return v6.isIPv4MappedAddress() ? [v6, v6.toIPv4Address()] : [v6];
};

/**
 * True when the client may pass the IP allow-list. An empty list allows everyone. With a list, a missing
 * or unparsable client IP is refused (fail closed), and unparsable entries match nothing.
 */
export const ipAllowed = (clientIp: string | null, entries: readonly string[]): boolean => {
  if (entries.length === 0) return true;
  if (clientIp === null) return false;
  const client = parseIpAddress(clientIp.trim());
  if (client === null) return false;
  const forms = clientForms(client);
  return entries.some((raw) => {
    const parsed = parseIpEntry(raw);
    if (!parsed.ok) return false;
    const { address, prefixLength } = parsed.range;
    return forms.some((form) => form.kind() === address.kind() && form.match(address, prefixLength));
  });
};
