import type { GlobalConfig, LinkSettings, PolicySettings, SiteSettings, SpaceConfig } from './model';

/**
 * Secure starting values. Policy levels start unenforced (they only pre-fill the link form), with
 * view-only comments and attachments, child pages allowed but OFF in new links, restricted children
 * hidden (CF-2), and no password/expiry/SSO requirement. Sharing is on so a fresh install works without extra setup.
 */
const defaultPolicySettings = (): PolicySettings => ({
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
});

/** The global "Default link configuration" used until a Confluence admin saves one (version 0 = never stored). */
export const defaultGlobalConfig = (now: number): GlobalConfig => ({
  ...defaultPolicySettings(),
  sharingEnabled: true,
  applyOnAllLinks: false,
  version: 0,
  updatedAt: now,
  updatedBy: null,
});

/** A space's configuration used until its space admin saves one (version 0 = never stored). */
export const defaultSpaceConfig = (spaceKey: string, now: number): SpaceConfig => ({
  ...defaultPolicySettings(),
  spaceKey,
  sharingEnabled: true,
  applyOnSpaceLinks: false,
  version: 0,
  updatedAt: now,
  updatedBy: null,
});

/** Site settings used until a Confluence admin saves some (version 0 = never stored). */
export const defaultSiteSettings = (now: number): SiteSettings => ({
  customization: {
    showHeading: true,
    heading: 'Shared with you',
    logoUrl: null,
    faviconUrl: null,
    showFooter: true,
    footerText: '',
  },
  customDomain: null,
  clientIpHeader: 'x-forwarded-for',
  sso: null,
  email: {
    provider: 'none',
    fromAddress: '',
    fromName: 'Secure Share',
    options: {},
  },
  notifications: {
    openedAlert: false,
    expiryReminderDays: 3,
  },
  auditRetentionDays: 180,
  version: 0,
  updatedAt: now,
});

/** The most closed-down link form before any policy default is applied (see `EffectivePolicy.defaults`). */
export const defaultLinkSettings = (): LinkSettings => ({
  name: '',
  description: '',
  comments: 'view',
  attachments: 'view',
  includeChildren: false,
  withLabels: [],
  withoutLabels: [],
  shareRestrictedChildren: false,
  showCreator: false,
  allowSubscribe: false,
  expiresAt: null,
  allowedIps: [],
  selectedUsers: [],
  requireSso: false,
});
