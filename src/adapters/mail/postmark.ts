import type { Mailer, SecretStore } from '../../app/ports';
import { formatFrom, oneRequestPerRecipient, postOrThrow, requireSecret, type FetchLike, type SenderConfig } from './http-mail';

export interface PostmarkConfig extends SenderConfig {
  /** Postmark message stream; `outbound` is the default transactional stream. */
  messageStream?: string;
  baseUrl?: string;
}

/** Postmark `POST /email` with the `X-Postmark-Server-Token` header. */
export const createPostmarkMailer = (config: PostmarkConfig, secrets: SecretStore, fetchFn: FetchLike): Mailer => {
  const base = config.baseUrl ?? 'https://api.postmarkapp.com';
  return oneRequestPerRecipient(async (to, message) => {
    const token = await requireSecret(secrets, 'Postmark');
    const body = {
      From: formatFrom(config),
      To: to,
      Subject: message.subject,
      TextBody: message.text,
      HtmlBody: message.html,
      Tag: `secure-share-${message.kind}`,
      TrackOpens: false,
      TrackLinks: 'None',
      MessageStream: config.messageStream || 'outbound',
    };
    await postOrThrow(fetchFn, 'Postmark', `${base}/email`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-postmark-server-token': token },
      body: JSON.stringify(body),
    });
  }, config);
};
