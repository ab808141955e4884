import { describe, expect, it } from 'vitest';
import type { GlobalConfig, ShareLink, SpaceConfig } from '../../src/core/model';
import { decideView, effectivePolicy, type ViewSession } from '../../src/core/policy';
import { DAY, NOW, type Patch, enforcedGlobal, enforcedSpace, globalConfig, shareLink, spaceConfig } from './policy-fixtures';

const NO_SESSION: ViewSession = { passwordPassed: false, verifiedEmail: null, ssoEmail: null };

const decide = (
  link: Patch<ShareLink> = {},
  options: { global?: GlobalConfig; space?: SpaceConfig; now?: number; clientIp?: string | null; session?: Partial<ViewSession> } = {},
) =>
  decideView({
    link: shareLink(link),
    policy: effectivePolicy(options.global ?? globalConfig(), options.space),
    now: options.now ?? NOW,
    clientIp: options.clientIp === undefined ? '203.0.113.7' : options.clientIp,
    session: { ...NO_SESSION, ...options.session },
  });

const effectOf = (decision: ReturnType<typeof decideView>): string =>
  decision.effect === 'allow' ? 'allow' : decision.effect === 'gate' ? `gate:${decision.gate}` : `deny:${decision.reason}`;

describe('decideView: allow', () => {
  it('allows a plain active link with its own permissions', () => {
    expect(decide({ comments: 'view_add', attachments: 'none', includeChildren: true, allowSubscribe: true, showCreator: true })).toEqual({
      effect: 'allow',
      permissions: {
        comments: 'view_add',
        attachments: 'none',
        includeChildren: true,
        shareRestrictedChildren: false,
        allowSubscribe: true,
        showCreator: true,
        viewerEmail: null,
      },
    });
  });

  it('CF-1 / MO-7 permissions never exceed the link nor the enforced caps', () => {
    const decision = decide(
      { comments: 'view', attachments: 'none', includeChildren: true, shareRestrictedChildren: true },
      { global: enforcedGlobal({ comments: 'view', attachments: 'view', childPages: true, restrictedChildPages: true }), space: enforcedSpace({ comments: 'view_add', attachments: 'view_add' }) },
    );
    expect(decision).toMatchObject({ effect: 'allow', permissions: { comments: 'view', attachments: 'none', includeChildren: true, shareRestrictedChildren: true } });
  });

  it.each([
    ['link asks and policy allows', true, true, enforcedGlobal({ restrictedChildPages: true }), true],
    ['link asks, policy forbids', true, true, enforcedGlobal({ restrictedChildPages: false }), 'non_compliant'],
    ['link does not ask', true, false, enforcedGlobal({ restrictedChildPages: true }), false],
    ['children not included', false, true, enforcedGlobal({ restrictedChildPages: false }), false],
  ] as const)('CF-2 restricted children shown only if the link says so AND the policy allows: %s', (_n, includeChildren, shareRestrictedChildren, global, expected) => {
    const decision = decide({ includeChildren, shareRestrictedChildren }, { global });
    if (expected === 'non_compliant') expect(decision).toEqual({ effect: 'deny', reason: 'non_compliant' });
    else expect(decision.effect === 'allow' && decision.permissions.shareRestrictedChildren).toBe(expected);
  });
});

describe('decideView: fixed order of checks', () => {
  const everythingWrong: Partial<ShareLink> = {
    status: 'disabled',
    pageState: 'trashed',
    expiresAt: NOW - 1,
    comments: 'view_add',
    allowedIps: ['10.0.0.0/8'],
    passwordHash: '$2b$10$hash',
    selectedUsers: ['ann@acme.com'],
    requireSso: true,
  };
  const strict = { global: enforcedGlobal({ comments: 'view' }), space: spaceConfig({ sharingEnabled: false }) };

  it.each([
    ['status first', {}, 'deny:link_disabled'],
    ['then page state', { status: 'active' }, 'deny:page_removed'],
    ['then sharing enabled', { status: 'active', pageState: 'current' }, 'deny:sharing_disabled'],
  ] as const)('%s', (_n, fix, expected) => {
    expect(effectOf(decide({ ...everythingWrong, ...fix }, strict))).toBe(expected);
  });

  const active: Partial<ShareLink> = { ...everythingWrong, status: 'active', pageState: 'current' };
  it.each([
    ['then expiry', {}, 'deny:expired'],
    ['then compliance', { expiresAt: null }, 'deny:non_compliant'],
    ['then IP allow-list', { expiresAt: null, comments: 'view' }, 'deny:ip_not_allowed'],
    ['then password', { expiresAt: null, comments: 'view', allowedIps: [] }, 'gate:password'],
  ] as const)('%s', (_n, fix, expected) => {
    expect(effectOf(decide({ ...active, ...fix }, { global: enforcedGlobal({ comments: 'view' }) }))).toBe(expected);
  });

  it.each([
    ['page trashed', 'trashed'],
    ['page deleted', 'deleted'],
  ] as const)('page_removed when the %s', (_n, pageState) => {
    expect(decide({ pageState })).toEqual({ effect: 'deny', reason: 'page_removed' });
  });
});

describe('decideView: expiry boundary', () => {
  const expiresAt = NOW + DAY;
  it.each([
    ['1 ms before expiresAt is allowed', expiresAt - 1, 'allow'],
    ['the exact expiresAt instant is expired', expiresAt, 'deny:expired'],
    ['after expiresAt is expired', expiresAt + 1, 'deny:expired'],
  ] as const)('%s', (_n, now, expected) => {
    expect(effectOf(decide({ expiresAt }, { now }))).toBe(expected);
  });

  it('no expiry never expires', () => {
    expect(effectOf(decide({ expiresAt: null }, { now: NOW + 10_000 * DAY }))).toBe('allow');
  });
});

describe('decideView: policy changes apply to existing links at once (SPEC, MO-2, MO-9)', () => {
  const link: Partial<ShareLink> = { comments: 'view_add', includeChildren: true, expiresAt: NOW + 60 * DAY };

  it.each([
    ['MO-2 global caps comments', enforcedGlobal({ comments: 'view' }), undefined],
    ['MO-10 space forbids child pages', globalConfig(), enforcedSpace({ childPages: false })],
    ['MO-5 global makes passwords mandatory', enforcedGlobal({ password: 'mandatory' }), undefined],
    ['MO-6 space limits expiry to 30 days', globalConfig(), enforcedSpace({ expiry: { kind: 'custom', maxDays: 30 } })],
  ] as const)('%s: tightening denies (non_compliant), relaxing restores', (_n, tightGlobal, tightSpace) => {
    expect(effectOf(decide(link))).toBe('allow');
    expect(effectOf(decide(link, { global: tightGlobal, space: tightSpace }))).toBe('deny:non_compliant');
    expect(effectOf(decide(link, { global: { ...tightGlobal, applyOnAllLinks: false }, space: tightSpace && { ...tightSpace, applyOnSpaceLinks: false } }))).toBe('allow');
  });

  it('MO-6 mandatory expiry makes a link without expiry non-compliant', () => {
    expect(effectOf(decide({ expiresAt: null }, { global: enforcedGlobal({ expiry: { kind: 'mandatory' } }) }))).toBe('deny:non_compliant');
  });

  it('MO-8 / ES-11 disabling space sharing denies; re-enabling restores (nothing deleted)', () => {
    const stored = shareLink(link);
    const before = JSON.stringify(stored);
    const run = (sharingEnabled: boolean) =>
      effectOf(
        decideView({
          link: stored,
          policy: effectivePolicy(globalConfig(), spaceConfig({ sharingEnabled })),
          now: NOW,
          clientIp: null,
          session: NO_SESSION,
        }),
      );
    expect(run(true)).toBe('allow');
    expect(run(false)).toBe('deny:sharing_disabled');
    expect(run(true)).toBe('allow');
    expect(JSON.stringify(stored)).toBe(before);
  });

  it('master switch off denies every link; on restores', () => {
    expect(effectOf(decide(link, { global: globalConfig({ sharingEnabled: false }) }))).toBe('deny:sharing_disabled');
    expect(effectOf(decide(link, { global: globalConfig({ sharingEnabled: true }) }))).toBe('allow');
  });
});

describe('decideView: IP allow-list gate (MO-14)', () => {
  it.each([
    ['inside the range', '203.0.113.7', ['203.0.113.0/24'], 'allow'],
    ['outside the range', '198.51.100.1', ['203.0.113.0/24'], 'deny:ip_not_allowed'],
    ['IPv4-mapped client', '::ffff:203.0.113.7', ['203.0.113.0/24'], 'allow'],
    ['IPv6 client', '2001:db8::5', ['2001:db8::/32'], 'allow'],
    ['unknown client IP fails closed (ES-9)', null, ['203.0.113.0/24'], 'deny:ip_not_allowed'],
    ['garbage client IP fails closed (ES-9)', 'garbage', ['0.0.0.0/0'], 'deny:ip_not_allowed'],
    ['no list: unknown IP is fine', null, [], 'allow'],
  ] as const)('%s', (_n, clientIp, allowedIps, expected) => {
    expect(effectOf(decide({ allowedIps }, { clientIp }))).toBe(expected);
  });
});

describe('decideView: password gate', () => {
  it.each([
    ['not yet passed', false, 'gate:password'],
    ['passed', true, 'allow'],
  ] as const)('%s', (_n, passwordPassed, expected) => {
    expect(effectOf(decide({ passwordHash: '$2b$10$x' }, { session: { passwordPassed } }))).toBe(expected);
  });

  it('MO-5 enforced password on a link without one is refused, never shown without a gate', () => {
    expect(effectOf(decide({ passwordHash: null }, { global: enforcedGlobal({ password: 'mandatory' }) }))).toBe('deny:non_compliant');
  });
});

describe('decideView: selected users (ES-6 / ES-8 / ES-9)', () => {
  const acme = enforcedGlobal({ selectedUsers: ['@acme.com'] });
  it.each([
    ['no list: no email needed', [], globalConfig(), {}, 'allow'],
    ['link list, no verified email → email code', ['ann@acme.com'], globalConfig(), {}, 'gate:email_code'],
    ['link list, verified matching email', ['ann@acme.com'], globalConfig(), { verifiedEmail: 'Ann@Acme.com' }, 'allow'],
    ['link list, verified email not listed → deny', ['ann@acme.com'], globalConfig(), { verifiedEmail: 'bob@acme.com' }, 'deny:email_not_selected'],
    ['link list, SSO email matches (no code needed)', ['ann@acme.com'], globalConfig(), { ssoEmail: 'ann@acme.com' }, 'allow'],
    ['link list, non-matching SSO email and no code → email code', ['ann@acme.com'], globalConfig(), { ssoEmail: 'x@y.com' }, 'gate:email_code'],
    ['ES-9 empty link list + enforced policy list → policy list applies', [], acme, {}, 'gate:email_code'],
    ['ES-9 policy list applies to a verified outsider', [], acme, { verifiedEmail: 'eve@other.com' }, 'deny:email_not_selected'],
    ['ES-9 policy list admits its domain', [], acme, { verifiedEmail: 'bob@acme.com' }, 'allow'],
    ['ES-9 M3 policy @domain does not admit a subdomain', [], acme, { verifiedEmail: 'bob@eu.acme.com' }, 'deny:email_not_selected'],
    ['ES-9 policy wildcard admits a subdomain', [], enforcedGlobal({ selectedUsers: ['@*.acme.com'] }), { verifiedEmail: 'bob@eu.acme.com' }, 'allow'],
    ['ES-9 policy wildcard does not admit the domain itself', [], enforcedGlobal({ selectedUsers: ['@*.acme.com'] }), { verifiedEmail: 'bob@acme.com' }, 'deny:email_not_selected'],
    ['ES-6 link subdomain inside a policy wildcard applies', ['@eu.acme.com'], enforcedGlobal({ selectedUsers: ['@*.acme.com'] }), { verifiedEmail: 'bob@de.acme.com' }, 'deny:email_not_selected'],
    // A link's own list is never widened (SPEC): nothing in common with the policy's list = non-compliant (issue 11, item 8).
    ['attack: link @domain with nothing in common with a policy wildcard is refused, not widened to it', ['@acme.com'], enforcedGlobal({ selectedUsers: ['@*.acme.com'] }), { verifiedEmail: 'bob@de.acme.com' }, 'deny:non_compliant'],
    ['attack: conflicting link list refuses its own members', ['eve@other.com'], acme, { verifiedEmail: 'eve@other.com' }, 'deny:non_compliant'],
    ['attack: conflicting link list is not opened to the policy list', ['eve@other.com'], acme, { verifiedEmail: 'zed@acme.com' }, 'deny:non_compliant'],
    ['attack: conflicting link list asks nobody for a code', ['eve@other.com'], acme, {}, 'deny:non_compliant'],
    ['ES-6 rule 3 common part: kept member', ['ann@acme.com', 'eve@other.com'], acme, { verifiedEmail: 'ann@acme.com' }, 'allow'],
    ['ES-6 rule 3 common part: dropped member', ['ann@acme.com', 'eve@other.com'], acme, { verifiedEmail: 'eve@other.com' }, 'deny:email_not_selected'],
    ['ES-6 rule 3 common part: other domain member not listed', ['ann@acme.com', 'eve@other.com'], acme, { verifiedEmail: 'bob@acme.com' }, 'deny:email_not_selected'],
    ['ES-9 garbage-only policy list lets nobody in', [], enforcedGlobal({ selectedUsers: ['not-an-entry'] }), { verifiedEmail: 'ann@acme.com' }, 'deny:email_not_selected'],
  ] as const)('%s', (_n, selectedUsers, global, session, expected) => {
    expect(effectOf(decide({ selectedUsers }, { global, session }))).toBe(expected);
  });

  it('reports the proven email, lower-cased', () => {
    const decision = decide({ selectedUsers: ['ann@acme.com'] }, { session: { verifiedEmail: 'ANN@acme.com' } });
    expect(decision.effect === 'allow' && decision.permissions.viewerEmail).toBe('ann@acme.com');
  });

  it('password gate comes before the email code gate', () => {
    expect(effectOf(decide({ selectedUsers: ['ann@acme.com'], passwordHash: '$2b$' }))).toBe('gate:password');
    expect(effectOf(decide({ selectedUsers: ['ann@acme.com'], passwordHash: '$2b$' }, { session: { passwordPassed: true } }))).toBe('gate:email_code');
  });
});

describe('decideView: SSO gate (MO-11)', () => {
  const ssoSpace = enforcedSpace({ enforceSso: true });
  it.each([
    ['link requires SSO, no SSO session', { requireSso: true }, undefined, {}, 'gate:sso'],
    ['link requires SSO, SSO session', { requireSso: true }, undefined, { ssoEmail: 'x@y.com' }, 'allow'],
    ['MO-11 space enforces SSO on a link that does not ask', { requireSso: false }, ssoSpace, {}, 'gate:sso'],
    ['MO-11 space enforces SSO, SSO session', { requireSso: false }, ssoSpace, { ssoEmail: 'x@y.com' }, 'allow'],
    ['verified email does not replace SSO', { requireSso: true }, undefined, { verifiedEmail: 'ann@acme.com' }, 'gate:sso'],
    ['SSO + list: SSO email must match', { requireSso: true, selectedUsers: ['ann@acme.com'] }, undefined, { ssoEmail: 'bob@acme.com' }, 'deny:email_not_selected'],
    ['SSO + list: matching SSO email', { requireSso: true, selectedUsers: ['@acme.com'] }, undefined, { ssoEmail: 'bob@acme.com' }, 'allow'],
    ['SSO + list: SSO gate, not email code', { requireSso: true, selectedUsers: ['@acme.com'] }, undefined, {}, 'gate:sso'],
    ['SSO + list: a matching verified email does not replace the SSO email', { requireSso: true, selectedUsers: ['@acme.com'] }, undefined, { verifiedEmail: 'bob@acme.com', ssoEmail: 'x@other.com' }, 'deny:email_not_selected'],
  ] as const)('%s', (_n, link, space, session, expected) => {
    expect(effectOf(decide(link, { space, session }))).toBe(expected);
  });

  it('reports the SSO email as the viewer email', () => {
    const decision = decide({ requireSso: true }, { session: { ssoEmail: 'Ann@Acme.com', verifiedEmail: 'other@x.com' } });
    expect(decision.effect === 'allow' && decision.permissions.viewerEmail).toBe('ann@acme.com');
  });
});
