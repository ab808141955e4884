import { describe, expect, it } from 'vitest';
import { getSiteSettings, setSiteSettings } from '../../src/app/configs';
import { siteSettingsInputSchema } from '../../src/app/resolvers/schemas';
import { DomainError } from '../../src/core/errors';
import type { SiteSettingsInput } from '../../src/shared/contract';
import { createHarness, SITE_ADMIN, type Harness } from './harness';

const currentInput = async (h: Harness, auditRetentionDays: number): Promise<SiteSettingsInput> => {
  const { settings } = await getSiteSettings(h.deps, SITE_ADMIN);
  const { version: _v, updatedAt: _u, sso: _sso, ...rest } = settings;
  return { ...rest, sso: null, auditRetentionDays };
};

const failure = async (promise: Promise<unknown>): Promise<DomainError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
};

describe('audit retention setting', () => {
  it('saves 1..3650 whole days and records the change in the audit log', async () => {
    const h = await createHarness();
    const low = await setSiteSettings(h.deps, SITE_ADMIN, { version: 0, settings: await currentInput(h, 1) });
    expect(low.settings.auditRetentionDays).toBe(1);
    const high = await setSiteSettings(h.deps, SITE_ADMIN, { version: 1, settings: await currentInput(h, 3650) });
    expect(high.settings.auditRetentionDays).toBe(3650);
    const entries = await h.deps.store.audit.list({ action: 'settings_changed' }, { limit: 10 });
    expect(entries.items.map((e) => e.detail)).toContain('auditRetentionDays');
  });

  it.each([0, -5, 3651, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('the use case refuses %s days with a field error, saving nothing', async (days) => {
    const h = await createHarness();
    const error = await failure(setSiteSettings(h.deps, SITE_ADMIN, { version: 0, settings: await currentInput(h, days) }));
    expect(error.code).toBe('invalid_input');
    expect(error.details[0]).toMatchObject({ field: 'auditRetentionDays' });
    expect(error.message).toMatch(/1 to 3650 days/);
    expect((await getSiteSettings(h.deps, SITE_ADMIN)).settings.version).toBe(0);
  });

  it('the resolver schema refuses out-of-range and non-integer days before the use case runs', async () => {
    const h = await createHarness();
    for (const days of [0, 3651, 2.5]) {
      expect(siteSettingsInputSchema.safeParse(await currentInput(h, days)).success).toBe(false);
    }
    expect(siteSettingsInputSchema.safeParse({ ...(await currentInput(h, 30)) }).success).toBe(true);
  });
});
