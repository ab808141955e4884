/** Confluence REST v1 operations the emulator answers (by operationId), in the spec's response shapes. */
import { parseCql, type CqlClause } from './cql';
import { json, lookupUser, paginateV1, stableNumber, v1Error, v1User, type Route, type RouteContext } from './route-kit';
import type { FixtureAttachment, FixtureComment, FixturePage } from './site-schema';
import type { Principal } from './site-state';

/** Search returns at most this many results per request, whatever `limit` asks. */
export const SEARCH_MAX_LIMIT = 100;
/**
 * Content descendants per request at most (the spec: "may be restricted by fixed system limits"; the real
 * cap is not published, so the emulator assumes the search's and the adapter follows `_links.next`).
 */
export const DESCENDANTS_MAX_LIMIT = 100;

const webui = (node: FixturePage): string => `/spaces/${node.spaceKey}/pages/${node.id}`;

const contentRef = (node: FixturePage) => ({
  id: node.id,
  type: node.type,
  status: node.status,
  title: node.title,
  _expandable: { space: `/rest/api/space/${node.spaceKey}` },
  _links: { webui: webui(node), self: `/rest/api/content/${node.id}` },
});

const userPrincipalOf = (ctx: RouteContext, accountId: string): Principal | undefined =>
  ctx.state.userById(accountId) ? { kind: 'user', accountId } : undefined;

const matches = (ctx: RouteContext, node: FixturePage, clause: CqlClause): boolean => {
  const has = (() => {
    switch (clause.field) {
      case 'ancestor': {
        const ancestors: string[] = [];
        for (let p = ctx.state.parentOf(node); p && ancestors.length <= ctx.state.site.pages.length; p = ctx.state.parentOf(p)) ancestors.push(p.id);
        return clause.values.some((v) => ancestors.includes(v));
      }
      case 'parent':
        return clause.values.includes(node.parentId ?? '');
      case 'id':
        return clause.values.includes(node.id);
      case 'label':
        return clause.values.some((v) => node.labels.includes(v));
      case 'type':
        return clause.values.includes(node.type);
      case 'space':
        return clause.values.includes(node.spaceKey);
    }
  })();
  return clause.negated ? !has : has;
};

/** `content.restrictions.read.restrictions.user` / `.group` expansions of a search result (spec: Content.restrictions). */
const readRestrictionsExpansion = (ctx: RouteContext, node: FixturePage, expand: string[]) => {
  const wantsUsers = expand.includes('content.restrictions.read.restrictions.user');
  const wantsGroups = expand.includes('content.restrictions.read.restrictions.group');
  if (!wantsUsers && !wantsGroups && !expand.includes('content.restrictions.read')) return {};
  const users = node.viewRestrictedTo.flatMap((id) => {
    const user = ctx.state.userById(id);
    return user ? [v1User(ctx, user)] : [];
  });
  const side = <T>(results: T[]) => ({ results, start: 0, limit: 100, size: results.length });
  return {
    restrictions: {
      read: {
        operation: 'read',
        restrictions: {
          ...(wantsUsers ? { user: side(users) } : {}),
          ...(wantsGroups ? { group: side([]) } : {}),
          _expandable: { ...(wantsUsers ? {} : { user: '' }), ...(wantsGroups ? {} : { group: '' }) },
        },
        _expandable: { content: `/rest/api/content/${node.id}` },
        _links: { self: `/rest/api/content/${node.id}/restriction/byOperation/read` },
      },
      _expandable: { update: '' },
      _links: {},
    },
  };
};

const searchResult = (ctx: RouteContext, node: FixturePage, expand: string[]) => {
  const space = ctx.state.spaceByKey(node.spaceKey);
  const ancestors: FixturePage[] = [];
  for (let p = ctx.state.parentOf(node); p && ancestors.length <= ctx.state.site.pages.length; p = ctx.state.parentOf(p)) ancestors.unshift(p);
  return {
    content: {
      ...contentRef(node),
      ...(expand.includes('content.metadata.labels')
        ? {
            metadata: {
              labels: {
                results: node.labels.map((name) => ({ prefix: 'global', name, id: stableNumber(`label:${name}`), label: name })),
                start: 0,
                limit: 200,
                size: node.labels.length,
              },
            },
          }
        : {}),
      ...(expand.includes('content.ancestors') ? { ancestors: ancestors.map(contentRef) } : {}),
      ...readRestrictionsExpansion(ctx, node, expand),
    },
    title: node.title,
    excerpt: '',
    url: webui(node),
    resultGlobalContainer: { title: space?.name ?? node.spaceKey, displayUrl: `/spaces/${node.spaceKey}` },
    breadcrumbs: [],
    entityType: 'content',
    iconCssClass: node.type === 'folder' ? 'aui-icon content-type-folder' : 'aui-icon content-type-page',
    lastModified: node.updatedAt,
    friendlyLastModified: node.updatedAt.slice(0, 10),
    score: 1,
  };
};

const contentOfAttachment = (ctx: RouteContext, page: FixturePage, att: FixtureAttachment, fileSize: number) => {
  const app = ctx.state.site.app;
  return {
    id: att.id,
    type: 'attachment',
    status: 'current',
    title: att.title,
    metadata: { mediaType: att.mediaType, comment: att.comment },
    extensions: { mediaType: att.mediaType, fileSize, comment: att.comment },
    version: {
      by: v1User(ctx, { accountId: app.accountId, displayName: app.displayName, app: true }),
      when: att.createdAt,
      number: 1,
      minorEdit: true,
    },
    container: contentRef(page),
    _expandable: {},
    _links: {
      webui: `${webui(page)}?preview=${encodeURIComponent(`/${page.id}/${att.title}`)}`,
      download: `/download/attachments/${page.id}/${encodeURIComponent(att.title)}?version=1&api=v2`,
      self: `/rest/api/content/${att.id}`,
    },
  };
};

/**
 * A comment as v1 Content (type `comment`), with the expansions asked for: `body.storage`, `version`
 * (author as `version.by`), `ancestors` (the comments it replies to, outermost first), `container` (the page),
 * `extensions.inlineProperties` and `extensions.resolution` (inline comments). `extensions.location` is
 * always there: `footer` or `inline`.
 */
const commentContent = (ctx: RouteContext, page: FixturePage, comment: FixtureComment, expand: string[]) => {
  const chain: FixtureComment[] = [];
  for (let p = comment.parentId; p !== null && chain.length <= page.comments.length; ) {
    const parent = page.comments.find((c) => c.id === p);
    if (!parent) break;
    chain.unshift(parent);
    p = parent.parentId;
  }
  const ref = (c: FixtureComment) => ({
    id: c.id,
    type: 'comment',
    status: 'current',
    title: `Re: ${page.title}`,
    _links: { webui: `${webui(page)}?focusedCommentId=${c.id}`, self: `/rest/api/content/${c.id}` },
  });
  const author = lookupUser(ctx, comment.authorId);
  const inline = comment.kind === 'inline';
  const expanded = new Set(expand);
  return {
    ...ref(comment),
    ...(expanded.has('ancestors') ? { ancestors: chain.map(ref) } : {}),
    ...(expanded.has('container') ? { container: contentRef(page) } : {}),
    ...(expanded.has('version')
      ? {
          version: {
            by: author ? v1User(ctx, author) : { type: 'unknown', accountId: comment.authorId, accountType: '', email: null, publicName: null, displayName: null },
            when: comment.createdAt,
            number: 1,
            minorEdit: false,
            message: '',
          },
        }
      : {}),
    ...(expanded.has('body.storage') ? { body: { storage: { value: comment.body, representation: 'storage' }, _expandable: { view: '', export_view: '' } } } : {}),
    extensions: {
      location: comment.kind,
      ...(inline && expanded.has('extensions.inlineProperties')
        ? { inlineProperties: { markerRef: `marker-${comment.id}`, originalSelection: comment.inlineSelection ?? '' } }
        : {}),
      ...(inline && expanded.has('extensions.resolution')
        ? { resolution: { status: comment.resolutionStatus, lastModifiedDate: comment.createdAt } }
        : {}),
    },
    _expandable: {
      ...(expanded.has('ancestors') ? {} : { ancestors: '' }),
      ...(expanded.has('container') ? {} : { container: `/rest/api/content/${page.id}` }),
      ...(expanded.has('version') ? {} : { version: '' }),
      ...(expanded.has('body.storage') ? {} : { body: '' }),
    },
  };
};

export const v1Routes: Record<string, Route> = {
  getUser(ctx) {
    const user = lookupUser(ctx, String(ctx.operation.query['accountId'] ?? ''));
    return user ? json(200, v1User(ctx, user)) : v1Error(404, 'No user with this accountId.');
  },
  getPrivacyUnsafeUserEmail(ctx) {
    if (ctx.principal.kind !== 'app') return v1Error(403, 'This API is available to apps only (asApp).');
    const user = ctx.state.userById(String(ctx.operation.query['accountId'] ?? ''));
    if (!user?.email) return v1Error(404, 'No user with this accountId.');
    return json(200, { accountId: user.accountId, email: user.email });
  },
  getBulkUserLookup(ctx) {
    const ids = String(ctx.operation.query['accountId'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const users = ids.flatMap((id) => {
      const user = lookupUser(ctx, id);
      return user ? [v1User(ctx, user)] : [];
    });
    return json(200, { results: users, start: 0, limit: Math.max(users.length, 1), size: users.length, _links: { base: ctx.state.site.baseUrl, context: '/wiki' } });
  },
  getCurrentUser(ctx) {
    const expand = (ctx.operation.query['expand'] as string[] | undefined) ?? [];
    const app = ctx.state.site.app;
    const user = ctx.principal.kind === 'app'
      ? { accountId: app.accountId, displayName: app.displayName, app: true as const }
      : ctx.state.userById(ctx.principal.accountId);
    if (!user) return v1Error(401, 'Not signed in.');
    const operations = [{ operation: 'use', targetType: 'application' }];
    if (!('app' in user) && user.siteAdmin) operations.push({ operation: 'administer', targetType: 'application' });
    return json(200, { ...v1User(ctx, user), ...(expand.includes('operations') ? { operations } : {}) });
  },
  checkContentPermission(ctx) {
    const node = ctx.state.visibleNode(ctx.principal, ctx.operation.pathParams['id'] ?? '');
    if (!node) return v1Error(404, 'No content with this id, or the caller cannot see it.');
    const body = ctx.json as { subject: { type: string; identifier: string }; operation: 'read' | 'update' | 'delete' };
    if (body.subject.type !== 'user') return v1Error(400, 'The emulator checks users only (the fixture has no groups).');
    const subject = userPrincipalOf(ctx, body.subject.identifier);
    if (!subject) return json(200, { hasPermission: false, errors: [{ translation: 'No user with this accountId.', args: [] }] });
    const hasPermission =
      body.operation === 'read'
        ? ctx.state.visibleNode(subject, node.id) !== undefined && ['current', 'archived'].includes(node.status)
        : ctx.state.canEdit(subject, node);
    return json(200, { hasPermission, errors: [] });
  },
  getRestrictionsForOperation(ctx) {
    const node = ctx.state.visibleNode(ctx.principal, ctx.operation.pathParams['id'] ?? '');
    if (!node) return v1Error(404, 'No content with this id, or the caller cannot see it.');
    const operation = ctx.operation.pathParams['operationKey'] === 'update' ? 'update' : 'read';
    const listed = operation === 'read' ? node.viewRestrictedTo : node.editRestrictedTo;
    const users = listed.flatMap((id) => {
      const user = ctx.state.userById(id);
      return user ? [v1User(ctx, user)] : [];
    });
    return json(200, {
      operation,
      restrictions: {
        user: { results: users, start: 0, limit: 100, size: users.length },
        group: { results: [], start: 0, limit: 100, size: 0 },
      },
      _expandable: { restrictions: '', content: `/rest/api/content/${node.id}` },
      _links: { base: ctx.state.site.baseUrl, context: '/wiki', self: `/rest/api/content/${node.id}/restriction/byOperation/${operation}` },
    });
  },
  getDescendantsOfType(ctx) {
    const node = ctx.state.visibleNode(ctx.principal, ctx.operation.pathParams['id'] ?? '');
    if (!node || !['current', 'archived', 'trashed'].includes(node.status)) return v1Error(404, 'No content with this id, or the caller cannot see it.');
    if (ctx.operation.pathParams['type'] !== 'comment') return v1Error(400, 'The emulator answers comment descendants only.');
    // depth: `all` (default) or `root` (top-level comments only); the spec's enum holds no other value.
    const maxDepth = ctx.operation.query['depth'] === 'root' ? 1 : Infinity;
    const depthOf = (comment: FixtureComment): number => {
      let depth = 1;
      for (let p = comment.parentId; p !== null && depth <= node.comments.length; depth += 1) p = node.comments.find((c) => c.id === p)?.parentId ?? null;
      return depth;
    };
    const expand = ((ctx.operation.query['expand'] as string[] | undefined) ?? []).map((e) => e.trim());
    const found = node.comments.filter((c) => depthOf(c) <= maxDepth);
    return paginateV1(ctx, found, 25, DESCENDANTS_MAX_LIMIT, (c) => commentContent(ctx, node, c, expand));
  },
  searchByCQL(ctx) {
    const cql = String(ctx.operation.query['cql'] ?? '');
    const clauses = parseCql(cql);
    if (typeof clauses === 'string') return v1Error(400, `The emulator does not evaluate this CQL: ${clauses}.`);
    const expand = ((ctx.operation.query['expand'] as string[] | undefined) ?? []).map((e) => e.trim());
    const found = ctx.state.site.pages.filter(
      (node) => node.status === 'current' && ctx.state.visibleNode(ctx.principal, node.id) && clauses.every((c) => matches(ctx, node, c)),
    );
    return paginateV1(ctx, found, 25, SEARCH_MAX_LIMIT, (node) => searchResult(ctx, node, expand), {
      totalSize: found.length,
      cqlQuery: cql,
      searchDuration: 1,
    });
  },
  async createAttachment(ctx) {
    const token = Object.entries(ctx.headers).find(([k]) => k.toLowerCase() === 'x-atlassian-token')?.[1];
    if (token !== 'no-check') return v1Error(403, 'XSRF check failed: send X-Atlassian-Token: no-check.');
    const node = ctx.state.visibleNode(ctx.principal, ctx.operation.pathParams['id'] ?? '');
    if (!node || node.type !== 'page' || node.status !== 'current') return v1Error(404, 'No content with this id, or the caller cannot see it.');
    if (!ctx.state.canEdit(ctx.principal, node)) return v1Error(403, 'The caller cannot add attachments to this page.');
    const file = ctx.form?.get('file');
    if (!file || typeof file === 'string') return v1Error(400, 'The "file" part must be a file.');
    const comment = ctx.form?.get('comment');
    if (node.attachments.some((a) => a.title === file.name)) {
      return v1Error(400, `Cannot add a new attachment with same file name as an existing attachment: ${file.name}`);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const att: FixtureAttachment = {
      id: `att${ctx.state.nextContentId()}`,
      title: file.name,
      mediaType: file.type || 'application/octet-stream',
      createdAt: ctx.state.iso(),
      content: Buffer.from(bytes).toString('base64'),
      encoding: 'base64',
      comment: typeof comment === 'string' ? comment : comment ? await comment.text() : '',
    };
    node.attachments.push(att);
    await ctx.state.persist();
    return json(200, { results: [contentOfAttachment(ctx, node, att, bytes.byteLength)], start: 0, limit: 1, size: 1, _links: { base: ctx.state.site.baseUrl, context: '/wiki' } });
  },
  downloadAttatchment(ctx) {
    const node = ctx.state.visibleNode(ctx.principal, ctx.operation.pathParams['id'] ?? '');
    const found = ctx.state.findAttachment(ctx.operation.pathParams['attachmentId'] ?? '');
    if (!node || !found || found.page.id !== node.id) return v1Error(404, 'No such attachment on this content, or the caller cannot see it.');
    return { status: 302, headers: { location: ctx.mediaUrlFor(found.attachment.id) } };
  },
};
