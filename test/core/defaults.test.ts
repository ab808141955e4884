import { describe, expect, it } from 'vitest';
import { defaultGlobalConfig, defaultLinkSettings, defaultSiteSettings, defaultSpaceConfig } from '../../src/core/defaults';

describe('defaults', () => {
  it('global: master switch on, not enforced (MO-2 OFF = defaults only), view-only caps, restricted children hidden (CF-2)', () => {
    expect(defaultGlobalConfig(1000)).toEqual({
      comments: 'view',
      attachments: 'view',
      childPages: true,
      childPagesOnByDefault: false,
      restrictedChildPages: false,
      restrictedChildPagesOnByDefault: false,
      password: 'optional',
      expiry: { kind: 'optional' },
      enforceSso: false,
      selectedUsers: [],
      sharingEnabled: true,
      applyOnAllLinks: false,
      version: 0,
      updatedAt: 1000,
      updatedBy: null,
    });
  });

  it('space: sharing enabled (MO-8), not enforced (MO-9 OFF), keyed by space', () => {
    const space = defaultSpaceConfig('DEV', 5);
    expect(space).toMatchObject({ spaceKey: 'DEV', sharingEnabled: true, applyOnSpaceLinks: false, version: 0, updatedAt: 5 });
    expect(space.restrictedChildPages).toBe(false);
  });

  it('site: x-forwarded-for client IP header, 180-day audit retention, no mail provider, no custom domain', () => {
    const site = defaultSiteSettings(7);
    expect(site).toMatchObject({ clientIpHeader: 'x-forwarded-for', auditRetentionDays: 180, customDomain: null, sso: null, version: 0 });
    expect(site.email.provider).toBe('none');
  });

  it('link form: nothing shared beyond the page, no selected users (ES-1 off by default)', () => {
    expect(defaultLinkSettings()).toMatchObject({
      includeChildren: false,
      shareRestrictedChildren: false,
      selectedUsers: [],
      allowedIps: [],
      expiresAt: null,
      requireSso: false,
    });
  });

  it('returns fresh objects (callers may mutate them)', () => {
    const a = defaultGlobalConfig(0);
    a.selectedUsers.push('x@y.com');
    expect(defaultGlobalConfig(0).selectedUsers).toEqual([]);
  });
});
