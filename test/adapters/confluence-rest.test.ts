import { describe, expect, it } from 'vitest';
import {
  createConfluenceRest,
  mapLimited,
  multipartBody,
  storageToPlainText,
} from '../../src/adapters/forge/confluence-rest';
import { fakeConfluence, sentRequests, unexpected, type Route } from './support/fake-confluence';
import { retryAfterMs, retryingReads, type RequestFn } from '../../src/adapters/confluence/transport';
import { matchOperation, specProblems } from './support/openapi-paths';
import { CONFLUENCE_OPERATIONS } from '../contract/confluence-operations';
import { confluenceSpecs } from '../../src/dev/confluence-emulator/openapi';

const SPACE = { id: '98301', key: 'DEMO', name: 'Product Handbook' };
const page = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: `Page ${id}`,
  status: 'current',
  spaceId: '98301',
  parentId: '1',
  authorId: 'acc-1',
  createdAt: '2026-11-01T10:00:00.000Z',
  version: { number: 4, createdAt: '2026-11-20T10:00:00.000Z' },
  ...extra,
});

describe('storageToPlainText', () => {
  it('turns storage XHTML into safe plain text', () => {
    expect(
      storageToPlainText(
        '<p>Hello <strong>there</strong>&nbsp;&amp; welcome</p><p>Line<br/>break</p><ul><li>one</li><li>two</li></ul>',
      ),
    ).toBe('Hello there & welcome\nLine\nbreak\n• one\n• two');
    expect(storageToPlainText('<p>a<script>alert(1)</script>b</p>')).toBe('ab');
    expect(storageToPlainText('<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">js</ac:parameter><ac:plain-text-body><![CDATA[if (a < b) x();]]></ac:plain-text-body></ac:structured-macro>')).toBe('if (a < b) x();');
    // Entities decode once: an escaped tag stays text, never becomes markup at this layer.
    expect(storageToPlainText('<p>&amp;lt;b&amp;gt; &lt;img src=x onerror=alert(1)&gt; &#x1F600; &#0; &bogus;</p>')).toBe(
      '&lt;b&gt; <img src=x onerror=alert(1)> 😀 \uFFFD &bogus;',
    );
    expect(storageToPlainText('<p>Ping <ac:link><ri:user ri:account-id="557058:abc" /></ac:link> now</p>')).toBe('Ping @Confluence user now');
    expect(
      storageToPlainText('<p>Ping <ac:link><ri:user ri:account-id="557058:abc" /><ac:plain-text-link-body><![CDATA[old]]></ac:plain-text-link-body></ac:link> now</p>', (id) =>
        id === '557058:abc' ? 'Ann <Admin> & co' : undefined,
      ),
    ).toBe('Ping @Ann <Admin> & co now');
  });
});

describe('content: getPage', () => {
  it('fetches the page with the anonymous export body and labels, then the space', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1001?body-format=anonymous_export_view&include-labels=true&status=current&status=archived&status=trashed': {
        json: page('1001', {
          body: { anonymous_export_view: { value: '<p>Hi</p>', representation: 'anonymous_export_view' } },
          labels: { results: [{ name: 'public', prefix: 'global' }, { name: 'mine', prefix: 'my' }], meta: { hasMore: false } },
        }),
      },
      '/wiki/api/v2/spaces/98301': { json: SPACE },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const result = await content.getPage('1001');
    expect(result).toEqual({
      id: '1001',
      title: 'Page 1001',
      spaceId: '98301',
      spaceKey: 'DEMO',
      parentId: '1',
      status: 'current',
      bodyHtml: '<p>Hi</p>',
      labels: ['public'],
      authorId: 'acc-1',
      createdAt: Date.parse('2026-11-01T10:00:00.000Z'),
      updatedAt: Date.parse('2026-11-20T10:00:00.000Z'),
      version: 4,
    });
    expect(fake.calls).toHaveLength(2);
  });

  it('falls back to export_view when the anonymous representation is missing, and pages labels beyond 50', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/7?body-format=anonymous_export_view&include-labels=true&status=current&status=archived&status=trashed': {
        json: page('7', { body: {} }),
      },
      '/wiki/api/v2/pages/7?body-format=export_view&include-labels=true&status=current&status=archived&status=trashed': {
        json: page('7', {
          body: { export_view: { value: '<p>export</p>' } },
          labels: { results: [{ name: 'a', prefix: 'global' }], meta: { hasMore: true } },
        }),
      },
      '/wiki/api/v2/spaces/98301': { json: SPACE },
      '/wiki/api/v2/pages/7/labels?limit=250': {
        json: { results: [{ name: 'a', prefix: 'global' }], _links: { next: '/wiki/api/v2/pages/7/labels?limit=250&cursor=abc' } },
      },
      '/wiki/api/v2/pages/7/labels?limit=250&cursor=abc': { json: { results: [{ name: 'b', prefix: 'global' }], _links: {} } },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const result = await content.getPage('7');
    expect(result?.bodyHtml).toBe('<p>export</p>');
    expect(result?.labels).toEqual(['a', 'b']);
  });

  it('maps 404 to undefined, 401/403 to app_unauthorized, 429 and 5xx to upstream_unavailable, and refuses bad ids without a request', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/404\\?': () => ({ status: 404, json: {} }),
      '/wiki/api/v2/pages/403\\?': () => ({ status: 403, json: {} }),
      '/wiki/api/v2/pages/401\\?': () => ({ status: 401, json: {} }),
      '/wiki/api/v2/pages/429\\?': () => ({ status: 429, json: {}, headers: { 'retry-after': '7' } }),
      '/wiki/api/v2/pages/500\\?': () => ({ status: 500, json: {} }),
      '/wiki/api/v2/pages/666\\?': () => ({ json: { unexpected: true } }),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect(await content.getPage('404')).toBeUndefined();
    // Confluence refusing the app is not "page not found": the web edge shows it as temporarily unavailable.
    await expect(content.getPage('403')).rejects.toMatchObject({ code: 'app_unauthorized' });
    await expect(content.getPage('401')).rejects.toMatchObject({ code: 'app_unauthorized' });
    await expect(content.getPage('429')).rejects.toMatchObject({
      code: 'upstream_unavailable',
      details: [{ rule: 'retry-after', message: '7' }],
    });
    await expect(content.getPage('500')).rejects.toMatchObject({ code: 'upstream_unavailable' });
    await expect(content.getPage('666')).rejects.toMatchObject({ code: 'upstream_unavailable' });
    const before = fake.calls.length;
    expect(await content.getPage('../../rest/api/space')).toBeUndefined();
    expect(await content.getPage('12?x=1')).toBeUndefined();
    expect(fake.calls.length).toBe(before);
  });

  it('turns a transport failure into upstream_unavailable', async () => {
    const { content } = createConfluenceRest({
      asApp: async () => {
        throw new Error('socket hang up');
      },
      asUser: unexpected,
    });
    await expect(content.getPage('1')).rejects.toMatchObject({ code: 'upstream_unavailable' });
  });
});

describe('content: getDescendants', () => {
  const descendants = (items: Record<string, unknown>[], next?: string) => ({ json: { results: items, _links: next ? { next } : {} } });
  const node = (id: string, parentId: string, depth: number, extra: Record<string, unknown> = {}) => ({
    id, title: `T${id}`, type: 'page', status: 'current', parentId, depth, ...extra,
  });

  /** One v1 search result with the restriction (and label) expansions. */
  const hit = (id: string, opts: { restrictedTo?: string[]; labels?: string[]; noRestrictions?: boolean } = {}) => ({
    content: {
      id,
      type: 'page',
      ...(opts.noRestrictions
        ? {}
        : {
            restrictions: {
              read: {
                operation: 'read',
                restrictions: {
                  user: { results: (opts.restrictedTo ?? []).map((accountId) => ({ accountId })), size: (opts.restrictedTo ?? []).length },
                  group: { results: [], size: 0 },
                },
              },
            },
          }),
      ...(opts.labels ? { metadata: { labels: { results: opts.labels.map((name) => ({ name, prefix: 'global' })) } } } : {}),
    },
  });
  /** CQL `id in (…)` searches answered from `hits` (ids missing from it are not returned), 2 results per response. */
  const searchRoute = (hits: Record<string, ReturnType<typeof hit>>): Route => (p) => {
    if (!p.startsWith('/wiki/rest/api/search?')) return undefined;
    const cql = new URLSearchParams(p.slice(p.indexOf('?') + 1)).get('cql') ?? '';
    const ids = /^id in \(([0-9,]+)\) and type=page$/.exec(cql)?.[1]?.split(',') ?? [];
    const found = ids.flatMap((id) => (hits[id] ? [hits[id]] : []));
    const start = Number(/[?&]start=(\d+)/.exec(p)?.[1] ?? 0);
    const next = start + 2 < found.length ? `/rest/api/search?cql=${encodeURIComponent(cql)}&limit=2&start=${start + 2}` : undefined;
    return { json: { results: found.slice(start, start + 2), _links: next ? { next } : {} } };
  };

  it('reads the structure and every page\'s restrictions and labels in bulk: descendants + one paginated CQL search, no per-page lookups', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1?status=current&status=archived&status=trashed': { json: page('1', { parentId: null }) },
      '/wiki/api/v2/spaces/98301': { json: SPACE },
      '/wiki/api/v2/pages/1/descendants?limit=250&depth=10': descendants(
        [node('11', '1', 1), node('12', '11', 2), node('f1', '1', 1, { type: 'folder' })],
        '/wiki/api/v2/pages/1/descendants?limit=250&depth=10&cursor=c2',
      ),
      '/wiki/api/v2/pages/1/descendants?limit=250&depth=10&cursor=c2': descendants([
        node('13', 'f1', 2),
        node('14', '13', 3),
        node('15', '1', 1, { status: 'trashed' }),
        node('16', '15', 2),
        node('w1', '1', 1, { type: 'whiteboard' }),
      ]),
      '^/wiki/rest/api/search\\?': searchRoute({
        '11': hit('11', { labels: ['public'] }),
        '12': hit('12', { labels: ['internal', 'Public'] }),
        // 14 is missing from the search (not indexed yet, or hidden from the app): it fails closed.
        '13': hit('13', { restrictedTo: ['x'], labels: ['public'] }),
      }),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const tree = await content.getDescendants('1');
    expect(tree).toEqual([
      { id: '11', title: 'T11', spaceId: '98301', spaceKey: 'DEMO', parentId: '1', status: 'current', labels: ['public'], viewRestricted: false },
      { id: '12', title: 'T12', spaceId: '98301', spaceKey: 'DEMO', parentId: '11', status: 'current', labels: ['internal', 'Public'], viewRestricted: false },
      { id: '13', title: 'T13', spaceId: '98301', spaceKey: 'DEMO', parentId: '1', status: 'current', labels: ['public'], viewRestricted: true },
      { id: '14', title: 'T14', spaceId: '98301', spaceKey: 'DEMO', parentId: '13', status: 'current', labels: [], viewRestricted: true },
    ]);
    const searches = fake.calls.filter((c) => c.path.startsWith('/wiki/rest/api/search'));
    // One search by id for the current pages of the listing (15 is trashed; 16 is dropped below it later), then its next page.
    expect(searches[0]?.path).toBe(
      `/wiki/rest/api/search?cql=${encodeURIComponent('id in (11,12,13,14,16) and type=page')}&limit=200&expand=${encodeURIComponent(
        'content.restrictions.read.restrictions.user,content.restrictions.read.restrictions.group,content.metadata.labels',
      )}`,
    );
    expect(searches).toHaveLength(2);
    expect(fake.calls.filter((c) => /\/labels\?|restriction\/byOperation/.test(c.path))).toEqual([]);
    // The root read runs beside the listing.
    expect(fake.maxInFlight()).toBeGreaterThanOrEqual(2);
  });

  it('asks for no labels without a label filter, reports only the filtered labels, and caps pages before any lookup', async () => {
    const many = Array.from({ length: 5 }, (_, i) => node(String(20 + i), '1', 1));
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1?status=current&status=archived&status=trashed': { json: page('1', { parentId: null }) },
      '/wiki/api/v2/pages/1/descendants?limit=250&depth=10': descendants(many),
      '^/wiki/rest/api/search\\?': searchRoute({ '20': hit('20', { labels: ['Secret', 'other'] }), '21': hit('21'), '22': hit('22'), '23': hit('23') }),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const noLabels = await content.getDescendants('1', { spaceKey: 'DEMO' }, { labels: [], maxPages: 3 });
    expect(noLabels.map((p) => [p.id, p.labels, p.viewRestricted])).toEqual([
      ['20', [], false],
      ['21', [], false],
      ['22', [], false],
    ]);
    const firstSearch = fake.calls.find((c) => c.path.startsWith('/wiki/rest/api/search'))?.path ?? '';
    expect(decodeURIComponent(firstSearch)).not.toContain('labels');
    // The listing stops at the cap; only the capped pages are searched; the space is never read.
    const capped = fake.calls.filter((c) => c.path.startsWith('/wiki/rest/api/search'));
    expect(decodeURIComponent(capped[0]?.path ?? '')).toContain('id in (20,21,22,23,24)');
    expect(fake.calls.some((c) => c.path.includes('/spaces/'))).toBe(false);

    const filtered = await content.getDescendants('1', { spaceKey: 'DEMO' }, { labels: ['secret'], maxPages: 1 });
    expect(filtered.map((p) => [p.id, p.labels])).toEqual([['20', ['Secret']]]);
  });

  it('searches each full hundred of ids as soon as the listing has them: the searches overlap the listing', async () => {
    const first = Array.from({ length: 120 }, (_, i) => node(String(200 + i), '1', 1));
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1?status=current&status=archived&status=trashed': { json: page('1', { parentId: null }) },
      '/wiki/api/v2/pages/1/descendants?limit=250&depth=10': descendants(first, '/wiki/api/v2/pages/1/descendants?limit=250&depth=10&cursor=c2'),
      '/wiki/api/v2/pages/1/descendants?limit=250&depth=10&cursor=c2': descendants([node('400', '1', 1)]),
      '^/wiki/rest/api/search\\?': searchRoute({}),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const pages = await content.getDescendants('1', { spaceKey: 'DEMO' }, { labels: [] });
    expect(pages).toHaveLength(121);
    const order = fake.calls.map((c) => (c.path.startsWith('/wiki/rest/api/search') ? `search:${decodeURIComponent(c.path).match(/id in \(([0-9]+)/)?.[1]}` : c.path));
    // The first hundred ids are searched before the listing's second page is asked for; the rest (21) after it.
    expect(order.indexOf('search:200')).toBeLessThan(order.indexOf('/wiki/api/v2/pages/1/descendants?limit=250&depth=10&cursor=c2'));
    expect(order.filter((o) => o.startsWith('search:'))).toEqual(['search:200', 'search:300']);
  });

  it('re-queries below the depth limit (depth=10, the spec maximum)', async () => {
    const chain = Array.from({ length: 10 }, (_, i) => node(String(i + 2), String(i + 1), i + 1));
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1?status=current&status=archived&status=trashed': { json: page('1') },
      '/wiki/api/v2/spaces/98301': { json: SPACE },
      '/wiki/api/v2/pages/1/descendants?limit=250&depth=10': descendants(chain),
      '/wiki/api/v2/pages/11/descendants?limit=250&depth=10': descendants([node('12', '11', 1)]),
      '^/wiki/rest/api/search\\?': searchRoute(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [String(i + 2), hit(String(i + 2))]))),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect((await content.getDescendants('1')).map((p) => [p.id, p.parentId, p.viewRestricted])).toEqual(
      Array.from({ length: 11 }, (_, i) => [String(i + 2), String(i + 1), false]),
    );
  });

  it('fails closed for a result whose restrictions did not come back', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1?status=current&status=archived&status=trashed': { json: page('1') },
      '/wiki/api/v2/spaces/98301': { json: SPACE },
      '/wiki/api/v2/pages/1/descendants?limit=250&depth=10': descendants([node('2', '1', 1), node('3', '1', 1)]),
      '^/wiki/rest/api/search\\?': searchRoute({ '2': hit('2', { noRestrictions: true }), '3': hit('3') }),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect((await content.getDescendants('1')).map((p) => [p.id, p.viewRestricted])).toEqual([
      ['2', true],
      ['3', false],
    ]);
  });

  it('refuses a pagination link that leaves the endpoint', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1?status=current&status=archived&status=trashed': { json: page('1') },
      '/wiki/api/v2/spaces/98301': { json: SPACE },
      '/wiki/api/v2/pages/1/descendants?limit=250&depth=10': descendants([node('2', '1', 1)], '/wiki/rest/api/user/current'),
      '^/wiki/rest/api/search\\?': searchRoute({ '2': hit('2') }),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    await expect(content.getDescendants('1')).rejects.toMatchObject({ code: 'upstream_unavailable' });
  });

  it('returns nothing when the app cannot read the root', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1\\?': () => ({ status: 404, json: {} }),
      '/wiki/api/v2/pages/1/descendants': () => ({ status: 404, json: {} }),
      '^/wiki/rest/api/search\\?': () => ({ json: { results: [] } }),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect(await content.getDescendants('1')).toEqual([]);
  });
});

describe('content: comments and attachments', () => {
  const comment = (id: string, authorId: string, storage: string, extra: Record<string, unknown> = {}) => ({
    id,
    status: 'current',
    version: { authorId, createdAt: `2026-11-0${id.slice(-1)}T10:00:00Z`, number: 1 },
    body: { storage: { value: storage, representation: 'storage' } },
    ...extra,
  });
  const list = (results: unknown[], next?: string) => ({ json: { results, _links: next ? { next } : {} } });

  /** A v1 comment (descendant/comment with body.storage, version, ancestors and the inline extensions expanded). */
  const v1Comment = (
    id: string,
    by: { accountId: string; accountType?: string; displayName?: string | null; publicName?: string },
    storage: string,
    extra: { ancestors?: string[]; location?: 'footer' | 'inline'; resolution?: string; selection?: string; status?: string } = {},
  ) => ({
    id,
    type: 'comment',
    status: extra.status ?? 'current',
    title: 'Re: Page 5',
    ancestors: (extra.ancestors ?? []).map((a) => ({ id: a, type: 'comment', status: 'current' })),
    version: { by: { type: 'known', accountType: 'atlassian', ...by }, when: `2026-11-0${id.slice(-1)}T10:00:00Z`, number: 1, minorEdit: false },
    body: { storage: { value: storage, representation: 'storage' } },
    extensions: {
      location: extra.location ?? 'footer',
      ...(extra.selection !== undefined ? { inlineProperties: { markerRef: `m-${id}`, originalSelection: extra.selection } } : {}),
      ...(extra.resolution !== undefined ? { resolution: { status: extra.resolution } } : {}),
    },
    _links: {},
  });
  const V1_LIST = '/wiki/rest/api/content/5/descendant/comment?depth=all&expand=body.storage%2Cversion%2Cancestors%2Cextensions.inlineProperties%2Cextensions.resolution&limit=250';
  const v1List = (results: unknown[], next?: string) => ({ json: { results, start: 0, limit: 250, size: results.length, _links: next ? { next } : {} } });

  it('reads every comment of a page in one v1 listing: threads at every level, open inline threads, authors from the listing', async () => {
    const ann = { accountId: 'a1', displayName: 'Ann' };
    const bob = { accountId: 'a2', displayName: null, publicName: 'Bob' };
    const cy = { accountId: 'a3', displayName: 'Cy' };
    const next = '/rest/api/content/5/descendant/comment?depth=all&expand=body.storage,version,ancestors,extensions.inlineProperties,extensions.resolution&limit=250&start=5';
    const fake = fakeConfluence({
      [V1_LIST]: v1List(
        [
          v1Comment('101', ann, '<p>One &amp; two</p>'),
          v1Comment('201', cy, '<p>Typo here</p>', { location: 'inline', resolution: 'open', selection: 'teh' }),
          v1Comment('103', bob, '<p>Reply</p>', { ancestors: ['101'] }),
          v1Comment('202', cy, '<p>Fixed</p>', { location: 'inline', resolution: 'resolved', selection: 'x' }),
          v1Comment('109', ann, 'x', { status: 'draft' }),
        ],
        next,
      ),
      [`/wiki${next}`]: v1List([
        // A reply to a reply: its nearest comment ancestor is its parent.
        v1Comment('104', ann, '<p>Reply to reply</p>', { ancestors: ['101', '103'] }),
        v1Comment('102', bob, '<p>Ask <ac:link><ri:user ri:account-id="a4" /></ac:link></p>'),
        v1Comment('203', ann, '<p>Thanks</p>', { ancestors: ['201'], location: 'inline' }),
        // Replies in a resolved thread stay hidden with it.
        v1Comment('205', ann, '<p>Hidden</p>', { ancestors: ['202'], location: 'inline' }),
      ]),
      // Only the mentioned person who wrote no comment is looked up.
      '/wiki/rest/api/user/bulk?accountId=a4': { json: { results: [{ accountId: 'a4', accountType: 'atlassian', displayName: 'Dee' }], start: 0, limit: 100, size: 1, _links: {} } },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const comments = await content.listComments('5');
    const at = (day: number) => Date.parse(`2026-11-0${day}T10:00:00Z`);
    const base = { pageId: '5', authorEmail: null, viaShare: false };
    expect(comments).toEqual([
      { ...base, id: '101', kind: 'footer', parentId: null, authorName: 'Ann', createdAt: at(1), bodyText: 'One & two' },
      { ...base, id: '103', kind: 'footer', parentId: '101', authorName: 'Bob', createdAt: at(3), bodyText: 'Reply' },
      { ...base, id: '104', kind: 'footer', parentId: '103', authorName: 'Ann', createdAt: at(4), bodyText: 'Reply to reply' },
      { ...base, id: '102', kind: 'footer', parentId: null, authorName: 'Bob', createdAt: at(2), bodyText: 'Ask @Dee' },
      { ...base, id: '201', kind: 'inline', parentId: null, authorName: 'Cy', createdAt: at(1), bodyText: 'Typo here', quote: 'teh' },
      { ...base, id: '203', kind: 'inline', parentId: '201', authorName: 'Ann', createdAt: at(3), bodyText: 'Thanks' },
    ]);
    expect(fake.calls.map((c) => c.path)).toEqual([V1_LIST, `/wiki${next}`, '/wiki/rest/api/user/bulk?accountId=a4']);
  });

  it('reads a recipient\'s name and verified email (v1 listing) only from comments this app posted', async () => {
    const header = '<p>From: Pat Partner<br/>Verified email: pat@partner.example<br/>(posted through a Secure Share link)</p><p>Looks good</p>';
    const fake = fakeConfluence({
      [V1_LIST]: v1List([
        v1Comment('101', { accountId: 'app-1', accountType: 'app', displayName: 'Secure Share' }, header),
        v1Comment('102', { accountId: 'other-app', accountType: 'app', displayName: 'Other App' }, header),
        v1Comment('103', { accountId: 'human', displayName: 'Hugo' }, header),
      ]),
      '/wiki/rest/api/user/current': { json: { type: 'known', accountId: 'app-1', accountType: 'app', displayName: 'Secure Share' } },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const [ours, other, human] = await content.listComments('5');
    expect(ours).toMatchObject({ authorName: 'Pat Partner', authorEmail: 'pat@partner.example', viaShare: true, bodyText: 'Looks good' });
    expect(other).toMatchObject({ authorName: 'Other App', authorEmail: null, viaShare: false });
    expect(human).toMatchObject({ authorName: 'Hugo', viaShare: false });
    expect(fake.calls.some((c) => c.path.includes('/user/bulk'))).toBe(false);
  });

  it('keeps only comments on this page when the v1 listing also names comments of child pages', async () => {
    const onPage = (id: string, pageId: string, parents: string[] = []) => ({
      ...v1Comment(id, { accountId: 'a1', displayName: 'Ann' }, `<p>${id}</p>`),
      ancestors: [{ id: pageId, type: 'page', status: 'current' }, ...parents.map((p) => ({ id: p, type: 'comment', status: 'current' }))],
    });
    const fake = fakeConfluence({ [V1_LIST]: v1List([onPage('101', '5'), onPage('102', '6'), onPage('103', '5', ['101']), onPage('104', '6', ['102'])]) });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect((await content.listComments('5')).map((c) => [c.id, c.parentId])).toEqual([
      ['101', null],
      ['103', '101'],
    ]);
  });

  for (const status of [401, 403, 500]) {
    it(`falls back to the v2 reads when the deprecated v1 listing answers ${status}`, async () => {
      const fake = fakeConfluence({
        'descendant/comment': () => ({ status, json: {} }),
        '/wiki/api/v2/pages/5/footer-comments?body-format=storage&limit=250': list([comment('101', 'a1', '<p>Hello</p>')]),
        '/wiki/api/v2/pages/5/inline-comments?body-format=storage&resolution-status=open&resolution-status=reopened&limit=250': list([]),
        'footer-comments/101/children': () => list([]),
        '/wiki/rest/api/user/bulk?accountId=a1': { json: { results: [{ accountId: 'a1', accountType: 'atlassian', displayName: 'Ann' }], start: 0, limit: 100, size: 1, _links: {} } },
      });
      const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
      expect((await content.listComments('5')).map((c) => [c.id, c.authorName])).toEqual([['101', 'Ann']]);
    });
  }

  /** The deprecated v1 listing no longer served (or the page gone): the v2 reads follow. */
  const v1Gone = { 'descendant/comment': () => ({ status: 410, json: {} }) };

  it('falls back to v2 when the v1 listing is not served: root footer comments, their replies, open inline comments with replies, names in one bulk call', async () => {
    const fake = fakeConfluence({
      ...v1Gone,
      '/wiki/api/v2/pages/5/footer-comments?body-format=storage&limit=250': list(
        [comment('101', 'a1', '<p>One &amp; two</p>'), comment('109', 'a1', 'x', { status: 'draft' })],
        '/wiki/api/v2/pages/5/footer-comments?body-format=storage&limit=250&cursor=n2',
      ),
      '/wiki/api/v2/pages/5/footer-comments?body-format=storage&limit=250&cursor=n2': list([
        comment('102', 'a2', '<p>Ask <ac:link><ri:user ri:account-id="a3" /></ac:link></p>'),
      ]),
      '/wiki/api/v2/pages/5/inline-comments?body-format=storage&resolution-status=open&resolution-status=reopened&limit=250': list([
        comment('201', 'a3', '<p>Typo here</p>', { resolutionStatus: 'open', properties: { inlineOriginalSelection: 'teh' } }),
        comment('202', 'a3', '<p>Fixed</p>', { resolutionStatus: 'resolved' }),
      ]),
      '/wiki/api/v2/footer-comments/101/children?body-format=storage&limit=250': list([
        comment('103', 'a2', '<p>Reply</p>', { parentCommentId: '101' }),
      ]),
      '/wiki/api/v2/footer-comments/103/children?body-format=storage&limit=250': list([
        comment('104', 'a1', '<p>Reply to reply</p>', { parentCommentId: '103' }),
      ]),
      'footer-comments/(102|104)/children': () => list([]),
      '/wiki/api/v2/inline-comments/201/children?body-format=storage&limit=250': list([
        comment('203', 'a1', '<p>Thanks</p>', { parentCommentId: '201' }),
      ]),
      'inline-comments/203/children': () => list([]),
      '/wiki/rest/api/user/bulk?accountId=a1,a2,a3': {
        json: {
          results: [
            { accountId: 'a1', accountType: 'atlassian', displayName: 'Ann', email: null },
            { accountId: 'a2', accountType: 'atlassian', displayName: null, publicName: 'Bob' },
            { accountId: 'a3', accountType: 'atlassian', displayName: 'Cy', timeZone: null },
          ],
          start: 0, limit: 100, size: 3, _links: {},
        },
      },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const comments = await content.listComments('5');
    const at = (day: number) => Date.parse(`2026-11-0${day}T10:00:00Z`);
    const base = { pageId: '5', authorEmail: null, viaShare: false };
    expect(comments).toEqual([
      { ...base, id: '101', kind: 'footer', parentId: null, authorName: 'Ann', createdAt: at(1), bodyText: 'One & two' },
      { ...base, id: '103', kind: 'footer', parentId: '101', authorName: 'Bob', createdAt: at(3), bodyText: 'Reply' },
      { ...base, id: '104', kind: 'footer', parentId: '103', authorName: 'Ann', createdAt: at(4), bodyText: 'Reply to reply' },
      { ...base, id: '102', kind: 'footer', parentId: null, authorName: 'Bob', createdAt: at(2), bodyText: 'Ask @Cy' },
      { ...base, id: '201', kind: 'inline', parentId: null, authorName: 'Cy', createdAt: at(1), bodyText: 'Typo here', quote: 'teh' },
      { ...base, id: '203', kind: 'inline', parentId: '201', authorName: 'Ann', createdAt: at(3), bodyText: 'Thanks' },
    ]);
    expect(fake.calls.filter((c) => c.path.includes('/user/bulk'))).toHaveLength(1);
    expect(fake.calls.some((c) => c.path.includes('/user/current'))).toBe(false);
  });

  it('shows the name and verified email a recipient gave for comments the app posted, and only for those (v2 fallback)', async () => {
    const header = '<p>From: Pat Partner<br/>Verified email: pat@partner.example<br/>(posted through a Secure Share link)</p><p>Looks good</p>';
    const fake = fakeConfluence({
      ...v1Gone,
      '/wiki/api/v2/pages/5/footer-comments?body-format=storage&limit=250': list([
        comment('101', 'app-1', header),
        comment('102', 'other-app', header),
        comment('103', 'human', header),
      ]),
      'inline-comments\\?': () => list([]),
      'children\\?': () => list([]),
      '/wiki/rest/api/user/bulk?accountId=app-1,other-app,human': {
        json: {
          results: [
            { accountId: 'app-1', accountType: 'app', displayName: 'Secure Share' },
            { accountId: 'other-app', accountType: 'app', displayName: 'Other App' },
            { accountId: 'human', accountType: 'atlassian', displayName: 'Hugo' },
          ],
        },
      },
      '/wiki/rest/api/user/current': { json: { type: 'known', accountId: 'app-1', accountType: 'app', displayName: 'Secure Share' } },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const [ours, other, human] = await content.listComments('5');
    expect(ours).toMatchObject({ authorName: 'Pat Partner', authorEmail: 'pat@partner.example', viaShare: true, bodyText: 'Looks good' });
    // Another app or a person typing the same lines stays the author of their comment.
    expect(other).toMatchObject({ authorName: 'Other App', authorEmail: null, viaShare: false });
    expect(human).toMatchObject({ authorName: 'Hugo', viaShare: false });
    expect(human?.bodyText).toContain('From: Pat Partner');
  });

  it('creates a footer comment as the app with escaped storage and the recipient header', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/footer-comments': (_p, init) => ({
        json: { id: '909', version: { createdAt: '2026-11-23T10:00:00Z' }, body: { storage: { value: JSON.parse(String(init?.body)).body.value } } },
      }),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const created = await content.addComment('5', '<script>x</script>\nnext', { name: 'Pat <b>', email: 'pat@partner.example' });
    const sent = JSON.parse(String(fake.calls[0]?.init?.body)) as { pageId: string; body: { representation: string; value: string } };
    expect(fake.calls[0]?.init?.method).toBe('POST');
    expect(sent).toEqual({
      pageId: '5',
      body: {
        representation: 'storage',
        value:
          '<p>From: Pat &lt;b&gt;<br/>Verified email: pat@partner.example<br/>(posted through a Secure Share link)</p><p>&lt;script&gt;x&lt;/script&gt;<br/>next</p>',
      },
    });
    expect(created).toMatchObject({ id: '909', authorName: 'Pat <b>', authorEmail: 'pat@partner.example', viaShare: true, bodyText: '<script>x</script>\nnext' });
    // An anonymous recipient without a proved address: no email line.
    await content.addComment('5', 'hi', { name: '', email: null });
    expect(JSON.parse(String(fake.calls[1]?.init?.body)).body.value).toBe('<p>From: Anonymous visitor<br/>(posted through a Secure Share link)</p><p>hi</p>');
  });

  it('downloads bytes through the v1 download operation, without a metadata read when the caller has the listing', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/5/attachments?limit=250': {
        json: { results: [{ id: 'att1', title: 'a.png', status: 'current', mediaType: 'image/png', fileSize: 3, createdAt: '2026-11-01T00:00:00Z', pageId: '5' }], _links: {} },
      },
      '/wiki/rest/api/content/5/child/attachment/att1/download': { bytes },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const [listed] = await content.listAttachments('5');
    expect(listed).toEqual({ id: 'att1', pageId: '5', title: 'a.png', mediaType: 'image/png', fileSize: 3, createdAt: Date.parse('2026-11-01T00:00:00Z') });
    expect(await content.downloadAttachment('5', 'att1', listed)).toEqual({ mediaType: 'image/png', fileName: 'a.png', bytes });
    expect(fake.calls.map((c) => c.path)).toEqual(['/wiki/api/v2/pages/5/attachments?limit=250', '/wiki/rest/api/content/5/child/attachment/att1/download']);
    // Metadata of another attachment or page never unlocks a download.
    expect(await content.downloadAttachment('5', 'att2', listed)).toBeUndefined();
    expect(await content.downloadAttachment('6', 'att1', listed)).toBeUndefined();
    await expect(content.downloadAttachment('5', 'att1', { ...listed!, fileSize: 50_000_000 })).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(fake.calls).toHaveLength(2);
  });

  it('without a listing, reads the metadata first and downloads only attachments of the page', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const fake = fakeConfluence({
      '/wiki/api/v2/attachments/att1': { json: { id: 'att1', title: 'a.png', mediaType: 'image/png', fileSize: 3, pageId: '5', status: 'current' } },
      '/wiki/api/v2/attachments/att2': { json: { id: 'att2', title: 'other.png', mediaType: 'image/png', fileSize: 3, pageId: '99', status: 'current' } },
      '/wiki/api/v2/attachments/att3': { json: { id: 'att3', title: 'big.bin', fileSize: 50_000_000, pageId: '5', status: 'current' } },
      '/wiki/api/v2/attachments/att4': { json: { id: 'att4', title: 'gone.png', mediaType: 'image/png', fileSize: 3, pageId: '5', status: 'current' } },
      '/wiki/api/v2/attachments/att5': { json: { id: 'att5', title: 'refused.png', mediaType: null, fileSize: null, pageId: '5', status: 'current' } },
      '/wiki/rest/api/content/5/child/attachment/att1/download': { bytes },
      '/wiki/rest/api/content/5/child/attachment/att4/download': { status: 404, json: {} },
      '/wiki/rest/api/content/5/child/attachment/att5/download': { status: 401, text: '' },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect(await content.downloadAttachment('5', 'att1')).toEqual({ mediaType: 'image/png', fileName: 'a.png', bytes });
    expect(await content.downloadAttachment('5', 'att2')).toBeUndefined();
    await expect(content.downloadAttachment('5', 'att3')).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(await content.downloadAttachment('5', 'att4')).toBeUndefined();
    // A 401 from the download is Confluence refusing the app, never "not found".
    await expect(content.downloadAttachment('5', 'att5')).rejects.toMatchObject({ code: 'app_unauthorized' });
    expect(await content.downloadAttachment('5', '../x')).toBeUndefined();
    expect(fake.calls.some((c) => c.path.includes('/99/') || c.path.includes('att2/download') || c.path.includes('att3/download'))).toBe(false);
  });

  it('uploads through v1 multipart with the no-check header and maps a duplicate name', async () => {
    const fake = fakeConfluence({
      '/wiki/rest/api/content/5/child/attachment': (_p, init) => {
        const text = new TextDecoder().decode(new Uint8Array(init?.body as ArrayBuffer));
        if (text.includes('filename="dup.txt"')) {
          return { status: 400, text: 'Cannot add a new attachment with same file name as an existing attachment: dup.txt' };
        }
        return { json: { results: [{ id: 'att77', type: 'attachment', status: 'current', title: 'hello.txt', extensions: { mediaType: 'text/plain', fileSize: 5 }, version: { when: '2026-11-23T10:00:00Z', number: 1, minorEdit: true } }], size: 1, _links: {} } };
      },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const file = { fileName: 'hello.txt', mediaType: 'text/plain', bytes: new TextEncoder().encode('hello') };
    const att = await content.uploadAttachment('5', file, 'Uploaded by a visitor');
    expect(att).toEqual({ id: 'att77', pageId: '5', title: 'hello.txt', mediaType: 'text/plain', fileSize: 5, createdAt: Date.parse('2026-11-23T10:00:00Z') });
    const init = fake.calls[0]?.init;
    expect(init?.method).toBe('POST');
    expect(init?.headers?.['X-Atlassian-Token']).toBe('no-check');
    const boundary = /boundary=(.+)$/.exec(init?.headers?.['Content-Type'] ?? '')?.[1];
    const sent = new TextDecoder().decode(new Uint8Array(init?.body as ArrayBuffer));
    expect(sent).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="hello.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n`);
    expect(sent).toContain('name="comment"\r\n\r\nUploaded by a visitor\r\n');
    expect(sent.endsWith(`--${boundary}--\r\n`)).toBe(true);
    await expect(content.uploadAttachment('5', { ...file, fileName: 'dup.txt' }, '')).rejects.toMatchObject({ code: 'already_exists' });
  });

  it('keeps hostile file names inside the multipart header', () => {
    const body = new TextDecoder().decode(
      new Uint8Array(multipartBody('b', [{ name: 'file', fileName: 'a"\r\nX-Evil: 1.txt', data: new Uint8Array() }])),
    );
    expect(body).toContain('filename="a%22  X-Evil: 1.txt"');
    expect(body.split('\r\n').some((line) => line.startsWith('X-Evil'))).toBe(false);
  });
});

describe('content: page states, space shortcut, people and permission checks', () => {
  const list = (results: unknown[]) => ({ json: { results, _links: {} } });
  it('skips the space read when the caller knows the space key', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1001?body-format=anonymous_export_view&include-labels=true&status=current&status=archived&status=trashed': {
        json: page('1001', { body: { anonymous_export_view: { value: '<p>Hi</p>' } }, labels: { results: [], meta: { hasMore: false } } }),
      },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect(await content.getPage('1001', { spaceKey: 'DEMO' })).toMatchObject({ id: '1001', spaceId: '98301', spaceKey: 'DEMO' });
    expect(fake.calls).toHaveLength(1);
  });

  it('reads page states in bulk without bodies, 250 ids per request, pages the app cannot see left out', async () => {
    const ids = Array.from({ length: 260 }, (_, i) => String(1000 + i));
    const fake = fakeConfluence({
      '^/wiki/api/v2/pages\\?': (p) => {
        const asked = new URLSearchParams(p.slice(p.indexOf('?') + 1)).getAll('id');
        // 1003 is hidden from the app: Confluence simply leaves it out.
        return list(asked.filter((id) => id !== '1003').map((id) => page(id, { status: id === '1001' ? 'trashed' : 'current' })));
      },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const states = await content.getPageStatuses([...ids, '1001', 'not-an-id']);
    expect(states).toHaveLength(259);
    expect(states.find((s) => s.id === '1001')).toEqual({ id: '1001', title: 'Page 1001', spaceId: '98301', status: 'trashed' });
    expect(states.some((s) => s.id === '1003')).toBe(false);
    expect(fake.calls).toHaveLength(2);
    for (const call of fake.calls) {
      expect(call.path).not.toContain('body-format');
      expect(call.path).toContain('status=current&status=archived&status=trashed&status=deleted&limit=250');
    }
    expect(new URLSearchParams(fake.calls[0]!.path.split('?')[1]).getAll('id')).toHaveLength(250);
    expect(await content.getPageStatuses([])).toEqual([]);
  });

  it('accepts the nullable v1 user fields and reads emails through user/email, null when that fails', async () => {
    const fake = fakeConfluence({
      '/wiki/rest/api/user?accountId=acc-1': { json: { type: 'known', accountId: 'acc-1', displayName: null, publicName: 'Ann P', email: null, timeZone: null, operations: null } },
      '/wiki/rest/api/user/email?accountId=acc-1': { json: { accountId: 'acc-1', email: 'ann@acme.example' } },
      '/wiki/rest/api/user/email?accountId=acc-2': { status: 400, text: 'not approved' },
      '/wiki/rest/api/user/email?accountId=acc-3': () => {
        throw new Error('socket hang up');
      },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect(await content.getUser('acc-1')).toEqual({ accountId: 'acc-1', displayName: 'Ann P', email: null });
    expect(await content.getUserEmail('acc-1')).toBe('ann@acme.example');
    expect(await content.getUserEmail('acc-2')).toBeNull();
    expect(await content.getUserEmail('acc-3')).toBeNull();
    expect(await content.getUserEmail('bad id')).toBeNull();
  });

  it('checks read permission for a user per page with the spec body, bounded, failures left out (fail closed)', async () => {
    const fake = fakeConfluence({
      'content/\\d+/permission/check$': (p, init) => {
        const id = /content\/(\d+)\//.exec(p)?.[1];
        const body = JSON.parse(String(init?.body)) as unknown;
        expect(body).toEqual({ subject: { type: 'user', identifier: 'acc-1' }, operation: 'read' });
        if (id === '3') return { status: 404, json: {} };
        if (id === '4') return { status: 500, json: {} };
        if (id === '5') return { json: { unexpected: true } };
        return { json: { hasPermission: id === '1', errors: [] } };
      },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected }, { concurrency: 2 });
    const result = await content.canRead('acc-1', ['1', '2', '3', '4', '5', '1', 'x']);
    expect([...result.entries()].sort()).toEqual([
      ['1', true],
      ['2', false],
      ['3', false],
    ]);
    expect(fake.maxInFlight()).toBe(2);
    expect(fake.calls.every((c) => c.init?.method === 'POST')).toBe(true);
    expect(fake.calls).toHaveLength(5);
  });

  it('a permission check Confluence refuses the app (403) is an app problem, not a "no"', async () => {
    const fake = fakeConfluence({ 'content/\\d+/permission/check$': () => ({ status: 403, json: {} }) });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    await expect(content.canRead('acc-1', ['1', '2'])).rejects.toMatchObject({ code: 'app_unauthorized' });
  });

  it('maps a refused comment or upload (401/403) to app_unauthorized and a missing page to not_found', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/footer-comments': (_p, init) => ({ status: JSON.parse(String(init?.body)).pageId === '5' ? 403 : 404, json: {} }),
      '/wiki/rest/api/content/5/child/attachment': { status: 401, text: '' },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    await expect(content.addComment('5', 'x', { name: '', email: null })).rejects.toMatchObject({ code: 'app_unauthorized' });
    await expect(content.addComment('6', 'x', { name: '', email: null })).rejects.toMatchObject({ code: 'not_found' });
    const file = { fileName: 'a.txt', mediaType: 'text/plain', bytes: new Uint8Array([1]) };
    await expect(content.uploadAttachment('5', file, '')).rejects.toMatchObject({ code: 'app_unauthorized' });
  });

  it('accepts an upload answer with a null version.when', async () => {
    const fake = fakeConfluence({
      '/wiki/rest/api/content/5/child/attachment': { json: { results: [{ id: 'att8', type: 'attachment', status: 'current', title: 'a.txt', version: { when: null, number: 1, minorEdit: true } }], size: 1, _links: {} } },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const att = await content.uploadAttachment('5', { fileName: 'a.txt', mediaType: 'text/plain', bytes: new Uint8Array([1]) }, '');
    expect(att).toMatchObject({ id: 'att8', title: 'a.txt', mediaType: 'text/plain', fileSize: 1 });
  });
});

describe('rights (as the calling user)', () => {
  it('requires the update operation for pageEditable and runs both calls in parallel', async () => {
    const user = fakeConfluence({
      '/wiki/api/v2/pages/5?status=current': { json: page('5') },
      '/wiki/api/v2/pages/5/operations': { json: { operations: [{ operation: 'read', targetType: 'page' }, { operation: 'update', targetType: 'page' }] } },
      '/wiki/api/v2/pages/6?status=current': { json: page('6') },
      '/wiki/api/v2/pages/6/operations': { json: { operations: [{ operation: 'read', targetType: 'page' }] } },
      '/wiki/api/v2/spaces/98301': { json: SPACE },
    });
    const { rights } = createConfluenceRest({ asApp: unexpected, asUser: user.request });
    expect(await rights.pageEditable('acc-1', '5')).toEqual({ id: '5', title: 'Page 5', spaceId: '98301', spaceKey: 'DEMO', parentId: '1', status: 'current' });
    expect(user.maxInFlight()).toBe(2);
    expect(await rights.pageEditable('acc-1', '6')).toBeUndefined();
  });

  it('treats a page the user cannot see as not viewable', async () => {
    const user = fakeConfluence({ '/wiki/api/v2/pages/5\\?': () => ({ status: 404, json: {} }) });
    const { rights } = createConfluenceRest({ asApp: unexpected, asUser: user.request });
    expect(await rights.pageViewable('acc-1', '5')).toBeUndefined();
  });

  it('checks space administer through the space operations', async () => {
    const user = fakeConfluence({
      '/wiki/api/v2/spaces?keys=DEMO&limit=1': { json: { results: [SPACE] } },
      '/wiki/api/v2/spaces/98301/operations': { json: { operations: [{ operation: 'administer', targetType: 'space' }] } },
      '/wiki/api/v2/spaces?keys=OPS&limit=1': { json: { results: [] } },
    });
    const { rights } = createConfluenceRest({ asApp: unexpected, asUser: user.request });
    expect(await rights.isSpaceAdmin('acc-1', 'DEMO')).toBe(true);
    expect(await rights.isSpaceAdmin('acc-1', 'OPS')).toBe(false);
    expect(await rights.isSpaceAdmin('acc-1', 'BAD KEY/..')).toBe(false);
  });

  it('detects Confluence admins from v1 user/current operations, for the same account only', async () => {
    const user = fakeConfluence({
      '/wiki/rest/api/user/current?expand=operations': {
        json: { accountId: 'acc-admin', operations: [{ operation: 'administer', targetType: 'application' }] },
      },
    });
    const { rights } = createConfluenceRest({ asApp: unexpected, asUser: user.request });
    expect(await rights.isSiteAdmin('acc-admin')).toBe(true);
    expect(await rights.isSiteAdmin('acc-other')).toBe(false);
  });

  it('refuses to check rights for anyone but the invoking user', async () => {
    const user = fakeConfluence({});
    const { rights } = createConfluenceRest({ asApp: unexpected, asUser: user.request }, { invokingAccountId: 'acc-1' });
    expect(await rights.pageEditable('acc-2', '5')).toBeUndefined();
    expect(await rights.isSiteAdmin('acc-2')).toBe(false);
    expect(user.calls).toHaveLength(0);
  });
});

describe('429 with Retry-After', () => {
  it('retries a read once after a short Retry-After, never a write, never after a long one', async () => {
    let pageCalls = 0;
    let commentCalls = 0;
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/7\\?': () => {
        pageCalls += 1;
        return pageCalls === 1 ? { status: 429, json: {}, headers: { 'retry-after': '0' } } : { json: page('7', { body: { anonymous_export_view: { value: '<p>ok</p>' } } }) };
      },
      '/wiki/api/v2/pages/8\\?': () => ({ status: 429, json: {}, headers: { 'retry-after': '30' } }),
      '/wiki/api/v2/footer-comments': () => {
        commentCalls += 1;
        return { status: 429, json: {}, headers: { 'retry-after': '0' } };
      },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect((await content.getPage('7', { spaceKey: 'DEMO' }))?.bodyHtml).toBe('<p>ok</p>');
    expect(pageCalls).toBe(2);
    await expect(content.getPage('8', { spaceKey: 'DEMO' })).rejects.toMatchObject({ code: 'upstream_unavailable', details: [{ rule: 'retry-after', message: '30' }] });
    expect(fake.calls.filter((c) => c.path.startsWith('/wiki/api/v2/pages/8?'))).toHaveLength(1);
    await expect(content.addComment('7', 'x', { name: '', email: null })).rejects.toMatchObject({ code: 'upstream_unavailable' });
    expect(commentCalls).toBe(1);
  });

  it('reads Retry-After as seconds or an HTTP date, and waits what it says', async () => {
    const waits: number[] = [];
    let n = 0;
    const inner: RequestFn = async () => {
      n += 1;
      const status = n === 1 ? 429 : 200;
      return { ok: status === 200, status, headers: { get: () => new Date(1_000_000 + 1500).toUTCString() }, json: async () => ({}), text: async () => '', arrayBuffer: async () => new ArrayBuffer(0) };
    };
    const request = retryingReads(inner, { now: () => 1_000_000, sleep: async (ms) => void waits.push(ms), random: () => 0 });
    expect((await request('/wiki/api/v2/pages/1')).status).toBe(200);
    expect(waits).toEqual([1000]); // HTTP dates have whole seconds: 1.5 s ahead rounds down to 1 s
    expect(retryAfterMs('2', 0)).toBe(2000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });
});

describe('mapLimited', () => {
  it('keeps order and bounds concurrency', async () => {
    let inFlight = 0;
    let max = 0;
    const out = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight += 1;
      max = Math.max(max, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(max).toBe(2);
  });
});

// Runs last: every request the tests above made the adapter send.
describe('contract with the OpenAPI specs', () => {
  it('every request sent in this file is a defined operation with parameters in range', () => {
    expect(sentRequests.length).toBeGreaterThan(50);
    const problems = sentRequests.flatMap(({ method, path, init }) => {
      const json = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      return specProblems(method, path, json);
    });
    expect(problems).toEqual([]);
  });

  it('every request sent in this file also passes the emulator ajv validator (bodies included)', async () => {
    const specs = confluenceSpecs();
    const refused: string[] = [];
    for (const { method, path, init } of sentRequests) {
      const check = await specs.checkRequest({ method, path, ...(init?.headers ? { headers: init.headers } : {}), ...(init?.body !== undefined ? { body: init.body } : {}) });
      if (!check.ok) refused.push(`${method} ${path}: ${check.reason}`);
    }
    expect(refused).toEqual([]);
  });

  it('every operation sent is in the table the manifest scopes are derived from (test/contract/confluence-operations.ts)', () => {
    const listed = new Set(CONFLUENCE_OPERATIONS.map((op) => `${op.api} ${op.method} ${op.path}`));
    const unlisted = new Set<string>();
    for (const { method, path } of sentRequests) {
      const op = matchOperation(method, path);
      const key = op ? `${op.api} ${op.method} ${op.path}` : `unknown ${method} ${path}`;
      if (!listed.has(key)) unlisted.add(key);
    }
    expect([...unlisted]).toEqual([]);
  });

  it('the matcher itself refuses what the specs do not define', () => {
    expect(specProblems('GET', '/wiki/download/attachments/5/a.png')).not.toEqual([]);
    expect(specProblems('GET', '/wiki/api/v2/pages/1/descendants?limit=250&depth=11')).not.toEqual([]);
    expect(specProblems('GET', '/wiki/api/v2/pages/5/footer-comments?limit=251')).not.toEqual([]);
    expect(specProblems('GET', '/wiki/api/v2/footer-comments/c1/children')).not.toEqual([]);
    expect(specProblems('GET', '/wiki/api/v2/pages?id=1&bogus=1')).not.toEqual([]);
    expect(specProblems('POST', '/wiki/rest/api/content/5/permission/check', { subject: {} })).not.toEqual([]);
    expect(specProblems('GET', '/wiki/rest/api/user/bulk?accountId=a&accountId=b')).not.toEqual([]);
  });
});
