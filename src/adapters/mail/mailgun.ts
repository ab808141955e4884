import { DomainError } from '../../core/errors';
import type { Mailer, SecretStore } from '../../app/ports';
import { formatFrom, oneRequestPerRecipient, postOrThrow, requireSecret, type FetchLike, type SenderConfig } from './http-mail';

export interface MailgunConfig extends SenderConfig {
  /** Sending domain registered in Mailgun, e.g. `mg.acme.com`. */
  domain: string;
  region: 'us' | 'eu';
  baseUrl?: string;
}

const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export const MAILGUN_BASE_URLS = { us: 'https://api.mailgun.net', eu: 'https://api.eu.mailgun.net' } as const;

/** Mailgun `POST /v3/<domain>/messages`, form-encoded, HTTP Basic `api:<key>`; US or EU region. */
export const createMailgunMailer = (config: MailgunConfig, secrets: SecretStore, fetchFn: FetchLike): Mailer => {
  if (!DOMAIN.test(config.domain)) {
    throw new DomainError('invalid_input', 'Mailgun needs a sending domain such as mg.example.com.');
  }
  const base = config.baseUrl ?? MAILGUN_BASE_URLS[config.region];
  return oneRequestPerRecipient(async (to, message) => {
    const key = await requireSecret(secrets, 'Mailgun');
    const form = new URLSearchParams();
    form.set('from', formatFrom(config));
    form.set('to', to);
    form.set('subject', message.subject);
    form.set('text', message.text);
    form.set('html', message.html);
    form.set('o:tag', `secure-share-${message.kind}`);
    form.set('o:tracking', 'no');
    await postOrThrow(fetchFn, 'Mailgun', `${base}/v3/${encodeURIComponent(config.domain)}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`api:${key}`, 'utf8').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form.toString(),
    });
  }, config);
};
