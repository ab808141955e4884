import React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/core/defaults';
import { GlobalSettingsApp } from '../../src/frontend/components/global-settings-app';
import { openAdminSection } from './admin-navigation';
import { fakeHost } from './fake-host';
import { globalContext, ok } from './fixtures';
import { byType, field, hasText, render, submit, type } from './forge-doc';

const payloadsOf = (key: string) => fakeHost.invokes.filter((c) => c.functionKey === key).map((c) => c.payload);

beforeEach(() => {
  fakeHost.reset();
  fakeHost.context = globalContext();
  fakeHost.resolvers.getSiteSettings = () => ok({ settings: { ...defaultSiteSettings(0), version: 4 }, secrets: { ssoClientSecret: false, emailApiKey: false } });
  fakeHost.resolvers.setSiteSettings = () => ok({ settings: { ...defaultSiteSettings(0), version: 5 }, secrets: { ssoClientSecret: false, emailApiKey: false } });
});

const openCustomization = async () => {
  await render(<GlobalSettingsApp />);
  await openAdminSection('Customization');
};

describe('customization: logo and favicon URLs', () => {
  it.each([
    ['http://cdn.acme.com/logo.png', 'The logo must use https://.'],
    ['https://localhost/logo.png', 'The logo must be on a public host name.'],
    ['https://10.0.0.5/logo.png', 'The logo must use a host name, not an IP address.'],
    ['https://me:secret@cdn.acme.com/logo.png', 'The logo must not contain a user name or password.'],
    ['data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=', 'SVG is not allowed'],
  ])('names the problem with %s next to the field and does not save', async (url, message) => {
    await openCustomization();
    await type(field('Logo URL'), url);
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSiteSettings')).toEqual([]);
    expect(hasText(message)).toBe(true);
  });

  it('saves an https favicon on a public host', async () => {
    await openCustomization();
    await type(field('Favicon URL'), 'https://static.acme.com/favicon.ico');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSiteSettings')).toHaveLength(1);
    expect((payloadsOf('setSiteSettings')[0] as { settings: { customization: { faviconUrl: string } } }).settings.customization.faviconUrl).toBe(
      'https://static.acme.com/favicon.ico',
    );
  });
});
