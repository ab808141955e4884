import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSharePath } from '../../src/web/share-routes';
import { startHarness, type Harness } from './support/share-harness';
import { Visitor } from '../support/visitor';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('critical path', () => {
  it('a page view reads the store in two waves and writes only the view counter', async () => {
    h = await startHarness({ edge: 'forwarding-proxy' });
    const { path } = await h.link({ includeChildren: true, comments: 'view', attachments: 'view' });
    const v = new Visitor(h.base);
    await v.get(path); // creates the session key once
    h.storeCalls.length = 0;
    const reply = await v.get(path);
    expect(reply.status).toBe(200);
    // ephemeral.get, read beside the Confluence wave (nothing written while fresh): the creator's cached read
    // rights, and the cached shared tree with the page-event generations of its space and of the site.
    expect([...h.storeCalls].sort()).toEqual(
      ['configs.getGlobal', 'configs.getSite', 'configs.getSpace', ...Array(4).fill('ephemeral.get'), 'links.get', 'secrets.get', 'stats.recordView'].sort(),
    );
  });

  it('Confluence calls go out in one parallel wave (page, descendants, comments, attachments, creator)', async () => {
    const latency = 150;
    h = await startHarness({ edge: 'forwarding-proxy', confluenceLatencyMs: latency });
    const { path } = await h.link({ includeChildren: true, comments: 'view', attachments: 'view', showCreator: true });
    const v = new Visitor(h.base);
    await v.get(`${path}/p/1002`);
    const started = performance.now();
    const reply = await v.get(`${path}/p/1005`);
    const elapsed = performance.now() - started;
    expect(reply.status).toBe(200);
    // Through the REST adapter the longest chain is two calls (descendants, then their labels and restrictions
    // in parallel); six calls in sequence would take ≥ 900 ms.
    expect(elapsed).toBeLessThan(latency * 3);
  });
});

describe('router', () => {
  it('never throws and only accepts well-formed tokens and numeric page ids', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (tail) => {
        const parsed = parseSharePath(`/s/${tail}`);
        if (parsed === null) return true;
        return /^[A-Za-z0-9_-]{65}$/.test(parsed.token) && (!('pageId' in parsed.route) || parsed.route.pageId === null || /^[1-9][0-9]{0,19}$/.test(parsed.route.pageId));
      }),
      { numRuns: 2000 },
    );
  });

  it('maps every documented route', () => {
    const t = 'A'.repeat(65);
    const kinds = [
      '', '/p/12', '/password', '/email/send', '/email/verify', '/sso/start', '/sso/callback', '/comments', '/p/12/comments',
      '/a/att-1', '/p/12/a/att-1', '/attachments', '/p/12/attachments', '/subscribe', `/unsubscribe/${'B'.repeat(22)}`, '/img/12/a%20b.png', '/logout',
    ].map((suffix) => parseSharePath(`/s/${t}${suffix}`)?.route.kind);
    expect(kinds).toEqual([
      'page', 'page', 'password', 'email_send', 'email_verify', 'sso_start', 'sso_callback', 'comment', 'comment',
      'attachment', 'attachment', 'upload', 'upload', 'subscribe', 'unsubscribe', 'image', 'logout',
    ]);
    expect(parseSharePath(`/s/${t}/img/12/a%2Fb.png`)).toBeNull();
    expect(parseSharePath(`/s/${t}/p/0`)).toBeNull();
  });
});
