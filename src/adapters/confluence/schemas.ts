/**
 * Response shapes: only the fields the adapter reads, everything else passes through. The specs mark
 * almost every v2 field as optional and many v1 fields as nullable (User.displayName, User.email,
 * Version.when, GenericAccountId…), so every field but the id is `nullish` and defaulted where read.
 */
import * as z from 'zod/mini';

export const id = z.pipe(z.union([z.string(), z.number()]), z.transform(String));
const text = z.nullish(z.string());
export const linksSchema = z.nullish(z.object({ next: text }));

export const labelSchema = z.object({ name: z.string(), prefix: text });
export type Label = z.infer<typeof labelSchema>;
export const labelsSchema = z.object({
  results: z.array(labelSchema),
  meta: z.nullish(z.object({ hasMore: z.nullish(z.boolean()) })),
  _links: linksSchema,
});

const bodyValue = z.nullish(z.object({ value: text }));
const versionSchema = z.nullish(z.object({ number: z.nullish(z.number()), createdAt: text, authorId: text }));

export const pageSchema = z.object({
  id,
  title: text,
  status: text,
  spaceId: z.nullish(id),
  parentId: z.nullish(id),
  authorId: text,
  createdAt: text,
  version: versionSchema,
  body: z.nullish(z.record(z.string(), bodyValue)),
  labels: z.nullish(labelsSchema),
});
export type RawPage = z.infer<typeof pageSchema>;
export const pageListSchema = z.object({ results: z.array(pageSchema), _links: linksSchema });

export const spaceSchema = z.object({ id, key: z.string(), name: text, homepageId: z.nullish(id) });
export const spaceListSchema = z.object({ results: z.array(spaceSchema) });

export const descendantSchema = z.object({
  id,
  title: text,
  type: text,
  status: text,
  parentId: z.nullish(id),
  depth: z.nullish(z.number()),
});
export type RawDescendant = z.infer<typeof descendantSchema>;
export const descendantListSchema = z.object({ results: z.array(descendantSchema), _links: linksSchema });

const restrictionSideSchema = z.nullish(
  z.object({ results: z.nullish(z.array(z.unknown())), size: z.nullish(z.number()) }),
);
export type RestrictionSide = z.infer<typeof restrictionSideSchema>;
export const readRestrictionSchema = z.object({
  restrictions: z.nullish(z.object({ user: restrictionSideSchema, group: restrictionSideSchema })),
});

/** A v1 search result with `content.restrictions.read.restrictions.*` and `content.metadata.labels` expanded. */
export const treeSearchSchema = z.object({
  results: z.array(
    z.object({
      content: z.nullish(
        z.object({
          id,
          restrictions: z.nullish(
            z.object({ read: z.nullish(z.object({ restrictions: z.nullish(z.object({ user: restrictionSideSchema, group: restrictionSideSchema })) })) }),
          ),
          metadata: z.nullish(z.object({ labels: z.nullish(z.object({ results: z.nullish(z.array(labelSchema)) })) })),
        }),
      ),
    }),
  ),
  _links: linksSchema,
});
export type TreeSearchResult = z.infer<typeof treeSearchSchema>['results'][number];

export const commentSchema = z.object({
  id,
  status: text,
  parentCommentId: z.nullish(id),
  resolutionStatus: text,
  version: versionSchema,
  body: z.nullish(z.object({ storage: bodyValue })),
  properties: z.nullish(z.object({ inlineOriginalSelection: text })),
});
export type RawComment = z.infer<typeof commentSchema>;
export const commentListSchema = z.object({ results: z.array(commentSchema), _links: linksSchema });

export const attachmentSchema = z.object({
  id,
  title: text,
  status: text,
  mediaType: text,
  fileSize: z.nullish(z.number()),
  createdAt: text,
  pageId: z.nullish(id),
});
export const attachmentListSchema = z.object({ results: z.array(attachmentSchema), _links: linksSchema });

/** v1 ContentArray answered by the upload (Content.id/title optional, Version.when nullable). */
export const v1AttachmentSchema = z.object({
  results: z.array(
    z.object({
      id: z.nullish(id),
      title: text,
      metadata: z.nullish(z.object({ mediaType: text })),
      extensions: z.nullish(z.object({ mediaType: text, fileSize: z.nullish(z.number()) })),
      version: z.nullish(z.object({ when: text })),
    }),
  ),
});

/** v1 User / BulkUserLookup: accountId (GenericAccountId), displayName and email are nullable. */
export const userSchema = z.object({
  accountId: text,
  accountType: text,
  displayName: text,
  publicName: text,
  email: text,
});
export type RawUser = z.infer<typeof userSchema>;

/**
 * v1 Content of type comment, from GET /wiki/rest/api/content/{id}/descendant/comment with
 * `body.storage,version,ancestors,extensions.inlineProperties,extensions.resolution` expanded. The
 * `extensions` object is untyped in the spec, so its parts are read leniently (see comments.ts).
 */
export const v1CommentSchema = z.object({
  id,
  type: text,
  status: text,
  ancestors: z.nullish(z.array(z.object({ id, type: text }))),
  version: z.nullish(z.object({ when: text, by: z.nullish(userSchema) })),
  body: z.nullish(z.object({ storage: bodyValue })),
  extensions: z.nullish(z.record(z.string(), z.unknown())),
});
export type RawV1Comment = z.infer<typeof v1CommentSchema>;
export const v1CommentListSchema = z.object({ results: z.array(v1CommentSchema), _links: linksSchema });
export const userBulkSchema = z.object({ results: z.array(userSchema) });
export const emailRecordSchema = z.object({ accountId: text, email: text });

const operationSchema = z.object({ operation: text, targetType: text });
export const operationsSchema = z.object({ operations: z.nullish(z.array(operationSchema)) });
export type Operations = z.infer<typeof operationsSchema>;
export const currentUserSchema = z.object({ accountId: text, operations: z.nullish(z.array(operationSchema)) });

export const permissionCheckSchema = z.object({ hasPermission: z.boolean() });
