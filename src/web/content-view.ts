import type { Attachment, ChildPage, PageComment, PageContent, UserInfo } from '../app/ports';
import { buildSharedTree, pathTo, type SharedTree, type SharedTreeNode } from '../app/view/share-tree';
import type { ViewPermissions } from '../core/policy';
import { MAX_PAGE_HTML_BYTES, sanitizePageHtml } from './content-sanitizer';
import type { HttpResponse } from './http';
import { stripUnsafeCharacters } from './render/escape';
import { renderContentPage, type NavNode, type Notice } from './render/pages';
import { htmlResponse } from './responses';
import type { ShareContext } from './share-context';
import { cookiesToRefresh, deniedResponse, messageResponse } from './share-responses';

const NOTICES: Record<string, Notice> = {
  subscribed: { kind: 'ok', text: 'You are subscribed. We will email you when this page changes.' },
  already_subscribed: { kind: 'info', text: 'You are already subscribed to this page.' },
  comment_added: { kind: 'ok', text: 'Your comment was added.' },
  uploaded: { kind: 'ok', text: 'Your file was uploaded.' },
};

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export const sizeLabel = (bytes: number): string => {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
};

const treeRules = (ctx: ShareContext, permissions: ViewPermissions) => ({
  includeChildren: permissions.includeChildren,
  shareRestrictedChildren: permissions.shareRestrictedChildren,
  withLabels: ctx.link.withLabels,
  withoutLabels: ctx.link.withoutLabels,
});

export const unavailable = (ctx: ShareContext): HttpResponse =>
  messageResponse(ctx, 503, 'Page not available right now', 'The page could not be loaded from Confluence. Please try again in a moment.');

/**
 * Loads what a request about one page of the share needs, in ONE parallel wave of Confluence calls,
 * and proves that the page belongs to the shared tree before anything of it is used (T10).
 */
export interface PageScope {
  tree: SharedTree;
  page: PageContent;
  comments: PageComment[];
  attachments: Attachment[];
  creator: UserInfo | undefined;
}

export type ScopeResult = { ok: true; scope: PageScope } | { ok: false; response: HttpResponse };

export const loadPageScope = async (
  ctx: ShareContext,
  permissions: ViewPermissions,
  requestedPageId: string | null,
  want: { comments: boolean; attachments: boolean; creator: boolean; countView: boolean },
): Promise<ScopeResult> => {
  const { deps, link } = ctx;
  const rootId = link.pageId;
  const targetId = requestedPageId ?? rootId;
  // A page other than the root can only be in the tree when child pages are shared: refuse before any call.
  if (targetId !== rootId && !permissions.includeChildren) {
    return { ok: false, response: await deniedResponse(ctx, 'page outside the shared tree') };
  }
  let results: [PageContent | undefined, PageContent | undefined, ChildPage[], PageComment[], Attachment[], UserInfo | undefined];
  try {
    const [root, target, descendants, comments, attachments, creator] = await Promise.all([
      deps.content.getPage(rootId),
      targetId === rootId ? Promise.resolve(undefined) : deps.content.getPage(targetId),
      permissions.includeChildren ? deps.content.getDescendants(rootId) : Promise.resolve([]),
      want.comments ? deps.content.listComments(targetId) : Promise.resolve([]),
      want.attachments ? deps.content.listAttachments(targetId) : Promise.resolve([]),
      want.creator ? deps.content.getUser(link.createdBy).catch(() => undefined) : Promise.resolve(undefined),
      want.countView ? deps.store.stats.recordView(link.id, ctx.now).catch(() => undefined) : Promise.resolve(),
    ]);
    results = [root, target, descendants, comments, attachments, creator];
  } catch {
    return { ok: false, response: unavailable(ctx) };
  }
  const [root, target, descendants, comments, attachments, creator] = results;
  if (!root || root.status !== 'current' || root.id !== rootId) {
    return { ok: false, response: await deniedResponse(ctx, 'shared page removed or unreadable') };
  }
  const tree = buildSharedTree({ id: root.id, title: root.title }, descendants, treeRules(ctx, permissions));
  const page = targetId === rootId ? root : target;
  if (!tree.nodes.has(targetId) || !page || page.status !== 'current' || page.id !== targetId) {
    return { ok: false, response: await deniedResponse(ctx, 'page outside the shared tree') };
  }
  return { ok: true, scope: { tree, page, comments, attachments, creator } };
};

const toNav = (ctx: ShareContext, node: SharedTreeNode): NavNode => ({
  id: node.id,
  title: node.title,
  url: ctx.urls.page(node.id),
  children: node.children.map((child) => toNav(ctx, child)),
});

export const renderSharedPage = async (
  ctx: ShareContext,
  permissions: ViewPermissions,
  requestedPageId: string | null,
): Promise<HttpResponse> => {
  const loaded = await loadPageScope(ctx, permissions, requestedPageId, {
    comments: permissions.comments !== 'none',
    attachments: permissions.attachments !== 'none',
    creator: permissions.showCreator,
    countView: true,
  });
  if (!loaded.ok) return loaded.response;
  const { tree, page, comments, attachments, creator } = loaded.scope;
  if (Buffer.byteLength(page.bodyHtml, 'utf8') > MAX_PAGE_HTML_BYTES) {
    return messageResponse(ctx, 413, 'Page too large', 'This page is too large to show through a share link.');
  }
  const attachmentByName = new Map(attachments.map((a) => [a.title, a]));
  const bodyHtml = sanitizePageHtml(page.bodyHtml, {
    pageUrl: (id) => (tree.nodes.has(id) ? ctx.urls.page(id) : null),
    imageUrl: (pageId, fileName) => (tree.nodes.has(pageId) ? ctx.urls.image(pageId, fileName) : null),
    attachmentUrl: (pageId, fileName) => {
      if (pageId !== page.id || permissions.attachments === 'none') return null;
      const attachment = attachmentByName.get(fileName);
      return attachment ? ctx.urls.attachment(page.id, attachment.id) : null;
    },
  });
  const path = pathTo(tree, page.id);
  const crumbs = path.map((node) => ({ title: node.title, url: node.id === page.id ? null : ctx.urls.page(node.id) }));
  const noticeKey = ctx.req.query['n']?.[0];
  const session = ctx.session;
  const response = renderContentPage({
    branding: ctx.site.customization,
    pageId: page.id,
    pageTitle: stripUnsafeCharacters(page.title),
    bodyHtml,
    updatedAt: page.updatedAt,
    creatorName: permissions.showCreator && creator ? creator.displayName : null,
    crumbs,
    nav: tree.root.children.length > 0 ? toNav(ctx, tree.root) : null,
    notice: noticeKey !== undefined ? NOTICES[noticeKey] : undefined,
    secrets: { csrf: ctx.csrf, ticket: ctx.ticket },
    comments:
      permissions.comments === 'none'
        ? null
        : {
            items: comments.map((c) => ({ authorName: c.authorName, createdAt: c.createdAt, text: c.bodyText })),
            addAction: permissions.comments === 'view_add' ? ctx.urls.action(page.id, '/comments') : null,
          },
    attachments:
      permissions.attachments === 'none'
        ? null
        : {
            items: attachments.map((a) => ({
              title: a.title,
              url: ctx.urls.attachment(page.id, a.id),
              sizeLabel: sizeLabel(a.fileSize),
              mediaType: a.mediaType,
            })),
            uploadAction: permissions.attachments === 'view_add' ? ctx.urls.action(page.id, '/attachments') : null,
          },
    subscribe: permissions.allowSubscribe
      ? {
          email: permissions.viewerEmail,
          subscribeAction: ctx.urls.action(page.id, '/subscribe'),
          emailAction: ctx.urls.action(null, '/email/send'),
        }
      : null,
    logoutUrl: session.passwordPassed || session.verifiedEmail || session.ssoEmail ? ctx.urls.logout() : null,
  });
  return htmlResponse(200, response, cookiesToRefresh(ctx));
};

export const isServableImage = (mediaType: string): boolean => IMAGE_TYPES.has(mediaType.toLowerCase());
