import { describe, expect, it } from 'vitest';
import {
  createConfluenceRest,
  mapLimited,
  multipartBody,
  storageToPlainText,
  type RequestFn,
  type RestInit,
  type RestResponse,
} from '../../src/adapters/forge/confluence-rest';

type Reply = { status?: number; json?: unknown; bytes?: Uint8Array; text?: string; headers?: Record<string, string> };
type Route = (path: string, init?: RestInit) => Reply | undefined;

interface FakeConfluence {
  request: RequestFn;
  calls: { path: string; init?: RestInit }[];
  maxInFlight: () => number;
}

/** Scripted RequestFn: the first route returning a reply answers; unknown paths fail the test. */
const fakeConfluence = (routes: Record<string, Reply | Route>, delayMs = 5): FakeConfluence => {
  const calls: { path: string; init?: RestInit }[] = [];
  let inFlight = 0;
  let max = 0;
  const request: RequestFn = async (path, init) => {
    calls.push({ path, init });
    inFlight += 1;
    max = Math.max(max, inFlight);
    await new Promise((r) => setTimeout(r, delayMs));
    inFlight -= 1;
    let reply: Reply | undefined;
    for (const [pattern, route] of Object.entries(routes)) {
      if (typeof route === 'function') {
        if (new RegExp(pattern).test(path)) reply = route(path, init);
      } else if (pattern === path) reply = route;
      if (reply) break;
    }
    if (!reply) throw new Error(`unexpected request ${init?.method ?? 'GET'} ${path}`);
    const status = reply.status ?? 200;
    const response: RestResponse = {
      ok: status >= 200 && status < 300,
      status,
      headers: { get: (name) => reply.headers?.[name.toLowerCase()] ?? null },
      json: async () => (reply.json === undefined ? JSON.parse(reply.text ?? '') : structuredClone(reply.json)),
      text: async () => reply.text ?? JSON.stringify(reply.json ?? ''),
      arrayBuffer: async () => (reply.bytes ?? new Uint8Array()).slice().buffer,
    };
    return response;
  };
  return { request, calls, maxInFlight: () => max };
};

const unexpected: RequestFn = async (path) => {
  throw new Error(`unexpected asUser request ${path}`);
};

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
    expect(storageToPlainText('<p>Ping <ac:link><ri:user ri:account-id="557058:abc" /></ac:link> now</p>')).toBe('Ping @user now');
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

  it('maps 404/403 to undefined, 429 and 5xx to upstream_unavailable, and refuses bad ids without a request', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/404\\?': () => ({ status: 404, json: {} }),
      '/wiki/api/v2/pages/403\\?': () => ({ status: 403, json: {} }),
      '/wiki/api/v2/pages/429\\?': () => ({ status: 429, json: {}, headers: { 'retry-after': '7' } }),
      '/wiki/api/v2/pages/500\\?': () => ({ status: 500, json: {} }),
      '/wiki/api/v2/pages/666\\?': () => ({ json: { unexpected: true } }),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect(await content.getPage('404')).toBeUndefined();
    expect(await content.getPage('403')).toBeUndefined();
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

  it('follows cursors, re-parents through folders, drops trashed subtrees and checks labels/restrictions in parallel', async () => {
    const labelRoute: Route = (p) => {
      const id = /pages\/(\d+)\/labels/.exec(p)?.[1];
      return { json: { results: id === '12' ? [{ name: 'internal', prefix: 'global' }] : [{ name: 'public', prefix: 'global' }] } };
    };
    const restrictionRoute: Route = (p) => {
      const id = /content\/(\d+)\/restriction/.exec(p)?.[1];
      if (id === '14') return { status: 403, json: {} };
      const restricted = id === '13';
      return { json: { operation: 'read', restrictions: { user: { results: restricted ? [{ accountId: 'x' }] : [], size: restricted ? 1 : 0 }, group: { results: [], size: 0 } } } };
    };
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1?status=current&status=archived&status=trashed': { json: page('1', { parentId: null }) },
      '/wiki/api/v2/spaces/98301': { json: SPACE },
      '/wiki/api/v2/pages/1/descendants?limit=250&depth=5': descendants(
        [node('11', '1', 1), node('12', '11', 2), node('f1', '1', 1, { type: 'folder' })],
        '/wiki/api/v2/pages/1/descendants?limit=250&depth=5&cursor=c2',
      ),
      '/wiki/api/v2/pages/1/descendants?limit=250&depth=5&cursor=c2': descendants([
        node('13', 'f1', 2),
        node('14', '13', 3),
        node('15', '1', 1, { status: 'trashed' }),
        node('16', '15', 2),
        node('w1', '1', 1, { type: 'whiteboard' }),
      ]),
      'labels\\?limit=250$': labelRoute,
      'restriction/byOperation/read$': restrictionRoute,
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected }, { concurrency: 4 });
    const tree = await content.getDescendants('1');
    expect(tree).toEqual([
      { id: '11', title: 'T11', spaceId: '98301', spaceKey: 'DEMO', parentId: '1', status: 'current', labels: ['public'], viewRestricted: false },
      { id: '12', title: 'T12', spaceId: '98301', spaceKey: 'DEMO', parentId: '11', status: 'current', labels: ['internal'], viewRestricted: false },
      { id: '13', title: 'T13', spaceId: '98301', spaceKey: 'DEMO', parentId: '1', status: 'current', labels: ['public'], viewRestricted: true },
      // Unreadable restrictions fail closed.
      { id: '14', title: 'T14', spaceId: '98301', spaceKey: 'DEMO', parentId: '13', status: 'current', labels: ['public'], viewRestricted: true },
    ]);
    // Per-page lookups overlap (parallel) but never exceed the concurrency limit (+ nothing else in flight).
    expect(fake.maxInFlight()).toBeGreaterThan(1);
    expect(fake.maxInFlight()).toBeLessThanOrEqual(4);
    const labelCalls = fake.calls.filter((c) => c.path.includes('/labels'));
    expect(labelCalls.map((c) => c.path).sort()).toEqual(
      ['11', '12', '13', '14'].map((id) => `/wiki/api/v2/pages/${id}/labels?limit=250`),
    );
  });

  it('re-queries below the depth limit', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1?status=current&status=archived&status=trashed': { json: page('1') },
      '/wiki/api/v2/spaces/98301': { json: SPACE },
      '/wiki/api/v2/pages/1/descendants?limit=250&depth=5': descendants([
        node('2', '1', 1), node('3', '2', 2), node('4', '3', 3), node('5', '4', 4), node('6', '5', 5),
      ]),
      '/wiki/api/v2/pages/6/descendants?limit=250&depth=5': descendants([node('7', '6', 1)]),
      'labels\\?limit=250$': () => ({ json: { results: [] } }),
      'restriction/byOperation/read$': () => ({ json: { restrictions: { user: { size: 0 }, group: { size: 0 } } } }),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect((await content.getDescendants('1')).map((p) => [p.id, p.parentId])).toEqual([
      ['2', '1'], ['3', '2'], ['4', '3'], ['5', '4'], ['6', '5'], ['7', '6'],
    ]);
  });

  it('refuses a pagination link that leaves the endpoint', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1?status=current&status=archived&status=trashed': { json: page('1') },
      '/wiki/api/v2/spaces/98301': { json: SPACE },
      '/wiki/api/v2/pages/1/descendants?limit=250&depth=5': descendants([node('2', '1', 1)], '/wiki/rest/api/user/current'),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    await expect(content.getDescendants('1')).rejects.toMatchObject({ code: 'upstream_unavailable' });
  });

  it('returns nothing when the app cannot read the root', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/1\\?': () => ({ status: 404, json: {} }),
      '/wiki/api/v2/pages/1/descendants': () => ({ status: 404, json: {} }),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect(await content.getDescendants('1')).toEqual([]);
  });
});

describe('content: comments and attachments', () => {
  it('lists footer comments as plain text with author names from one bulk user call', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/5/footer-comments?body-format=storage&limit=100': {
        json: {
          results: [
            { id: 'c1', status: 'current', version: { authorId: 'a1', createdAt: '2026-11-02T10:00:00Z' }, body: { storage: { value: '<p>One &amp; two</p>' } } },
            { id: 'c2', status: 'current', version: { authorId: 'a2', createdAt: '2026-11-03T10:00:00Z' }, body: { storage: { value: '<p>Second</p>' } } },
            { id: 'c3', status: 'draft', version: { authorId: 'a1' }, body: { storage: { value: 'x' } } },
          ],
          _links: {},
        },
      },
      '/wiki/rest/api/user/bulk?accountId=a1&accountId=a2': {
        json: { results: [{ accountId: 'a1', displayName: 'Ann' }, { accountId: 'a2', publicName: 'Bob' }] },
      },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect(await content.listComments('5')).toEqual([
      { id: 'c1', pageId: '5', authorName: 'Ann', createdAt: Date.parse('2026-11-02T10:00:00Z'), bodyText: 'One & two' },
      { id: 'c2', pageId: '5', authorName: 'Bob', createdAt: Date.parse('2026-11-03T10:00:00Z'), bodyText: 'Second' },
    ]);
  });

  it('creates a footer comment as the app with escaped storage', async () => {
    const fake = fakeConfluence({
      '/wiki/api/v2/footer-comments': (_p, init) => ({
        json: { id: 'c9', version: { createdAt: '2026-11-23T10:00:00Z' }, body: { storage: { value: JSON.parse(String(init?.body)).body.value } } },
      }),
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    const created = await content.addComment('5', '<script>x</script>\nnext');
    const sent = JSON.parse(String(fake.calls[0]?.init?.body)) as { pageId: string; body: { representation: string; value: string } };
    expect(fake.calls[0]?.init?.method).toBe('POST');
    expect(sent).toEqual({ pageId: '5', body: { representation: 'storage', value: '<p>&lt;script&gt;x&lt;/script&gt;<br/>next</p>' } });
    expect(created).toMatchObject({ id: 'c9', authorName: 'Secure Share', bodyText: '<script>x</script>\nnext' });
  });

  it('lists attachments and downloads only those that belong to the page', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const fake = fakeConfluence({
      '/wiki/api/v2/pages/5/attachments?limit=250': {
        json: { results: [{ id: 'att1', title: 'a.png', mediaType: 'image/png', fileSize: 3, createdAt: '2026-11-01T00:00:00Z', pageId: '5', downloadLink: '/download/attachments/5/a.png?version=1&api=v2' }], _links: {} },
      },
      '/wiki/api/v2/attachments/att1': {
        json: { id: 'att1', title: 'a.png', mediaType: 'image/png', fileSize: 3, pageId: '5', status: 'current', downloadLink: '/download/attachments/5/a.png?version=1&api=v2' },
      },
      '/wiki/api/v2/attachments/att2': {
        json: { id: 'att2', title: 'other.png', mediaType: 'image/png', fileSize: 3, pageId: '99', status: 'current', downloadLink: '/download/attachments/99/other.png' },
      },
      '/wiki/api/v2/attachments/att3': {
        json: { id: 'att3', title: 'big.bin', fileSize: 50_000_000, pageId: '5', status: 'current', downloadLink: '/download/attachments/5/big.bin' },
      },
      '/wiki/download/attachments/5/a.png?version=1&api=v2': { bytes },
    });
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    expect(await content.listAttachments('5')).toEqual([
      { id: 'att1', pageId: '5', title: 'a.png', mediaType: 'image/png', fileSize: 3, createdAt: Date.parse('2026-11-01T00:00:00Z') },
    ]);
    const data = await content.downloadAttachment('5', 'att1');
    expect(data).toEqual({ mediaType: 'image/png', fileName: 'a.png', bytes });
    expect(await content.downloadAttachment('5', 'att2')).toBeUndefined();
    await expect(content.downloadAttachment('5', 'att3')).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(await content.downloadAttachment('5', '../x')).toBeUndefined();
    expect(fake.calls.some((c) => c.path.includes('/download/attachments/99/'))).toBe(false);
  });

  it('uploads through v1 multipart with the no-check header and maps a duplicate name', async () => {
    const fake = fakeConfluence({
      '/wiki/rest/api/content/5/child/attachment': (_p, init) => {
        const text = new TextDecoder().decode(new Uint8Array(init?.body as ArrayBuffer));
        if (text.includes('filename="dup.txt"')) {
          return { status: 400, text: 'Cannot add a new attachment with same file name as an existing attachment: dup.txt' };
        }
        return { json: { results: [{ id: 'att77', title: 'hello.txt', extensions: { mediaType: 'text/plain', fileSize: 5 }, version: { when: '2026-11-23T10:00:00Z' } }] } };
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
