import { DomainError } from '../../core/errors';
import type { Mailer, SecretStore } from '../../app/ports';
import { cleanDisplayName, oneRequestPerRecipient, postOrThrow, requireSecret, type FetchLike, type SenderConfig } from './http-mail';
import { accessToken, forgetToken, safeErrorCode } from './oauth-token';

export interface GraphConfig extends SenderConfig {
  /** Directory (tenant) ID or a verified domain of the tenant, e.g. `contoso.onmicrosoft.com`. */
  tenantId: string;
  /** Application (client) ID of the app registration that holds the Mail.Send application permission. */
  clientId: string;
  /** Tests only: replace https://login.microsoftonline.com and https://graph.microsoft.com. */
  loginBaseUrl?: string;
  graphBaseUrl?: string;
  now?: () => number;
}

const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/;
const CLIENT_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Graph answers `{ "error": { "code": "ErrorAccessDenied", "message": … } }`: only the code is shown. */
const graphErrorCode = (body: string): string | null => {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return safeErrorCode(parsed.error?.code);
  } catch {
    return null;
  }
};

/**
 * Microsoft Graph `POST /v1.0/users/{sender}/sendMail` (202 Accepted) with an app-only token from the
 * client-credentials grant (`https://graph.microsoft.com/.default`). The mail leaves from the
 * organisation's own Exchange Online mailbox (the From address); the client secret is the stored key.
 */
export const createGraphMailer = (config: GraphConfig, secrets: SecretStore, fetchFn: FetchLike): Mailer => {
  if (!TENANT.test(config.tenantId)) {
    throw new DomainError('invalid_input', 'Microsoft Graph needs the directory (tenant) ID in the email options.');
  }
  if (!CLIENT_ID.test(config.clientId)) {
    throw new DomainError('invalid_input', 'Microsoft Graph needs the application (client) ID in the email options.');
  }
  const login = config.loginBaseUrl ?? 'https://login.microsoftonline.com';
  const graph = config.graphBaseUrl ?? 'https://graph.microsoft.com';
  const tokenUrl = `${login}/${encodeURIComponent(config.tenantId)}/oauth2/v2.0/token`;
  const now = config.now ?? Date.now;
  return oneRequestPerRecipient(async (to, message) => {
    const secret = await requireSecret(secrets, 'Microsoft Graph');
    const identity = [config.clientId, secret];
    const token = await accessToken(fetchFn, {
      provider: 'Microsoft Graph',
      url: tokenUrl,
      form: { client_id: config.clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' },
      identity,
      now,
    });
    const name = cleanDisplayName(config.fromName);
    const body = {
      message: {
        subject: message.subject,
        body: { contentType: 'HTML', content: message.html },
        toRecipients: [{ emailAddress: { address: to } }],
        from: { emailAddress: name ? { address: config.fromAddress, name } : { address: config.fromAddress } },
        categories: [`secure-share-${message.kind}`],
      },
      saveToSentItems: false,
    };
    try {
      await postOrThrow(
        fetchFn,
        'Microsoft Graph',
        `${graph}/v1.0/users/${encodeURIComponent(config.fromAddress)}/sendMail`,
        { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) },
        undefined,
        graphErrorCode,
      );
    } catch (error) {
      // A token refused now (consent withdrawn, secret rotated) must not be reused.
      if (error instanceof DomainError && /HTTP 401/.test(error.message)) forgetToken(tokenUrl, identity);
      throw error;
    }
  }, config);
};
