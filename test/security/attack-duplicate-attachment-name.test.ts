/**
 * Issue 11, item 7: "A duplicate file name gets a misleading 503." Confluence refuses a second
 * attachment of the same name on a page (400, mapped by the REST adapter to DomainError
 * 'already_exists'); the view showed "Temporarily unavailable", which invites the visitor to retry the
 * same upload forever. The visitor now gets a 409 page that says what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import type { HttpResponse } from '../../src/web/http';
import { createShareHandler } from '../../src/web/share-handler';
import { interceptCalls } from '../support/intercept-calls';
import { BASE, cookiesFrom, createWorld, request, type World } from '../hardening/support/world';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => w?.close());

/** The world's Confluence, except that every upload fails with `error`. */
const failingUpload = (error: Error) =>
  interceptCalls(w.deps.content, (method, proceed) => (method === 'uploadAttachment' ? Promise.reject(error) : proceed()));

const text = (response: HttpResponse): string => (typeof response.body === 'string' ? response.body : '');

/** A multipart upload from the open link's own page (its cookie and CSRF token). */
const uploadFrom = async (handle: (req: ReturnType<typeof request>) => Promise<HttpResponse>, fileName: string, content: string) => {
  const page = await handle(request('GET', `/s/${w.tokens.open}`, { headers: { 'sec-fetch-site': ['none'] } }));
  const csrf = /name="csrf" value="([^"]+)"/.exec(text(page))?.[1] ?? '';
  const [cookie] = cookiesFrom(page);
  expect(csrf).not.toBe('');
  const body =
    `--XB\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n` +
    `--XB\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--XB--\r\n`;
  return handle(
    request('POST', `/s/${w.tokens.open}/attachments`, {
      headers: {
        'content-type': ['multipart/form-data; boundary=XB'],
        'sec-fetch-site': ['same-origin'],
        origin: [BASE],
        ...(cookie ? { cookie: [cookie] } : {}),
      },
      body,
    }),
  );
};

describe('attack: uploading a file whose name the page already has', () => {
  it('Confluence refusing the duplicate (already_exists) gives a 409 page naming the file and what to do, not a 503', async () => {
    const handle = createShareHandler({
      ...w.deps,
      content: failingUpload(new DomainError('already_exists', 'An attachment with this name already exists')),
    });
    const reply = await uploadFrom(handle, 'notes.txt', 'second version');
    expect(reply.status).toBe(409);
    expect(text(reply)).toContain('A file with this name is already attached');
    expect(text(reply)).toContain('This page already has a file named &quot;notes.txt&quot;. Rename your file and upload it again.');
    expect(text(reply)).not.toContain('Temporarily unavailable');
  });

  it('other Confluence failures still show the generic "unavailable" page (503), without details', async () => {
    const handle = createShareHandler({
      ...w.deps,
      content: failingUpload(new Error('socket hang up at 10.0.0.1')),
    });
    const reply = await uploadFrom(handle, 'other.txt', 'content');
    expect(reply.status).toBe(503);
    expect(text(reply)).not.toContain('10.0.0.1');
  });

  it('through the Confluence emulator: the first upload of a name succeeds, the same name again is a clear 409', async () => {
    const first = await uploadFrom((req) => w.handle(req), 'report-dup.txt', 'first');
    expect(first.status).toBe(303);
    const second = await uploadFrom((req) => w.handle(req), 'report-dup.txt', 'second');
    expect(second.status).toBe(409);
    expect(text(second)).toContain('Rename your file and upload it again.');
  });
});
