import type { GlobalConfig } from '../../../core/model';
import type { GlobalConfigInput } from '../../../shared/contract';
import { api } from '../../api';
import { useResource } from '../use-resource';

export const globalInput = (config: GlobalConfig): GlobalConfigInput => ({
  sharingEnabled: config.sharingEnabled,
  applyOnAllLinks: config.applyOnAllLinks,
  comments: config.comments,
  attachments: config.attachments,
  childPages: config.childPages,
  restrictedChildPages: config.restrictedChildPages,
  password: config.password,
  expiry: config.expiry,
  enforceSso: config.enforceSso,
  selectedUsers: config.selectedUsers,
});

export const useGlobalConfig = () => useResource(() => api.getGlobalConfig(), []);
