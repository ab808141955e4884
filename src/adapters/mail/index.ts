/**
 * Picks the mail adapter the Confluence admin configured (Site settings → Email delivery).
 * API keys come from the SecretStore only; settings hold non-secret options.
 */
import { DomainError } from '../../core/errors';
import type { SiteSettings } from '../../core/model';
import type { Mailer, SecretStore } from '../../app/ports';
import type { FetchLike } from './http-mail';
import { createGmailMailer } from './gmail';
import { createMailgunMailer } from './mailgun';
import { createGraphMailer } from './microsoft-graph';
import { createPostmarkMailer } from './postmark';
import { createResendMailer } from './resend';
import { createSendGridMailer } from './sendgrid';
import { createSesMailer } from './ses';
import { createWebhookMailer } from './webhook';

export { EMAIL_API_KEY_SECRET, isDeliverableAddress, type FetchLike } from './http-mail';
export { createGmailMailer, createGraphMailer, createMailgunMailer, createPostmarkMailer, createResendMailer, createSendGridMailer, createSesMailer, createWebhookMailer };

export type EmailSettings = SiteSettings['email'];

export interface MailerFactoryOptions {
  /** The local outbox; used when the provider is `outbox` (local mode only). */
  outbox?: Mailer;
}

/** A mailer that refuses to send with a message an admin can act on. */
export const createUnconfiguredMailer = (reason: string): Mailer => ({
  async send() {
    throw new DomainError('upstream_unavailable', reason);
  },
});

const option = (email: EmailSettings, name: string): string => (email.options[name] ?? '').trim();

export const createMailerFromSettings = (
  email: EmailSettings,
  secrets: SecretStore,
  fetchFn: FetchLike,
  options: MailerFactoryOptions = {},
): Mailer => {
  const sender = { fromAddress: email.fromAddress.trim(), fromName: email.fromName };
  switch (email.provider) {
    case 'none':
      return createUnconfiguredMailer('Email delivery is not configured. A Confluence admin can choose a provider under Email delivery.');
    case 'outbox':
      return options.outbox ?? createUnconfiguredMailer('The local outbox is only available when running locally.');
    case 'sendgrid':
      return createSendGridMailer(sender, secrets, fetchFn);
    case 'mailgun': {
      const region = option(email, 'region').toLowerCase() || 'us';
      if (region !== 'us' && region !== 'eu') throw new DomainError('invalid_input', 'The Mailgun region must be "us" or "eu".');
      return createMailgunMailer({ ...sender, domain: option(email, 'domain'), region }, secrets, fetchFn);
    }
    case 'postmark':
      return createPostmarkMailer({ ...sender, messageStream: option(email, 'messageStream') || undefined }, secrets, fetchFn);
    case 'ses':
      return createSesMailer(
        {
          ...sender,
          region: option(email, 'region'),
          accessKeyId: option(email, 'accessKeyId'),
          configurationSet: option(email, 'configurationSet') || undefined,
        },
        secrets,
        fetchFn,
      );
    case 'resend':
      return createResendMailer(sender, secrets, fetchFn);
    case 'graph':
      return createGraphMailer({ ...sender, tenantId: option(email, 'tenantId'), clientId: option(email, 'clientId') }, secrets, fetchFn);
    case 'gmail':
      return createGmailMailer(sender, secrets, fetchFn);
    case 'webhook':
      return createWebhookMailer({ ...sender, url: option(email, 'url') }, secrets, fetchFn);
  }
};

/**
 * Reads the site settings at send time, so a composition root can build AppDeps once and still honour
 * an admin's change of provider without a redeploy. Configuration errors surface as send errors.
 */
export const createSettingsMailer = (
  loadEmailSettings: () => Promise<EmailSettings | undefined>,
  secrets: SecretStore,
  fetchFn: FetchLike,
  options: MailerFactoryOptions = {},
): Mailer => ({
  async send(message) {
    const email = await loadEmailSettings();
    const mailer = email
      ? createMailerFromSettings(email, secrets, fetchFn, options)
      : createUnconfiguredMailer('Email delivery is not configured. A Confluence admin can choose a provider under Email delivery.');
    await mailer.send(message);
  },
});
