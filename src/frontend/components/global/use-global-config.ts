import type { GlobalConfig } from '../../../core/model';
import { policySettingsOf } from '../../../core/policy-settings';
import type { GlobalConfigInput } from '../../../shared/contract';
import { api } from '../../api';
import { useResource } from '../use-resource';

export const globalInput = (config: GlobalConfig): GlobalConfigInput => ({
  sharingEnabled: config.sharingEnabled,
  applyOnAllLinks: config.applyOnAllLinks,
  ...policySettingsOf(config),
});

export const useGlobalConfig = () => useResource(() => api.getGlobalConfig(), []);
