import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import {
  getGlobalConfig,
  getSiteSettings,
  getSpaceConfig,
  SECRET_NAMES,
  setGlobalConfig,
  setSiteSettings,
  setSpaceConfig,
} from '../../src/app/configs';
import { emailLink } from '../../src/app/link-email';
import { listAllLinks, listSpaceLinks, revokeLinks } from '../../src/app/link-lists';
import { createLink, rotateLink, updateLink } from '../../src/app/links';
import { resetApp } from '../../src/app/reset';
import { defaultGlobalConfig, defaultSpaceConfig } from '../../src/core/defaults';
import type { LinkView } from '../../src/core/model';
import type { SiteSettingsInput } from '../../src/shared/contract';
import { allLinks, createHarness, EDITOR, OUTSIDER, SITE_ADMIN, SPACE_ADMIN, VIEWER, type Harness } from './harness';

const codeOf = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (e: unknown) => (e instanceof DomainError ? e.code : `non-domain: ${String(e)}`),
  );

const globalInput = (overrides: Record<string, unknown> = {}) => {
  const { version: _v, updatedAt: _u, updatedBy: _b, ...rest } = defaultGlobalConfig(0);
  return { ...rest, ...overrides } as Parameters<typeof setGlobalConfig>[2]['config'];
};
const spaceInput = (overrides: Record<string, unknown> = {}) => {
  const { version: _v, updatedAt: _u, updatedBy: _b, spaceKey: _k, ...rest } = defaultSpaceConfig('DEMO', 0);
  return { ...rest, ...overrides } as Parameters<typeof setSpaceConfig>[2]['config'];
};
const siteInput = async (h: Harness, overrides: Partial<SiteSettingsInput> = {}): Promise<SiteSettingsInput> => {
  const { settings } = await getSiteSettings(h.deps, SITE_ADMIN);
  const { version: _v, updatedAt: _u, sso, ...rest } = settings;
  return { ...rest, sso: sso ? { issuer: sso.issuer, clientId: sso.clientId, scopes: sso.scopes } : null, ...overrides };
};

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});

const makeLinks = async (names: string[], pageId = '1002'): Promise<LinkView[]> => {
  const links: LinkView[] = [];
  for (const name of names) {
    links.push((await createLink(h.deps, EDITOR, { pageId, settings: { name } })).link);
    h.clock.advance(1000);
  }
  return links;
};

describe('listAllLinks', () => {
  it('paginates a text search correctly: no link skipped or repeated across pages', async () => {
    const names = Array.from({ length: 23 }, (_, i) => (i % 3 === 0 ? `other ${i}` : `acme ${i}`));
    await makeLinks(names);
    const expected = names.filter((n) => n.startsWith('acme'));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listAllLinks(h.deps, SITE_ADMIN, { search: 'ACME', limit: 4, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((l) => l.name));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 4));
  });

  it('searches page titles and creator names, filters by space, status and non-compliance', async () => {
    const [a] = await makeLinks(['one', 'two']);
    await createLink(h.deps, EDITOR, { pageId: '2002', settings: { name: 'ops link' } });
    expect((await listAllLinks(h.deps, SITE_ADMIN, { search: 'getting started' })).items).toHaveLength(2);
    expect((await listAllLinks(h.deps, SITE_ADMIN, { search: 'erin' })).items).toHaveLength(3);
    expect((await listAllLinks(h.deps, SITE_ADMIN, { spaceKey: 'OPS' })).items.map((l) => l.name)).toEqual(['ops link']);
    await revokeLinks(h.deps, SITE_ADMIN, [a?.id ?? '']);
    expect((await listAllLinks(h.deps, SITE_ADMIN, { status: 'disabled' })).items.map((l) => l.id)).toEqual([a?.id]);
    await setGlobalConfig(h.deps, SITE_ADMIN, { version: 0, config: globalInput({ applyOnAllLinks: true, password: 'mandatory' }) });
    const nonCompliant = await listAllLinks(h.deps, SITE_ADMIN, { nonCompliant: true });
    expect(nonCompliant.items.map((l) => l.name).sort()).toEqual(['ops link', 'two']);
    expect(nonCompliant.items[0]?.violations[0]).toMatch(/password is required by the global policy/i);
  });

  it('is for site admins only, and rejects forged cursors', async () => {
    expect(await codeOf(listAllLinks(h.deps, SPACE_ADMIN, {}))).toBe('forbidden');
    expect(await codeOf(listAllLinks(h.deps, SITE_ADMIN, { cursor: 'not-a-cursor' }))).toBe('invalid_input');
  });
});

describe('listSpaceLinks and revokeLinks', () => {
  it('lists only the space links, for that space admin', async () => {
    await makeLinks(['demo']);
    await createLink(h.deps, EDITOR, { pageId: '2002', settings: { name: 'ops' } });
    const page = await listSpaceLinks(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO' });
    expect(page.items.map((l) => l.name)).toEqual(['demo']);
    expect(await codeOf(listSpaceLinks(h.deps, SPACE_ADMIN, { spaceKey: 'OPS' }))).toBe('forbidden');
    expect(await codeOf(listSpaceLinks(h.deps, EDITOR, { spaceKey: 'DEMO' }))).toBe('forbidden');
    expect((await listSpaceLinks(h.deps, SITE_ADMIN, { spaceKey: 'DEMO' })).items).toHaveLength(1);
  });

  it('bulk-disables, reporting already-disabled and unknown ids, and bumps epochs', async () => {
    const [a, b] = await makeLinks(['a', 'b']);
    const first = await revokeLinks(h.deps, SITE_ADMIN, [a?.id ?? '']);
    expect(first.disabled).toEqual([a?.id]);
    const second = await revokeLinks(h.deps, SITE_ADMIN, [a?.id ?? '', b?.id ?? '', 'AAAAAAAAAAAAAAAAAAAAAA']);
    expect(second).toEqual({ disabled: [b?.id], alreadyDisabled: [a?.id], notFound: ['AAAAAAAAAAAAAAAAAAAAAA'] });
    expect((await h.deps.store.links.get(b?.id ?? ''))?.epoch).toBe(2);
    expect(await codeOf(revokeLinks(h.deps, SPACE_ADMIN, [b?.id ?? '']))).toBe('forbidden');
  });
});

describe('emailLink', () => {
  it('emails the current URL to each recipient separately, never the password', async () => {
    const { link, url } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {}, password: 'hunter2-secret' });
    const result = await emailLink(h.deps, EDITOR, { linkId: link.id, url, recipients: ['Ann@Partner.example', 'bob@partner.example'], message: 'Hi <b>there</b>' });
    expect(result.sent).toBe(2);
    expect(h.sent.map((m) => m.to)).toEqual([['ann@partner.example'], ['bob@partner.example']]);
    const message = h.sent[0];
    expect(message?.text).toContain(url);
    expect(message?.html).not.toContain('<b>there</b>');
    expect(JSON.stringify(h.sent)).not.toContain('hunter2-secret');
  });

  it('always mails the canonical URL, whatever host the caller put in front of the token', async () => {
    const { link, url } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    const token = url.split('/s/')[1] ?? '';
    await emailLink(h.deps, EDITOR, { linkId: link.id, url: `https://evil.example/s/${token}`, recipients: ['a@b.example'] });
    expect(h.sent[0]?.text).toContain(url);
    expect(JSON.stringify(h.sent)).not.toContain('evil.example');
  });

  it('refuses a URL that is not the link current URL (e.g. after rotation) and bad recipients', async () => {
    const { link, url } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    await rotateLink(h.deps, EDITOR, { linkId: link.id });
    expect(await codeOf(emailLink(h.deps, EDITOR, { linkId: link.id, url, recipients: ['a@b.example'] }))).toBe('invalid_input');
    expect(await codeOf(emailLink(h.deps, EDITOR, { linkId: link.id, url: 'https://evil.example/phish', recipients: ['a@b.example'] }))).toBe('invalid_input');
    const other = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    expect(await codeOf(emailLink(h.deps, EDITOR, { linkId: other.link.id, url: other.url, recipients: ['nope'] }))).toBe('invalid_input');
    expect(await codeOf(emailLink(h.deps, VIEWER, { linkId: other.link.id, url: other.url, recipients: ['a@b.example'] }))).toBe('forbidden');
    expect(h.sent).toHaveLength(0);
  });

  it('refuses to email a disabled link and rate-limits recipients per hour', async () => {
    const { link, url } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    const many = Array.from({ length: 20 }, (_, i) => `r${i}@x.example`);
    for (let i = 0; i < 5; i += 1) await emailLink(h.deps, EDITOR, { linkId: link.id, url, recipients: many });
    expect(await codeOf(emailLink(h.deps, EDITOR, { linkId: link.id, url, recipients: ['one@x.example'] }))).toBe('rate_limited');
    h.clock.advance(60 * 60 * 1000);
    await updateLink(h.deps, EDITOR, { linkId: link.id, version: 1, settings: {}, password: { action: 'keep' } });
    await revokeLinks(h.deps, SITE_ADMIN, [link.id]);
    expect(await codeOf(emailLink(h.deps, EDITOR, { linkId: link.id, url, recipients: ['one@x.example'] }))).toBe('invalid_input');
  });
});

describe('configs', () => {
  it('saves space config with version checks; other space admins and editors are refused', async () => {
    const before = await getSpaceConfig(h.deps, SPACE_ADMIN, 'DEMO');
    expect(before.config.version).toBe(0);
    expect(before.space.name).toBe('Product Handbook');
    const saved = await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: spaceInput({ comments: 'none' }) });
    expect(saved.config).toMatchObject({ version: 1, comments: 'none', updatedBy: 'u-space-admin' });
    expect(await codeOf(setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: spaceInput() }))).toBe('version_conflict');
    expect(await codeOf(setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'OPS', version: 0, config: spaceInput() }))).toBe('forbidden');
    expect(await codeOf(setSpaceConfig(h.deps, EDITOR, { spaceKey: 'DEMO', version: 1, config: spaceInput() }))).toBe('forbidden');
    expect(await codeOf(getSpaceConfig(h.deps, SITE_ADMIN, 'NOPE'))).toBe('not_found');
    expect((await h.deps.store.configs.getSpace('OPS'))).toBeUndefined();
    const audit = await h.deps.store.audit.list({ spaceKey: 'DEMO' }, { limit: 10 });
    expect(audit.items.some((e) => e.action === 'policy_space_changed' && e.detail.includes('comments'))).toBe(true);
  });

  it('previews how space selected users combine with the global list', async () => {
    await setGlobalConfig(h.deps, SITE_ADMIN, { version: 0, config: globalInput({ selectedUsers: ['@acme.example', 'x@y.example'] }) });
    const partial = await setSpaceConfig(h.deps, SPACE_ADMIN, {
      spaceKey: 'DEMO',
      version: 0,
      config: spaceInput({ selectedUsers: ['ann@acme.example', 'zed@zzz.example'] }),
    });
    expect(partial.selectedUsers).toMatchObject({ mode: 'intersection', effective: ['ann@acme.example'] });
    const conflict = await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 1, config: spaceInput({ selectedUsers: ['z@zzz.example'] }) });
    expect(conflict.selectedUsers).toMatchObject({ mode: 'global', effective: ['@acme.example', 'x@y.example'] });
    expect(await codeOf(setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 2, config: spaceInput({ selectedUsers: ['bad entry'] }) }))).toBe('invalid_input');
  });

  it('combines a site-level @*.domain wildcard with space lists: subdomains fit, the bare domain does not', async () => {
    await setGlobalConfig(h.deps, SITE_ADMIN, { version: 0, config: globalInput({ selectedUsers: ['@*.Acme.example'] }) });
    const fits = await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: spaceInput({ selectedUsers: ['@eu.acme.example', '@*.de.acme.example'] }) });
    expect(fits.selectedUsers).toMatchObject({ mode: 'space', global: ['@*.acme.example'], effective: ['@eu.acme.example', '@*.de.acme.example'] });
    const bare = await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 1, config: spaceInput({ selectedUsers: ['@acme.example'] }) });
    expect(bare.selectedUsers).toMatchObject({ mode: 'global', effective: ['@*.acme.example'] });
    expect(await codeOf(setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 2, config: spaceInput({ selectedUsers: ['@a.*.example'] }) }))).toBe('invalid_input');
  });

  it('refuses a space change that raises a cap of the enforced global policy, naming it', async () => {
    await setGlobalConfig(h.deps, SITE_ADMIN, {
      version: 0,
      config: globalInput({ applyOnAllLinks: true, comments: 'view', expiry: { kind: 'custom', maxDays: 30 } }),
    });
    const raised = setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: spaceInput({ comments: 'view_add' }) });
    await expect(raised).rejects.toMatchObject({ code: 'policy_violation', message: "Comments are capped at 'View' by the global policy" });
    const longer = setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: spaceInput({ expiry: { kind: 'custom', maxDays: 90 } }) });
    await expect(longer).rejects.toMatchObject({ code: 'policy_violation', message: expect.stringMatching(/at most 30 days/) });
    expect(await h.deps.store.configs.getSpace('DEMO')).toBeUndefined();
    const within = await setSpaceConfig(h.deps, SPACE_ADMIN, {
      spaceKey: 'DEMO',
      version: 0,
      config: spaceInput({ applyOnSpaceLinks: true, comments: 'none', expiry: { kind: 'custom', maxDays: 7 } }),
    });
    expect(within.effective).toMatchObject({ comments: 'none', expiry: { kind: 'custom', maxDays: 7 } });
  });

  it('global config is site-admin only and never deletes links', async () => {
    await makeLinks(['keep me']);
    expect(await codeOf(getGlobalConfig(h.deps, SPACE_ADMIN))).toBe('forbidden');
    expect(await codeOf(setGlobalConfig(h.deps, SPACE_ADMIN, { version: 0, config: globalInput({ sharingEnabled: false }) }))).toBe('forbidden');
    const saved = await setGlobalConfig(h.deps, SITE_ADMIN, { version: 0, config: globalInput({ sharingEnabled: false }) });
    expect(saved.effective.sharingEnabled).toBe(false);
    expect(await allLinks(h.deps)).toHaveLength(1);
    expect((await listAllLinks(h.deps, SITE_ADMIN, {})).items[0]?.effectiveStatus).toBe('sharing_disabled');
  });

  it('validates site settings and keeps secrets write-only', async () => {
    const bad = async (overrides: Partial<SiteSettingsInput>) =>
      codeOf(setSiteSettings(h.deps, SITE_ADMIN, { version: 0, settings: await siteInput(h, overrides) }));
    expect(await bad({ customDomain: 'http://share.acme.example' })).toBe('invalid_input');
    expect(await bad({ customDomain: 'https://user:pw@share.acme.example' })).toBe('invalid_input');
    expect(await bad({ customDomain: 'not a url' })).toBe('invalid_input');
    const base = await siteInput(h);
    expect(await bad({ customization: { ...base.customization, logoUrl: 'data:image/svg+xml;base64,PHN2Zz4=' } })).toBe('invalid_input');
    expect(await bad({ sso: { issuer: 'http://idp.example', clientId: 'c', scopes: 'openid' } })).toBe('invalid_input');
    expect(await bad({ email: { provider: 'webhook', fromAddress: 'a@b.example', fromName: 'x', options: { url: 'http://hook' } } })).toBe('invalid_input');

    const saved = await setSiteSettings(h.deps, SITE_ADMIN, {
      version: 0,
      settings: await siteInput(h, {
        customDomain: 'https://share.acme.example/',
        sso: { issuer: 'https://idp.acme.example', clientId: 'client-1', scopes: 'email profile' },
      }),
      ssoClientSecret: 'sso-s3cret',
      emailApiKey: 'key-123',
    });
    expect(saved.settings.customDomain).toBe('https://share.acme.example');
    expect(saved.settings.sso).toMatchObject({ clientId: 'client-1', scopes: 'openid email profile', hasClientSecret: true });
    expect(saved.secrets).toEqual({ ssoClientSecret: true, emailApiKey: true });
    expect(JSON.stringify(saved)).not.toContain('sso-s3cret');
    expect(JSON.stringify(await getSiteSettings(h.deps, SITE_ADMIN))).not.toContain('key-123');
    expect(await h.deps.store.secrets.get(SECRET_NAMES.ssoClientSecret)).toBe('sso-s3cret');

    const kept = await setSiteSettings(h.deps, SITE_ADMIN, { version: 1, settings: await siteInput(h, {}) });
    expect(kept.secrets).toEqual({ ssoClientSecret: true, emailApiKey: true });
    const removed = await setSiteSettings(h.deps, SITE_ADMIN, { version: 2, settings: await siteInput(h, { sso: null }), emailApiKey: null });
    expect(removed.secrets).toEqual({ ssoClientSecret: false, emailApiKey: false });
    expect(await codeOf(setSiteSettings(h.deps, SITE_ADMIN, { version: 1, settings: await siteInput(h) }))).toBe('version_conflict');
    expect(await codeOf(getSiteSettings(h.deps, SPACE_ADMIN))).toBe('forbidden');
  });
});

describe('resetApp', () => {
  it('needs the exact phrase and a site admin; links mode keeps configuration', async () => {
    await makeLinks(['a', 'b', 'c']);
    await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: spaceInput({ comments: 'none' }) });
    expect(await codeOf(resetApp(h.deps, SITE_ADMIN, { mode: 'links', confirmation: 'delete all links' }))).toBe('invalid_input');
    expect(await codeOf(resetApp(h.deps, SPACE_ADMIN, { mode: 'links', confirmation: 'DELETE ALL LINKS' }))).toBe('forbidden');
    expect(await codeOf(resetApp(h.deps, OUTSIDER, { mode: 'full', confirmation: 'RESET SECURE SHARE' }))).toBe('forbidden');
    expect(await allLinks(h.deps)).toHaveLength(3);
    expect(await resetApp(h.deps, SITE_ADMIN, { mode: 'links', confirmation: 'DELETE ALL LINKS' })).toEqual({ mode: 'links', deletedLinks: 3, continuing: false });
    expect(await allLinks(h.deps)).toHaveLength(0);
    expect((await h.deps.store.configs.getSpace('DEMO'))?.comments).toBe('none');
  });

  it('full mode deletes configuration and secrets too', async () => {
    await makeLinks(['a']);
    await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: spaceInput({ comments: 'none' }) });
    await setSiteSettings(h.deps, SITE_ADMIN, { version: 0, settings: await siteInput(h), emailApiKey: 'k' });
    expect(await codeOf(resetApp(h.deps, SITE_ADMIN, { mode: 'full', confirmation: 'DELETE ALL LINKS' }))).toBe('invalid_input');
    expect(await resetApp(h.deps, SITE_ADMIN, { mode: 'full', confirmation: 'RESET SECURE SHARE' })).toEqual({ mode: 'full', deletedLinks: 1, continuing: false });
    expect(await allLinks(h.deps)).toHaveLength(0);
    expect(await h.deps.store.configs.getSpace('DEMO')).toBeUndefined();
    expect(await h.deps.store.secrets.get(SECRET_NAMES.emailApiKey)).toBeUndefined();
  });
});
