import { describe, expect, it } from 'vitest';
import type { GlobalConfig, SpaceConfig } from '../../src/core/model';
import { effectivePolicy, linkEffectiveStatus } from '../../src/core/policy';
import { DAY, NOW, enforcedGlobal, enforcedSpace, globalConfig, shareLink, spaceConfig } from './policy-fixtures';

const statusOf = (link: Parameters<typeof shareLink>[0], global: GlobalConfig = globalConfig(), space?: SpaceConfig, now = NOW) =>
  linkEffectiveStatus(shareLink(link), effectivePolicy(global, space), now);

describe('linkEffectiveStatus', () => {
  it.each([
    ['active', {}, globalConfig(), undefined, 'active'],
    ['disabled wins over everything', { status: 'disabled', pageState: 'deleted', expiresAt: NOW - 1 }, globalConfig({ sharingEnabled: false }), undefined, 'disabled'],
    ['page removed', { pageState: 'trashed', expiresAt: NOW - 1 }, globalConfig({ sharingEnabled: false }), undefined, 'page_removed'],
    ['MO-8 sharing disabled in the space', { expiresAt: NOW - 1 }, globalConfig(), spaceConfig({ sharingEnabled: false }), 'sharing_disabled'],
    ['expired at the exact instant', { expiresAt: NOW }, globalConfig(), undefined, 'expired'],
    ['not expired 1 ms before', { expiresAt: NOW + 1 }, globalConfig(), undefined, 'active'],
    ['non-compliant after tightening', { comments: 'view_add' }, enforcedGlobal({ comments: 'view' }), undefined, 'non_compliant'],
  ] as const)('%s', (_n, link, global, space, expected) => {
    expect(statusOf(link, global, space).effectiveStatus).toBe(expected);
  });

  it('lists the broken rules of a non-compliant link (shown in every link list)', () => {
    expect(statusOf({ comments: 'view_add', expiresAt: NOW + 40 * DAY }, globalConfig(), enforcedSpace({ comments: 'view', expiry: { kind: 'custom', maxDays: 30 } }))).toEqual({
      effectiveStatus: 'non_compliant',
      violations: ["Comments are capped at 'View' by the space policy", 'Expiry must be within 30 days of creation (space policy)'],
      selectedUsersNarrowedTo: null,
    });
  });

  it('accepts a LinkView-shaped link (hasPassword instead of passwordHash)', () => {
    const { passwordHash: _omit, tokenHash: _t, ...rest } = shareLink();
    const policy = effectivePolicy(enforcedGlobal({ password: 'mandatory' }), undefined);
    expect(linkEffectiveStatus({ ...rest, hasPassword: true }, policy, NOW).effectiveStatus).toBe('active');
    expect(linkEffectiveStatus({ ...rest, hasPassword: false }, policy, NOW)).toEqual({
      effectiveStatus: 'non_compliant',
      violations: ['A password is required by the global policy'],
      selectedUsersNarrowedTo: null,
    });
  });

  it('ES-11 relaxing the policy restores active (nothing stored changes)', () => {
    const link = shareLink({ includeChildren: true });
    expect(linkEffectiveStatus(link, effectivePolicy(globalConfig(), enforcedSpace({ childPages: false })), NOW).effectiveStatus).toBe('non_compliant');
    expect(linkEffectiveStatus(link, effectivePolicy(globalConfig(), spaceConfig({ childPages: false })), NOW).effectiveStatus).toBe('active');
  });

  it('an old link past its expiry-in-future check is not flagged for it (existing mode)', () => {
    expect(statusOf({ name: '', createdAt: NOW - 90 * DAY, updatedAt: NOW - 90 * DAY }).effectiveStatus).toBe('active');
  });

  it('attack: a link list with nothing in common with a later admin list is flagged non-compliant with the reason, in every list', () => {
    const status = statusOf({ selectedUsers: ['eve@other.com'] }, globalConfig(), enforcedSpace({ selectedUsers: ['@acme.com'] }));
    expect(status).toEqual({
      effectiveStatus: 'non_compliant',
      violations: ["None of the link's selected users is among the selected users allowed by the space policy any more"],
      selectedUsersNarrowedTo: null,
    });
  });

  it('a partly narrowed list shows as narrowed, with the common part the view uses; a list that fits or is absent does not', () => {
    const acme = enforcedGlobal({ selectedUsers: ['@acme.com'] });
    expect(statusOf({ selectedUsers: ['ann@acme.com', 'eve@other.com'] }, acme)).toEqual({
      effectiveStatus: 'active',
      violations: [],
      selectedUsersNarrowedTo: ['ann@acme.com'],
    });
    // An admin list inside the link's domain entry: the admin's addresses are the common part.
    expect(statusOf({ selectedUsers: ['@acme.com'] }, enforcedGlobal({ selectedUsers: ['ann@acme.com', 'zed@third.io'] })).selectedUsersNarrowedTo).toEqual(['ann@acme.com']);
    expect(statusOf({ selectedUsers: ['ann@acme.com'] }, acme).selectedUsersNarrowedTo).toBeNull();
    expect(statusOf({ selectedUsers: [] }, acme).selectedUsersNarrowedTo).toBeNull();
    expect(statusOf({ selectedUsers: ['ann@acme.com', 'eve@other.com'] }).selectedUsersNarrowedTo).toBeNull();
    // Narrowing is shown whatever else the status says (a disabled link keeps its narrowed audience).
    expect(statusOf({ status: 'disabled', selectedUsers: ['ann@acme.com', 'eve@other.com'] }, acme).selectedUsersNarrowedTo).toEqual(['ann@acme.com']);
  });
});
