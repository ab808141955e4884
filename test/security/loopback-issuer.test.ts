/**
 * Local mode's demo identity provider needs an http issuer on the local server's own origin. That
 * allowance (deps.oidc.allowLoopbackIssuer) must stay a local-mode-only exception: the Forge composition
 * never sets it, the https / public host rule still refuses http and localhost issuers there (when saved
 * and before any request), and even in local mode only the server's exact own origin passes.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const forge = vi.hoisted(() => ({ triggerUrl: 'https://abc.webtrigger.atlassian.app/public/xyz/', fetches: [] as string[] }));

vi.mock('@forge/api', () => ({
  asApp: () => ({ requestConfluence: () => Promise.reject(new Error('no Confluence in this test')) }),
  asUser: () => ({ requestConfluence: () => Promise.reject(new Error('no Confluence in this test')) }),
  assumeTrustedRoute: (value: string) => ({ value }),
  fetch: (url: string) => {
    forge.fetches.push(url);
    return Promise.reject(new Error('no network in this test'));
  },
  webTrigger: { getUrl: async () => forge.triggerUrl },
}));
vi.mock('@forge/kvs', () => ({ kvs: { entity: () => ({}), transact: () => ({}) } }));

const { createForgeDeps } = await import('../../src/adapters/forge/forge-deps');
const { createLocalStore } = await import('../../src/adapters/local/local-store');
const { createLocalApp } = await import('../../src/dev/local-app');
const { loopbackIssuerOrigin } = await import('../../src/app/loopback-issuer');
const { setSiteSettings } = await import('../../src/app/configs');
const { defaultSiteSettings } = await import('../../src/core/defaults');
const { issuerProblem } = await import('../../src/core/oidc-issuer');
const { discover, OidcError } = await import('../../src/web/oidc');

const LOCAL_ISSUERS = ['http://localhost:8787/dev/idp', 'http://127.0.0.1:8787/dev/idp', 'http://localhost:8787', 'https://localhost:8787/dev/idp'];

/** Forge's own deps, with an in-memory store and a caller who is site admin (the rest stays Forge's). */
const forgeDepsForSettings = async () => {
  const deps = createForgeDeps({ accountId: 'acc-admin' });
  return { ...deps, store: await createLocalStore(), rights: { ...deps.rights, isSiteAdmin: async () => true } };
};

const saveIssuer = async (deps: Awaited<ReturnType<typeof forgeDepsForSettings>>, issuer: string) => {
  const { version, updatedAt: _u, sso: _s, ...rest } = defaultSiteSettings(deps.clock.now());
  return setSiteSettings(deps, { accountId: 'acc-admin' }, { version, settings: { ...rest, sso: { issuer, clientId: 'c', scopes: 'openid email' } } });
};

describe('the loopback issuer allowance is local mode only', () => {
  it('createForgeDeps never sets it, so Forge gets no loopback origin, even if its share base were http://localhost', async () => {
    forge.triggerUrl = 'http://localhost:8787/';
    try {
      const deps = createForgeDeps({ accountId: 'acc-1' });
      expect(deps.oidc?.allowLoopbackIssuer).toBeUndefined();
      expect(await loopbackIssuerOrigin(deps)).toBeUndefined();
      expect(await loopbackIssuerOrigin(createForgeDeps())).toBeUndefined();
    } finally {
      forge.triggerUrl = 'https://abc.webtrigger.atlassian.app/public/xyz/';
    }
  });

  it('only the local composition root sets it (source scan)', async () => {
    const setters: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (/\.tsx?$/.test(entry.name) && /allowLoopbackIssuer\s*:/.test(await readFile(path, 'utf8'))) setters.push(relative('.', path));
      }
    };
    await walk('src');
    // `allowLoopbackIssuer: …` (a value, not deps.ts's optional `allowLoopbackIssuer?:` declaration).
    expect(setters).toEqual(['src/dev/local-app.ts']);
  });

  it('Forge: saving an http, localhost or 127.0.0.1 issuer is refused with a clear message', async () => {
    const deps = await forgeDepsForSettings();
    for (const issuer of LOCAL_ISSUERS) {
      await expect(saveIssuer(deps, issuer), issuer).rejects.toMatchObject({ code: 'invalid_input' });
    }
    await expect(saveIssuer(deps, 'https://login.example.com/tenant')).resolves.toBeDefined();
  });

  it('Forge: discovery refuses a local issuer before any request', async () => {
    const deps = createForgeDeps();
    const env = {
      fetch: (url: string) => {
        forge.fetches.push(url);
        return Promise.reject(new Error('must not be called'));
      },
      now: () => Date.now(),
      randomBytes: (n: number) => new Uint8Array(n),
      ephemeral: (await createLocalStore()).ephemeral,
      clientSecret: async () => 'secret',
      loopbackIssuerOrigin: await loopbackIssuerOrigin(deps),
    };
    forge.fetches.length = 0;
    for (const issuer of LOCAL_ISSUERS) {
      const refused = await discover(env, { issuer, clientId: 'c', scopes: 'openid email' }).catch((e: unknown) => e);
      expect(refused, issuer).toBeInstanceOf(OidcError);
      expect((refused as InstanceType<typeof OidcError>).reason).toBe('issuer_invalid');
    }
    expect(forge.fetches).toEqual([]);
  });

  it('local mode: exactly the server’s own http origin passes, nothing else does', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'secure-share-loopback-'));
    const app = await createLocalApp({ dataDir, port: 8787, bcryptRounds: 4 });
    try {
      expect(app.deps.oidc?.allowLoopbackIssuer).toBe(true);
      const origin = await loopbackIssuerOrigin(app.deps);
      expect(origin).toBe('http://localhost:8787');
      expect(issuerProblem('http://localhost:8787/dev/idp', { loopbackOrigin: origin })).toBeNull();
      for (const other of [
        'http://localhost:8788/dev/idp',
        'http://127.0.0.1:8787/dev/idp',
        'http://user:pw@localhost:8787/dev/idp',
        'http://localhost:8787/dev/idp?x=1',
        'http://idp.example.com',
      ]) {
        expect(issuerProblem(other, { loopbackOrigin: origin }), other).not.toBeNull();
      }
      // A non-loopback origin is never an allowance, whoever passes it.
      expect(issuerProblem('http://idp.example.com/x', { loopbackOrigin: 'http://idp.example.com' })).toBe('issuer must use https');
      app.setShareBaseUrl('https://share.example.com');
      expect(await loopbackIssuerOrigin(app.deps)).toBeUndefined();
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
