import { describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/core/defaults';
import { createResolverRegistry, invokeResolver } from '../../src/app/resolvers';
import { createHarness, EDITOR, SITE_ADMIN } from './harness';

/** Google's discovery document (abridged): token, keys and userinfo live on other hosts than the issuer. */
const GOOGLE = {
  issuer: 'https://accounts.google.com',
  authorization_endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
  token_endpoint: 'https://oauth2.googleapis.com/token',
  userinfo_endpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
  jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs',
  response_types_supported: ['code'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
};

const withProvider = async (answer: (url: string) => Response) => {
  const harness = await createHarness();
  const requested: string[] = [];
  harness.deps.fetch = async (url) => {
    requested.push(String(url));
    return answer(String(url));
  };
  const site = defaultSiteSettings(harness.clock.now());
  await harness.deps.store.configs.putSite(
    { ...site, version: 1, sso: { issuer: 'https://accounts.google.com', clientId: 'c', scopes: 'openid email', hasClientSecret: true } },
    0,
  );
  const call = (accountId: string) =>
    invokeResolver(createResolverRegistry(), 'discoverSsoOrigins', { payload: {}, context: { accountId } }, harness.deps, () => undefined);
  return { call, requested };
};

describe('discoverSsoOrigins', () => {
  it('lists every origin the backend calls, read from the discovery document (Google: four hosts)', async () => {
    const { call, requested } = await withProvider(() => Response.json(GOOGLE));
    expect(await call(SITE_ADMIN.accountId)).toEqual({
      ok: true,
      data: {
        origins: ['https://accounts.google.com', 'https://oauth2.googleapis.com', 'https://www.googleapis.com', 'https://openidconnect.googleapis.com'],
        problem: null,
      },
    });
    expect(requested).toEqual(['https://accounts.google.com/.well-known/openid-configuration']);
  });

  it('still names the issuer, with the reason, when the provider cannot be read', async () => {
    const { call } = await withProvider(() => new Response('nope', { status: 503 }));
    const result = await call(SITE_ADMIN.accountId);
    expect(result).toMatchObject({ ok: true, data: { origins: ['https://accounts.google.com'] } });
    expect((result as { data: { problem: string } }).data.problem).toMatch(/could not be read/);
  });

  it('is for Confluence admins only', async () => {
    const { call, requested } = await withProvider(() => Response.json(GOOGLE));
    expect(await call(EDITOR.accountId)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(requested).toEqual([]);
  });
});
