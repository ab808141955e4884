/**
 * Payload schemas of named configurations, impact previews and the classification rule (issue 13), in
 * zod/mini. Strict objects, bounded strings and lists, as every resolver payload.
 */
import * as z from 'zod/mini';
import { emptyPayload, globalConfigInputSchema, policySettingsShape, spaceConfigInputSchema, spaceKeySchema, versionSchema } from './schemas';

const CONFIG_ID = /^(default|cfg-[0-9a-f]{12})$/;

const configId = z.string().check(z.regex(CONFIG_ID, 'configId must be a configuration id'));
const spaceKey = spaceKeySchema;
const version = versionSchema;
const spaceKeys = z.array(spaceKey).check(z.minLength(1, 'Choose at least one space'), z.maxLength(50, 'Assign at most 50 spaces at once'));

const namedConfig = z.strictObject({
  ...policySettingsShape,
  name: z.string().check(z.trim(), z.minLength(1, 'Give the configuration a name'), z.maxLength(80, 'The name is at most 80 characters')),
  description: z.string().check(z.trim(), z.maxLength(500, 'The description is at most 500 characters')),
  sharingEnabled: z.boolean(),
  applyOnSpaceLinks: z.boolean(),
});

export const noPayload = emptyPayload;

export const saveConfigurationPayload = z.strictObject({ version, id: z.optional(configId), config: namedConfig });
export const deleteConfigurationPayload = z.strictObject({ version, id: configId });
export const assignConfigurationPayload = z.strictObject({
  configId: z.nullable(configId),
  spaceKeys,
});
export const setNewSpacesConfigurationPayload = z.strictObject({ version, configId });
export const useAssignedConfigurationPayload = z.strictObject({ spaceKey, version });
export const previewPolicyImpactPayload = z.discriminatedUnion('level', [
  z.strictObject({ level: z.literal('global'), config: globalConfigInputSchema }),
  z.strictObject({ level: z.literal('configuration'), configId, config: namedConfig }),
  z.strictObject({ level: z.literal('space'), spaceKey, config: spaceConfigInputSchema }),
  z.strictObject({
    level: z.literal('assignment'),
    configId: z.nullable(configId),
    spaceKeys,
  }),
  z.strictObject({ level: z.literal('newSpaces'), configId }),
]);
export const setClassificationRulePayload = z.strictObject({
  version,
  levelId: z.nullable(z.string().check(z.minLength(1), z.maxLength(200))),
});
