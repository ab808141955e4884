/**
 * A recipient's own comment, through the production Confluence adapter and the emulator: the name they
 * typed, or, with no name, the address they proved; always marked "via share link"; threads nested;
 * every comment carries its anchor.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PageComment } from '../../src/app/ports';
import { commentThreads } from '../../src/web/comment-threads';
import { startHarness, type Harness } from './support/share-harness';
import { formByAction, Visitor, type VisitorResponse } from '../support/visitor';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const sameOrigin = () => ({ 'sec-fetch-site': 'same-origin', origin: new URL(h.base).origin });

const openWithCode = async (v: Visitor, path: string, email: string): Promise<VisitorResponse> => {
  const gate = await v.get(path);
  const sent = await v.submit(gate.text, 'email', { email });
  const code = [...h.mail].reverse().find((m) => m.to.includes(email))?.text.match(/\b(\d{6})\b/)?.[1] ?? '';
  return v.follow(await v.submit(sent.text, 'code', { code }));
};

const post = async (v: Visitor, page: string, fields: Record<string, string>): Promise<VisitorResponse> => {
  const form = formByAction(page, '/comments');
  return v.follow(await v.postForm(form.action, { ...form.fields, ...fields }, sameOrigin()));
};

describe('recipient: own comments', () => {
  it('with no name typed, the comment shows the verified address as its author', async () => {
    const { path } = await h.link({ selectedUsers: ['ann@partner.example'], comments: 'view_add' });
    const v = new Visitor(h.base);
    const page = await openWithCode(v, path, 'ann@partner.example');
    const after = await post(v, page.text, { name: '', text: 'No name given.' });
    expect(after.text).toMatch(/<span class="who">ann@partner\.example<\/span> <span class="via">via share link<\/span>/);
    expect(after.text).not.toContain('Anonymous visitor');
    expect(after.text).not.toMatch(/<span class="who">Secure Share/);
  });

  it('with a name typed, the name and the verified address both show', async () => {
    const { path } = await h.link({ selectedUsers: ['ann@partner.example'], comments: 'view_add' });
    const v = new Visitor(h.base);
    const page = await openWithCode(v, path, 'ann@partner.example');
    const after = await post(v, page.text, { name: 'Ann Partner', text: 'Named.' });
    expect(after.text).toContain('<span class="who">Ann Partner</span> <span class="email">ann@partner.example</span> <span class="via">via share link</span>');
  });

  it('an anonymous visitor without a proven address stays "Anonymous visitor"', () => {
    const base: PageComment = {
      id: '9',
      pageId: '1',
      kind: 'footer',
      parentId: null,
      authorName: 'Anonymous visitor',
      authorEmail: null,
      viaShare: true,
      createdAt: 1,
      bodyText: 'x',
    };
    expect(commentThreads([base]).footer[0]).toMatchObject({ id: '9', authorName: 'Anonymous visitor', authorEmail: null });
    // A Confluence user who happens to be called "Anonymous visitor" is not renamed.
    expect(commentThreads([{ ...base, viaShare: false, authorEmail: 'x@y.example' }]).footer[0]).toMatchObject({ authorName: 'Anonymous visitor' });
  });
});
