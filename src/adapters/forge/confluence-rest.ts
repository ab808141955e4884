/**
 * Confluence Cloud REST adapter (ConfluenceContent as the app, ConfluenceRights as the calling user).
 *
 * It never imports @forge/api: forge-deps passes two RequestFn (asApp / asUser requestConfluence)
 * that accept the path strings built here. Every dynamic segment is validated and percent-encoded
 * before it reaches a path, so forge-deps may wrap them with assumeTrustedRoute.
 *
 * To verify on a real site (research/forge-facts.md §4, security.md §1.6 S8):
 * - `body-format=anonymous_export_view` on v2 GET /pages/{id} (we fall back to export_view when the
 *   body comes back without it);
 * - `/pages/{id}/descendants` max depth (we assume 5 and re-query below that level);
 * - the operation names: page `update`/`page`, space `administer`/`space`, and v1
 *   user/current?expand=operations `administer`/`application` for Confluence admins;
 * - v1 child/attachment upload through asApp (multipart body as ArrayBuffer).
 */
import * as z from 'zod/mini';
import { DomainError } from '../../core/errors';
import type {
  Attachment,
  AttachmentData,
  ChildPage,
  ConfluenceContent,
  ConfluenceRights,
  PageComment,
  PageContent,
  PageSummary,
  SpaceInfo,
  UserInfo,
} from '../../app/ports';

export interface RestHeaders {
  get(name: string): string | null;
}

export interface RestResponse {
  ok: boolean;
  status: number;
  headers: RestHeaders;
  json(): Promise<unknown>;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface RestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | ArrayBuffer;
}

/** One authenticated Confluence request; `path` starts with /wiki/ and is already safe. */
export type RequestFn = (path: string, init?: RestInit) => Promise<RestResponse>;

export interface ConfluenceRestOptions {
  /**
   * `anonymous_export_view` renders macros as an anonymous visitor would see them (include/excerpt
   * macros of restricted pages, user-specific macros stay empty), which is the right posture for an
   * anonymous share. `export_view` renders as the app user. Default: anonymous, falling back to
   * export_view when the site does not return that representation.
   */
  bodyFormat?: 'anonymous_export_view' | 'export_view';
  /** Largest attachment the adapter downloads (web trigger responses are capped at 5 MB). */
  maxDownloadBytes?: number;
  /** Parallel requests for per-page lookups (labels, restrictions). */
  concurrency?: number;
  /** When set, rights checks refuse any other accountId: asUser always acts as the invoking user. */
  invokingAccountId?: string;
  /** Display name used for comments the app posts. */
  appDisplayName?: string;
}

const DEFAULT_MAX_DOWNLOAD = 4 * 1024 * 1024;
const MAX_LIST_PAGES = 50;
const DESCENDANTS_DEPTH = 5;

// ---------------------------------------------------------------------------------------------
// Plain text from storage format (comments have no HTML view in v2)

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…',
  rarr: '→', larr: '←', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', bull: '•', middot: '·',
  copy: '©', reg: '®', trade: '™', times: '×', euro: '€', pound: '£',
};

const decodeEntities = (text: string): string =>
  text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : '\uFFFD';
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });

/**
 * Converts Confluence storage XHTML to plain text: block ends become line breaks, macro parameters
 * and scripts are dropped, mentions become "@user", entities are decoded. The result contains no
 * markup but may contain `<` typed by the author: renderers must still HTML-escape it.
 */
export const storageToPlainText = (storage: string): string => {
  let s = storage.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, inner: string) =>
    inner.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  );
  s = s
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<ac:parameter\b[\s\S]*?<\/ac:parameter\s*>/gi, '')
    .replace(/<ri:user\b[^>]*>/gi, '@user')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '• ')
    .replace(/<\/(p|div|li|h[1-6]|tr|blockquote|pre|table|ul|ol)\s*>/gi, '\n')
    .replace(/<\/?[a-z!?][^>]*>/gi, '');
  s = decodeEntities(s)
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[ \t\u00a0]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
  return s.trim();
};

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Plain text → storage paragraphs (newlines kept as <br/>). */
export const plainTextToStorage = (text: string): string =>
  text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((para) => `<p>${para.split('\n').map(escapeXml).join('<br/>')}</p>`)
    .join('');

// ---------------------------------------------------------------------------------------------
// Paths

const PAGE_ID = /^[0-9]{1,20}$/;
const ATTACHMENT_ID = /^(att)?[0-9]{1,20}$/;
const SPACE_KEY = /^[A-Za-z0-9_~-]{1,255}$/;
const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;

/** Tagged template: percent-encodes every value; refuses empty values and dot segments. */
const path = (strings: TemplateStringsArray, ...values: (string | number)[]): string =>
  strings.reduce((acc, part, i) => {
    if (i === 0) return part;
    const raw = String(values[i - 1]);
    if (raw === '' || raw === '.' || raw === '..') throw new DomainError('invalid_input', 'Invalid identifier.');
    return acc + encodeURIComponent(raw) + part;
  }, '');

/** `_links.next` from Confluence, accepted only as a same-API relative path. */
const nextPath = (next: string | undefined, expectedPrefix: string): string | undefined => {
  if (!next) return undefined;
  const full = next.startsWith('/wiki/') ? next : `/wiki${next.startsWith('/') ? '' : '/'}${next}`;
  if (!full.startsWith(expectedPrefix) || full.includes('..') || full.includes('//') || /[\s\\#]/.test(full)) {
    throw new DomainError('upstream_unavailable', 'Confluence returned an unexpected pagination link.');
  }
  return full;
};

// ---------------------------------------------------------------------------------------------
// Response shapes (only the fields we read; everything else passes through)

const id = z.pipe(z.union([z.string(), z.number()]), z.transform(String));
const linksSchema = z.optional(z.object({ next: z.optional(z.string()) }));
const labelSchema = z.object({ name: z.string(), prefix: z.optional(z.string()) });
const labelsSchema = z.object({
  results: z.array(labelSchema),
  meta: z.optional(z.object({ hasMore: z.optional(z.boolean()) })),
  _links: linksSchema,
});

const pageSchema = z.object({
  id,
  title: z.string(),
  status: z.string(),
  spaceId: id,
  parentId: z.nullish(id),
  authorId: z.nullish(z.string()),
  createdAt: z.nullish(z.string()),
  version: z.nullish(z.object({ number: z.number(), createdAt: z.nullish(z.string()) })),
  body: z.nullish(z.record(z.string(), z.nullish(z.object({ value: z.optional(z.string()) })))),
  labels: z.nullish(labelsSchema),
});

const spaceSchema = z.object({ id, key: z.string(), name: z.string() });
const spaceListSchema = z.object({ results: z.array(spaceSchema) });

const descendantSchema = z.object({
  id,
  title: z._default(z.optional(z.string()), ''),
  type: z.string(),
  status: z._default(z.optional(z.string()), 'current'),
  parentId: z.nullish(id),
  depth: z.optional(z.number()),
});
const descendantListSchema = z.object({ results: z.array(descendantSchema), _links: linksSchema });

const restrictionSideSchema = z.optional(z.object({ results: z.optional(z.array(z.unknown())), size: z.optional(z.number()) }));
const readRestrictionSchema = z.object({
  restrictions: z.optional(z.object({ user: restrictionSideSchema, group: restrictionSideSchema })),
});

const commentSchema = z.object({
  id,
  status: z.optional(z.string()),
  version: z.nullish(z.object({ authorId: z.nullish(z.string()), createdAt: z.nullish(z.string()) })),
  body: z.nullish(z.object({ storage: z.nullish(z.object({ value: z.optional(z.string()) })) })),
});
const commentListSchema = z.object({ results: z.array(commentSchema), _links: linksSchema });

const attachmentSchema = z.object({
  id,
  title: z.string(),
  status: z.optional(z.string()),
  mediaType: z.nullish(z.string()),
  fileSize: z.nullish(z.number()),
  createdAt: z.nullish(z.string()),
  pageId: z.nullish(id),
  downloadLink: z.nullish(z.string()),
});
const attachmentListSchema = z.object({ results: z.array(attachmentSchema), _links: linksSchema });

const v1AttachmentSchema = z.object({
  results: z.array(
    z.object({
      id,
      title: z.string(),
      metadata: z.optional(z.object({ mediaType: z.optional(z.string()) })),
      extensions: z.optional(z.object({ mediaType: z.optional(z.string()), fileSize: z.optional(z.number()) })),
      version: z.optional(z.object({ when: z.optional(z.string()) })),
    }),
  ),
});

const userSchema = z.object({
  accountId: z.string(),
  displayName: z.optional(z.string()),
  publicName: z.optional(z.string()),
  email: z.nullish(z.string()),
});
const userBulkSchema = z.object({ results: z.array(userSchema) });
const operationSchema = z.object({ operation: z.string(), targetType: z.string() });
const operationsSchema = z.object({
  operations: z._default(z.optional(z.array(operationSchema)), []),
});
const currentUserSchema = z.object({
  accountId: z.string(),
  operations: z.nullish(z.array(operationSchema)),
});

// ---------------------------------------------------------------------------------------------
// Transport and error mapping

/** Statuses that mean "this content is not available to this caller", never a failure. */
const UNAVAILABLE = new Set([401, 403, 404, 410]);

const upstreamError = (res: RestResponse): DomainError => {
  if (res.status === 429) {
    const retryAfter = res.headers.get('retry-after');
    return new DomainError(
      'upstream_unavailable',
      'Confluence is rate limiting requests right now. Try again in a moment.',
      retryAfter ? [{ rule: 'retry-after', message: retryAfter }] : [],
    );
  }
  return new DomainError('upstream_unavailable', `Confluence answered with HTTP ${res.status}.`);
};

const send = async (request: RequestFn, p: string, init?: RestInit): Promise<RestResponse> => {
  try {
    return await request(p, init);
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new DomainError('upstream_unavailable', 'Confluence could not be reached.');
  }
};

const parse = async <S extends z.ZodMiniType>(res: RestResponse, schema: S): Promise<z.output<S>> => {
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new DomainError('upstream_unavailable', 'Confluence returned a response that is not JSON.');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new DomainError('upstream_unavailable', 'Confluence returned an unexpected response.');
  return parsed.data;
};

const JSON_HEADERS = { Accept: 'application/json' };

/** GET + parse; undefined when the content is unavailable (403/404…), DomainError otherwise. */
const getJson = async <S extends z.ZodMiniType>(
  request: RequestFn,
  p: string,
  schema: S,
): Promise<z.output<S> | undefined> => {
  const res = await send(request, p, { headers: JSON_HEADERS });
  if (res.ok) return parse(res, schema);
  if (UNAVAILABLE.has(res.status)) return undefined;
  throw upstreamError(res);
};

/** Follows `_links.next` (cursor pagination) until the last page or MAX_LIST_PAGES. */
const collect = async <T>(
  request: RequestFn,
  first: string,
  schema: z.ZodMiniType<{ results: T[]; _links?: { next?: string } | undefined }>,
): Promise<T[] | undefined> => {
  const prefix = first.slice(0, first.indexOf('?') === -1 ? first.length : first.indexOf('?'));
  const items: T[] = [];
  let next: string | undefined = first;
  for (let pageNo = 0; next && pageNo < MAX_LIST_PAGES; pageNo += 1) {
    const body: { results: T[]; _links?: { next?: string } | undefined } | undefined = await getJson(request, next, schema);
    if (!body) return pageNo === 0 ? undefined : items;
    items.push(...body.results);
    next = nextPath(body._links?.next, prefix);
  }
  return items;
};

/** Runs fn over items with at most `limit` in flight; keeps order. */
export const mapLimited = async <T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let cursor = 0;
  const worker = async (): Promise<void> => {
    while (cursor < items.length) {
      const index = cursor;
      cursor += 1;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
};

const epoch = (value: string | null | undefined): number => {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : 0;
};

const PAGE_STATUSES = new Set<PageSummary['status']>(['current', 'trashed', 'deleted', 'archived', 'draft']);
const pageStatus = (status: string): PageSummary['status'] =>
  status === 'historical' ? 'current' : PAGE_STATUSES.has(status as PageSummary['status']) ? (status as PageSummary['status']) : 'draft';

const visibleLabels = (labels: readonly z.infer<typeof labelSchema>[]): string[] =>
  labels.filter((l) => l.prefix !== 'my').map((l) => l.name);

const DESCENDANT_COLLECTIONS: Record<string, string> = {
  page: 'pages',
  folder: 'folders',
  whiteboard: 'whiteboards',
  database: 'databases',
  embed: 'embeds',
};

// ---------------------------------------------------------------------------------------------

export const createConfluenceRest = (
  request: { asApp: RequestFn; asUser: RequestFn },
  options: ConfluenceRestOptions = {},
): { content: ConfluenceContent; rights: ConfluenceRights } => {
  const { asApp, asUser } = request;
  const bodyFormat = options.bodyFormat ?? 'anonymous_export_view';
  const maxDownload = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD;
  const concurrency = options.concurrency ?? 8;
  const appDisplayName = options.appDisplayName ?? 'Secure Share';

  // Per-adapter (= per-invocation) caches: never shared across tenants.
  const spacesById = new Map<string, Promise<SpaceInfo | undefined>>();

  const spaceById = (requester: RequestFn, spaceId: string): Promise<SpaceInfo | undefined> => {
    const cacheKey = `${requester === asApp ? 'app' : 'user'}:${spaceId}`;
    let cached = spacesById.get(cacheKey);
    if (!cached) {
      cached = getJson(requester, path`/wiki/api/v2/spaces/${spaceId}`, spaceSchema);
      spacesById.set(cacheKey, cached);
    }
    return cached;
  };

  const spaceByKey = async (requester: RequestFn, spaceKey: string): Promise<SpaceInfo | undefined> => {
    if (!SPACE_KEY.test(spaceKey)) return undefined;
    const list = await getJson(requester, path`/wiki/api/v2/spaces?keys=${spaceKey}&limit=${1}`, spaceListSchema);
    return list?.results.find((s) => s.key === spaceKey);
  };

  const pageLabels = async (pageId: string): Promise<string[] | undefined> => {
    const labels = await collect(asApp, path`/wiki/api/v2/pages/${pageId}/labels?limit=${250}`, labelsSchema);
    return labels ? visibleLabels(labels) : undefined;
  };

  /** v1 only. Unreadable restrictions count as restricted (fail closed). */
  const isReadRestricted = async (pageId: string): Promise<boolean> => {
    const body = await getJson(asApp, path`/wiki/rest/api/content/${pageId}/restriction/byOperation/read`, readRestrictionSchema);
    if (!body) return true;
    const count = (side: z.infer<typeof restrictionSideSchema>): number => side?.size ?? side?.results?.length ?? 0;
    return count(body.restrictions?.user) + count(body.restrictions?.group) > 0;
  };

  const summaryOf = (page: z.infer<typeof pageSchema>, space: SpaceInfo): PageSummary => ({
    id: page.id,
    title: page.title,
    spaceId: page.spaceId,
    spaceKey: space.key,
    parentId: page.parentId ?? null,
    status: pageStatus(page.status),
  });

  const fetchPage = (requester: RequestFn, pageId: string, format: string | undefined, statuses: string) =>
    getJson(
      requester,
      format
        ? `${path`/wiki/api/v2/pages/${pageId}?body-format=${format}&include-labels=${'true'}`}&${statuses}`
        : `${path`/wiki/api/v2/pages/${pageId}`}?${statuses}`,
      pageSchema,
    );

  const ANY_LIVE_STATUS = 'status=current&status=archived&status=trashed';

  /** Descendants of one node, re-querying below the endpoint's depth limit. */
  const rawDescendants = async (
    collection: string,
    nodeId: string,
  ): Promise<z.infer<typeof descendantSchema>[] | undefined> => {
    const items = await collect(
      asApp,
      path`/wiki/api/v2/${collection}/${nodeId}/descendants?limit=${250}&depth=${DESCENDANTS_DEPTH}`,
      descendantListSchema,
    );
    if (!items) return undefined;
    const byId = new Map(items.map((item) => [item.id, item]));
    const depthOf = (item: z.infer<typeof descendantSchema>): number => {
      if (item.depth !== undefined) return item.depth;
      let depth = 1;
      for (let p = item.parentId ? byId.get(item.parentId) : undefined; p; p = p.parentId ? byId.get(p.parentId) : undefined) {
        depth += 1;
        if (depth > items.length) break;
      }
      return depth;
    };
    const frontier = items.filter((item) => depthOf(item) >= DESCENDANTS_DEPTH && DESCENDANT_COLLECTIONS[item.type]);
    const deeper = await Promise.all(
      frontier.map((item) => rawDescendants(DESCENDANT_COLLECTIONS[item.type] as string, item.id)),
    );
    return [...items, ...deeper.flatMap((d) => d ?? [])];
  };

  const content: ConfluenceContent = {
    async getPage(pageId) {
      if (!PAGE_ID.test(pageId)) return undefined;
      let page = await fetchPage(asApp, pageId, bodyFormat, ANY_LIVE_STATUS);
      if (page && page.body?.[bodyFormat]?.value === undefined && bodyFormat !== 'export_view') {
        page = await fetchPage(asApp, pageId, 'export_view', ANY_LIVE_STATUS);
      }
      if (!page) return undefined;
      const [space, moreLabels] = await Promise.all([
        spaceById(asApp, page.spaceId),
        page.labels?.meta?.hasMore ? pageLabels(pageId) : Promise.resolve(undefined),
      ]);
      if (!space) return undefined;
      const body = page.body?.[bodyFormat]?.value ?? page.body?.export_view?.value ?? '';
      const result: PageContent = {
        ...summaryOf(page, space),
        bodyHtml: body,
        labels: moreLabels ?? visibleLabels(page.labels?.results ?? []),
        authorId: page.authorId ?? '',
        createdAt: epoch(page.createdAt),
        updatedAt: epoch(page.version?.createdAt ?? page.createdAt),
        version: page.version?.number ?? 1,
      };
      return result;
    },

    async getDescendants(rootId) {
      if (!PAGE_ID.test(rootId)) return [];
      const [root, items] = await Promise.all([
        fetchPage(asApp, rootId, undefined, ANY_LIVE_STATUS),
        rawDescendants('pages', rootId),
      ]);
      if (!root || !items) return [];
      const space = await spaceById(asApp, root.spaceId);
      if (!space) return [];
      const byId = new Map(items.map((item) => [item.id, item]));
      // Pages below folders/whiteboards are re-parented to the nearest page ancestor, so the view
      // layer's tree walk sees an unbroken chain; anything below a non-current page is dropped.
      const pageParent = (item: z.infer<typeof descendantSchema>): string | null | 'hidden' => {
        let parentId = item.parentId ?? null;
        for (let hops = 0; parentId !== null && parentId !== rootId && hops <= items.length; hops += 1) {
          const parent = byId.get(parentId);
          if (!parent) return 'hidden';
          if (parent.status !== 'current') return 'hidden';
          if (parent.type === 'page') return parent.id;
          parentId = parent.parentId ?? null;
        }
        return parentId === rootId ? rootId : 'hidden';
      };
      const pages = items.flatMap((item) => {
        if (item.type !== 'page' || item.status !== 'current') return [];
        const parentId = pageParent(item);
        return parentId === 'hidden' || parentId === null ? [] : [{ item, parentId }];
      });
      const unique = [...new Map(pages.map((p) => [p.item.id, p])).values()];
      // Labels and restrictions have no batch endpoint: 2 lookups per page, `concurrency` in flight.
      const lookups = unique.flatMap(({ item }) => [
        { kind: 'labels' as const, pageId: item.id },
        { kind: 'restricted' as const, pageId: item.id },
      ]);
      const answers = await mapLimited(lookups, concurrency, (l): Promise<string[] | boolean | undefined> =>
        l.kind === 'labels' ? pageLabels(l.pageId) : isReadRestricted(l.pageId),
      );
      return unique.map(({ item, parentId }, i): ChildPage => {
        const labels = answers[2 * i] as string[] | undefined;
        const viewRestricted = answers[2 * i + 1] as boolean;
        return {
          id: item.id,
          title: item.title,
          spaceId: space.id,
          spaceKey: space.key,
          parentId,
          status: 'current',
          labels: labels ?? [],
          // A page whose labels the app cannot read is treated as restricted too.
          viewRestricted: viewRestricted || labels === undefined,
        };
      });
    },

    async listComments(pageId) {
      if (!PAGE_ID.test(pageId)) return [];
      const comments = await collect(
        asApp,
        path`/wiki/api/v2/pages/${pageId}/footer-comments?body-format=${'storage'}&limit=${100}`,
        commentListSchema,
      );
      const live = (comments ?? []).filter((c) => (c.status ?? 'current') === 'current');
      const authorIds = [...new Set(live.map((c) => c.version?.authorId).filter((a): a is string => !!a && ACCOUNT_ID.test(a)))];
      const names = new Map<string, string>();
      for (let i = 0; i < authorIds.length; i += 100) {
        const chunk = authorIds.slice(i, i + 100);
        const query = chunk.map((a) => `accountId=${encodeURIComponent(a)}`).join('&');
        const users = await getJson(asApp, `/wiki/rest/api/user/bulk?${query}`, userBulkSchema);
        for (const u of users?.results ?? []) names.set(u.accountId, u.displayName ?? u.publicName ?? 'Confluence user');
      }
      return live.map(
        (c): PageComment => ({
          id: c.id,
          pageId,
          authorName: (c.version?.authorId && names.get(c.version.authorId)) || 'Confluence user',
          createdAt: epoch(c.version?.createdAt),
          bodyText: storageToPlainText(c.body?.storage?.value ?? ''),
        }),
      );
    },

    async addComment(pageId, text) {
      if (!PAGE_ID.test(pageId)) throw new DomainError('not_found', 'The page is not available.');
      const res = await send(asApp, '/wiki/api/v2/footer-comments', {
        method: 'POST',
        headers: { ...JSON_HEADERS, 'Content-Type': 'application/json' },
        body: JSON.stringify({ pageId, body: { representation: 'storage', value: plainTextToStorage(text) } }),
      });
      if (UNAVAILABLE.has(res.status)) throw new DomainError('not_found', 'The page is not available.');
      if (res.status === 400 || res.status === 413) throw new DomainError('invalid_input', 'Confluence rejected the comment.');
      if (!res.ok) throw upstreamError(res);
      const created = await parse(res, commentSchema);
      return {
        id: created.id,
        pageId,
        authorName: appDisplayName,
        createdAt: epoch(created.version?.createdAt) || Date.now(),
        bodyText: storageToPlainText(created.body?.storage?.value ?? plainTextToStorage(text)),
      };
    },

    async listAttachments(pageId) {
      if (!PAGE_ID.test(pageId)) return [];
      const items = await collect(asApp, path`/wiki/api/v2/pages/${pageId}/attachments?limit=${250}`, attachmentListSchema);
      return (items ?? [])
        .filter((a) => (a.status ?? 'current') === 'current')
        .map(
          (a): Attachment => ({
            id: a.id,
            pageId,
            title: a.title,
            mediaType: a.mediaType ?? 'application/octet-stream',
            fileSize: a.fileSize ?? 0,
            createdAt: epoch(a.createdAt),
          }),
        );
    },

    async downloadAttachment(pageId, attachmentId) {
      if (!PAGE_ID.test(pageId) || !ATTACHMENT_ID.test(attachmentId)) return undefined;
      const meta = await getJson(asApp, path`/wiki/api/v2/attachments/${attachmentId}`, attachmentSchema);
      // The attachment must belong to the page the link shares, whatever id the visitor asked for.
      if (!meta || meta.pageId !== pageId || (meta.status ?? 'current') !== 'current' || !meta.downloadLink) return undefined;
      if ((meta.fileSize ?? 0) > maxDownload) {
        throw new DomainError('payload_too_large', 'This attachment is too large to download through the share link.');
      }
      if (!meta.downloadLink.startsWith('/download/attachments/') || meta.downloadLink.includes('..')) return undefined;
      const res = await send(asApp, `/wiki${meta.downloadLink}`);
      if (UNAVAILABLE.has(res.status)) return undefined;
      if (!res.ok) throw upstreamError(res);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.byteLength > maxDownload) {
        throw new DomainError('payload_too_large', 'This attachment is too large to download through the share link.');
      }
      return { mediaType: meta.mediaType ?? 'application/octet-stream', fileName: meta.title, bytes };
    },

    async uploadAttachment(pageId, file: AttachmentData, comment) {
      if (!PAGE_ID.test(pageId)) throw new DomainError('not_found', 'The page is not available.');
      const boundary = `----secure-share-${globalThis.crypto.randomUUID()}`;
      const body = multipartBody(boundary, [
        { name: 'file', fileName: file.fileName, contentType: file.mediaType, data: file.bytes },
        { name: 'comment', data: new TextEncoder().encode(comment) },
        { name: 'minorEdit', data: new TextEncoder().encode('true') },
      ]);
      const res = await send(asApp, path`/wiki/rest/api/content/${pageId}/child/attachment`, {
        method: 'POST',
        headers: {
          ...JSON_HEADERS,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'X-Atlassian-Token': 'no-check',
        },
        body,
      });
      if (UNAVAILABLE.has(res.status)) throw new DomainError('not_found', 'The page is not available.');
      if (res.status === 400) {
        const detail = await res.text().catch(() => '');
        if (/same file name|already exists/i.test(detail)) {
          throw new DomainError('already_exists', `An attachment named "${file.fileName}" already exists on this page.`);
        }
        throw new DomainError('invalid_input', 'Confluence rejected the attachment.');
      }
      if (res.status === 413) throw new DomainError('payload_too_large', 'The attachment is too large for Confluence.');
      if (!res.ok) throw upstreamError(res);
      const created = (await parse(res, v1AttachmentSchema)).results[0];
      if (!created) throw new DomainError('upstream_unavailable', 'Confluence did not confirm the upload.');
      return {
        id: created.id,
        pageId,
        title: created.title,
        mediaType: created.extensions?.mediaType ?? created.metadata?.mediaType ?? file.mediaType,
        fileSize: created.extensions?.fileSize ?? file.bytes.byteLength,
        createdAt: epoch(created.version?.when) || Date.now(),
      };
    },

    getSpace: (spaceKey) => spaceByKey(asApp, spaceKey),

    async getUser(accountId): Promise<UserInfo | undefined> {
      if (!ACCOUNT_ID.test(accountId)) return undefined;
      const user = await getJson(asApp, path`/wiki/rest/api/user?accountId=${accountId}`, userSchema);
      if (!user) return undefined;
      // Emails are usually hidden by the user's profile visibility; null is normal.
      return { accountId: user.accountId, displayName: user.displayName ?? user.publicName ?? 'Confluence user', email: user.email || null };
    },
  };

  const assertInvoker = (accountId: string): boolean =>
    ACCOUNT_ID.test(accountId) && (options.invokingAccountId === undefined || options.invokingAccountId === accountId);

  const hasOperation = (ops: z.infer<typeof operationsSchema> | undefined, operation: string, targetType: string): boolean =>
    ops?.operations.some((o) => o.operation === operation && o.targetType === targetType) ?? false;

  const rights: ConfluenceRights = {
    async pageViewable(accountId, pageId) {
      if (!assertInvoker(accountId) || !PAGE_ID.test(pageId)) return undefined;
      const page = await fetchPage(asUser, pageId, undefined, 'status=current&status=archived');
      if (!page) return undefined;
      const space = await spaceById(asUser, page.spaceId);
      return space ? summaryOf(page, space) : undefined;
    },
    async pageEditable(accountId, pageId) {
      if (!assertInvoker(accountId) || !PAGE_ID.test(pageId)) return undefined;
      const [page, ops] = await Promise.all([
        fetchPage(asUser, pageId, undefined, 'status=current'),
        getJson(asUser, path`/wiki/api/v2/pages/${pageId}/operations`, operationsSchema),
      ]);
      if (!page || !hasOperation(ops, 'update', 'page')) return undefined;
      const space = await spaceById(asUser, page.spaceId);
      return space ? summaryOf(page, space) : undefined;
    },
    async isSpaceAdmin(accountId, spaceKey) {
      if (!assertInvoker(accountId)) return false;
      const space = await spaceByKey(asUser, spaceKey);
      if (!space) return false;
      const ops = await getJson(asUser, path`/wiki/api/v2/spaces/${space.id}/operations`, operationsSchema);
      return hasOperation(ops, 'administer', 'space');
    },
    async isSiteAdmin(accountId) {
      if (!assertInvoker(accountId)) return false;
      const me = await getJson(asUser, '/wiki/rest/api/user/current?expand=operations', currentUserSchema);
      if (!me || me.accountId !== accountId) return false;
      return (me.operations ?? []).some((o) => o.operation === 'administer' && o.targetType === 'application');
    },
  };

  return { content, rights };
};

interface MultipartPart {
  name: string;
  fileName?: string;
  contentType?: string;
  data: Uint8Array;
}

/** multipart/form-data body as an ArrayBuffer (Forge RequestInit takes string | ArrayBuffer). */
export const multipartBody = (boundary: string, parts: MultipartPart[]): ArrayBuffer => {
  const encoder = new TextEncoder();
  // Quotes and line breaks would break out of the header; browsers encode them the same way.
  const headerValue = (v: string): string => v.replace(/"/g, '%22').replace(/[\r\n]/g, ' ');
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${headerValue(part.name)}"`;
    if (part.fileName !== undefined) head += `; filename="${headerValue(part.fileName)}"`;
    head += '\r\n';
    if (part.contentType) head += `Content-Type: ${headerValue(part.contentType)}\r\n`;
    chunks.push(encoder.encode(`${head}\r\n`), part.data, encoder.encode('\r\n'));
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out.buffer;
};
