import { createHmac } from 'node:crypto';
import { DomainError } from '../../core/errors';
import type { Mailer, SecretStore } from '../../app/ports';
import { cleanDisplayName, oneRequestPerRecipient, postOrThrow, requireSecret, type FetchLike, type SenderConfig } from './http-mail';

export interface WebhookConfig extends SenderConfig {
  /** https URL of the customer's relay that turns the JSON into an email. */
  url: string;
  /** Clock for the signature timestamp (seconds are sent). */
  now?: () => number;
}

export const WEBHOOK_SIGNATURE_HEADER = 'x-secure-share-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'x-secure-share-timestamp';

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the timestamp lets the receiver refuse replays. */
export const signWebhookBody = (secret: string, timestamp: string, body: string): string =>
  `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;

const isLoopback = (host: string): boolean => host === '127.0.0.1' || host === 'localhost' || host === '[::1]';

export const parseWebhookUrl = (raw: string): URL => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DomainError('invalid_input', 'The email webhook URL is not a valid URL.');
  }
  if (url.username || url.password) throw new DomainError('invalid_input', 'The email webhook URL must not contain credentials.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new DomainError('invalid_input', 'The email webhook URL must use https.');
  }
  return url;
};

/** Generic HTTPS webhook: JSON body, HMAC-SHA256 signature with a shared secret. */
export const createWebhookMailer = (config: WebhookConfig, secrets: SecretStore, fetchFn: FetchLike): Mailer => {
  const url = parseWebhookUrl(config.url);
  const now = config.now ?? (() => Date.now());
  return oneRequestPerRecipient(async (to, message) => {
    const secret = await requireSecret(secrets, 'webhook signing');
    const body = JSON.stringify({
      kind: message.kind,
      from: { address: config.fromAddress, name: cleanDisplayName(config.fromName) },
      to: [to],
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
    const timestamp = String(Math.floor(now() / 1000));
    await postOrThrow(fetchFn, 'The email webhook', url.toString(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
        [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(secret, timestamp, body),
      },
      body,
    });
  }, config);
};
