/**
 * Setup confidence in the Forge-packaged bundles under the simulated Forge runtime: Send test email through
 * Microsoft Graph passes the manifest's egress list (token, then sendMail), the custom-domain check's
 * one-time URL is served by the packaged share trigger (its lazily loaded chunk), and the checklist sees both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { SetupStatus } from '../../src/app/setup';
import type { ResolverResult, SiteSettingsResult } from '../../src/shared/contract';
import type { installForgeRuntime } from '../support/forge-runtime/forge-runtime';
import { PACKAGED_TRIGGER_URL, startPackagedApp } from '../support/forge-runtime/packaged-app';

type Bundle = Record<string, (...args: unknown[]) => Promise<unknown>>;

const manifest = parse(readFileSync(join(__dirname, '../../manifest.yml'), 'utf8')) as {
  permissions: { external: { fetch: { backend: { address: string }[] } } };
};
const declaredEgress = new Set(manifest.permissions.external.fetch.backend.map((entry) => new URL(entry.address).origin));

let runtime: ReturnType<typeof installForgeRuntime>;
let index: Bundle;
let share: Bundle;
const sent: string[] = [];

beforeAll(async () => {
  const app = await startPackagedApp({
    allowedEgress: (url) => declaredEgress.has(url.origin),
    egress: async (url) => {
      sent.push(url);
      if (url.endsWith('/oauth2/v2.0/token')) return Response.json({ token_type: 'Bearer', expires_in: 3599, access_token: 'graph-token' });
      if (url.endsWith('/sendMail')) return new Response(null, { status: 202 });
      return new Response('{}', { status: 404 });
    },
  });
  ({ runtime, index, share } = app);
}, 60_000);

afterAll(() => runtime?.uninstall());

const call = async <T>(key: string, payload: unknown): Promise<T> => {
  const result = (await runtime.invokeResolver(index, key, payload, 'u-site-admin')) as ResolverResult<T>;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
};

describe('setup checks in the Forge-packaged app', () => {
  it('a test email through Microsoft Graph, and the custom-domain check, reach the checklist', async () => {
    const { settings } = await call<SiteSettingsResult>('getSiteSettings', {});
    const { version, updatedAt: _u, sso: _s, ...rest } = settings;
    await call('setSiteSettings', {
      version,
      settings: {
        ...rest,
        sso: null,
        customDomain: 'https://share.acme.example',
        email: { provider: 'graph', fromAddress: 'share@acme.example', fromName: 'Acme', options: { tenantId: 'contoso.onmicrosoft.com', clientId: '11111111-2222-3333-4444-555555555555' } },
      },
      emailApiKey: 'graph-client-secret',
    });

    const tested = await call<{ ok: boolean; message: string }>('sendTestEmail', { to: 'admin@acme.example' });
    expect(tested).toMatchObject({ ok: true, message: expect.stringMatching(/^Microsoft Graph accepted the test email to admin@acme\.example\./) });
    expect(sent).toEqual([
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
      'https://graph.microsoft.com/v1.0/users/share%40acme.example/sendMail',
    ]);

    const { url } = await call<{ url: string }>('startDomainCheck', {});
    const ticket = new URL(url);
    expect(`${ticket.origin}${ticket.pathname}`).toBe('https://share.acme.example/setup/domain-check');
    const reached = await runtime.invokeWebTrigger(share, { method: 'GET', path: ticket.pathname, query: { t: ticket.searchParams.get('t')! } });
    expect(reached.statusCode).toBe(200);
    expect(reached.body).toContain('https://share.acme.example reached Secure Share');

    const bogus = await runtime.invokeWebTrigger(share, { method: 'GET', path: '/setup/sso-test', query: { t: 'x'.repeat(43) } });
    expect(bogus.statusCode).toBe(404);
    expect(bogus.body).toContain('This test link does not work any more');

    const status = await call<SetupStatus>('getSetupStatus', {});
    expect(status.email.lastTest).toMatchObject({ ok: true, provider: 'graph', current: true });
    expect(status.customDomain.lastCheck).toMatchObject({ domain: 'https://share.acme.example', current: true });
    expect(status.shareBaseUrl).toBe(PACKAGED_TRIGGER_URL);
    expect(status.ssoRedirectUri).toBe('https://share.acme.example/sso/callback');
  });
});
