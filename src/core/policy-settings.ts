import type { PolicySettings } from './model';

/** The policy part of a global or space configuration: without its switches, version and audit fields. */
export const policySettingsOf = (config: PolicySettings): PolicySettings => ({
  comments: config.comments,
  attachments: config.attachments,
  childPages: config.childPages,
  childPagesOnByDefault: config.childPagesOnByDefault === true,
  restrictedChildPages: config.restrictedChildPages,
  restrictedChildPagesOnByDefault: config.restrictedChildPagesOnByDefault === true,
  password: config.password,
  expiry: config.expiry,
  enforceSso: config.enforceSso,
  selectedUsers: config.selectedUsers,
});
