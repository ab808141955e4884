import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/core/defaults';
import { sendOpenedAlerts } from '../../src/app/notifications';
import { MAX_UPLOAD_FILE_BYTES } from '../../src/app/view/upload-rules';
import { SESSION_KEY_SECRET, unsubscribeSignature } from '../../src/web/session';
import { startHarness, type Harness } from './support/share-harness';
import { formByAction, imagesOf, linksOf, Visitor, type VisitorResponse } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

const upload = async (v: Visitor, html: string, file: { name: string; bytes: Uint8Array; type?: string }, extra: Record<string, string> = {}): Promise<VisitorResponse> => {
  const form = formByAction(html, '/attachments');
  const data = new FormData();
  for (const [name, value] of Object.entries({ ...form.fields, ...extra })) data.append(name, value);
  data.append('file', new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type ?? 'application/octet-stream' }), file.name);
  return v.request('POST', form.action, { headers: { 'sec-fetch-site': 'same-origin', origin: new URL(h.base).origin }, body: data });
};

describe('attachments', () => {
  it('downloads with attachment disposition, filename*, nosniff and no-store', async () => {
    const { path } = await h.link({ attachments: 'view' });
    const v = new Visitor(h.base);
    const page = await v.get(path);
    const link = linksOf(page.text).find((l) => l.text === 'spec.txt');
    expect(link?.href).toBe(`${h.base}${path}/a/att2002`);
    const file = await v.get(link!.href);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="spec.txt"; filename*=UTF-8''spec.txt`);
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('cache-control')).toContain('no-store');
    expect(file.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(file.text.length).toBeGreaterThan(0);
  });

  it('refuses attachments when not shared, unknown ids, and ids of out-of-tree pages', async () => {
    const none = await h.link({ attachments: 'none' });
    expect((await new Visitor(h.base).get(`${none.path}/a/att2002`)).status).toBe(404);
    expect((await new Visitor(h.base).get(none.path)).text).not.toContain('spec.txt</a>');
    const view = await h.link({ attachments: 'view' });
    expect((await new Visitor(h.base).get(`${view.path}/a/att-9999`)).status).toBe(404);
    expect((await new Visitor(h.base).get(`${view.path}/p/2001/a/att2002`)).status).toBe(404);
    expect((await new Visitor(h.base).get(`${view.path}/a/..%2F..%2Fetc`)).status).toBe(404);
  });

  it('serves embedded images through the proxy even when attachments are not listed', async () => {
    const { path } = await h.link({ attachments: 'none' });
    const v = new Visitor(h.base);
    const page = await v.get(path);
    const src = imagesOf(page.text).find((s) => s.includes('/img/1001/diagram.png'));
    expect(src).toBeDefined();
    const image = await v.get(src!);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    // Only raster images; a text attachment is not an image.
    expect((await v.get(`${path}/img/1001/spec.txt`)).status).toBe(404);
    expect((await v.get(`${path}/img/2001/diagram.png`)).status).toBe(404);
  });

  it('upload: accepted within limits on view_add, refused otherwise', async () => {
    const { path } = await h.link({ attachments: 'view_add' });
    const v = new Visitor(h.base);
    const page = await v.get(path);
    const ok = await upload(v, page.text, { name: 'photo.png', bytes: PNG, type: 'image/png' });
    expect(ok.status).toBe(303);
    expect((await h.deps.content.listAttachments('1001')).some((a) => a.title === 'photo.png')).toBe(true);

    const empty = await upload(v, page.text, { name: 'empty.txt', bytes: new Uint8Array() });
    expect(empty.status).toBe(400);
    const html = await upload(v, page.text, { name: 'evil.pdf', bytes: new TextEncoder().encode('<html><script>alert(1)</script>') });
    expect(html.status).toBe(415);
    const svg = await upload(v, page.text, { name: 'x.svg', bytes: new TextEncoder().encode('<svg onload="alert(1)"/>') });
    expect(svg.status).toBe(415);
    const exe = await upload(v, page.text, { name: 'setup.exe', bytes: Uint8Array.from([0x4d, 0x5a, 0, 0]) });
    expect(exe.status).toBe(415);
    const big = await upload(v, page.text, { name: 'big.txt', bytes: new Uint8Array(MAX_UPLOAD_FILE_BYTES + 1).fill(0x61) });
    expect(big.status).toBe(413);
    const noCsrf = await upload(v, page.text, { name: 'a.png', bytes: PNG }, { csrf: 'x' });
    expect(noCsrf.status).toBe(403);
  });

  it('upload: path-like names are reduced to a safe file name', async () => {
    const { path } = await h.link({ attachments: 'view_add' });
    const v = new Visitor(h.base);
    const page = await v.get(path);
    const reply = await upload(v, page.text, { name: '..\\..\\notes\u202Etxt.png', bytes: PNG });
    expect(reply.status).toBe(303);
    const titles = (await h.deps.content.listAttachments('1001')).map((a) => a.title);
    expect(titles).toContain('notestxt.png');
  });

  it('upload refused on a view-only link', async () => {
    const editable = await h.link({ attachments: 'view_add' });
    const viewOnly = await h.link({ attachments: 'view' });
    const v = new Visitor(h.base);
    const page = await v.get(viewOnly.path);
    const forms = (await v.get(editable.path)).text;
    expect(page.text).not.toContain('/attachments"');
    const reply = await upload(v, forms.replaceAll(editable.path, viewOnly.path), { name: 'a.png', bytes: PNG });
    expect(reply.status).toBe(403);
  });
});

describe('subscriptions', () => {
  it('confirm the address by code (which subscribes it), then unsubscribe through the signed link', async () => {
    const { path, link } = await h.link({ allowSubscribe: true });
    const v = new Visitor(h.base);
    const page = await v.get(path);
    const ask = formByAction(page.text, '/email/send');
    const sent = await v.postForm(ask.action, { ...ask.fields, email: 'sam@anywhere.example' });
    expect(sent.status).toBe(200);
    const code = h.mail.at(-1)!.text.match(/\b(\d{6})\b/)![1]!;
    const verify = formByAction(sent.text, '/email/verify');
    const done = await v.follow(await v.postForm(verify.action, { ...verify.fields, code }));
    expect(done.text).toContain('sam@anywhere.example');
    expect(done.text).toContain('You are subscribed');
    const subs = await h.store.subscriptions.listByLink(link.id, { limit: 10 });
    expect(subs.items.map((s) => s.email)).toEqual(['sam@anywhere.example']);

    // The confirmation mail links the token-less signed unsubscribe route (the one update mails use).
    const mailUrl = h.mail.at(-1)!.text.match(/https?:\/\/\S+\/subscriptions\/\S+\/unsubscribe\?sig=\S+/)?.[0];
    expect(mailUrl).toBeDefined();
    expect(mailUrl).not.toContain(path);

    // The in-link route: GET confirms nothing, POST with the signature and CSRF token removes it.
    const key = Buffer.from((await h.store.secrets.get(SESSION_KEY_SECRET))!, 'base64url');
    const id = subs.items[0]!.id;
    const unsubscribeUrl = `${h.base}${path}/unsubscribe/${id}?sig=${unsubscribeSignature(key, id)}`;
    expect((await v.get(`${h.base}${path}/unsubscribe/${id}?sig=${'A'.repeat(43)}`)).status).toBe(400);
    const confirm = await v.get(unsubscribeUrl);
    expect(confirm.status).toBe(200);
    expect((await h.store.subscriptions.listByLink(link.id, { limit: 10 })).items).toHaveLength(1);
    const form = formByAction(confirm.text, `/unsubscribe/${id}?sig=${unsubscribeSignature(key, id)}`);
    const gone = await v.postForm(form.action, form.fields);
    expect(gone.text).toContain('You are unsubscribed');
    expect((await h.store.subscriptions.listByLink(link.id, { limit: 10 })).items).toHaveLength(0);
  });

  it('from a child page: confirming the address subscribes to that page and returns to its Updates section', async () => {
    const { path, link } = await h.link({ allowSubscribe: true, includeChildren: true, withoutLabels: ['internal'] });
    const v = new Visitor(h.base);
    const page = await v.get(`${path}/p/1002`);
    const ask = formByAction(page.text, '/email/send');
    const sent = await v.postForm(ask.action, { ...ask.fields, email: 'kim@anywhere.example' });
    const code = h.mail.at(-1)!.text.match(/\b(\d{6})\b/)![1]!;
    const verify = formByAction(sent.text, '/email/verify');
    const back = await v.postForm(verify.action, { ...verify.fields, code });
    expect(back.location).toBe(`${h.base}${path}/p/1002?n=subscribed#updates`);
    const child = await v.follow(back);
    expect(formByAction(child.text, '/p/1002/unsubscribe').action).toBe(`${h.base}${path}/p/1002/unsubscribe`);
    const subs = await h.store.subscriptions.listByLink(link.id, { limit: 10 });
    expect(subs.items.map((s) => [s.email, s.pageId])).toEqual([['kim@anywhere.example', '1002']]);
  });

  it('is not offered, and refused, when the link does not allow it', async () => {
    const { path } = await h.link({ allowSubscribe: false, comments: 'view_add' });
    const v = new Visitor(h.base);
    const page = await v.get(path);
    expect(page.text).not.toContain('/subscribe"');
    const secrets = formByAction(page.text, '/comments').fields;
    expect((await v.postForm(`${h.base}${path}/subscribe`, secrets)).status).toBe(403);
  });
});

describe('security headers on every response', () => {
  it('200, 303, 400, 403, 404, 405, 503 and downloads all carry the full set', async () => {
    const { path } = await h.link({ password: 'correct horse battery', attachments: 'view' });
    const v = new Visitor(h.base);
    const gate = await v.get(path);
    const form = formByAction(gate.text, '/password');
    const replies: VisitorResponse[] = [
      gate,
      await v.postForm(form.action, { ...form.fields, password: 'correct horse battery' }),
      await v.postForm(form.action, { ...form.fields, password: '' }),
      await v.postForm(form.action, { password: 'x' }),
      await v.get('/s/nope'),
      await v.request('DELETE', path),
      await v.get(`${path}/a/att2002`),
    ];
    const original = h.deps.store.configs.getSpace.bind(h.deps.store.configs);
    h.deps.store.configs.getSpace = async () => {
      throw new Error('down');
    };
    replies.push(await v.get(path));
    h.deps.store.configs.getSpace = original;
    expect(replies.map((r) => r.status)).toEqual([200, 303, 303, 403, 404, 405, 200, 503]);
    for (const reply of replies) {
      expect(reply.headers.get('referrer-policy')).toBe('no-referrer');
      expect(reply.headers.get('cache-control')).toContain('no-store');
      expect(reply.headers.get('x-robots-tag')).toContain('noindex, nofollow');
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('x-frame-options')).toBe('DENY');
      const csp = reply.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("script-src 'none'"); // SPEC and catalogue E16 name it explicitly
    }
  });
});

describe('branding and custom domain', () => {
  it('uses heading, footer and the custom domain in every link; shows the creator when asked', async () => {
    await h.store.configs.putSite(
      {
        ...defaultSiteSettings(h.clock.now),
        customDomain: 'https://share.acme.example',
        customization: { showHeading: true, heading: 'Acme <Partners>', logoUrl: 'https://evil.example/logo.png', faviconUrl: null, showFooter: true, footerText: '© Acme' },
        version: 1,
      },
      0,
    );
    const { path } = await h.link({ includeChildren: true, showCreator: true });
    const page = await new Visitor(h.base).get(path);
    expect(page.text).toContain('Acme &lt;Partners&gt;');
    expect(page.text).toContain('© Acme');
    expect(page.text).toContain('Shared by Erin Editor');
    // An https logo on a public host is shown, its origin admitted by this response's img-src only.
    expect(imagesOf(page.text)).toContain('https://evil.example/logo.png');
    expect(page.headers.get('content-security-policy')).toContain("img-src 'self' data: https://evil.example;");
    const internal = linksOf(page.text).filter((l) => l.href.includes('/s/'));
    expect(internal.length).toBeGreaterThan(0);
    for (const link of internal) expect(link.href.startsWith(`https://share.acme.example${path}`)).toBe(true);
  });
});

describe('inline images (hosts without binary responses)', () => {
  it('embeds in-tree raster images as data: URLs instead of proxy links', async () => {
    await h.close();
    h = await startHarness({ edge: 'forwarding-proxy', handlerOptions: { inlineImages: true } });
    const { path } = await h.link({ attachments: 'none' });
    const page = await new Visitor(h.base).get(path);
    const images = imagesOf(page.text);
    expect(images).toHaveLength(1);
    expect(images[0]).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/);
    expect(page.text).not.toContain('/img/1001/');
  });
});

describe('link opened alert', () => {
  it('mails the link creator once a day when the admin turned it on', async () => {
    await h.store.configs.putSite({ ...defaultSiteSettings(h.clock.now), notifications: { openedAlert: true, expiryReminderDays: 3 }, version: 1 }, 0);
    const { path } = await h.link();
    const v = new Visitor(h.base);
    await v.get(path);
    await v.get(path);
    // The view never waits for the mail provider: the sweep sends the alert.
    expect(h.mail.filter((m) => m.kind === 'opened')).toHaveLength(0);
    await sendOpenedAlerts(h.deps);
    await v.get(path);
    await sendOpenedAlerts(h.deps);
    const alerts = h.mail.filter((m) => m.kind === 'opened');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.to).toEqual(['erin.editor@acme.example']);
  });

  it('sends nothing when it is off (the default)', async () => {
    const { path } = await h.link();
    await new Visitor(h.base).get(path);
    expect(h.mail.filter((m) => m.kind === 'opened')).toHaveLength(0);
  });
});
