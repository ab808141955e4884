import type { Attachment } from '../app/ports';
import type { ShareContext } from './share-context';
import type { SharedTree } from '../app/view/share-tree';
import { escapeHtml } from './render/escape';
import { PAGE_FRAME_BYTES, WEB_TRIGGER_RESPONSE_BUDGET } from './responses';

/**
 * Inline images (for hosts that cannot send binary responses): the pictures a page embeds are fetched
 * in one parallel wave and handed to the sanitizer as data: URLs. Only raster images, only from pages
 * in the shared tree, at most 20 per page and 1 MB each.
 *
 * Every response must stay under the web trigger's 5 MB limit, so images are budgeted on their ENCODED
 * size (base64 adds a third): they are taken in page order while the page's own HTML plus the images
 * stays under WEB_TRIGGER_RESPONSE_BUDGET, and the rendered page is measured again at the end
 * (`renderWithinBudget`). A picture left out shows a visible "Image not shown" note instead.
 */
export const MAX_INLINE_IMAGES = 20;
export const MAX_INLINE_IMAGE_BYTES = 1024 * 1024;

const RASTER = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const IMG_TAG = /<img\b[^>]*>/gi;
const attribute = (tag: string, name: string): string | undefined => {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return match ? (match[1] ?? match[2]) : undefined;
};
const SRC_PATH = /\/wiki\/download\/(?:attachments|thumbnails)\/(\d{1,20})\/([^?#"']+)/;

const decode = (value: string): string | null => {
  try {
    return decodeURIComponent(value.replace(/&amp;/g, '&'));
  } catch {
    return null;
  }
};

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };
const unescapeAttribute = (value: string): string => value.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (entity) => ENTITIES[entity] ?? entity);

/** base64 length of `bytes` bytes. */
export const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

interface ImageRef {
  key: string;
  pageId: string;
  fileName: string;
  attachmentId: string | undefined;
}

/** The attachment picture an <img> tag shows (`${pageId}/${fileName}`), when it is one of an in-tree page. */
const imageRefOf = (tag: string, tree: SharedTree): ImageRef | null => {
  const path = SRC_PATH.exec(attribute(tag, 'src') ?? '');
  if (!path?.[1] || !path[2]) return null;
  const fileName = decode(path[2]);
  if (fileName === null || !tree.nodes.has(path[1])) return null;
  return { key: `${path[1]}/${fileName}`, pageId: path[1], fileName, attachmentId: attribute(tag, 'data-linked-resource-id') };
};

/**
 * `${pageId}/${fileName}` → data: URL for the images that could be fetched and fit the budget. `listed`:
 * attachments the view already listed (the page's own); their bytes are fetched without a metadata read.
 */
export const loadInlineImages = async (
  ctx: ShareContext,
  bodyHtml: string,
  tree: SharedTree,
  listed: readonly Attachment[] = [],
  budgetBytes: number = WEB_TRIGGER_RESPONSE_BUDGET,
): Promise<Map<string, string>> => {
  const wanted = new Map<string, { pageId: string; attachmentId: string }>();
  for (const tag of bodyHtml.match(IMG_TAG) ?? []) {
    const ref = imageRefOf(tag, tree);
    if (!ref?.attachmentId || !/^[A-Za-z0-9_-]{1,64}$/.test(ref.attachmentId)) continue;
    wanted.set(ref.key, { pageId: ref.pageId, attachmentId: ref.attachmentId });
    if (wanted.size >= MAX_INLINE_IMAGES) break;
  }
  const entries = [...wanted.entries()];
  const downloads = await Promise.all(
    entries.map(([, ref]) => {
      const known = listed.find((a) => a.id === ref.attachmentId && a.pageId === ref.pageId);
      return ctx.deps.content.downloadAttachment(ref.pageId, ref.attachmentId, known).catch(() => undefined);
    }),
  );
  const images = new Map<string, string>();
  let remaining = budgetBytes - Buffer.byteLength(bodyHtml, 'utf8') - PAGE_FRAME_BYTES;
  entries.forEach(([key], index) => {
    const data = downloads[index];
    if (!data || !RASTER.has(data.mediaType.toLowerCase()) || data.bytes.byteLength > MAX_INLINE_IMAGE_BYTES) return;
    const prefix = `data:${data.mediaType.toLowerCase()};base64,`;
    const encodedBytes = prefix.length + base64Length(data.bytes.byteLength);
    if (encodedBytes > remaining) return;
    remaining -= encodedBytes;
    images.set(key, prefix + Buffer.from(data.bytes).toString('base64'));
  });
  return images;
};

/**
 * Replaces every in-tree attachment picture that is not in `shown` with a visible note, before the
 * HTML is sanitized (the note is plain escaped text in a span, which the sanitizer keeps).
 */
export const markImagesNotShown = (bodyHtml: string, tree: SharedTree, shown: ReadonlyMap<string, string>): string =>
  bodyHtml.replace(IMG_TAG, (tag) => {
    const ref = imageRefOf(tag, tree);
    if (!ref || shown.has(ref.key)) return tag;
    const label = unescapeAttribute(attribute(tag, 'alt') ?? '').trim() || ref.fileName;
    return `<span class="image-not-shown">[Image not shown: ${escapeHtml(label.slice(0, 200))} — too large to include on this page]</span>`;
  });

/**
 * Renders the page with as many of `images` as keep it under `budgetBytes` (UTF-8 bytes of the final
 * HTML): when a render is over, the largest images are left out until the overshoot is covered, and the
 * page is rendered again. Null when even the page without any image is over the budget.
 */
export const renderWithinBudget = (
  images: ReadonlyMap<string, string> | null,
  render: (shown: ReadonlyMap<string, string> | null) => string,
  budgetBytes: number = WEB_TRIGGER_RESPONSE_BUDGET,
): string | null => {
  const shown = images === null ? null : new Map(images);
  for (;;) {
    const html = render(shown);
    const overshoot = Buffer.byteLength(html, 'utf8') - budgetBytes;
    if (overshoot <= 0) return html;
    if (shown === null || shown.size === 0) return null;
    let freed = 0;
    for (const [key, dataUrl] of [...shown].sort((a, b) => b[1].length - a[1].length)) {
      if (freed >= overshoot) break;
      shown.delete(key);
      freed += dataUrl.length;
    }
  }
};
