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
    // configs.getRegistry (named configurations, classification rule) is read beside the link in the first wave.
    expect([...h.storeCalls].sort()).toEqual(
      ['configs.getGlobal', 'configs.getRegistry', 'configs.getSite', 'configs.getSpace', ...Array(4).fill('ephemeral.get'), 'links.get', 'secrets.get', 'stats.recordView'].sort(),
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

describe('a plain page view (no child pages) through the REST adapter', () => {
  it('is one wave of Confluence requests: page, every comment and reply in one listing, attachments, the creator read check', async () => {
    h = await startHarness({ edge: 'forwarding-proxy', confluenceLatencyMs: 50 });
    const { path } = await h.link({ includeChildren: false, comments: 'view', attachments: 'view', showCreator: true });
    const v = new Visitor(h.base);
    h.confluence.reset();
    const reply = await v.get(path);
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('Thanks, the EU row is there now.');
    expect(h.confluence.byOperation).toEqual({ getPageById: 1, getDescendantsOfType: 1, getPageAttachments: 1, checkContentPermission: 1 });
    expect(h.confluence.waves).toBe(1);
  });

  it('makes one request per kind of content: every comment and reply in one listing, pictures without a metadata read, the stored creator name', async () => {
    h = await startHarness({ edge: 'forwarding-proxy', confluenceLatencyMs: 50, handlerOptions: { inlineImages: true } });
    const { path, link } = await h.link({ includeChildren: false, comments: 'view', attachments: 'view', showCreator: true });
    expect(link.createdByName).toBe('Erin Editor');
    const v = new Visitor(h.base);
    h.confluence.reset();
    const reply = await v.get(path);
    expect(reply.status).toBe(200);
    // Replies at two levels of the demo page (footer 3001 → 3004, inline 3005 → 3006), the picture and the creator.
    expect(reply.text).toContain('Thanks, the EU row is there now.');
    expect(reply.text).toContain('Three: the cache is part of the edge tier.');
    expect(reply.text).toContain('data:image/png;base64,');
    expect(reply.text).toContain('Erin Editor');
    expect(h.confluence.byOperation).toEqual({
      getPageById: 1,
      getDescendantsOfType: 1,
      getPageAttachments: 1,
      checkContentPermission: 1,
      // The picture's bytes, after the body named it: the only request of a second wave.
      downloadAttatchment: 1,
    });
    // The content wave, the download, and the media service the download's 302 points to.
    expect(h.confluence.waves).toBe(3);
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
