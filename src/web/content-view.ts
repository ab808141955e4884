import type { Attachment, ChildPage, ClassificationLevelInfo, EphemeralRecord, PageComment, PageContent, SpaceInfo, UserInfo } from '../app/ports';
import { buildSharedTree, pathTo, restrictedPagesIn, type SharedTree, type SharedTreeNode } from '../app/view/share-tree';
import { creatorAccessFor, type CreatorAccess } from '../app/view/creator-access';
import { loadTreePages } from '../app/view/tree-cache';
import { noteCreatorAccess } from '../app/view/creator-access-flag';
import { recordAudit, linkAuditScope } from '../app/audit';
import { isDomainError } from '../core/errors';
import { classificationBlocks, type ClassificationRule, type ViewPermissions } from '../core/policy';
import { linkScopeOf, type ShareLink } from '../core/model';
import { commentThreads } from './comment-threads';
import { isSubscribed } from './visitor-subscriptions';
import { anotherAccountUrl, ssoApplies } from './sso-account';
import { loadInlineImages, markImagesNotShown, renderWithinBudget } from './inline-images';
import { notifyLinkOpened } from '../app/notifications';
import type { HttpResponse } from './http';
import { stripUnsafeCharacters } from './render/escape';
import { renderContentPage, type NavNode, type Notice } from './render/pages';
import { htmlResponse } from './responses';
import type { ShareContext } from './share-context';
import { cookiesToRefresh, deniedResponse, messageResponse } from './share-responses';

const NOTICES: Record<string, Notice> = {
  subscribed: { kind: 'ok', text: 'You are subscribed. We will email you when this page changes.' },
  already_subscribed: { kind: 'info', text: 'You are already subscribed to this page.' },
  unsubscribed: { kind: 'ok', text: 'You are unsubscribed. We will no longer email you about this page.' },
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
  // A whole-space link also shares the space's other root pages (beside the home page, its root).
  wholeSpace: linkScopeOf(ctx.link) === 'space',
});

/**
 * The visitor's answer when Confluence could not deliver: always the same neutral page, never "not
 * found" and never the visitor's fault. When Confluence refused the app itself (app_unauthorized:
 * credentials, scopes, site access), admins learn it from the audit log and the platform log.
 */
export const unavailable = async (ctx: Pick<ShareContext, 'deps' | 'link' | 'site'>, error?: unknown): Promise<HttpResponse> => {
  if (isDomainError(error) && error.code === 'app_unauthorized') {
    console.warn(`Secure Share: ${error.message}`);
    await recordAudit(ctx.deps, {
      action: 'view_denied',
      actor: 'app',
      ...linkAuditScope(ctx.link),
      detail: `${error.message} Visitors see "temporarily unavailable".`,
    }).catch(() => undefined);
  }
  return messageResponse(ctx, 503, 'Page not available right now', 'The page could not be loaded from Confluence. Please try again in a moment.');
};

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

/** Which Confluence reads a page request makes. */
export interface PageReadPlan {
  targetId: string;
  includeChildren: boolean;
  comments: boolean;
  attachments: boolean;
  creator: boolean;
  /** The classification rule applies: the root's and the requested page's levels are read in the same wave. */
  classified: boolean;
}

type PageReads = [
  PageContent | undefined,
  PageContent | undefined,
  ChildPage[],
  PageComment[],
  Attachment[],
  UserInfo | undefined,
  /** The creator's read right on the root and the requested page (undefined: the check failed). */
  Map<string, boolean | undefined>,
  /**
   * The link's space as Confluence reports it now, read only when the view needs it: for a whole-space
   * link (is its page still the home page?) and for older links that do not store their space id.
   * null when not read, undefined when the read failed or the space is gone.
   */
  SpaceInfo | undefined | null,
  /** Classification levels of the root and the requested page (empty when the rule is off). */
  (ClassificationLevelInfo | null)[],
];
type PageReadResult = { ok: true; reads: PageReads; creatorAccess: CreatorAccess } | { ok: false; error: unknown };

/**
 * Confluence reads started before the final decision: right after the first store wave, in parallel
 * with the space configuration read, when link + global policy already allow this session (perf A6).
 * They are used only once the full decision allows the request; otherwise they are dropped unread.
 */
export interface PagePrefetch {
  plan: PageReadPlan;
  result: Promise<PageReadResult>;
}

/** Store records the web trigger read beside the link (wave 1), so no store read precedes a Confluence call. */
export interface PreloadedReads {
  creatorAccess?: Promise<EphemeralRecord | undefined>;
}

/**
 * Why the link must not open although its page is readable: the page is in another space than the one
 * whose policy the link is decided under, or a whole-space link's page is no longer its space's home page.
 */
const spaceMismatch = (link: ShareLink, root: PageContent, linkSpace: SpaceInfo | null): string | null => {
  const expectedSpaceId = link.spaceId ?? linkSpace?.id;
  if (expectedSpaceId !== undefined && root.spaceId !== expectedSpaceId) return 'shared page moved to another space';
  if (linkScopeOf(link) === 'space' && linkSpace?.homepageId !== link.pageId) return 'whole-space link: its page is no longer the space home page';
  return null;
};

const readPage = (deps: ShareContext['deps'], link: ShareLink, plan: PageReadPlan, preloaded: PreloadedReads = {}): Promise<PageReadResult> => {
  const rootId = link.pageId;
  const creatorAccess = creatorAccessFor(deps, link, deps.clock.now(), preloaded.creatorAccess);
  // The link stores its space key: no space read after the page.
  const known = { spaceKey: link.spaceKey };
  const target = plan.targetId === rootId ? Promise.resolve(undefined) : deps.content.getPage(plan.targetId, known);
  return Promise.all([
    deps.content.getPage(rootId, known),
    target,
    // The tree's pages come from the per-link tree cache (one store wave beside this Confluence wave);
    // a cached tree is rebuilt when the requested page has moved since.
    plan.includeChildren
      ? loadTreePages(deps, link, deps.clock.now(), { pageId: plan.targetId, parentId: target.then((page) => page?.parentId, () => undefined) })
      : Promise.resolve([]),
    plan.comments ? deps.content.listComments(plan.targetId) : Promise.resolve([]),
    plan.attachments ? deps.content.listAttachments(plan.targetId) : Promise.resolve([]),
    // The creator's name is stored with the link (kept current by the sweep); older links look it up.
    plan.creator
      ? link.createdByName
        ? Promise.resolve<UserInfo>({ accountId: link.createdBy, displayName: link.createdByName, email: null })
        : deps.content.getUser(link.createdBy).catch(() => undefined)
      : Promise.resolve(undefined),
    creatorAccess.check(plan.targetId === rootId ? [rootId] : [rootId, plan.targetId]),
    linkScopeOf(link) === 'space' || !link.spaceId ? deps.content.getSpace(link.spaceKey).catch(() => undefined) : Promise.resolve(null),
    // A failed classification read fails the whole read: the visitor gets "temporarily unavailable" (fail closed).
    plan.classified
      ? Promise.all((plan.targetId === rootId ? [rootId] : [rootId, plan.targetId]).map((id) => deps.content.getPageClassification(id)))
      : Promise.resolve([]),
  ]).then(
    (reads): PageReadResult => ({ ok: true, reads, creatorAccess }),
    (error: unknown): PageReadResult => ({ ok: false, error }),
  );
};

const covers = (have: PageReadPlan, need: PageReadPlan): boolean =>
  have.targetId === need.targetId &&
  (have.includeChildren || !need.includeChildren) &&
  (have.comments || !need.comments) &&
  (have.attachments || !need.attachments) &&
  (have.creator || !need.creator) &&
  (have.classified || !need.classified);

/** What rendering a page needs under `permissions` (the same for the prefetch and the render). */
const pageViewPlan = (link: ShareLink, permissions: ViewPermissions, requestedPageId: string | null, rule: ClassificationRule | null): PageReadPlan => ({
  targetId: requestedPageId ?? link.pageId,
  includeChildren: permissions.includeChildren,
  comments: permissions.comments !== 'none',
  attachments: permissions.attachments !== 'none',
  creator: permissions.showCreator,
  classified: rule !== null,
});

/**
 * Starts the reads of a page view under provisional permissions (link + global policy only). The space
 * policy can only narrow them, so the reads cover the final request; one that does not is read again.
 */
export const prefetchPageView = (
  deps: ShareContext['deps'],
  link: ShareLink,
  provisional: ViewPermissions,
  requestedPageId: string | null,
  preloaded: PreloadedReads = {},
  classificationRule: ClassificationRule | null = null,
): PagePrefetch | undefined => {
  const plan = pageViewPlan(link, provisional, requestedPageId, classificationRule);
  if (plan.targetId !== link.pageId && !plan.includeChildren) return undefined;
  return { plan, result: readPage(deps, link, plan, preloaded) };
};

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
  const plan: PageReadPlan = {
    targetId,
    includeChildren: permissions.includeChildren,
    comments: want.comments,
    attachments: want.attachments,
    creator: want.creator,
    classified: ctx.classificationRule !== null,
  };
  const prefetched = ctx.prefetch && covers(ctx.prefetch.plan, plan) ? ctx.prefetch.result : undefined;
  const [fetched] = await Promise.all([
    prefetched ?? readPage(deps, link, plan),
    // Inside a promise chain: a store that throws synchronously loses the count, not the page.
    want.countView ? Promise.resolve().then(() => deps.store.stats.recordView(link.id, ctx.now)).catch(() => undefined) : Promise.resolve(),
    // "Link opened" alert to the creator (at most daily; no I/O at all when the admin has it off).
    want.countView ? notifyLinkOpened(deps, link, ctx.site) : Promise.resolve(false),
  ]);
  if (!fetched.ok) return { ok: false, response: await unavailable(ctx, fetched.error) };
  const [root, target, allDescendants, allComments, allAttachments, maybeCreator, creatorReads, linkSpace, levels] = fetched.reads;
  // Pages at or above the admin's classification level are refused like any other rule (same 404, reason audited).
  const classified = levels.find((level) => classificationBlocks(ctx.classificationRule, level));
  if (classified && ctx.classificationRule) {
    return {
      ok: false,
      response: await deniedResponse(ctx, `classification rule: page classified '${classified.name}' ('${ctx.classificationRule.name}' or higher cannot be shared)`),
    };
  }
  // A prefetch may hold more than this request may use: keep only what the final permissions allow.
  const descendants = plan.includeChildren ? allDescendants : [];
  const comments = plan.comments ? allComments : [];
  const attachments = plan.attachments ? allAttachments : [];
  const creator = plan.creator ? maybeCreator : undefined;
  if (!root || root.status !== 'current' || root.id !== rootId) {
    return { ok: false, response: await deniedResponse(ctx, 'shared page removed or unreadable') };
  }
  // The space could not be read when it was needed: "temporarily unavailable", never the page (fail closed).
  if (linkSpace === undefined) return { ok: false, response: await unavailable(ctx) };
  const outOfPlace = spaceMismatch(link, root, linkSpace);
  if (outOfPlace) return { ok: false, response: await deniedResponse(ctx, outOfPlace) };
  // Every page of a share is in the shared page's space: one moved elsewhere is not served from a stale tree.
  if (target && target.spaceId !== root.spaceId) {
    return { ok: false, response: await deniedResponse(ctx, 'page moved to another space') };
  }
  // A share never exceeds its creator: a creator who can no longer read the root loses the link.
  const rootReadable = creatorReads.get(rootId);
  await noteCreatorAccess(deps, link, rootReadable);
  if (rootReadable !== true) {
    const reason = rootReadable === false ? 'creator_lost_access: the link creator cannot read the shared page' : 'creator read check failed (refused until it succeeds)';
    return { ok: false, response: await deniedResponse(ctx, reason) };
  }
  const rules = treeRules(ctx, permissions);
  let tree = buildSharedTree({ id: root.id, title: root.title }, descendants, rules);
  const restricted = restrictedPagesIn(tree, descendants);
  if (restricted.length > 0) {
    // Restricted children stay only where the creator can read them (their subtrees go with them).
    let creatorCanRead: Map<string, boolean | undefined>;
    try {
      creatorCanRead = await fetched.creatorAccess.check(restricted);
    } catch (error) {
      return { ok: false, response: await unavailable(ctx, error) };
    }
    tree = buildSharedTree({ id: root.id, title: root.title }, descendants, { ...rules, creatorCanRead });
  }
  const page = targetId === rootId ? root : target;
  if (!tree.nodes.has(targetId) || !page || page.status !== 'current' || page.id !== targetId) {
    const reason = tree.capped && !tree.nodes.has(targetId) ? 'page outside the shared tree or over the tree cap' : 'page outside the shared tree';
    return { ok: false, response: await deniedResponse(ctx, reason) };
  }
  if (creatorReads.get(targetId) !== true) {
    const reason = creatorReads.get(targetId) === false ? 'creator_lost_access: the link creator cannot read the requested page' : 'creator read check failed (refused until it succeeds)';
    return { ok: false, response: await deniedResponse(ctx, reason) };
  }
  return { ok: true, scope: { tree, page, comments, attachments, creator } };
};

const commentThreadsOf = (comments: readonly PageComment[]) => {
  const { footer, inline } = commentThreads(comments);
  return { items: footer, inline };
};

/** The navigation tree of the share (every page the link shows). */
export const navOf = (ctx: ShareContext, node: SharedTreeNode): NavNode => ({
  id: node.id,
  title: node.title,
  url: ctx.urls.page(node.id),
  children: node.children.map((child) => navOf(ctx, child)),
});

/** The share's navigation: its top-level entries (several for a whole-space link), or null for a single page. */
export const navOfTree = (ctx: ShareContext, tree: SharedTree): NavNode[] | null =>
  tree.nodes.size > 1 ? tree.roots.map((node) => navOf(ctx, node)) : null;

type SanitizerModule = typeof import('./content-sanitizer');
let sanitizerModule: Promise<SanitizerModule> | undefined;

/**
 * sanitize-html (with htmlparser2 and postcss) is over a third of the trigger's code. It is loaded on the
 * first page render, while the Confluence wave is in flight, so a cold start does not parse it before
 * any I/O, and gate pages, denials and downloads never load it. A failed load is retried next time.
 */
const loadSanitizer = (): Promise<SanitizerModule> => {
  sanitizerModule ??= import('./content-sanitizer').catch((error: unknown) => {
    sanitizerModule = undefined;
    throw error;
  });
  const loading = sanitizerModule;
  loading.catch(() => undefined); // awaited after the Confluence wave; never an unhandled rejection meanwhile
  return loading;
};

export const renderSharedPage = async (
  ctx: ShareContext,
  permissions: ViewPermissions,
  requestedPageId: string | null,
): Promise<HttpResponse> => {
  const sanitizer = loadSanitizer();
  const plan = pageViewPlan(ctx.link, permissions, requestedPageId, ctx.classificationRule);
  const viewerEmail = permissions.allowSubscribe ? permissions.viewerEmail : null;
  // The visitor's subscription state is read beside the Confluence wave (never before it).
  const [loaded, subscribed] = await Promise.all([
    loadPageScope(ctx, permissions, requestedPageId, { ...plan, countView: true }),
    viewerEmail ? isSubscribed(ctx, plan.targetId, viewerEmail) : Promise.resolve(false),
  ]);
  if (!loaded.ok) return loaded.response;
  const { tree, page, comments, attachments, creator } = loaded.scope;
  const { MAX_PAGE_HTML_BYTES, sanitizePageHtml } = await sanitizer;
  if (Buffer.byteLength(page.bodyHtml, 'utf8') > MAX_PAGE_HTML_BYTES) {
    return messageResponse(ctx, 413, 'Page too large', 'This page is too large to show through a share link.');
  }
  const attachmentByName = new Map(attachments.map((a) => [a.title, a]));
  let inlineImages: Map<string, string> | null = null;
  if (ctx.options.inlineImages) {
    try {
      // The page's own pictures are in its attachment list: their bytes come without a metadata read.
      inlineImages = await loadInlineImages(ctx, page.bodyHtml, tree, attachments);
    } catch {
      inlineImages = new Map();
    }
  }
  // Rendered within the response budget: pictures that do not fit show "Image not shown" (inline-images.ts).
  const renderPage = (shownImages: ReadonlyMap<string, string> | null): string => {
    const bodyHtml = sanitizePageHtml(shownImages ? markImagesNotShown(page.bodyHtml, tree, shownImages) : page.bodyHtml, {
      pageUrl: (id) => (tree.nodes.has(id) ? ctx.urls.page(id) : null),
      imageUrl: (pageId, fileName) => {
        if (!tree.nodes.has(pageId)) return null;
        return shownImages ? (shownImages.get(`${pageId}/${fileName}`) ?? null) : ctx.urls.image(pageId, fileName);
      },
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
    return renderContentPage({
      branding: ctx.site.customization,
      pageId: page.id,
      pageTitle: stripUnsafeCharacters(page.title),
      bodyHtml,
      updatedAt: page.updatedAt,
      creatorName: permissions.showCreator && creator ? creator.displayName : null,
      crumbs,
      nav: navOfTree(ctx, tree),
      search: tree.nodes.size > 1 ? { action: ctx.urls.action(null, '/search'), ticket: ctx.sessionSource === 'ticket' ? ctx.ticket : null } : null,
      notice: noticeKey !== undefined ? NOTICES[noticeKey] : undefined,
      secrets: { csrf: ctx.csrf, ticket: ctx.ticket, returnTo: page.id === ctx.link.pageId ? null : page.id },
      comments:
        permissions.comments === 'none'
          ? null
          : {
              ...commentThreadsOf(comments),
              addAction: permissions.comments === 'view_add' ? ctx.urls.action(page.id, '/comments') : null,
            },
      attachments:
        permissions.attachments === 'none'
          ? null
          : {
              items: attachments.map((a) => ({
                id: a.id,
                title: a.title,
                url: ctx.urls.attachment(page.id, a.id),
                sizeLabel: sizeLabel(a.fileSize),
                mediaType: a.mediaType,
                opensDownloadPage: ctx.options.inlineDownloads === true,
              })),
              uploadAction: permissions.attachments === 'view_add' ? ctx.urls.action(page.id, '/attachments') : null,
            },
      subscribe: permissions.allowSubscribe
        ? {
            email: permissions.viewerEmail,
            subscribed,
            subscribeAction: ctx.urls.action(page.id, '/subscribe'),
            unsubscribeAction: ctx.urls.action(page.id, '/unsubscribe'),
            emailAction: ctx.urls.action(null, '/email/send'),
          }
        : null,
      logoutUrl: session.passwordPassed || session.verifiedEmail || session.ssoEmail ? ctx.urls.logout() : null,
      signedIn: permissions.viewerEmail
        ? { email: permissions.viewerEmail, anotherAccountUrl: session.ssoEmail !== null && ssoApplies(ctx) ? anotherAccountUrl(ctx) : null }
        : null,
    });
  };
  const response = renderWithinBudget(inlineImages, renderPage);
  if (response === null) return messageResponse(ctx, 413, 'Page too large', 'This page is too large to show through a share link.');
  return htmlResponse(200, response, cookiesToRefresh(ctx), ctx.site.customization);
};

export const isServableImage = (mediaType: string): boolean => IMAGE_TYPES.has(mediaType.toLowerCase());
