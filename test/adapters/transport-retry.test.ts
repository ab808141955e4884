/** Rate limits as a normal condition (issue 10): bounded retries of 429/503 that honour Retry-After within a budget. */
import { describe, expect, it } from 'vitest';
import { MAX_RETRIES, retryingReads, type RequestFn, type RestInit } from '../../src/adapters/confluence/transport';
import { createConfluenceRest } from '../../src/adapters/forge/confluence-rest';
import { fakeConfluence, unexpected } from './support/fake-confluence';

const reply = (status: number, retryAfter?: string) => ({
  ok: status >= 200 && status < 300,
  status,
  headers: { get: (name: string) => (name.toLowerCase() === 'retry-after' ? (retryAfter ?? null) : null) },
  json: async () => ({}),
  text: async () => '',
  arrayBuffer: async () => new ArrayBuffer(0),
});

/** Answers the scripted statuses in turn (the last one repeats) and records each call. */
const scripted = (...answers: [number, string?][]) => {
  const calls: { path: string; init?: RestInit }[] = [];
  const request: RequestFn = async (path, init) => {
    const [status, retryAfter] = answers[Math.min(calls.length, answers.length - 1)] as [number, string?];
    calls.push({ path, init });
    return reply(status, retryAfter);
  };
  return { request, calls };
};

const harness = (options: { budgetMs?: number; random?: number } = {}) => {
  const waits: number[] = [];
  return {
    waits,
    wrap: (request: RequestFn) =>
      retryingReads(request, {
        now: () => 1_000_000,
        sleep: async (ms) => void waits.push(ms),
        random: () => options.random ?? 0,
        ...(options.budgetMs !== undefined ? { budgetMs: options.budgetMs } : {}),
      }),
  };
};

describe('Confluence transport: retries', () => {
  it('retries a 429 after the Retry-After it names, then returns the answer', async () => {
    const { request, calls } = scripted([429, '1'], [429, '2'], [200]);
    const h = harness();
    expect((await h.wrap(request)('/wiki/api/v2/pages/1')).status).toBe(200);
    expect(calls).toHaveLength(3);
    expect(h.waits).toEqual([1000, 2000]);
  });

  it('adds jitter to each wait, never beyond the longest single wait', async () => {
    const { request } = scripted([429, '1'], [200]);
    const h = harness({ random: 0.5 });
    await h.wrap(request)('/wiki/api/v2/pages/1');
    expect(h.waits).toEqual([1100]);
    const capped = scripted([429, '2'], [200]);
    const c = harness({ random: 0.99 });
    await c.wrap(capped.request)('/wiki/api/v2/pages/1');
    expect(c.waits).toEqual([2000]);
  });

  it('retries a 503 without Retry-After after a doubling backoff', async () => {
    const { request, calls } = scripted([503], [503], [503], [200]);
    const h = harness();
    expect((await h.wrap(request)('/wiki/api/v2/pages/1')).status).toBe(200);
    expect(calls).toHaveLength(4);
    expect(h.waits).toEqual([250, 500, 1000]);
  });

  it('gives up after MAX_RETRIES retries and returns the last 429 (the caller fails or hides that item)', async () => {
    const { request, calls } = scripted([429, '0']);
    const h = harness();
    expect((await h.wrap(request)('/wiki/api/v2/pages/1')).status).toBe(429);
    expect(calls).toHaveLength(MAX_RETRIES + 1);
  });

  it('does not wait out a Retry-After longer than a view can afford', async () => {
    const { request, calls } = scripted([429, '30'], [200]);
    const h = harness();
    expect((await h.wrap(request)('/wiki/api/v2/pages/1')).status).toBe(429);
    expect(calls).toHaveLength(1);
    expect(h.waits).toEqual([]);
  });

  it('keeps all waits of one invocation within its budget', async () => {
    const { request, calls } = scripted([429, '2']);
    const h = harness({ budgetMs: 5000 });
    const wrapped = h.wrap(request);
    await wrapped('/wiki/api/v2/pages/1'); // waits 2 s + 2 s, then the budget has 1 s left
    await wrapped('/wiki/api/v2/pages/2'); // no retry: 2 s does not fit
    expect(h.waits).toEqual([2000, 2000]);
    expect(calls.map((c) => c.path)).toEqual(['/wiki/api/v2/pages/1', '/wiki/api/v2/pages/1', '/wiki/api/v2/pages/1', '/wiki/api/v2/pages/2']);
  });

  it('retries the content permission check (a POST that changes nothing) but never a write', async () => {
    const check = scripted([429, '0'], [200]);
    const h = harness();
    const post = { method: 'POST', body: '{}' };
    expect((await h.wrap(check.request)('/wiki/rest/api/content/42/permission/check', post)).status).toBe(200);
    expect(check.calls).toHaveLength(2);
    const write = scripted([429, '0'], [200]);
    expect((await h.wrap(write.request)('/wiki/api/v2/footer-comments', post)).status).toBe(429);
    expect((await h.wrap(write.request)('/wiki/rest/api/content/42/child/attachment', { method: 'PUT' })).status).toBe(200);
    expect(write.calls).toHaveLength(2);
  });

  it('leaves other statuses alone', async () => {
    for (const status of [200, 404, 403, 500, 502]) {
      const { request, calls } = scripted([status], [200]);
      expect((await harness().wrap(request)('/wiki/api/v2/pages/1')).status).toBe(status);
      expect(calls).toHaveLength(1);
    }
  });
});

describe('an optional lookup that still fails hides that one item, never the whole view', () => {
  const comment = (id: string, authorId: string, text: string) => ({
    id,
    status: 'current',
    version: { authorId, createdAt: '2026-11-02T10:00:00Z', number: 1 },
    body: { storage: { value: `<p>${text}</p>`, representation: 'storage' } },
  });
  const list = (results: unknown[]) => ({ json: { results, _links: {} } });

  /** The deprecated v1 listing no longer served: the adapter reads comments through v2. */
  const v1Gone = { 'descendant/comment': () => ({ status: 410, json: {} }) };

  it('comments (v2 fallback): a thread whose replies stay rate-limited shows without them; names that fail show as "Confluence user"', async () => {
    const fake = fakeConfluence(
      {
        ...v1Gone,
        '/wiki/api/v2/pages/5/footer-comments?body-format=storage&limit=250': list([comment('101', 'a1', 'First'), comment('102', 'a2', 'Second')]),
        '/wiki/api/v2/pages/5/inline-comments?body-format=storage&resolution-status=open&resolution-status=reopened&limit=250': list([]),
        'footer-comments/101/children': () => ({ status: 429, json: {}, headers: { 'retry-after': '0' } }),
        'footer-comments/102/children': () => list([{ ...comment('103', 'a1', 'Reply'), parentCommentId: '102' }]),
        'footer-comments/103/children': () => list([]),
        '/wiki/rest/api/user/bulk': () => ({ status: 503, json: {} }),
      },
      0,
    );
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected }, { maxRetryAfterMs: 10 });
    const comments = await content.listComments('5');
    expect(comments.map((c) => [c.id, c.parentId, c.authorName])).toEqual([
      ['101', null, 'Confluence user'],
      ['102', null, 'Confluence user'],
      ['103', '102', 'Confluence user'],
    ]);
    // Retried (bounded), then given up on that one thread.
    expect(fake.calls.filter((c) => c.path.includes('footer-comments/101/children'))).toHaveLength(MAX_RETRIES + 1);
  });

  it('comments (v2 fallback): Confluence refusing the app is still an error (an admin problem, not a missing item)', async () => {
    const fake = fakeConfluence(
      {
        ...v1Gone,
        '/wiki/api/v2/pages/5/footer-comments?body-format=storage&limit=250': list([comment('101', 'a1', 'First')]),
        '/wiki/api/v2/pages/5/inline-comments?body-format=storage&resolution-status=open&resolution-status=reopened&limit=250': list([]),
        'footer-comments/101/children': () => ({ status: 403, json: {} }),
        '/wiki/rest/api/user/bulk': () => list([]),
      },
      0,
    );
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected });
    await expect(content.listComments('5')).rejects.toMatchObject({ code: 'app_unauthorized' });
  });

  it('comments (v1 listing): names that fail show as "Confluence user"; a listing refused to the app is an error', async () => {
    const v1Comment = (id: string, by: Record<string, unknown> | null, text: string) => ({
      id,
      type: 'comment',
      status: 'current',
      ancestors: [],
      version: { by, when: '2026-11-02T10:00:00Z', number: 1, minorEdit: false },
      body: { storage: { value: `<p>${text}</p>`, representation: 'storage' } },
      extensions: { location: 'footer' },
    });
    const fake = fakeConfluence(
      {
        'descendant/comment': () => list([v1Comment('101', { accountId: 'a1', accountType: 'atlassian', displayName: 'Ann' }, 'Hi <ac:link><ri:user ri:account-id="a9" /></ac:link>'), v1Comment('102', null, 'Anon')]),
        '/wiki/rest/api/user/bulk': () => ({ status: 503, json: {} }),
      },
      0,
    );
    const { content } = createConfluenceRest({ asApp: fake.request, asUser: unexpected }, { maxRetryAfterMs: 10 });
    const comments = await content.listComments('5');
    expect(comments.map((c) => [c.id, c.authorName, c.bodyText])).toEqual([
      ['101', 'Ann', 'Hi @Confluence user'],
      ['102', 'Confluence user', 'Anon'],
    ]);
    // Refused by the deprecated v1 listing and by the v2 reads it falls back to: an error, never an empty list.
    const refused = fakeConfluence(
      {
        'descendant/comment': () => ({ status: 403, json: {} }),
        'footer-comments': () => ({ status: 403, json: {} }),
        'inline-comments': () => ({ status: 403, json: {} }),
      },
      0,
    );
    const adapter = createConfluenceRest({ asApp: refused.request, asUser: unexpected });
    await expect(adapter.content.listComments('5')).rejects.toMatchObject({ code: 'app_unauthorized' });
  });
});
