/**
 * Logo and favicon from an https URL: what the customization tab accepts, the share view renders,
 * with exactly that URL's origin admitted by the response's CSP img-src; the not-found page never.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setSiteSettings } from '../../src/app/configs';
import { brandingImageOrigins, remoteImageUrlProblem } from '../../src/core/branding-images';
import { defaultSiteSettings } from '../../src/core/defaults';
import { isDomainError } from '../../src/core/errors';
import type { SiteSettings } from '../../src/core/model';
import type { SiteSettingsInput } from '../../src/shared/contract';
import { CONTENT_SECURITY_POLICY, contentSecurityPolicy } from '../../src/web/responses';
import { imagesOf, Visitor } from '../support/visitor';
import { startHarness, type Harness } from './support/share-harness';

const PNG_DATA = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const BASE_IMG_SRC = "img-src 'self' data:;";
const SITE_ADMIN = { accountId: 'u-site-admin' };

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const putCustomization = async (customization: Partial<SiteSettings['customization']>) => {
  const current = (await h.store.configs.getSite()) ?? defaultSiteSettings(h.clock.now);
  await h.store.configs.putSite(
    { ...current, customization: { ...current.customization, ...customization }, version: current.version + 1 },
    current.version,
  );
};

const saveCustomization = async (customization: Partial<SiteSettings['customization']>) => {
  const current = (await h.store.configs.getSite()) ?? defaultSiteSettings(h.clock.now);
  const { version, updatedAt: _updatedAt, sso: _sso, ...rest } = current;
  const settings: SiteSettingsInput = { ...rest, sso: null, customization: { ...current.customization, ...customization } };
  return setSiteSettings(h.deps, SITE_ADMIN, { version, settings });
};

const refusal = async (customization: Partial<SiteSettings['customization']>) => {
  try {
    await saveCustomization(customization);
  } catch (error) {
    if (isDomainError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  return null;
};

/** Every directive of a CSP except img-src, in order. */
const otherDirectives = (csp: string) =>
  csp
    .split(';')
    .map((d) => d.trim())
    .filter((d) => !d.startsWith('img-src'));

describe('branding images in the share view', () => {
  it('renders an https logo and favicon and admits exactly their origins in img-src', async () => {
    await putCustomization({ logoUrl: 'https://cdn.acme.example/brand/logo.png?v=2', faviconUrl: 'https://static.acme.example:8443/favicon.ico' });
    const { path } = await h.link();
    const page = await new Visitor(h.base).get(path);
    expect(page.status).toBe(200);
    expect(imagesOf(page.text)).toContain('https://cdn.acme.example/brand/logo.png?v=2');
    expect(page.text).toContain('<link rel="icon" href="https://static.acme.example:8443/favicon.ico">');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("img-src 'self' data: https://cdn.acme.example https://static.acme.example:8443;");
    expect(otherDirectives(csp)).toEqual(otherDirectives(CONTENT_SECURITY_POLICY));
  });

  it('keeps the base img-src when no https image is configured, and data: images still render', async () => {
    const { path } = await h.link();
    const plain = await new Visitor(h.base).get(path);
    expect(plain.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(plain.headers.get('content-security-policy')).toContain(BASE_IMG_SRC);

    await putCustomization({ logoUrl: PNG_DATA, faviconUrl: null });
    const branded = await new Visitor(h.base).get(path);
    expect(imagesOf(branded.text)).toContain(PNG_DATA);
    expect(branded.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('branded gate pages admit the origin too; every deny is the same unbranded 404 with the base policy', async () => {
    await putCustomization({ logoUrl: 'https://cdn.acme.example/logo.png', showHeading: true, heading: 'Acme' });
    const gated = await h.link({ password: 'correct horse battery' });
    const gate = await new Visitor(h.base).get(gated.path);
    expect(gate.status).toBe(200);
    expect(imagesOf(gate.text)).toContain('https://cdn.acme.example/logo.png');
    expect(gate.headers.get('content-security-policy')).toContain('https://cdn.acme.example;');

    const disabled = await h.link();
    await h.patchLink(disabled.link.id, { status: 'disabled' });
    const denies = [
      await new Visitor(h.base).get(`/s/${'A'.repeat(65)}`),
      await new Visitor(h.base).get(`/s/${gated.token.slice(0, 22)}${'B'.repeat(43)}`),
      await new Visitor(h.base).get(disabled.path),
      await new Visitor(h.base).get(`${disabled.path}/p/2001`),
    ];
    for (const deny of denies) {
      expect(deny.status).toBe(404);
      expect(deny.text).toBe(denies[0]!.text);
      expect(deny.text).not.toContain('cdn.acme.example');
      expect(deny.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('does not render, nor admit, a stored URL that fails the rules (saved before they existed)', async () => {
    await putCustomization({ logoUrl: 'https://cdn.acme.example;script-src *', faviconUrl: 'http://cdn.acme.example/f.ico' });
    const { path } = await h.link();
    const page = await new Visitor(h.base).get(path);
    expect(page.text).not.toContain('cdn.acme.example');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('saving branding images', () => {
  it('accepts an https URL on a public host and a data: image', async () => {
    const saved = await saveCustomization({ logoUrl: 'https://cdn.acme.example/logo.png', faviconUrl: PNG_DATA });
    expect(saved.settings.customization.logoUrl).toBe('https://cdn.acme.example/logo.png');
    expect(saved.settings.customization.faviconUrl).toBe(PNG_DATA);
  });

  it.each([
    ['http://cdn.acme.example/logo.png', 'must use https://'],
    ['https://user:pw@cdn.acme.example/logo.png', 'must not contain a user name or password'],
    ['https://203.0.113.7/logo.png', 'not an IP address'],
    ['https://[2001:db8::1]/logo.png', 'not an IP address'],
    ['https://0x7f.1/logo.png', 'not an IP address'],
    ['https://localhost/logo.png', 'public host name'],
    ['https://intranet/logo.png', 'public host name'],
    ['https://a;b.example/logo.png', 'public host name'],
    ['javascript:alert(1)', 'https://'],
    ['data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=', 'SVG is not allowed'],
  ])('refuses %s', async (logoUrl, message) => {
    const refused = await refusal({ logoUrl });
    expect(refused).toMatchObject({ code: 'invalid_input', details: [{ field: 'customization.logoUrl', message: expect.stringContaining(message) }] });
    const stored = await h.store.configs.getSite();
    expect(stored?.customization.logoUrl ?? null).toBeNull();
  });

  it('refuses a bad favicon under its own field', async () => {
    expect(await refusal({ faviconUrl: 'http://cdn.acme.example/favicon.ico' })).toMatchObject({
      code: 'invalid_input',
      details: [{ field: 'customization.faviconUrl', message: 'The favicon must use https://' }],
    });
  });
});

describe('branding image rules', () => {
  it('collects each distinct https origin once; data: and refused URLs add none', () => {
    expect(brandingImageOrigins(null)).toEqual([]);
    expect(brandingImageOrigins({ logoUrl: PNG_DATA, faviconUrl: null })).toEqual([]);
    expect(brandingImageOrigins({ logoUrl: 'https://cdn.acme.example/a.png', faviconUrl: 'https://cdn.acme.example/b.ico' })).toEqual(['https://cdn.acme.example']);
    expect(brandingImageOrigins({ logoUrl: 'https://CDN.Acme.Example/a.png', faviconUrl: 'https://localhost/b.ico' })).toEqual(['https://cdn.acme.example']);
    expect(remoteImageUrlProblem('https://xn--4ca0b.example/logo.png')).toBeNull();
    expect(contentSecurityPolicy(['https://cdn.acme.example'])).toBe(CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", "img-src 'self' data: https://cdn.acme.example"));
  });
});
