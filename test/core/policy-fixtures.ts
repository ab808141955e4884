import { defaultGlobalConfig, defaultLinkSettings, defaultSpaceConfig } from '../../src/core/defaults';
import type { GlobalConfig, LinkSettings, ShareLink, SpaceConfig } from '../../src/core/model';

export const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
export const DAY = 24 * 60 * 60 * 1000;

export const globalConfig = (overrides: Partial<GlobalConfig> = {}): GlobalConfig => ({
  ...defaultGlobalConfig(NOW),
  version: 1,
  ...overrides,
});

export const spaceConfig = (overrides: Partial<SpaceConfig> = {}): SpaceConfig => ({
  ...defaultSpaceConfig('DEV', NOW),
  version: 1,
  ...overrides,
});

/** Global enforcing the given settings ("Apply on all links" ON). */
export const enforcedGlobal = (overrides: Partial<GlobalConfig> = {}): GlobalConfig =>
  globalConfig({ applyOnAllLinks: true, comments: 'view_add', attachments: 'view_add', restrictedChildPages: true, ...overrides });

/** Space enforcing the given settings ("Apply on space links" ON). */
export const enforcedSpace = (overrides: Partial<SpaceConfig> = {}): SpaceConfig =>
  spaceConfig({ applyOnSpaceLinks: true, comments: 'view_add', attachments: 'view_add', restrictedChildPages: true, ...overrides });

/** Overrides that may come from `as const` tables (readonly arrays); arrays are copied. */
export type Patch<T> = { readonly [K in keyof T]?: T[K] extends string[] ? readonly string[] : T[K] };

const copyArrays = <T extends object>(patch: Patch<T>): Partial<T> =>
  Object.fromEntries(Object.entries(patch).map(([key, value]) => [key, Array.isArray(value) ? [...value] : value])) as Partial<T>;

export const linkSettings = (overrides: Patch<LinkSettings> = {}): LinkSettings => ({
  ...defaultLinkSettings(),
  name: 'Partner review',
  ...copyArrays(overrides),
});

export const shareLink = (overrides: Patch<ShareLink> = {}): ShareLink => ({
  ...linkSettings(),
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  tokenHash: 'f'.repeat(64),
  pageId: '1001',
  spaceKey: 'DEV',
  pageTitle: 'Roadmap',
  createdBy: 'acc-1',
  createdAt: NOW - DAY,
  updatedAt: NOW - DAY,
  version: 1,
  epoch: 1,
  status: 'active',
  passwordHash: null,
  pageState: 'current',
  ...copyArrays(overrides),
});
