/**
 * Confluence's rules as the emulator keeps them, request by request, with every answer validated
 * against the spec (no spec or response violation may remain at the end of a test).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConfluenceEmulator, type ConfluenceEmulator } from '../../src/dev/confluence-emulator/emulator';
import { APP, call, DEMO_SITE, demoEmulator, user } from './support';

let current: ConfluenceEmulator | undefined;
const emulator = async (options: Parameters<typeof demoEmulator>[0] = {}) => {
  current = await demoEmulator(options);
  return current;
};
afterEach(() => {
  // Every answer of every test matched its response schema, and no test request left the specs.
  if (current) {
    expect(current.stats.responseViolations).toEqual([]);
    expect(current.stats.specViolations).toEqual([]);
  }
  current = undefined;
});

const ids = (body: { results: { id: string }[] }) => body.results.map((r) => r.id);

describe('who sees which page', () => {
  it('hides view-restricted pages and their children from the app unless the app is granted', async () => {
    const emu = await emulator();
    expect((await call(emu, APP, '/wiki/api/v2/pages/2003')).status).toBe(404);
    expect((await call(emu, user('u-ops'), '/wiki/api/v2/pages/2003')).status).toBe(200);
    // 1006 is restricted with the app granted (appCanRead); 1007 below it inherits the same grant.
    expect((await call(emu, APP, '/wiki/api/v2/pages/1006')).status).toBe(200);
    expect((await call(emu, APP, '/wiki/api/v2/pages/1007')).status).toBe(200);
    const tree = await call(emu, APP, '/wiki/api/v2/pages/2001/descendants?depth=5');
    expect(ids(tree.body)).toEqual(['2002', '2004', '2005']);
  });

  it('lets users see pages per space viewers/editors/admins and inherited restrictions', async () => {
    const emu = await emulator();
    expect((await call(emu, user('u-viewer'), '/wiki/api/v2/pages/1001')).status).toBe(200);
    expect((await call(emu, user('u-outsider'), '/wiki/api/v2/pages/1001')).status).toBe(404);
    expect((await call(emu, user('u-outsider'), '/wiki/api/v2/pages/2002')).status).toBe(200);
    expect((await call(emu, user('u-viewer'), '/wiki/api/v2/pages/1006')).status).toBe(404);
    expect((await call(emu, user('u-viewer'), '/wiki/api/v2/pages/1007')).status).toBe(404);
    expect((await call(emu, user('u-space-admin'), '/wiki/api/v2/pages/1007')).status).toBe(200);
    expect((await call(emu, user('u-nobody'), '/wiki/api/v2/pages/2002')).status).toBe(404);
  });

  it('answers the permission check for any user, as the app, and only on content the caller sees', async () => {
    const emu = await emulator();
    const check = (pageId: string, identifier: string, operation: string, principal = APP) =>
      call(emu, principal, `/wiki/rest/api/content/${pageId}/permission/check`, {
        method: 'POST',
        json: { subject: { type: 'user', identifier }, operation },
      });
    expect((await check('1006', 'u-viewer', 'read')).body).toEqual({ hasPermission: false, errors: [] });
    expect((await check('1006', 'u-space-admin', 'read')).body).toEqual({ hasPermission: true, errors: [] });
    expect((await check('1007', 'u-editor', 'read')).body.hasPermission).toBe(false);
    expect((await check('1002', 'u-viewer', 'update')).body.hasPermission).toBe(false);
    expect((await check('1002', 'u-editor', 'update')).body.hasPermission).toBe(true);
    // Edit restrictions do not inherit, but the page's own one counts.
    expect((await check('1004', 'u-editor', 'update')).body.hasPermission).toBe(false);
    expect((await check('1004', 'u-editor', 'read')).body.hasPermission).toBe(true);
    expect((await check('1001', 'u-unknown', 'read')).body.hasPermission).toBe(false);
    // The app cannot even see 2003, so it cannot ask about it.
    expect((await check('2003', 'u-ops', 'read')).status).toBe(404);
  });

  it('reports page and space operations per caller', async () => {
    const emu = await emulator();
    const ops = async (principal: Parameters<typeof call>[1], path: string) =>
      (await call(emu, principal, path)).body.operations.map((o: { operation: string; targetType: string }) => `${o.operation}:${o.targetType}`);
    expect(await ops(user('u-editor'), '/wiki/api/v2/pages/1002/operations')).toContain('update:page');
    expect(await ops(user('u-viewer'), '/wiki/api/v2/pages/1002/operations')).toEqual(['read:page']);
    expect(await ops(user('u-editor'), '/wiki/api/v2/pages/2001/operations')).toEqual(['read:page']);
    expect(await ops(user('u-space-admin'), '/wiki/api/v2/spaces/98301/operations')).toContain('administer:space');
    expect(await ops(user('u-editor'), '/wiki/api/v2/spaces/98301/operations')).not.toContain('administer:space');
    const me = await call(emu, user('u-site-admin'), '/wiki/rest/api/user/current?expand=operations');
    expect(me.body.operations).toContainEqual({ operation: 'administer', targetType: 'application' });
    const notAdmin = await call(emu, user('u-editor'), '/wiki/rest/api/user/current?expand=operations');
    expect(notAdmin.body.operations).not.toContainEqual({ operation: 'administer', targetType: 'application' });
  });

  it('lists who a read restriction names', async () => {
    const emu = await emulator();
    const restricted = await call(emu, APP, '/wiki/rest/api/content/1006/restriction/byOperation/read');
    expect(restricted.body.restrictions.user.results.map((u: { accountId: string }) => u.accountId)).toEqual(['u-space-admin']);
    const open = await call(emu, APP, '/wiki/rest/api/content/1002/restriction/byOperation/read');
    expect(open.body.restrictions.user.size).toBe(0);
    expect((await call(emu, APP, '/wiki/rest/api/content/2003/restriction/byOperation/read')).status).toBe(404);
  });
});

describe('users and emails', () => {
  it('hides profile emails from GET /user unless visible; /user/email answers the app only', async () => {
    const emu = await emulator();
    expect((await call(emu, APP, '/wiki/rest/api/user?accountId=u-editor')).body).toMatchObject({ accountId: 'u-editor', displayName: 'Erin Editor', email: '' });
    expect((await call(emu, APP, '/wiki/rest/api/user?accountId=u-viewer')).body.email).toBe('victor.viewer@acme.example');
    expect((await call(emu, APP, '/wiki/rest/api/user/email?accountId=u-editor')).body).toEqual({ accountId: 'u-editor', email: 'erin.editor@acme.example' });
    expect((await call(emu, user('u-editor'), '/wiki/rest/api/user/email?accountId=u-editor')).status).toBe(403);
    expect((await call(emu, APP, '/wiki/rest/api/user/email?accountId=u-nobody')).status).toBe(404);
    expect((await call(emu, APP, '/wiki/rest/api/user?accountId=u-nobody')).status).toBe(404);
  });

  it('looks users up in bulk from one comma-separated accountId, the app user included', async () => {
    const emu = await emulator();
    const bulk = await call(emu, APP, `/wiki/rest/api/user/bulk?accountId=${encodeURIComponent('u-editor,u-nobody,557058:secure-share-app')}`);
    expect(bulk.body.results.map((u: { displayName: string }) => u.displayName)).toEqual(['Erin Editor', 'Secure Share']);
    expect(bulk.body.results.every((u: { email: string }) => u.email === '')).toBe(true);
  });
});

describe('comments', () => {
  it('keeps threads: root footer comments, their replies, inline comments and theirs', async () => {
    const emu = await emulator();
    const roots = await call(emu, APP, '/wiki/api/v2/pages/1001/footer-comments?body-format=storage');
    expect(ids(roots.body)).toEqual(['3001', '3002']);
    expect(roots.body.results[0]).toMatchObject({ pageId: '1001', version: { authorId: 'u-viewer' }, body: { storage: { value: expect.stringContaining('EU region') } } });
    expect(ids((await call(emu, APP, '/wiki/api/v2/footer-comments/3001/children?body-format=storage')).body)).toEqual(['3004']);
    const inline = await call(emu, APP, '/wiki/api/v2/pages/1001/inline-comments?body-format=storage');
    expect(inline.body.results).toEqual([
      expect.objectContaining({ id: '3005', resolutionStatus: 'open', properties: expect.objectContaining({ inlineOriginalSelection: 'The product has three tiers.' }) }),
    ]);
    expect(ids((await call(emu, APP, '/wiki/api/v2/inline-comments/3005/children')).body)).toEqual(['3006']);
    // Inline and footer ids are not interchangeable.
    expect((await call(emu, APP, '/wiki/api/v2/footer-comments/3005/children')).status).toBe(404);
  });

  it('creates a top-level comment or a reply, refusing both or neither', async () => {
    const emu = await emulator();
    const body = { representation: 'storage', value: '<p>From the app</p>' };
    const top = await call(emu, APP, '/wiki/api/v2/footer-comments', { method: 'POST', json: { pageId: '1002', body } });
    expect(top).toMatchObject({ status: 201, body: { pageId: '1002', version: { authorId: '557058:secure-share-app' } } });
    const reply = await call(emu, APP, '/wiki/api/v2/footer-comments', { method: 'POST', json: { parentCommentId: top.body.id, body: { storage: body } } });
    expect(reply).toMatchObject({ status: 201, body: { parentCommentId: top.body.id } });
    expect(ids((await call(emu, APP, `/wiki/api/v2/footer-comments/${top.body.id}/children`)).body)).toEqual([reply.body.id]);
    expect((await call(emu, APP, '/wiki/api/v2/footer-comments', { method: 'POST', json: { pageId: '1002', parentCommentId: top.body.id, body } })).status).toBe(400);
    expect((await call(emu, APP, '/wiki/api/v2/footer-comments', { method: 'POST', json: { body } })).status).toBe(400);
    expect((await call(emu, APP, '/wiki/api/v2/footer-comments', { method: 'POST', json: { pageId: '2003', body } })).status).toBe(404);
  });
});

describe('tree, labels, folders and pagination', () => {
  it('limits descendants to the requested depth (default 2) and types folders', async () => {
    const emu = await emulator();
    const shallow = await call(emu, APP, '/wiki/api/v2/pages/1001/descendants?depth=1');
    expect(shallow.body.results.every((r: { depth: number }) => r.depth === 1)).toBe(true);
    expect(ids(shallow.body)).toEqual(['1002', '1003', '1004', '1006']);
    const deep = await call(emu, APP, '/wiki/api/v2/pages/1001/descendants?depth=10&limit=250');
    expect(ids(deep.body)).toEqual(['1002', '1003', '1005', '1004', '1006', '1007']);
    const ops = await call(emu, APP, '/wiki/api/v2/pages/2001/descendants');
    expect(ops.body.results).toContainEqual(expect.objectContaining({ id: '2004', type: 'folder', depth: 1 }));
    expect((await call(emu, APP, '/wiki/api/v2/folders/2004')).body).toMatchObject({ type: 'folder', parentId: '2001', parentType: 'page' });
    expect(ids((await call(emu, APP, '/wiki/api/v2/folders/2004/descendants')).body)).toEqual(['2005']);
    expect((await call(emu, APP, '/wiki/api/v2/pages/2004')).status).toBe(404);
  });

  it('paginates with an opaque cursor in _links.next and the Link header', async () => {
    const emu = await emulator();
    const seen: string[] = [];
    let next: string | undefined = '/wiki/api/v2/pages/1001/descendants?depth=10&limit=2';
    let pages = 0;
    while (next) {
      const res = await call(emu, APP, next);
      seen.push(...ids(res.body));
      next = res.body._links.next;
      if (next) {
        expect(next).toMatch(/^\/wiki\/api\/v2\/pages\/1001\/descendants\?.*cursor=/);
        expect(res.headers.get('link')).toContain(`<${next}>; rel="next"`);
      } else {
        expect(res.headers.get('link')).toBeNull();
      }
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['1002', '1003', '1005', '1004', '1006', '1007']);
    expect((await call(emu, APP, '/wiki/api/v2/pages/1001/descendants?cursor=bogus')).status).toBe(400);
  });

  it('serves labels, with the page or on their own', async () => {
    const emu = await emulator();
    const page = await call(emu, APP, '/wiki/api/v2/pages/1003?include-labels=true');
    expect(page.body.labels.results.map((l: { name: string }) => l.name)).toEqual(['public', 'changelog']);
    const labels = await call(emu, APP, '/wiki/api/v2/pages/1003/labels?limit=1');
    expect(labels.body.results).toEqual([expect.objectContaining({ name: 'public', prefix: 'global' })]);
    expect(labels.body._links.next).toBeDefined();
  });

  it('reads page status in bulk without bodies, and a body in the asked format', async () => {
    const emu = await emulator();
    const bulk = await call(emu, APP, '/wiki/api/v2/pages?id=1001&id=1008&id=2003&status=current&status=trashed');
    expect(bulk.body.results.map((p: { id: string; status: string }) => `${p.id}:${p.status}`)).toEqual(['1001:current', '1008:trashed']);
    expect(bulk.body.results[0].body).toEqual({});
    const page = await call(emu, APP, '/wiki/api/v2/pages/1002?body-format=export_view');
    expect(page.body).toMatchObject({ id: '1002', spaceId: '98301', parentId: '1001', body: { export_view: { representation: 'export_view' } } });
    expect((await call(emu, APP, '/wiki/api/v2/pages/1001')).body.parentId).toBeUndefined();
    expect((await call(emu, APP, '/wiki/api/v2/pages/1008')).status).toBe(404);
    expect((await call(emu, APP, '/wiki/api/v2/pages/1008?status=trashed')).body.status).toBe('trashed');
  });

  it('finds spaces by key and id', async () => {
    const emu = await emulator();
    expect((await call(emu, APP, '/wiki/api/v2/spaces?keys=OPS&limit=1')).body.results).toEqual([expect.objectContaining({ id: '98302', key: 'OPS', name: 'Operations' })]);
    expect((await call(emu, APP, '/wiki/api/v2/spaces/98301')).body).toMatchObject({ key: 'DEMO', homepageId: '1001' });
    expect((await call(emu, user('u-outsider'), '/wiki/api/v2/spaces/98301')).status).toBe(404);
  });
});

describe('search (CQL subset)', () => {
  const search = async (emu: ConfluenceEmulator, cql: string, principal = APP, extra = '') => {
    const res = await call(emu, principal, `/wiki/rest/api/search?cql=${encodeURIComponent(cql)}${extra}`);
    return res.status === 200 ? res.body.results.map((r: { content: { id: string } }) => r.content.id) : res.status;
  };

  it('evaluates ancestor, label, id lists and type, within what the caller sees', async () => {
    const emu = await emulator();
    expect(await search(emu, 'ancestor = 1001')).toEqual(['1002', '1003', '1005', '1004', '1006', '1007']);
    expect(await search(emu, 'ancestor = 1001 and label = "public"')).toEqual(['1002', '1003', '1005']);
    expect(await search(emu, 'ancestor = 1001 and label != "public"')).toEqual(['1004', '1006', '1007']);
    expect(await search(emu, 'id in (1002, 2003, 2005)')).toEqual(['1002', '2005']);
    expect(await search(emu, 'id in (1002, 2003, 2005)', user('u-ops'))).toEqual(['1002', '2003', '2005'].filter((id) => id !== '1002'));
    expect(await search(emu, 'type = page and ancestor = 2001')).toEqual(['2002', '2005']);
    expect(await search(emu, 'ancestor = 1001 order by title')).toBe(400);
  });

  it('pages its results with start/limit and expands labels on request', async () => {
    const emu = await emulator();
    const first = await call(emu, APP, `/wiki/rest/api/search?cql=${encodeURIComponent('ancestor = 1001')}&limit=4&expand=content.metadata.labels`);
    expect(first.body).toMatchObject({ start: 0, limit: 4, size: 4, totalSize: 6 });
    expect(first.body.results[0].content.metadata.labels.results.map((l: { name: string }) => l.name)).toEqual(['public']);
    const second = await call(emu, APP, `/wiki${first.body._links.next}`);
    expect(second.body.results.map((r: { content: { id: string } }) => r.content.id)).toEqual(['1006', '1007']);
  });

  it('expands read restrictions in bulk: who each result is restricted to', async () => {
    const emu = await emulator();
    const expand = 'content.restrictions.read.restrictions.user,content.restrictions.read.restrictions.group';
    const res = await call(emu, APP, `/wiki/rest/api/search?cql=${encodeURIComponent('ancestor = 1001')}&limit=100&expand=${encodeURIComponent(expand)}`);
    const restrictedTo = Object.fromEntries(
      res.body.results.map((r: { content: { id: string; restrictions: { read: { restrictions: { user: { results: { accountId: string }[] } } } } } }) => [
        r.content.id,
        r.content.restrictions.read.restrictions.user.results.map((u) => u.accountId),
      ]),
    );
    expect(restrictedTo).toMatchObject({ '1002': [], '1006': ['u-space-admin'], '1007': [] });
  });
});

describe('attachments', () => {
  it('lists metadata and downloads bytes through the v1 endpoint: 302 to the media service', async () => {
    const emu = await emulator();
    const list = await call(emu, APP, '/wiki/api/v2/pages/1001/attachments');
    expect(list.body.results.map((a: { id: string; title: string }) => `${a.id}:${a.title}`)).toEqual(['att2001:diagram.png', 'att2002:spec.txt', 'att2003:report.pdf']);
    expect((await call(emu, APP, '/wiki/api/v2/attachments/att2002')).body).toMatchObject({ pageId: '1001', mediaType: 'text/plain', fileSize: 171 });
    const redirect = await emu.fetch(APP, '/wiki/rest/api/content/1001/child/attachment/att2002/download');
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(location).toMatch(/^https:\/\/api\.media\.atlassian\.com\/file\/att2002\/binary\?token=/);
    const media = await emu.fetch(APP, location);
    expect(await media.text()).toMatch(/^Acme product specification v3/);
    // requestFnFor follows the redirect as Forge's fetch does.
    const followed = await emu.requestFnFor(APP)('/wiki/rest/api/content/1001/child/attachment/2001/download');
    expect(followed.headers.get('content-type')).toBe('image/png');
    expect((await followed.arrayBuffer()).byteLength).toBe(185);
  });

  it('refuses downloads of attachments of another page or a hidden one, and expired media links', async () => {
    let now = Date.parse('2026-11-23T12:00:00Z');
    const emu = await emulator({ now: () => now });
    expect((await emu.fetch(APP, '/wiki/rest/api/content/1002/child/attachment/att2002/download')).status).toBe(404);
    expect((await emu.fetch(APP, '/wiki/api/v2/attachments/att9999')).status).toBe(404);
    const location = (await emu.fetch(APP, '/wiki/rest/api/content/1001/child/attachment/att2002/download')).headers.get('location') ?? '';
    now += 10 * 60 * 1000;
    expect((await emu.fetch(APP, location)).status).toBe(401);
  });

  it('answers 401 on /wiki/download/ (not an API path) and records it as outside the specs', async () => {
    const emu = await emulator();
    expect((await emu.fetch(APP, '/wiki/download/attachments/1001/spec.txt?version=1&api=v2')).status).toBe(401);
    expect(emu.stats.specViolations).toEqual([expect.objectContaining({ reason: expect.stringMatching(/not an API path/) })]);
    emu.stats.reset();
  });

  it('uploads through multipart, refusing a duplicate file name and a missing XSRF header', async () => {
    const emu = await emulator();
    const upload = async (name: string, headers: Record<string, string> = { 'x-atlassian-token': 'no-check' }) => {
      const form = new FormData();
      form.set('file', new File(['hello'], name, { type: 'text/plain' }));
      form.set('comment', 'via share');
      form.set('minorEdit', 'true');
      const encoded = new Response(form);
      const response = await emu.fetch(APP, '/wiki/rest/api/content/1002/child/attachment', {
        method: 'POST',
        headers: { 'content-type': encoded.headers.get('content-type') ?? '', ...headers },
        body: await encoded.arrayBuffer(),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const created = await upload('notes.txt');
    expect(created.status).toBe(200);
    expect(created.body.results[0]).toMatchObject({ type: 'attachment', title: 'notes.txt', extensions: { fileSize: 5, mediaType: 'text/plain' } });
    const duplicate = await upload('notes.txt');
    expect(duplicate).toMatchObject({ status: 400, body: { message: expect.stringMatching(/same file name/) } });
    expect((await upload('other.txt', {})).status).toBe(403);
    const listed = await call(emu, APP, '/wiki/api/v2/pages/1002/attachments');
    expect(listed.body.results.map((a: { title: string }) => a.title)).toEqual(['notes.txt']);
  });
});

describe('data classification', () => {
  it('serves the levels, a page level (else the space default) and the space default', async () => {
    const emu = await emulator();
    const levels = await call(emu, APP, '/wiki/api/v2/classification-levels');
    expect(levels.body.map((l: { name: string }) => l.name)).toEqual(['Public', 'Internal', 'Confidential']);
    expect((await call(emu, APP, '/wiki/api/v2/pages/1004/classification-level')).body).toMatchObject({ id: 'cl-confidential', order: 3 });
    expect((await call(emu, APP, '/wiki/api/v2/pages/1008/classification-level')).status).toBe(404);
    expect((await call(emu, APP, '/wiki/api/v2/pages/1007/classification-level')).body).toMatchObject({ id: 'cl-internal' });
    expect((await call(emu, APP, '/wiki/api/v2/spaces/98302/classification-level/default')).body).toMatchObject({ name: 'Internal' });
  });
});

describe('rate limits, latency and request statistics', () => {
  it('answers 429 with Retry-After when told to', async () => {
    const emu = await emulator({ inject429: ({ path }) => path.includes('/labels'), retryAfterSeconds: 7 });
    const limited = await emu.fetch(APP, '/wiki/api/v2/pages/1001/labels');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await emu.fetch(APP, '/wiki/api/v2/pages/1001')).status).toBe(200);
    const always = await emulator({ inject429: 1 });
    expect((await always.fetch(APP, '/wiki/api/v2/pages/1001')).status).toBe(429);
    expect(always.stats.throttled).toBe(1);
  });

  it('counts requests, parallel peaks and sequential waves', async () => {
    const emu = await emulator({ latencyMs: 5 });
    await Promise.all(['1001', '1002', '1003'].map((id) => emu.fetch(APP, `/wiki/api/v2/pages/${id}`)));
    await emu.fetch(APP, '/wiki/api/v2/pages/1005');
    expect(emu.stats).toMatchObject({ requests: 4, maxInFlight: 3, waves: 2, byOperation: { getPageById: 4 } });
  });

  it('refuses an off-spec request with a 400 that says so, and records it', async () => {
    const emu = await emulator();
    const res = await call(emu, APP, '/wiki/api/v2/pages/1001/descendants?depth=20');
    expect(res).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^outside the OpenAPI spec: .*depth/) } });
    expect(emu.stats.specViolations).toHaveLength(1);
    emu.stats.reset();
  });
});

describe('site control (Confluence changing under the app)', () => {
  it('trashes, restores, archives, edits and purges pages', async () => {
    const emu = await emulator();
    await emu.control.trashPage('1002');
    expect((await call(emu, APP, '/wiki/api/v2/pages/1002')).status).toBe(404);
    expect((await call(emu, APP, '/wiki/api/v2/pages/1002?status=trashed')).status).toBe(200);
    await emu.control.restorePage('1002');
    const edited = await emu.control.updatePage('1002', { title: 'Getting started (v2)' });
    expect(edited).toMatchObject({ title: 'Getting started (v2)', version: 4 });
    expect((await call(emu, APP, '/wiki/api/v2/pages/1002')).body).toMatchObject({ title: 'Getting started (v2)', version: { number: 4 } });
    await emu.control.archivePage('1005');
    expect((await call(emu, APP, '/wiki/api/v2/pages/1005')).body.status).toBe('archived');
    await emu.control.deletePage('1003');
    expect((await call(emu, APP, '/wiki/api/v2/pages/1003?status=trashed&status=current')).status).toBe(404);
    expect((await call(emu, APP, '/wiki/api/v2/pages/1005')).body.parentId).toBe('1001');
    await expect(emu.control.updatePage('1001', { parentId: '1002' })).rejects.toThrow(/below itself/);
    expect(emu.control.page('1003')).toBeUndefined();
  });

  it('persists changes and restores them when reopened from the same fixture', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'confluence-emulator-'));
    try {
      const persistPath = join(dir, 'site-state.json');
      const first = await openConfluenceEmulator(DEMO_SITE, { persistPath });
      await first.control.trashPage('1002');
      await call(first, APP, '/wiki/api/v2/footer-comments', { method: 'POST', json: { pageId: '1001', body: { representation: 'storage', value: '<p>kept</p>' } } });
      await first.control.flush();
      const second = await openConfluenceEmulator(DEMO_SITE, { persistPath });
      expect(second.control.page('1002')?.status).toBe('trashed');
      const roots = await call(second, APP, '/wiki/api/v2/pages/1001/footer-comments?body-format=storage');
      expect(roots.body.results.at(-1).body.storage.value).toBe('<p>kept</p>');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
