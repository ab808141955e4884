import React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultSiteSettings } from '../../src/core/defaults';
import { GlobalSettingsApp } from '../../src/frontend/components/global-settings-app';
import { openAdminSection } from './admin-navigation';
import { SES_REGIONS } from '../../src/shared/ses-regions';
import { fakeHost } from './fake-host';
import { globalContext, ok } from './fixtures';
import { byType, field, hasText, render, select, selectTab, submit, type } from './forge-doc';

const payloadsOf = (key: string) => fakeHost.invokes.filter((c) => c.functionKey === key).map((c) => c.payload);

beforeEach(() => {
  fakeHost.reset();
  fakeHost.context = globalContext();
  fakeHost.resolvers.getSiteSettings = () => ok({ settings: { ...defaultSiteSettings(0), version: 4 }, secrets: { ssoClientSecret: false, emailApiKey: true } });
  fakeHost.resolvers.setSiteSettings = () => ok({ settings: { ...defaultSiteSettings(0), version: 5 }, secrets: { ssoClientSecret: false, emailApiKey: true } });
});

describe('Email delivery: Amazon SES region', () => {
  it('offers exactly the regions the egress list allows, and asks for one before saving', async () => {
    await render(<GlobalSettingsApp />);
    await openAdminSection('Email delivery');
    await select(field('Provider'), 'ses');
    const region = field('AWS region');
    expect(region.type).toBe('Select');
    expect((region.props.options as Array<{ value: string }>).map((o) => o.value)).toEqual([...SES_REGIONS]);
    await type(field('From address'), 'share@acme.com');
    await type(field('Access key ID'), 'AKIAEXAMPLEKEY123456');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSiteSettings')).toEqual([]);
    expect(hasText('Choose an AWS region.')).toBe(true);
    await select(field('AWS region'), 'eu-central-1');
    await submit(byType('Form')[0]!);
    expect((payloadsOf('setSiteSettings')[0] as { settings: { email: { options: object } } }).settings.email.options).toEqual({
      region: 'eu-central-1',
      accessKeyId: 'AKIAEXAMPLEKEY123456',
    });
  });
});
