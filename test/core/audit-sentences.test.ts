import { describe, expect, it } from 'vitest';
import {
  AUDIT_SENTENCES,
  auditEntryIds,
  describeAuditEntry,
  describeChanges,
  localDate,
  localDateTime,
  type AuditNames,
} from '../../src/core/audit-sentences';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '../../src/core/model';

const ANN = '557058:ann-account';
const names: AuditNames = {
  users: { [ANN]: 'Ann Editor' },
  links: { L1: 'Partner review' },
  pages: { '1001': 'Release notes' },
  spaces: { DEMO: 'Demo space' },
};

const entry = (overrides: Partial<AuditEntry>): AuditEntry => ({
  id: 'e1',
  at: Date.UTC(2026, 11, 3, 9, 30),
  action: 'link_updated',
  actor: ANN,
  linkId: 'L1',
  pageId: '1001',
  spaceKey: 'DEMO',
  detail: '',
  count: 1,
  ...overrides,
});

/** One typical entry per action, and the sentence it must read as. A new action without a row here fails below. */
const EXPECTED: Record<AuditAction, { entry: Partial<AuditEntry>; sentence: string }> = {
  link_created: {
    entry: { action: 'link_created', detail: 'password, expires 2026-12-31T00:00:00.000Z, 1 IP rule(s), 3 selected user entr(ies), SSO' },
    sentence: "Ann Editor created 'Partner review' on Release notes (password, expiring 2026-12-31, 1 IP address rule, 3 selected user entries and single sign-on).",
  },
  link_updated: {
    entry: { action: 'link_updated', detail: 'requireSso on, selectedUsers' },
    sentence: "Ann Editor turned on 'Require single sign-on' and changed selected users for 'Partner review' on Release notes.",
  },
  link_disabled: { entry: { action: 'link_disabled' }, sentence: "Ann Editor disabled 'Partner review' on Release notes." },
  link_enabled: { entry: { action: 'link_enabled' }, sentence: "Ann Editor enabled 'Partner review' on Release notes." },
  link_rotated: {
    entry: { action: 'link_rotated' },
    sentence: "Ann Editor gave 'Partner review' on Release notes a new URL; the old URL stopped working.",
  },
  link_url_shown: { entry: { action: 'link_url_shown' }, sentence: "Ann Editor got the URL of 'Partner review' on Release notes again." },
  link_deleted: { entry: { action: 'link_deleted', detail: 'Partner review' }, sentence: "Ann Editor deleted 'Partner review' on Release notes." },
  links_reset: {
    entry: { action: 'links_reset', linkId: null, pageId: null, spaceKey: null, detail: '12 link(s) deleted' },
    sentence: 'Ann Editor deleted all links (12 links).',
  },
  full_reset: {
    entry: { action: 'full_reset', linkId: null, pageId: null, spaceKey: null, detail: 'full reset: 3 link(s) and all settings deleted' },
    sentence: 'Ann Editor reset Secure Share completely: deleted 3 links and all settings.',
  },
  policy_global_changed: {
    entry: { action: 'policy_global_changed', linkId: null, pageId: null, spaceKey: null, detail: 'enforceSso, expiry' },
    sentence: "Ann Editor changed 'Enforce single sign-on' and the expiry rule in the default link configuration.",
  },
  policy_space_changed: {
    entry: { action: 'policy_space_changed', linkId: null, pageId: null, detail: 'sharingEnabled off' },
    sentence: "Ann Editor turned off 'Sharing enabled' in the sharing settings of Demo space.",
  },
  settings_changed: {
    entry: { action: 'settings_changed', linkId: null, pageId: null, spaceKey: null, detail: 'email, email API key replaced' },
    sentence: 'Ann Editor replaced the email API key and changed email delivery in the site settings.',
  },
  audit_exported: {
    entry: { action: 'audit_exported', linkId: null, pageId: null, spaceKey: null, detail: 'Export started: space DEMO, from 2026-11-01 to 2026-11-30.' },
    sentence: "Ann Editor started an audit log export (space 'Demo space', from 2026-11-01 to 2026-11-30).",
  },
  view_allowed: { entry: { action: 'view_allowed', actor: 'visitor' }, sentence: "A visitor opened 'Partner review' on Release notes." },
  view_denied: {
    entry: { action: 'view_denied', actor: 'visitor', detail: 'expired' },
    sentence: "A visitor was refused 'Partner review' on Release notes: the link has expired.",
  },
  gate_passed: {
    entry: { action: 'gate_passed', actor: 'visitor', detail: 'password' },
    sentence: "A visitor entered the password for 'Partner review' on Release notes.",
  },
  gate_failed: {
    entry: { action: 'gate_failed', actor: 'b***@partner.com', detail: 'password: wrong' },
    sentence: "b***@partner.com entered a wrong password for 'Partner review' on Release notes.",
  },
  code_sent: {
    entry: { action: 'code_sent', actor: 'b***@partner.com', detail: 'access code' },
    sentence: "An access code was sent to b***@partner.com for 'Partner review' on Release notes.",
  },
  comment_added: {
    entry: { action: 'comment_added', actor: 'b***@partner.com', detail: '42 characters' },
    sentence: "b***@partner.com added a comment to Release notes through 'Partner review': 42 characters.",
  },
  attachment_added: {
    entry: { action: 'attachment_added', actor: 'b***@partner.com', detail: 'image/png, 1200 bytes' },
    sentence: "b***@partner.com added an attachment to Release notes through 'Partner review': image/png, 1200 bytes.",
  },
  subscribed: {
    entry: { action: 'subscribed', actor: 'b***@partner.com' },
    sentence: "b***@partner.com subscribed to updates of 'Partner review' on Release notes.",
  },
  unsubscribed: {
    entry: { action: 'unsubscribed', actor: 'b***@partner.com' },
    sentence: "b***@partner.com unsubscribed from updates of 'Partner review' on Release notes.",
  },
  page_trashed: {
    entry: { action: 'page_trashed', detail: 'Page "Release notes" was moved to the trash in Confluence; the link no longer opens.' },
    sentence: "Ann Editor moved Release notes to the trash in Confluence; 'Partner review' no longer opens.",
  },
  page_restored: {
    entry: { action: 'page_restored', actor: 'app', detail: 'Page "Release notes" was restored in Confluence; the link works again (if its policy allows).' },
    sentence: "Release notes was restored in Confluence; 'Partner review' works again if its policy allows.",
  },
  page_deleted: {
    entry: { action: 'page_deleted', detail: 'Page "Release notes" was deleted permanently in Confluence; the link no longer opens.' },
    sentence: "Ann Editor deleted Release notes permanently in Confluence; 'Partner review' no longer opens.",
  },
  notification_sent: {
    entry: { action: 'notification_sent', actor: 'app', detail: 'Page update sent to subscriber b***@partner.com.' },
    sentence: "Secure Share emailed subscriber b***@partner.com that Release notes changed ('Partner review').",
  },
  access_denied: {
    entry: { action: 'access_denied', linkId: null, pageId: null, spaceKey: null, detail: 'updateLink refused' },
    sentence: 'Ann Editor was refused "update link" (not allowed).',
  },
  links_exported: {
    entry: { action: 'links_exported', linkId: null, pageId: null, spaceKey: null, detail: 'Export ready: 1 entry; all links.' },
    sentence: 'The links export of Ann Editor is ready: 1 entry; all links.',
  },
};

describe('audit sentences', () => {
  it('every audit action has a sentence (add a row to AUDIT_SENTENCES and to EXPECTED here)', () => {
    const missing = AUDIT_ACTIONS.filter((action) => typeof AUDIT_SENTENCES[action] !== 'function' || !(action in EXPECTED));
    expect(missing).toEqual([]);
  });

  it.each(AUDIT_ACTIONS.map((action) => [action]))('%s reads as a plain sentence with names, no ids', (action) => {
    const expected = EXPECTED[action];
    expect(expected, `no expected sentence for ${action}`).toBeDefined();
    const text = describeAuditEntry(entry(expected.entry), names);
    expect(text).toBe(expected.sentence);
    for (const id of [ANN, 'L1', '1001']) expect(text).not.toContain(id);
    expect(text).not.toMatch(/[a-z][A-Z][a-z]+[,'\s]/); // no camelCase field names ("enforceSso")
  });

  it('says visitors\' checks and refusals in words, whatever their recorded code', () => {
    const say = (action: AuditAction, detail: string) => describeAuditEntry(entry({ action, actor: 'visitor', detail }), names);
    expect(say('gate_failed', 'email code: wrong or expired')).toBe("A visitor entered a wrong or expired email code for 'Partner review' on Release notes.");
    expect(say('gate_failed', 'password: too many attempts')).toBe("A visitor made too many password attempts on 'Partner review' on Release notes.");
    expect(say('gate_failed', 'sso: state_mismatch: the sign-in took too long')).toBe(
      "A visitor failed single sign-on for 'Partner review' on Release notes: state_mismatch: the sign-in took too long.",
    );
    expect(say('gate_passed', 'sso')).toBe("A visitor signed in with single sign-on for 'Partner review' on Release notes.");
    expect(say('view_denied', 'ip_not_allowed (identity dropped from the session)')).toBe(
      "A visitor was refused 'Partner review' on Release notes: their IP address is not allowed (their sign-in was forgotten).",
    );
    expect(say('view_denied', "classification rule: page classified 'Confidential' ('Confidential' or higher cannot be shared)")).toBe(
      "A visitor was refused 'Partner review' on Release notes: the page is classified 'Confidential', and pages classified 'Confidential' or higher cannot be shared.",
    );
    expect(say('view_denied', 'token does not match (rotated or forged)')).toBe("A visitor was refused 'Partner review' on Release notes: the URL is an old or forged one.");
    expect(say('page_trashed', 'Page "Release notes" was archived in Confluence; the link no longer opens.')).toBe(
      "A visitor archived Release notes in Confluence; 'Partner review' no longer opens.",
    );
  });

  it('says the less common cases in words too', () => {
    const say = (overrides: Partial<AuditEntry>) => describeAuditEntry(entry(overrides), names);
    const site = { linkId: null, pageId: null, spaceKey: null };
    expect(say({ action: 'link_created', detail: 'whole space, child pages' })).toBe("Ann Editor created 'Partner review' on Release notes (the whole space and child pages).");
    expect(say({ action: 'link_created', detail: 'open link' })).toBe("Ann Editor created 'Partner review' on Release notes (no password, expiry or other protection).");
    expect(say({ action: 'link_disabled', detail: 'bulk revoke' })).toBe("Ann Editor disabled 'Partner review' on Release notes (with other links at once).");
    expect(say({ action: 'link_enabled', detail: 'bulk enable' })).toBe("Ann Editor enabled 'Partner review' on Release notes (with other links at once).");
    expect(describeAuditEntry(entry({ action: 'link_deleted', detail: 'Old name (bulk delete)' }), { users: names.users })).toBe(
      "Ann Editor deleted 'Old name' on a page (with other links at once).",
    );
    expect(say({ action: 'link_updated', detail: 'no change' })).toBe("Ann Editor saved 'Partner review' on Release notes without changes.");
    expect(say({ action: 'links_reset', ...site, detail: '1 link(s) deleted' })).toBe('Ann Editor deleted all links (1 link).');
    expect(say({ action: 'policy_global_changed', ...site, detail: 'no change' })).toBe('Ann Editor saved the default link configuration without changes.');
    expect(say({ action: 'policy_space_changed', linkId: null, pageId: null, spaceKey: 'OPS', detail: 'comments' })).toBe(
      'Ann Editor changed comments in the sharing settings of space OPS.',
    );
    expect(say({ action: 'settings_changed', ...site, detail: 'SSO client secret removed' })).toBe('Ann Editor removed the single sign-on client secret in the site settings.');
    expect(say({ action: 'audit_exported', ...site, detail: 'Export failed: storage did not answer; all entries.' })).toBe(
      'The audit log export of Ann Editor failed: storage did not answer; all entries.',
    );
    expect(say({ action: 'code_sent', actor: 'visitor', detail: 'subscription code' })).toBe(
      "A code to confirm updates was sent to a visitor for 'Partner review' on Release notes.",
    );
    expect(say({ action: 'view_allowed', actor: 'unknown' })).toBe("Someone opened 'Partner review' on Release notes.");
    expect(say({ action: 'link_enabled', actor: 'app' })).toBe("Secure Share enabled 'Partner review' on Release notes.");
    // An action recorded by a newer version of the app than the one reading it still reads as a sentence.
    expect(say({ action: 'config_renamed' as AuditAction, ...site })).toBe('Ann Editor: config renamed.');
  });

  it('says which mail was sent to whom', () => {
    const say = (actor: string, detail: string) => describeAuditEntry(entry({ action: 'notification_sent', actor, detail }), names);
    expect(say('app', 'Expiry reminder sent to the link creator (a***@acme.com).')).toBe(
      "Secure Share reminded the creator of 'Partner review' on Release notes (a***@acme.com) that it expires soon.",
    );
    expect(say('app', '"Link opened" alert sent to the link creator (a***@acme.com).')).toBe(
      "Secure Share told the creator of 'Partner review' on Release notes (a***@acme.com) that it was opened.",
    );
    expect(say('app', '"Link under attack" alert sent to the link creator (a***@acme.com).')).toBe(
      "Secure Share warned the creator of 'Partner review' on Release notes (a***@acme.com) about repeated wrong passwords.",
    );
    expect(say(ANN, 'link emailed to b***@partner.com, c***@partner.com')).toBe(
      "Ann Editor emailed 'Partner review' on Release notes to b***@partner.com, c***@partner.com.",
    );
    expect(say('app', 'Digest sent.')).toBe("Secure Share sent an email about 'Partner review' on Release notes: Digest sent.");
  });

  it('names the links and spaces of an export filter, and its action in words', () => {
    const exported = (detail: string, book: AuditNames) =>
      describeAuditEntry(entry({ action: 'audit_exported', linkId: null, pageId: null, spaceKey: null, detail }), book);
    expect(exported(`Export started: space OPS, link ${'L'.repeat(22)}, action view_denied.`, names)).toBe(
      "Ann Editor started an audit log export (space OPS, one link, action 'view denied').",
    );
    expect(exported(`Export started: link ${'L'.repeat(22)}.`, { ...names, links: { ['L'.repeat(22)]: 'Partner review' } })).toBe(
      "Ann Editor started an audit log export (link 'Partner review').",
    );
  });

  it('says changes to named configurations and the classification rule as sentences', () => {
    const say = (action: AuditAction, detail: string) => describeAuditEntry(entry({ action, linkId: null, pageId: null, detail }), names);
    expect(say('policy_global_changed', "Configuration 'Partners' created")).toBe("Ann Editor created the configuration 'Partners'.");
    expect(say('policy_global_changed', "Configuration 'Partners' deleted")).toBe("Ann Editor deleted the configuration 'Partners'.");
    expect(say('policy_global_changed', "New spaces get 'Partners'")).toBe("Ann Editor chose 'Partners' for new spaces.");
    expect(say('policy_global_changed', "Classification rule: pages classified 'Confidential' or higher cannot be shared")).toBe(
      "Ann Editor set the classification rule: pages classified 'Confidential' or higher cannot be shared.",
    );
    expect(say('policy_global_changed', 'Classification rule turned off')).toBe('Ann Editor turned off the classification rule.');
    expect(say('policy_space_changed', 'Assigned the default link configuration')).toBe('Ann Editor assigned the default link configuration to Demo space.');
    expect(say('policy_space_changed', 'Configuration assignment removed (new spaces choice applies)')).toBe(
      'Ann Editor removed the configuration assigned to Demo space; the one for new spaces applies.',
    );
    expect(say('policy_space_changed', "The space's own settings were dropped; its assigned configuration applies")).toBe(
      'Ann Editor dropped the settings of Demo space for its assigned configuration.',
    );
  });

  it('a full reset recorded before full_reset existed is said to be a full reset, with a proper plural', () => {
    const full = entry({ action: 'links_reset', linkId: null, pageId: null, spaceKey: null, detail: 'full reset: 1 link(s) and all settings deleted' });
    expect(describeAuditEntry(full, names)).toBe('Ann Editor reset Secure Share completely: deleted 1 link and all settings.');
  });

  it('without names, falls back to words, never to ids', () => {
    const text = describeAuditEntry(entry({ detail: 'selectedUsers, name' }), {});
    expect(text).toBe('A Confluence user changed selected users and the name for a link on a page.');
  });

  it('names stored on the entry are used when the book has none; names in the book win (a page retitled since)', () => {
    const stored = entry({ action: 'link_enabled', names: { link: 'Old name', page: 'Old title' } });
    expect(describeAuditEntry(stored, { users: names.users })).toBe("Ann Editor enabled 'Old name' on Old title.");
    expect(describeAuditEntry(stored, names)).toBe("Ann Editor enabled 'Partner review' on Release notes.");
  });

  it('aggregated entries say how many more times, with plurals', () => {
    const once = entry({ action: 'gate_failed', actor: 'visitor', detail: 'password: wrong (repeated 1 more time in 09:30–09:31 UTC)', count: 1 });
    expect(describeAuditEntry(once, names)).toBe("A visitor entered a wrong password for 'Partner review' on Release notes (1 more time within a minute).");
    const many = entry({ action: 'view_allowed', actor: 'visitor', detail: '(repeated 41 more times in 09:30–09:31 UTC)', count: 41 });
    expect(describeAuditEntry(many, names)).toBe("A visitor opened 'Partner review' on Release notes (41 more times within a minute).");
  });

  it('switches say which way they went; without the direction, "changed"', () => {
    expect(describeChanges('requireSso off')).toBe("turned off 'Require single sign-on'");
    expect(describeChanges('requireSso')).toBe("changed 'Require single sign-on'");
    expect(describeChanges('password set, expiresAt, allowedIps')).toBe('set a new password and changed the expiry date and allowed IP addresses');
    expect(describeChanges('no change')).toBe('');
  });

  it('an edit by an administrator from the console is said so', () => {
    const text = describeAuditEntry(entry({ detail: 'expiresAt (by an administrator)' }), names);
    expect(text).toBe("Ann Editor changed the expiry date for 'Partner review' on Release notes as an administrator.");
  });

  it('dates inside sentences use the given format (the UI: the viewer locale)', () => {
    const created = entry({ action: 'link_created', detail: 'expires 2026-12-31T12:00:00.000Z' });
    const text = describeAuditEntry(created, names, { formatDate: (at) => localDate(at, 'en-GB', 'UTC') });
    expect(text).toBe("Ann Editor created 'Partner review' on Release notes (expiring 31 Dec 2026).");
  });

  it('local date and time follow the locale and time zone asked for', () => {
    const at = Date.UTC(2026, 11, 3, 23, 30);
    expect(localDateTime(at, 'en-GB', 'Europe/Berlin')).toBe('4 Dec 2026, 00:30');
    expect(localDateTime(at, 'en-US', 'America/New_York')).toBe('Dec 3, 2026, 06:30 PM');
  });

  it('the ids stay behind the sentence, for a tooltip or a CSV column', () => {
    expect(auditEntryIds(entry({}))).toBe(`link L1; page 1001; space DEMO; account ${ANN}`);
    expect(auditEntryIds(entry({ actor: 'visitor', linkId: null, pageId: null, spaceKey: null }))).toBe('');
  });
});
