import aws4 from 'aws4';
import { DomainError } from '../../core/errors';
import type { Mailer, SecretStore } from '../../app/ports';
import { isSesRegion, SES_REGIONS } from '../../shared/ses-regions';
import { formatFrom, oneRequestPerRecipient, postOrThrow, requireSecret, type FetchLike, type SenderConfig } from './http-mail';

export interface SesConfig extends SenderConfig {
  /** e.g. `eu-west-1`. */
  region: string;
  /** Access key id (not secret); the secret access key lives in the SecretStore. */
  accessKeyId: string;
  /** Optional SES configuration set. */
  configurationSet?: string;
  /** For tests only: replaces `https://email.<region>.amazonaws.com`. */
  baseUrl?: string;
}

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

/** Amazon SES v2 `SendEmail` (`POST /v2/email/outbound-emails`), signed with AWS Signature V4. */
export const createSesMailer = (config: SesConfig, secrets: SecretStore, fetchFn: FetchLike): Mailer => {
  if (!isSesRegion(config.region)) {
    throw new DomainError('invalid_input', `Amazon SES needs one of the regions Secure Share may reach: ${SES_REGIONS.join(', ')}.`);
  }
  if (!ACCESS_KEY_ID.test(config.accessKeyId)) {
    throw new DomainError('invalid_input', 'Amazon SES needs the access key id (AKIA…) in the email options.');
  }
  const base = new URL(config.baseUrl ?? `https://email.${config.region}.amazonaws.com`);
  const path = '/v2/email/outbound-emails';
  return oneRequestPerRecipient(async (to, message) => {
    const secretAccessKey = await requireSecret(secrets, 'Amazon SES');
    const body = JSON.stringify({
      FromEmailAddress: formatFrom(config),
      Destination: { ToAddresses: [to] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
        },
      },
      EmailTags: [{ Name: 'kind', Value: message.kind.replace(/[^A-Za-z0-9_-]/g, '_') }],
      ...(config.configurationSet ? { ConfigurationSetName: config.configurationSet } : {}),
    });
    const signed = aws4.sign(
      {
        host: base.host,
        method: 'POST',
        path,
        service: 'ses',
        region: config.region,
        headers: { 'content-type': 'application/json' },
        body,
      },
      { accessKeyId: config.accessKeyId, secretAccessKey },
    );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers ?? {})) {
      // fetch sets Host and Content-Length itself; passing them is refused by undici.
      if (value === undefined || /^(host|content-length)$/i.test(name)) continue;
      headers[name.toLowerCase()] = String(value);
    }
    await postOrThrow(fetchFn, 'Amazon SES', `${base.origin}${path}`, { method: 'POST', headers, body });
  }, config);
};
