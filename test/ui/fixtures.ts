import type { LinkSettings, LinkView } from '../../src/core/model';
import type { EffectivePolicyView, PageSharingResult, ResolverResult } from '../../src/shared/contract';

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

export const linkView = (overrides: Partial<LinkView> = {}): LinkView => ({
  ...linkSettings({ name: 'Partner review' }),
  id: 'L1aaaaaaaaaaaaaaaaaaaa',
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
  effectiveStatus: 'active',
  violations: [],
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
