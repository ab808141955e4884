import type { LinkSettings } from '../../src/core/model';
import type { EffectivePolicyView, LinkListItem, PageSharingResult, ResolverResult } from '../../src/shared/contract';

export const ok = <T>(data: T): ResolverResult<T> => ({ ok: true, data });
export const fail = (code: string, message: string, details: Array<{ field?: string; rule?: string; message: string }> = []) => ({
  ok: false as const,
  error: { code, message, details },
});

export const openPolicy = (overrides: Partial<EffectivePolicyView> = {}): EffectivePolicyView => ({
  sharingEnabled: true,
  sharingDisabledBy: null,
  comments: 'view_add',
  attachments: 'view_add',
  childPages: true,
  restrictedChildPages: true,
  passwordRequired: false,
  expiry: { kind: 'optional' },
  ssoRequired: false,
  selectedUsers: [],
  enforced: { global: false, space: false },
  ...overrides,
});

export const linkSettings = (overrides: Partial<LinkSettings> = {}): LinkSettings => ({
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
  ...overrides,
});

/** A link as the lists return it (with the creator's resolved display name). */
export const linkView = (overrides: Partial<LinkListItem> = {}): LinkListItem => ({
  ...linkSettings({ name: 'Partner review' }),
  id: 'L1aaaaaaaaaaaaaaaaaaaa',
  scope: 'page',
  pageId: '1001',
  spaceKey: 'DEMO',
  pageTitle: 'Product Handbook',
  createdBy: 'u-editor',
  createdAt: Date.UTC(2026, 10, 1),
  updatedAt: Date.UTC(2026, 10, 1),
  version: 1,
  status: 'active',
  pageState: 'current',
  hasPassword: false,
  urlAvailable: false,
  effectiveStatus: 'active',
  violations: [],
  selectedUsersNarrowedTo: null,
  createdByName: 'Erin Editor',
  ...overrides,
});

export const pageSharing = (overrides: Partial<PageSharingResult> = {}): PageSharingResult => ({
  page: { id: '1001', title: 'Product Handbook', spaceKey: 'DEMO' },
  links: [],
  policy: openPolicy(),
  defaults: linkSettings(),
  passwordSuggested: false,
  canCreate: true,
  ...overrides,
});

export const pageContext = (pageId = '1001') => ({
  accountId: 'u-editor',
  moduleKey: 'secure-share-byline',
  extension: { type: 'confluence:contentBylineItem', content: { id: pageId, type: 'page' }, space: { key: 'DEMO', id: '1' } },
});

import type { GlobalConfig, SpaceConfig } from '../../src/core/model';
import type { SpaceConfigResult } from '../../src/shared/contract';

export const spaceConfig = (overrides: Partial<SpaceConfig> = {}): SpaceConfig => ({
  spaceKey: 'DEMO',
  sharingEnabled: true,
  applyOnSpaceLinks: false,
  comments: 'view',
  attachments: 'view',
  childPages: true,
  restrictedChildPages: false,
  password: 'optional',
  expiry: { kind: 'optional' },
  enforceSso: false,
  selectedUsers: [],
  version: 2,
  updatedAt: 0,
  updatedBy: null,
  ...overrides,
});

export const globalConfig = (overrides: Partial<GlobalConfig> = {}): GlobalConfig => ({
  sharingEnabled: true,
  applyOnAllLinks: false,
  comments: 'view_add',
  attachments: 'view_add',
  childPages: true,
  restrictedChildPages: true,
  password: 'optional',
  expiry: { kind: 'optional' },
  enforceSso: false,
  selectedUsers: [],
  version: 1,
  updatedAt: 0,
  updatedBy: null,
  ...overrides,
});

export const spaceConfigResult = (overrides: { config?: Partial<SpaceConfig>; global?: Partial<GlobalConfig> } = {}): SpaceConfigResult => {
  const g = globalConfig(overrides.global);
  const { version: _v, updatedAt: _u, updatedBy: _b, ...globalPolicy } = g;
  return {
    space: { key: 'DEMO', name: 'Demo space' },
    config: spaceConfig(overrides.config),
    global: globalPolicy,
    effective: openPolicy(),
    selectedUsers: { global: g.selectedUsers, space: [], effective: g.selectedUsers, mode: g.selectedUsers.length ? 'global' : 'none' },
  };
};

export const spaceContext = (spaceKey = 'DEMO') => ({
  accountId: 'u-space-admin',
  moduleKey: 'secure-share-space-settings',
  extension: { type: 'confluence:spaceSettings', space: { key: spaceKey, id: '1' } },
});

export const globalContext = () => ({
  accountId: 'u-site-admin',
  moduleKey: 'secure-share-global-settings',
  extension: { type: 'confluence:globalSettings' },
});
