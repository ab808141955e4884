import { z } from 'zod';
import { isClientIpHeaderName, MAX_CLIENT_IP_HEADER_LENGTH } from '../../core/client-ip-header';

/**
 * zod schemas for every resolver payload. Objects are strict (unknown keys are refused, which also
 * refuses `__proto__` smuggling) and every string and list is bounded.
 */

const MAX_TIMESTAMP = 8.64e15;

const accessLevel = z.enum(['none', 'view', 'view_add']);
export const pageIdSchema = z
  .string()
  .trim()
  .regex(/^[0-9]{1,30}$/, 'pageId must be a Confluence page id (digits only)');
export const linkIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22}$/, 'linkId must be a 22-character link id');
export const spaceKeySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_~-]{1,255}$/, 'spaceKey must be a Confluence space key');
const versionSchema = z.number().int('version must be an integer').min(0).max(Number.MAX_SAFE_INTEGER);
const label = z.string().trim().min(1, 'A label cannot be empty').max(255, 'A label is at most 255 characters');

/** An instant: epoch ms, or ISO-8601 with an explicit offset (a bare local time would shift with the server's zone). */
export const instantSchema = z.union(
  [
    z.number().int().min(0).max(MAX_TIMESTAMP),
    z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
  ],
  { error: 'Expiry must be epoch milliseconds or an ISO-8601 instant with a timezone (Z or +hh:mm), e.g. 2026-12-31T17:00:00Z' },
);

export const linkSettingsInputSchema = z.strictObject({
  name: z.string().trim().max(200, 'The name is at most 200 characters').optional(),
  description: z.string().trim().max(2000, 'The description is at most 2000 characters').optional(),
  comments: accessLevel.optional(),
  attachments: accessLevel.optional(),
  includeChildren: z.boolean().optional(),
  withLabels: z.array(label).max(50, 'At most 50 labels').optional(),
  withoutLabels: z.array(label).max(50, 'At most 50 labels').optional(),
  shareRestrictedChildren: z.boolean().optional(),
  showCreator: z.boolean().optional(),
  allowSubscribe: z.boolean().optional(),
  expiresAt: instantSchema.nullable().optional(),
  allowedIps: z.array(z.string().max(100)).max(200, 'At most 200 IP entries').optional(),
  selectedUsers: z.array(z.string().max(320)).max(500, 'At most 500 selected users').optional(),
  requireSso: z.boolean().optional(),
});
export type ParsedLinkSettingsInput = z.infer<typeof linkSettingsInputSchema>;

// bcrypt reads at most 72 bytes; the byte limit itself is checked by the use case with a clear message.
const passwordSchema = z.string().min(1, 'The password cannot be empty').max(1000, 'The password is too long');

export const passwordChangeSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('keep') }),
  z.strictObject({ action: z.literal('set'), password: passwordSchema }),
  z.strictObject({ action: z.literal('clear') }),
]);

const expiryRule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('optional') }),
  z.strictObject({ kind: z.literal('mandatory') }),
  z.strictObject({
    kind: z.literal('custom'),
    maxDays: z
      .number('Enter the maximum lifetime as a number of days')
      .int('Enter the maximum lifetime as a whole number of days')
      .min(1, 'The maximum lifetime is at least 1 day')
      .max(3650, 'The maximum lifetime is at most 3,650 days (10 years)'),
  }),
]);

const policySettingsShape = {
  comments: accessLevel,
  attachments: accessLevel,
  childPages: z.boolean(),
  // Optional for callers from before the setting existed: off, the safe default.
  childPagesOnByDefault: z.boolean().default(false),
  restrictedChildPages: z.boolean(),
  restrictedChildPagesOnByDefault: z.boolean().default(false),
  password: z.enum(['optional', 'mandatory']),
  expiry: expiryRule,
  enforceSso: z.boolean(),
  selectedUsers: z.array(z.string().max(320)).max(500, 'At most 500 selected users'),
};

export const globalConfigInputSchema = z.strictObject({
  ...policySettingsShape,
  sharingEnabled: z.boolean(),
  applyOnAllLinks: z.boolean(),
});

export const spaceConfigInputSchema = z.strictObject({
  ...policySettingsShape,
  sharingEnabled: z.boolean(),
  applyOnSpaceLinks: z.boolean(),
});

const shortText = (max: number) => z.string().max(max, `At most ${max} characters`);
const secretInput = z.string().min(1, 'A secret cannot be empty').max(4096).nullable().optional();

export const siteSettingsInputSchema = z.strictObject({
  customization: z.strictObject({
    showHeading: z.boolean(),
    heading: shortText(200),
    logoUrl: z.string().max(400_000, 'The logo is too large (at most ~300 KB)').nullable(),
    faviconUrl: z.string().max(100_000, 'The favicon is too large (at most ~75 KB)').nullable(),
    showFooter: z.boolean(),
    footerText: shortText(1000),
  }),
  customDomain: z.string().trim().max(300).nullable(),
  clientIpHeader: z
    .string()
    .trim()
    .toLowerCase()
    .refine(isClientIpHeaderName, {
      message: `clientIpHeader must be an HTTP header name like x-forwarded-for (letters, digits and '-', at most ${MAX_CLIENT_IP_HEADER_LENGTH} characters)`,
    }),
  sso: z
    .strictObject({
      issuer: z.string().trim().max(500),
      clientId: z.string().trim().min(1, 'The SSO client id is required').max(500),
      scopes: z.string().trim().max(500),
    })
    .nullable(),
  email: z.strictObject({
    provider: z.enum(['none', 'sendgrid', 'mailgun', 'postmark', 'ses', 'resend', 'graph', 'gmail', 'webhook', 'outbox']),
    fromAddress: z.string().trim().max(320),
    fromName: shortText(200),
    options: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,50}$/, 'Option names are letters, digits, _ . -'), shortText(2000)),
  }),
  notifications: z.strictObject({
    openedAlert: z.boolean(),
    expiryReminderDays: z.number().int().min(0).max(90),
  }),
  auditRetentionDays: z.number().int().min(1).max(3650),
});

const limitSchema = z.number().int().min(1).max(100).optional();
const cursorSchema = z.string().max(2000).optional();

const linkListFilterShape = {
  cursor: cursorSchema,
  limit: limitSchema,
  status: z.enum(['active', 'disabled']).optional(),
  nonCompliant: z.boolean().optional(),
  search: z.string().trim().max(200).optional(),
  createdBy: z.string().trim().min(1).max(128).optional(),
  expiresFrom: z.number().int().min(0).optional(),
  expiresUntil: z.number().int().min(0).optional(),
};

const auditFilterShape = {
  linkId: linkIdSchema.optional(),
  spaceKey: spaceKeySchema.optional(),
  action: z.string().max(50).optional(),
  since: z.number().int().min(0).optional(),
  until: z.number().int().min(0).optional(),
};

const empty = z.strictObject({}).optional().transform(() => ({}));

const notifySchema = z.strictObject({
  message: z.string().max(2000, 'The message is at most 2,000 characters').optional(),
});

/** What a link shares: a page (default) or the whole space from its home page. */
const scopeSchema = z.enum(['page', 'space'], { error: "scope must be 'page' or 'space'" });

export const payloadSchemas = {
  getPageSharing: z.strictObject({ pageId: pageIdSchema }),
  createLink: z.strictObject({
    pageId: pageIdSchema,
    scope: scopeSchema.optional(),
    settings: linkSettingsInputSchema.default({}),
    password: passwordSchema.optional(),
    notifyNewUsers: notifySchema.optional(),
  }),
  updateLink: z.strictObject({
    linkId: linkIdSchema,
    version: versionSchema,
    settings: linkSettingsInputSchema.default({}),
    password: passwordChangeSchema.default({ action: 'keep' }),
    notifyNewUsers: notifySchema.optional(),
  }),
  setLinkStatus: z.strictObject({
    linkId: linkIdSchema,
    status: z.enum(['active', 'disabled']),
    version: versionSchema.optional(),
  }),
  rotateLink: z.strictObject({ linkId: linkIdSchema, version: versionSchema.optional() }),
  deleteLink: z.strictObject({ linkId: linkIdSchema }),
  getLinkUrl: z.strictObject({ linkId: linkIdSchema }),
  previewLink: z.strictObject({
    pageId: pageIdSchema,
    linkId: linkIdSchema.optional(),
    scope: scopeSchema.optional(),
    includeChildren: z.boolean(),
    shareRestrictedChildren: z.boolean(),
    withLabels: z.array(label).max(50, 'At most 50 labels'),
    withoutLabels: z.array(label).max(50, 'At most 50 labels'),
  }),
  emailLink: z.strictObject({
    linkId: linkIdSchema,
    url: z.string().trim().min(1, 'url is required').max(2000).optional(),
    recipients: z
      .array(z.string().trim().max(320))
      .min(1, 'Add at least one recipient')
      .max(20, 'At most 20 recipients per email'),
    message: z.string().max(2000, 'The message is at most 2000 characters').optional(),
  }),
  getSpaceConfig: z.strictObject({ spaceKey: spaceKeySchema }),
  setSpaceConfig: z.strictObject({ spaceKey: spaceKeySchema, version: versionSchema, config: spaceConfigInputSchema }),
  listSpaceLinks: z.strictObject({ ...linkListFilterShape, spaceKey: spaceKeySchema }),
  getGlobalConfig: empty,
  setGlobalConfig: z.strictObject({ version: versionSchema, config: globalConfigInputSchema }),
  getSiteSettings: empty,
  setSiteSettings: z.strictObject({
    version: versionSchema,
    settings: siteSettingsInputSchema,
    ssoClientSecret: secretInput,
    emailApiKey: secretInput,
  }),
  listAllLinks: z.strictObject({ ...linkListFilterShape, spaceKey: spaceKeySchema.optional() }),
  revokeLinks: z.strictObject({
    linkIds: z.array(linkIdSchema).min(1, 'Select at least one link').max(100, 'At most 100 links at once'),
  }),
  resetApp: z.strictObject({
    mode: z.enum(['links', 'full']),
    confirmation: z.string().max(100),
  }),
  getAuditLog: z.strictObject({ ...auditFilterShape, cursor: cursorSchema, limit: limitSchema }),
  startAuditExport: z.strictObject(auditFilterShape),
  getAuditExport: z.strictObject({ exportId: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'Not an export id') }),
  listAuditExports: empty,
} as const;
