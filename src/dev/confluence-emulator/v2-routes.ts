/** Confluence REST v2 operations the emulator answers (by operationId), in the spec's response shapes. */
import { createHash } from 'node:crypto';
import { json, paginate, stableNumber, v2Error, type Route, type RouteContext, type RouteResult } from './route-kit';
import type { FixtureAttachment, FixtureComment, FixturePage, FixtureSpace } from './site-schema';

const LIVE = ['current', 'archived'];
const strings = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.map(String) : undefined);
const webui = (node: FixturePage): string => `/spaces/${node.spaceKey}/pages/${node.id}/${encodeURIComponent(node.title.replace(/ /g, '+'))}`;
const decoded = (att: FixtureAttachment): Uint8Array =>
  new Uint8Array(Buffer.from(att.content, att.encoding === 'base64' ? 'base64' : 'utf8'));

const versionOf = (createdAt: string, number: number, authorId: string) => ({ createdAt, message: '', number, minorEdit: false, authorId });

const labelJson = (name: string) => ({ id: stableNumber(`label:${name}`), name, prefix: 'global' });

/** The node when it exists, is of the type, is visible to the caller and has one of the statuses. */
const visible = (ctx: RouteContext, id: string, type: FixturePage['type'], statuses: string[] = LIVE): FixturePage | undefined => {
  const node = ctx.state.visibleNode(ctx.principal, id);
  return node && node.type === type && statuses.includes(node.status) ? node : undefined;
};

const pageJson = (ctx: RouteContext, node: FixturePage, options: { bodyFormat?: string; labels?: boolean; single?: boolean }) => {
  const space = ctx.state.spaceByKey(node.spaceKey);
  const parent = ctx.state.parentOf(node);
  return {
    id: node.id,
    status: node.status,
    title: node.title,
    spaceId: space?.id ?? '0',
    ...(parent ? { parentId: parent.id, parentType: parent.type } : {}),
    position: null,
    authorId: node.authorId,
    ownerId: node.authorId,
    createdAt: node.createdAt,
    version: versionOf(node.updatedAt, node.version, node.authorId),
    body: options.bodyFormat ? { [options.bodyFormat]: { representation: options.bodyFormat, value: node.body } } : {},
    ...(options.labels
      ? {
          labels: {
            results: node.labels.slice(0, 50).map(labelJson),
            meta: { hasMore: node.labels.length > 50, cursor: '' },
            _links: { self: `/wiki/api/v2/pages/${node.id}/labels` },
          },
        }
      : {}),
    _links: {
      webui: webui(node),
      editui: `/pages/resumedraft.action?draftId=${node.id}`,
      tinyui: `/x/${node.id}`,
      ...(options.single ? { base: ctx.state.site.baseUrl } : {}),
    },
  };
};

const spaceJson = (ctx: RouteContext, space: FixtureSpace, single = false) => {
  const home = ctx.state.site.pages.find((p) => p.spaceKey === space.key && p.parentId === null && p.type === 'page');
  return {
    id: space.id,
    key: space.key,
    name: space.name,
    type: 'global',
    status: 'current',
    authorId: space.admins[0] ?? ctx.state.site.app.accountId,
    createdAt: '2026-01-05T09:00:00.000Z',
    ...(home ? { homepageId: home.id } : {}),
    _links: { webui: `/spaces/${space.key}`, ...(single ? { base: ctx.state.site.baseUrl } : {}) },
  };
};

const commentJson = (ctx: RouteContext, page: FixturePage, comment: FixtureComment, as: 'page' | 'child') => {
  const bodyFormat = ctx.operation.query['body-format'];
  return {
    id: comment.id,
    status: 'current',
    title: `Re: ${page.title}`,
    ...(as === 'page' ? { pageId: page.id } : { parentCommentId: comment.parentId ?? '' }),
    version: versionOf(comment.createdAt, 1, comment.authorId),
    body: bodyFormat === 'storage' ? { storage: { representation: 'storage', value: comment.body } } : {},
    ...(comment.kind === 'inline'
      ? {
          resolutionStatus: comment.resolutionStatus,
          properties: { inlineMarkerRef: `marker-${comment.id}`, inlineOriginalSelection: comment.inlineSelection ?? '' },
        }
      : {}),
    _links: { webui: `${webui(page)}?focusedCommentId=${comment.id}` },
  };
};

const downloadLink = (page: FixturePage, att: FixtureAttachment): string =>
  `/download/attachments/${page.id}/${encodeURIComponent(att.title)}?version=1&modificationDate=${Date.parse(att.createdAt)}&api=v2`;

const attachmentJson = (ctx: RouteContext, page: FixturePage, att: FixtureAttachment, single = false) => ({
  id: att.id,
  status: 'current',
  title: att.title,
  createdAt: att.createdAt,
  pageId: page.id,
  mediaType: att.mediaType,
  comment: att.comment,
  fileId: createHash('sha1').update(`file:${att.id}`).digest('hex').slice(0, 32),
  fileSize: decoded(att).byteLength,
  webuiLink: `${webui(page)}?preview=${encodeURIComponent(`/${page.id}/${att.title}`)}`,
  downloadLink: downloadLink(page, att),
  version: versionOf(att.createdAt, 1, page.authorId),
  _links: {
    webui: `${webui(page)}?preview=${encodeURIComponent(`/${page.id}/${att.title}`)}`,
    download: downloadLink(page, att),
    ...(single ? { base: ctx.state.site.baseUrl } : {}),
  },
});

const descendants = (ctx: RouteContext, type: FixturePage['type']): RouteResult => {
  const root = visible(ctx, ctx.operation.pathParams['id'] ?? '', type);
  if (!root) return v2Error(404, 'Not found');
  const maxDepth = typeof ctx.operation.query['depth'] === 'number' ? (ctx.operation.query['depth'] as number) : 2;
  const found: { node: FixturePage; depth: number; position: number }[] = [];
  const walk = (parentId: string, depth: number): void => {
    ctx.state.childrenOf(parentId).forEach((child, position) => {
      if (!LIVE.includes(child.status) || !ctx.state.visibleNode(ctx.principal, child.id)) return;
      found.push({ node: child, depth, position });
      if (depth < maxDepth) walk(child.id, depth + 1);
    });
  };
  walk(root.id, 1);
  return paginate(ctx, found, 25, ({ node, depth, position }) => ({
    id: node.id,
    status: node.status,
    title: node.title,
    type: node.type,
    parentId: node.parentId ?? root.id,
    depth,
    childPosition: position,
  }));
};

const classificationJson = (level: { id: string; name: string; order: number; description: string; guideline: string; color: string; status: string }) => ({
  id: level.id,
  status: level.status,
  order: level.order,
  name: level.name,
  description: level.description,
  guideline: level.guideline,
  color: level.color,
});

const levelById = (ctx: RouteContext, id: string | undefined) =>
  id === undefined ? undefined : ctx.state.site.classificationLevels.find((l) => l.id === id);

const comments = (ctx: RouteContext, kind: FixtureComment['kind']): RouteResult => {
  const page = visible(ctx, ctx.operation.pathParams['id'] ?? '', 'page', [...LIVE, 'trashed']);
  if (!page) return v2Error(404, 'Not found');
  const roots = page.comments.filter((c) => c.kind === kind && c.parentId === null);
  return paginate(ctx, roots, 25, (c) => commentJson(ctx, page, c, 'page'));
};

const replies = (ctx: RouteContext, kind: FixtureComment['kind']): RouteResult => {
  const found = ctx.state.findComment(ctx.operation.pathParams['id'] ?? '');
  if (!found || found.comment.kind !== kind || !ctx.state.visibleNode(ctx.principal, found.page.id)) return v2Error(404, 'Not found');
  const children = found.page.comments.filter((c) => c.parentId === found.comment.id);
  return paginate(ctx, children, 25, (c) => commentJson(ctx, found.page, c, 'child'));
};

interface CommentBody {
  representation?: string;
  value?: string;
  storage?: { representation?: string; value?: string };
}

const createFooterComment: Route = async (ctx) => {
  const input = (ctx.json ?? {}) as { pageId?: string; parentCommentId?: string; blogPostId?: string; attachmentId?: string; customContentId?: string; body?: CommentBody };
  if (input.blogPostId || input.attachmentId || input.customContentId) return v2Error(400, 'The emulator has pages only.');
  if ((input.pageId === undefined) === (input.parentCommentId === undefined)) {
    return v2Error(400, 'Give exactly one of pageId (a top-level comment) or parentCommentId (a reply).');
  }
  const body = input.body;
  const value = body?.representation === 'storage' ? body.value : body?.storage?.value;
  if (typeof value !== 'string' || value.trim() === '') return v2Error(400, 'A storage-format comment body is required.');
  let page: FixturePage | undefined;
  let parentId: string | null = null;
  if (input.parentCommentId !== undefined) {
    const parent = ctx.state.findComment(input.parentCommentId);
    if (!parent || parent.comment.kind !== 'footer') return v2Error(404, 'Not found');
    page = parent.page;
    parentId = parent.comment.id;
  } else {
    page = ctx.state.nodeById(input.pageId ?? '');
  }
  if (!page || !visible(ctx, page.id, 'page', ['current'])) return v2Error(404, 'Not found');
  const comment: FixtureComment = {
    id: ctx.state.nextContentId(),
    authorId: ctx.principal.kind === 'app' ? ctx.state.site.app.accountId : ctx.principal.accountId,
    createdAt: ctx.state.iso(),
    body: value,
    kind: 'footer',
    parentId,
    resolutionStatus: 'open',
  };
  page.comments.push(comment);
  await ctx.state.persist();
  return json(201, {
    id: comment.id,
    status: 'current',
    title: `Re: ${page.title}`,
    ...(parentId === null ? { pageId: page.id } : { parentCommentId: parentId }),
    version: versionOf(comment.createdAt, 1, comment.authorId),
    body: { storage: { representation: 'storage', value: comment.body } },
    _links: { webui: `${webui(page)}?focusedCommentId=${comment.id}`, base: ctx.state.site.baseUrl },
  });
};

export const v2Routes: Record<string, Route> = {
  getPages(ctx) {
    const ids = strings(ctx.operation.query['id']);
    const spaceIds = strings(ctx.operation.query['space-id']);
    const statuses = strings(ctx.operation.query['status']) ?? LIVE;
    const title = ctx.operation.query['title'];
    const bodyFormat = ctx.operation.query['body-format'] as string | undefined;
    const pages = ctx.state.site.pages
      .filter((p) => p.type === 'page' && statuses.includes(p.status))
      .filter((p) => (ids ? ids.includes(p.id) : true))
      .filter((p) => (spaceIds ? spaceIds.includes(ctx.state.spaceByKey(p.spaceKey)?.id ?? '') : true))
      .filter((p) => (title === undefined ? true : p.title === title))
      .filter((p) => ctx.state.visibleNode(ctx.principal, p.id))
      .sort((a, b) => Number(a.id) - Number(b.id));
    return paginate(ctx, pages, 25, (p) => pageJson(ctx, p, bodyFormat ? { bodyFormat } : {}));
  },
  getPageById(ctx) {
    const statuses = strings(ctx.operation.query['status']) ?? LIVE;
    const page = visible(ctx, ctx.operation.pathParams['id'] ?? '', 'page', statuses);
    if (!page) return v2Error(404, 'Not found');
    const bodyFormat = ctx.operation.query['body-format'] as string | undefined;
    return json(200, pageJson(ctx, page, { ...(bodyFormat ? { bodyFormat } : {}), labels: ctx.operation.query['include-labels'] === true, single: true }));
  },
  getPageLabels(ctx) {
    const page = visible(ctx, ctx.operation.pathParams['id'] ?? '', 'page', [...LIVE, 'trashed']);
    if (!page) return v2Error(404, 'Not found');
    const prefix = ctx.operation.query['prefix'];
    const labels = prefix === undefined || prefix === 'global' ? page.labels : [];
    return paginate(ctx, labels, 25, labelJson);
  },
  getPageOperations(ctx) {
    const page = visible(ctx, ctx.operation.pathParams['id'] ?? '', 'page', [...LIVE, 'trashed']);
    if (!page) return v2Error(404, 'Not found');
    const operations = [{ operation: 'read', targetType: 'page' }];
    if (ctx.state.canEdit(ctx.principal, page)) {
      operations.push({ operation: 'update', targetType: 'page' }, { operation: 'delete', targetType: 'page' });
    }
    return json(200, { operations });
  },
  getPageDescendants: (ctx) => descendants(ctx, 'page'),
  getFolderDescendants: (ctx) => descendants(ctx, 'folder'),
  getFolderById(ctx) {
    const folder = visible(ctx, ctx.operation.pathParams['id'] ?? '', 'folder', [...LIVE, 'trashed']);
    if (!folder) return v2Error(404, 'Not found');
    const parent = ctx.state.parentOf(folder);
    return json(200, {
      id: folder.id,
      type: 'folder',
      status: folder.status,
      title: folder.title,
      ...(parent ? { parentId: parent.id, parentType: parent.type } : {}),
      position: null,
      authorId: folder.authorId,
      ownerId: folder.authorId,
      createdAt: folder.createdAt,
      spaceId: ctx.state.spaceByKey(folder.spaceKey)?.id ?? '0',
      version: versionOf(folder.updatedAt, folder.version, folder.authorId),
      _links: { webui: `/spaces/${folder.spaceKey}/folder/${folder.id}`, base: ctx.state.site.baseUrl },
    });
  },
  getPageFooterComments: (ctx) => comments(ctx, 'footer'),
  getPageInlineComments: (ctx) => comments(ctx, 'inline'),
  getFooterCommentChildren: (ctx) => replies(ctx, 'footer'),
  getInlineCommentChildren: (ctx) => replies(ctx, 'inline'),
  createFooterComment,
  getPageAttachments(ctx) {
    const page = visible(ctx, ctx.operation.pathParams['id'] ?? '', 'page', [...LIVE, 'trashed']);
    if (!page) return v2Error(404, 'Not found');
    const statuses = strings(ctx.operation.query['status']) ?? LIVE;
    const mediaType = ctx.operation.query['mediaType'];
    const filename = ctx.operation.query['filename'];
    const items = page.attachments
      .filter(() => statuses.includes('current'))
      .filter((a) => (mediaType === undefined ? true : a.mediaType === mediaType))
      .filter((a) => (filename === undefined ? true : a.title === filename));
    return paginate(ctx, items, 50, (a) => attachmentJson(ctx, page, a));
  },
  getAttachmentById(ctx) {
    const found = ctx.state.findAttachment(ctx.operation.pathParams['id'] ?? '');
    if (!found || !ctx.state.visibleNode(ctx.principal, found.page.id)) return v2Error(404, 'Not found');
    return json(200, attachmentJson(ctx, found.page, found.attachment, true));
  },
  getSpaces(ctx) {
    const keys = strings(ctx.operation.query['keys']);
    const ids = strings(ctx.operation.query['ids']);
    const spaces = ctx.state.site.spaces
      .filter((s) => (keys ? keys.includes(s.key) : true))
      .filter((s) => (ids ? ids.includes(s.id) : true))
      .filter((s) => ctx.state.canViewSpace(ctx.principal, s));
    return paginate(ctx, spaces, 25, (s) => spaceJson(ctx, s));
  },
  getPagesInSpace(ctx) {
    const space = ctx.state.spaceById(ctx.operation.pathParams['id'] ?? '');
    if (!space || !ctx.state.canViewSpace(ctx.principal, space)) return v2Error(404, 'Not found');
    const statuses = strings(ctx.operation.query['status']) ?? LIVE;
    const rootOnly = ctx.operation.query['depth'] === 'root';
    const title = ctx.operation.query['title'];
    const bodyFormat = ctx.operation.query['body-format'] as string | undefined;
    const pages = ctx.state.site.pages
      .filter((p) => p.type === 'page' && p.spaceKey === space.key && statuses.includes(p.status))
      .filter((p) => (rootOnly ? p.parentId === null : true))
      .filter((p) => (title === undefined ? true : p.title === title))
      .filter((p) => ctx.state.visibleNode(ctx.principal, p.id));
    return paginate(ctx, pages, 25, (p) => pageJson(ctx, p, bodyFormat ? { bodyFormat } : {}));
  },
  getSpaceById(ctx) {
    const space = ctx.state.spaceById(ctx.operation.pathParams['id'] ?? '');
    if (!space || !ctx.state.canViewSpace(ctx.principal, space)) return v2Error(404, 'Not found');
    return json(200, spaceJson(ctx, space, true));
  },
  getSpaceOperations(ctx) {
    const space = ctx.state.spaceById(ctx.operation.pathParams['id'] ?? '');
    if (!space || !ctx.state.canViewSpace(ctx.principal, space)) return v2Error(404, 'Not found');
    const operations = [{ operation: 'read', targetType: 'space' }];
    const editor = ctx.principal.kind === 'app' || space.admins.includes(ctx.principal.accountId) || space.editors.includes(ctx.principal.accountId);
    if (editor) operations.push({ operation: 'create', targetType: 'page' });
    if (ctx.state.isSpaceAdmin(ctx.principal, space)) operations.push({ operation: 'administer', targetType: 'space' });
    return json(200, { operations });
  },
  getClassificationLevels(ctx) {
    return json(200, ctx.state.site.classificationLevels.filter((l) => l.status === 'PUBLISHED').map(classificationJson));
  },
  getPageClassificationLevel(ctx) {
    const status = (ctx.operation.query['status'] as string | undefined) ?? 'current';
    const page = visible(ctx, ctx.operation.pathParams['id'] ?? '', 'page', [status]);
    if (!page) return v2Error(404, 'Not found');
    const level = levelById(ctx, page.classificationLevelId ?? ctx.state.spaceByKey(page.spaceKey)?.classificationLevelId);
    return level ? json(200, classificationJson(level)) : v2Error(404, 'This page has no classification level.');
  },
  getSpaceDefaultClassificationLevel(ctx) {
    const space = ctx.state.spaceById(ctx.operation.pathParams['id'] ?? '');
    if (!space || !ctx.state.canViewSpace(ctx.principal, space)) return v2Error(404, 'Not found');
    const level = levelById(ctx, space.classificationLevelId);
    return level ? json(200, classificationJson(level)) : v2Error(404, 'This space has no default classification level.');
  },
};

export { decoded as attachmentBytes };
