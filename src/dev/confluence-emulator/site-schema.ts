/**
 * Shape of a fixture Confluence site (fixtures/demo-site.json, or SECURE_SHARE_SITE=<file.json>): the
 * content the Confluence emulator serves. Validated on load so a broken fixture fails with a clear
 * message naming the bad field.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const numericId = z.string().regex(/^[0-9]{1,18}$/, 'must be a numeric id, as Confluence ids are');

export const fixtureUserSchema = z.object({
  accountId: z.string().regex(/^[A-Za-z0-9:_-]{1,128}$/),
  displayName: z.string().min(1),
  email: z.string().email().nullable().default(null),
  /** Profile visibility: Confluence hides most emails from `GET /user`; `/user/email` (asApp) still returns them. */
  emailVisible: z.boolean().default(false),
  siteAdmin: z.boolean().default(false),
});

export const fixtureSpaceSchema = z.object({
  id: numericId,
  key: z.string().regex(/^[A-Za-z0-9_~-]+$/),
  name: z.string().min(1),
  /** accountIds of space admins. */
  admins: z.array(z.string()).default([]),
  /** accountIds that may edit pages in the space (admins always can). */
  editors: z.array(z.string()).default([]),
  /** accountIds that may view the space (editors and admins always can). Empty = every site user. */
  viewers: z.array(z.string()).default([]),
  /** The space's default data classification level (an id from `classificationLevels`). */
  classificationLevelId: z.string().optional(),
});

export const fixtureCommentSchema = z.object({
  id: numericId,
  /** accountId of the author (a site user). */
  authorId: z.string().min(1),
  createdAt: z.string().datetime(),
  /** Storage-format body. */
  body: z.string(),
  /** Footer comments sit under the page; inline comments are anchored to a text selection. */
  kind: z.enum(['footer', 'inline']).default('footer'),
  /** The comment this one replies to (threads); null for a top-level comment. */
  parentId: numericId.nullable().default(null),
  /** Inline comments: the highlighted text. */
  inlineSelection: z.string().optional(),
  resolutionStatus: z.enum(['open', 'resolved', 'reopened', 'dangling']).default('open'),
});

export const fixtureAttachmentSchema = z.object({
  /** v2 attachment id, e.g. `att2001`. */
  id: z.string().regex(/^att[0-9]{1,18}$/, 'must look like att<digits>, as Confluence attachment ids do'),
  title: z.string().min(1),
  mediaType: z.string().min(1),
  createdAt: z.string().datetime(),
  /** Inline text content, or base64 with `encoding: 'base64'`. */
  content: z.string(),
  encoding: z.enum(['utf8', 'base64']).default('utf8'),
  comment: z.string().default(''),
});

export const fixturePageSchema = z.object({
  id: numericId,
  /** A folder is a content-tree node without a body (Confluence folders). */
  type: z.enum(['page', 'folder']).default('page'),
  spaceKey: z.string().min(1),
  parentId: numericId.nullable().default(null),
  title: z.string().min(1),
  status: z.enum(['current', 'trashed', 'deleted', 'archived', 'draft']).default('current'),
  authorId: z.string().min(1),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  version: z.number().int().positive().default(1),
  /** Rendered (export_view-like) HTML body; also served as the storage representation. */
  body: z.string().default(''),
  labels: z.array(z.string()).default([]),
  /** When non-empty, only these accountIds may view the page; inherits down. */
  viewRestrictedTo: z.array(z.string()).default([]),
  /** When non-empty, only these accountIds may edit (does not inherit). */
  editRestrictedTo: z.array(z.string()).default([]),
  /**
   * Whether the app user is granted read on this page's view restriction. Confluence hides
   * view-restricted pages (and everything below them) from apps unless an admin adds the app.
   */
  appCanRead: z.boolean().default(false),
  /** The page's own data classification level (else the space default applies). */
  classificationLevelId: z.string().optional(),
  comments: z.array(fixtureCommentSchema).default([]),
  attachments: z.array(fixtureAttachmentSchema).default([]),
});

export const fixtureClassificationLevelSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  order: z.number(),
  description: z.string().default(''),
  guideline: z.string().default(''),
  color: z.enum(['RED', 'RED_BOLD', 'ORANGE', 'YELLOW', 'GREEN', 'BLUE', 'NAVY', 'TEAL', 'PURPLE', 'GREY', 'LIME']).default('GREY'),
  status: z.enum(['DRAFT', 'PUBLISHED', 'ARCHIVED']).default('PUBLISHED'),
});

export const fixtureSiteSchema = z.object({
  name: z.string().default('Demo site'),
  /** Site base URL as `_links.base` reports it. */
  baseUrl: z.string().url().default('https://demo.atlassian.net/wiki'),
  /** The app's own Confluence user (author of the comments and attachments the app posts). */
  app: z
    .object({ accountId: z.string().default('557058:secure-share-app'), displayName: z.string().default('Secure Share') })
    .default({ accountId: '557058:secure-share-app', displayName: 'Secure Share' }),
  users: z.array(fixtureUserSchema),
  spaces: z.array(fixtureSpaceSchema),
  classificationLevels: z.array(fixtureClassificationLevelSchema).default([]),
  pages: z.array(fixturePageSchema),
});

export type FixtureSite = z.infer<typeof fixtureSiteSchema>;
export type FixturePage = z.infer<typeof fixturePageSchema>;
export type FixtureUser = z.infer<typeof fixtureUserSchema>;
export type FixtureSpace = z.infer<typeof fixtureSpaceSchema>;
export type FixtureComment = z.infer<typeof fixtureCommentSchema>;
export type FixtureAttachment = z.infer<typeof fixtureAttachmentSchema>;

/** Reads and validates a fixture site; a broken file fails with its path and the first bad field. */
export const loadFixtureSite = async (path: string): Promise<FixtureSite> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read fixture site ${path}: ${(e as Error).message}`);
  }
  return parseFixtureSite(text, path);
};

export const parseFixtureSite = (text: string, source: string): FixtureSite => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`Fixture site ${source} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = fixtureSiteSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    throw new Error(`Fixture site ${source} is invalid: ${issues}`);
  }
  checkReferences(parsed.data, source);
  return parsed.data;
};

/** Cross-references zod cannot express: unique ids, known spaces, parents and levels, acyclic tree. */
const checkReferences = (site: FixtureSite, source: string): void => {
  const fail = (where: string, message: string): never => {
    throw new Error(`Fixture site ${source} is invalid: ${where}: ${message}`);
  };
  const levels = new Set(site.classificationLevels.map((l) => l.id));
  const spaceKeys = new Set<string>();
  site.spaces.forEach((space, i) => {
    if (spaceKeys.has(space.key)) fail(`spaces.${i}.key`, `duplicate space key ${space.key}`);
    if (space.classificationLevelId !== undefined && !levels.has(space.classificationLevelId)) {
      fail(`spaces.${i}.classificationLevelId`, `unknown classification level ${space.classificationLevelId}`);
    }
    spaceKeys.add(space.key);
  });
  const pageIds = new Map<string, FixturePage>();
  const contentIds = new Set<string>();
  site.pages.forEach((page, i) => {
    if (pageIds.has(page.id)) fail(`pages.${i}.id`, `duplicate page id ${page.id}`);
    if (!spaceKeys.has(page.spaceKey)) fail(`pages.${i}.spaceKey`, `unknown space ${page.spaceKey}`);
    if (page.classificationLevelId !== undefined && !levels.has(page.classificationLevelId)) {
      fail(`pages.${i}.classificationLevelId`, `unknown classification level ${page.classificationLevelId}`);
    }
    pageIds.set(page.id, page);
    page.comments.forEach((c, j) => {
      if (contentIds.has(c.id)) fail(`pages.${i}.comments.${j}.id`, `duplicate content id ${c.id}`);
      contentIds.add(c.id);
    });
    page.attachments.forEach((a, j) => {
      if (contentIds.has(a.id)) fail(`pages.${i}.attachments.${j}.id`, `duplicate content id ${a.id}`);
      contentIds.add(a.id);
    });
  });
  site.pages.forEach((page, i) => {
    const commentIds = new Set(page.comments.map((c) => c.id));
    page.comments.forEach((c, j) => {
      if (c.parentId !== null && !commentIds.has(c.parentId)) fail(`pages.${i}.comments.${j}.parentId`, `unknown comment ${c.parentId} on this page`);
    });
    if (page.parentId === null) return;
    const parent = pageIds.get(page.parentId);
    if (!parent) fail(`pages.${i}.parentId`, `unknown parent page ${page.parentId}`);
    else if (parent.spaceKey !== page.spaceKey) fail(`pages.${i}.parentId`, 'parent page is in another space');
    const seen = new Set<string>([page.id]);
    for (let p = parent; p; p = p.parentId === null ? undefined : pageIds.get(p.parentId)) {
      if (seen.has(p.id)) fail(`pages.${i}.parentId`, `parent chain of page ${page.id} is cyclic`);
      seen.add(p.id);
    }
  });
};
