/**
 * Logo and favicon are stored inside the site settings record, which Forge KVS limits to 240 KiB: what
 * the resolver accepts must fit, and what does not is refused with a message naming the sizes.
 */
import { describe, expect, it } from 'vitest';
import { BRANDING_IMAGES_MAX_BYTES, getSiteSettings, setSiteSettings } from '../../src/app/configs';
import type { SiteSettingsInput } from '../../src/shared/contract';
import { createHarness, SITE_ADMIN, type Harness, type HarnessStore } from './harness';

const siteInput = async (h: Harness, customization: Partial<SiteSettingsInput['customization']>): Promise<SiteSettingsInput> => {
  const { settings } = await getSiteSettings(h.deps, SITE_ADMIN);
  const { version: _v, updatedAt: _u, sso: _s, ...rest } = settings;
  return { ...rest, sso: null, customization: { ...rest.customization, ...customization } };
};

/** A PNG data URL of exactly `bytes` characters. */
const png = (bytes: number): string => {
  const prefix = 'data:image/png;base64,';
  return prefix + 'A'.repeat(bytes - prefix.length);
};

describe.each<HarnessStore>(['local', 'kvs'])('logo and favicon size (%s store)', (store) => {
  it('saves logo + favicon up to the budget, and they read back whole', async () => {
    const h = await createHarness('branding', { store });
    const logo = png(BRANDING_IMAGES_MAX_BYTES - 20 * 1024);
    const favicon = png(20 * 1024);
    await setSiteSettings(h.deps, SITE_ADMIN, { version: 0, settings: await siteInput(h, { logoUrl: logo, faviconUrl: favicon }) });
    const { settings } = await getSiteSettings(h.deps, SITE_ADMIN);
    expect(settings.customization.logoUrl).toBe(logo);
    expect(settings.customization.faviconUrl).toBe(favicon);
  });

  it('refuses a pair over the budget with a plain message naming both sizes, and stores nothing', async () => {
    const h = await createHarness('branding', { store });
    // Each alone is within the resolver schema (400 000 / 100 000 characters); together they are not storable.
    const input = await siteInput(h, { logoUrl: png(300_000), faviconUrl: png(90_000) });
    const error = await setSiteSettings(h.deps, SITE_ADMIN, { version: 0, settings: input }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'invalid_input',
      message: 'The logo (293 KB) and favicon (88 KB) are too large together: they can take at most 200 KB. Use smaller images, or link them from an https address.',
      details: [{ field: 'customization.logoUrl' }],
    });
    expect((await getSiteSettings(h.deps, SITE_ADMIN)).settings.version).toBe(0);
  });

  it('refuses settings whose other text would push the record over the limit', async () => {
    const h = await createHarness('branding', { store });
    const input = await siteInput(h, { logoUrl: png(BRANDING_IMAGES_MAX_BYTES), footerText: 'x'.repeat(40_000) });
    const error = await setSiteSettings(h.deps, SITE_ADMIN, { version: 0, settings: input }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/more than the 236 KB that can be saved/) });
  });
});
