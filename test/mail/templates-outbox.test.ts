import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_EMAIL_BRANDING,
  renderExpiryReminderEmail,
  renderLinkEmail,
  renderLinkOpenedEmail,
  renderOneTimeCodeEmail,
  renderPageUpdatedEmail,
  renderSubscriptionConfirmEmail,
} from '../../src/core/email-templates';
import { createOutboxMailer } from '../../src/adapters/local/outbox';
import { handleOutboxRequest } from '../../src/dev/outbox-page';
import type { HttpRequest } from '../../src/web/http';

const branding = { ...DEFAULT_EMAIL_BRANDING, heading: 'Acme <Docs>', footerText: 'Acme & Co', logoUrl: 'javascript:alert(1)' };

describe('email templates', () => {
  it('link email escapes everything, never carries the password, and says it comes separately', () => {
    const mail = renderLinkEmail({
      branding,
      senderName: 'Eve <script>',
      pageTitle: 'Plan "Q4" <img src=x onerror=alert(1)>\r\nBcc: x@evil.io',
      url: 'https://share.acme.com/s/abc',
      message: 'Hi <b>there</b>',
      hasPassword: true,
      expiresAt: Date.UTC(2026, 11, 24, 10, 30),
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.html).not.toContain('<b>there</b>');
    expect(mail.html).toContain('Acme &lt;Docs&gt;');
    expect(mail.html).toContain('Acme &amp; Co');
    expect(mail.html).not.toContain('javascript:');
    expect(mail.html).toContain('href="https://share.acme.com/s/abc"');
    expect(mail.text).toContain('https://share.acme.com/s/abc');
    expect(mail.text).toContain('The sender will give you the password separately.');
    expect(mail.text).toContain('2026-12-24 10:30 UTC');
  });

  it('drops non-http action URLs', () => {
    const mail = renderLinkEmail({ branding, senderName: 'A', pageTitle: 'P', url: 'javascript:alert(1)', hasPassword: false, expiresAt: null });
    expect(mail.html).not.toContain('javascript:');
    expect(mail.text).not.toContain('javascript:');
    expect(mail.text).not.toContain('password');
  });

  it('renders the other templates with text and html', () => {
    const all = [
      renderOneTimeCodeEmail({ branding, code: '123456', pageTitle: 'P', validMinutes: 10 }),
      renderSubscriptionConfirmEmail({ branding, pageTitle: 'P', confirmUrl: 'https://x.test/c', unsubscribeUrl: 'https://x.test/u' }),
      renderPageUpdatedEmail({ branding, sharedPageTitle: 'Root', changedPageTitle: 'Child', updateCount: 5, lastUpdatedAt: 0, unsubscribeUrl: 'https://x.test/u' }),
      renderExpiryReminderEmail({ branding, linkName: 'L', pageTitle: 'P', expiresAt: 3 * 86_400_000, now: 0 }),
      renderLinkOpenedEmail({ branding, linkName: 'L', pageTitle: 'P', openedAt: 0 }),
    ];
    for (const m of all) {
      expect(m.subject.length).toBeGreaterThan(0);
      expect(m.html).toMatch(/^<!doctype html>/);
      expect(m.text.length).toBeGreaterThan(0);
    }
    expect(all[0]!.text).toContain('123456');
    expect(all[1]!.html).toContain('https://x.test/c');
    expect(all[1]!.text).toContain('https://x.test/u');
    expect(all[2]!.text).toContain('5 edits');
    expect(all[3]!.subject).toContain('in 3 days');
  });
});

describe('local outbox', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const get = (path: string, method = 'GET'): HttpRequest => ({ method, path, headers: {}, query: {}, body: '' });

  it('stores messages with an index and serves them newest first in a sandboxed iframe', async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-'));
    let t = 1_700_000_000_000;
    const outbox = createOutboxMailer(dir, () => t++);
    await Promise.all(
      [1, 2, 3].map((n) => outbox.send({ to: [`u${n}@example.com`], subject: `S${n}`, text: `t${n}`, html: `<p onclick="x()">h${n}</p><script>alert(1)</script>`, kind: 'link' })),
    );
    const files = await readdir(dir);
    expect(files.filter((f) => f.endsWith('.json') && f !== 'index.json')).toHaveLength(3);
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
    expect(index).toHaveLength(3);
    const listed = await outbox.list();
    expect(listed.map((e) => e.at)).toEqual([...listed.map((e) => e.at)].sort((a, b) => b - a));

    const list = await handleOutboxRequest(get('/outbox'), dir);
    expect(list?.status).toBe(200);
    expect(String(list?.body)).toContain(listed[0]!.id);

    const one = await handleOutboxRequest(get(`/outbox/${listed[0]!.id}`), dir);
    const body = String(one?.body);
    expect(one?.status).toBe(200);
    expect(body).toContain('<iframe sandbox=""');
    expect(body).toContain('srcdoc="&lt;meta http-equiv=&quot;Content-Security-Policy&quot;');
    // The message HTML is only inside the (escaped) srcdoc attribute, never live in the page.
    expect(body).not.toContain('<script>alert(1)</script>');
    expect(one?.headers['content-security-policy']?.[0]).toContain("default-src 'none'");

    expect((await handleOutboxRequest(get('/outbox/../../etc/passwd'), dir))?.status ?? 404).toBe(404);
    expect((await handleOutboxRequest(get('/outbox/0000000000000-000000000000'), dir))?.status).toBe(404);
    expect((await handleOutboxRequest(get('/outbox', 'POST'), dir))?.status).toBe(405);
    expect(await handleOutboxRequest(get('/api/x'), dir)).toBeUndefined();
  });

  it('rejects header-injection recipients', async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-'));
    await expect(createOutboxMailer(dir).send({ to: ['a@example.com\r\nBcc: x@evil.io'], subject: 's', text: 't', html: 'h', kind: 'otp' })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
