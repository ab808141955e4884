import type { AuditEntry, GlobalConfig, ShareLink, SiteSettings, SpaceConfig } from '../../src/core/model';
import type { Clock, Subscription } from '../../src/app/ports';

export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

export class ManualClock implements Clock {
  constructor(public current: number = T0) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

let serial = 0;
/** 22-char base64url-looking ids that sort in creation order within one test run. */
export const nextId = (prefix = 'L'): string => `${prefix}${String(++serial).padStart(21, '0')}`;

export const makeLink = (overrides: Partial<ShareLink> = {}): ShareLink => ({
  id: nextId('L'),
  tokenHash: 'a'.repeat(64),
  pageId: '1001',
  spaceKey: 'DEMO',
  pageTitle: 'Handbook',
  createdBy: 'acc-editor',
  createdAt: T0,
  updatedAt: T0,
  version: 1,
  epoch: 1,
  status: 'active',
  passwordHash: null,
  pageState: 'current',
  name: 'Partner link',
  description: '',
  comments: 'view',
  attachments: 'none',
  includeChildren: false,
  withLabels: [],
  withoutLabels: [],
  shareRestrictedChildren: false,
  showCreator: true,
  allowSubscribe: false,
  expiresAt: null,
  allowedIps: [],
  selectedUsers: [],
  requireSso: false,
  ...overrides,
});

const policy = {
  comments: 'view',
  attachments: 'view',
  childPages: true,
  restrictedChildPages: false,
  password: 'optional',
  expiry: { kind: 'custom', maxDays: 30 },
  enforceSso: false,
  selectedUsers: ['@acme.com'],
} as const;

export const makeGlobal = (version: number, overrides: Partial<GlobalConfig> = {}): GlobalConfig => ({
  ...policy,
  expiry: { kind: 'custom', maxDays: 30 },
  selectedUsers: ['@acme.com'],
  sharingEnabled: true,
  applyOnAllLinks: false,
  version,
  updatedAt: T0,
  updatedBy: 'acc-admin',
  ...overrides,
});

export const makeSpace = (spaceKey: string, version: number, overrides: Partial<SpaceConfig> = {}): SpaceConfig => ({
  ...policy,
  expiry: { kind: 'custom', maxDays: 30 },
  selectedUsers: ['@acme.com'],
  spaceKey,
  sharingEnabled: true,
  applyOnSpaceLinks: true,
  version,
  updatedAt: T0,
  updatedBy: 'acc-space-admin',
  ...overrides,
});

export const makeSite = (version: number, overrides: Partial<SiteSettings> = {}): SiteSettings => ({
  customization: { showHeading: true, heading: 'Shared with you', logoUrl: null, faviconUrl: null, showFooter: false, footerText: '' },
  customDomain: null,
  clientIpHeader: 'x-forwarded-for',
  sso: null,
  email: { provider: 'outbox', fromAddress: 'share@acme.com', fromName: 'Acme', options: {} },
  notifications: { openedAlert: false, expiryReminderDays: 3 },
  auditRetentionDays: 90,
  version,
  updatedAt: T0,
  ...overrides,
});

export const makeAudit = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  id: nextId('A'),
  at: T0,
  action: 'view_allowed',
  actor: 'visitor',
  linkId: null,
  pageId: null,
  spaceKey: null,
  detail: '',
  count: 1,
  ...overrides,
});

export const makeSubscription = (overrides: Partial<Subscription> = {}): Subscription => ({
  id: nextId('S'),
  linkId: 'link-1',
  pageId: '1001',
  email: 'ann@partner.com',
  createdAt: T0,
  confirmed: false,
  ...overrides,
});
