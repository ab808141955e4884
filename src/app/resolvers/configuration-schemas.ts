/**
 * Payload schemas of named configurations, impact previews and the classification rule (issue 13), in
 * zod/mini. Strict objects, bounded strings and lists, as every resolver payload.
 */
import * as z from 'zod/mini';

const SPACE_KEY = /^[A-Za-z0-9_~-]{1,255}$/;
const CONFIG_ID = /^(default|cfg-[0-9a-f]{12})$/;

const spaceKey = z.string().check(z.trim(), z.regex(SPACE_KEY, 'spaceKey must be a Confluence space key'));
const configId = z.string().check(z.regex(CONFIG_ID, 'configId must be a configuration id'));
const version = z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));
const accessLevel = z.enum(['none', 'view', 'view_add']);

const expiryRule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('optional') }),
  z.strictObject({ kind: z.literal('mandatory') }),
  z.strictObject({
    kind: z.literal('custom'),
    maxDays: z.int('Enter the maximum lifetime as a whole number of days').check(
      z.minimum(1, 'The maximum lifetime is at least 1 day'),
      z.maximum(3650, 'The maximum lifetime is at most 3,650 days (10 years)'),
    ),
  }),
]);

const policySettings = {
  comments: accessLevel,
  attachments: accessLevel,
  childPages: z.boolean(),
  childPagesOnByDefault: z._default(z.boolean(), false),
  restrictedChildPages: z.boolean(),
  restrictedChildPagesOnByDefault: z._default(z.boolean(), false),
  password: z.enum(['optional', 'mandatory']),
  expiry: expiryRule,
  enforceSso: z.boolean(),
  selectedUsers: z.array(z.string().check(z.maxLength(320))).check(z.maxLength(500, 'At most 500 selected users')),
};

const namedConfig = z.strictObject({
  ...policySettings,
  name: z.string().check(z.trim(), z.minLength(1, 'Give the configuration a name'), z.maxLength(80, 'The name is at most 80 characters')),
  description: z.string().check(z.trim(), z.maxLength(500, 'The description is at most 500 characters')),
  sharingEnabled: z.boolean(),
  applyOnSpaceLinks: z.boolean(),
});

export const noPayload = z.pipe(
  z.optional(z.strictObject({})),
  z.transform(() => ({})),
);

export const saveConfigurationPayload = z.strictObject({ version, id: z.optional(configId), config: namedConfig });
export const deleteConfigurationPayload = z.strictObject({ version, id: configId });
export const assignConfigurationPayload = z.strictObject({
  configId: z.nullable(configId),
  spaceKeys: z.array(spaceKey).check(z.minLength(1, 'Choose at least one space'), z.maxLength(50, 'Assign at most 50 spaces at once')),
});
export const setNewSpacesConfigurationPayload = z.strictObject({ version, configId });
export const useAssignedConfigurationPayload = z.strictObject({ spaceKey, version });
export const previewPolicyImpactPayload = z.discriminatedUnion('level', [
  z.strictObject({ level: z.literal('global'), config: z.strictObject({ ...policySettings, sharingEnabled: z.boolean(), applyOnAllLinks: z.boolean() }) }),
  z.strictObject({ level: z.literal('configuration'), configId, config: namedConfig }),
  z.strictObject({ level: z.literal('space'), spaceKey, config: z.strictObject({ ...policySettings, sharingEnabled: z.boolean(), applyOnSpaceLinks: z.boolean() }) }),
  z.strictObject({
    level: z.literal('assignment'),
    configId: z.nullable(configId),
    spaceKeys: z.array(spaceKey).check(z.minLength(1, 'Choose at least one space'), z.maxLength(50, 'Assign at most 50 spaces at once')),
  }),
  z.strictObject({ level: z.literal('newSpaces'), configId }),
]);
export const setClassificationRulePayload = z.strictObject({
  version,
  levelId: z.nullable(z.string().check(z.minLength(1), z.maxLength(200))),
});
