import type { Mailer, SecretStore } from '../../app/ports';
import { formatFrom, oneRequestPerRecipient, postOrThrow, requireSecret, type FetchLike, type SenderConfig } from './http-mail';

export interface ResendConfig extends SenderConfig {
  baseUrl?: string;
}

/** Resend `POST /emails` with a Bearer API key. */
export const createResendMailer = (config: ResendConfig, secrets: SecretStore, fetchFn: FetchLike): Mailer => {
  const base = config.baseUrl ?? 'https://api.resend.com';
  return oneRequestPerRecipient(async (to, message) => {
    const key = await requireSecret(secrets, 'Resend');
    const body = {
      from: formatFrom(config),
      to: [to],
      subject: message.subject,
      html: message.html,
      text: message.text,
      tags: [{ name: 'kind', value: message.kind.replace(/[^A-Za-z0-9_-]/g, '_') }],
    };
    await postOrThrow(fetchFn, 'Resend', `${base}/emails`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }, config);
};
