import type { SiteSettings } from '../../../core/model';
import type { SiteSettingsInput } from '../../../shared/contract';
import { api } from '../../api';
import { useResource } from '../use-resource';

export const siteInput = (settings: SiteSettings): SiteSettingsInput => {
  const { version: _version, updatedAt: _updatedAt, sso, ...rest } = settings;
  return { ...rest, sso: sso ? { issuer: sso.issuer, clientId: sso.clientId, scopes: sso.scopes } : null };
};

export const useSiteSettings = () => useResource(() => api.getSiteSettings(), []);
