import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import type { GlobalConfig, LinkSettings, SpaceConfig } from '../../src/core/model';
import {
  assertLinkValid,
  assertSharingEnabled,
  effectivePolicy,
  narrowLinkSelectedUsers,
  validateLink,
  type ValidationMode,
} from '../../src/core/policy';
import { DAY, NOW, type Patch, enforcedGlobal, enforcedSpace, globalConfig, linkSettings, spaceConfig } from './policy-fixtures';

const check = (
  settings: Patch<LinkSettings> & { hasPassword?: boolean },
  global: GlobalConfig = globalConfig(),
  space: SpaceConfig | undefined = undefined,
  mode: ValidationMode = 'save',
  createdAt = NOW,
) => {
  const { hasPassword = false, ...rest } = settings;
  return validateLink({ ...linkSettings(rest), hasPassword }, effectivePolicy(global, space), NOW, { createdAt, mode });
};

describe('validateLink: policy rules name the rule and the level', () => {
  it.each([
    ['MO-10 comments over a space cap', { comments: 'view_add' }, globalConfig(), enforcedSpace({ comments: 'view' }), 'comments', 'comments.cap', "Comments are capped at 'View' by the space policy"],
    ['MO-3 comments disabled globally', { comments: 'view' }, enforcedGlobal({ comments: 'none' }), undefined, 'comments', 'comments.cap', "Comments are capped at 'Disabled' by the global policy"],
    ['MO-10 attachments over a space cap', { attachments: 'view' }, globalConfig(), enforcedSpace({ attachments: 'none' }), 'attachments', 'attachments.cap', "Attachments are capped at 'Disabled' by the space policy"],
    ['MO-3 attachments over a global cap', { attachments: 'view_add' }, enforcedGlobal({ attachments: 'view' }), undefined, 'attachments', 'attachments.cap', "Attachments are capped at 'View' by the global policy"],
    ['MO-4 / MO-10 child pages not allowed', { includeChildren: true }, globalConfig(), enforcedSpace({ childPages: false }), 'includeChildren', 'childPages.cap', 'Child pages may not be shared under the space policy'],
    ['MO-14 / CF-2 restricted children not allowed', { includeChildren: true, shareRestrictedChildren: true }, enforcedGlobal({ restrictedChildPages: false }), undefined, 'shareRestrictedChildren', 'restrictedChildPages.cap', 'Restricted child pages may not be shared under the global policy'],
    ['MO-5 password mandatory globally', {}, enforcedGlobal({ password: 'mandatory' }), undefined, 'password', 'password.mandatory', 'A password is required by the global policy'],
    ['MO-11 password mandatory in the space', {}, globalConfig(), enforcedSpace({ password: 'mandatory' }), 'password', 'password.mandatory', 'A password is required by the space policy'],
    ['MO-6 expiry mandatory', {}, enforcedGlobal({ expiry: { kind: 'mandatory' } }), undefined, 'expiresAt', 'expiry.mandatory', 'An expiry date is required by the global policy'],
    ['MO-6 custom expiry implies mandatory', {}, globalConfig(), enforcedSpace({ expiry: { kind: 'custom', maxDays: 30 } }), 'expiresAt', 'expiry.mandatory', 'An expiry date is required by the space policy'],
    ['MO-6 custom expiry over the limit', { expiresAt: NOW + 31 * DAY }, globalConfig(), enforcedSpace({ expiry: { kind: 'custom', maxDays: 30 } }), 'expiresAt', 'expiry.maxDays', 'Expiry must be within 30 days of creation (space policy)'],
    ['MO-6 custom expiry singular day', { expiresAt: NOW + 2 * DAY }, enforcedGlobal({ expiry: { kind: 'custom', maxDays: 1 } }), undefined, 'expiresAt', 'expiry.maxDays', 'Expiry must be within 1 day of creation (global policy)'],
    ['MO-11 SSO enforced needs requireSso', { requireSso: false }, globalConfig(), enforcedSpace({ enforceSso: true }), 'requireSso', 'sso.enforced', 'SSO sign-in is required by the space policy'],
    ['ES-8 selected user outside the space list', { selectedUsers: ['eve@other.com'] }, globalConfig(), enforcedSpace({ selectedUsers: ['@acme.com'] }), 'selectedUsers', 'selectedUsers.outsidePolicy', "'eve@other.com' is not among the selected users allowed by the space policy"],
    ['ES-8 domain wider than the global list', { selectedUsers: ['@acme.com'] }, enforcedGlobal({ selectedUsers: ['@eu.acme.com'] }), undefined, 'selectedUsers', 'selectedUsers.outsidePolicy', "'@acme.com' is not among the selected users allowed by the global policy"],
    ['ES-8 M3 a subdomain is outside its parent @domain', { selectedUsers: ['@eu.acme.com'] }, globalConfig(), enforcedSpace({ selectedUsers: ['@acme.com'] }), 'selectedUsers', 'selectedUsers.outsidePolicy', "'@eu.acme.com' is not among the selected users allowed by the space policy"],
    ['ES-8 the domain itself is outside its wildcard', { selectedUsers: ['@acme.com'] }, enforcedGlobal({ selectedUsers: ['@*.acme.com'] }), undefined, 'selectedUsers', 'selectedUsers.outsidePolicy', "'@acme.com' is not among the selected users allowed by the global policy"],
    ['ES-8 a wildcard is wider than its @domain', { selectedUsers: ['@*.acme.com'] }, globalConfig(), enforcedSpace({ selectedUsers: ['@acme.com'] }), 'selectedUsers', 'selectedUsers.outsidePolicy', "'@*.acme.com' is not among the selected users allowed by the space policy"],
  ] as const)('%s', (_name, settings, global, space, field, rule, message) => {
    expect(check(settings, global, space)).toEqual([{ field, rule, message, kind: 'policy' }]);
  });

  it.each([
    ['MO-10 comments at the cap', { comments: 'view' }, globalConfig(), enforcedSpace({ comments: 'view' })],
    ['MO-10 comments below the cap', { comments: 'none' }, globalConfig(), enforcedSpace({ comments: 'view' })],
    ['MO-2 OFF: global values do not cap', { comments: 'view_add', includeChildren: true }, globalConfig({ comments: 'none', childPages: false }), undefined],
    ['MO-9 OFF: space values do not cap', { attachments: 'view_add' }, globalConfig(), spaceConfig({ attachments: 'none' })],
    ['CF-2 restricted flag without children is harmless', { includeChildren: false, shareRestrictedChildren: true }, enforcedGlobal({ restrictedChildPages: false }), undefined],
    ['MO-5 password present', { hasPassword: true }, enforcedGlobal({ password: 'mandatory' }), undefined],
    ['MO-6 expiry present', { expiresAt: NOW + DAY }, enforcedGlobal({ expiry: { kind: 'mandatory' } }), undefined],
    ['MO-6 custom expiry exactly at the limit', { expiresAt: NOW + 30 * DAY }, enforcedGlobal({ expiry: { kind: 'custom', maxDays: 30 } }), undefined],
    ['MO-11 SSO on when enforced', { requireSso: true }, enforcedGlobal({ enforceSso: true }), undefined],
    ['MO-11 SSO may be switched on without enforcement', { requireSso: true }, globalConfig(), undefined],
    ['ES-8 entries within the list', { selectedUsers: ['ann@acme.com', '@eu.acme.com'] }, globalConfig(), enforcedSpace({ selectedUsers: ['@acme.com', '@*.acme.com'] })],
    ['ES-8 subdomain entries within a wildcard', { selectedUsers: ['bob@x.eu.acme.com', '@eu.acme.com', '@*.eu.acme.com'] }, enforcedGlobal({ selectedUsers: ['@*.acme.com'] }), undefined],
    ['ES-8 empty link list inherits the policy list', { selectedUsers: [] }, globalConfig(), enforcedSpace({ selectedUsers: ['@acme.com'] })],
    ['ES-1 any list without a policy list', { selectedUsers: ['anyone@anywhere.io'] }, globalConfig(), undefined],
  ] as const)('accepts: %s', (_name, settings, global, space) => {
    expect(check(settings, global, space)).toEqual([]);
  });

  it('MO-6 the custom limit counts from the link creation, not from the edit', () => {
    const global = enforcedGlobal({ expiry: { kind: 'custom', maxDays: 30 } });
    const createdAt = NOW - 20 * DAY;
    expect(check({ expiresAt: createdAt + 30 * DAY }, global, undefined, 'save', createdAt)).toEqual([]);
    expect(check({ expiresAt: NOW + 30 * DAY }, global, undefined, 'save', createdAt).map((v) => v.rule)).toEqual(['expiry.maxDays']);
  });

  it('MO-7 lists every broken rule, policy rules first', () => {
    const violations = check(
      { name: '', comments: 'view_add', attachments: 'view_add', includeChildren: true, expiresAt: null },
      enforcedGlobal({ comments: 'view', attachments: 'none', childPages: false, password: 'mandatory', expiry: { kind: 'mandatory' } }),
    );
    expect(violations.map((v) => v.rule)).toEqual([
      'comments.cap',
      'attachments.cap',
      'childPages.cap',
      'password.mandatory',
      'expiry.mandatory',
      'name.length',
    ]);
  });
});

describe('validateLink: field sanity (save mode)', () => {
  it.each([
    ['empty name', { name: '' }, 'name', 'name.length', 'The link needs a name'],
    ['blank name', { name: '   ' }, 'name', 'name.length', 'The link needs a name'],
    ['long name', { name: 'x'.repeat(121) }, 'name', 'name.length', 'The name must be at most 120 characters'],
    ['long description', { description: 'x'.repeat(1001) }, 'description', 'description.length', 'The description must be at most 1000 characters'],
    ['expiry in the past', { expiresAt: NOW - 1 }, 'expiresAt', 'expiry.future', 'The expiry date must be in the future'],
    ['expiry right now', { expiresAt: NOW }, 'expiresAt', 'expiry.future', 'The expiry date must be in the future'],
    ['label with a space', { withLabels: ['two words'] }, 'withLabels', 'labels.format', "'two words' is not a valid label: no spaces or any of ! # & ( ) * , . : ; ? @ [ ] ^ ' `"],
    ['label with a quote', { withLabels: ["it's"] }, 'withLabels', 'labels.format', "'it's' is not a valid label: no spaces or any of ! # & ( ) * , . : ; ? @ [ ] ^ ' `"],
    ['label with a colon', { withoutLabels: ['a:b'] }, 'withoutLabels', 'labels.format', "'a:b' is not a valid label: no spaces or any of ! # & ( ) * , . : ; ? @ [ ] ^ ' `"],
    ['empty label', { withLabels: [''] }, 'withLabels', 'labels.format', 'Labels must be 1 to 255 characters long'],
    ['long label', { withLabels: ['x'.repeat(256)] }, 'withLabels', 'labels.format', 'Labels must be 1 to 255 characters long'],
    ['label both required and excluded', { withLabels: ['draft'], withoutLabels: ['Draft'] }, 'withoutLabels', 'labels.conflict', "'draft' cannot be both a required and an excluded label"],
    ['bad IP', { allowedIps: ['1.2.3'] }, 'allowedIps', 'allowedIps.format', expect.stringContaining("'1.2.3' is not a valid IPv4 or IPv6")],
    ['bad CIDR', { allowedIps: ['1.2.3.4/33'] }, 'allowedIps', 'allowedIps.format', expect.stringContaining('prefix length')],
    ['ES-2 bad selected user', { selectedUsers: ['bob'] }, 'selectedUsers', 'selectedUsers.format', "'bob' is not a valid email address or @domain"],
    ['ES-2 misplaced wildcard', { selectedUsers: ['@*acme.com'] }, 'selectedUsers', 'selectedUsers.format', "'@*acme.com' puts '*' in the wrong place: write @*.acme.com for every subdomain of acme.com (only one leading '*.' is allowed)"],
    ['ES-2 wildcard over a top-level domain', { selectedUsers: ['@*.com'] }, 'selectedUsers', 'selectedUsers.format', "'@*.com' would admit every .com address; name the organisation's domain (like @*.acme.com)"],
  ] as const)('rejects %s', (_name, settings, field, rule, message) => {
    expect(check(settings)).toEqual([{ field, rule, message, kind: 'input' }]);
  });

  it.each([
    ['name of 120 characters', { name: 'x'.repeat(120) }],
    ['description of 1000 characters', { description: 'x'.repeat(1000) }],
    ['expiry 1 ms ahead', { expiresAt: NOW + 1 }],
    ['ordinary labels', { withLabels: ['public', 'release-2026', 'ü-label'], withoutLabels: ['draft'] }],
    ['valid IPs', { allowedIps: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7'] }],
    ['valid selected users', { selectedUsers: ['Ann@Acme.com', '@partner.org'] }],
  ] as const)('accepts %s', (_name, settings) => {
    expect(check(settings)).toEqual([]);
  });

  it('fails closed on values outside the type (garbage from storage or a client)', () => {
    const violations = validateLink(
      { ...linkSettings(), comments: 'edit' as never, expiresAt: Number.NaN, hasPassword: false },
      effectivePolicy(globalConfig(), undefined),
      NOW,
      { createdAt: NOW, mode: 'existing' },
    );
    expect(violations.map((v) => v.rule)).toEqual(['comments.value', 'expiry.value']);
  });
});

describe('validateLink: existing mode (re-check on every request)', () => {
  it('skips form sanity and the expiry-in-future check', () => {
    expect(check({ name: '', expiresAt: NOW - DAY }, globalConfig(), undefined, 'existing')).toEqual([]);
  });

  it('keeps caps and requirements on', () => {
    const violations = check(
      { comments: 'view_add', expiresAt: null },
      enforcedGlobal({ comments: 'view', password: 'mandatory', expiry: { kind: 'mandatory' } }),
      undefined,
      'existing',
    );
    expect(violations.map((v) => v.rule)).toEqual(['comments.cap', 'password.mandatory', 'expiry.mandatory']);
  });

  it('MO-11 an enforced SSO rule is applied by the gate, not by non-compliance', () => {
    expect(check({ requireSso: false }, enforcedGlobal({ enforceSso: true }), undefined, 'existing')).toEqual([]);
  });

  it('ES-6 a policy list that partly fits narrows the link list instead of making it non-compliant', () => {
    const policy = enforcedGlobal({ selectedUsers: ['@acme.com'] });
    expect(check({ selectedUsers: ['ann@acme.com', 'eve@other.com'] }, policy, undefined, 'existing')).toEqual([]);
    expect(check({ selectedUsers: ['@eu.acme.com'] }, enforcedGlobal({ selectedUsers: ['bob@eu.acme.com', 'zed@third.io'] }), undefined, 'existing')).toEqual([]);
  });

  it('attack: a link list with nothing in common with a list the admin set later is non-compliant, never widened to it', () => {
    const reason = {
      field: 'selectedUsers',
      rule: 'selectedUsers.noOverlap',
      message: "None of the link's selected users is among the selected users allowed by the global policy any more",
      kind: 'policy',
    };
    expect(check({ selectedUsers: ['eve@other.com'] }, enforcedGlobal({ selectedUsers: ['@acme.com'] }), undefined, 'existing')).toEqual([reason]);
    // Nested-looking entries that share no address: @acme.com is not under @*.acme.com, nor the reverse.
    expect(check({ selectedUsers: ['@acme.com'] }, enforcedGlobal({ selectedUsers: ['@*.acme.com'] }), undefined, 'existing')).toEqual([reason]);
    expect(check({ selectedUsers: ['eve@other.com'] }, globalConfig(), enforcedSpace({ selectedUsers: ['@acme.com'] }), 'existing')).toEqual([
      { ...reason, message: "None of the link's selected users is among the selected users allowed by the space policy any more" },
    ]);
    // An empty link list is "anyone the policy allows", not a conflict; no policy list, no conflict.
    expect(check({ selectedUsers: [] }, enforcedGlobal({ selectedUsers: ['@acme.com'] }), undefined, 'existing')).toEqual([]);
    expect(check({ selectedUsers: ['eve@other.com'] }, globalConfig(), undefined, 'existing')).toEqual([]);
  });
});

describe('assertLinkValid', () => {
  const policyOf = (global: GlobalConfig, space?: SpaceConfig) => effectivePolicy(global, space);
  const thrown = (fn: () => void): DomainError => {
    try {
      fn();
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected a DomainError');
  };

  it('passes a valid link', () => {
    expect(() => assertLinkValid({ ...linkSettings(), hasPassword: false }, policyOf(globalConfig()), NOW, { createdAt: NOW })).not.toThrow();
  });

  it('MO-7 throws policy_violation with the first broken rule and every detail', () => {
    const error = thrown(() =>
      assertLinkValid(
        { ...linkSettings({ comments: 'view_add', name: '' }), hasPassword: false },
        policyOf(enforcedGlobal({ comments: 'view', password: 'mandatory' })),
        NOW,
        { createdAt: NOW },
      ),
    );
    expect(error.code).toBe('policy_violation');
    expect(error.message).toBe("Comments are capped at 'View' by the global policy");
    expect(error.details).toEqual([
      { field: 'comments', rule: 'comments.cap', message: "Comments are capped at 'View' by the global policy" },
      { field: 'password', rule: 'password.mandatory', message: 'A password is required by the global policy' },
      { field: 'name', rule: 'name.length', message: 'The link needs a name' },
    ]);
  });

  it('throws invalid_input when only the input is malformed', () => {
    const error = thrown(() => assertLinkValid({ ...linkSettings({ name: '' }), hasPassword: false }, policyOf(globalConfig()), NOW, { createdAt: NOW }));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe('The link needs a name');
  });

  it.each([
    ['MO-8 space sharing disabled', globalConfig(), spaceConfig({ sharingEnabled: false }), 'Sharing is turned off for this space by the space policy'],
    ['master switch off', globalConfig({ sharingEnabled: false }), undefined, 'Sharing is turned off for this site by the global policy'],
  ] as const)('%s: no link can be created (sharing_disabled)', (_name, global, space, message) => {
    const policy = policyOf(global, space);
    const error = thrown(() => assertLinkValid({ ...linkSettings(), hasPassword: false }, policy, NOW, { createdAt: NOW }));
    expect(error.code).toBe('sharing_disabled');
    expect(error.message).toBe(message);
    expect(() => assertSharingEnabled(policy)).toThrow(message);
  });
});

describe('narrowLinkSelectedUsers (ES-6 applied to a link)', () => {
  it.each([
    ['no policy list: the link list stands', ['ann@acme.com'], globalConfig(), ['ann@acme.com']],
    ['empty link list + enforced policy list → policy list (ES-9 fail closed)', [], enforcedGlobal({ selectedUsers: ['@acme.com'] }), ['@acme.com']],
    ['part fits → common part', ['ann@acme.com', 'eve@other.com'], enforcedGlobal({ selectedUsers: ['@acme.com'] }), ['ann@acme.com']],
    ['conflict → policy list', ['eve@other.com'], enforcedGlobal({ selectedUsers: ['@acme.com'] }), ['@acme.com']],
    ['all fits → unchanged', ['ann@acme.com'], enforcedGlobal({ selectedUsers: ['@acme.com'] }), ['ann@acme.com']],
    ['unenforced policy list is ignored', ['eve@other.com'], globalConfig({ selectedUsers: ['@acme.com'] }), ['eve@other.com']],
  ] as const)('ES-6 %s', (_name, linkList, global, expected) => {
    expect(narrowLinkSelectedUsers(linkList, effectivePolicy(global, undefined))).toEqual(expected);
  });
});
