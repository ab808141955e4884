/**
 * Comments as the app: root footer and inline comments of a page, their replies (the children
 * endpoints, which the page listings do not include), author and mention names in one bulk lookup.
 */
import { DomainError, isDomainError } from '../../core/errors';
import type { ConfluenceContent, PageComment } from '../../app/ports';
import type { AdapterContext } from './context';
import { commentListSchema, commentSchema, type RawComment } from './schemas';
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

/** `limit` maximum of the comment list endpoints (spec: 1..250). */
export const COMMENTS_PER_REQUEST = 250;
/** Reply levels followed below a root comment (Confluence threads rarely go deeper than one). */
const MAX_REPLY_DEPTH = 4;
/** Threads whose replies are read; older threads beyond this show their root comment only. */
const MAX_THREADS = 200;

type Kind = PageComment['kind'];
interface Found {
  raw: RawComment;
  kind: Kind;
  parentId: string | null;
}

const COLLECTION: Record<Kind, string> = { footer: 'footer-comments', inline: 'inline-comments' };

const unlessAppRefused = (error: unknown): undefined => {
  if (isDomainError(error) && error.code === 'app_unauthorized') throw error;
  return undefined;
};

const isLive = (c: RawComment): boolean => (c.status ?? 'current') === 'current';
/** Resolved and dangling (text removed) inline comments are hidden in Confluence too. */
const isOpenInline = (c: RawComment): boolean => !c.resolutionStatus || c.resolutionStatus === 'open' || c.resolutionStatus === 'reopened';

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

  return {
    async listComments(pageId) {
      if (!PAGE_ID.test(pageId)) return [];
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
      const peopleIn = (comments: readonly RawComment[]): string[] => [
        ...comments.map(authorOf).filter((a): a is string => a !== undefined),
        ...comments.flatMap((c) => mentionedAccountIds(storageOf(c))),
      ];
      const liveFooter = (footerRoots ?? []).filter(isLive);
      const liveInline = (inlineRoots ?? []).filter((c) => isLive(c) && isOpenInline(c));
      // The names of the root comments' people are read while the replies are.
      const [footer, inline, rootPeople] = await Promise.all([
        threads('footer', liveFooter),
        threads('inline', liveInline),
        // Names that cannot be read show as "Confluence user": the comments still show.
        users.usersByIds(peopleIn([...liveFooter, ...liveInline])).catch(() => new Map<string, never>()),
      ]);
      const all = [...footer, ...inline];
      const people = new Map(rootPeople);
      const unnamed = [...new Set(peopleIn(all.map((f) => f.raw)))].filter((id) => !people.has(id));
      if (unnamed.length > 0 && all.length > liveFooter.length + liveInline.length) {
        for (const [id, user] of await users.usersByIds(unnamed).catch(() => new Map<string, never>())) people.set(id, user);
      }
      // Only comments the app itself wrote may carry a recipient's header (see visitor-comment.ts).
      const anyAppAuthor = all.some((f) => people.get(authorOf(f.raw) ?? '')?.accountType === 'app');
      const appAccountId = anyAppAuthor ? await users.appAccountId() : undefined;
      const nameOf = (accountId: string): string | undefined => {
        const user = people.get(accountId);
        return user ? displayNameOf(user) : undefined;
      };

      return all.map(({ raw, kind, parentId }): PageComment => {
        const text = storageToPlainText(storageOf(raw), nameOf);
        const author = authorOf(raw);
        const visitor = appAccountId !== undefined && author === appAccountId ? readVisitorHeader(text) : undefined;
        const quote = raw.properties?.inlineOriginalSelection;
        return {
          id: raw.id,
          pageId,
          kind,
          parentId,
          authorName: visitor?.authorName ?? (author ? nameOf(author) : undefined) ?? 'Confluence user',
          authorEmail: visitor?.authorEmail ?? null,
          viaShare: visitor !== undefined,
          createdAt: epoch(raw.version?.createdAt),
          bodyText: visitor?.text ?? text,
          ...(kind === 'inline' && quote ? { quote } : {}),
        };
      });
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
