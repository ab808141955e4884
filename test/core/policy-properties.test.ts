import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipAllowed } from '../../src/core/ip-allow-list';
import type { AccessLevel, ExpiryRule, GlobalConfig, PolicySettings, ShareLink, SpaceConfig } from '../../src/core/model';
import { decideView, effectivePolicy, narrowLinkSelectedUsers, newLinkSettings, validateLink } from '../../src/core/policy';
import { matchesSelectedUsers, narrowSelectedUsers, narrowSelectedUsersDetailed } from '../../src/core/selected-users';
import { DAY, NOW, globalConfig, shareLink, spaceConfig } from './policy-fixtures';

const RANK: Record<AccessLevel, number> = { none: 0, view: 1, view_add: 2 };
const ENTRY_POOL = [
  '@acme.com',
  '@eu.acme.com',
  '@*.acme.com',
  '@*.eu.acme.com',
  'ann@acme.com',
  'bob@eu.acme.com',
  'eve@other.com',
  '@other.com',
  'zed@third.io',
];
const EMAIL_POOL = ['ann@acme.com', 'bob@eu.acme.com', 'carl@acme.com', 'eve@other.com', 'zed@third.io', 'x@eu.acme.com', 'y@x.eu.acme.com'];
const IP_POOL = ['203.0.113.0/24', '198.51.100.7', '2001:db8::/32', '::ffff:192.0.2.0/120'];
const CLIENT_IPS = ['203.0.113.9', '198.51.100.7', '2001:db8::1', '::ffff:192.0.2.5', '192.0.2.5', '8.8.8.8', 'junk'];

const access = fc.constantFrom<AccessLevel>('none', 'view', 'view_add');
const expiryRule: fc.Arbitrary<ExpiryRule> = fc.oneof(
  fc.constant<ExpiryRule>({ kind: 'optional' }),
  fc.constant<ExpiryRule>({ kind: 'mandatory' }),
  fc.integer({ min: 1, max: 365 }).map((maxDays): ExpiryRule => ({ kind: 'custom', maxDays })),
);
const policySettings: fc.Arbitrary<PolicySettings> = fc.record({
  comments: access,
  attachments: access,
  childPages: fc.boolean(),
  restrictedChildPages: fc.boolean(),
  password: fc.constantFrom('optional' as const, 'mandatory' as const),
  expiry: expiryRule,
  enforceSso: fc.boolean(),
  selectedUsers: fc.subarray(ENTRY_POOL, { maxLength: 3 }),
});
// Sharing is mostly on so that the interesting paths (allow, gates) are reached often.
const mostlyOn = fc.constantFrom(true, true, true, false);
const sometimes = fc.constantFrom(false, false, true);
const globalArb: fc.Arbitrary<GlobalConfig> = fc
  .tuple(policySettings, sometimes, mostlyOn)
  .map(([settings, applyOnAllLinks, sharingEnabled]) => globalConfig({ ...settings, applyOnAllLinks, sharingEnabled }));
const spaceArb: fc.Arbitrary<SpaceConfig | undefined> = fc.option(
  fc.tuple(policySettings, sometimes, mostlyOn, fc.integer({ min: 0, max: 3 })).map(([settings, applyOnSpaceLinks, sharingEnabled, version]) =>
    spaceConfig({ ...settings, applyOnSpaceLinks, sharingEnabled, version }),
  ),
  { nil: undefined },
);
const linkArb: fc.Arbitrary<ShareLink> = fc
  .record({
    comments: access,
    attachments: access,
    includeChildren: fc.boolean(),
    shareRestrictedChildren: fc.boolean(),
    requireSso: fc.boolean(),
    hasPassword: fc.boolean(),
    createdAgo: fc.integer({ min: 0, max: 100 * DAY }),
    expiresIn: fc.option(fc.oneof(fc.integer({ min: 1, max: DAY }), fc.integer({ min: -10 * DAY, max: 400 * DAY })), { nil: null }),
    selectedUsers: fc.oneof(fc.constant([]), fc.subarray(ENTRY_POOL, { maxLength: 3 })),
    allowedIps: fc.oneof(fc.constant([]), fc.subarray(IP_POOL, { maxLength: 2 })),
    status: fc.constantFrom('active' as const, 'active' as const, 'active' as const, 'disabled' as const),
    pageState: fc.constantFrom('current' as const, 'current' as const, 'current' as const, 'trashed' as const, 'deleted' as const),
  })
  .map(({ hasPassword, createdAgo, expiresIn, ...rest }) =>
    shareLink({
      ...rest,
      passwordHash: hasPassword ? '$2b$10$hash' : null,
      createdAt: NOW - createdAgo,
      expiresAt: expiresIn === null ? null : NOW + expiresIn,
    }),
  );
const sessionArb = fc.record({
  passwordPassed: fc.constantFrom(true, true, false),
  verifiedEmail: fc.option(fc.constantFrom(...EMAIL_POOL), { nil: null }),
  ssoEmail: fc.option(fc.constantFrom(...EMAIL_POOL), { nil: null }),
});

/** The enforced levels straight from the configs: an oracle independent of effectivePolicy's combination. */
const enforcedLevels = (global: GlobalConfig, space: SpaceConfig | undefined): PolicySettings[] => [
  ...(global.applyOnAllLinks ? [global] : []),
  ...(space?.applyOnSpaceLinks ? [space] : []),
];

/** Every way `link` breaks an enforced level's cap or requirement (SSO and selected users excluded). */
const exceedsEnforced = (link: ShareLink, levels: readonly PolicySettings[]): string[] =>
  levels.flatMap((level) => {
    const broken: string[] = [];
    if (RANK[link.comments] > RANK[level.comments]) broken.push('comments');
    if (RANK[link.attachments] > RANK[level.attachments]) broken.push('attachments');
    if (link.includeChildren && !level.childPages) broken.push('childPages');
    if (link.includeChildren && link.shareRestrictedChildren && !(level.restrictedChildPages && level.childPages)) broken.push('restricted');
    if (level.password === 'mandatory' && link.passwordHash === null) broken.push('password');
    if (level.expiry.kind !== 'optional' && link.expiresAt === null) broken.push('expiry');
    if (level.expiry.kind === 'custom' && link.expiresAt !== null && link.expiresAt > link.createdAt + level.expiry.maxDays * DAY) broken.push('maxDays');
    return broken;
  });

/**
 * A link list that admits nobody the policy list admits (both non-empty): non-compliant, never widened.
 * Every pool entry admits at least one pool address, so "no common pool address" is "no overlap".
 */
const listsShareNobody = (linkList: readonly string[], policyList: readonly string[]): boolean =>
  linkList.length > 0 &&
  policyList.length > 0 &&
  !EMAIL_POOL.some((email) => matchesSelectedUsers(email, linkList) && matchesSelectedUsers(email, policyList));

const RUNS = { numRuns: 1500 };

describe('policy properties (fast-check)', () => {
  it('MO-7 / MO-12: a link validateLink accepts never exceeds any enforced cap or requirement', () => {
    fc.assert(
      fc.property(globalArb, spaceArb, linkArb, (global, space, link) => {
        const policy = effectivePolicy(global, space);
        const violations = validateLink({ ...link, hasPassword: link.passwordHash !== null }, policy, NOW, { createdAt: link.createdAt });
        if (violations.length > 0) return;
        const levels = enforcedLevels(global, space);
        expect(exceedsEnforced(link, levels)).toEqual([]);
        if (levels.some((level) => level.enforceSso)) expect(link.requireSso).toBe(true);
        if (link.expiresAt !== null) expect(link.expiresAt).toBeGreaterThan(NOW);
        // ES-8: nobody the link admits is outside an enforced global list.
        if (global.applyOnAllLinks && global.selectedUsers.length > 0) {
          const effective = narrowLinkSelectedUsers(link.selectedUsers, policy);
          for (const email of EMAIL_POOL) {
            if (matchesSelectedUsers(email, effective)) expect(matchesSelectedUsers(email, global.selectedUsers)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('validateLink flags every link that exceeds an enforced cap or requirement (no false accepts, existing mode)', () => {
    fc.assert(
      fc.property(globalArb, spaceArb, linkArb, (global, space, link) => {
        const policy = effectivePolicy(global, space);
        const broken = exceedsEnforced(link, enforcedLevels(global, space));
        const violations = validateLink({ ...link, hasPassword: link.passwordHash !== null }, policy, NOW, {
          createdAt: link.createdAt,
          mode: 'existing',
        });
        expect(violations.length > 0).toBe(broken.length > 0 || listsShareNobody(link.selectedUsers, policy.selectedUsers.value));
      }),
      RUNS,
    );
  });

  it('decideView never allows a link that is disabled, removed, expired, sharing-disabled or over an enforced cap', () => {
    let allowed = 0;
    fc.assert(
      fc.property(globalArb, spaceArb, linkArb, sessionArb, fc.option(fc.constantFrom(...CLIENT_IPS), { nil: null, freq: 8 }), (global, space, link, session, clientIp) => {
        const policy = effectivePolicy(global, space);
        const decision = decideView({ link, policy, now: NOW, clientIp, session });
        if (decision.effect !== 'allow') return;
        allowed += 1;
        expect(link.status).toBe('active');
        expect(link.pageState).toBe('current');
        expect(global.sharingEnabled).toBe(true);
        expect(space?.sharingEnabled ?? true).toBe(true);
        if (link.expiresAt !== null) expect(NOW).toBeLessThan(link.expiresAt);
        const levels = enforcedLevels(global, space);
        expect(exceedsEnforced(link, levels)).toEqual([]);
        expect(ipAllowed(clientIp, link.allowedIps)).toBe(true);
        if (link.passwordHash !== null) expect(session.passwordPassed).toBe(true);
        if (link.requireSso || levels.some((level) => level.enforceSso)) expect(session.ssoEmail).not.toBeNull();
        const { permissions } = decision;
        for (const level of levels) {
          expect(RANK[permissions.comments]).toBeLessThanOrEqual(RANK[level.comments]);
          expect(RANK[permissions.attachments]).toBeLessThanOrEqual(RANK[level.attachments]);
          if (!level.childPages) expect(permissions.includeChildren).toBe(false);
          if (!level.restrictedChildPages) expect(permissions.shareRestrictedChildren).toBe(false);
        }
        if (permissions.shareRestrictedChildren) expect(link.shareRestrictedChildren && permissions.includeChildren).toBe(true);
        // A link's own list is only ever narrowed: the viewer is one the link's creator chose.
        if (link.selectedUsers.length > 0) expect(matchesSelectedUsers(permissions.viewerEmail ?? '', link.selectedUsers)).toBe(true);
        const selected = narrowLinkSelectedUsers(link.selectedUsers, policy);
        if (selected.length > 0) {
          expect(permissions.viewerEmail).not.toBeNull();
          expect(matchesSelectedUsers(permissions.viewerEmail ?? '', selected)).toBe(true);
          if (global.applyOnAllLinks && global.selectedUsers.length > 0) {
            expect(matchesSelectedUsers(permissions.viewerEmail ?? '', global.selectedUsers)).toBe(true);
          }
        }
      }),
      RUNS,
    );
    // The property is only meaningful if allow decisions are actually generated (about 100 per 1500 runs).
    expect(allowed).toBeGreaterThan(40);
  });

  it('ES-10 / MO-9: the new-link form starts from settings the policy accepts', () => {
    fc.assert(
      fc.property(globalArb, spaceArb, (global, space) => {
        const policy = effectivePolicy(global, space);
        const settings = { ...newLinkSettings(policy, NOW), name: 'New link', hasPassword: policy.defaults.password };
        expect(validateLink(settings, policy, NOW, { createdAt: NOW })).toEqual([]);
      }),
      RUNS,
    );
  });

  it('ES-11 / MO-8: switching space sharing off and on again restores exactly the previous decision', () => {
    fc.assert(
      fc.property(globalArb, spaceArb, linkArb, sessionArb, (global, space, link, session) => {
        const base = space ?? spaceConfig();
        const on = { ...base, sharingEnabled: true };
        const input = { link, now: NOW, clientIp: '203.0.113.9', session };
        const before = decideView({ ...input, policy: effectivePolicy(global, on) });
        const off = decideView({ ...input, policy: effectivePolicy(global, { ...base, sharingEnabled: false }) });
        const after = decideView({ ...input, policy: effectivePolicy(global, on) });
        expect(off.effect).not.toBe('allow');
        expect(after).toEqual(before);
      }),
      RUNS,
    );
  });

  it('ES-6: a narrowed list admits nobody the upper list refuses, and keeps the lower list when it all fits', () => {
    const list = fc.subarray(ENTRY_POOL, { maxLength: 4 });
    fc.assert(
      fc.property(list, list, (lower, upper) => {
        const narrowed = narrowSelectedUsers(lower, upper);
        if (upper.length > 0) {
          expect(narrowed.length).toBeGreaterThan(0);
          for (const email of EMAIL_POOL) {
            if (matchesSelectedUsers(email, narrowed)) expect(matchesSelectedUsers(email, upper)).toBe(true);
          }
        } else {
          expect(narrowed).toEqual(lower);
        }
        if (narrowSelectedUsers(narrowed, upper).length > 0) expect(narrowSelectedUsers(narrowed, upper)).toEqual(narrowed);
      }),
      RUNS,
    );
  });

  it('ES-6: unless the lists conflict, the narrowed list admits exactly the addresses both lists admit (domains, wildcards, emails)', () => {
    const list = fc.subarray(ENTRY_POOL, { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(list, list, (lower, upper) => {
        const { entries, outcome } = narrowSelectedUsersDetailed(lower, upper);
        const both = EMAIL_POOL.filter((email) => matchesSelectedUsers(email, lower) && matchesSelectedUsers(email, upper));
        // Every pool entry admits at least one pool address, so a conflict means no common address at all.
        if (outcome === 'conflict') {
          expect(entries).toEqual(upper);
          expect(both).toEqual([]);
        }
        else expect(EMAIL_POOL.filter((email) => matchesSelectedUsers(email, entries))).toEqual(both);
      }),
      RUNS,
    );
  });
});
