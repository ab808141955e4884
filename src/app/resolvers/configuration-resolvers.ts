/**
 * Named configurations, impact previews and the classification rule (issue 13). Rights are re-checked by
 * every use case (named-configs.ts, policy-impact.ts); the caller comes only from the resolver context.
 */
import { getSpaceConfig } from '../configs';
import {
  assignConfiguration,
  deleteConfiguration,
  getClassificationSettings,
  getConfigurations,
  saveConfiguration,
  setClassificationRule,
  setNewSpacesConfiguration,
  useAssignedConfiguration,
} from '../named-configs';
import { previewPolicyImpact } from '../policy-impact';
import { defineResolver, type ResolverHandler } from './define';
import {
  assignConfigurationPayload,
  deleteConfigurationPayload,
  noPayload,
  previewPolicyImpactPayload,
  saveConfigurationPayload,
  setClassificationRulePayload,
  setNewSpacesConfigurationPayload,
  useAssignedConfigurationPayload,
} from './configuration-schemas';

type Key =
  | 'getConfigurations'
  | 'saveConfiguration'
  | 'deleteConfiguration'
  | 'assignConfiguration'
  | 'setNewSpacesConfiguration'
  | 'useAssignedConfiguration'
  | 'previewPolicyImpact'
  | 'getClassificationSettings'
  | 'setClassificationRule';

/** Registered in resolvers/index.ts. */
export const configurationResolvers: Record<Key, ResolverHandler> = {
  getConfigurations: defineResolver(noPayload, (deps, caller) => getConfigurations(deps, caller)),
  saveConfiguration: defineResolver(saveConfigurationPayload, (deps, caller, p) => saveConfiguration(deps, caller, p)),
  deleteConfiguration: defineResolver(deleteConfigurationPayload, (deps, caller, p) => deleteConfiguration(deps, caller, p)),
  assignConfiguration: defineResolver(assignConfigurationPayload, (deps, caller, p) => assignConfiguration(deps, caller, p)),
  setNewSpacesConfiguration: defineResolver(setNewSpacesConfigurationPayload, (deps, caller, p) => setNewSpacesConfiguration(deps, caller, p)),
  useAssignedConfiguration: defineResolver(useAssignedConfigurationPayload, async (deps, caller, p) => {
    await useAssignedConfiguration(deps, caller, p);
    return getSpaceConfig(deps, caller, p.spaceKey);
  }),
  previewPolicyImpact: defineResolver(previewPolicyImpactPayload, (deps, caller, p) => previewPolicyImpact(deps, caller, p)),
  getClassificationSettings: defineResolver(noPayload, (deps, caller) => getClassificationSettings(deps, caller)),
  setClassificationRule: defineResolver(setClassificationRulePayload, (deps, caller, p) => setClassificationRule(deps, caller, p)),
};
