/**
 * Every web-trigger response stays within the 4.5 MB budget by construction: a page with as many
 * pictures as the app's own caps allow (20 images of up to 1 MB, a 2 MB body) is rendered under the
 * budget, the pictures left out show "Image not shown", and data: download pages fit too.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWebTriggerHandler, forgeResponseBytes } from '../../src/adapters/forge/web-trigger';
import { createLocalStore } from '../../src/adapters/local/local-store';
import type { AppDeps } from '../../src/app/deps';
import type { Attachment, ConfluenceContent, ConfluenceRights, PageContent } from '../../src/app/ports';
import { hashToken, linkIdOf, newLinkId, newToken } from '../../src/core/token';
import { createShareHandler } from '../../src/web/share-handler';
import { DAY, NOW, shareLink } from '../core/policy-fixtures';
import { buildSharedTree } from '../../src/app/view/share-tree';
import { MAX_INLINE_IMAGE_BYTES, MAX_INLINE_IMAGES, markImagesNotShown, renderWithinBudget } from '../../src/web/inline-images';
import { htmlResponse, MAX_DATA_URL_DOWNLOAD_BYTES, responseBytes, WEB_TRIGGER_RESPONSE_BUDGET } from '../../src/web/responses';
import { MAX_INLINE_DOWNLOAD_BYTES } from '../../src/web/visitor-actions';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const png = (bytes: number, seed: number): Uint8Array => {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (i * 31 + seed * 7) & 0xff;
  out.set(PNG_SIGNATURE, 0);
  return out;
};
const imgTag = (pageId: string, attachmentId: string, fileName: string, alt: string) =>
  `<img src="/wiki/download/attachments/${pageId}/${encodeURIComponent(fileName)}?version=1&amp;api=v2" data-linked-resource-id="${attachmentId}" alt="${alt}">`;

describe('renderWithinBudget and markImagesNotShown', () => {
  const tree = buildSharedTree({ id: '1', title: 'Root' }, [], { includeChildren: false, shareRestrictedChildren: false, withLabels: [], withoutLabels: [] });

  it('leaves out the largest pictures until the rendered page fits, and null when nothing can make it fit', () => {
    const images = new Map([
      ['1/a.png', 'x'.repeat(600)],
      ['1/b.png', 'y'.repeat(300)],
      ['1/c.png', 'z'.repeat(100)],
    ]);
    const render = (shown: ReadonlyMap<string, string> | null) => `<p>${'.'.repeat(100)}</p>${[...(shown ?? new Map()).values()].join('')}`;
    const html = renderWithinBudget(images, render, 600);
    expect(html).not.toBeNull();
    expect(Buffer.byteLength(html!)).toBeLessThanOrEqual(600);
    expect(html).toContain('y'.repeat(300));
    expect(html).not.toContain('xxx');
    expect(renderWithinBudget(images, () => '.'.repeat(700), 600)).toBeNull();
    expect(renderWithinBudget(null, () => '.'.repeat(500), 600)).toBe('.'.repeat(500));
  });

  it('marks each in-tree picture that is not shown with a visible, escaped note; other images are untouched', () => {
    const body = `${imgTag('1', 'att1', 'a.png', 'Chart &amp; &lt;b&gt;')}${imgTag('1', 'att2', 'b.png', '')}<img src="https://elsewhere.test/c.png">${imgTag('99', 'att3', 'd.png', 'outside')}`;
    const marked = markImagesNotShown(body, tree, new Map([['1/b.png', 'data:image/png;base64,AA==']]));
    expect(marked).toContain('[Image not shown: Chart &amp; &lt;b&gt; — too large to include on this page]');
    expect(marked).toContain('data-linked-resource-id="att2"');
    expect(marked).toContain('https://elsewhere.test/c.png');
    expect(marked).toContain('data-linked-resource-id="att3"');
  });
});

/**
 * A Confluence stand-in for this test alone (the page, its attachments and their bytes): the view is
 * driven through createShareHandler over the local store, as the web trigger would drive it.
 */
const budgetWorld = async () => {
  const files = new Map<string, { attachment: Attachment; bytes: Uint8Array }>();
  const page: PageContent = {
    id: '1001', title: 'Photos', spaceId: '9', spaceKey: 'DEV', parentId: null, status: 'current',
    bodyHtml: '', labels: [], authorId: 'acc-1', createdAt: NOW - DAY, updatedAt: NOW - DAY, version: 1,
  };
  const content = {
    getPage: async (id: string) => (id === page.id ? page : undefined),
    getDescendants: async () => [],
    listComments: async () => [],
    listAttachments: async () => [...files.values()].map((f) => f.attachment),
    downloadAttachment: async (pageId: string, id: string) => {
      const file = pageId === page.id ? files.get(id) : undefined;
      return file ? { mediaType: file.attachment.mediaType, fileName: file.attachment.title, bytes: file.bytes } : undefined;
    },
    getUser: async () => ({ accountId: 'acc-1', displayName: 'Ada', email: null }),
    getUserEmail: async () => null,
    canRead: async (_: string, ids: readonly string[]) => new Map(ids.map((id) => [id, true])),
    getPageStatuses: async () => [],
  };
  const notStubbed = (name: PropertyKey) => () => Promise.reject(new Error(`not stubbed: ${String(name)}`));
  const store = await createLocalStore({ clock: { now: () => NOW } });
  const random = (n: number) => new Uint8Array(randomBytes(n));
  const token = newToken(newLinkId(random), random);
  await store.links.create(shareLink({ id: linkIdOf(token), tokenHash: hashToken(token), pageId: page.id, spaceKey: page.spaceKey, spaceId: page.spaceId, attachments: 'view' }));
  const deps: AppDeps = {
    store,
    content: new Proxy(content, { get: (target, key) => (target as Record<PropertyKey, unknown>)[key] ?? notStubbed(key) }) as unknown as ConfluenceContent,
    rights: new Proxy({}, { get: (_, key) => notStubbed(key) }) as ConfluenceRights,
    mailer: { send: async () => undefined },
    clock: { now: () => NOW },
    random: { bytes: random },
    shareBaseUrl: async () => 'https://abc.webtrigger.atlassian.app/public/xyz',
    bcryptRounds: 4,
  };
  const handle = createShareHandler(deps, { inlineImages: true, inlineDownloads: true });
  let next = 0;
  return {
    page,
    path: `/s/${token}`,
    addFile: (title: string, mediaType: string, bytes: Uint8Array): Attachment => {
      const attachment: Attachment = { id: `att${++next}`, pageId: page.id, title, mediaType, fileSize: bytes.byteLength, createdAt: NOW };
      files.set(attachment.id, { attachment, bytes });
      return attachment;
    },
    get: (path: string) => handle({ method: 'GET', path, headers: { host: ['abc.webtrigger.atlassian.app'] }, query: {}, body: '' }),
  };
};

describe('a page with pictures at the app caps, without binary responses', () => {
  let world: Awaited<ReturnType<typeof budgetWorld>>;

  beforeAll(async () => {
    world = await budgetWorld();
    const body: string[] = [`<p>${'Long text. '.repeat(140_000)}</p>`]; // ≈ 1.5 MB of page body
    for (let i = 0; i < MAX_INLINE_IMAGES; i++) {
      const attachment = world.addFile(`photo-${i}.png`, 'image/png', png(MAX_INLINE_IMAGE_BYTES - i, i));
      body.push(imgTag('1001', attachment.id, attachment.title, `Photo ${i}`));
    }
    world.page.bodyHtml = body.join('\n');
  });

  const bodyText = (body: string | Uint8Array): string => (typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));

  it('stays within 4.5 MB, embeds what fits and says "Image not shown" for every other picture', async () => {
    const reply = await world.get(world.path);
    const html = bodyText(reply.body);
    expect(reply.status).toBe(200);
    expect(responseBytes(reply)).toBeLessThanOrEqual(WEB_TRIGGER_RESPONSE_BUDGET);
    const shown = html.match(/<img[^>]+src="data:image\/png;base64,/g) ?? [];
    const notShown = html.match(/Image not shown: Photo \d+/g) ?? [];
    expect(shown.length).toBeGreaterThan(0);
    expect(notShown.length).toBeGreaterThan(0);
    expect(shown.length + notShown.length).toBe(MAX_INLINE_IMAGES);
  });

  it('the Forge adapter sends the same page within the budget, headers included', async () => {
    const reply = await world.get(world.path);
    const forge = await createWebTriggerHandler(async () => reply)({ method: 'GET', userPath: '/s/x', headers: {}, queryParameters: {}, body: '' });
    expect(forge.statusCode).toBe(200);
    expect(forgeResponseBytes(forge)).toBeLessThanOrEqual(WEB_TRIGGER_RESPONSE_BUDGET);
  });

  it('a data: download page for the largest file it accepts fits the budget; one byte more is refused', async () => {
    expect(MAX_INLINE_DOWNLOAD_BYTES).toBe(MAX_DATA_URL_DOWNLOAD_BYTES);
    const largest = world.addFile('largest.bin', 'application/octet-stream', png(MAX_INLINE_DOWNLOAD_BYTES, 3));
    const reply = await world.get(`${world.path}/a/${largest.id}`);
    expect(reply.status).toBe(200);
    expect(bodyText(reply.body)).toContain('data:application/octet-stream;base64,');
    expect(responseBytes(reply)).toBeLessThanOrEqual(WEB_TRIGGER_RESPONSE_BUDGET);
    const over = world.addFile('over.bin', 'application/octet-stream', png(MAX_INLINE_DOWNLOAD_BYTES + 1, 4));
    const refused = await world.get(`${world.path}/a/${over.id}`);
    expect(refused.status).toBe(413);
    expect(bodyText(refused.body)).not.toContain('base64,');
  });
});

describe('the Forge adapter never sends more than the budget', () => {
  it('replaces an oversized response with a short 413 page', async () => {
    const handler = createWebTriggerHandler(async () => htmlResponse(200, 'x'.repeat(WEB_TRIGGER_RESPONSE_BUDGET + 1)));
    const forge = await handler({ method: 'GET', userPath: '/s/x', headers: {}, queryParameters: {}, body: '' });
    expect(forge.statusCode).toBe(413);
    expect(forge.body).toContain('Too large to show');
    expect(forge.headers['Content-Security-Policy']).toBeDefined();
  });
});
