import type { PolicySettings } from './model';

/** The policy part of a global or space configuration: without its switches, version and audit fields. */
export const policySettingsOf = (config: PolicySettings): PolicySettings => ({
  comments: config.comments,
  attachments: config.attachments,
  childPages: config.childPages,
  restrictedChildPages: config.restrictedChildPages,
  password: config.password,
  expiry: config.expiry,
  enforceSso: config.enforceSso,
  selectedUsers: config.selectedUsers,
});
