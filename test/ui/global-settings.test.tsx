import React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SiteSettings } from '../../src/core/model';
import { localDateTime } from '../../src/core/audit-sentences';
import { defaultSiteSettings } from '../../src/core/defaults';
import { GlobalSettingsApp, GLOBAL_GROUPS, GLOBAL_SECTIONS } from '../../src/frontend/components/global-settings-app';
import { ADMIN_SECTION_GROUPS } from '../browser/admin-navigation';
import { openAdminSection } from './admin-navigation';
import { fakeHost } from './fake-host';
import { fail, globalConfig, globalContext, linkView, ok, openPolicy } from './fixtures';
import { button, byType, check, click, field, getByText, hasText, pickDate, queryByText, queryField, render, select, selectTab, submit, type } from './forge-doc';

const payloadsOf = (key: string) => fakeHost.invokes.filter((c) => c.functionKey === key).map((c) => c.payload);
const openTab = openAdminSection;
const siteSettings = (overrides: Partial<SiteSettings> = {}): SiteSettings => ({ ...defaultSiteSettings(0), version: 4, ...overrides });

beforeEach(() => {
  fakeHost.reset();
  fakeHost.context = globalContext();
});

describe('global settings', () => {
  it('opens on Getting started with every group listed on one row, loading only its checklist until a section needs more', async () => {
    await render(<GlobalSettingsApp />);
    expect(byType('Tab').map((t) => t.children.map((c) => c.props.text).join(''))).toEqual(GLOBAL_GROUPS.map((t) => t.label));
    expect(hasText('Share Confluence pages with people outside Confluence')).toBe(true);
    expect(fakeHost.invokes.map((c) => c.functionKey)).toEqual(['getSetupStatus']);
  });

  it('the browser tests know where every section sits', () => {
    const expected = Object.fromEntries(
      GLOBAL_SECTIONS.map((s) => [s.label, { group: s.group, nested: GLOBAL_GROUPS[s.groupIndex]!.sections.length > 1 }]),
    );
    expect(ADMIN_SECTION_GROUPS).toEqual(expected);
  });

  it('All links: searches and filters, then bulk-disables the checked links after confirming', async () => {
    fakeHost.resolvers.listAllLinks = () =>
      ok({
        items: [
          linkView({ id: 'a', name: 'One' }),
          linkView({ id: 'b', name: 'Two', spaceKey: 'OPS', createdBy: 'u-hidden', createdByName: null, effectiveStatus: 'non_compliant', violations: ['Expiry required.'] }),
        ],
        nextCursor: 'n2',
      });
    fakeHost.resolvers.bulkLinks = () => ok({ action: 'disable', changed: ['a', 'b'], unchanged: [], notFound: [] });
    await render(<GlobalSettingsApp />);
    await openTab('All links');
    expect(payloadsOf('listAllLinks')).toEqual([{ limit: 25 }]);
    expect(hasText('Expiry required.')).toBe(true);
    expect(hasText('Erin Editor')).toBe(true);
    // A creator Confluence could not name falls back to the User card, never to the raw account id as text.
    expect(byType('User').map((u) => u.props.accountId)).toEqual(['u-hidden']);

    await type(field('Search'), 'handbook');
    await type(field('Space key'), 'demo');
    await select(field('Status'), 'active');
    await check(field('Only non-compliant'), true);
    await submit(byType('Form')[0]!);
    expect(payloadsOf('listAllLinks').at(-1)).toEqual({ limit: 25, search: 'handbook', spaceKey: 'DEMO', status: 'active', nonCompliant: true });

    expect(button('Disable selected (0)').props.isDisabled).toBe(true);
    await check(field('One'), true);
    await check(field('Two'), true);
    await click(button('Disable selected (2)'));
    expect(hasText('Disable 2 links?')).toBe(true);
    await click(getByText('Button', 'Disable 2 links', byType('ModalFooter')[0]!));
    expect(payloadsOf('bulkLinks')).toEqual([{ action: 'disable', linkIds: ['a', 'b'] }]);
  });

  it('Default link configuration: saves the master switch, apply-on-all and caps with the version', async () => {
    fakeHost.resolvers.getGlobalConfig = () => ok({ config: globalConfig({ version: 5 }), effective: openPolicy() });
    fakeHost.resolvers.setGlobalConfig = (p) => ok({ config: globalConfig({ ...(p as { config: object }).config, version: 6 }), effective: openPolicy() });
    await render(<GlobalSettingsApp />);
    await openTab('Default link configuration');
    await check(field('Apply on all links'), true);
    await select(field('Comments'), 'view');
    await check(field('Allow sharing child pages'), false);
    await check(field('Secure Share enabled for the site'), false);
    expect(hasText('Saving turns sharing off everywhere')).toBe(true);
    expect(queryField('Allowed emails and domains')).toBeUndefined();
    await submit(byType('Form')[0]!);
    // Turning the master switch off is confirmed first; cancelling saves nothing.
    expect(payloadsOf('setGlobalConfig')).toEqual([]);
    expect(hasText('Turn Secure Share off for the whole site?')).toBe(true);
    await click(button('Cancel'));
    expect(byType('Modal')).toHaveLength(0);
    expect(payloadsOf('setGlobalConfig')).toEqual([]);
    await submit(byType('Form')[0]!);
    await click(getByText('Button', 'Turn sharing off', byType('ModalFooter')[0]!));
    expect(payloadsOf('setGlobalConfig')).toEqual([
      {
        version: 5,
        config: {
          sharingEnabled: false,
          applyOnAllLinks: true,
          comments: 'view',
          attachments: 'view_add',
          childPages: false,
          childPagesOnByDefault: false,
          restrictedChildPages: true,
          restrictedChildPagesOnByDefault: false,
          password: 'optional',
          expiry: { kind: 'optional' },
          enforceSso: false,
          selectedUsers: [],
        },
      },
    ]);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success' });
  });

  it('Selected users: saves the parsed list and shows a rejected entry next to the field', async () => {
    fakeHost.resolvers.getGlobalConfig = () => ok({ config: globalConfig({ version: 2 }), effective: openPolicy() });
    fakeHost.resolvers.setGlobalConfig = () => fail('invalid_input', 'Check the list.', [{ field: 'selectedUsers', message: '"acme" is not an email or @domain.' }]);
    await render(<GlobalSettingsApp />);
    await openTab('Selected users');
    await type(field('Allowed emails and domains'), 'ann@acme.com\n@partner.com, acme');
    await submit(byType('Form')[0]!);
    expect((payloadsOf('setGlobalConfig')[0] as { config: { selectedUsers: string[] } }).config.selectedUsers).toEqual(['ann@acme.com', '@partner.com', 'acme']);
    expect(byType('ErrorMessage').map((n) => n.children.map((c) => c.props.text).join(''))).toEqual(['"acme" is not an email or @domain.']);
  });

  it('Custom domain: refuses a non-https URL without calling the resolver, saves a valid one', async () => {
    fakeHost.resolvers.getSiteSettings = () => ok({ settings: siteSettings(), secrets: { ssoClientSecret: false, emailApiKey: false } });
    fakeHost.resolvers.setSiteSettings = (p) => ok({ settings: siteSettings({ ...(p as { settings: object }).settings, version: 5 }), secrets: { ssoClientSecret: false, emailApiKey: false } });
    await render(<GlobalSettingsApp />);
    await openTab('Custom domain');
    await type(field('Custom domain'), 'http://share.acme.com');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSiteSettings')).toEqual([]);
    expect(hasText('The custom domain must use https://.')).toBe(true);
    await type(field('Custom domain'), 'https://share.acme.com/');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSiteSettings')).toHaveLength(1);
    const sent = payloadsOf('setSiteSettings')[0] as { version: number; settings: { customDomain: string; version?: number } };
    expect(sent.version).toBe(4);
    expect(sent.settings.customDomain).toBe('https://share.acme.com');
    expect(sent.settings.version).toBeUndefined();
  });

  it('Email delivery: provider fields, write-only API key that is never shown', async () => {
    fakeHost.resolvers.getSiteSettings = () => ok({ settings: siteSettings(), secrets: { ssoClientSecret: false, emailApiKey: true } });
    fakeHost.resolvers.setSiteSettings = () => ok({ settings: siteSettings({ version: 5 }), secrets: { ssoClientSecret: false, emailApiKey: true } });
    await render(<GlobalSettingsApp />);
    await openTab('Email delivery');
    await select(field('Provider'), 'mailgun');
    await type(field('From address'), 'share@acme.com');
    await type(field('Sending domain'), 'mg.acme.com');
    await type(field('Region'), 'eu');
    expect(field('API key').props.value).toBe('');
    expect(field('API key').props.type).toBe('password');
    expect(hasText('A key is stored. It is never shown; type a new one to replace it.')).toBe(true);
    await type(field('API key'), 'key-123');
    await submit(byType('Form')[0]!);
    const sent = payloadsOf('setSiteSettings')[0] as { settings: { email: object }; emailApiKey?: string };
    expect(sent.settings.email).toEqual({ provider: 'mailgun', fromAddress: 'share@acme.com', fromName: 'Secure Share', options: { domain: 'mg.acme.com', region: 'eu' } });
    expect(sent.emailApiKey).toBe('key-123');
    // Mailgun's hosts are in the manifest: no runtime egress request.
    expect(fakeHost.calls.filter((c) => c.cmd.startsWith('__permission__'))).toEqual([]);
  });

  it('asks before a save that turns single sign-on or email delivery off, or removes a stored secret', async () => {
    const sso = { issuer: 'https://idp.acme.com', clientId: 'c', scopes: 'openid email', hasClientSecret: true };
    const email = { provider: 'sendgrid' as const, fromAddress: 'share@acme.com', fromName: 'Secure Share', options: {} };
    fakeHost.resolvers.getSiteSettings = () => ok({ settings: siteSettings({ sso, email }), secrets: { ssoClientSecret: true, emailApiKey: true } });
    fakeHost.resolvers.setSiteSettings = () => ok({ settings: siteSettings({ version: 5 }), secrets: { ssoClientSecret: false, emailApiKey: false } });
    await render(<GlobalSettingsApp />);
    await openTab('Single sign-on');
    await check(field('Remove the stored secret'), true);
    await submit(byType('Form')[0]!);
    expect(hasText('Remove the client secret?')).toBe(true);
    await click(button('Cancel'));
    await check(field('Use an identity provider'), false);
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSiteSettings')).toEqual([]);
    expect(hasText(/Links that require single sign-on stop opening/)).toBe(true);
    await click(getByText('Button', 'Turn SSO off', byType('ModalFooter')[0]!));
    expect((payloadsOf('setSiteSettings')[0] as { settings: { sso: unknown } }).settings.sso).toBeNull();

    fakeHost.reset();
    fakeHost.context = globalContext();
    fakeHost.resolvers.getSiteSettings = () => ok({ settings: siteSettings({ email }), secrets: { ssoClientSecret: false, emailApiKey: true } });
    let version = 4;
    fakeHost.resolvers.setSiteSettings = () => ok({ settings: siteSettings({ version: ++version, email }), secrets: { ssoClientSecret: false, emailApiKey: true } });
    await render(<GlobalSettingsApp />);
    await openTab('Email delivery');
    await check(field('Remove the stored key'), true);
    await submit(byType('Form')[0]!);
    expect(hasText('Remove the stored key?')).toBe(true);
    await click(getByText('Button', 'Remove key', byType('ModalFooter')[0]!));
    expect((payloadsOf('setSiteSettings')[0] as { emailApiKey?: unknown }).emailApiKey).toBeNull();

    await select(field('Provider'), 'none');
    await submit(byType('Form')[0]!);
    expect(hasText('Turn email delivery off?')).toBe(true);
    await click(button('Cancel'));
    expect(payloadsOf('setSiteSettings')).toHaveLength(1);
    // Other email edits save without a question.
    await select(field('Provider'), 'sendgrid');
    await type(field('From name'), 'ACME Share');
    await submit(byType('Form')[0]!);
    expect(byType('Modal')).toHaveLength(0);
    expect(payloadsOf('setSiteSettings')).toHaveLength(2);
  });

  describe('customer-managed egress after saving a customer host', () => {
    const egressCalls = (cmd: string) => fakeHost.calls.filter((c) => c.cmd === cmd).map((c) => c.data);
    const webhookSettings = (url: string) =>
      siteSettings({ version: 5, email: { provider: 'webhook', fromAddress: 'share@acme.com', fromName: 'Secure Share', options: { url } } });
    const saveWebhook = async (url: string) => {
      fakeHost.resolvers.getSiteSettings = () => ok({ settings: siteSettings(), secrets: { ssoClientSecret: false, emailApiKey: false } });
      fakeHost.resolvers.setSiteSettings = () => ok({ settings: webhookSettings(url), secrets: { ssoClientSecret: false, emailApiKey: true } });
      await render(<GlobalSettingsApp />);
      await openTab('Email delivery');
      await select(field('Provider'), 'webhook');
      expect(hasText(/Confluence asks you to approve outbound access to this host/)).toBe(true);
      await type(field('From address'), 'share@acme.com');
      await type(field('Webhook URL'), url);
      await type(field('Signing secret'), 'whsec');
      await submit(byType('Form')[0]!);
    };

    it('Email delivery: asks to approve only the saved webhook origin and confirms the approval', async () => {
      fakeHost.bridgeAnswers.__permission__egressSet = (data) => ({
        results: (data as { egresses: Array<{ key: string; description: string; configured: unknown[] }> }).egresses,
      });
      await saveWebhook('https://hooks.acme.com:8443/mail/send?team=1');
      expect(payloadsOf('setSiteSettings')).toHaveLength(1);
      expect(egressCalls('__permission__egressGet')).toEqual([{ keys: ['secure-share-email-webhook'] }]);
      expect(egressCalls('__permission__egressSet')).toEqual([
        {
          egresses: [
            {
              key: 'secure-share-email-webhook',
              description: 'Secure Share sends share-link emails to this webhook.',
              configured: [{ domain: 'https://hooks.acme.com:8443', type: ['FETCH_BACKEND_SIDE'] }],
            },
          ],
        },
      ]);
      expect(getByText('SectionMessage', /Outbound access to https:\/\/hooks\.acme\.com:8443 approved/).props.appearance).toBe('success');
      expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Email delivery saved' });
    });

    it('Email delivery: a declined or failing approval is explained, and the save still counts', async () => {
      fakeHost.bridgeAnswers.__permission__egressSet = () => {
        throw new Error('The admin declined the request');
      };
      await saveWebhook('https://hooks.acme.com/mail');
      expect(egressCalls('__permission__egressSet')).toHaveLength(1);
      const notice = getByText('SectionMessage', /Secure Share may not reach https:\/\/hooks\.acme\.com/);
      expect(notice.props.appearance).toBe('warning');
      expect(hasText(/The settings were saved, but outbound access to https:\/\/hooks\.acme\.com was not approved \(The admin declined the request\)/)).toBe(true);
      expect(fakeHost.flags.map((f) => f.title)).toEqual(['Email delivery saved']);
    });

    it('Email delivery: an unconfirmed request says so; an already approved host asks nothing', async () => {
      await saveWebhook('https://hooks.acme.com/mail');
      expect(getByText('SectionMessage', /Access to https:\/\/hooks\.acme\.com requested/).props.appearance).toBe('information');

      fakeHost.reset();
      fakeHost.context = globalContext();
      fakeHost.bridgeAnswers.__permission__egressGet = () => ({
        results: [{ key: 'secure-share-email-webhook', description: 'x', configured: [{ domain: 'https://hooks.acme.com', type: ['FETCH_BACKEND_SIDE'] }] }],
      });
      await saveWebhook('https://hooks.acme.com/other-path');
      expect(egressCalls('__permission__egressSet')).toEqual([]);
      expect(queryByText('SectionMessage', /hooks\.acme\.com/)).toBeUndefined();
    });

    const saveSso = async (issuer: string) => {
      fakeHost.resolvers.getSiteSettings = () => ok({ settings: siteSettings(), secrets: { ssoClientSecret: false, emailApiKey: false } });
      fakeHost.resolvers.setSiteSettings = () =>
        ok({
          settings: siteSettings({ version: 5, sso: { issuer, clientId: 'c', scopes: 'openid email', hasClientSecret: true } }),
          secrets: { ssoClientSecret: true, emailApiKey: false },
        });
      await render(<GlobalSettingsApp />);
      await openTab('Single sign-on');
      await check(field('Use an identity provider'), true);
      expect(hasText(/Confluence asks you to approve outbound access to this host/)).toBe(true);
      await type(field('Issuer URL'), issuer);
      await type(field('Client ID'), 'c');
      await submit(byType('Form')[0]!);
    };
    const ssoEgress = (domains: string[]) => ({
      egresses: [
        {
          key: 'secure-share-sso-issuer',
          description: 'Secure Share signs external recipients in with this OpenID Connect identity provider.',
          configured: domains.map((domain) => ({ domain, type: ['FETCH_BACKEND_SIDE'] })),
        },
      ],
    });

    it('Single sign-on: approves the issuer, then every host its discovery document names (Google: token and keys elsewhere)', async () => {
      fakeHost.bridgeAnswers.__permission__egressSet = (data) => ({ results: (data as { egresses: unknown[] }).egresses });
      const google = ['https://accounts.google.com', 'https://oauth2.googleapis.com', 'https://www.googleapis.com', 'https://openidconnect.googleapis.com'];
      fakeHost.resolvers.discoverSsoOrigins = () => ok({ origins: google, problem: null });
      await saveSso('https://accounts.google.com');
      expect(payloadsOf('discoverSsoOrigins')).toEqual([{}]);
      expect(egressCalls('__permission__egressSet')).toEqual([ssoEgress(['https://accounts.google.com']), ssoEgress(google)]);
      expect(
        getByText('SectionMessage', /Outbound access to https:\/\/accounts\.google\.com, https:\/\/oauth2\.googleapis\.com, https:\/\/www\.googleapis\.com and https:\/\/openidconnect\.googleapis\.com approved/).props.appearance,
      ).toBe('success');
    });

    it('Single sign-on: a provider on one host needs one approval; an unreadable provider is explained', async () => {
      let approved: unknown[] = [];
      fakeHost.bridgeAnswers.__permission__egressSet = (data) => {
        approved = (data as { egresses: unknown[] }).egresses;
        return { results: approved };
      };
      fakeHost.bridgeAnswers.__permission__egressGet = () => ({ results: approved });
      fakeHost.resolvers.discoverSsoOrigins = () => ok({ origins: ['https://login.acme.com'], problem: null });
      await saveSso('https://login.acme.com/tenant/');
      expect(egressCalls('__permission__egressSet')).toEqual([ssoEgress(['https://login.acme.com'])]);
      expect(getByText('SectionMessage', /Outbound access to https:\/\/login\.acme\.com approved/).props.appearance).toBe('success');

      fakeHost.reset();
      fakeHost.context = globalContext();
      fakeHost.bridgeAnswers.__permission__egressSet = (data) => ({ results: (data as { egresses: unknown[] }).egresses });
      fakeHost.resolvers.discoverSsoOrigins = () => ok({ origins: ['https://login.acme.com'], problem: "The provider's configuration could not be read (discovery answered 503)." });
      await saveSso('https://login.acme.com');
      expect(egressCalls('__permission__egressSet')).toEqual([ssoEgress(['https://login.acme.com'])]);
      expect(getByText('SectionMessage', /Identity provider hosts not confirmed/).props.appearance).toBe('warning');
      expect(hasText(/discovery answered 503/)).toBe(true);
    });

    it('a rejected save asks for no egress', async () => {
      fakeHost.resolvers.getSiteSettings = () => ok({ settings: siteSettings(), secrets: { ssoClientSecret: false, emailApiKey: false } });
      fakeHost.resolvers.setSiteSettings = () => fail('invalid_input', 'The webhook URL must use https://', [{ field: 'email.options.url', message: 'The webhook URL must use https://' }]);
      await render(<GlobalSettingsApp />);
      await openTab('Email delivery');
      await select(field('Provider'), 'webhook');
      await type(field('From address'), 'share@acme.com');
      await type(field('Webhook URL'), 'https://hooks.acme.com/x');
      await submit(byType('Form')[0]!);
      expect(payloadsOf('setSiteSettings')).toHaveLength(1);
      expect(fakeHost.calls.filter((c) => c.cmd.startsWith('__permission__'))).toEqual([]);
    });
  });

  it('Customization: saves heading, logo, footer and refuses a non-https logo', async () => {
    fakeHost.resolvers.getSiteSettings = () => ok({ settings: siteSettings(), secrets: { ssoClientSecret: false, emailApiKey: false } });
    fakeHost.resolvers.setSiteSettings = () => ok({ settings: siteSettings({ version: 5 }), secrets: { ssoClientSecret: false, emailApiKey: false } });
    await render(<GlobalSettingsApp />);
    await openTab('Customization');
    await type(field('Heading'), 'ACME shared docs');
    await type(field('Logo URL'), 'javascript:alert(1)');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSiteSettings')).toEqual([]);
    await type(field('Logo URL'), 'https://cdn.acme.com/logo.png');
    await type(field('Footer text'), '© ACME');
    await submit(byType('Form')[0]!);
    const sent = payloadsOf('setSiteSettings')[0] as { settings: { customization: object } };
    expect(sent.settings.customization).toMatchObject({ heading: 'ACME shared docs', logoUrl: 'https://cdn.acme.com/logo.png', footerText: '© ACME' });
  });

  it('Audit log: filters, pages with the cursor and starts the CSV export with the applied filter', async () => {
    fakeHost.resolvers.getAuditLog = (p) =>
      ok({
        items: [{ id: 'e1', at: Date.UTC(2026, 10, 20, 9, 30), action: 'link_created', actor: 'u-editor', linkId: 'L1', pageId: '1001', spaceKey: 'DEMO', detail: 'Partner review', count: 1 }],
        ...((p as { cursor?: string }).cursor ? {} : { nextCursor: 'c2' }),
      });
    fakeHost.resolvers.startAuditExport = () =>
      ok({
        exportId: 'E'.repeat(22),
        status: 'ready',
        rows: 1,
        reachedAt: Date.UTC(2026, 10, 20, 9, 30),
        message: null,
        truncated: false,
        downloads: [{ part: 1, filename: 'audit.csv', url: 'https://trigger.example/x/export/EEEE?part=1&exp=1&sig=s', rows: 1, bytes: 120 }],
        urlsExpireAt: Date.UTC(2026, 10, 20, 9, 45),
        createdAt: Date.UTC(2026, 10, 20, 9, 30),
      });
    fakeHost.resolvers.getSiteSettings = () => ok({ settings: siteSettings(), secrets: { ssoClientSecret: false, emailApiKey: false } });
    await render(<GlobalSettingsApp />);
    await openTab('Audit log');
    expect(hasText(localDateTime(Date.UTC(2026, 10, 20, 9, 30)))).toBe(true);
    expect(hasText('Link created')).toBe(true);
    expect(hasText('link_created')).toBe(false);
    await select(field('Action'), 'link_created');
    await type(field('Space key'), 'demo');
    await pickDate(field('From'), '2026-11-01');
    await submit(byType('Form')[0]!);
    // Days are the viewer's days, as the log shows local times.
    expect(payloadsOf('getAuditLog').at(-1)).toEqual({ action: 'link_created', spaceKey: 'DEMO', since: new Date(2026, 10, 1).getTime(), limit: 25 });
    await click(button('Next'));
    expect(payloadsOf('getAuditLog').at(-1)).toMatchObject({ cursor: 'c2' });
    await click(button('Export CSV'));
    expect(payloadsOf('startAuditExport')).toEqual([{ action: 'link_created', spaceKey: 'DEMO', since: new Date(2026, 10, 1).getTime() }]);
    expect(byType('Link').map((l) => l.props.href)).toEqual(['https://trigger.example/x/export/EEEE?part=1&exp=1&sig=s']);
  });

  it('Audit log: the retention days are validated (1..3650) and saved with the settings version', async () => {
    fakeHost.resolvers.getAuditLog = () => ok({ items: [] });
    fakeHost.resolvers.getSiteSettings = () => ok({ settings: siteSettings({ auditRetentionDays: 180 }), secrets: { ssoClientSecret: false, emailApiKey: false } });
    fakeHost.resolvers.setSiteSettings = (p) =>
      ok({ settings: siteSettings({ ...(p as { settings: Partial<SiteSettings> }).settings, version: 5 }), secrets: { ssoClientSecret: false, emailApiKey: false } });
    await render(<GlobalSettingsApp />);
    await openTab('Audit log');
    const retention = () => field('Keep audit entries for (days)');
    expect(retention().props.value).toBe('180');
    expect(hasText(/1 to 3650 days \(10 years\)\. The daily clean-up deletes older entries/)).toBe(true);
    const saveRetention = () => submit(byType('Form')[1]!);
    for (const bad of ['0', '3651', '', '12x']) {
      await type(retention(), bad);
      await saveRetention();
      expect(hasText('Enter a whole number of days from 1 to 3650.')).toBe(true);
    }
    expect(payloadsOf('setSiteSettings')).toEqual([]);
    await type(retention(), '365');
    await saveRetention();
    const [sent] = payloadsOf('setSiteSettings') as Array<{ version: number; settings: { auditRetentionDays: number; email: unknown } }>;
    expect(sent).toMatchObject({ version: 4, settings: { auditRetentionDays: 365 } });
    // The rest of the site settings travel unchanged.
    expect(sent!.settings.email).toEqual(siteSettings().email);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'Audit retention saved' });
    expect(retention().props.value).toBe('365');
  });

  it('Reset: needs the exact typed phrase before deleting all links', async () => {
    fakeHost.resolvers.resetApp = () => ok({ mode: 'links', deletedLinks: 3, continuing: false });
    await render(<GlobalSettingsApp />);
    await openTab('Reset');
    await click(button('Delete all links'));
    const confirmButton = () => getByText('Button', 'Delete all links', byType('ModalFooter')[0]!);
    expect(confirmButton().props.isDisabled).toBe(true);
    await type(field('Type DELETE ALL LINKS to confirm'), 'delete all links');
    expect(confirmButton().props.isDisabled).toBe(true);
    await type(field('Type DELETE ALL LINKS to confirm'), 'DELETE ALL LINKS');
    await click(confirmButton());
    expect(payloadsOf('resetApp')).toEqual([{ mode: 'links', confirmation: 'DELETE ALL LINKS' }]);
    expect(fakeHost.flags.at(-1)).toMatchObject({ type: 'success', title: 'All links deleted', description: '3 links deleted.' });
  });

  it('shows a load error in the tab', async () => {
    fakeHost.resolvers.getGlobalConfig = () => fail('forbidden', 'Only Confluence admins can change Secure Share.');
    await render(<GlobalSettingsApp />);
    await openTab('Default link configuration');
    expect(getByText('SectionMessage', /Only Confluence admins/).props.appearance).toBe('error');
  });

  it('Single sign-on: configures the identity provider with a write-only client secret', async () => {
    fakeHost.resolvers.getSiteSettings = () => ok({ settings: siteSettings(), secrets: { ssoClientSecret: false, emailApiKey: false } });
    fakeHost.resolvers.setSiteSettings = () => ok({ settings: siteSettings({ version: 5 }), secrets: { ssoClientSecret: true, emailApiKey: false } });
    await render(<GlobalSettingsApp />);
    await openTab('Single sign-on');
    expect(queryField('Issuer URL')).toBeUndefined();
    await check(field('Use an identity provider'), true);
    await type(field('Issuer URL'), 'http://idp.acme.com');
    await type(field('Client ID'), 'secure-share');
    await type(field('Client secret'), 'shh');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSiteSettings')).toEqual([]);
    expect(hasText('The issuer must be an https:// URL.')).toBe(true);
    await type(field('Issuer URL'), 'https://idp.acme.com');
    await submit(byType('Form')[0]!);
    const sent = payloadsOf('setSiteSettings')[0] as { settings: { sso: unknown }; ssoClientSecret?: string };
    expect(sent.settings.sso).toEqual({ issuer: 'https://idp.acme.com', clientId: 'secure-share', scopes: 'openid email profile' });
    expect(sent.ssoClientSecret).toBe('shh');
  });

  it('Custom domain tab also sets the client IP header; Email tab the notifications', async () => {
    fakeHost.resolvers.getSiteSettings = () => ok({ settings: siteSettings(), secrets: { ssoClientSecret: false, emailApiKey: false } });
    fakeHost.resolvers.setSiteSettings = () => ok({ settings: siteSettings({ version: 5 }), secrets: { ssoClientSecret: false, emailApiKey: false } });
    await render(<GlobalSettingsApp />);
    await openTab('Custom domain');
    await type(field('Client IP header'), 'X Real IP');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setSiteSettings')).toEqual([]);
    await type(field('Client IP header'), 'X-Real-IP');
    await submit(byType('Form')[0]!);
    expect((payloadsOf('setSiteSettings')[0] as { settings: { clientIpHeader: string } }).settings.clientIpHeader).toBe('x-real-ip');

    await openTab('Email delivery');
    await check(field('Email the link owner when a link is first opened'), true);
    await type(field('Remind owners before a link expires (days)'), '7');
    await submit(byType('Form')[0]!);
    expect((payloadsOf('setSiteSettings').at(-1) as { settings: { notifications: object } }).settings.notifications).toEqual({ openedAlert: true, expiryReminderDays: 7 });
  });
});
