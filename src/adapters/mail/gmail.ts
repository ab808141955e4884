import { randomBytes } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { DomainError } from '../../core/errors';
import type { MailMessage, Mailer, SecretStore } from '../../app/ports';
import { cleanDisplayName, oneRequestPerRecipient, postOrThrow, requireSecret, type FetchLike, type SenderConfig } from './http-mail';
import { accessToken, forgetToken, safeErrorCode } from './oauth-token';

export interface GmailConfig extends SenderConfig {
  /** Tests only: replace https://oauth2.googleapis.com and https://gmail.googleapis.com. */
  tokenBaseUrl?: string;
  gmailBaseUrl?: string;
  now?: () => number;
}

export const GMAIL_SEND_SCOPE = 'https://www.googleapis.com/auth/gmail.send';

interface ServiceAccountKey {
  clientEmail: string;
  privateKey: string;
}

/** The stored key is the service account's JSON key file as Google Cloud gives it. */
export const parseServiceAccountKey = (text: string): ServiceAccountKey => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const record = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  const clientEmail = typeof record.client_email === 'string' ? record.client_email : '';
  const privateKey = typeof record.private_key === 'string' ? record.private_key : '';
  if (!clientEmail || !privateKey.includes('PRIVATE KEY')) {
    throw new DomainError(
      'upstream_unavailable',
      'The stored Gmail key is not a service account JSON key (it needs client_email and private_key). Paste the whole JSON key file under Email delivery.',
    );
  }
  return { clientEmail, privateKey };
};

/** RFC 2047 encoded-word for header text that is not plain ASCII. */
const headerText = (value: string): string =>
  // eslint-disable-next-line no-control-regex
  /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;

const base64Lines = (value: string): string => (Buffer.from(value, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

/** One RFC 5322 message with a plain-text and an HTML part (both base64, so no line is too long). */
export const buildMimeMessage = (sender: SenderConfig, to: string, message: MailMessage, boundary: string): string => {
  const name = cleanDisplayName(sender.fromName);
  const from = name ? `${/^[\x20-\x7e]*$/.test(name) ? `"${name}"` : headerText(name)} <${sender.fromAddress}>` : sender.fromAddress;
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${headerText(message.subject)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(message.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(message.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
};

/** Google answers `{ "error": { "status": "FAILED_PRECONDITION", … } }`: only the status is shown. */
const googleErrorCode = (body: string): string | null => {
  try {
    const parsed = JSON.parse(body) as { error?: { status?: unknown } };
    return safeErrorCode(parsed.error?.status);
  } catch {
    return null;
  }
};

/**
 * Gmail API `POST /gmail/v1/users/{sender}/messages/send` with `{ raw }` (a base64url RFC 5322 message).
 * The token comes from a service account with domain-wide delegation: an RS256 JWT (iss = the service
 * account, sub = the sending mailbox, scope gmail.send) exchanged at oauth2.googleapis.com/token.
 */
export const createGmailMailer = (config: GmailConfig, secrets: SecretStore, fetchFn: FetchLike): Mailer => {
  const tokenUrl = `${config.tokenBaseUrl ?? 'https://oauth2.googleapis.com'}/token`;
  const gmail = config.gmailBaseUrl ?? 'https://gmail.googleapis.com';
  const now = config.now ?? Date.now;
  return oneRequestPerRecipient(async (to, message) => {
    const keyText = await requireSecret(secrets, 'Gmail API');
    const key = parseServiceAccountKey(keyText);
    const identity = [key.clientEmail, config.fromAddress, keyText];
    const token = await accessToken(fetchFn, {
      provider: 'Gmail API',
      url: tokenUrl,
      form: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await assertion(key, config.fromAddress, tokenUrl, now()) },
      identity,
      now,
    });
    const raw = Buffer.from(buildMimeMessage(config, to, message, `ss-${randomBytes(12).toString('hex')}`), 'utf8').toString('base64url');
    try {
      await postOrThrow(
        fetchFn,
        'Gmail API',
        `${gmail}/gmail/v1/users/${encodeURIComponent(config.fromAddress)}/messages/send`,
        { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ raw }) },
        undefined,
        googleErrorCode,
      );
    } catch (error) {
      if (error instanceof DomainError && /HTTP 401/.test(error.message)) forgetToken(tokenUrl, identity);
      throw error;
    }
  }, config);
};

const assertion = async (key: ServiceAccountKey, subject: string, audience: string, nowMs: number): Promise<string> => {
  let privateKey: CryptoKey;
  try {
    privateKey = await importPKCS8(key.privateKey, 'RS256');
  } catch {
    throw new DomainError('upstream_unavailable', 'The private key in the stored Gmail service account key cannot be read. Paste the JSON key file again.');
  }
  const issuedAt = Math.floor(nowMs / 1000);
  return new SignJWT({ scope: GMAIL_SEND_SCOPE })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(key.clientEmail)
    .setSubject(subject)
    .setAudience(audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 3600)
    .sign(privateKey);
};
