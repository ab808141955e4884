import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { isClientIpHeaderName, MAX_CLIENT_IP_HEADER_LENGTH } from '../../core/client-ip-header';

/**
 * zod schemas for every resolver payload. Objects are strict (unknown keys are refused, which also
 * refuses `__proto__` smuggling) and every string and list is bounded.
 *
 * zod/mini, not classic zod (review rubric CST-04): the resolver bundle stays small. zod/mini carries no
 * messages of its own, so the English ones are set here (those the forms show for a rule without a message).
 */
z.config(en());

const MAX_TIMESTAMP = 8.64e15;

const accessLevel = z.enum(['none', 'view', 'view_add']);
export const pageIdSchema = z.string().check(z.trim(), z.regex(/^[0-9]{1,30}$/, 'pageId must be a Confluence page id (digits only)'));
export const linkIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/, 'linkId must be a 22-character link id'));
export const spaceKeySchema = z.string().check(z.trim(), z.regex(/^[A-Za-z0-9_~-]{1,255}$/, 'spaceKey must be a Confluence space key'));
export const versionSchema = z.number().check(z.int('version must be an integer'), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER));
const label = z.string().check(z.trim(), z.minLength(1, 'A label cannot be empty'), z.maxLength(255, 'A label is at most 255 characters'));
const labels = z.array(label).check(z.maxLength(50, 'At most 50 labels'));

/** An instant: epoch ms, or ISO-8601 with an explicit offset (a bare local time would shift with the server's zone). */
export const instantSchema = z.union(
  [
    z.number().check(z.int(), z.gte(0), z.lte(MAX_TIMESTAMP)),
    z.pipe(
      z.iso.datetime({ offset: true }),
      z.transform((text: string) => Date.parse(text)),
    ),
  ],
  { error: 'Expiry must be epoch milliseconds or an ISO-8601 instant with a timezone (Z or +hh:mm), e.g. 2026-12-31T17:00:00Z' },
);

export const linkSettingsInputSchema = z.strictObject({
  name: z.optional(z.string().check(z.trim(), z.maxLength(200, 'The name is at most 200 characters'))),
  description: z.optional(z.string().check(z.trim(), z.maxLength(2000, 'The description is at most 2000 characters'))),
  comments: z.optional(accessLevel),
  attachments: z.optional(accessLevel),
  includeChildren: z.optional(z.boolean()),
  withLabels: z.optional(labels),
  withoutLabels: z.optional(labels),
  shareRestrictedChildren: z.optional(z.boolean()),
  showCreator: z.optional(z.boolean()),
  allowSubscribe: z.optional(z.boolean()),
  expiresAt: z.optional(z.nullable(instantSchema)),
  allowedIps: z.optional(z.array(z.string().check(z.maxLength(100))).check(z.maxLength(200, 'At most 200 IP entries'))),
  selectedUsers: z.optional(z.array(z.string().check(z.maxLength(320))).check(z.maxLength(500, 'At most 500 selected users'))),
  requireSso: z.optional(z.boolean()),
});
export type ParsedLinkSettingsInput = z.infer<typeof linkSettingsInputSchema>;

// bcrypt reads at most 72 bytes; the byte limit itself is checked by the use case with a clear message.
const passwordSchema = z.string().check(z.minLength(1, 'The password cannot be empty'), z.maxLength(1000, 'The password is too long'));

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
      .check(
        z.int('Enter the maximum lifetime as a whole number of days'),
        z.gte(1, 'The maximum lifetime is at least 1 day'),
        z.lte(3650, 'The maximum lifetime is at most 3,650 days (10 years)'),
      ),
  }),
]);

/** The policy fields every configuration holds (global, space, named). */
export const policySettingsShape = {
  comments: accessLevel,
  attachments: accessLevel,
  childPages: z.boolean(),
  // Optional for callers from before the setting existed: off, the safe default.
  childPagesOnByDefault: z._default(z.boolean(), false),
  restrictedChildPages: z.boolean(),
  restrictedChildPagesOnByDefault: z._default(z.boolean(), false),
  password: z.enum(['optional', 'mandatory']),
  expiry: expiryRule,
  enforceSso: z.boolean(),
  selectedUsers: z.array(z.string().check(z.maxLength(320))).check(z.maxLength(500, 'At most 500 selected users')),
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

const shortText = (max: number) => z.string().check(z.maxLength(max, `At most ${max} characters`));
const secretInput = z.optional(z.nullable(z.string().check(z.minLength(1, 'A secret cannot be empty'), z.maxLength(4096))));

export const siteSettingsInputSchema = z.strictObject({
  customization: z.strictObject({
    showHeading: z.boolean(),
    heading: shortText(200),
    logoUrl: z.nullable(z.string().check(z.maxLength(400_000, 'The logo is too large (at most ~300 KB)'))),
    faviconUrl: z.nullable(z.string().check(z.maxLength(100_000, 'The favicon is too large (at most ~75 KB)'))),
    showFooter: z.boolean(),
    footerText: shortText(1000),
  }),
  customDomain: z.nullable(z.string().check(z.trim(), z.maxLength(300))),
  clientIpHeader: z.string().check(
    z.trim(),
    z.toLowerCase(),
    z.refine(isClientIpHeaderName, {
      message: `clientIpHeader must be an HTTP header name like x-forwarded-for (letters, digits and '-', at most ${MAX_CLIENT_IP_HEADER_LENGTH} characters)`,
    }),
  ),
  sso: z.nullable(
    z.strictObject({
      issuer: z.string().check(z.trim(), z.maxLength(500)),
      clientId: z.string().check(z.trim(), z.minLength(1, 'The SSO client id is required'), z.maxLength(500)),
      scopes: z.string().check(z.trim(), z.maxLength(500)),
    }),
  ),
  email: z.strictObject({
    provider: z.enum(['none', 'sendgrid', 'mailgun', 'postmark', 'ses', 'resend', 'graph', 'gmail', 'webhook', 'outbox']),
    fromAddress: z.string().check(z.trim(), z.maxLength(320)),
    fromName: shortText(200),
    options: z.record(z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,50}$/, 'Option names are letters, digits, _ . -')), shortText(2000)),
  }),
  notifications: z.strictObject({
    openedAlert: z.boolean(),
    expiryReminderDays: z.number().check(z.int(), z.gte(0), z.lte(90)),
  }),
  auditRetentionDays: z.number().check(z.int(), z.gte(1), z.lte(3650)),
});

const limitSchema = z.optional(z.number().check(z.int(), z.gte(1), z.lte(100)));
const cursorSchema = z.optional(z.string().check(z.maxLength(2000)));

const linkListFilterShape = {
  cursor: cursorSchema,
  limit: limitSchema,
  status: z.optional(z.enum(['active', 'disabled'])),
  nonCompliant: z.optional(z.boolean()),
  search: z.optional(z.string().check(z.trim(), z.maxLength(200))),
  createdBy: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(128))),
  expiresFrom: z.optional(z.number().check(z.int(), z.gte(0))),
  expiresUntil: z.optional(z.number().check(z.int(), z.gte(0))),
};

const auditFilterShape = {
  linkId: z.optional(linkIdSchema),
  spaceKey: z.optional(spaceKeySchema),
  action: z.optional(z.string().check(z.maxLength(50))),
  since: z.optional(z.number().check(z.int(), z.gte(0))),
  until: z.optional(z.number().check(z.int(), z.gte(0))),
};

/** No payload (or an empty object): `{}`. */
export const emptyPayload = z.pipe(
  z.optional(z.strictObject({})),
  z.transform(() => ({})),
);

const notifySchema = z.strictObject({
  message: z.optional(z.string().check(z.maxLength(2000, 'The message is at most 2,000 characters'))),
});

/** What a link shares: a page (default) or the whole space from its home page. */
const scopeSchema = z.enum(['page', 'space'], { error: "scope must be 'page' or 'space'" });

export const payloadSchemas = {
  getPageSharing: z.strictObject({ pageId: pageIdSchema }),
  createLink: z.strictObject({
    pageId: pageIdSchema,
    scope: z.optional(scopeSchema),
    settings: z._default(linkSettingsInputSchema, {}),
    password: z.optional(passwordSchema),
    notifyNewUsers: z.optional(notifySchema),
  }),
  updateLink: z.strictObject({
    linkId: linkIdSchema,
    version: versionSchema,
    settings: z._default(linkSettingsInputSchema, {}),
    password: z._default(passwordChangeSchema, { action: 'keep' }),
    notifyNewUsers: z.optional(notifySchema),
  }),
  setLinkStatus: z.strictObject({
    linkId: linkIdSchema,
    status: z.enum(['active', 'disabled']),
    version: z.optional(versionSchema),
  }),
  rotateLink: z.strictObject({ linkId: linkIdSchema, version: z.optional(versionSchema) }),
  deleteLink: z.strictObject({ linkId: linkIdSchema }),
  getLinkUrl: z.strictObject({ linkId: linkIdSchema }),
  previewLink: z.strictObject({
    pageId: pageIdSchema,
    linkId: z.optional(linkIdSchema),
    scope: z.optional(scopeSchema),
    includeChildren: z.boolean(),
    shareRestrictedChildren: z.boolean(),
    withLabels: labels,
    withoutLabels: labels,
  }),
  emailLink: z.strictObject({
    linkId: linkIdSchema,
    url: z.optional(z.string().check(z.trim(), z.minLength(1, 'url is required'), z.maxLength(2000))),
    recipients: z
      .array(z.string().check(z.trim(), z.maxLength(320)))
      .check(z.minLength(1, 'Add at least one recipient'), z.maxLength(20, 'At most 20 recipients per email')),
    message: z.optional(z.string().check(z.maxLength(2000, 'The message is at most 2000 characters'))),
  }),
  getSpaceConfig: z.strictObject({ spaceKey: spaceKeySchema }),
  setSpaceConfig: z.strictObject({ spaceKey: spaceKeySchema, version: versionSchema, config: spaceConfigInputSchema }),
  listSpaceLinks: z.strictObject({ ...linkListFilterShape, spaceKey: spaceKeySchema }),
  getGlobalConfig: emptyPayload,
  setGlobalConfig: z.strictObject({ version: versionSchema, config: globalConfigInputSchema }),
  getSiteSettings: emptyPayload,
  setSiteSettings: z.strictObject({
    version: versionSchema,
    settings: siteSettingsInputSchema,
    ssoClientSecret: secretInput,
    emailApiKey: secretInput,
  }),
  listAllLinks: z.strictObject({ ...linkListFilterShape, spaceKey: z.optional(spaceKeySchema) }),
  revokeLinks: z.strictObject({
    linkIds: z.array(linkIdSchema).check(z.minLength(1, 'Select at least one link'), z.maxLength(100, 'At most 100 links at once')),
  }),
  resetApp: z.strictObject({
    mode: z.enum(['links', 'full']),
    confirmation: z.string().check(z.maxLength(100)),
  }),
  getAuditLog: z.strictObject({ ...auditFilterShape, cursor: cursorSchema, limit: limitSchema }),
  startAuditExport: z.strictObject(auditFilterShape),
  getAuditExport: z.strictObject({ exportId: z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/, 'Not an export id')) }),
  listAuditExports: emptyPayload,
} as const;
