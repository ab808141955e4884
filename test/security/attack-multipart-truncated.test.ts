/**
 * Issue 11, item 1: "One anonymous request kills the process." A multipart/form-data POST to
 * /s/<well-formed token>/… whose body ends inside a file part made busboy destroy the file stream with
 * an error nothing listened to: the local server died and the Forge adapter never answered. No valid
 * link was needed. Here the same bodies go to the form parser, to the share handler, and to the real
 * local server running in its own process, which must answer each with a 4xx and stay up. Aborted
 * uploads and bodies that never finish must not crash or hold it either.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebTriggerHandler } from '../../src/adapters/forge/web-trigger';
import { MAX_UPLOAD_FILE_BYTES } from '../../src/app/view/upload-rules';
import { parseForm } from '../../src/web/forms';
import type { HttpRequest } from '../../src/web/http';
import { createShareHandler } from '../../src/web/share-handler';
import { spawnServerProcess, type ServerProcess } from '../hardening/support/server-process';
import { createWorld, request, type World } from '../hardening/support/world';

const BOUNDARY = 'XB';
const WELL_FORMED_TOKEN = `${'A'.repeat(22)}${'B'.repeat(43)}`;

const fullBody = (content = 'hello, this is the file content\r\nsecond line'): string =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nabc\r\n` +
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n` +
  `--${BOUNDARY}--\r\n`;

const multipart = (body: string, contentType = `multipart/form-data; boundary=${BOUNDARY}`): HttpRequest => ({
  method: 'POST',
  path: `/s/${WELL_FORMED_TOKEN}/attachments`,
  headers: { 'content-type': [contentType], 'sec-fetch-site': ['same-origin'], host: ['share.example.test'] },
  query: {},
  body,
});

/** The attack: the body stops inside the file part (and at every other cut point). */
const truncations = (): string[] => {
  const body = fullBody();
  const complete = body.indexOf(`--${BOUNDARY}--`) + `--${BOUNDARY}--`.length;
  const cuts: string[] = [];
  for (let end = 0; end < complete; end += 1) cuts.push(body.slice(0, end));
  return cuts;
};

/** Lets every pending stream error surface before the test ends (it would fail the run if unhandled). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('attack: multipart body truncated inside a file part', () => {
  it('the form parser answers every cut of the body as a refused form, never throws, never leaves an error behind', async () => {
    const cuts = truncations();
    expect(cuts.some((cut) => cut.includes('filename="a.txt"') && cut.endsWith('hello'))).toBe(true);
    for (const cut of cuts) {
      const result = await parseForm(multipart(cut));
      expect(result.ok, JSON.stringify(cut.slice(-40))).toBe(false);
    }
    // Control: the whole body parses, with its file.
    const whole = await parseForm(multipart(fullBody()));
    expect(whole.ok && whole.form.file?.fileName).toBe('a.txt');
    await settle();
  });

  it('the share handler answers 400 to a truncated upload to a well-formed token, with or without a link behind it', async () => {
    const world: World = await createWorld();
    try {
      const handle = createShareHandler(world.deps);
      const cut = fullBody().slice(0, fullBody().indexOf('second line'));
      // No link behind the token: the same 404 as any unknown link (the body was still parsed first).
      const unknown = await handle({ ...multipart(cut), path: `/s/${WELL_FORMED_TOKEN}/attachments` });
      expect([400, 404]).toContain(unknown.status);
      for (const token of [world.tokens.open, world.tokens.password]) {
        const reply = await handle({ ...multipart(cut), path: `/s/${token}/attachments` });
        expect(reply.status).toBe(400);
        expect(String(reply.body)).toContain('could not be read');
      }
      // The same through the world's request helper, on every POST route.
      for (const suffix of ['/password', '/email/send', '/comments', '/subscribe', '/p/1002/attachments']) {
        const reply = await world.handle(
          request('POST', `/s/${world.tokens.open}${suffix}`, {
            headers: { 'content-type': [`multipart/form-data; boundary=${BOUNDARY}`] },
            body: cut,
          }),
        );
        expect(reply.status).toBe(400);
      }
      await settle();
    } finally {
      await world.close();
    }
  });

  it('the Forge web trigger adapter answers it (400) instead of never returning', async () => {
    const world: World = await createWorld();
    try {
      const trigger = createWebTriggerHandler(createShareHandler(world.deps), { log: () => undefined });
      const cut = fullBody().slice(0, fullBody().indexOf('second line'));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const reply = await Promise.race([
        trigger({
          method: 'POST',
          path: `/x/s/${world.tokens.open}/attachments`,
          userPath: `/s/${world.tokens.open}/attachments`,
          headers: { 'content-type': [`multipart/form-data; boundary=${BOUNDARY}`], 'sec-fetch-site': ['same-origin'] },
          queryParameters: {},
          body: cut,
        }),
        new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 10_000))),
      ]).finally(() => clearTimeout(timer));
      expect(reply === 'hung' ? reply : reply.statusCode).toBe(400);
      await settle();
    } finally {
      await world.close();
    }
  });

  it('a file of exactly the upload limit is read whole; one byte more is refused as too large', async () => {
    const exact = await parseForm(multipart(fullBody('a'.repeat(MAX_UPLOAD_FILE_BYTES))));
    expect(exact.ok && exact.form.file?.bytes.byteLength).toBe(MAX_UPLOAD_FILE_BYTES);
    const over = await parseForm(multipart(fullBody('a'.repeat(MAX_UPLOAD_FILE_BYTES + 1))));
    expect(over).toEqual({ ok: false, problem: 'too_large' });
  });
});

describe('attack: the real local server process under broken, aborted and endless bodies', () => {
  let proc: ServerProcess;
  let host = '';
  let port = 0;
  let linkPath = '';

  beforeAll(async () => {
    proc = await spawnServerProcess({ BODY_TIMEOUT_MS: '400' });
    const url = new URL(proc.url);
    host = url.host;
    port = Number(url.port);
    // A real link that takes uploads, so the body is parsed and used whatever order the handler checks in.
    const created = await fetch(`${proc.url}/api/invoke/createLink`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload: { pageId: '1001', settings: { name: 'uploads', attachments: 'view_add' } }, context: { accountId: 'u-editor' } }),
    });
    const envelope = (await created.json()) as { ok: boolean; data?: { url: string } };
    expect(envelope.ok).toBe(true);
    linkPath = new URL(envelope.data?.url ?? '').pathname;
  }, 60_000);
  afterAll(async () => proc?.stop());

  /** Sends raw bytes over one connection; resolves with what came back when the server closes it or after `waitMs`. */
  const raw = (data: string, options: { end?: boolean; waitMs?: number; abortAfterMs?: number } = {}): Promise<string> =>
    new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      const done = () => {
        socket.destroy();
        resolve(received);
      };
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('error', done);
      socket.on('close', done);
      socket.write(data);
      if (options.end) socket.end();
      if (options.abortAfterMs !== undefined) setTimeout(() => socket.destroy(), options.abortAfterMs);
      setTimeout(done, options.waitMs ?? 3000);
    });

  const post = (path: string, body: string, contentLength = Buffer.byteLength(body, 'latin1')): string =>
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
    `Sec-Fetch-Site: same-origin\r\nContent-Length: ${contentLength}\r\nConnection: close\r\n\r\n${body}`;

  const stillServing = async (): Promise<void> => {
    const reply = await fetch(`${proc.url}/`);
    expect(reply.status).toBe(200);
    expect(proc.alive(), proc.stderr()).toBe(true);
  };

  it('answers a body truncated inside a file part with a 4xx and keeps running', async () => {
    const cut = fullBody().slice(0, fullBody().indexOf('second line'));
    for (const path of [`${linkPath}/attachments`, `/s/${WELL_FORMED_TOKEN}/attachments`]) {
      const reply = await raw(post(path, cut));
      expect(reply).toMatch(path.startsWith(linkPath) ? /^HTTP\/1\.1 400 / : /^HTTP\/1\.1 4\d\d /);
    }
    await stillServing();
    expect(proc.stderr()).not.toMatch(/Unexpected end of (form|file)/);
  });

  it('survives every cut point of the body, sent to every POST route', async () => {
    const body = fullBody();
    for (const suffix of ['/attachments', '/comments', '/password', '/p/1002/attachments']) {
      for (let end = 0; end < body.length; end += 7) {
        const reply = await fetch(`${proc.url}${linkPath}${suffix}`, {
          method: 'POST',
          headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'sec-fetch-site': 'same-origin' },
          body: body.slice(0, end),
        });
        expect(reply.status).toBeGreaterThanOrEqual(400);
        expect(reply.status).toBeLessThan(500);
      }
    }
    await stillServing();
  }, 60_000);

  it('a client that aborts mid-upload (declared length never sent) does not crash it', async () => {
    const cut = fullBody().slice(0, 120);
    await raw(post(`${linkPath}/attachments`, cut, 100_000), { abortAfterMs: 50, waitMs: 300 });
    await stillServing();
  });

  it('a body that never finishes is refused with 408 after the body timeout, not held forever', async () => {
    const started = Date.now();
    const cut = fullBody().slice(0, 120);
    const reply = await raw(post(`${linkPath}/attachments`, cut, 100_000), { waitMs: 5000 });
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).toBeLessThan(4000);
    await stillServing();
  });

  it('garbage request lines and headers get a 4xx (or a closed connection), never a dead process', async () => {
    for (const data of [
      'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n',
      `GET http://[::1 HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
      `POST /s/${WELL_FORMED_TOKEN}/attachments HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
      `POST /api/invoke/%E0%A4%A HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
      '\u0000\u0001\u0002 nonsense\r\n\r\n',
      // Cookie jars: one huge Cookie header (past Node's 16 KB header limit) and hundreds of cookies.
      `GET /s/${WELL_FORMED_TOKEN} HTTP/1.1\r\nHost: ${host}\r\nCookie: big=${'x'.repeat(40_000)}\r\n\r\n`,
      `GET /s/${WELL_FORMED_TOKEN} HTTP/1.1\r\nHost: ${host}\r\nCookie: ${Array.from({ length: 400 }, (_, i) => `c${i}=v`).join('; ')}\r\n\r\n`,
    ]) {
      const reply = await raw(data, { end: true, waitMs: 1500 });
      if (reply !== '') expect(reply).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    await stillServing();
  }, 20_000);
});
