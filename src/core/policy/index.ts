export {
  DAY_MS,
  effectivePolicy,
  exceedsAccess,
  levelName,
  minAccess,
  newLinkSettings,
  type EffectivePolicy,
  type LinkFormDefaults,
  type PolicyLevel,
  type PolicyRule,
} from './effective-policy';
export {
  MAX_DESCRIPTION_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_LABELS,
  MAX_NAME_LENGTH,
  assertLinkValid,
  assertSharingEnabled,
  narrowLinkSelectedUsers,
  validateLink,
  type LinkForValidation,
  type ValidationContext,
  type ValidationMode,
  type Violation,
  type ViolationField,
} from './validate-link';
export {
  decideView,
  isExpired,
  type DenyReason,
  type ViewDecision,
  type ViewGate,
  type ViewInput,
  type ViewPermissions,
  type ViewSession,
} from './decide-view';
export { linkEffectiveStatus, type LinkEffectiveStatus, type LinkForStatus } from './link-status';
export {
  DEFAULT_CONFIG_ID,
  describeSpaceLevel,
  emptyPolicyRegistry,
  hasOwnSettings,
  resolveSpaceLevel,
  type ClassificationRule,
  type NamedConfig,
  type PolicyRegistry,
  type SpaceLevel,
  type SpaceLevelSource,
} from './space-level';
export { classificationBlocks, classificationMessage, type PageClassification } from './classification';
export { linkImpact, type LinkImpact } from './policy-impact';
