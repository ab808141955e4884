/**
 * Setup confidence (issue 13): the checklist's state, Send test email with the provider's answer, the
 * markers of a test going stale when the settings it proved change, one-time tickets for the test
 * sign-in and the custom-domain check, and the counts of what a reset deletes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { getSiteSettings, setGlobalConfig, setSiteSettings } from '../../src/app/configs';
import { createLink } from '../../src/app/links';
import { previewReset, resetApp } from '../../src/app/reset';
import {
  getSetupStatus,
  markPolicyReviewed,
  recordDomainCheck,
  recordSsoTest,
  sendTestEmail,
  startDomainCheck,
  startSsoTest,
  takeSetupTicket,
} from '../../src/app/setup';
import { defaultGlobalConfig } from '../../src/core/defaults';
import { DomainError } from '../../src/core/errors';
import type { SiteSettingsInput } from '../../src/shared/contract';
import { createHarness, DAY, EDITOR, SITE_ADMIN, SPACE_ADMIN, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await createHarness('setup');
});

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof DomainError ? e.code : String(e)));

const siteInput = async (overrides: Partial<SiteSettingsInput> = {}): Promise<SiteSettingsInput> => {
  const { settings } = await getSiteSettings(h.deps, SITE_ADMIN);
  const { version: _v, updatedAt: _u, sso, ...rest } = settings;
  return { ...rest, sso: sso ? { issuer: sso.issuer, clientId: sso.clientId, scopes: sso.scopes } : null, ...overrides };
};

const saveSite = async (overrides: Partial<SiteSettingsInput>, secrets: { emailApiKey?: string; ssoClientSecret?: string } = {}) => {
  const { settings } = await getSiteSettings(h.deps, SITE_ADMIN);
  await setSiteSettings(h.deps, SITE_ADMIN, { version: settings.version, settings: await siteInput(overrides), ...secrets });
};

const SENDGRID = { provider: 'sendgrid' as const, fromAddress: 'share@acme.example', fromName: 'Acme', options: {} };

describe('setup status', () => {
  it('starts with nothing configured or tested, and shows the share base URL and the SSO redirect URI', async () => {
    const status = await getSetupStatus(h.deps, SITE_ADMIN);
    // The settings sections get the same state with their settings (one call opens a section).
    expect((await getSiteSettings(h.deps, SITE_ADMIN)).setup).toEqual(status);
    expect(status).toMatchObject({
      email: { provider: 'none', configured: false, keyStored: false, lastTest: null },
      sso: { configured: false, issuer: null, lastTest: null },
      customDomain: { domain: null, lastCheck: null },
      policy: { savedAt: null, reviewedAt: null },
      shareBaseUrl: 'https://trigger.example/x',
      publicBaseUrl: 'https://trigger.example/x',
      ssoRedirectUri: 'https://trigger.example/x/sso/callback',
      outboxUrl: null,
    });
  });

  it('uses the custom domain for the redirect URI, and says where local mail goes', async () => {
    await saveSite({ customDomain: 'https://share.acme.example' });
    const local = { ...h.deps, localOutboxPath: '/outbox' };
    const status = await getSetupStatus(local, SITE_ADMIN);
    expect(status.shareBaseUrl).toBe('https://trigger.example/x');
    expect(status.publicBaseUrl).toBe('https://share.acme.example');
    expect(status.ssoRedirectUri).toBe('https://share.acme.example/sso/callback');
    expect(status.outboxUrl).toBe('https://trigger.example/x/outbox');
    // Local mode mails through the outbox whatever the provider: delivery counts as configured.
    expect(status.email.configured).toBe(true);
  });

  it('is for Confluence admins only', async () => {
    for (const caller of [EDITOR, SPACE_ADMIN]) {
      expect(await codeOf(getSetupStatus(h.deps, caller))).toBe('forbidden');
      expect(await codeOf(sendTestEmail(h.deps, caller, { to: 'a@b.example' }))).toBe('forbidden');
      expect(await codeOf(markPolicyReviewed(h.deps, caller))).toBe('forbidden');
      expect(await codeOf(startSsoTest(h.deps, caller))).toBe('forbidden');
      expect(await codeOf(startDomainCheck(h.deps, caller))).toBe('forbidden');
      expect(await codeOf(previewReset(h.deps, caller))).toBe('forbidden');
    }
    expect(h.sent).toEqual([]);
  });
});

describe('Send test email', () => {
  it('sends through the configured mailer, records the success, and a settings change makes it stale', async () => {
    await saveSite({ email: SENDGRID }, { emailApiKey: 'SG.key' });
    const result = await sendTestEmail(h.deps, SITE_ADMIN, { to: 'admin@acme.example' });
    expect(result.ok).toBe(true);
    expect(result.message).toBe('SendGrid accepted the test email to admin@acme.example. Check that inbox, and its spam folder, in the next few minutes.');
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toMatchObject({ to: ['admin@acme.example'], subject: 'Secure Share test email', kind: 'test' });
    expect(h.sent[0]!.text).toContain('It was sent through SendGrid from share@acme.example.');
    expect(result.status.email).toMatchObject({ configured: true, keyStored: true, lastTest: { ok: true, provider: 'sendgrid', current: true } });

    await saveSite({ email: { ...SENDGRID, fromAddress: 'other@acme.example' } });
    expect((await getSetupStatus(h.deps, SITE_ADMIN)).email.lastTest).toMatchObject({ ok: true, current: false });
  });

  it('forgets a test once the key it proved is replaced', async () => {
    await saveSite({ email: SENDGRID }, { emailApiKey: 'SG.key' });
    await sendTestEmail(h.deps, SITE_ADMIN, { to: 'admin@acme.example' });
    await saveSite({}, {});
    expect((await getSetupStatus(h.deps, SITE_ADMIN)).email.lastTest).toMatchObject({ ok: true, current: true });
    await saveSite({}, { emailApiKey: 'SG.other' });
    expect((await getSetupStatus(h.deps, SITE_ADMIN)).email.lastTest).toBeNull();
  });

  it('answers with the provider’s refusal in plain words instead of failing', async () => {
    await saveSite({ email: SENDGRID }, { emailApiKey: 'SG.key' });
    const refusing = {
      ...h.deps,
      mailer: { send: () => Promise.reject(new DomainError('upstream_unavailable', 'SendGrid did not accept the email (HTTP 401): authentication failed (check the API key).')) },
    };
    const result = await sendTestEmail(refusing, SITE_ADMIN, { to: 'admin@acme.example' });
    expect(result).toMatchObject({ ok: false, message: 'SendGrid did not accept the email (HTTP 401): authentication failed (check the API key).' });
    expect(result.status.email.lastTest).toMatchObject({ ok: false, current: true, message: result.message });
  });

  it('in local mode says the mail went to the outbox, whatever the provider', async () => {
    await saveSite({ email: SENDGRID }, { emailApiKey: 'SG.key' });
    const result = await sendTestEmail({ ...h.deps, localOutboxPath: '/outbox' }, SITE_ADMIN, { to: 'admin@acme.example' });
    expect(result.message).toMatch(/^The test email to admin@acme.example was written to the local outbox/);
    expect(result.status.email.lastTest?.provider).toBe('outbox');
  });

  it('allows ten test emails an hour per admin', async () => {
    for (let i = 0; i < 10; i++) await sendTestEmail(h.deps, SITE_ADMIN, { to: 'admin@acme.example' });
    expect(await codeOf(sendTestEmail(h.deps, SITE_ADMIN, { to: 'admin@acme.example' }))).toBe('rate_limited');
    h.clock.advance(61 * 60 * 1000);
    expect(await codeOf(sendTestEmail(h.deps, SITE_ADMIN, { to: 'admin@acme.example' }))).toBe('ok');
  });
});

describe('default policy reviewed', () => {
  it('counts a save of the default link configuration, or an explicit review', async () => {
    const reviewed = await markPolicyReviewed(h.deps, SITE_ADMIN);
    expect(reviewed.policy).toEqual({ savedAt: null, reviewedAt: h.clock.now() });
    h.clock.advance(DAY);
    const { version: _v, updatedAt: _u, updatedBy: _b, ...config } = defaultGlobalConfig(0);
    await setGlobalConfig(h.deps, SITE_ADMIN, { version: 0, config });
    expect((await getSetupStatus(h.deps, SITE_ADMIN)).policy.savedAt).toBe(h.clock.now());
  });
});

describe('test sign-in and custom-domain tickets', () => {
  it('refuses a test sign-in before SSO is saved with its secret', async () => {
    expect(await codeOf(startSsoTest(h.deps, SITE_ADMIN))).toBe('invalid_input');
    await saveSite({ sso: { issuer: 'https://idp.example', clientId: 'c1', scopes: 'openid email' } });
    await expect(startSsoTest(h.deps, SITE_ADMIN)).rejects.toThrow('The client secret is missing. Save it under Single sign-on first.');
  });

  it('hands out a one-time URL on the public base, valid 10 minutes, for its own kind only', async () => {
    await saveSite({ sso: { issuer: 'https://idp.example', clientId: 'c1', scopes: 'openid email' } }, { ssoClientSecret: 's3cret' });
    const { url, expiresAt } = await startSsoTest(h.deps, SITE_ADMIN);
    expect(expiresAt).toBe(h.clock.now() + 10 * 60 * 1000);
    const ticket = new URL(url).searchParams.get('t') ?? undefined;
    expect(url.startsWith('https://trigger.example/x/setup/sso-test?t=')).toBe(true);
    expect(await takeSetupTicket(h.deps, ticket, 'domain')).toBeNull();

    const second = new URL((await startSsoTest(h.deps, SITE_ADMIN)).url).searchParams.get('t') ?? undefined;
    expect(await takeSetupTicket(h.deps, second, 'sso')).toEqual({ by: 'u-site-admin' });
    expect(await takeSetupTicket(h.deps, second, 'sso')).toBeNull();

    const late = new URL((await startSsoTest(h.deps, SITE_ADMIN)).url).searchParams.get('t') ?? undefined;
    h.clock.advance(10 * 60 * 1000 + 1);
    expect(await takeSetupTicket(h.deps, late, 'sso')).toBeNull();
  });

  it('records what a test sign-in saw, and the result goes stale when the provider changes', async () => {
    await saveSite({ sso: { issuer: 'https://idp.example', clientId: 'c1', scopes: 'openid email' } }, { ssoClientSecret: 's3cret' });
    const { settings } = await getSiteSettings(h.deps, SITE_ADMIN);
    await recordSsoTest(h.deps, settings, { ok: true, email: 'ann@acme.example', emailVerified: true, message: 'Signed in as ann@acme.example.' });
    expect((await getSetupStatus(h.deps, SITE_ADMIN)).sso).toMatchObject({
      configured: true,
      lastTest: { ok: true, issuer: 'https://idp.example', email: 'ann@acme.example', emailVerified: true, current: true },
    });
    await saveSite({ sso: { issuer: 'https://idp.example', clientId: 'c2', scopes: 'openid email' } });
    expect((await getSetupStatus(h.deps, SITE_ADMIN)).sso.lastTest?.current).toBe(false);
  });

  it('checks the custom domain on the custom domain itself', async () => {
    expect(await codeOf(startDomainCheck(h.deps, SITE_ADMIN))).toBe('invalid_input');
    await saveSite({ customDomain: 'https://share.acme.example' });
    const { url } = await startDomainCheck(h.deps, SITE_ADMIN);
    expect(url.startsWith('https://share.acme.example/setup/domain-check?t=')).toBe(true);
    await recordDomainCheck(h.deps, 'https://share.acme.example');
    expect((await getSetupStatus(h.deps, SITE_ADMIN)).customDomain.lastCheck).toMatchObject({ domain: 'https://share.acme.example', current: true });
    await saveSite({ customDomain: 'https://links.acme.example' });
    expect((await getSetupStatus(h.deps, SITE_ADMIN)).customDomain.lastCheck?.current).toBe(false);
  });
});

describe('reset counts', () => {
  it('counts links, space configurations, audit entries and secrets; a full reset leaves one entry saying so', async () => {
    await createLink(h.deps, EDITOR, { pageId: '1002', settings: { name: 'one' } });
    await createLink(h.deps, EDITOR, { pageId: '1002', settings: { name: 'two' } });
    await saveSite({ email: SENDGRID }, { emailApiKey: 'SG.key' });
    const preview = await previewReset(h.deps, SITE_ADMIN);
    expect(preview.links).toEqual({ count: 2, atLeast: false });
    expect(preview.spaceConfigs).toEqual({ count: 0, atLeast: false });
    expect(preview.auditEntries.count).toBeGreaterThanOrEqual(3);
    expect(preview.secrets).toBe(1);
    expect(preview.siteSettingsSaved).toBe(true);

    await resetApp(h.deps, SITE_ADMIN, { mode: 'full', confirmation: 'RESET SECURE SHARE' }, { confirmPauseMs: 0 });
    const entries = (await h.deps.store.audit.list({}, { limit: 10 })).items;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'full_reset', actor: 'u-site-admin', detail: 'full reset: 2 link(s) and all settings deleted' });
    expect(await previewReset(h.deps, SITE_ADMIN)).toMatchObject({ links: { count: 0 }, secrets: 0, siteSettingsSaved: false });
  });
});
