/**
 * Comments as the app: every comment of a page (footer and open inline ones, replies at every level)
 * in ONE v1 request, `GET /wiki/rest/api/content/{id}/descendant/comment?depth=all`, authors included
 * (`version.by`); mentioned people who wrote none of the comments in one bulk lookup after it.
 * v2 has no such listing (root comments per page, then replies per comment, level by level), so the v2
 * reads stay as the fallback for when Confluence no longer answers the deprecated v1 operation.
 */
import { DomainError, isDomainError } from '../../core/errors';
import type { ConfluenceContent, PageComment } from '../../app/ports';
import type { AdapterContext } from './context';
import { commentListSchema, commentSchema, v1CommentListSchema, type RawComment, type RawUser, type RawV1Comment } from './schemas';
import { mentionedAccountIds, plainTextToStorage, storageToPlainText } from './storage-text';
import type { UserLookups } from './users';
import { displayNameOf } from './users';
import { readVisitorHeader, withVisitorHeader } from './visitor-comment';
import {
  COMMENT_ID,
  collect,
  epoch,
  JSON_BODY_HEADERS,
  NOT_FOUND,
  PAGE_ID,
  parse,
  path,
  REFUSED,
  appUnauthorized,
  mapLimited,
  repeated,
  send,
  upstreamError,
} from './transport';

/** `limit` maximum of the v2 comment list endpoints (spec: 1..250). */
export const COMMENTS_PER_REQUEST = 250;
/** `limit` asked of the v1 descendants listing (Confluence may cap it lower; `_links.next` covers the rest). */
export const V1_COMMENTS_PER_REQUEST = 250;
/** Comments (all levels) a page shows at most; older ones beyond it are left out. */
export const MAX_COMMENTS = 2000;
/** What the v1 listing expands: the body, the author, the comments replied to, and the inline parts. */
export const V1_COMMENT_EXPAND = ['body.storage', 'version', 'ancestors', 'extensions.inlineProperties', 'extensions.resolution'];
/** v2 fallback: reply levels followed below a root comment. */
const MAX_REPLY_DEPTH = 4;
/** v2 fallback: threads whose replies are read; older threads beyond this show their root comment only. */
const MAX_THREADS = 200;

type Kind = PageComment['kind'];
interface Found {
  raw: RawComment;
  kind: Kind;
  parentId: string | null;
}

/** One comment as both listings give it, before names are resolved. */
interface Entry {
  id: string;
  kind: Kind;
  parentId: string | null;
  storage: string;
  authorId: string | undefined;
  createdAt: number;
  quote: string | undefined;
}

const COLLECTION: Record<Kind, string> = { footer: 'footer-comments', inline: 'inline-comments' };

const unlessAppRefused = (error: unknown): undefined => {
  if (isDomainError(error) && error.code === 'app_unauthorized') throw error;
  return undefined;
};

const isLive = (c: { status?: string | null | undefined }): boolean => (c.status ?? 'current') === 'current';
/** Resolved and dangling (text removed) inline comments are hidden in Confluence too. */
const isOpenStatus = (status: string | null | undefined): boolean => !status || status === 'open' || status === 'reopened';
const isOpenInline = (c: RawComment): boolean => isOpenStatus(c.resolutionStatus);

const objectAt = (value: unknown, key: string): Record<string, unknown> | undefined => {
  const found = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return found !== null && typeof found === 'object' ? (found as Record<string, unknown>) : undefined;
};
const stringAt = (value: Record<string, unknown> | undefined, key: string): string | undefined =>
  typeof value?.[key] === 'string' ? (value[key] as string) : undefined;

/** `extensions` of a v1 comment (an untyped object in the spec): location, resolution status, quoted text. */
const v1Extensions = (c: RawV1Comment): { kind: Kind; resolution: string | undefined; quote: string | undefined } => {
  const ext = c.extensions ?? undefined;
  const resolution = ext?.['resolution'];
  return {
    kind: stringAt(ext, 'location') === 'inline' ? 'inline' : 'footer',
    resolution: typeof resolution === 'string' ? resolution : stringAt(objectAt(ext, 'resolution'), 'status'),
    quote: stringAt(objectAt(ext, 'inlineProperties'), 'originalSelection'),
  };
};

/**
 * The v1 listing as threads: each comment's parent is the nearest comment among its `ancestors`; a
 * thread whose root is not live, or an inline root that is resolved or dangling, is left out with
 * every reply below it. Order: footer threads, then inline threads, each root followed by its replies
 * (depth first), roots and replies in the order Confluence listed them. A reply whose parent is not in
 * the listing (deleted, beyond MAX_COMMENTS) is kept as the start of its own thread.
 */
export const v1Threads = (items: readonly RawV1Comment[]): { entries: Entry[]; authors: Map<string, RawUser> } => {
  const byId = new Map(items.map((c) => [c.id, c]));
  const parentOf = (c: RawV1Comment): string | null => {
    const comments = (c.ancestors ?? []).filter((a) => a.type === 'comment' && a.id !== c.id);
    return comments[comments.length - 1]?.id ?? null;
  };
  const children = new Map<string, RawV1Comment[]>();
  const roots: RawV1Comment[] = [];
  for (const c of items) {
    const parentId = parentOf(c);
    if (parentId !== null && byId.has(parentId)) children.set(parentId, [...(children.get(parentId) ?? []), c]);
    else roots.push(c);
  }
  const authors = new Map<string, RawUser>();
  const threads: Record<Kind, Entry[]> = { footer: [], inline: [] };
  const visited = new Set<string>();
  const walk = (c: RawV1Comment, kind: Kind, parentId: string | null): void => {
    if (visited.has(c.id) || !isLive(c)) return;
    visited.add(c.id);
    const by = c.version?.by;
    if (by?.accountId) authors.set(by.accountId, by);
    const ext = v1Extensions(c);
    threads[kind].push({
      id: c.id,
      kind,
      parentId,
      storage: c.body?.storage?.value ?? '',
      authorId: by?.accountId ?? undefined,
      createdAt: epoch(c.version?.when),
      quote: parentId === null ? ext.quote : undefined,
    });
    for (const child of children.get(c.id) ?? []) walk(child, kind, c.id);
  };
  for (const root of roots) {
    const ext = v1Extensions(root);
    if (ext.kind === 'inline' && !isOpenStatus(ext.resolution)) continue;
    walk(root, ext.kind, parentOf(root));
  }
  return { entries: [...threads.footer, ...threads.inline], authors };
};

export const createComments = (ctx: AdapterContext, users: UserLookups): Pick<ConfluenceContent, 'listComments' | 'addComment'> => {
  const { asApp, concurrency } = ctx;

  const replies = async (kind: Kind, parent: RawComment, depth: number): Promise<Found[]> => {
    if (depth > MAX_REPLY_DEPTH || !COMMENT_ID.test(parent.id)) return [];
    // Replies that still cannot be read after the transport's retries (rate limits, outages) are left
    // out of this one thread, never the whole page; Confluence refusing the app stays an error.
    const children = await collect(
      asApp,
      path`/wiki/api/v2/${COLLECTION[kind]}/${parent.id}/children?body-format=${'storage'}&limit=${COMMENTS_PER_REQUEST}`,
      commentListSchema,
    ).catch(unlessAppRefused);
    const live = (children ?? []).filter(isLive);
    const below = await mapLimited(live, concurrency, (child) => replies(kind, child, depth + 1));
    return live.flatMap((child, i) => [{ raw: child, kind, parentId: parent.id }, ...(below[i] ?? [])]);
  };

  const threads = async (kind: Kind, roots: RawComment[]): Promise<Found[]> => {
    const withReplies = new Set(roots.slice(-MAX_THREADS));
    const below = await mapLimited(roots, concurrency, (root) =>
      withReplies.has(root) ? replies(kind, root, 1) : Promise.resolve<Found[]>([]),
    );
    return roots.flatMap((root, i) => [{ raw: root, kind, parentId: null }, ...(below[i] ?? [])]);
  };

  /**
   * Names for the entries: `people` already known (v1 authors, v2 root people), then one bulk lookup of
   * those still unnamed and not `asked` before; the app's own account only when an app wrote a comment.
   */
  const present = async (pageId: string, entries: readonly Entry[], known: ReadonlyMap<string, RawUser>, asked: ReadonlySet<string>): Promise<PageComment[]> => {
    const people = new Map(known);
    const ids = entries.flatMap((e) => [...(e.authorId !== undefined ? [e.authorId] : []), ...mentionedAccountIds(e.storage)]);
    const unnamed = [...new Set(ids)].filter((id) => !people.has(id) && !asked.has(id));
    if (unnamed.length > 0) {
      // Names that cannot be read show as "Confluence user": the comments still show.
      for (const [id, user] of await users.usersByIds(unnamed).catch(() => new Map<string, never>())) people.set(id, user);
    }
    // Only comments the app itself wrote may carry a recipient's header (see visitor-comment.ts).
    const anyAppAuthor = entries.some((e) => people.get(e.authorId ?? '')?.accountType === 'app');
    const appAccountId = anyAppAuthor ? await users.appAccountId() : undefined;
    const nameOf = (accountId: string): string | undefined => {
      const user = people.get(accountId);
      return user ? displayNameOf(user) : undefined;
    };
    return entries.map(({ id, kind, parentId, storage, authorId, createdAt, quote }): PageComment => {
      const text = storageToPlainText(storage, nameOf);
      const visitor = appAccountId !== undefined && authorId === appAccountId ? readVisitorHeader(text) : undefined;
      return {
        id,
        pageId,
        kind,
        parentId,
        authorName: visitor?.authorName ?? (authorId ? nameOf(authorId) : undefined) ?? 'Confluence user',
        authorEmail: visitor?.authorEmail ?? null,
        viaShare: visitor !== undefined,
        createdAt,
        bodyText: visitor?.text ?? text,
        ...(kind === 'inline' && quote ? { quote } : {}),
      };
    });
  };

  /**
   * A listing of a page's descendants must not bring in comments of its child pages: a comment whose
   * ancestors name a page (or blog post) keeps only if the nearest one is this page.
   */
  const onThisPage = (comment: RawV1Comment, pageId: string): boolean => {
    const pages = (comment.ancestors ?? []).filter((a) => a.type === 'page' || a.type === 'blogpost');
    return pages.length === 0 || pages[pages.length - 1]!.id === pageId;
  };

  /** Every comment of the page in one v1 request (more only past V1_COMMENTS_PER_REQUEST); undefined on 404/410. */
  const listedV1 = async (pageId: string): Promise<RawV1Comment[] | undefined> =>
    collect(
      asApp,
      `${path`/wiki/rest/api/content/${pageId}/descendant/comment?depth=${'all'}`}&expand=${encodeURIComponent(V1_COMMENT_EXPAND.join(','))}&limit=${V1_COMMENTS_PER_REQUEST}`,
      v1CommentListSchema,
      { maxItems: MAX_COMMENTS },
    );

  /** v2: root footer and open inline comments, then replies level by level (one request per comment). */
  const listedV2 = async (pageId: string): Promise<{ entries: Entry[]; people: Map<string, RawUser>; asked: Set<string> }> => {
    const [footerRoots, inlineRoots] = await Promise.all([
      collect(asApp, path`/wiki/api/v2/pages/${pageId}/footer-comments?body-format=${'storage'}&limit=${COMMENTS_PER_REQUEST}`, commentListSchema),
      collect(
        asApp,
        `${path`/wiki/api/v2/pages/${pageId}/inline-comments?body-format=${'storage'}`}&${repeated('resolution-status', ['open', 'reopened'])}&limit=${COMMENTS_PER_REQUEST}`,
        commentListSchema,
      ),
    ]);
    const storageOf = (c: RawComment): string => c.body?.storage?.value ?? '';
    const authorOf = (c: RawComment): string | undefined => c.version?.authorId ?? undefined;
    const liveFooter = (footerRoots ?? []).filter(isLive);
    const liveInline = (inlineRoots ?? []).filter((c) => isLive(c) && isOpenInline(c));
    const rootIds = [...liveFooter, ...liveInline].flatMap((c) => [...(authorOf(c) !== undefined ? [authorOf(c) as string] : []), ...mentionedAccountIds(storageOf(c))]);
    // The names of the root comments' people are read while the replies are.
    const [footer, inline, people] = await Promise.all([
      threads('footer', liveFooter),
      threads('inline', liveInline),
      users.usersByIds(rootIds).catch(() => new Map<string, RawUser>()),
    ]);
    const entries = [...footer, ...inline].map(({ raw, kind, parentId }): Entry => ({
      id: raw.id,
      kind,
      parentId,
      storage: storageOf(raw),
      authorId: authorOf(raw),
      createdAt: epoch(raw.version?.createdAt),
      quote: raw.properties?.inlineOriginalSelection ?? undefined,
    }));
    return { entries, people, asked: new Set(rootIds) };
  };

  return {
    async listComments(pageId) {
      if (!PAGE_ID.test(pageId)) return [];
      // The v1 listing is deprecated in the spec: any failure of it (404/410 once withdrawn, 401/403 as other
      // deprecated v1 paths answer API clients, 5xx, an unexpected shape) falls back to the v2 reads, which
      // answer with their own errors if the page itself is the problem.
      const v1 = await listedV1(pageId).catch(() => undefined);
      if (v1) {
        const { entries, authors } = v1Threads(v1.filter((comment) => onThisPage(comment, pageId)));
        return present(pageId, entries, authors, new Set());
      }
      const v2 = await listedV2(pageId);
      return present(pageId, v2.entries, v2.people, v2.asked);
    },

    async addComment(pageId, text, author) {
      if (!PAGE_ID.test(pageId)) throw new DomainError('not_found', 'The page is not available.');
      const res = await send(asApp, '/wiki/api/v2/footer-comments', {
        method: 'POST',
        headers: JSON_BODY_HEADERS,
        body: JSON.stringify({
          pageId,
          body: { representation: 'storage', value: plainTextToStorage(withVisitorHeader(text, author)) },
        }),
      });
      if (NOT_FOUND.has(res.status)) throw new DomainError('not_found', 'The page is not available.');
      if (REFUSED.has(res.status)) throw appUnauthorized(res.status);
      if (res.status === 400 || res.status === 413) throw new DomainError('invalid_input', 'Confluence rejected the comment.');
      if (!res.ok) throw upstreamError(res);
      const created = await parse(res, commentSchema);
      return {
        id: created.id,
        pageId,
        kind: 'footer',
        parentId: null,
        authorName: author.name.trim() || 'Anonymous visitor',
        authorEmail: author.email,
        viaShare: true,
        createdAt: epoch(created.version?.createdAt) || Date.now(),
        bodyText: text,
      };
    },
  };
};
