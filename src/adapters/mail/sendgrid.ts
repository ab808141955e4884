import type { Mailer, SecretStore } from '../../app/ports';
import { cleanDisplayName, oneRequestPerRecipient, postOrThrow, requireSecret, type FetchLike, type SenderConfig } from './http-mail';

export interface SendGridConfig extends SenderConfig {
  /** For tests only; production uses the public API host. */
  baseUrl?: string;
}

/** SendGrid v3 `POST /v3/mail/send` with a Bearer API key; success is 202. */
export const createSendGridMailer = (config: SendGridConfig, secrets: SecretStore, fetchFn: FetchLike): Mailer => {
  const base = config.baseUrl ?? 'https://api.sendgrid.com';
  return oneRequestPerRecipient(async (to, message) => {
    const key = await requireSecret(secrets, 'SendGrid');
    const fromName = cleanDisplayName(config.fromName);
    const body = {
      personalizations: [{ to: [{ email: to }] }],
      from: fromName ? { email: config.fromAddress, name: fromName } : { email: config.fromAddress },
      subject: message.subject,
      content: [
        { type: 'text/plain', value: message.text },
        { type: 'text/html', value: message.html },
      ],
      categories: [`secure-share-${message.kind}`],
      tracking_settings: { click_tracking: { enable: false, enable_text: false }, open_tracking: { enable: false } },
    };
    await postOrThrow(fetchFn, 'SendGrid', `${base}/v3/mail/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }, config);
};
