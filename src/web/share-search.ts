/**
 * GET /s/<token>/search?q=: search within what the link shows, and nothing else. The pages searched are
 * the shared tree the view computes for every page (label filters, restrictions, the creator's read
 * right on restricted pages), and a page's text is searched only when the creator's read right on it
 * is confirmed (the cached check every page view makes). The text searched is the sanitized page as
 * the visitor would see it, never the raw source. The work is bounded: titles of the whole tree, the
 * text of at most MAX_SEARCHED_PAGES pages, each cut at MAX_SEARCHED_BODY_BYTES, and an hourly cap of
 * searches per link.
 */
import { creatorAccessFor } from '../app/view/creator-access';
import type { PageContent } from '../app/ports';
import type { ViewPermissions } from '../core/policy';
import type { HttpResponse } from './http';
import { stripUnsafeCharacters } from './render/escape';
import { renderSearchPage, type SearchResult } from './render/pages';
import { textOfMarkup } from './render/toc';
import { htmlResponse } from './responses';
import { loadPageScope, navOfTree } from './content-view';
import type { ShareContext } from './share-context';
import { cookiesToRefresh, messageResponse } from './share-responses';

export const MAX_QUERY_LENGTH = 100;
/** Pages whose text one search reads from Confluence (the root's text comes with the tree). */
export const MAX_SEARCHED_PAGES = 25;
export const MAX_SEARCHED_BODY_BYTES = 256 * 1024;
export const SEARCHES_PER_LINK_PER_HOUR = 120;
const MAX_RESULTS = 50;
const READS_IN_FLIGHT = 6;
const SNIPPET_CONTEXT = 80;
const HOUR_MS = 60 * 60 * 1000;

/** The query as searched: NFKC, control and bidi characters removed, spaces collapsed, capped. */
export const normalizeQuery = (raw: string): string =>
  stripUnsafeCharacters(raw.normalize('NFKC')).replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_LENGTH);

/** Up to `limit` calls in flight; a failed call yields undefined. */
const settleLimited = async <T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<Array<R | undefined>> => {
  const results: Array<R | undefined> = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await run(items[index] as T).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

/** A stretch of `text` around the first match, split so the match can be highlighted. */
export const snippetAround = (text: string, query: string): SearchResult['snippet'] => {
  const lower = text.toLowerCase();
  // Lower-casing can change a string's length (rare scripts): then the snippet starts at the text's head.
  const at = lower.length === text.length ? lower.indexOf(query.toLowerCase()) : -1;
  if (at === -1) return null;
  const start = Math.max(0, at - SNIPPET_CONTEXT);
  const end = Math.min(text.length, at + query.length + SNIPPET_CONTEXT);
  return {
    before: `${start > 0 ? '…' : ''}${text.slice(start, at)}`,
    match: text.slice(at, at + query.length),
    after: `${text.slice(at + query.length, end)}${end < text.length ? '…' : ''}`,
  };
};

const overSearchCap = async (ctx: ShareContext): Promise<boolean> => {
  const hour = Math.floor(ctx.now / HOUR_MS);
  const count = await ctx.deps.store.counters.increment(`searches:${ctx.link.id}:${hour}`, (hour + 1) * HOUR_MS);
  return count > SEARCHES_PER_LINK_PER_HOUR;
};

export const searchShare = async (ctx: ShareContext, permissions: ViewPermissions): Promise<HttpResponse> => {
  const query = normalizeQuery(ctx.req.query['q']?.[0] ?? '');
  const loaded = await loadPageScope(ctx, permissions, null, { comments: false, attachments: false, creator: false, countView: false });
  if (!loaded.ok) return loaded.response;
  const { tree, page: root } = loaded.scope;
  const base = {
    branding: ctx.site.customization,
    action: ctx.urls.action(null, '/search'),
    ticket: ctx.sessionSource === 'ticket' ? ctx.ticket : null,
    query,
    nav: navOfTree(ctx, tree),
    rootUrl: ctx.urls.root(),
    pageCount: tree.nodes.size,
  };
  if (query === '') return htmlResponse(200, renderSearchPage({ ...base, results: null }), cookiesToRefresh(ctx), ctx.site.customization);
  if (await overSearchCap(ctx)) {
    return messageResponse(ctx, 429, 'Too many searches', 'Too many searches were made through this link. Try again later.', {
      url: ctx.urls.root(),
      label: 'Back to the page',
    });
  }

  const { sanitizePageHtml } = await import('./content-sanitizer');
  const nodes = [...tree.nodes.values()];
  const searched = nodes.slice(0, MAX_SEARCHED_PAGES + 1);
  const others = searched.filter((node) => node.id !== root.id).map((node) => node.id);
  // The creator's read right on every page whose text is read (the same cached check page views use).
  const readable = others.length > 0 ? await creatorAccessFor(ctx.deps, ctx.link, ctx.now).check(others).catch(() => new Map<string, boolean | undefined>()) : new Map<string, boolean | undefined>();
  const allowed = others.filter((id) => readable.get(id) === true);
  const bodies = await settleLimited(allowed, READS_IN_FLIGHT, (id) => ctx.deps.content.getPage(id, { spaceKey: ctx.link.spaceKey }));
  const bodyOf = new Map<string, PageContent>([[root.id, root]]);
  allowed.forEach((id, i) => {
    const page = bodies[i];
    // A page moved to another space since the tree was cached is not searched.
    if (page && page.id === id && page.status === 'current' && page.spaceId === root.spaceId) bodyOf.set(id, page);
  });
  const noLinks = { pageUrl: () => null, imageUrl: () => null, attachmentUrl: () => null };
  const textOf = (page: PageContent): string => {
    const bytes = Buffer.from(page.bodyHtml, 'utf8');
    const cut = bytes.byteLength > MAX_SEARCHED_BODY_BYTES ? bytes.subarray(0, MAX_SEARCHED_BODY_BYTES).toString('utf8') : page.bodyHtml;
    return textOfMarkup(sanitizePageHtml(cut, noLinks));
  };

  const needle = query.toLowerCase();
  const results: SearchResult[] = [];
  for (const node of nodes) {
    if (results.length >= MAX_RESULTS) break;
    const title = stripUnsafeCharacters(node.title);
    const page = bodyOf.get(node.id);
    const snippet = page ? snippetAround(textOf(page), query) : null;
    if (snippet || title.toLowerCase().includes(needle)) results.push({ title, url: ctx.urls.page(node.id), snippet });
  }
  const textSearched = bodyOf.size;
  return htmlResponse(
    200,
    renderSearchPage({ ...base, results, textSearched, textNotSearched: nodes.length - textSearched }),
    cookiesToRefresh(ctx),
    ctx.site.customization,
  );
};
