import React from 'react';
import { Heading, SectionMessage, Select, Stack, Text, Textfield } from '@forge/react';
import { LabelledToggle } from '../labelled-toggle';
import type { SiteSettings } from '../../../core/model';
import type { SiteSettingsInput } from '../../../shared/contract';
import { isSesRegion, SES_REGIONS } from '../../../shared/ses-regions';
import { Field, FieldNotes } from '../field';
import { EGRESS_GROUPS, egressNotice, requestEgress } from './egress';
import { SiteSettingsForm, type ConfirmBeforeSave, type SiteSectionProps } from './site-settings-form';
import { OutboxNotice, TestEmailPanel } from './setup-panels';
import { WriteOnlySecretField } from './write-only-secret-field';
import type { SiteSettingsResult } from '../../../shared/contract';

type Provider = SiteSettings['email']['provider'];

const PROVIDERS: Array<{ label: string; value: Provider }> = [
  { label: 'None (email off)', value: 'none' },
  { label: 'Local outbox (development)', value: 'outbox' },
  { label: 'SendGrid', value: 'sendgrid' },
  { label: 'Mailgun', value: 'mailgun' },
  { label: 'Postmark', value: 'postmark' },
  { label: 'Amazon SES', value: 'ses' },
  { label: 'Resend', value: 'resend' },
  { label: 'Microsoft 365 (Microsoft Graph)', value: 'graph' },
  { label: 'Google Workspace (Gmail API)', value: 'gmail' },
  { label: 'Webhook', value: 'webhook' },
];

/** Only the SES regions manifest.yml grants egress to can be chosen (src/shared/ses-regions.ts). */
const SES_REGION_OPTIONS = SES_REGIONS.map((region) => ({ label: region, value: region }));

/** Non-secret options each provider needs, stored in `email.options`; `choices` makes the field a select. */
const PROVIDER_OPTIONS: Record<Provider, Array<{ key: string; label: string; helper?: string; choices?: Array<{ label: string; value: string }> }>> = {
  none: [],
  outbox: [],
  sendgrid: [],
  postmark: [{ key: 'messageStream', label: 'Message stream', helper: 'Usually "outbound".' }],
  resend: [],
  graph: [
    {
      key: 'tenantId',
      label: 'Directory (tenant) ID',
      helper: 'From the app registration in Microsoft Entra ID, e.g. contoso.onmicrosoft.com or its ID.',
    },
    {
      key: 'clientId',
      label: 'Application (client) ID',
      helper: 'The app registration needs the Mail.Send application permission, with admin consent. Email is sent from the mailbox of the From address.',
    },
  ],
  gmail: [],
  mailgun: [
    { key: 'domain', label: 'Sending domain', helper: 'e.g. mg.example.com' },
    { key: 'region', label: 'Region', helper: '"us" or "eu"' },
  ],
  ses: [
    {
      key: 'region',
      label: 'AWS region',
      helper: 'The regions Secure Share is allowed to reach. Another region needs a new app version.',
      choices: SES_REGION_OPTIONS,
    },
    { key: 'accessKeyId', label: 'Access key ID' },
    { key: 'configurationSet', label: 'Configuration set', helper: 'Optional.' },
  ],
  webhook: [
    {
      key: 'url',
      label: 'Webhook URL',
      helper:
        'https:// endpoint that receives each email as JSON, signed with the secret below. When you save, Confluence asks you to approve outbound access to this host for Secure Share.',
    },
  ],
};

const SECRET_LABEL: Partial<Record<Provider, string>> = {
  ses: 'Secret access key',
  webhook: 'Signing secret',
  graph: 'Client secret',
  gmail: 'Service account key (JSON)',
};

const SECRET_HELPER: Partial<Record<Provider, string>> = {
  graph: 'The client secret of the app registration (Certificates & secrets). Note when it expires: sending stops then.',
  gmail:
    'Paste the whole JSON key file of a service account with domain-wide delegation for the scope https://www.googleapis.com/auth/gmail.send. Email is sent from the mailbox of the From address.',
};

/** Why there is no SMTP: Forge functions reach the internet only through HTTPS fetch. */
const NoSmtpNote = () => (
  <SectionMessage appearance="information" title="Why there is no SMTP">
    <Text>
      Secure Share runs on Atlassian Forge, where apps can only make HTTPS requests (through fetch) and cannot open the network connections SMTP
      needs. To send from your organisation's own domain, choose Microsoft 365 or Google Workspace: both send from your own mailbox over HTTPS.
    </Text>
  </SectionMessage>
);

const needsSecret = (provider: Provider) => provider !== 'none' && provider !== 'outbox';

const Section = ({ data, draft, setDraft, secrets, setSecrets, fieldErrors }: SiteSectionProps) => {
  const email = draft.email;
  const setEmail = (patch: Partial<SiteSettingsInput['email']>) => setDraft((d) => ({ ...d, email: { ...d.email, ...patch } }));
  const stored = data.secrets.emailApiKey;
  return (
    <Stack space="space.150">
      {data.setup?.outboxUrl ? <OutboxNotice outboxUrl={data.setup.outboxUrl} /> : null}
      <Field id="email-provider" label="Provider" error={fieldErrors['email.provider']}>
        <Select
          id="email-provider"
          name="provider"
          options={PROVIDERS}
          value={PROVIDERS.find((p) => p.value === email.provider)}
          onChange={(o: { value: Provider }) => setEmail({ provider: o.value, options: {} })}
        />
      </Field>
      {email.provider !== 'none' ? (
        <>
          <Field id="email-from-address" label="From address" required error={fieldErrors['email.fromAddress']}>
            <Textfield id="email-from-address" name="fromAddress" value={email.fromAddress} onChange={(e) => setEmail({ fromAddress: String(e.target.value ?? '').trim() })} />
          </Field>
          <Field id="email-from-name" label="From name" error={fieldErrors['email.fromName']}>
            <Textfield id="email-from-name" name="fromName" value={email.fromName} onChange={(e) => setEmail({ fromName: String(e.target.value ?? '') })} />
          </Field>
          {PROVIDER_OPTIONS[email.provider].map((option) => (
            <Field key={option.key} id={`email-option-${option.key}`} label={option.label} helper={option.helper} error={fieldErrors[`email.options.${option.key}`]}>
              {option.choices ? (
                <Select
                  id={`email-option-${option.key}`}
                  name={option.key}
                  options={option.choices}
                  value={option.choices.find((c) => c.value === email.options[option.key]) ?? null}
                  onChange={(o: { value: string } | null) => setEmail({ options: { ...email.options, [option.key]: o?.value ?? '' } })}
                />
              ) : (
                <Textfield
                  id={`email-option-${option.key}`}
                  name={option.key}
                  value={email.options[option.key] ?? ''}
                  onChange={(e) => setEmail({ options: { ...email.options, [option.key]: String(e.target.value ?? '').trim() } })}
                />
              )}
            </Field>
          ))}
        </>
      ) : null}
      {needsSecret(email.provider) ? (
        <Stack space="space.050">
          <WriteOnlySecretField
            secretKey="emailApiKey"
            id="email-api-key"
            label={SECRET_LABEL[email.provider] ?? 'API key'}
            noun="key"
            helperWhenEmpty="Stored in Forge secret storage, never shown again."
            stored={stored}
            secrets={secrets}
            setSecrets={setSecrets}
            error={fieldErrors.emailApiKey}
          />
          {SECRET_HELPER[email.provider] ? <FieldNotes helper={SECRET_HELPER[email.provider]} /> : null}
        </Stack>
      ) : null}
      {email.provider === 'outbox' ? <FieldNotes helper="Emails are written to the local outbox instead of being sent." /> : null}
      {email.provider === 'graph' || email.provider === 'gmail' ? (
        <FieldNotes helper="Sent over HTTPS from your organisation's own mailbox, so recipients see your own domain." />
      ) : null}
      {email.provider === 'none' && !data.setup?.outboxUrl ? <Text>Without a provider, editors can still copy links but cannot email them.</Text> : null}
      <Heading as="h4" size="xsmall">
        Notifications
      </Heading>
      <LabelledToggle
        id="notify-opened"
        label="Email the link owner when a link is first opened"
        isChecked={draft.notifications.openedAlert}
        onChange={(e) => setDraft((d) => ({ ...d, notifications: { ...d.notifications, openedAlert: Boolean(e.target.checked) } }))}
      />
      <Field id="notify-expiry-days" label="Remind owners before a link expires (days)" helper="0 = no reminder. At most 90." error={fieldErrors['notifications.expiryReminderDays']}>
        <Textfield
          id="notify-expiry-days"
          name="expiryReminderDays"
          type="number"
          min={0}
          max={90}
          value={String(draft.notifications.expiryReminderDays)}
          onChange={(e) => {
            const days = Number.parseInt(String(e.target.value ?? ''), 10);
            setDraft((d) => ({ ...d, notifications: { ...d.notifications, expiryReminderDays: Number.isFinite(days) ? days : 0 } }));
          }}
        />
      </Field>
    </Stack>
  );
};

const EMAILISH = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const validate = (draft: SiteSettingsInput): Record<string, string> => {
  const problems: Record<string, string> = {};
  if (draft.email.provider !== 'none' && !EMAILISH.test(draft.email.fromAddress)) problems['email.fromAddress'] = 'Enter the address emails are sent from.';
  if (draft.email.provider === 'ses' && !isSesRegion(draft.email.options.region ?? '')) problems['email.options.region'] = 'Choose an AWS region.';
  if (draft.email.provider === 'graph') {
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/.test(draft.email.options.tenantId ?? '')) problems['email.options.tenantId'] = 'Enter the directory (tenant) ID.';
    if (!/^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/.test(draft.email.options.clientId ?? '')) problems['email.options.clientId'] = 'Enter the application (client) ID, such as 11111111-2222-3333-4444-555555555555.';
  }
  const hook = draft.email.options.url;
  if (draft.email.provider === 'webhook' && !(hook && hook.startsWith('https://'))) problems['email.options.url'] = 'Enter an https:// URL.';
  const days = draft.notifications.expiryReminderDays;
  if (!Number.isInteger(days) || days < 0 || days > 90) problems['notifications.expiryReminderDays'] = 'Enter 0 to 90 days.';
  return problems;
};

/** A saved webhook host must be approved for backend egress (customer-managed egress). */
const approveWebhookHost = async ({ settings }: SiteSettingsResult) => {
  const url = settings.email.provider === 'webhook' ? settings.email.options['url'] : undefined;
  return url ? egressNotice(EGRESS_GROUPS.emailWebhook, await requestEgress(EGRESS_GROUPS.emailWebhook, [url])) : null;
};

/** Switching email off or deleting the key stops share emails, codes and notifications: confirm first. */
const confirmEmailLoss: ConfirmBeforeSave = (draft, secrets, data) => {
  const before = data.settings.email.provider;
  if (before !== 'none' && draft.email.provider === 'none') {
    return {
      title: 'Turn email delivery off?',
      body: 'Editors can no longer email links, recipients of links limited to selected users cannot receive their one-time codes, and no notification is sent.',
      confirmLabel: 'Turn email off',
    };
  }
  if (secrets.emailApiKey === null) {
    return {
      title: 'Remove the stored key?',
      body: 'Emails (share links, one-time codes, notifications) fail until a new key is saved.',
      confirmLabel: 'Remove key',
    };
  }
  return null;
};

export const EmailTab = () => (
  <Stack space="space.300">
    <SiteSettingsForm
      title="Email delivery"
      section={Section}
      validate={validate}
      confirmBefore={confirmEmailLoss}
      afterSave={approveWebhookHost}
      aside={TestEmailPanel}
    />
    <NoSmtpNote />
  </Stack>
);
