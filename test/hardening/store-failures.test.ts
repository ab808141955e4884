/**
 * Storage failing in the middle of an operation (security.md I9, D12): the Store is wrapped so that its
 * N-th call throws (synchronously) or rejects, for every N the operation reaches.
 * - The share view never answers 500 or any 5xx but the generic 503, never shows content when a
 *   decision input (link, global/site/space configuration, session key) could not be read, and never
 *   shows content for a link that is denied or gated, whatever failed.
 * - Link use cases (create, update, rotate, disable) leave the links either untouched or fully changed:
 *   never a half-written link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore, type LocalStore } from '../../src/adapters/local/local-store';
import type { AppDeps } from '../../src/app/deps';
import { createLink, rotateLink, setLinkStatus, updateLink } from '../../src/app/links';
import type { Store } from '../../src/app/ports';
import type { ShareLink } from '../../src/core/model';
import type { HttpRequest, HttpResponse } from '../../src/web/http';
import { BASE, cookiesFrom, createWorld, EDITOR, failingStore, markedPages, PASSWORD, request, type World } from './support/world';

let w: World;
beforeAll(async () => {
  w = await createWorld();
  await w.handle(request('GET', `/s/${w.tokens.open}`)); // the session key exists from here on
});
afterAll(async () => w?.close());

/** Reads whose failure must stop the request before any content (the decision depends on them). */
const DECISION_INPUTS = new Set(['links.get', 'configs.getGlobal', 'configs.getSite', 'configs.getSpace', 'configs.getRegistry', 'secrets.get']);

const bodyText = (response: HttpResponse): string =>
  typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString('latin1');

const formSecrets = (response: HttpResponse) => {
  const html = bodyText(response);
  return { csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '', ticket: /name="t" value="([^"]+)"/.exec(html)?.[1] ?? '' };
};

/** A POST from the link's own page (its CSRF token and ticket, read once from a clean GET). */
const formPost = async (token: string, route: string, fields: Record<string, string>): Promise<HttpRequest> => {
  const page = await w.handle(request('GET', `/s/${token}`));
  const { csrf, ticket } = formSecrets(page);
  expect(csrf).not.toBe('');
  const body = new URLSearchParams({ csrf, t: ticket, ...fields }).toString();
  return request('POST', `/s/${token}${route}`, {
    headers: {
      'content-type': ['application/x-www-form-urlencoded'],
      'sec-fetch-site': ['same-origin'],
      origin: [BASE],
      cookie: cookiesFrom(page),
    },
    body,
  });
};

interface ViewScenario {
  name: string;
  request: () => Promise<HttpRequest>;
  /** Whether a fully successful run shows page content. */
  showsContent: boolean;
}

const scenarios = (): ViewScenario[] => [
  { name: 'open link, root page', request: async () => request('GET', `/s/${w.tokens.open}`), showsContent: true },
  { name: 'open link, child page', request: async () => request('GET', `/s/${w.tokens.open}/p/1005`), showsContent: true },
  { name: 'open link, attachment download', request: async () => request('GET', `/s/${w.tokens.open}/a/att2002`), showsContent: true },
  { name: 'open link, add a comment', request: () => formPost(w.tokens.open, '/comments', { body: 'Looks good' }), showsContent: false },
  { name: 'space disables sharing', request: async () => request('GET', `/s/${w.tokens.opsDisabled}`), showsContent: false },
  { name: 'disabled link', request: async () => request('GET', `/s/${w.tokens.disabled}`), showsContent: false },
  { name: 'expired link', request: async () => request('GET', `/s/${w.tokens.expired}`), showsContent: false },
  { name: 'password gate', request: async () => request('GET', `/s/${w.tokens.password}`), showsContent: false },
  { name: 'password gate, right password', request: () => formPost(w.tokens.password, '/password', { password: PASSWORD }), showsContent: false },
  { name: 'password gate, wrong password', request: () => formPost(w.tokens.password, '/password', { password: 'not it at all' }), showsContent: false },
  { name: 'email gate, send code', request: () => formPost(w.tokens.email, '/email/send', { email: 'ann@acme.com' }), showsContent: false },
];

describe('share view with a store call failing mid-request', () => {
  it('every scenario, every failing call, both failure modes: no 500, only the generic 503, no content without a decision', async () => {
    let checked = 0;
    for (const scenario of scenarios()) {
      const req = await scenario.request();
      const clean = failingStore(w.store, { failAt: 0, mode: 'reject' });
      const cleanReply = await w.handle(req, clean.store);
      expect(markedPages(cleanReply).size > 0, `${scenario.name}: clean run shows content`).toBe(scenario.showsContent);
      expect(clean.calls.length, scenario.name).toBeGreaterThan(0);
      // One more than the clean run reached, in case a failure leads down a longer path.
      for (let failAt = 1; failAt <= clean.calls.length + 1; failAt += 1) {
        for (const mode of ['reject', 'throw'] as const) {
          const failing = failingStore(w.store, { failAt, mode });
          const reply = await w.handle(req, failing.store);
          const failed = failing.calls[failAt - 1];
          const where = `${scenario.name}: call ${failAt} (${failed ?? 'not reached'}) ${mode}s → ${reply.status}`;
          expect(reply.status, where).not.toBe(500);
          expect(reply.status < 500 || reply.status === 503, where).toBe(true);
          expect(bodyText(reply), where).not.toMatch(/injected store failure|\n\s+at .+:\d+:\d+/);
          const shown = markedPages(reply).size > 0;
          if (!scenario.showsContent) expect(shown, where).toBe(false);
          if (failed !== undefined && DECISION_INPUTS.has(failed)) {
            expect(shown, where).toBe(false);
            expect(reply.status, where).toBe(503);
          }
          if (shown) expect(reply.status, where).toBe(200);
          // Bookkeeping beside a content view (view counter, alerts, audit) never costs the visitor the page,
          // whether the store rejects or (breaking the async port contract) throws synchronously.
          if (scenario.showsContent && failed !== undefined && !DECISION_INPUTS.has(failed)) {
            expect({ status: reply.status, shown }, where).toEqual({ status: 200, shown: true });
          }
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// Use cases: all or nothing

/** A copy of the world's store (links and configurations) to run one attempt on. */
const copyStore = async (from: Store): Promise<LocalStore> => {
  const to = await createLocalStore({ clock: { now: () => w.clock.now } });
  let cursor: string | undefined;
  do {
    const page = await from.links.list({}, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const link of page.items) await to.links.create(link);
    cursor = page.nextCursor;
  } while (cursor);
  for (const key of ['DEMO', 'OPS']) {
    const space = await from.configs.getSpace(key);
    if (space) await to.configs.putSpace({ ...space, version: 1 }, 0);
  }
  const global = await from.configs.getGlobal();
  if (global) await to.configs.putGlobal({ ...global, version: 1 }, 0);
  const secret = await from.secrets.get('share-session-key');
  if (secret !== undefined) await to.secrets.set('share-session-key', secret);
  return to;
};

/** Every link, with the fields a use case draws at random (new id, token hash and sealed token) masked. */
const linksOf = async (store: Store, mask: { id: boolean; tokenHash: boolean }): Promise<string[]> => {
  const rows: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.links.list({}, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const link of page.items) {
      const masked: ShareLink = { ...link, ...(mask.id ? { id: '<id>' } : {}), ...(mask.tokenHash ? { tokenHash: '<hash>', tokenSealed: '<sealed>' } : {}) };
      rows.push(JSON.stringify(masked, Object.keys(masked).sort()));
    }
    cursor = page.nextCursor;
  } while (cursor);
  return rows.sort();
};

interface UseCaseScenario {
  name: string;
  mask: { id: boolean; tokenHash: boolean };
  run: (deps: AppDeps) => Promise<unknown>;
}

const useCases = (): UseCaseScenario[] => [
  {
    name: 'createLink',
    mask: { id: true, tokenHash: true },
    run: (deps) => createLink(deps, EDITOR, { pageId: '1001', settings: { name: 'Fresh', includeChildren: true, comments: 'view' } }),
  },
  {
    name: 'createLink with a password',
    mask: { id: true, tokenHash: true },
    // bcrypt salts differ per run: compare the hash's presence, not its value (masked below).
    run: (deps) => createLink(deps, EDITOR, { pageId: '1002', settings: { name: 'Guarded' }, password: 'a long enough secret' }),
  },
  {
    name: 'updateLink',
    mask: { id: false, tokenHash: false },
    run: async (deps) => {
      const link = (await deps.store.links.get(w.linkIds.open))!;
      return updateLink(deps, EDITOR, {
        linkId: link.id,
        version: link.version,
        settings: { name: 'Renamed', comments: 'view', description: 'Edited under failure' },
        password: { action: 'keep' },
      });
    },
  },
  {
    name: 'rotateLink',
    mask: { id: false, tokenHash: true },
    run: (deps) => rotateLink(deps, EDITOR, { linkId: w.linkIds.open }),
  },
  {
    name: 'setLinkStatus (disable)',
    mask: { id: false, tokenHash: false },
    run: (deps) => setLinkStatus(deps, EDITOR, { linkId: w.linkIds.open, status: 'disabled' }),
  },
];

const withoutPasswordHashValue = (rows: string[]): string[] =>
  rows.map((row) => row.replace(/"passwordHash":"[^"]+"/, '"passwordHash":"<bcrypt>"')).sort();

describe('link use cases with a store call failing mid-operation', () => {
  for (const useCase of useCases()) {
    it(`${useCase.name}: the links are untouched or fully changed, for every failing call`, async () => {
      const reference = await copyStore(w.store);
      const before = withoutPasswordHashValue(await linksOf(reference, useCase.mask));
      const counted = failingStore(reference, { failAt: 0, mode: 'reject' });
      await useCase.run({ ...w.deps, store: counted.store });
      const after = withoutPasswordHashValue(await linksOf(reference, useCase.mask));
      expect(after, 'the use case changes something').not.toEqual(before);
      await reference.close();

      for (let failAt = 1; failAt <= counted.calls.length; failAt += 1) {
        for (const mode of ['reject', 'throw'] as const) {
          const attempt = await copyStore(w.store);
          const failing = failingStore(attempt, { failAt, mode });
          let threw = false;
          try {
            await useCase.run({ ...w.deps, store: failing.store });
          } catch {
            threw = true;
          }
          const state = withoutPasswordHashValue(await linksOf(attempt, useCase.mask));
          const where = `${useCase.name}: call ${failAt} (${failing.calls[failAt - 1]}) ${mode}s, ${threw ? 'threw' : 'returned'}`;
          if (threw) expect([before, after], where).toContainEqual(state);
          else expect(state, where).toEqual(after);
          await attempt.close();
        }
      }
    }, 30_000);
  }
});
