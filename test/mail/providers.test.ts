import { createHmac } from 'node:crypto';
import aws4 from 'aws4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createMailerFromSettings,
  createMailgunMailer,
  createPostmarkMailer,
  createResendMailer,
  createSendGridMailer,
  createSesMailer,
  createWebhookMailer,
  type FetchLike,
} from '../../src/adapters/mail';
import { DomainError } from '../../src/core/errors';
import type { MailMessage } from '../../src/app/ports';
import { fetchFn, secretsWith, startMailTestServer, type MailTestServer, type Received } from './mail-test-kit';


let server: MailTestServer;
let base = '';
let received: Received[] = [];
let replyStatus = 200;
let replyBody = '{}';

beforeAll(async () => {
  server = await startMailTestServer((request) => {
    received.push(request);
    return { status: replyStatus, body: replyBody };
  });
  base = server.base;
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  received = [];
  replyStatus = 200;
  replyBody = '{}';
});

const SECRET = 'sk_live_DO_NOT_LEAK_123';


const message: MailMessage = {
  to: ['ann@example.com'],
  subject: 'Hello "there"',
  text: 'plain body',
  html: '<p>html body</p>',
  kind: 'link',
};

const sender = { fromAddress: 'share@acme.com', fromName: 'Acme Share' };

const only = (): Received => {
  expect(received).toHaveLength(1);
  return received[0]!;
};

describe('SendGrid', () => {
  it('posts v3 mail/send JSON with a Bearer key', async () => {
    replyStatus = 202;
    await createSendGridMailer({ ...sender, baseUrl: base }, secretsWith(SECRET), fetchFn).send(message);
    const r = only();
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/v3/mail/send');
    expect(r.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(r.headers['content-type']).toBe('application/json');
    const body = JSON.parse(r.body);
    expect(body.personalizations).toEqual([{ to: [{ email: 'ann@example.com' }] }]);
    expect(body.from).toEqual({ email: 'share@acme.com', name: 'Acme Share' });
    expect(body.subject).toBe('Hello "there"');
    expect(body.content).toEqual([
      { type: 'text/plain', value: 'plain body' },
      { type: 'text/html', value: '<p>html body</p>' },
    ]);
  });

  it('sends one request per recipient so recipients never see each other', async () => {
    replyStatus = 202;
    await createSendGridMailer({ ...sender, baseUrl: base }, secretsWith(SECRET), fetchFn).send({
      ...message,
      to: ['a@example.com', 'b@example.com', 'A@example.com'],
    });
    expect(received).toHaveLength(2);
    expect(received.map((r) => JSON.parse(r.body).personalizations[0].to[0].email)).toEqual(['a@example.com', 'b@example.com']);
  });
});

describe('Mailgun', () => {
  it('posts form-encoded fields with basic auth api:key to the domain', async () => {
    await createMailgunMailer({ ...sender, domain: 'mg.acme.com', region: 'eu', baseUrl: base }, secretsWith(SECRET), fetchFn).send(message);
    const r = only();
    expect(r.url).toBe('/v3/mg.acme.com/messages');
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from(`api:${SECRET}`).toString('base64')}`);
    expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(r.body);
    expect(form.get('from')).toBe('"Acme Share" <share@acme.com>');
    expect(form.get('to')).toBe('ann@example.com');
    expect(form.get('subject')).toBe('Hello "there"');
    expect(form.get('text')).toBe('plain body');
    expect(form.get('html')).toBe('<p>html body</p>');
  });

  it('uses the EU or US API host from settings', async () => {
    const calls: string[] = [];
    const capture: FetchLike = async (url) => {
      calls.push(url);
      return { ok: true, status: 200, text: async () => '{}' };
    };
    const settings = (region: string) => ({ provider: 'mailgun' as const, ...sender, options: { domain: 'mg.acme.com', region } });
    await createMailerFromSettings(settings('eu'), secretsWith(SECRET), capture).send(message);
    await createMailerFromSettings(settings('us'), secretsWith(SECRET), capture).send(message);
    expect(calls).toEqual(['https://api.eu.mailgun.net/v3/mg.acme.com/messages', 'https://api.mailgun.net/v3/mg.acme.com/messages']);
    expect(() => createMailerFromSettings(settings('mars'), secretsWith(SECRET), capture)).toThrow(/region/);
  });
});

describe('Postmark', () => {
  it('posts /email with the server token header', async () => {
    await createPostmarkMailer({ ...sender, baseUrl: base }, secretsWith(SECRET), fetchFn).send(message);
    const r = only();
    expect(r.url).toBe('/email');
    expect(r.headers['x-postmark-server-token']).toBe(SECRET);
    expect(r.headers.accept).toBe('application/json');
    expect(r.headers.authorization).toBeUndefined();
    const body = JSON.parse(r.body);
    expect(body).toMatchObject({
      From: '"Acme Share" <share@acme.com>',
      To: 'ann@example.com',
      Subject: 'Hello "there"',
      TextBody: 'plain body',
      HtmlBody: '<p>html body</p>',
      MessageStream: 'outbound',
    });
  });
});

describe('Resend', () => {
  it('posts /emails with a Bearer key', async () => {
    await createResendMailer({ ...sender, baseUrl: base }, secretsWith(SECRET), fetchFn).send(message);
    const r = only();
    expect(r.url).toBe('/emails');
    expect(r.headers.authorization).toBe(`Bearer ${SECRET}`);
    const body = JSON.parse(r.body);
    expect(body).toMatchObject({ from: '"Acme Share" <share@acme.com>', to: ['ann@example.com'], subject: 'Hello "there"', html: '<p>html body</p>', text: 'plain body' });
  });
});

describe('Amazon SES v2', () => {
  it('calls SendEmail with a SigV4 signature the server can recompute', async () => {
    await createSesMailer(
      { ...sender, region: 'eu-west-1', accessKeyId: 'AKIAEXAMPLEKEY123456', baseUrl: base },
      secretsWith(SECRET),
      fetchFn,
    ).send(message);
    const r = only();
    expect(r.url).toBe('/v2/email/outbound-emails');
    const auth = String(r.headers.authorization);
    const amzDate = String(r.headers['x-amz-date']);
    expect(amzDate).toMatch(/^\d{8}T\d{6}Z$/);
    expect(auth).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY123456/${amzDate.slice(0, 8)}/eu-west-1/ses/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$`),
    );
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)![1]!.split(';');
    expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'content-type']));
    // Recompute the signature on the server side from what actually arrived.
    const recomputed = aws4.sign(
      {
        host: String(r.headers.host),
        method: 'POST',
        path: r.url,
        service: 'ses',
        region: 'eu-west-1',
        body: r.body,
        headers: { 'content-type': String(r.headers['content-type']), 'x-amz-date': amzDate },
      },
      { accessKeyId: 'AKIAEXAMPLEKEY123456', secretAccessKey: SECRET },
    );
    expect(recomputed.headers?.Authorization).toBe(auth);
    const wrongKey = aws4.sign(
      { host: String(r.headers.host), method: 'POST', path: r.url, service: 'ses', region: 'eu-west-1', body: r.body, headers: { 'content-type': String(r.headers['content-type']), 'x-amz-date': amzDate } },
      { accessKeyId: 'AKIAEXAMPLEKEY123456', secretAccessKey: 'other' },
    );
    expect(wrongKey.headers?.Authorization).not.toBe(auth);
    const body = JSON.parse(r.body);
    expect(body.FromEmailAddress).toBe('"Acme Share" <share@acme.com>');
    expect(body.Destination).toEqual({ ToAddresses: ['ann@example.com'] });
    expect(body.Content.Simple.Subject).toEqual({ Data: 'Hello "there"', Charset: 'UTF-8' });
    expect(body.Content.Simple.Body.Html.Data).toBe('<p>html body</p>');
    expect(body.Content.Simple.Body.Text.Data).toBe('plain body');
    expect(r.body).not.toContain(SECRET);
  });

  it('rejects a bad region or access key id at configuration', () => {
    expect(() => createSesMailer({ ...sender, region: 'nowhere', accessKeyId: 'AKIAEXAMPLEKEY123456' }, secretsWith(SECRET), fetchFn)).toThrow(/region/);
    expect(() => createSesMailer({ ...sender, region: 'us-east-1', accessKeyId: '' }, secretsWith(SECRET), fetchFn)).toThrow(/access key id/);
  });
});

describe('generic webhook', () => {
  it('posts JSON with an HMAC-SHA256 signature over timestamp.body', async () => {
    await createWebhookMailer({ ...sender, url: `${base}/hooks/mail`, now: () => 1_700_000_000_000 }, secretsWith(SECRET), fetchFn).send(message);
    const r = only();
    expect(r.url).toBe('/hooks/mail');
    expect(r.headers['x-secure-share-timestamp']).toBe('1700000000');
    const expected = `v1=${createHmac('sha256', SECRET).update(`1700000000.${r.body}`).digest('hex')}`;
    expect(r.headers['x-secure-share-signature']).toBe(expected);
    expect(JSON.parse(r.body)).toEqual({
      kind: 'link',
      from: { address: 'share@acme.com', name: 'Acme Share' },
      to: ['ann@example.com'],
      subject: 'Hello "there"',
      text: 'plain body',
      html: '<p>html body</p>',
    });
    expect(r.body).not.toContain(SECRET);
  });

  it('refuses non-https webhook URLs (loopback excepted for local testing)', () => {
    expect(() => createWebhookMailer({ ...sender, url: 'http://relay.acme.com/x' }, secretsWith(SECRET), fetchFn)).toThrow(/https/);
    expect(() => createWebhookMailer({ ...sender, url: 'https://u:p@relay.acme.com/x' }, secretsWith(SECRET), fetchFn)).toThrow(/credentials/);
    expect(() => createWebhookMailer({ ...sender, url: 'not a url' }, secretsWith(SECRET), fetchFn)).toThrow(/valid URL/);
  });
});

describe('errors', () => {
  const all = () => [
    createSendGridMailer({ ...sender, baseUrl: base }, secretsWith(SECRET), fetchFn),
    createMailgunMailer({ ...sender, domain: 'mg.acme.com', region: 'us', baseUrl: base }, secretsWith(SECRET), fetchFn),
    createPostmarkMailer({ ...sender, baseUrl: base }, secretsWith(SECRET), fetchFn),
    createResendMailer({ ...sender, baseUrl: base }, secretsWith(SECRET), fetchFn),
    createSesMailer({ ...sender, region: 'us-east-1', accessKeyId: 'AKIAEXAMPLEKEY123456', baseUrl: base }, secretsWith(SECRET), fetchFn),
    createWebhookMailer({ ...sender, url: `${base}/hook` }, secretsWith(SECRET), fetchFn),
  ];

  it.each([401, 403, 422, 429, 500, 503])('maps HTTP %i to upstream_unavailable with the status and no secret or body', async (status) => {
    replyStatus = status;
    replyBody = JSON.stringify({ message: `echo ${SECRET} ann@example.com` });
    for (const mailer of all()) {
      const error = await mailer.send(message).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('upstream_unavailable');
      expect((error as DomainError).message).toContain(`HTTP ${status}`);
      expect((error as DomainError).message).not.toContain(SECRET);
      expect((error as DomainError).message).not.toContain('ann@example.com');
    }
  });

  it('maps a network failure to upstream_unavailable', async () => {
    const down: FetchLike = async () => {
      throw new TypeError('fetch failed: connect ECONNREFUSED');
    };
    await expect(createResendMailer(sender, secretsWith(SECRET), down).send(message)).rejects.toMatchObject({
      code: 'upstream_unavailable',
      message: expect.stringContaining('Could not reach Resend'),
    });
  });

  it('fails clearly when the API key is missing, without calling the provider', async () => {
    await expect(createSendGridMailer({ ...sender, baseUrl: base }, secretsWith(undefined), fetchFn).send(message)).rejects.toMatchObject({
      code: 'upstream_unavailable',
      message: expect.stringContaining('API key is missing'),
    });
    expect(received).toHaveLength(0);
  });

  it.each([
    'victim@example.com\r\nBcc: x@evil.io',
    'a@example.com, x@evil.io',
    '"a@example.com"@evil.io',
    'a@example.com@evil.io',
    'Ann <ann@example.com>',
    '',
  ])('rejects the recipient %j before any request', async (to) => {
    await expect(createSendGridMailer({ ...sender, baseUrl: base }, secretsWith(SECRET), fetchFn).send({ ...message, to: [to] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect(received).toHaveLength(0);
  });

  it('rejects a multi-line subject and a bad sender', async () => {
    await expect(createResendMailer({ ...sender, baseUrl: base }, secretsWith(SECRET), fetchFn).send({ ...message, subject: 'a\r\nBcc: x' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(createResendMailer({ fromAddress: 'nope', fromName: '', baseUrl: base }, secretsWith(SECRET), fetchFn).send(message)).rejects.toMatchObject({ code: 'invalid_input' });
    expect(received).toHaveLength(0);
  });

  it('refuses to send when no provider is configured', async () => {
    const mailer = createMailerFromSettings({ provider: 'none', ...sender, options: {} }, secretsWith(SECRET), fetchFn);
    await expect(mailer.send(message)).rejects.toMatchObject({ code: 'upstream_unavailable', message: expect.stringContaining('not configured') });
  });
});

describe('mail timeout', () => {
  it('a provider that never answers fails within the timeout with a plain message, and the request is aborted', async () => {
    const { postOrThrow } = await import('../../src/adapters/mail/http-mail');
    let aborted = false;
    const hanging: FetchLike = (_url, init) =>
      new Promise(() => {
        init.signal?.addEventListener('abort', () => (aborted = true));
      });
    const started = Date.now();
    const error = await postOrThrow(hanging, 'SendGrid', 'https://api.sendgrid.com/v3/mail/send', { method: 'POST', headers: {}, body: '{}' }, 50).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('upstream_unavailable');
    expect((error as DomainError).message).toBe('SendGrid did not answer within 50 ms, so the email was not sent. Try again later.');
    expect(aborted).toBe(true);
  });
});
