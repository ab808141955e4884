/**
 * Setup confidence in the admin console (issue 13), through the UI Kit reconciler: the Getting started
 * checklist and its links to each section, the share base URL and SSO redirect URI to copy, Send test
 * email with the provider's answer, Test sign-in in a new tab, the custom-domain check, the two mail
 * providers that send from the organisation's own mailbox, and the reset counts.
 */
import React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResetPreview } from '../../src/app/reset';
import type { SetupStatus } from '../../src/app/setup';
import { defaultSiteSettings } from '../../src/core/defaults';
import type { SiteSettings } from '../../src/core/model';
import { GlobalSettingsApp } from '../../src/frontend/components/global-settings-app';
import { openAdminSection } from './admin-navigation';
import { fakeHost } from './fake-host';
import { fail, globalContext, ok } from './fixtures';
import { allText, button, byType, click, field, hasText, queryByText, render, select, type } from './forge-doc';

const payloadsOf = (key: string) => fakeHost.invokes.filter((c) => c.functionKey === key).map((c) => c.payload);
const AT = Date.UTC(2026, 11, 3, 9, 30);

const status = (overrides: Partial<SetupStatus> = {}): SetupStatus => ({
  email: { provider: 'sendgrid', providerLabel: 'SendGrid', fromAddress: 'share@acme.example', configured: true, keyStored: true, lastTest: null },
  sso: { configured: false, issuer: null, lastTest: null },
  customDomain: { domain: 'https://share.acme.example', lastCheck: null },
  policy: { savedAt: null, reviewedAt: null },
  shareBaseUrl: 'https://abc.hello.atlassian-dev.net/x1/trigger',
  publicBaseUrl: 'https://share.acme.example',
  ssoRedirectUri: 'https://share.acme.example/sso/callback',
  outboxUrl: null,
  ...overrides,
});

const siteSettings = (overrides: Partial<SiteSettings> = {}): SiteSettings => ({ ...defaultSiteSettings(0), version: 4, ...overrides });
/** getSiteSettings' answer: the settings sections' test panels come with it (one resolver call opens a section). */
const siteResult = (overrides: Partial<SiteSettings> = {}, setup: SetupStatus = status()) =>
  ok({ settings: siteSettings(overrides), secrets: { ssoClientSecret: false, emailApiKey: true }, setup });
const calls = () => fakeHost.invokes.map((c) => c.functionKey);

/** Checklist rows as "<lozenge> <title>". */
const rows = () =>
  byType('Lozenge').map((l) => {
    const text = l.children.map((c) => c.props.text).join('');
    return text;
  });

beforeEach(() => {
  fakeHost.reset();
  fakeHost.context = globalContext();
});

describe('Getting started checklist', () => {
  it('says what is done and what is left, and shows the share base URL and the SSO redirect URI to copy', async () => {
    fakeHost.resolvers.getSetupStatus = () => ok(status());
    await render(<GlobalSettingsApp />);
    expect(payloadsOf('getSetupStatus')).toEqual([{}]);
    expect(rows()).toEqual(['To do', 'Optional', 'To do', 'To do']);
    expect(hasText('Sending through SendGrid. Send a test email to check that it arrives.')).toBe(true);
    expect(hasText('Only needed if links must require signing in with your identity provider.')).toBe(true);
    expect(hasText(/Links use https:\/\/share\.acme\.example\. Check that it forwards to the share base URL/)).toBe(true);
    const base = field('Share base URL');
    expect(base.props).toMatchObject({ value: 'https://abc.hello.atlassian-dev.net/x1/trigger', isReadOnly: true });
    expect(field('SSO redirect URI').props).toMatchObject({ value: 'https://share.acme.example/sso/callback', isReadOnly: true });
  });

  it('shows a passed test, a failed one with its reason, and stale ones', async () => {
    fakeHost.resolvers.getSetupStatus = () =>
      ok(
        status({
          email: { provider: 'graph', providerLabel: 'Microsoft Graph', fromAddress: 'share@acme.example', configured: true, keyStored: true, lastTest: { at: AT, ok: false, provider: 'graph', message: 'Microsoft Graph refused to sign in for sending (HTTP 401, invalid_client): the client ID or secret is wrong, or the secret has expired.', current: true } },
          sso: { configured: true, issuer: 'https://idp.acme.example', lastTest: { at: AT, ok: true, issuer: 'https://idp.acme.example', email: 'ann@acme.example', emailVerified: true, message: 'Signed in.', current: true } },
          customDomain: { domain: 'https://share.acme.example', lastCheck: { at: AT, domain: 'https://share.acme.example', current: true } },
          policy: { savedAt: AT, reviewedAt: null },
        }),
      );
    await render(<GlobalSettingsApp />);
    expect(rows()).toEqual(['Needs attention', 'Done', 'Done', 'Done']);
    expect(hasText('The last test email failed (2026-12-03 09:30 UTC): Microsoft Graph refused to sign in for sending (HTTP 401, invalid_client): the client ID or secret is wrong, or the secret has expired.')).toBe(true);
    expect(hasText('Signed in as ann@acme.example (email verified) 2026-12-03 09:30 UTC.')).toBe(true);
    expect(hasText('Last saved 2026-12-03 09:30 UTC.')).toBe(true);
  });

  it('links each item to its section, and records a review of the default policy', async () => {
    fakeHost.resolvers.getSetupStatus = () => ok(status());
    fakeHost.resolvers.markPolicyReviewed = () => ok(status({ policy: { savedAt: null, reviewedAt: AT } }));
    fakeHost.resolvers.getGlobalConfig = () => fail('internal', 'not needed here');
    await render(<GlobalSettingsApp />);
    await click(button('Mark as reviewed'));
    expect(payloadsOf('markPolicyReviewed')).toEqual([{}]);
    expect(rows()[3]).toBe('Done');
    expect(hasText('Last reviewed 2026-12-03 09:30 UTC.')).toBe(true);
    expect(queryByText('Button', 'Mark as reviewed')).toBeUndefined();

    fakeHost.resolvers.getSiteSettings = () => siteResult();
    await click(button('Open Email delivery'));
    expect(hasText('Send test email')).toBe(true);
    expect(byType('Tab').filter((t) => t.props.isSelected !== false).length).toBeGreaterThan(0);
    expect(payloadsOf('getSiteSettings')).toEqual([{}]);
  });
});

describe('Email delivery', () => {
  it('sends a test email to the chosen address and shows the provider’s answer plainly', async () => {
    fakeHost.resolvers.getSiteSettings = () => siteResult({ email: { provider: 'sendgrid', fromAddress: 'share@acme.example', fromName: 'Acme', options: {} } });
    fakeHost.resolvers.getSetupStatus = () => ok(status());
    fakeHost.resolvers.sendTestEmail = () =>
      ok({ ok: false, message: 'SendGrid did not accept the email (HTTP 403): the key is not allowed to send (check the key permissions and the verified sender).', status: status({ email: { ...status().email, lastTest: { at: AT, ok: false, provider: 'sendgrid', message: 'SendGrid did not accept the email (HTTP 403): the key is not allowed to send (check the key permissions and the verified sender).', current: true } } }) });
    await render(<GlobalSettingsApp />);
    await openAdminSection('Email delivery');
    // Getting started's checklist, then the section's one call: its settings with the setup state.
    expect(calls()).toEqual(['getSetupStatus', 'getSiteSettings']);
    await type(field('Send to'), ' admin@acme.example ');
    await click(button('Send test email'));
    expect(payloadsOf('sendTestEmail')).toEqual([{ to: 'admin@acme.example' }]);
    expect(hasText('Last test email failed')).toBe(true);
    expect(hasText('SendGrid did not accept the email (HTTP 403): the key is not allowed to send (check the key permissions and the verified sender).')).toBe(true);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'error', title: 'Test email not sent' });
  });

  it('says why there is no SMTP, offers Microsoft 365 and Google Workspace, and in local mode names the outbox', async () => {
    fakeHost.resolvers.getSiteSettings = () =>
      siteResult({ email: { provider: 'sendgrid', fromAddress: 'share@acme.example', fromName: 'Acme', options: {} } }, status({ outboxUrl: 'http://localhost:8787/outbox' }));
    fakeHost.resolvers.getSetupStatus = () => ok(status());
    await render(<GlobalSettingsApp />);
    await openAdminSection('Email delivery');
    expect(hasText('Local mode: all email goes to the outbox')).toBe(true);
    expect(hasText(/Whatever provider is chosen here, Secure Share running locally writes every email to the local outbox/)).toBe(true);
    expect(hasText(/apps can only make HTTPS requests \(through fetch\) and cannot open the network connections SMTP\s+needs/)).toBe(true);

    await select(field('Provider'), 'graph');
    expect(field('Directory (tenant) ID')).toBeTruthy();
    expect(field('Application (client) ID')).toBeTruthy();
    expect(field('Client secret').props.type).toBe('password');
    await select(field('Provider'), 'gmail');
    expect(field('Service account key (JSON)').props.type).toBe('password');
    expect(allText()).toContain('domain-wide delegation');
  });
});

describe('Single sign-on and custom domain', () => {
  it('shows the redirect URI, opens Test sign-in in a new tab and shows what came back', async () => {
    fakeHost.resolvers.getSiteSettings = () =>
      siteResult({ sso: { issuer: 'https://idp.acme.example', clientId: 'c1', scopes: 'openid email', hasClientSecret: true } }, status({ sso: { configured: true, issuer: 'https://idp.acme.example', lastTest: null } }));
    fakeHost.resolvers.getSetupStatus = () => ok(status());
    const url = `https://share.acme.example/setup/sso-test?t=${'t'.repeat(43)}`;
    fakeHost.resolvers.startSsoTest = () => ok({ url, expiresAt: AT });
    await render(<GlobalSettingsApp />);
    await openAdminSection('Single sign-on');
    // The section opens with one call (the Delivery group shows Email delivery first, which made its own).
    expect(calls().at(-1)).toBe('getSiteSettings');
    const opened = calls().length;
    expect(field('Redirect URI to register with your identity provider').props).toMatchObject({ value: 'https://share.acme.example/sso/callback', isReadOnly: true });
    await click(button('Test sign-in'));
    expect(fakeHost.calls.filter((c) => c.cmd === 'navigate').map((c) => c.data)).toEqual([{ url, type: 'new-tab' }]);

    fakeHost.resolvers.getSiteSettings = () =>
      siteResult(
        { sso: { issuer: 'https://idp.acme.example', clientId: 'c1', scopes: 'openid email', hasClientSecret: true } },
        status({ sso: { configured: true, issuer: 'https://idp.acme.example', lastTest: { at: AT, ok: false, issuer: 'https://idp.acme.example', email: null, emailVerified: false, message: 'The identity provider did not mark the email address as verified (email_unverified: email_verified is not true)', current: true } } }),
      );
    await click(button('Show result'));
    expect(calls().slice(opened)).toEqual(['startSsoTest', 'getSiteSettings']);
    expect(hasText('Last test sign-in failed')).toBe(true);
    expect(hasText('email_verified: false')).toBe(true);
    expect(hasText('Issuer: https://idp.acme.example')).toBe(true);
  });

  it('shows the share base URL a proxy forwards to and checks the custom domain', async () => {
    fakeHost.resolvers.getSiteSettings = () => siteResult({ customDomain: 'https://share.acme.example' });
    fakeHost.resolvers.getSetupStatus = () => ok(status({ shareBaseUrl: 'https://not-used.example' }));
    const url = `https://share.acme.example/setup/domain-check?t=${'d'.repeat(43)}`;
    fakeHost.resolvers.startDomainCheck = () => ok({ url, expiresAt: AT });
    await render(<GlobalSettingsApp />);
    await openAdminSection('Custom domain');
    expect(field('Share base URL').props).toMatchObject({ value: 'https://abc.hello.atlassian-dev.net/x1/trigger', isReadOnly: true });
    await click(button('Check custom domain'));
    expect(fakeHost.calls.filter((c) => c.cmd === 'navigate').map((c) => c.data)).toEqual([{ url, type: 'new-tab' }]);
  });
});

describe('Reset', () => {
  it('shows what each reset would delete, in the tab and in the confirmation', async () => {
    const preview: ResetPreview = {
      links: { count: 1204, atLeast: false },
      spaceConfigs: { count: 3, atLeast: false },
      auditEntries: { count: 5000, atLeast: true },
      secrets: 1,
      siteSettingsSaved: true,
      globalConfigSaved: false,
    };
    fakeHost.resolvers.previewReset = () => ok(preview);
    await render(<GlobalSettingsApp />);
    await openAdminSection('Reset');
    expect(hasText('Deletes 1,204 links.')).toBe(true);
    const full =
      'Deletes 1,204 links, 3 space configurations, more than 5,000 audit entries and 1 stored secret, and returns the saved site settings and default link configuration to their defaults.';
    expect(hasText(full)).toBe(true);
    await click(button('Reset everything'));
    expect(hasText(new RegExp(`This cannot be undone\\. ${full.replace(/[.()]/g, '\\$&')}`))).toBe(true);
  });
});
