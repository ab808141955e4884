/**
 * Payload schemas of the admins' links console (issue 13), in zod/mini (the resolver bundle is moving
 * off classic zod). Strict objects, bounded strings and lists, as every resolver payload.
 */
import * as z from 'zod/mini';
import { linkIdSchema, spaceKeySchema } from './schemas';

const MAX_TIMESTAMP = 8.64e15;

const linkId = linkIdSchema;
const spaceKey = spaceKeySchema;
const instant = z.int().check(z.minimum(0), z.maximum(MAX_TIMESTAMP));

export const bulkLinksPayload = z.strictObject({
  action: z.enum(['disable', 'enable', 'delete']),
  linkIds: z.array(linkId).check(z.minLength(1, 'Select at least one link'), z.maxLength(100, 'At most 100 links at once')),
  spaceKey: z.optional(spaceKey),
});

export const getLinkForEditPayload = z.strictObject({ linkId });

/** The links list's filter, without paging (an export covers every page). */
export const startLinksExportPayload = z.strictObject({
  spaceKey: z.optional(spaceKey),
  status: z.optional(z.enum(['active', 'disabled'])),
  nonCompliant: z.optional(z.boolean()),
  search: z.optional(z.string().check(z.trim(), z.maxLength(200))),
  createdBy: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(128))),
  expiresFrom: z.optional(instant),
  expiresUntil: z.optional(instant),
});

/** Without a space: the caller's site-wide links exports (Confluence admins); with one, that space's (its admins). */
export const listLinksExportsPayload = z.pipe(
  z.optional(z.strictObject({ spaceKey: z.optional(spaceKey) })),
  z.transform((p) => (p?.spaceKey ? { spaceKey: p.spaceKey } : {})),
);
