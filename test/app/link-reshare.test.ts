import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import { openToken, sealToken } from '../../src/core/token';
import { emailLink } from '../../src/app/link-email';
import { getLinkUrl } from '../../src/app/link-reshare';
import { createLink, rotateLink } from '../../src/app/links';
import { TOKEN_KEY_SECRET } from '../../src/app/token-vault';
import type { SecretStore } from '../../src/app/ports';
import { createHarness, EDITOR, OUTSIDER, SITE_ADMIN, SPACE_ADMIN, VIEWER, type Harness } from './harness';

const OPS_EDITOR = { accountId: 'u-ops' };

const codeOf = (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (e: unknown) => (e instanceof DomainError ? e.code : 'not a DomainError'),
  );

let h: Harness;
beforeEach(async () => {
  h = await createHarness('reshare');
});

describe('sealed tokens (core)', () => {
  const key = new Uint8Array(32).fill(7);
  const iv = new Uint8Array(12).fill(1);
  const linkId = 'A'.repeat(22);
  const token = linkId + 'b'.repeat(43);

  it('opens only with the same key and link id, and refuses tampering', () => {
    const sealed = sealToken(key, linkId, token, iv);
    expect(sealed).not.toContain(token.slice(22));
    expect(openToken(key, linkId, sealed)).toBe(token);
    expect(openToken(new Uint8Array(32).fill(8), linkId, sealed)).toBeUndefined();
    expect(openToken(key, 'B'.repeat(22), sealed)).toBeUndefined();
    const parts = sealed.split('.');
    const flipped = parts[2]!.startsWith('A') ? 'B' + parts[2]!.slice(1) : 'A' + parts[2]!.slice(1);
    expect(openToken(key, linkId, [parts[0], parts[1], flipped, parts[3]].join('.'))).toBeUndefined();
    expect(openToken(key, linkId, 'v2.x.y.z')).toBeUndefined();
    expect(openToken(key, linkId, 'garbage')).toBeUndefined();
  });
});

describe('getLinkUrl', () => {
  it('gives the creator, page editors, space admins and Confluence admins the same URL; a store dump alone holds no token', async () => {
    const created = await createLink(h.deps, EDITOR, { pageId: '1002', settings: { name: 'For Acme' } });
    const token = created.url.split('/s/')[1]!;
    const stored = await h.deps.store.links.get(created.link.id);
    expect(JSON.stringify(stored)).not.toContain(token.slice(22));
    expect(created.link.urlAvailable).toBe(true);
    for (const caller of [EDITOR, SPACE_ADMIN, SITE_ADMIN]) {
      expect(await getLinkUrl(h.deps, caller, created.link.id)).toEqual({ linkId: created.link.id, url: created.url, unavailableReason: null });
    }
    expect(await codeOf(getLinkUrl(h.deps, VIEWER, created.link.id))).toBe('forbidden');
    expect(await codeOf(getLinkUrl(h.deps, OUTSIDER, created.link.id))).toBe('forbidden');
    const shown = (await h.deps.store.audit.list({ action: 'link_url_shown' }, { limit: 10 })).items;
    expect(shown.map((e) => e.actor).sort()).toEqual(['u-editor', 'u-site-admin', 'u-space-admin']);
    expect(JSON.stringify(shown)).not.toContain(token.slice(22));
  });

  it('gives another editor of the page the URL, and follows a rotation', async () => {
    const created = await createLink(h.deps, EDITOR, { pageId: '2002', settings: {} });
    expect((await getLinkUrl(h.deps, OPS_EDITOR, created.link.id)).url).toBe(created.url);
    const rotated = await rotateLink(h.deps, OPS_EDITOR, { linkId: created.link.id });
    expect(rotated.url).not.toBe(created.url);
    expect((await getLinkUrl(h.deps, EDITOR, created.link.id)).url).toBe(rotated.url);
  });

  it('lets the creator re-share after losing edit rights on the page', async () => {
    const created = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    await h.site.updatePage('1002', { editRestrictedTo: ['u-space-admin'] });
    expect(await codeOf(rotateLink(h.deps, EDITOR, { linkId: created.link.id }))).toBe('forbidden');
    expect((await getLinkUrl(h.deps, EDITOR, created.link.id)).url).toBe(created.url);
  });

  it('says plainly that a link from before re-sharing has no URL to show, and rotation gives one', async () => {
    const created = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    const stored = (await h.deps.store.links.get(created.link.id))!;
    const { tokenSealed: _sealed, ...legacy } = stored;
    await h.deps.store.links.update({ ...legacy, version: stored.version + 1 }, stored.version);
    const answer = await getLinkUrl(h.deps, EDITOR, created.link.id);
    expect(answer.url).toBeNull();
    expect(answer.unavailableReason).toMatch(/created before .* Rotate it/);
    expect(await codeOf(emailLink(h.deps, EDITOR, { linkId: created.link.id, recipients: ['a@b.example'] }))).toBe('invalid_input');
    const rotated = await rotateLink(h.deps, EDITOR, { linkId: created.link.id });
    expect((await getLinkUrl(h.deps, EDITOR, created.link.id)).url).toBe(rotated.url);
  });

  it('creates one key for concurrent first uses', async () => {
    const secrets = h.deps.store.secrets;
    let created = 0;
    const counting: SecretStore = {
      ...secrets,
      get: (name) => secrets.get(name),
      set: (name, value) => secrets.set(name, value),
      delete: (name) => secrets.delete(name),
      createIfAbsent: async (name, value) => {
        const stored = await secrets.createIfAbsent(name, value);
        if (stored && name === TOKEN_KEY_SECRET) created += 1;
        return stored;
      },
    };
    const deps = { ...h.deps, store: { ...h.deps.store, secrets: counting } };
    const links = await Promise.all([1, 2, 3].map(() => createLink(deps, EDITOR, { pageId: '1002', settings: {} })));
    expect(created).toBe(1);
    for (const { link, url } of links) expect((await getLinkUrl(deps, EDITOR, link.id)).url).toBe(url);
  });
});

describe('emailLink without a URL', () => {
  it('mails the kept URL for a space admin who cannot edit the page, never the password', async () => {
    const created = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {}, password: 'violet mango harbour' });
    const result = await emailLink(h.deps, SPACE_ADMIN, { linkId: created.link.id, recipients: ['guest@partner.example'], message: 'Here it is' });
    expect(result).toEqual({ sent: 1 });
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.text).toContain(created.url);
    expect(h.sent[0]!.text).not.toContain('violet mango harbour');
    expect(await codeOf(emailLink(h.deps, VIEWER, { linkId: created.link.id, recipients: ['a@b.example'] }))).toBe('forbidden');
  });
});
