/**
 * Microsoft Graph sendMail and the Gmail API against a local HTTP server that plays both the token
 * endpoint and the mail API: the token grant, the cached token, the message shape and the plain
 * failure messages (with the provider's error code, never its text or the secret).
 */
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGmailMailer, createGraphMailer, createMailerFromSettings, type FetchLike } from '../../src/adapters/mail';
import { buildMimeMessage, GMAIL_SEND_SCOPE } from '../../src/adapters/mail/gmail';
import { clearTokenCache } from '../../src/adapters/mail/oauth-token';
import type { MailMessage } from '../../src/app/ports';
import { fetchFn, secretsWith, startMailTestServer, type MailTestServer, type Received } from './mail-test-kit';


type Reply = { status: number; body: unknown };

let server: MailTestServer;
let base = '';
let received: Received[] = [];
let replies: Record<string, Reply> = {};

beforeAll(async () => {
  server = await startMailTestServer((request) => {
    received.push(request);
    const reply = Object.entries(replies).find(([prefix]) => request.url.startsWith(prefix))?.[1] ?? { status: 404, body: {} };
    return { status: reply.status, body: reply.body === '' ? '' : JSON.stringify(reply.body) };
  });
  base = server.base;
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  received = [];
  replies = {};
  clearTokenCache();
});

const message: MailMessage = { to: ['ann@example.com'], subject: 'Grüße from Secure Share', text: 'plain body ✓', html: '<p>html body</p>', kind: 'test' };
const sender = { fromAddress: 'share@acme.com', fromName: 'Acme Share' };

describe('Microsoft Graph sendMail', () => {
  const TENANT = 'contoso.onmicrosoft.com';
  const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
  const SECRET = 'graph-client-secret-DO-NOT-LEAK';
  const mailer = (secret = SECRET, now = () => 1_000_000) =>
    createGraphMailer({ ...sender, tenantId: TENANT, clientId: CLIENT_ID, loginBaseUrl: base, graphBaseUrl: base, now }, secretsWith(secret), fetchFn);

  it('gets an app-only token with client credentials, then posts sendMail from the sender mailbox', async () => {
    replies = {
      [`/${TENANT}/oauth2/v2.0/token`]: { status: 200, body: { token_type: 'Bearer', expires_in: 3599, access_token: 'graph-token-1' } },
      '/v1.0/users/': { status: 202, body: '' },
    };
    await mailer().send(message);
    expect(received).toHaveLength(2);
    const [token, send] = received as [Received, Received];
    expect(token.method).toBe('POST');
    expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({
      client_id: CLIENT_ID,
      client_secret: SECRET,
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
    });
    expect(send.url).toBe('/v1.0/users/share%40acme.com/sendMail');
    expect(send.headers.authorization).toBe('Bearer graph-token-1');
    const body = JSON.parse(send.body);
    expect(body.saveToSentItems).toBe(false);
    expect(body.message.subject).toBe('Grüße from Secure Share');
    expect(body.message.body).toEqual({ contentType: 'HTML', content: '<p>html body</p>' });
    expect(body.message.toRecipients).toEqual([{ emailAddress: { address: 'ann@example.com' } }]);
    expect(body.message.from).toEqual({ emailAddress: { address: 'share@acme.com', name: 'Acme Share' } });
  });

  it('keeps the token until a minute before it expires, then asks again', async () => {
    replies = {
      [`/${TENANT}/oauth2/v2.0/token`]: { status: 200, body: { expires_in: 3600, access_token: 'graph-token-1' } },
      '/v1.0/users/': { status: 202, body: '' },
    };
    let now = 1_000_000;
    const m = mailer(SECRET, () => now);
    await m.send(message);
    now += 3_500_000; // 58 min 20 s later: still more than a minute left
    await m.send(message);
    expect(received.filter((r) => r.url.endsWith('/token'))).toHaveLength(1);
    now += 60_000; // inside the last minute
    await m.send(message);
    expect(received.filter((r) => r.url.endsWith('/token'))).toHaveLength(2);
    // Another secret is another credential: never the cached token of the first.
    await mailer('another-secret', () => now).send(message);
    expect(received.filter((r) => r.url.endsWith('/token'))).toHaveLength(3);
  });

  it('says plainly when the credential is refused, with the OAuth error code but not the secret or the text', async () => {
    replies = {
      [`/${TENANT}/oauth2/v2.0/token`]: { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided for ann@example.com' } },
    };
    const failure = (await mailer().send(message).then(() => null, (e: unknown) => e)) as Error;
    expect(failure).toMatchObject({ code: 'upstream_unavailable' });
    expect(failure.message).toBe(
      'Microsoft Graph refused to sign in for sending (HTTP 401, invalid_client): the client ID or secret is wrong, or the secret has expired.',
    );
    expect(failure.message).not.toContain(SECRET);
    expect(received.some((r) => r.url.includes('sendMail'))).toBe(false);
  });

  it('names Graph’s error code when sendMail is refused, and drops a token Graph no longer accepts', async () => {
    replies = {
      [`/${TENANT}/oauth2/v2.0/token`]: { status: 200, body: { expires_in: 3600, access_token: 'graph-token-1' } },
      '/v1.0/users/': { status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied for share@acme.com' } } },
    };
    await expect(mailer().send(message)).rejects.toThrow(
      'Microsoft Graph did not accept the email (HTTP 403, ErrorAccessDenied): the key is not allowed to send (check the key permissions and the verified sender).',
    );
    replies['/v1.0/users/'] = { status: 401, body: { error: { code: 'InvalidAuthenticationToken' } } };
    await expect(mailer().send(message)).rejects.toThrow(/HTTP 401, InvalidAuthenticationToken/);
    replies['/v1.0/users/'] = { status: 202, body: '' };
    await mailer().send(message);
    // 403 kept the token; the 401 dropped it, so the third send asked for a new one.
    expect(received.filter((r) => r.url.endsWith('/token'))).toHaveLength(2);
  });

  it('is chosen from the settings with the tenant and client ID options, and refuses missing ones', async () => {
    const calls: string[] = [];
    const capture: FetchLike = async (url) => {
      calls.push(url);
      return url.endsWith('/token')
        ? { ok: true, status: 200, text: async () => JSON.stringify({ access_token: 't', expires_in: 3600 }) }
        : { ok: true, status: 202, text: async () => '' };
    };
    const settings = (options: Record<string, string>) => ({ provider: 'graph' as const, ...sender, options });
    await createMailerFromSettings(settings({ tenantId: TENANT, clientId: CLIENT_ID }), secretsWith(SECRET), capture).send(message);
    expect(calls).toEqual([`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`, 'https://graph.microsoft.com/v1.0/users/share%40acme.com/sendMail']);
    expect(() => createMailerFromSettings(settings({ clientId: CLIENT_ID }), secretsWith(SECRET), capture)).toThrow(/tenant/);
    expect(() => createMailerFromSettings(settings({ tenantId: TENANT, clientId: 'nope' }), secretsWith(SECRET), capture)).toThrow(/client\) ID/);
  });
});

describe('Gmail API with a service account', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const KEY = JSON.stringify({
    type: 'service_account',
    client_email: 'secure-share@acme-project.iam.gserviceaccount.com',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
  const mailer = (key = KEY) => createGmailMailer({ ...sender, tokenBaseUrl: base, gmailBaseUrl: base, now: () => 1_700_000_000_000 }, secretsWith(key), fetchFn);

  it('signs an RS256 assertion for the sender mailbox, trades it for a token and sends a base64url RFC 5322 message', async () => {
    replies = {
      '/token': { status: 200, body: { access_token: 'gmail-token-1', expires_in: 3599, token_type: 'Bearer' } },
      '/gmail/v1/users/': { status: 200, body: { id: '18c', threadId: '18c', labelIds: ['SENT'] } },
    };
    await mailer().send(message);
    const [token, send] = received as [Received, Received];
    const form = Object.fromEntries(new URLSearchParams(token.body));
    expect(form.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(decodeProtectedHeader(form.assertion!)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    const { payload } = await jwtVerify(form.assertion!, await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'RS256'), {
      currentDate: new Date(1_700_000_000_000),
    });
    expect(payload).toEqual({
      iss: 'secure-share@acme-project.iam.gserviceaccount.com',
      sub: 'share@acme.com',
      aud: `${base}/token`,
      scope: GMAIL_SEND_SCOPE,
      iat: 1_700_000_000,
      exp: 1_700_003_600,
    });
    expect(send.url).toBe('/gmail/v1/users/share%40acme.com/messages/send');
    expect(send.headers.authorization).toBe('Bearer gmail-token-1');
    const raw = JSON.parse(send.body).raw as string;
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
    const mime = Buffer.from(raw, 'base64url').toString('utf8');
    expect(mime).toContain('From: "Acme Share" <share@acme.com>\r\n');
    expect(mime).toContain('To: ann@example.com\r\n');
    expect(mime).toContain(`Subject: =?UTF-8?B?${Buffer.from('Grüße from Secure Share').toString('base64')}?=\r\n`);
    const parts = mime.split(/--ss-[0-9a-f]+/);
    expect(parts).toHaveLength(4);
    expect(Buffer.from(parts[1]!.split('\r\n\r\n')[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8')).toBe('plain body ✓');
    expect(Buffer.from(parts[2]!.split('\r\n\r\n')[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8')).toBe('<p>html body</p>');
    // The token is kept for the next mail.
    await mailer().send(message);
    expect(received.filter((r) => r.url === '/token')).toHaveLength(1);
  });

  it('explains a refused delegation and a key that is not a service account key', async () => {
    replies = { '/token': { status: 401, body: { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method' } } };
    await expect(mailer().send(message)).rejects.toThrow(
      'Gmail API refused to sign in for sending (HTTP 401, unauthorized_client): the app is not allowed to act for this mailbox (check the consent or the domain-wide delegation).',
    );
    received = [];
    await expect(mailer('not json').send(message)).rejects.toThrow(/not a service account JSON key/);
    expect(received).toEqual([]);
  });

  it('names Google’s error status when the send is refused', async () => {
    replies = {
      '/token': { status: 200, body: { access_token: 'gmail-token-1', expires_in: 3599 } },
      '/gmail/v1/users/': { status: 400, body: { error: { code: 400, message: 'Precondition check failed.', status: 'FAILED_PRECONDITION' } } },
    };
    await expect(mailer().send(message)).rejects.toThrow(/Gmail API did not accept the email \(HTTP 400, FAILED_PRECONDITION\)/);
  });

  it('keeps header injection out of the MIME message', () => {
    const mime = buildMimeMessage({ fromAddress: 'share@acme.com', fromName: 'Evil"\r\nBcc: x@evil.test' }, 'ann@example.com', message, 'b');
    expect(mime.split('\r\n\r\n')[0]).not.toMatch(/^Bcc:/m);
  });
});

