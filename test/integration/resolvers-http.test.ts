import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RESOLVER_KEYS, type ResolverKey } from '../../src/shared/contract';
import { defaultGlobalConfig, defaultSpaceConfig } from '../../src/core/defaults';
import { startTestServer, type TestServer } from '../support/local-server';

/**
 * Every resolver through real HTTP (POST /api/invoke/<key>) against the local server: callers without
 * rights get a stable error code and the store is unchanged; happy paths; version conflicts; bad input.
 */

let server: TestServer;
let demoLink: string; // u-editor's link on DEMO page 1002
let demoUrl: string;
let opsLink: string; // u-editor's link on OPS page 2002

const globalInput = (overrides: Record<string, unknown> = {}) => {
  const { version: _v, updatedAt: _u, updatedBy: _b, ...rest } = defaultGlobalConfig(0);
  return { ...rest, ...overrides };
};
const spaceInput = (overrides: Record<string, unknown> = {}) => {
  const { version: _v, updatedAt: _u, updatedBy: _b, spaceKey: _k, ...rest } = defaultSpaceConfig('X', 0);
  return { ...rest, ...overrides };
};

/** Everything a resolver could change, as JSON (audit excluded: denied calls may be audited). */
const snapshot = async (): Promise<string> => {
  const { store } = server.deps;
  const links = await store.links.list({}, { limit: 100 });
  const spaces = await store.configs.listSpaces({ limit: 100 });
  const secrets = await Promise.all(['sso.clientSecret', 'email-api-key'].map((n) => store.secrets.get(n)));
  return JSON.stringify({
    links: links.items,
    global: (await store.configs.getGlobal()) ?? null,
    spaces: spaces.items,
    site: (await store.configs.getSite()) ?? null,
    secrets,
  });
};

beforeAll(async () => {
  server = await startTestServer();
  const created = await server.call('createLink', { pageId: '1002', settings: { name: 'demo link' } }, 'u-editor');
  demoLink = created.link.id;
  demoUrl = created.url;
  opsLink = (await server.call('createLink', { pageId: '2002', settings: { name: 'ops link' } }, 'u-editor')).link.id;
});

afterAll(async () => {
  await server?.stop();
});

const siteSettingsPayload = async () => {
  const { settings } = await server.call('getSiteSettings', {}, 'u-site-admin');
  const { version: _v, updatedAt: _u, sso: _s, ...rest } = settings;
  return { version: settings.version, settings: { ...rest, sso: null } };
};

type Denial = [label: string, key: ResolverKey, payload: () => unknown, accountId: string | undefined, extension: unknown, code: string];

const DEMO_EXTENSION = { type: 'confluence:contentAction', content: { id: '1002', type: 'page' }, space: { key: 'DEMO' } };
const OPS_EXTENSION = { type: 'confluence:spaceSettings', space: { key: 'OPS', id: '98302' } };

const denials: Denial[] = [
  ['viewer reads page sharing', 'getPageSharing', () => ({ pageId: '1002' }), 'u-viewer', DEMO_EXTENSION, 'forbidden'],
  ['outsider reads page sharing', 'getPageSharing', () => ({ pageId: '1002' }), 'u-outsider', DEMO_EXTENSION, 'forbidden'],
  ['viewer creates a link', 'createLink', () => ({ pageId: '1002', settings: {} }), 'u-viewer', DEMO_EXTENSION, 'forbidden'],
  ['editor creates on an edit-restricted page, extension forged to an editable page', 'createLink', () => ({ pageId: '2001', settings: {} }), 'u-editor', DEMO_EXTENSION, 'forbidden'],
  ['outsider updates a link', 'updateLink', () => ({ linkId: demoLink, version: 1, settings: { name: 'pwned' } }), 'u-outsider', DEMO_EXTENSION, 'forbidden'],
  ['viewer clears a password', 'updateLink', () => ({ linkId: demoLink, version: 1, password: { action: 'clear' } }), 'u-viewer', DEMO_EXTENSION, 'forbidden'],
  ['viewer disables a link', 'setLinkStatus', () => ({ linkId: demoLink, status: 'disabled' }), 'u-viewer', DEMO_EXTENSION, 'forbidden'],
  ['DEMO space admin disables an OPS link, extension forged to OPS', 'setLinkStatus', () => ({ linkId: opsLink, status: 'disabled' }), 'u-space-admin', OPS_EXTENSION, 'forbidden'],
  ['outsider rotates a link', 'rotateLink', () => ({ linkId: demoLink }), 'u-outsider', DEMO_EXTENSION, 'forbidden'],
  ['DEMO space admin rotates an OPS link', 'rotateLink', () => ({ linkId: opsLink }), 'u-space-admin', OPS_EXTENSION, 'forbidden'],
  ['outsider deletes a link', 'deleteLink', () => ({ linkId: demoLink }), 'u-outsider', DEMO_EXTENSION, 'forbidden'],
  ['viewer previews a link', 'previewLink', () => ({ pageId: '1002', includeChildren: true, shareRestrictedChildren: false, withLabels: [], withoutLabels: [] }), 'u-viewer', DEMO_EXTENSION, 'forbidden'],
  ['viewer reads a link URL', 'getLinkUrl', () => ({ linkId: demoLink }), 'u-viewer', DEMO_EXTENSION, 'forbidden'],
  ['viewer emails a link', 'emailLink', () => ({ linkId: demoLink, url: demoUrl, recipients: ['a@b.example'] }), 'u-viewer', DEMO_EXTENSION, 'forbidden'],
  ['editor reads space config', 'getSpaceConfig', () => ({ spaceKey: 'DEMO' }), 'u-editor', DEMO_EXTENSION, 'forbidden'],
  ['DEMO admin reads OPS config', 'getSpaceConfig', () => ({ spaceKey: 'OPS' }), 'u-space-admin', { space: { key: 'DEMO' } }, 'forbidden'],
  ['DEMO admin sets OPS config, extension forged', 'setSpaceConfig', () => ({ spaceKey: 'OPS', version: 0, config: spaceInput({ sharingEnabled: false }) }), 'u-space-admin', { space: { key: 'DEMO' } }, 'forbidden'],
  ['editor sets DEMO config', 'setSpaceConfig', () => ({ spaceKey: 'DEMO', version: 0, config: spaceInput() }), 'u-editor', DEMO_EXTENSION, 'forbidden'],
  ['editor lists space links', 'listSpaceLinks', () => ({ spaceKey: 'DEMO' }), 'u-editor', DEMO_EXTENSION, 'forbidden'],
  ['space admin reads global config', 'getGlobalConfig', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['space admin sets global config', 'setGlobalConfig', () => ({ version: 0, config: globalInput({ sharingEnabled: false }) }), 'u-space-admin', {}, 'forbidden'],
  ['space admin reads site settings', 'getSiteSettings', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['outsider sets site settings', 'setSiteSettings', () => ({ version: 0, settings: { customDomain: null } }), 'u-outsider', {}, 'forbidden'],
  ['space admin lists all links', 'listAllLinks', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['space admin bulk-revokes', 'revokeLinks', () => ({ linkIds: [demoLink, opsLink] }), 'u-space-admin', {}, 'forbidden'],
  ['space admin resets links', 'resetApp', () => ({ mode: 'links', confirmation: 'DELETE ALL LINKS' }), 'u-space-admin', {}, 'forbidden'],
  ['outsider full reset', 'resetApp', () => ({ mode: 'full', confirmation: 'RESET SECURE SHARE' }), 'u-outsider', {}, 'forbidden'],
  ['outsider reads the audit log', 'getAuditLog', () => ({}), 'u-outsider', {}, 'forbidden'],
  ['space admin exports the audit log', 'startAuditExport', () => ({ spaceKey: 'DEMO' }), 'u-space-admin', {}, 'forbidden'],
  ['outsider reads an audit export', 'getAuditExport', () => ({ exportId: 'AAAAAAAAAAAAAAAAAAAAAA' }), 'u-outsider', {}, 'forbidden'],
  ['space admin lists audit exports', 'listAuditExports', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['viewer reads link stats', 'getLinkStats', () => ({ linkIds: [demoLink] }), 'u-viewer', DEMO_EXTENSION, 'forbidden'],
  ['space admin reads the SSO provider hosts', 'discoverSsoOrigins', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['space admin runs the self-test', 'runDiagnostics', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['outsider reads the self-test results', 'getDiagnostics', () => ({}), 'u-outsider', {}, 'forbidden'],
  ['space admin applies the self-test IP header', 'applyDiagnosticsIpHeader', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['space admin reads the setup checklist', 'getSetupStatus', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['space admin sends a test email', 'sendTestEmail', () => ({ to: 'a@b.example' }), 'u-space-admin', {}, 'forbidden'],
  ['outsider marks the policy reviewed', 'markPolicyReviewed', () => ({}), 'u-outsider', {}, 'forbidden'],
  ['space admin starts a test sign-in', 'startSsoTest', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['editor starts a custom-domain check', 'startDomainCheck', () => ({}), 'u-editor', {}, 'forbidden'],
  ['space admin counts what a reset deletes', 'previewReset', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['space admin disables links site-wide', 'bulkLinks', () => ({ action: 'disable', linkIds: [demoLink] }), 'u-space-admin', {}, 'forbidden'],
  ['DEMO space admin deletes links as admin of OPS', 'bulkLinks', () => ({ action: 'delete', linkIds: [opsLink], spaceKey: 'OPS' }), 'u-space-admin', OPS_EXTENSION, 'forbidden'],
  ['viewer opens a link for editing', 'getLinkForEdit', () => ({ linkId: demoLink }), 'u-viewer', DEMO_EXTENSION, 'forbidden'],
  ['space admin exports all links', 'startLinksExport', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['editor lists links exports', 'listLinksExports', () => ({}), 'u-editor', {}, 'forbidden'],
  ['space admin lists named configurations', 'getConfigurations', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['space admin creates a configuration', 'saveConfiguration', () => ({ version: 0, config: { ...spaceInput(), name: 'Mine', description: '' } }), 'u-space-admin', {}, 'forbidden'],
  ['space admin deletes a configuration', 'deleteConfiguration', () => ({ version: 0, id: 'cfg-000000000000' }), 'u-space-admin', {}, 'forbidden'],
  ['DEMO space admin assigns the default to its own space', 'assignConfiguration', () => ({ configId: 'default', spaceKeys: ['DEMO'] }), 'u-space-admin', { space: { key: 'DEMO' } }, 'forbidden'],
  ['space admin chooses the configuration of new spaces', 'setNewSpacesConfiguration', () => ({ version: 0, configId: 'default' }), 'u-space-admin', {}, 'forbidden'],
  ['DEMO space admin drops OPS settings', 'useAssignedConfiguration', () => ({ spaceKey: 'OPS', version: 0 }), 'u-space-admin', OPS_EXTENSION, 'forbidden'],
  ['DEMO space admin previews an OPS tightening', 'previewPolicyImpact', () => ({ level: 'space', spaceKey: 'OPS', config: spaceInput({ sharingEnabled: false }) }), 'u-space-admin', OPS_EXTENSION, 'forbidden'],
  ['space admin reads the classification rule', 'getClassificationSettings', () => ({}), 'u-space-admin', {}, 'forbidden'],
  ['space admin turns the classification rule off', 'setClassificationRule', () => ({ version: 0, levelId: null }), 'u-space-admin', {}, 'forbidden'],
];

describe('callers without rights', () => {
  it('covers every resolver key', () => {
    expect(new Set(denials.map((d) => d[1]))).toEqual(new Set(RESOLVER_KEYS));
  });

  it.each(denials)('%s → %s refused with a stable code, store unchanged', async (_label, key, payload, accountId, extension, code) => {
    if (key === 'setSiteSettings') {
      // A well-formed payload, so the refusal is about rights, not shape.
      const valid = await siteSettingsPayload();
      const before = await snapshot();
      const res = await server.invoke(key, valid, accountId, extension);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ ok: false, error: { code } });
      expect(await snapshot()).toBe(before);
      return;
    }
    const before = await snapshot();
    const res = await server.invoke(key, payload(), accountId, extension);
    expect(res.body).toMatchObject({ ok: false, error: { code } });
    expect(res.status).toBe(403);
    expect(await snapshot()).toBe(before);
  });

  it.each(RESOLVER_KEYS.map((k) => [k]))('%s without accountId → 401 unauthenticated, store unchanged', async (key) => {
    const before = await snapshot();
    const payload = denials.find((d) => d[1] === key)?.[2]() ?? {};
    const res = await server.invoke(key, payload, undefined, DEMO_EXTENSION);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(await snapshot()).toBe(before);
  });

  it('records refused calls in the audit log', async () => {
    await server.invoke('setSpaceConfig', { spaceKey: 'OPS', version: 0, config: spaceInput() }, 'u-space-admin');
    const log = await server.call('getAuditLog', { action: 'access_denied', spaceKey: 'OPS' }, 'u-site-admin');
    expect(log.items.some((e) => e.actor === 'u-space-admin' && e.detail.includes('setSpaceConfig'))).toBe(true);
  });

  it('ignores identity claims in the payload or extension (creator is always the caller)', async () => {
    const res = await server.invoke('createLink', { pageId: '1002', settings: {}, createdBy: 'u-space-admin' }, 'u-editor');
    expect(res.status).toBe(400);
    const ok = await server.invoke('createLink', { pageId: '1002', settings: { name: 'mine' } }, 'u-editor', { accountId: 'u-space-admin' });
    expect(ok.body.ok && ok.body.data.link.createdBy).toBe('u-editor');
    await server.call('deleteLink', { linkId: ok.body.ok ? ok.body.data.link.id : '' }, 'u-editor');
  });
});

describe('bad requests', () => {
  it('answers unknown functions, bad JSON, wrong methods and oversized bodies with clear errors', async () => {
    const unknown = await server.invoke('dropTables' as ResolverKey, {}, 'u-site-admin');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const proto = await server.invoke('__proto__' as ResolverKey, {}, 'u-site-admin');
    expect(proto.body).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const badJson = await fetch(`${server.url}/api/invoke/getGlobalConfig`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const get = await fetch(`${server.url}/api/invoke/getGlobalConfig`);
    expect(get.status).toBe(405);
    const huge = await fetch(`${server.url}/api/invoke/getGlobalConfig`, { method: 'POST', body: 'x'.repeat(10 * 1024 * 1024 + 10) });
    expect(huge.status).toBe(413);
    const after = await server.invoke('getGlobalConfig', {}, 'u-site-admin');
    expect(after.status).toBe(200);
  });

  it('validates payloads with field details; extra keys and __proto__ are refused without pollution', async () => {
    const wrongType = await server.invoke('createLink', { pageId: 1002, settings: { comments: 'everything' } }, 'u-editor');
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.ok).toBe(false);
    if (!wrongType.body.ok) {
      const fields = wrongType.body.error.details.map((d) => d.field);
      expect(fields).toContain('pageId');
      expect(fields).toContain('comments');
    }
    const polluted = await fetch(`${server.url}/api/invoke/createLink`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"payload":{"pageId":"1002","settings":{"__proto__":{"polluted":true}}},"context":{"accountId":"u-editor"}}',
    });
    expect(polluted.status).toBe(400);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const naive = await server.invoke('createLink', { pageId: '1002', settings: { expiresAt: '2030-01-01T00:00' } }, 'u-editor');
    expect(naive.body).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!naive.body.ok) expect(naive.body.error.message).toMatch(/timezone/);
  });

  it('rejects a password over 72 UTF-8 bytes with a clear message and stores nothing', async () => {
    const before = await snapshot();
    const res = await server.invoke('createLink', { pageId: '1002', settings: {}, password: '密'.repeat(25) }, 'u-editor');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/72 bytes/) } });
    expect(await snapshot()).toBe(before);
  });
});

describe('happy paths over HTTP', () => {
  it('editor lifecycle: create, list, update, conflict, email, rotate, disable, delete; the share URL follows', async () => {
    const created = await server.call('createLink', { pageId: '1001', settings: { name: 'lifecycle', includeChildren: false } }, 'u-editor');
    expect(created.url.startsWith(`${server.url}/s/`)).toBe(true);
    expect((await fetch(created.url)).status).toBe(200);

    const sharing = await server.call('getPageSharing', { pageId: '1001' }, 'u-editor');
    expect(sharing.links.map((l) => l.id)).toContain(created.link.id);
    expect(JSON.stringify(sharing)).not.toMatch(/tokenHash|passwordHash/);

    const [a, b] = await Promise.all([
      server.invoke('updateLink', { linkId: created.link.id, version: 1, settings: { name: 'A' } }, 'u-editor'),
      server.invoke('updateLink', { linkId: created.link.id, version: 1, settings: { name: 'B' } }, 'u-space-admin'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body).toMatchObject({ ok: false, error: { code: 'version_conflict', message: expect.stringMatching(/reload/i) } });

    const emailed = await server.call('emailLink', { linkId: created.link.id, url: created.url, recipients: ['guest@partner.example'] }, 'u-editor');
    expect(emailed.sent).toBe(1);
    const outbox = await readdir(join(server.dataDir, 'outbox'));
    expect(outbox.some((f) => f.endsWith('.json') && f !== 'index.json')).toBe(true);

    const rotated = await server.call('rotateLink', { linkId: created.link.id }, 'u-editor');
    expect((await fetch(created.url)).status).toBe(404);
    expect((await fetch(rotated.url)).status).toBe(200);

    await server.call('setLinkStatus', { linkId: created.link.id, status: 'disabled' }, 'u-space-admin');
    expect((await fetch(rotated.url)).status).toBe(404);
    await server.call('deleteLink', { linkId: created.link.id }, 'u-editor');
    const gone = await server.invoke('deleteLink', { linkId: created.link.id }, 'u-editor');
    expect(gone).toMatchObject({ status: 404, body: { ok: false, error: { code: 'not_found' } } });
  });

  it('space policy: violation messages, non-compliance shown, sharing off blocks links, nothing deleted', async () => {
    const current = await server.call('getSpaceConfig', { spaceKey: 'DEMO' }, 'u-space-admin');
    const saved = await server.call(
      'setSpaceConfig',
      { spaceKey: 'DEMO', version: current.config.version, config: spaceInput({ applyOnSpaceLinks: true, password: 'mandatory' }) },
      'u-space-admin',
    );
    expect(saved.effective.passwordRequired).toBe(true);
    const refused = await server.invoke('createLink', { pageId: '1002', settings: {} }, 'u-editor');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'policy_violation', message: 'A password is required by the space policy' } });

    const spaceLinks = await server.call('listSpaceLinks', { spaceKey: 'DEMO', nonCompliant: true }, 'u-space-admin');
    expect(spaceLinks.items.map((l) => l.id)).toContain(demoLink);
    expect((await fetch(demoUrl)).status).toBe(404);

    const relaxed = await server.call('setSpaceConfig', { spaceKey: 'DEMO', version: saved.config.version, config: spaceInput() }, 'u-space-admin');
    expect(relaxed.config.version).toBe(saved.config.version + 1);
    expect((await fetch(demoUrl)).status).toBe(200);
    const stale = await server.invoke('setSpaceConfig', { spaceKey: 'DEMO', version: saved.config.version, config: spaceInput() }, 'u-space-admin');
    expect(stale.status).toBe(409);
  });

  it('site admin: global config, site settings with custom domain, all links, bulk revoke', async () => {
    const global = await server.call('getGlobalConfig', {}, 'u-site-admin');
    await server.call('setGlobalConfig', { version: global.config.version, config: globalInput({ comments: 'none' }) }, 'u-site-admin');

    const site = await siteSettingsPayload();
    const saved = await server.call(
      'setSiteSettings',
      { ...site, settings: { ...site.settings, customDomain: 'https://share.acme.example' }, emailApiKey: 'secret-key-1' },
      'u-site-admin',
    );
    expect(saved.secrets.emailApiKey).toBe(true);
    expect(JSON.stringify(saved)).not.toContain('secret-key-1');
    const created = await server.call('createLink', { pageId: '2002', settings: { name: 'custom domain' } }, 'u-editor');
    expect(created.url.startsWith('https://share.acme.example/s/')).toBe(true);
    const reset = await siteSettingsPayload();
    await server.call('setSiteSettings', { ...reset, settings: { ...reset.settings, customDomain: null } }, 'u-site-admin');

    const page1 = await server.call('listAllLinks', { limit: 1, search: 'link' }, 'u-site-admin');
    expect(page1.items).toHaveLength(1);
    expect(page1.nextCursor).toBeDefined();
    const page2 = await server.call('listAllLinks', { limit: 1, search: 'link', cursor: page1.nextCursor }, 'u-site-admin');
    expect(page2.items[0]?.id).not.toBe(page1.items[0]?.id);

    const revoked = await server.call('revokeLinks', { linkIds: [created.link.id] }, 'u-site-admin');
    expect(revoked.disabled).toEqual([created.link.id]);
  });

  it('reset needs the typed phrase; then deletes every link', async () => {
    const wrong = await server.invoke('resetApp', { mode: 'links', confirmation: 'yes' }, 'u-site-admin');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ ok: false, error: { message: expect.stringContaining('DELETE ALL LINKS') } });
    const done = await server.call('resetApp', { mode: 'links', confirmation: 'DELETE ALL LINKS' }, 'u-site-admin');
    expect(done.deletedLinks).toBeGreaterThan(0);
    expect((await server.call('listAllLinks', {}, 'u-site-admin')).items).toHaveLength(0);
    expect((await fetch(demoUrl)).status).toBe(404);
  });
});
