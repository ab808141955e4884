import { describe, expect, it } from 'vitest';
import type { AccessLevel, ExpiryRule } from '../../src/core/model';
import { effectivePolicy, newLinkSettings } from '../../src/core/policy';
import { defaultSpaceConfig } from '../../src/core/defaults';
import { DAY, NOW, enforcedGlobal, enforcedSpace, globalConfig, spaceConfig } from './policy-fixtures';

const LEVELS: AccessLevel[] = ['none', 'view', 'view_add'];

describe('effectivePolicy: enforcement switches', () => {
  it('MO-2 OFF / MO-9 OFF / ES-10: unenforced levels cap nothing and require nothing', () => {
    const policy = effectivePolicy(
      globalConfig({ comments: 'none', attachments: 'none', childPages: false, password: 'mandatory', expiry: { kind: 'custom', maxDays: 7 }, enforceSso: true, selectedUsers: ['@acme.com'] }),
      spaceConfig({ comments: 'none', password: 'mandatory', enforceSso: true, selectedUsers: ['@acme.com'] }),
    );
    expect(policy.enforcedLevels).toEqual([]);
    expect(policy.caps).toEqual({
      comments: { value: 'view_add', enforcedBy: null },
      attachments: { value: 'view_add', enforcedBy: null },
      childPages: { value: true, enforcedBy: null },
      restrictedChildPages: { value: true, enforcedBy: null },
    });
    expect(policy.requires).toEqual({
      password: { value: false, enforcedBy: null },
      expiry: { value: false, enforcedBy: null },
      expiryMaxDays: { value: null, enforcedBy: null },
      sso: { value: false, enforcedBy: null },
    });
    expect(policy.selectedUsers).toEqual({ value: [], enforcedBy: null, outcome: null });
  });

  it('MO-1 / MO-2 ON: global settings (comments, attachments, child pages, password, expiry) become ceilings and requirements for every link', () => {
    const policy = effectivePolicy(
      enforcedGlobal({ comments: 'view', attachments: 'none', childPages: false, password: 'mandatory', expiry: { kind: 'mandatory' } }),
      undefined,
    );
    expect(policy.enforcedLevels).toEqual(['global']);
    expect(policy.caps.comments).toEqual({ value: 'view', enforcedBy: 'global' });
    expect(policy.caps.attachments).toEqual({ value: 'none', enforcedBy: 'global' });
    expect(policy.caps.childPages).toEqual({ value: false, enforcedBy: 'global' });
    expect(policy.requires.password).toEqual({ value: true, enforcedBy: 'global' });
    expect(policy.requires.expiry).toEqual({ value: true, enforcedBy: 'global' });
  });

  it('MO-9 ON: space settings are ceilings for the space links', () => {
    const policy = effectivePolicy(globalConfig(), enforcedSpace({ comments: 'none' }));
    expect(policy.enforcedLevels).toEqual(['space']);
    expect(policy.caps.comments).toEqual({ value: 'none', enforcedBy: 'space' });
  });

  it('MO-10 worked example: space Comments=View, Attachments=Disable, Child pages OFF', () => {
    const policy = effectivePolicy(globalConfig(), enforcedSpace({ comments: 'view', attachments: 'none', childPages: false }));
    expect(policy.caps.comments).toEqual({ value: 'view', enforcedBy: 'space' });
    expect(policy.caps.attachments).toEqual({ value: 'none', enforcedBy: 'space' });
    expect(policy.caps.childPages).toEqual({ value: false, enforcedBy: 'space' });
    expect(policy.caps.restrictedChildPages).toEqual({ value: false, enforcedBy: 'space' });
  });
});

describe('effectivePolicy: MO-12 caps take the minimum (none < view < view_add)', () => {
  const rows = LEVELS.flatMap((g) => LEVELS.flatMap((s) => [[g, s] as const]));
  it.each(rows)('MO-12/MO-7 global %s ∧ space %s', (g, s) => {
    const policy = effectivePolicy(enforcedGlobal({ comments: g, attachments: g }), enforcedSpace({ comments: s, attachments: s }));
    const expected = LEVELS.indexOf(g) <= LEVELS.indexOf(s) ? g : s;
    // Ties name the global level: the space admin cannot relax it (MO-7).
    const enforcedBy = expected === 'view_add' ? null : LEVELS.indexOf(g) <= LEVELS.indexOf(s) ? 'global' : 'space';
    expect(policy.caps.comments).toEqual({ value: expected, enforcedBy });
    expect(policy.caps.attachments).toEqual({ value: expected, enforcedBy });
  });

  it('MO-7 a space admin cannot loosen a global cap', () => {
    const policy = effectivePolicy(enforcedGlobal({ comments: 'none', childPages: false }), enforcedSpace({ comments: 'view_add', childPages: true }));
    expect(policy.caps.comments).toEqual({ value: 'none', enforcedBy: 'global' });
    expect(policy.caps.childPages).toEqual({ value: false, enforcedBy: 'global' });
  });

  it.each([
    [true, true, true, true, true, null],
    [true, false, true, false, false, 'global'],
    [false, true, false, true, false, 'global'],
    [true, true, false, true, false, 'space'],
    [true, false, false, true, false, 'global'],
    [true, true, true, false, false, 'space'],
  ] as const)('MO-4 / CF-2 child pages AND: global childPages=%s restricted=%s, space childPages=%s restricted=%s → restricted allowed %s', (gc, gr, sc, sr, allowed, by) => {
    const policy = effectivePolicy(
      enforcedGlobal({ childPages: gc, restrictedChildPages: gr }),
      enforcedSpace({ childPages: sc, restrictedChildPages: sr }),
    );
    expect(policy.caps.childPages.value).toBe(gc && sc);
    expect(policy.caps.restrictedChildPages).toEqual({ value: allowed, enforcedBy: by });
  });
});

describe('effectivePolicy: requirements OR together', () => {
  it.each([
    ['optional', 'optional', false, null],
    ['mandatory', 'optional', true, 'global'],
    ['optional', 'mandatory', true, 'space'],
    ['mandatory', 'mandatory', true, 'global'],
  ] as const)('MO-5 / MO-11 password global %s, space %s → required %s', (g, s, required, by) => {
    const policy = effectivePolicy(enforcedGlobal({ password: g }), enforcedSpace({ password: s }));
    expect(policy.requires.password).toEqual({ value: required, enforcedBy: by });
  });

  it.each([
    [false, false, false, null],
    [true, false, true, 'global'],
    [false, true, true, 'space'],
  ] as const)('MO-11 enforce SSO global %s, space %s → required %s', (g, s, required, by) => {
    expect(effectivePolicy(enforcedGlobal({ enforceSso: g }), enforcedSpace({ enforceSso: s })).requires.sso).toEqual({ value: required, enforcedBy: by });
  });

  const optional: ExpiryRule = { kind: 'optional' };
  const mandatory: ExpiryRule = { kind: 'mandatory' };
  const custom = (maxDays: number): ExpiryRule => ({ kind: 'custom', maxDays });
  it.each([
    ['optional/optional', optional, optional, false, null, null, null],
    ['mandatory/optional', mandatory, optional, true, 'global', null, null],
    ['optional/mandatory', optional, mandatory, true, 'space', null, null],
    ['custom implies mandatory', custom(30), optional, true, 'global', 30, 'global'],
    ['space custom implies mandatory', optional, custom(14), true, 'space', 14, 'space'],
    ['smallest maxDays wins (space)', custom(30), custom(7), true, 'global', 7, 'space'],
    ['smallest maxDays wins (global)', custom(5), custom(7), true, 'global', 5, 'global'],
    ['equal maxDays names global', custom(7), custom(7), true, 'global', 7, 'global'],
    ['mandatory + custom', mandatory, custom(10), true, 'global', 10, 'space'],
  ] as const)('MO-6 expiry %s', (_name, g, s, required, requiredBy, maxDays, maxBy) => {
    const policy = effectivePolicy(enforcedGlobal({ expiry: g }), enforcedSpace({ expiry: s }));
    expect(policy.requires.expiry).toEqual({ value: required, enforcedBy: requiredBy });
    expect(policy.requires.expiryMaxDays).toEqual({ value: maxDays, enforcedBy: maxBy });
  });

  it('MO-6 a custom rule of an unenforced level is ignored', () => {
    const policy = effectivePolicy(globalConfig({ expiry: custom(3) }), enforcedSpace({ expiry: custom(9) }));
    expect(policy.requires.expiryMaxDays).toEqual({ value: 9, enforcedBy: 'space' });
  });
});

describe('effectivePolicy: sharing switches', () => {
  it.each([
    ['MO-8 both on', true, true, { enabled: true }],
    ['master switch off (global)', false, true, { enabled: false, disabledBy: 'global' }],
    ['MO-8 space sharing disabled', true, false, { enabled: false, disabledBy: 'space' }],
    ['both off names global', false, false, { enabled: false, disabledBy: 'global' }],
  ] as const)('%s', (_name, globalOn, spaceOn, expected) => {
    expect(effectivePolicy(globalConfig({ sharingEnabled: globalOn }), spaceConfig({ sharingEnabled: spaceOn })).sharing).toEqual(expected);
  });

  it('MO-8 a space without configuration is enabled', () => {
    expect(effectivePolicy(globalConfig(), undefined).sharing).toEqual({ enabled: true });
  });

  it('MO-8 sharing switches act whether or not the level is enforced', () => {
    const policy = effectivePolicy(globalConfig({ applyOnAllLinks: false }), spaceConfig({ applyOnSpaceLinks: false, sharingEnabled: false }));
    expect(policy.sharing).toEqual({ enabled: false, disabledBy: 'space' });
  });
});

describe('effectivePolicy: ES-5 / ES-6 selected users across the two levels', () => {
  it.each([
    ['ES-6 table row 1 (common part)', ['@acme.com'], ['bob@acme.com', 'eve@other.com'], ['bob@acme.com'], 'space', 'common_part'],
    ['ES-6 table row 2 (unchanged)', ['@acme.com'], ['@acme.com'], ['@acme.com'], 'space', 'all_fit'],
    ['ES-6 table row 3 (conflict → global)', ['@acme.com'], ['@other.com'], ['@acme.com'], 'global', 'conflict'],
    ['ES-7 global list only', ['@acme.com'], [], ['@acme.com'], 'global', null],
    ['ES-8 space list only', [], ['ann@acme.com'], ['ann@acme.com'], 'space', null],
  ] as const)('%s', (_name, globalList, spaceList, expected, by, outcome) => {
    const policy = effectivePolicy(enforcedGlobal({ selectedUsers: [...globalList] }), enforcedSpace({ selectedUsers: [...spaceList] }));
    expect(policy.selectedUsers).toEqual({ value: expected, enforcedBy: by, outcome });
  });

  it('ES-6 an unenforced global list does not narrow an enforced space list', () => {
    const policy = effectivePolicy(globalConfig({ selectedUsers: ['@acme.com'] }), enforcedSpace({ selectedUsers: ['eve@other.com'] }));
    expect(policy.selectedUsers.value).toEqual(['eve@other.com']);
  });
});

describe('effectivePolicy: ES-10 defaults for the new-link form', () => {
  it('ES-10 space defaults win over global defaults', () => {
    const policy = effectivePolicy(
      globalConfig({ comments: 'none', attachments: 'none', childPages: false }),
      spaceConfig({ comments: 'view_add', attachments: 'view', childPages: true, childPagesOnByDefault: true, restrictedChildPages: true, restrictedChildPagesOnByDefault: true, password: 'mandatory', expiry: { kind: 'custom', maxDays: 14 }, enforceSso: true, selectedUsers: ['@acme.com'] }),
    );
    expect(policy.defaults).toEqual({
      comments: 'view_add',
      attachments: 'view',
      includeChildren: true,
      shareRestrictedChildren: true,
      password: true,
      expiresInDays: 14,
      requireSso: true,
      selectedUsers: ['@acme.com'],
    });
  });

  it('allowing child pages (or restricted ones) never switches them on in new links: "on by default" is separate', () => {
    const allowedOnly = effectivePolicy(
      globalConfig(),
      spaceConfig({ childPages: true, restrictedChildPages: true }),
    );
    expect(allowedOnly.defaults).toMatchObject({ includeChildren: false, shareRestrictedChildren: false });
    expect(allowedOnly.caps.restrictedChildPages.value).toBe(true);
    const childrenOn = effectivePolicy(globalConfig(), spaceConfig({ childPages: true, childPagesOnByDefault: true, restrictedChildPages: true }));
    expect(childrenOn.defaults).toMatchObject({ includeChildren: true, shareRestrictedChildren: false });
    // On by default but not allowed: stays off.
    const notAllowed = effectivePolicy(globalConfig(), spaceConfig({ childPages: false, childPagesOnByDefault: true, restrictedChildPagesOnByDefault: true }));
    expect(notAllowed.defaults).toMatchObject({ includeChildren: false, shareRestrictedChildren: false });
  });

  it('reads a configuration stored before "on by default" existed as off', () => {
    const { childPagesOnByDefault: _c, restrictedChildPagesOnByDefault: _r, ...old } = spaceConfig({ childPages: true, restrictedChildPages: true });
    expect(effectivePolicy(globalConfig(), old).defaults).toMatchObject({ includeChildren: false, shareRestrictedChildren: false });
  });

  it('MO-7 defaults are clamped to enforced caps', () => {
    const policy = effectivePolicy(
      enforcedGlobal({ comments: 'view', attachments: 'none', childPages: false, expiry: { kind: 'custom', maxDays: 7 }, selectedUsers: ['@acme.com'] }),
      spaceConfig({ comments: 'view_add', attachments: 'view_add', childPages: true, restrictedChildPages: true, expiry: { kind: 'custom', maxDays: 30 }, selectedUsers: ['bob@acme.com', 'eve@other.com'] }),
    );
    expect(policy.defaults).toMatchObject({
      comments: 'view',
      attachments: 'none',
      includeChildren: false,
      shareRestrictedChildren: false,
      expiresInDays: 7,
      selectedUsers: ['bob@acme.com'],
    });
  });

  it('MO-6 mandatory expiry pre-fills 30 days; an enforced requirement pre-fills even when the source is optional', () => {
    expect(effectivePolicy(globalConfig({ expiry: { kind: 'mandatory' } }), undefined).defaults.expiresInDays).toBe(30);
    expect(effectivePolicy(globalConfig(), enforcedSpace({ expiry: { kind: 'mandatory' }, version: 0 })).defaults.expiresInDays).toBe(30);
    expect(effectivePolicy(globalConfig(), undefined).defaults.expiresInDays).toBeNull();
  });

  it('uses global defaults when the space configuration was never saved (version 0)', () => {
    const policy = effectivePolicy(globalConfig({ comments: 'none' }), defaultSpaceConfig('DEV', NOW));
    expect(policy.defaults.comments).toBe('none');
  });

  it('newLinkSettings pre-fills a form that satisfies the policy', () => {
    const policy = effectivePolicy(enforcedGlobal({ comments: 'view', expiry: { kind: 'custom', maxDays: 10 }, enforceSso: true }), undefined);
    const settings = newLinkSettings(policy, NOW);
    expect(settings).toMatchObject({ comments: 'view', expiresAt: NOW + 10 * DAY, requireSso: true, name: '' });
  });
});

describe('effectivePolicy: damaged stored configuration fails closed', () => {
  it.each([
    ['unknown comments cap counts as Disabled', { comments: 'edit' }, (p: ReturnType<typeof effectivePolicy>) => p.caps.comments.value, 'none'],
    ['custom expiry with NaN days allows no lifetime', { expiry: { kind: 'custom', maxDays: Number.NaN } }, (p: ReturnType<typeof effectivePolicy>) => p.requires.expiryMaxDays.value, 0],
    ['custom expiry with negative days allows no lifetime', { expiry: { kind: 'custom', maxDays: -3 } }, (p: ReturnType<typeof effectivePolicy>) => p.requires.expiryMaxDays.value, 0],
    ['fractional days are rounded down', { expiry: { kind: 'custom', maxDays: 7.9 } }, (p: ReturnType<typeof effectivePolicy>) => p.requires.expiryMaxDays.value, 7],
    ['unknown password rule counts as mandatory', { password: 'sometimes' }, (p: ReturnType<typeof effectivePolicy>) => p.requires.password.value, true],
    ['unknown expiry kind counts as mandatory', { expiry: { kind: 'weekly' } }, (p: ReturnType<typeof effectivePolicy>) => p.requires.expiry.value, true],
    ['non-boolean child pages flag forbids child pages', { childPages: 'yes' }, (p: ReturnType<typeof effectivePolicy>) => p.caps.childPages.value, false],
  ] as const)('%s', (_n, patch, read, expected) => {
    expect(read(effectivePolicy(enforcedGlobal(patch as never), undefined))).toBe(expected);
  });

  it('a missing master switch keeps sharing off', () => {
    expect(effectivePolicy({ ...globalConfig(), sharingEnabled: undefined as never }, undefined).sharing).toEqual({ enabled: false, disabledBy: 'global' });
  });
});
