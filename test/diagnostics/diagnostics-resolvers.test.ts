/**
 * The self-test's resolvers over the app harness (local store, demo site): admins only, the server
 * checks, the one-time probe URL (only with platform checks, i.e. on Forge), the switches the results
 * turn on, and applying the recommended client-IP header through the ordinary site-settings save.
 */
import { describe, expect, it } from 'vitest';
import {
  DIAGNOSTICS_KEY,
  platformSwitches,
  probeKey,
  readDiagnostics,
  recordBrowserChecks,
  SAFE_SWITCHES,
  type BrowserChecks,
  type PlatformChecks,
} from '../../src/app/diagnostics';
import { createResolverRegistry, invokeResolver } from '../../src/app/resolvers';
import { createHarness, DAY, EDITOR, SITE_ADMIN } from '../app/harness';

const call = (deps: Parameters<typeof invokeResolver>[3], key: string, payload: unknown, accountId = SITE_ADMIN.accountId) =>
  invokeResolver(createResolverRegistry(), key, { payload, context: { accountId } }, deps, () => undefined);

const forgeChecks: PlatformChecks = { kvsConflictCodes: async () => ({ createExisting: '409 KEY_CONFLICT', conditionFailed: '409 CONDITION_FAILED' }) };

const browser = (overrides: Partial<BrowserChecks> = {}): BrowserChecks => ({
  at: 1,
  ipHeaders: [{ name: 'x-forwarded-for', value: '203.0.113.9', forgeable: false }],
  recommendedIpHeader: 'x-forwarded-for',
  cookies: { first: true, second: true },
  securityHeaders: { 'X-Frame-Options': 'kept' },
  redirect303: true,
  requestBody: { encoding: 'latin1', detail: 'byte-exact' },
  responseBody: { mode: 'base64-flag', detail: 'byte-exact' },
  ...overrides,
});

describe('runDiagnostics', () => {
  it('is for Confluence admins only, and leaves nothing behind for anyone else', async () => {
    const { deps } = await createHarness();
    expect(await call(deps, 'runDiagnostics', {}, EDITOR.accountId)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(deps, 'getDiagnostics', {}, EDITOR.accountId)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(deps, 'applyDiagnosticsIpHeader', {}, EDITOR.accountId)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await deps.store.ephemeral.get(DIAGNOSTICS_KEY, deps.clock.now())).toBeUndefined();
  });

  it('runs the server checks; locally there is no probe URL and no KVS conflict check', async () => {
    const { deps } = await createHarness();
    const result = await call(deps, 'runDiagnostics', { pageId: '1001' });
    expect(result).toMatchObject({
      ok: true,
      data: {
        probeUrl: null,
        results: { ranBy: SITE_ADMIN.accountId, browser: null, server: { kvsConflictCodes: null, nestedNulls: 'kept', attachmentDownload: { outcome: 'ok' } } },
      },
    });
    expect(await call(deps, 'getDiagnostics', {})).toEqual({ ok: true, data: { results: (result as { data: { results: unknown } }).data.results } });
  });

  it('says so when the named page has no attachment, and refuses a malformed page id', async () => {
    const { deps } = await createHarness();
    expect(await call(deps, 'runDiagnostics', { pageId: '1002' })).toMatchObject({ ok: true, data: { results: { server: { attachmentDownload: { outcome: 'none_found' } } } } });
    expect(await call(deps, 'runDiagnostics', { pageId: '10x' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call(deps, 'runDiagnostics', { pageId: '1001', extra: true })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('on Forge, reports the KVS conflict codes and hands out a one-time probe URL on the share base', async () => {
    const { deps, clock } = await createHarness();
    deps.platformChecks = forgeChecks;
    const result = (await call(deps, 'runDiagnostics', {})) as { ok: true; data: { probeUrl: string; probeExpiresAt: number; results: { server: unknown } } };
    expect(result.data.results.server).toMatchObject({ kvsConflictCodes: { createExisting: '409 KEY_CONFLICT', conditionFailed: '409 CONDITION_FAILED' } });
    const match = /^https:\/\/trigger\.example\/x\/diag\/([A-Za-z0-9_-]{43})$/.exec(result.data.probeUrl);
    expect(match).not.toBeNull();
    expect(result.data.probeExpiresAt).toBe(clock.now() + 15 * 60 * 1000);
    expect(await deps.store.ephemeral.get(probeKey(match![1]!), clock.now())).toBeDefined();
    // A second run hands out another URL; earlier browser results are kept.
    await recordBrowserChecks(deps, browser());
    const again = (await call(deps, 'runDiagnostics', {})) as { ok: true; data: { probeUrl: string; results: { browser: unknown } } };
    expect(again.data.probeUrl).not.toBe(result.data.probeUrl);
    expect(again.data.results.browser).toEqual(browser());
  });
});

describe('platform switches', () => {
  it('stay on the safe side without browser results, and follow what the browser check proved', async () => {
    const { deps, clock } = await createHarness();
    expect(platformSwitches(await readDiagnostics(deps))).toEqual(SAFE_SWITCHES);
    await call(deps, 'runDiagnostics', {});
    expect(platformSwitches(await readDiagnostics(deps))).toEqual(SAFE_SWITCHES);
    await recordBrowserChecks(deps, browser());
    expect(platformSwitches(await readDiagnostics(deps))).toEqual({ binaryResponses: 'base64-flag', requestBodyEncoding: 'latin1' });
    await recordBrowserChecks(deps, browser({ requestBody: { encoding: null, detail: 'lossy' }, responseBody: { mode: null, detail: 'none' } }));
    expect(platformSwitches(await readDiagnostics(deps))).toEqual(SAFE_SWITCHES);
    // Results expire after 180 days: the safe choices come back.
    await recordBrowserChecks(deps, browser());
    clock.advance(181 * DAY);
    expect(platformSwitches(await readDiagnostics(deps))).toEqual(SAFE_SWITCHES);
  });
});

describe('applyDiagnosticsIpHeader', () => {
  it('needs a recommendation, then saves it as the site client-IP header (versioned, audited save)', async () => {
    const { deps } = await createHarness();
    expect(await call(deps, 'applyDiagnosticsIpHeader', {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    await recordBrowserChecks(deps, browser({ recommendedIpHeader: 'true-client-ip' }));
    expect(await call(deps, 'applyDiagnosticsIpHeader', {})).toEqual({ ok: true, data: { clientIpHeader: 'true-client-ip' } });
    const site = await deps.store.configs.getSite();
    expect(site?.clientIpHeader).toBe('true-client-ip');
    expect(site?.version).toBe(1);
  });
});

describe('platformSwitches on a stored record of another shape', () => {
  it('keeps the safe choices instead of failing', () => {
    const odd = { ranAt: 1, ranBy: 'x', server: {}, browser: { responseBody: { mode: 'raw-bytes' } } } as unknown as Parameters<typeof platformSwitches>[0];
    expect(platformSwitches(odd)).toEqual(SAFE_SWITCHES);
    expect(platformSwitches({ ranAt: 1, ranBy: 'x', server: {}, browser: {} } as unknown as Parameters<typeof platformSwitches>[0])).toEqual(SAFE_SWITCHES);
  });
});
