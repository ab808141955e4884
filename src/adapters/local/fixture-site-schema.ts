import { z } from 'zod';

/**
 * Shape of a fixture Confluence site (SECURE_SHARE_SITE=<file.json>): the local stand-in for the REST API.
 * Validated on load so a broken fixture fails with a clear message naming the bad field.
 */
export const fixtureUserSchema = z.object({
  accountId: z.string().min(1),
  displayName: z.string().min(1),
  email: z.string().email().nullable().default(null),
  siteAdmin: z.boolean().default(false),
});

export const fixtureSpaceSchema = z.object({
  id: z.string().min(1),
  key: z.string().regex(/^[A-Za-z0-9_~-]+$/),
  name: z.string().min(1),
  /** accountIds of space admins. */
  admins: z.array(z.string()).default([]),
  /** accountIds that may edit pages in the space (admins always can). */
  editors: z.array(z.string()).default([]),
  /** accountIds that may view the space (editors and admins always can). Empty = every site user. */
  viewers: z.array(z.string()).default([]),
});

export const fixtureCommentSchema = z.object({
  id: z.string().min(1),
  /** Transitional: the emulator's fixtures name the author by accountId (authorId) instead. */
  authorName: z.string().min(1).default('Confluence user'),
  createdAt: z.string().datetime(),
  body: z.string(),
});

export const fixtureAttachmentSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  mediaType: z.string().min(1),
  createdAt: z.string().datetime(),
  /** Inline text content, or base64 with `encoding: 'base64'`. */
  content: z.string(),
  encoding: z.enum(['utf8', 'base64']).default('utf8'),
});

export const fixturePageSchema = z.object({
  id: z.string().regex(/^[0-9]+$/),
  spaceKey: z.string().min(1),
  parentId: z.string().nullable().default(null),
  title: z.string().min(1),
  status: z.enum(['current', 'trashed', 'deleted', 'archived', 'draft']).default('current'),
  authorId: z.string().min(1),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  version: z.number().int().positive().default(1),
  /** Rendered (export_view-like) HTML body. */
  body: z.string().default(''),
  labels: z.array(z.string()).default([]),
  /** When non-empty, only these accountIds (plus nobody else) may view the page; inherits down. */
  viewRestrictedTo: z.array(z.string()).default([]),
  /** When non-empty, only these accountIds may edit (does not inherit). */
  editRestrictedTo: z.array(z.string()).default([]),
  comments: z.array(fixtureCommentSchema).default([]),
  attachments: z.array(fixtureAttachmentSchema).default([]),
});

export const fixtureSiteSchema = z.object({
  name: z.string().default('Demo site'),
  users: z.array(fixtureUserSchema),
  spaces: z.array(fixtureSpaceSchema),
  pages: z.array(fixturePageSchema),
});

export type FixtureSite = z.infer<typeof fixtureSiteSchema>;
export type FixturePage = z.infer<typeof fixturePageSchema>;
export type FixtureUser = z.infer<typeof fixtureUserSchema>;
export type FixtureSpace = z.infer<typeof fixtureSpaceSchema>;
