/**
 * What the local host page knows about itself, read from the URL: which surface, which acting user,
 * which page/space. Mirrors the `extension` object Confluence gives each module.
 */
export type Surface = 'share' | 'space' | 'global';

export interface HostParams {
  surface: Surface;
  accountId: string;
  pageId: string;
  spaceKey: string;
}

/** `?theme=light|dark`; anything else follows the system, as Confluence's "match browser" setting. */
export type ColorMode = 'light' | 'dark' | 'auto';

export const colorModeFrom = (query: URLSearchParams): ColorMode => {
  const value = query.get('theme');
  return value === 'light' || value === 'dark' ? value : 'auto';
};

export const SURFACE_ALIASES: Record<string, Surface> = {
  share: 'share',
  'content-action': 'share',
  byline: 'share',
  space: 'space',
  'space-settings': 'space',
  global: 'global',
  'global-settings': 'global',
};

export const DEFAULT_ACCOUNT: Record<Surface, string> = { share: 'u-editor', space: 'u-space-admin', global: 'u-site-admin' };

export const hostParamsFrom = (surface: Surface, query: URLSearchParams): HostParams => ({
  surface,
  accountId: query.get('as') || DEFAULT_ACCOUNT[surface],
  pageId: query.get('page') || query.get('pageId') || '1001',
  spaceKey: query.get('space') || query.get('spaceKey') || 'DEMO',
});

const MODULE: Record<Surface, { key: string; type: string }> = {
  share: { key: 'secure-share-content-action', type: 'confluence:contentAction' },
  space: { key: 'secure-share-space-settings', type: 'confluence:spaceSettings' },
  global: { key: 'secure-share-global-settings', type: 'confluence:globalSettings' },
};

export const extensionFor = (params: HostParams): Record<string, unknown> => {
  switch (params.surface) {
    case 'share':
      return { type: MODULE.share.type, content: { id: params.pageId, type: 'page' }, space: { key: params.spaceKey }, location: '' };
    case 'space':
      return { type: MODULE.space.type, space: { key: params.spaceKey }, location: '' };
    case 'global':
      return { type: MODULE.global.type, location: '' };
  }
};

/** The FullContext `view.getContext()` resolves to in the real product, trimmed to what local mode knows. */
export const productContextFor = (params: HostParams, siteUrl: string): Record<string, unknown> => ({
  accountId: params.accountId,
  cloudId: 'local',
  localId: `local-${params.surface}`,
  moduleKey: MODULE[params.surface].key,
  environmentId: 'local',
  environmentType: 'DEVELOPMENT',
  siteUrl,
  locale: 'en-US',
  timezone: 'UTC',
  extension: extensionFor(params),
});
