import { beforeEach, describe, expect, it } from 'vitest';
import bcrypt from 'bcryptjs';
import { createHash } from 'node:crypto';
import { DomainError } from '../../src/core/errors';
import { setGlobalConfig, setSiteSettings, setSpaceConfig, getSiteSettings, getSpaceConfig } from '../../src/app/configs';
import { createLink, deleteLink, getPageSharing, rotateLink, setLinkStatus, updateLink } from '../../src/app/links';
import { defaultGlobalConfig, defaultSpaceConfig } from '../../src/core/defaults';
import { allLinks, createHarness, DAY, EDITOR, OUTSIDER, SITE_ADMIN, SPACE_ADMIN, VIEWER, type Harness } from './harness';

const expectDomainError = async (promise: Promise<unknown>, code: string, message?: RegExp): Promise<DomainError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  const domain = error as DomainError;
  expect(domain.code).toBe(code);
  if (message) expect(domain.message).toMatch(message);
  return domain;
};

const policyInput = (overrides: Record<string, unknown> = {}) => {
  const { version: _v, updatedAt: _u, updatedBy: _b, ...rest } = defaultGlobalConfig(0);
  return { ...rest, ...overrides } as Parameters<typeof setGlobalConfig>[2]['config'];
};

const spaceInput = (overrides: Record<string, unknown> = {}) => {
  const { version: _v, updatedAt: _u, updatedBy: _b, spaceKey: _k, ...rest } = defaultSpaceConfig('DEMO', 0);
  return { ...rest, ...overrides } as Parameters<typeof setSpaceConfig>[2]['config'];
};

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});

describe('createLink', () => {
  it('creates a link on an editable page and returns its URL once; only the token hash is stored', async () => {
    const { link, url } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: { name: 'For Acme' } });
    const token = url.split('/s/')[1] ?? '';
    expect(url).toMatch(/^https:\/\/trigger\.example\/x\/s\/[A-Za-z0-9_-]{65}$/);
    expect(token.startsWith(link.id)).toBe(true);
    const stored = await h.deps.store.links.get(link.id);
    expect(stored?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(link).not.toHaveProperty('tokenHash');
    expect(link).not.toHaveProperty('passwordHash');
    expect(link).toMatchObject({ spaceKey: 'DEMO', pageTitle: 'Getting started', createdBy: 'u-editor', effectiveStatus: 'active' });
    const audit = await h.deps.store.audit.list({}, { limit: 10 });
    expect(audit.items.map((e) => e.action)).toContain('link_created');
  });

  it('takes the space from Confluence, never from the caller', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '2002', settings: { name: 'ops' } });
    expect(link.spaceKey).toBe('OPS');
  });

  it.each([
    ['a viewer of the space', VIEWER, '1002'],
    ['an outsider', OUTSIDER, '1002'],
    ['an editor on a page with an edit restriction', EDITOR, '2001'],
    ['anyone on a page that does not exist', EDITOR, '999999'],
  ])('refuses %s and stores nothing', async (_label, caller, pageId) => {
    await expectDomainError(createLink(h.deps, caller, { pageId, settings: { name: 'x' } }), 'forbidden', /edit permission/);
    expect(await allLinks(h.deps)).toHaveLength(0);
  });

  it('hashes the password with bcrypt and refuses passwords over 72 UTF-8 bytes', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {}, password: 'correct horse' });
    const stored = await h.deps.store.links.get(link.id);
    expect(link.hasPassword).toBe(true);
    expect(await bcrypt.compare('correct horse', stored?.passwordHash ?? '')).toBe(true);
    expect(stored?.passwordHash).not.toContain('correct horse');

    const tooLong = 'é'.repeat(37); // 37 characters, 74 bytes
    await expectDomainError(createLink(h.deps, EDITOR, { pageId: '1002', settings: {}, password: tooLong }), 'invalid_input', /72 bytes/);
    // 72 bytes exactly, and not a guessable repeat: accepted.
    await createLink(h.deps, EDITOR, { pageId: '1002', settings: {}, password: `${'é'.repeat(28)}correct horse 42` });
    expect(await allLinks(h.deps)).toHaveLength(2);
  });

  it('rejects a link that breaks the enforced policy with a message naming the rule', async () => {
    await setGlobalConfig(h.deps, SITE_ADMIN, {
      version: 0,
      config: policyInput({ applyOnAllLinks: true, password: 'mandatory', expiry: { kind: 'custom', maxDays: 30 }, comments: 'none' }),
    });
    const e = await expectDomainError(
      createLink(h.deps, EDITOR, { pageId: '1002', settings: { comments: 'view_add', expiresAt: h.clock.now() + 90 * DAY } }),
      'policy_violation',
    );
    const messages = e.details.map((d) => d.message).join('\n');
    expect(messages).toMatch(/Comments are capped at 'Disabled' by the global policy/);
    expect(messages).toMatch(/A password is required by the global policy/);
    expect(messages).toMatch(/within 30 days/);
    expect(await allLinks(h.deps)).toHaveLength(0);

    const ok = await createLink(h.deps, EDITOR, {
      pageId: '1002',
      settings: { comments: 'none', expiresAt: h.clock.now() + 10 * DAY },
      password: 'long enough',
    });
    expect(ok.link.effectiveStatus).toBe('active');
  });

  it('refuses to create links while sharing is disabled in the space', async () => {
    await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: spaceInput({ sharingEnabled: false }) });
    await expectDomainError(createLink(h.deps, EDITOR, { pageId: '1002', settings: {} }), 'sharing_disabled');
  });

  it('rejects malformed IPs, emails and past expiry with field details', async () => {
    await expectDomainError(createLink(h.deps, EDITOR, { pageId: '1002', settings: { allowedIps: ['10.0.0.300'] } }), 'invalid_input');
    await expectDomainError(createLink(h.deps, EDITOR, { pageId: '1002', settings: { selectedUsers: ['not-an-email'] } }), 'invalid_input');
    await expectDomainError(createLink(h.deps, EDITOR, { pageId: '1002', settings: { selectedUsers: ['@*acme.com'] } }), 'invalid_input', /write @\*\.acme\.com/);
    await expectDomainError(createLink(h.deps, EDITOR, { pageId: '1002', settings: { selectedUsers: ['@*.com'] } }), 'invalid_input', /every \.com address/);
    const past = await expectDomainError(
      createLink(h.deps, EDITOR, { pageId: '1002', settings: { expiresAt: h.clock.now() - 1 } }),
      'invalid_input',
      /future/,
    );
    expect(past.details[0]?.field).toBe('expiresAt');
  });

  it('reports every problem of a form in one answer, each on its field, a mistyped IP not called a policy breach', async () => {
    await setGlobalConfig(h.deps, SITE_ADMIN, { version: 0, config: policyInput({ applyOnAllLinks: true, comments: 'view' }) });
    const error = await expectDomainError(
      createLink(h.deps, EDITOR, {
        pageId: '1002',
        settings: { allowedIps: ['10.0.0.300', '10.0.0.0/99'], selectedUsers: ['not-an-email'], comments: 'view_add' },
        password: 'short',
      }),
      'invalid_input',
      /and 4 more problems, marked on the form/,
    );
    const fields = error.details.map((d) => d.field);
    expect(fields).toEqual(['allowedIps', 'allowedIps', 'selectedUsers', 'password', 'comments']);
    expect(error.details.find((d) => d.field === 'password')?.message).toMatch(/at least 8 characters/);
    for (const detail of error.details) expect(detail.message).not.toMatch(/^[a-zA-Z]+\.[a-zA-Z]+:/);
    expect(await allLinks(h.deps)).toHaveLength(0);
    // Only policy rules broken: the answer says policy.
    await expectDomainError(createLink(h.deps, EDITOR, { pageId: '1002', settings: { comments: 'view_add' } }), 'policy_violation');
  });

  it('starts new links with child pages and restricted child pages off unless an admin set them on by default', async () => {
    const nameOnly = await createLink(h.deps, EDITOR, { pageId: '1001', settings: { name: 'Just the page' } });
    expect(nameOnly.link).toMatchObject({ includeChildren: false, shareRestrictedChildren: false });
    // Merely allowing restricted child pages shares nothing more.
    await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: spaceInput({ childPages: true, restrictedChildPages: true, applyOnSpaceLinks: true }) });
    const allowed = await createLink(h.deps, EDITOR, { pageId: '1001', settings: { name: 'Allowed only' } });
    expect(allowed.link).toMatchObject({ includeChildren: false, shareRestrictedChildren: false });
    expect((await getPageSharing(h.deps, EDITOR, '1001')).defaults).toMatchObject({ includeChildren: false, shareRestrictedChildren: false });
    const space = await getSpaceConfig(h.deps, SPACE_ADMIN, 'DEMO');
    await setSpaceConfig(h.deps, SPACE_ADMIN, {
      spaceKey: 'DEMO',
      version: space.config.version,
      config: spaceInput({ childPages: true, restrictedChildPages: true, applyOnSpaceLinks: true, childPagesOnByDefault: true, restrictedChildPagesOnByDefault: true }),
    });
    const onByDefault = await createLink(h.deps, EDITOR, { pageId: '1001', settings: { name: 'Defaults on' } });
    expect(onByDefault.link).toMatchObject({ includeChildren: true, shareRestrictedChildren: true });
  });

  it('uses the custom domain for share URLs when one is set', async () => {
    const current = await getSiteSettings(h.deps, SITE_ADMIN);
    const { version: _v, updatedAt: _u, sso: _s, ...rest } = current.settings;
    await setSiteSettings(h.deps, SITE_ADMIN, { version: 0, settings: { ...rest, sso: null, customDomain: 'https://share.acme.example/' } });
    const { url } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    expect(url).toMatch(/^https:\/\/share\.acme\.example\/s\/[A-Za-z0-9_-]{65}$/);
  });
});

describe('updateLink', () => {
  it('updates with the current version and refuses a stale one with a reload message', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: { name: 'v1' } });
    const updated = await updateLink(h.deps, EDITOR, { linkId: link.id, version: 1, settings: { name: 'v2' }, password: { action: 'keep' } });
    expect(updated).toMatchObject({ name: 'v2', version: 2 });
    await expectDomainError(
      updateLink(h.deps, EDITOR, { linkId: link.id, version: 1, settings: { name: 'v3' }, password: { action: 'keep' } }),
      'version_conflict',
      /Someone else changed this link.*Reload/,
    );
    expect((await h.deps.store.links.get(link.id))?.name).toBe('v2');
  });

  it('lets exactly one of two concurrent updates win', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: { name: 'base' } });
    const results = await Promise.allSettled([
      updateLink(h.deps, EDITOR, { linkId: link.id, version: 1, settings: { name: 'A' }, password: { action: 'keep' } }),
      updateLink(h.deps, SPACE_ADMIN, { linkId: link.id, version: 1, settings: { name: 'B' }, password: { action: 'keep' } }),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(((rejected[0] as PromiseRejectedResult).reason as DomainError).code).toBe('version_conflict');
    expect((await h.deps.store.links.get(link.id))?.version).toBe(2);
  });

  it('bumps the session epoch when gates change, not for cosmetic edits', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    const epoch = async () => (await h.deps.store.links.get(link.id))?.epoch;
    expect(await epoch()).toBe(1);
    await updateLink(h.deps, EDITOR, { linkId: link.id, version: 1, settings: { description: 'x' }, password: { action: 'keep' } });
    expect(await epoch()).toBe(1);
    await updateLink(h.deps, EDITOR, { linkId: link.id, version: 2, settings: {}, password: { action: 'set', password: 'new secret!' } });
    expect(await epoch()).toBe(2);
    await updateLink(h.deps, EDITOR, { linkId: link.id, version: 3, settings: { allowedIps: ['10.0.0.0/8'] }, password: { action: 'keep' } });
    expect(await epoch()).toBe(3);
    const cleared = await updateLink(h.deps, EDITOR, { linkId: link.id, version: 4, settings: {}, password: { action: 'clear' } });
    expect(cleared.hasPassword).toBe(false);
    expect(await epoch()).toBe(4);
  });

  it('refreshes the page title from Confluence on edit', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    await h.site.updatePage('1002', { title: 'Getting started (v2)' });
    const updated = await updateLink(h.deps, EDITOR, { linkId: link.id, version: 1, settings: {}, password: { action: 'keep' } });
    expect(updated.pageTitle).toBe('Getting started (v2)');
  });

  it('refuses editors of other pages and changes nothing', async () => {
    const { link } = await createLink(h.deps, SPACE_ADMIN, { pageId: '1004', settings: { name: 'roadmap' } });
    await expectDomainError(
      updateLink(h.deps, EDITOR, { linkId: link.id, version: 1, settings: { name: 'hijack' }, password: { action: 'clear' } }),
      'forbidden',
    );
    expect((await h.deps.store.links.get(link.id))?.name).toBe('roadmap');
  });
});

describe('status, rotate, delete', () => {
  it('disables (epoch bump) and re-enables; space admins may moderate, viewers may not', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    await expectDomainError(setLinkStatus(h.deps, VIEWER, { linkId: link.id, status: 'disabled' }), 'forbidden');
    const disabled = await setLinkStatus(h.deps, SPACE_ADMIN, { linkId: link.id, status: 'disabled' });
    expect(disabled).toMatchObject({ status: 'disabled', effectiveStatus: 'disabled' });
    expect((await h.deps.store.links.get(link.id))?.epoch).toBe(2);
    const enabled = await setLinkStatus(h.deps, EDITOR, { linkId: link.id, status: 'active', version: disabled.version });
    expect(enabled.status).toBe('active');
  });

  it('rotates the token: new URL, old hash gone, sessions end', async () => {
    const created = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    const rotated = await rotateLink(h.deps, EDITOR, { linkId: created.link.id });
    expect(rotated.url).not.toBe(created.url);
    const stored = await h.deps.store.links.get(created.link.id);
    const oldToken = created.url.split('/s/')[1] ?? '';
    expect(stored?.tokenHash).not.toBe(createHash('sha256').update(oldToken).digest('hex'));
    expect(stored?.epoch).toBe(2);
    await expectDomainError(rotateLink(h.deps, SPACE_ADMIN, { linkId: created.link.id, version: 1 }), 'version_conflict');
  });

  it('lets admins who cannot edit the page edit, rotate and moderate a link; the creator stays the creator (re-sharing: link-reshare.test.ts)', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: { name: 'orig' } });
    const edited = await updateLink(h.deps, SITE_ADMIN, { linkId: link.id, version: 1, settings: { name: 'x' }, password: { action: 'keep' } });
    expect(edited).toMatchObject({ name: 'x', createdBy: EDITOR.accountId, version: 2 });
    expect((await rotateLink(h.deps, SITE_ADMIN, { linkId: link.id })).link.version).toBe(3);
    expect(await allLinks(h.deps)).toMatchObject([{ name: 'x', version: 3, createdBy: EDITOR.accountId }]);
    expect((await setLinkStatus(h.deps, SITE_ADMIN, { linkId: link.id, status: 'disabled' })).status).toBe('disabled');
    await deleteLink(h.deps, SITE_ADMIN, link.id);
    expect(await allLinks(h.deps)).toHaveLength(0);
  });

  it('deletes for editors and admins only; unknown ids are not_found', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: {} });
    await expectDomainError(deleteLink(h.deps, OUTSIDER, link.id), 'forbidden');
    await deleteLink(h.deps, EDITOR, link.id);
    expect(await allLinks(h.deps)).toHaveLength(0);
    await expectDomainError(deleteLink(h.deps, EDITOR, link.id), 'not_found');
  });

  it('forgets the subscribers of a deleted link and keeps those of other links', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: { allowSubscribe: true } });
    const { link: other } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: { allowSubscribe: true } });
    const subscribe = (id: string, linkId: string) =>
      h.deps.store.subscriptions.put({ id, linkId, pageId: '1002', email: `${id}@partner.example`, createdAt: 0, confirmed: true });
    await Promise.all([...Array.from({ length: 120 }, (_, i) => subscribe(`s${i}`, link.id)), subscribe('keep', other.id)]);
    await deleteLink(h.deps, EDITOR, link.id);
    expect((await h.deps.store.subscriptions.listByLink(link.id, { limit: 100 })).items).toHaveLength(0);
    expect((await h.deps.store.subscriptions.listByLink(other.id, { limit: 100 })).items.map((s) => s.id)).toEqual(['keep']);
  });
});

describe('getPageSharing', () => {
  it('shows tightened policy as non-compliance without deleting anything, and restores on relax', async () => {
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1002', settings: { comments: 'view_add' } });
    const config = await getSpaceConfig(h.deps, SPACE_ADMIN, 'DEMO');
    await setSpaceConfig(h.deps, SPACE_ADMIN, {
      spaceKey: 'DEMO',
      version: config.config.version,
      config: spaceInput({ applyOnSpaceLinks: true, comments: 'view' }),
    });
    const page = await getPageSharing(h.deps, EDITOR, '1002');
    expect(page.links).toHaveLength(1);
    expect(page.links[0]).toMatchObject({ id: link.id, effectiveStatus: 'non_compliant' });
    expect(page.links[0]?.violations.join(' ')).toMatch(/space policy/);
    expect(page.policy).toMatchObject({ comments: 'view', enforced: { global: false, space: true } });

    await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 1, config: spaceInput({ sharingEnabled: false }) });
    expect((await getPageSharing(h.deps, EDITOR, '1002')).links[0]?.effectiveStatus).toBe('sharing_disabled');
    await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 2, config: spaceInput() });
    const restored = await getPageSharing(h.deps, EDITOR, '1002');
    expect(restored.links[0]?.effectiveStatus).toBe('active');
    expect(restored.canCreate).toBe(true);
  });

  it('is refused to callers who cannot edit the page', async () => {
    await expectDomainError(getPageSharing(h.deps, VIEWER, '1002'), 'forbidden');
  });

  it('shows expiry from the clock', async () => {
    await createLink(h.deps, EDITOR, { pageId: '1002', settings: { expiresAt: h.clock.now() + DAY } });
    h.clock.advance(DAY);
    expect((await getPageSharing(h.deps, EDITOR, '1002')).links[0]?.effectiveStatus).toBe('expired');
  });
});
