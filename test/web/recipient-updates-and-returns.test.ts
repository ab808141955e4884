/**
 * Recipient flow over real HTTP: the subscribed state with Unsubscribe, subscribing in one step when the
 * address is already proven, returning to what was just posted (comment / attachment anchors), and the
 * branded "file too large" page with the limit and a way back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_FILE_BYTES } from '../../src/app/view/upload-rules';
import { startHarness, type Harness } from './support/share-harness';
import { formByAction, linksOf, Visitor, type VisitorResponse } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const codeFor = (to: string): string => {
  const message = [...h.mail].reverse().find((m) => m.to.includes(to));
  const code = message?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code mailed to ${to}`);
  return code;
};

const sameOrigin = () => ({ 'sec-fetch-site': 'same-origin', origin: new URL(h.base).origin });

/** Passes the email-code gate of a selected-users link as `email`; returns the page. */
const openWithCode = async (v: Visitor, path: string, email: string): Promise<VisitorResponse> => {
  const gate = await v.get(path);
  const sent = await v.submit(gate.text, 'email', { email });
  const reply = await v.submit(sent.text, 'code', { code: codeFor(email) });
  expect(reply.status).toBe(303);
  return v.follow(reply);
};

describe('recipient: updates', () => {
  it('an address proven at the gate subscribes in one click; the page then shows the subscribed state with Unsubscribe', async () => {
    const { path, link } = await h.link({ selectedUsers: ['ann@partner.example'], allowSubscribe: true });
    const v = new Visitor(h.base);
    const page = await openWithCode(v, path, 'ann@partner.example');
    expect(page.text).toContain('Signed in as <strong>ann@partner.example</strong>');
    const subscribe = formByAction(page.text, '/subscribe');
    const reply = await v.postForm(subscribe.action, subscribe.fields, sameOrigin());
    expect(reply.status).toBe(303);
    expect(reply.location).toBe(`${h.base}${path}?n=subscribed#updates`);
    const subscribed = await v.follow(reply);
    expect(subscribed.text).toContain('You are subscribed');
    expect(subscribed.text).toContain('You get an email at <strong>ann@partner.example</strong>');
    expect(subscribed.text).not.toContain('>Subscribe</button>');
    const unsubscribe = formByAction(subscribed.text, '/unsubscribe');
    expect((await h.store.subscriptions.listByLink(link.id, { limit: 10 })).items.map((s) => s.email)).toEqual(['ann@partner.example']);

    // Reloading (no notice) still shows the state; subscribing twice is not possible.
    expect((await v.get(path)).text).toContain('>Unsubscribe</button>');
    const again = await v.postForm(subscribe.action, subscribe.fields, sameOrigin());
    expect(again.location).toBe(`${h.base}${path}?n=already_subscribed#updates`);

    const gone = await v.postForm(unsubscribe.action, unsubscribe.fields, sameOrigin());
    expect(gone.status).toBe(303);
    expect(gone.location).toBe(`${h.base}${path}?n=unsubscribed#updates`);
    const after = await v.follow(gone);
    expect(after.text).toContain('You are unsubscribed');
    expect(after.text).toContain('>Subscribe</button>');
    expect((await h.store.subscriptions.listByLink(link.id, { limit: 10 })).items).toHaveLength(0);
  });

  it('without a proven address, entering the code subscribes in the same step', async () => {
    const { path, link } = await h.link({ allowSubscribe: true });
    const v = new Visitor(h.base);
    const page = await v.get(path);
    expect(page.text).not.toContain('Signed in as');
    const ask = formByAction(page.text, '/email/send');
    const sent = await v.postForm(ask.action, { ...ask.fields, email: 'Lee@Anywhere.example' }, sameOrigin());
    const verify = formByAction(sent.text, '/email/verify');
    const reply = await v.postForm(verify.action, { ...verify.fields, code: codeFor('lee@anywhere.example') }, sameOrigin());
    expect(reply.location).toBe(`${h.base}${path}?n=subscribed#updates`);
    const done = await v.follow(reply);
    expect(done.text).toContain('You get an email at <strong>lee@anywhere.example</strong>');
    expect((await h.store.subscriptions.listByLink(link.id, { limit: 10 })).items.map((s) => s.email)).toEqual(['lee@anywhere.example']);
  });

  it('a refused write leads back to the section it came from', async () => {
    const { path } = await h.link({ comments: 'view_add' });
    const v = new Visitor(h.base);
    const page = await v.get(path);
    const form = formByAction(page.text, '/comments');
    const empty = await v.postForm(form.action, { ...form.fields, text: '   ' }, sameOrigin());
    expect(empty.status).toBe(400);
    expect(linksOf(empty.text).find((l) => l.text === 'Back to the page')?.href).toBe(`${h.base}${path}#comments`);
  });

  it('unsubscribe needs a proven address and a same-origin form', async () => {
    const { path } = await h.link({ allowSubscribe: true, comments: 'view_add' });
    const v = new Visitor(h.base);
    const page = await v.get(path);
    const secrets = formByAction(page.text, '/comments').fields;
    expect((await v.postForm(`${h.base}${path}/unsubscribe`, secrets, sameOrigin())).status).toBe(400);
    expect((await v.postForm(`${h.base}${path}/unsubscribe`, secrets, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });
});

describe('recipient: an address taken off the list', () => {
  it('meets the email gate again, told which address was refused, instead of the 404', async () => {
    const { path, link } = await h.link({ selectedUsers: ['ann@partner.example', 'bo@partner.example'] });
    const v = new Visitor(h.base);
    expect((await openWithCode(v, path, 'ann@partner.example')).text).toContain('Service levels');
    await h.patchLink(link.id, { selectedUsers: ['bo@partner.example'] });
    const gate = await v.get(path);
    expect(gate.status).toBe(200);
    expect(gate.text).toContain('ann@partner.example can no longer open this page');
    expect(gate.text).not.toContain('Service levels');
    // The address left the session: the next request is the plain gate, and another address may pass.
    const next = await v.get(path);
    expect(next.text).toContain('Verify your email');
    expect(next.text).not.toContain('can no longer open');
    expect((await openWithCode(v, path, 'bo@partner.example')).text).toContain('Service levels');
  });
});

describe('recipient: back to what was posted', () => {
  it('a new comment is the target of the redirect, and the page has its anchor', async () => {
    const { path } = await h.link({ comments: 'view_add' });
    const v = new Visitor(h.base);
    const page = await v.get(path);
    const form = formByAction(page.text, '/comments');
    const reply = await v.postForm(form.action, { ...form.fields, name: 'Pat', text: 'Looks good to me.' }, sameOrigin());
    expect(reply.status).toBe(303);
    const anchor = /#(comment-[A-Za-z0-9_-]+)$/.exec(reply.location ?? '')?.[1];
    expect(anchor, reply.location ?? '').toBeDefined();
    const after = await v.follow(reply);
    expect(after.text).toContain(`id="${anchor}"`);
    expect(after.text).toContain('Your comment was added.');
  });

  it('a new file is the target of the redirect, and the list has its anchor', async () => {
    const { path } = await h.link({ attachments: 'view_add' });
    const v = new Visitor(h.base);
    const page = await v.get(path);
    const form = formByAction(page.text, '/attachments');
    const data = new FormData();
    for (const [name, value] of Object.entries(form.fields)) data.append(name, value);
    data.append('file', new Blob(['hello'], { type: 'text/plain' }), 'notes.txt');
    const reply = await v.request('POST', form.action, { headers: sameOrigin(), body: data });
    expect(reply.status).toBe(303);
    const anchor = /#(attachment-[A-Za-z0-9_-]+)$/.exec(reply.location ?? '')?.[1];
    expect(anchor, reply.location ?? '').toBeDefined();
    expect((await v.follow(reply)).text).toContain(`id="${anchor}"`);
  });
});

describe('recipient: file too large', () => {
  it('is a branded page giving the limit in MB and a way back to the page', async () => {
    const { path } = await h.link({ attachments: 'view_add', includeChildren: true, withoutLabels: ['internal'] });
    const v = new Visitor(h.base);
    const page = await v.get(`${path}/p/1002`);
    const form = formByAction(page.text, '/attachments');
    const data = new FormData();
    for (const [name, value] of Object.entries(form.fields)) data.append(name, value);
    data.append('file', new Blob([new Uint8Array(MAX_UPLOAD_FILE_BYTES + 200 * 1024)], { type: 'application/pdf' }), 'big.pdf');
    const reply = await v.request('POST', form.action, { headers: sameOrigin(), body: data });
    expect(reply.status).toBe(413);
    expect(reply.text).toContain('File too large');
    expect(reply.text).toContain('at most 3.5 MB');
    const back = linksOf(reply.text).find((l) => l.text === 'Back to the page');
    expect(back?.href).toBe(`${h.base}${path}/p/1002#attachments`);
  });

  it('an unknown link still answers the generic 404, whatever was sent', async () => {
    const { path } = await h.link({ attachments: 'view_add' });
    const wrong = path.slice(0, -4) + (path.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const data = new FormData();
    data.append('file', new Blob([new Uint8Array(MAX_UPLOAD_FILE_BYTES + 200 * 1024)]), 'big.pdf');
    const reply = await new Visitor(h.base).request('POST', `${h.base}${wrong}/attachments`, { headers: sameOrigin(), body: data });
    expect(reply.status).toBe(404);
  });
});
