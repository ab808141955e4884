/**
 * The audit log in plain words: one sentence per entry, with people, links, pages and spaces by name
 * ("Ann Editor turned on 'Require single sign-on' and changed selected users for 'Partner review' on
 * Release notes"). Ids stay out of the sentence; auditEntryIds lists them for a tooltip or a CSV column.
 *
 * Pure (no I/O): the names come in an AuditNames book, resolved in bulk by src/app/audit-names.ts for the
 * log view and the CSV export, or stored on the entry when it was written (AuditEntry.names).
 *
 * Adding an audit action: add one row to AUDIT_SENTENCES (the Record type and a test over every action
 * refuse an action without a sentence).
 *
 * Details are matched by the words the app writes (field lists, "password: wrong", "Configuration 'X'
 * created"…). A detail worded in a way no rule knows keeps its words after a colon: the sentence gets
 * plainer, never wrong or empty.
 */
import type { AuditAction, AuditEntry } from './model';

/** Names by id, as resolved for a page of entries. Every map is optional; a missing name falls back to plain words. */
export interface AuditNames {
  /** accountId → display name. */
  users?: Readonly<Record<string, string>>;
  /** pageId → title. */
  pages?: Readonly<Record<string, string>>;
  /** spaceKey → space name. */
  spaces?: Readonly<Record<string, string>>;
  /** linkId → link name. */
  links?: Readonly<Record<string, string>>;
}

export interface SentenceOptions {
  /** How a date inside a sentence reads (an expiry date); default: YYYY-MM-DD (UTC). The UI passes the viewer's locale. */
  formatDate?: (epochMs: number) => string;
}

/** What a sentence builder gets: the entry, and its people and places already in words. */
export interface SentenceParts {
  entry: AuditEntry;
  /** "Ann Editor", "A visitor", "a***@acme.com", "Secure Share". */
  who: string;
  /** "'Partner review'" or "a link". */
  link: string;
  /** "Release notes" or "a page". */
  page: string;
  /** "Demo space" or "space DEMO". */
  space: string;
  /** "'Partner review' on Release notes": the link and where it points. */
  linkOnPage: string;
  /** The entry's detail without the aggregation note ("repeated N more times in …"). */
  detail: string;
  formatDate: (epochMs: number) => string;
  /** The whole name book, for names inside a detail (an export's filter). */
  names: AuditNames;
}

const isoDate = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);

/** "1 link", "3 links"; `plural` when not just "s". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "a", "a and b", "a, b and c". */
export const joinWords = (words: readonly string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;

const REPEATED = /\s*\(repeated (\d+) more times? in [^)]*\)\s*$/;
const quote = (name: string): string => `'${name}'`;
/** Capital first letter, except for a masked address ("b***@partner.com opened …"). */
const upperFirst = (text: string): string => (text && !/^\S*@/.test(text) ? text[0]!.toUpperCase() + text.slice(1) : text);
/** `updateLink` → "update link" (resolver names in access_denied details). */
const camelWords = (text: string): string => text.replace(/([a-z0-9])([A-Z])/g, (_m, a: string, b: string) => `${a} ${b.toLowerCase()}`);
const withDetail = (sentence: string, detail: string): string => (detail ? `${sentence}: ${detail.replace(/\.$/, '')}` : sentence);

// ---------------------------------------------------------------------------------------------
// Changed settings (link_updated, policy_*_changed, settings_changed details list field names)

/** Toggles: "turned on 'X'" / "turned off 'X'" when the detail says which way, otherwise "changed 'X'". */
const TOGGLES: Readonly<Record<string, string>> = {
  includeChildren: 'Include child pages',
  shareRestrictedChildren: 'Share restricted child pages',
  showCreator: 'Show who shared the page',
  allowSubscribe: 'Let recipients subscribe to updates by email',
  requireSso: 'Require single sign-on',
  enforceSso: 'Enforce single sign-on',
  childPages: 'Allow sharing child pages',
  childPagesOnByDefault: 'New links include child pages',
  restrictedChildPages: 'Allow sharing restricted child pages',
  restrictedChildPagesOnByDefault: 'New links include restricted child pages',
  sharingEnabled: 'Sharing enabled',
  applyOnAllLinks: 'Apply on all links',
  applyOnSpaceLinks: 'Apply on space links',
};

/** Other fields: "changed <words>". */
const FIELDS: Readonly<Record<string, string>> = {
  name: 'the name',
  description: 'the description',
  comments: 'comments',
  attachments: 'attachments',
  withLabels: 'the labels to include',
  withoutLabels: 'the labels to leave out',
  expiresAt: 'the expiry date',
  allowedIps: 'allowed IP addresses',
  selectedUsers: 'selected users',
  password: 'the password rule',
  expiry: 'the expiry rule',
  customization: 'the look of shared pages',
  customDomain: 'the custom domain',
  clientIpHeader: 'the client IP header',
  sso: 'single sign-on',
  email: 'email delivery',
  notifications: 'notifications',
  auditRetentionDays: 'audit retention',
};

/** Whole phrases recorded as they are (secrets and passwords: never their values). */
const PHRASES: Readonly<Record<string, string>> = {
  'password set': 'set a new password',
  'password removed': 'removed the password',
  'SSO client secret replaced': 'replaced the single sign-on client secret',
  'SSO client secret removed': 'removed the single sign-on client secret',
  'email API key replaced': 'replaced the email API key',
  'email API key removed': 'removed the email API key',
};

/**
 * One changed field as a verb phrase: `requireSso on` → "turned on 'Require single sign-on'",
 * `selectedUsers` → "changed selected users"; unknown words are kept as they are.
 */
export const describeChange = (token: string): string => {
  const phrase = PHRASES[token];
  if (phrase) return phrase;
  const [key = '', way] = token.split(' ');
  const toggle = TOGGLES[key];
  if (toggle) return way === 'on' || way === 'off' ? `turned ${way} ${quote(toggle)}` : `changed ${quote(toggle)}`;
  const field = FIELDS[key];
  return field ? `changed ${field}` : `changed ${token}`;
};

/** "turned on 'X' and changed selected users", from a detail like "requireSso on, selectedUsers". */
export const describeChanges = (detail: string): string => {
  const tokens = detail
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tokens.length === 0 || (tokens.length === 1 && tokens[0] === 'no change')) return '';
  // "changed a, changed b" reads better as "changed a and b".
  const changed = tokens.map(describeChange);
  const plain = changed.filter((c) => c.startsWith('changed ')).map((c) => c.slice('changed '.length));
  const others = changed.filter((c) => !c.startsWith('changed '));
  return joinWords([...others, ...(plain.length > 0 ? [`changed ${joinWords(plain)}`] : [])]);
};

/** A new link's protections, from link_created's detail ("password, expires 2026-12-31T…, 2 IP rule(s)"). */
export const describeProtections = (detail: string, formatDate: (epochMs: number) => string): string => {
  const words = detail
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '' && t !== 'open link')
    .map((token) => {
      const expires = /^expires (\S+)$/.exec(token);
      if (expires) {
        const at = Date.parse(expires[1]!);
        return Number.isNaN(at) ? token : `expiring ${formatDate(at)}`;
      }
      const ips = /^(\d+) IP rule\(s\)$/.exec(token);
      if (ips) return plural(Number(ips[1]), 'IP address rule');
      const users = /^(\d+) selected user entr\(ies\)$/.exec(token);
      if (users) return plural(Number(users[1]), 'selected user entry', 'selected user entries');
      if (token === 'SSO') return 'single sign-on';
      if (token === 'whole space') return 'the whole space';
      return token;
    });
  return words.length > 0 ? joinWords(words) : '';
};

// ---------------------------------------------------------------------------------------------
// The table: one sentence per action

// Visitors' events: details are short codes ("password: wrong", "expired") said here in words.

/** Why a view was refused (decide-view's reasons and the share handler's), as the end of a sentence. */
const DENY_REASONS: Readonly<Record<string, string>> = {
  link_disabled: 'the link is disabled',
  expired: 'the link has expired',
  sharing_disabled: 'sharing is turned off',
  non_compliant: 'the link does not meet the sharing policy',
  page_removed: 'the page was removed',
  ip_not_allowed: 'their IP address is not allowed',
  email_not_selected: 'their email address is not among the selected users',
  'unknown link': 'the link does not exist',
  'token does not match (rotated or forged)': 'the URL is an old or forged one',
};

const CLASSIFIED = /^classification rule: page classified '(.+)' \('(.+)' or higher cannot be shared\)$/;

const denyWords = (detail: string): string => {
  const dropped = / \(identity dropped from the session\)$/.exec(detail);
  const reason = dropped ? detail.slice(0, dropped.index) : detail;
  const classified = CLASSIFIED.exec(reason);
  const words = classified
    ? `the page is classified '${classified[1]}', and pages classified '${classified[2]}' or higher cannot be shared`
    : (DENY_REASONS[reason] ?? reason);
  return dropped ? `${words} (their sign-in was forgotten)` : words;
};

/** Checks passed: detail → what the visitor did. */
const GATE_PASSED: Readonly<Record<string, string>> = {
  password: 'entered the password for',
  'email code': 'confirmed an email code for',
  'email confirmed for updates': 'confirmed their email address for updates of',
  sso: 'signed in with single sign-on for',
};

/** Checks failed: detail → what went wrong; details not listed keep their words after a colon. */
const GATE_FAILED: Readonly<Record<string, string>> = {
  'password: wrong': 'entered a wrong password for',
  'password: too many attempts': 'made too many password attempts on',
  'email code: attempts exhausted': 'used up the email code attempts for',
  'email code: wrong or expired': 'entered a wrong or expired email code for',
  'email code send cap reached': 'asked for too many email codes for',
  'email code could not be sent': 'could not be sent an email code for',
  'sso: the signed-in account is not among the selected users': 'signed in with an account that is not among the selected users of',
};

const gateSentence = (table: Readonly<Record<string, string>>, fallback: string) => (p: SentenceParts): string => {
  const verb = table[p.detail];
  if (verb) return `${p.who} ${verb} ${p.linkOnPage}`;
  const sso = /^sso: (.*)$/.exec(p.detail);
  if (sso) return `${p.who} ${fallback === 'passed a check on' ? 'signed in with single sign-on for' : 'failed single sign-on for'} ${p.linkOnPage}: ${sso[1]}`;
  return withDetail(`${p.who} ${fallback} ${p.linkOnPage}`, p.detail);
};

/** Page events ("Page "Release notes" was moved to the trash in Confluence; the link no longer opens."). */
const PAGE_EVENT = /^Page .* was (moved to the trash|archived|deleted permanently|restored|unarchived) in Confluence; (the link no longer opens|the link works again \(if its policy allows\))\.?$/;
const PAGE_VERBS: Readonly<Record<string, [string, string]>> = {
  'moved to the trash': ['moved', 'to the trash'],
  archived: ['archived', ''],
  'deleted permanently': ['deleted', 'permanently'],
  restored: ['restored', ''],
  unarchived: ['unarchived', ''],
};

const pageSentence = (fallback: string) => (p: SentenceParts): string => {
  const m = PAGE_EVENT.exec(p.detail);
  if (!m) return withDetail(`${p.page} ${fallback}, affecting ${p.link}`, p.detail);
  const [verb, rest] = PAGE_VERBS[m[1]!]!;
  const consequence = m[2]!.startsWith('the link no longer') ? `${p.link} no longer opens` : `${p.link} works again if its policy allows`;
  // Page events name the person who acted in Confluence; without one, the sentence is passive.
  const did = p.entry.actor === 'app' || p.entry.actor === 'unknown' ? `${p.page} was ${m[1]}` : `${p.who} ${verb} ${p.page}${rest ? ` ${rest}` : ''}`;
  return `${did} in Confluence; ${consequence}`;
};

/**
 * Named configurations and the classification rule (app/named-configs.ts) write their change as words;
 * each rule turns one of them into a sentence, `who` and `space` filled in.
 */
const CONFIG_CHANGES: ReadonlyArray<[RegExp, (p: SentenceParts, m: RegExpExecArray) => string]> = [
  [/^Configuration '(.+)' (created|changed|deleted)$/, (p, m) => `${p.who} ${m[2]} the configuration '${m[1]}'`],
  [/^New spaces get (.+)$/, (p, m) => `${p.who} chose ${m[1]} for new spaces`],
  [/^Classification rule: (.+)$/, (p, m) => `${p.who} set the classification rule: ${m[1]}`],
  [/^Classification rule turned off$/, (p) => `${p.who} turned off the classification rule`],
  [/^Assigned (.+)$/, (p, m) => `${p.who} assigned ${m[1]} to ${p.space}`],
  [/^Configuration assignment removed/, (p) => `${p.who} removed the configuration assigned to ${p.space}; the one for new spaces applies`],
  [/^The space's own settings were dropped/, (p) => `${p.who} dropped the settings of ${p.space} for its assigned configuration`],
];

const configChange = (p: SentenceParts): string | undefined => {
  for (const [pattern, say] of CONFIG_CHANGES) {
    const m = pattern.exec(p.detail);
    if (m) return say(p, m);
  }
  return undefined;
};

/** Links and spaces named in an export's filter words ("link <id>, space DEMO, action view_denied"), by name when known. */
export const EXPORT_FILTER_LINK = /\blink ([A-Za-z0-9_-]{10,})/g;
export const EXPORT_FILTER_SPACE = /\bspace ([A-Za-z0-9]+)/g;

const filterWords = (text: string, names: AuditNames): string =>
  text
    .replace(EXPORT_FILTER_LINK, (_m, id: string) => (names.links?.[id] ? `link ${quote(names.links[id])}` : 'one link'))
    .replace(EXPORT_FILTER_SPACE, (m, key: string) => (names.spaces?.[key] ? `space ${quote(names.spaces[key])}` : m))
    .replace(/\baction ([a-z]+(?:_[a-z]+)+)\b/g, (_m, code: string) => `action '${code.replace(/_/g, ' ')}'`);

/** Bulk changes from the links console record "bulk disable", "bulk delete"… (older ones "bulk revoke"). */
const BULK = /^bulk (disable|enable|delete|revoke)$/;
const BULK_WORDS = ' (with other links at once)';

/** Mail the app sent (notifications.ts, link-email.ts), by its recorded detail. */
const MAIL_SENT: ReadonlyArray<[RegExp, (p: SentenceParts, m: RegExpExecArray) => string]> = [
  [/^Page update sent to subscriber (.+?)\.?$/, (p, m) => `${p.who} emailed subscriber ${m[1]} that ${p.page} changed (${p.link})`],
  [/^Expiry reminder sent to the link creator \((.+)\)\.?$/, (p, m) => `${p.who} reminded the creator of ${p.linkOnPage} (${m[1]}) that it expires soon`],
  [/^"Link opened" alert sent to the link creator \((.+)\)\.?$/, (p, m) => `${p.who} told the creator of ${p.linkOnPage} (${m[1]}) that it was opened`],
  [/^"Link under attack" alert sent to the link creator \((.+)\)\.?$/, (p, m) => `${p.who} warned the creator of ${p.linkOnPage} (${m[1]}) about repeated wrong passwords`],
  [/^link emailed to (.+)$/, (p, m) => `${p.who} emailed ${p.linkOnPage} to ${m[1]}`],
];

const linkSentence = (verb: string) => (p: SentenceParts): string =>
  BULK.test(p.detail) ? `${p.who} ${verb} ${p.linkOnPage}${BULK_WORDS}` : withDetail(`${p.who} ${verb} ${p.linkOnPage}`, p.detail);

export const AUDIT_SENTENCES: Readonly<Record<AuditAction, (p: SentenceParts) => string>> = {
  link_created: (p) => {
    const protections = describeProtections(p.detail, p.formatDate);
    return `${p.who} created ${p.linkOnPage}${protections ? ` (${protections})` : ' (no password, expiry or other protection)'}`;
  },
  link_updated: (p) => {
    // Admins editing another creator's link from their console are said so ("… (by an administrator)").
    const byAdmin = /\s*\(by an administrator\)$/.test(p.detail);
    const changes = describeChanges(p.detail.replace(/\s*\(by an administrator\)$/, ''));
    const as = byAdmin ? ' as an administrator' : '';
    return changes ? `${p.who} ${changes} for ${p.linkOnPage}${as}` : `${p.who} saved ${p.linkOnPage} without changes${as}`;
  },
  link_disabled: linkSentence('disabled'),
  link_enabled: linkSentence('enabled'),
  link_rotated: (p) => `${p.who} gave ${p.linkOnPage} a new URL; the old URL stopped working`,
  link_url_shown: (p) => withDetail(`${p.who} got the URL of ${p.linkOnPage} again`, p.detail),
  link_deleted: (p) => `${p.who} deleted ${p.linkOnPage}${/ \(bulk delete\)$/.test(p.entry.detail) ? BULK_WORDS : ''}`,
  full_reset: (p) => {
    const full = /^full reset: (\d+) link\(s\)/.exec(p.detail);
    return full ? `${p.who} reset Secure Share completely: deleted ${plural(Number(full[1]), 'link')} and all settings` : `${p.who} reset Secure Share completely`;
  },
  links_reset: (p) => {
    // Full resets were recorded as links_reset before full_reset existed.
    const full = /^full reset: (\d+) link\(s\)/.exec(p.detail);
    if (full) return `${p.who} reset Secure Share completely: deleted ${plural(Number(full[1]), 'link')} and all settings`;
    const some = /^(\d+) link\(s\) deleted$/.exec(p.detail);
    return some ? `${p.who} deleted all links (${plural(Number(some[1]), 'link')})` : withDetail(`${p.who} deleted all links`, p.detail);
  },
  policy_global_changed: (p) => {
    const named = configChange(p);
    if (named) return named;
    const changes = describeChanges(p.detail);
    return changes ? `${p.who} ${changes} in the default link configuration` : `${p.who} saved the default link configuration without changes`;
  },
  policy_space_changed: (p) => {
    const named = configChange(p);
    if (named) return named;
    const changes = describeChanges(p.detail);
    return changes ? `${p.who} ${changes} in the sharing settings of ${p.space}` : `${p.who} saved the sharing settings of ${p.space} without changes`;
  },
  settings_changed: (p) => {
    const changes = describeChanges(p.detail);
    return changes ? `${p.who} ${changes} in the site settings` : `${p.who} saved the site settings without changes`;
  },
  audit_exported: (p) => {
    const m = /^Export (started|ready|failed): (.*)$/.exec(p.detail);
    if (!m) return withDetail(`${p.who} exported the audit log`, p.detail);
    const rest = filterWords(m[2]!.replace(/\.$/, ''), p.names);
    if (m[1] === 'started') return `${p.who} started an audit log export (${rest})`;
    if (m[1] === 'ready') return `The audit log export of ${p.who} is ready: ${rest}`;
    return `The audit log export of ${p.who} failed: ${rest}`;
  },
  links_exported: (p) => {
    const m = /^Export (started|ready|failed): (.*)$/.exec(p.detail);
    if (!m) return withDetail(`${p.who} exported the links list`, p.detail);
    const rest = m[2]!.replace(/\.$/, '');
    if (m[1] === 'started') return `${p.who} started a links export (${rest})`;
    if (m[1] === 'ready') return `The links export of ${p.who} is ready: ${rest}`;
    return `The links export of ${p.who} failed: ${rest}`;
  },
  view_allowed: (p) => `${p.who} opened ${p.linkOnPage}`,
  view_denied: (p) => (p.detail ? `${p.who} was refused ${p.linkOnPage}: ${denyWords(p.detail)}` : `${p.who} was refused ${p.linkOnPage}`),
  gate_passed: gateSentence(GATE_PASSED, 'passed a check on'),
  gate_failed: gateSentence(GATE_FAILED, 'failed a check on'),
  code_sent: (p) => {
    const kind = p.detail === 'access code' ? 'An access code' : p.detail === 'subscription code' ? 'A code to confirm updates' : 'An email code';
    const to = p.who === 'A visitor' ? 'a visitor' : p.who;
    return p.detail === 'access code' || p.detail === 'subscription code' || !p.detail
      ? `${kind} was sent to ${to} for ${p.linkOnPage}`
      : withDetail(`${kind} was sent to ${to} for ${p.linkOnPage}`, p.detail);
  },
  comment_added: (p) => withDetail(`${p.who} added a comment to ${p.page} through ${p.link}`, p.detail),
  attachment_added: (p) => withDetail(`${p.who} added an attachment to ${p.page} through ${p.link}`, p.detail),
  subscribed: (p) => `${p.who} subscribed to updates of ${p.linkOnPage}`,
  unsubscribed: (p) => withDetail(`${p.who} unsubscribed from updates of ${p.linkOnPage}`, p.detail),
  page_trashed: pageSentence('went to the trash or was archived'),
  page_restored: pageSentence('was restored'),
  page_deleted: pageSentence('was deleted'),
  notification_sent: (p) => {
    for (const [pattern, say] of MAIL_SENT) {
      const m = pattern.exec(p.detail);
      if (m) return say(p, m);
    }
    return withDetail(`${p.who} sent an email about ${p.linkOnPage}`, p.detail);
  },
  access_denied: (p) => {
    const call = /^(\w+) refused$/.exec(p.detail);
    return call ? `${p.who} was refused "${camelWords(call[1]!)}" (not allowed)` : withDetail(`${p.who} was refused an action`, p.detail);
  },
};

// ---------------------------------------------------------------------------------------------

const APP_NAME = 'Secure Share';

/** The actor in words: a person's name, "A visitor", a masked address, "Secure Share" for the app. */
export const actorWords = (actor: string, names: AuditNames): string => {
  if (actor === 'app') return APP_NAME;
  if (actor === 'visitor') return 'A visitor';
  if (actor === 'unknown' || actor === '') return 'Someone';
  if (actor.includes('@')) return actor;
  return names.users?.[actor] ?? 'A Confluence user';
};

/** The parts of one entry in words, for AUDIT_SENTENCES. */
export const sentenceParts = (entry: AuditEntry, names: AuditNames = {}, options: SentenceOptions = {}): SentenceParts => {
  const stored = entry.names ?? {};
  const linkName = (entry.linkId ? names.links?.[entry.linkId] : undefined) ?? stored.link;
  const pageName = (entry.pageId ? names.pages?.[entry.pageId] : undefined) ?? stored.page;
  const spaceName = (entry.spaceKey ? names.spaces?.[entry.spaceKey] : undefined) ?? stored.space;
  // A deleted link's name is its delete entry's detail (entries written before names were stored), less a bulk note.
  const deletedName = entry.action === 'link_deleted' && entry.detail ? entry.detail.replace(/ \(bulk delete\)$/, '') : undefined;
  const link = linkName ?? deletedName;
  const linkWords = link ? quote(link) : entry.linkId ? 'a link' : 'the link';
  const page = pageName ?? (entry.pageId ? 'a page' : 'the page');
  const space = spaceName ?? (entry.spaceKey ? `space ${entry.spaceKey}` : 'the space');
  const detail = entry.detail.replace(REPEATED, '').trim();
  return {
    entry,
    who: actorWords(entry.actor, names),
    link: linkWords,
    page,
    space,
    linkOnPage: entry.pageId || pageName ? `${linkWords} on ${page}` : linkWords,
    detail: entry.action === 'link_deleted' ? '' : detail,
    formatDate: options.formatDate ?? isoDate,
    names,
  };
};

/** How many times the entry stands for: aggregated entries count repeats within their minute. */
const timesWords = (entry: AuditEntry): string => {
  const repeated = REPEATED.exec(entry.detail);
  const n = repeated ? Number(repeated[1]) : entry.count;
  if (n <= 1 && !repeated) return '';
  return repeated ? ` (${plural(n, 'more time')} within a minute)` : ` (${plural(n, 'time')})`;
};

/** The entry as one plain sentence, ending with a full stop. */
export const describeAuditEntry = (entry: AuditEntry, names: AuditNames = {}, options: SentenceOptions = {}): string => {
  const build = AUDIT_SENTENCES[entry.action] as ((p: SentenceParts) => string) | undefined;
  const parts = sentenceParts(entry, names, options);
  // An action written by a newer version of the app than the one reading it: its name in words.
  const sentence = build ? build(parts) : withDetail(`${parts.who}: ${String(entry.action).replace(/_/g, ' ')}`, parts.detail);
  return `${upperFirst(sentence.trim())}${timesWords(entry)}.`.replace(/([.!?])\.$/, '$1');
};

/** The ids behind a sentence, for a tooltip or a CSV column: "Link a7HrG739…; page 1001; space DEMO; account 5b10…". */
export const auditEntryIds = (entry: AuditEntry): string =>
  [
    entry.linkId ? `link ${entry.linkId}` : null,
    entry.pageId ? `page ${entry.pageId}` : null,
    entry.spaceKey ? `space ${entry.spaceKey}` : null,
    entry.actor && !['app', 'visitor', 'unknown'].includes(entry.actor) && !entry.actor.includes('@') ? `account ${entry.actor}` : null,
  ]
    .filter((part): part is string => part !== null)
    .join('; ');

/** A date and time in the viewer's locale and time zone (both can be given, for tests and exports). */
export const localDateTime = (epochMs: number, locale?: string, timeZone?: string): string =>
  new Date(epochMs).toLocaleString(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  });

/** A date in the viewer's locale ("3 Dec 2026", "Dec 3, 2026"). */
export const localDate = (epochMs: number, locale?: string, timeZone?: string): string =>
  new Date(epochMs).toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric', ...(timeZone ? { timeZone } : {}) });
