import type { ShareContext } from './share-context';
import type { SharedTree } from '../app/view/share-tree';

/**
 * Inline images (for hosts that cannot send binary responses): the pictures a page embeds are fetched
 * in one parallel wave and handed to the sanitizer as data: URLs. Only raster images, only from pages
 * in the shared tree, at most 20 per page and 1 MB each (3 MB in total, under the 5 MB response limit).
 */
export const MAX_INLINE_IMAGES = 20;
export const MAX_INLINE_IMAGE_BYTES = 1024 * 1024;
export const MAX_INLINE_TOTAL_BYTES = 3 * 1024 * 1024;

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

/** `${pageId}/${fileName}` → data: URL for the images that could be fetched. */
export const loadInlineImages = async (ctx: ShareContext, bodyHtml: string, tree: SharedTree): Promise<Map<string, string>> => {
  const wanted = new Map<string, { pageId: string; attachmentId: string }>();
  for (const tag of bodyHtml.match(IMG_TAG) ?? []) {
    const src = attribute(tag, 'src') ?? '';
    const path = SRC_PATH.exec(src);
    const attachmentId = attribute(tag, 'data-linked-resource-id');
    if (!path?.[1] || !path[2] || !attachmentId || !/^[A-Za-z0-9_-]{1,64}$/.test(attachmentId)) continue;
    const fileName = decode(path[2]);
    if (fileName === null || !tree.nodes.has(path[1])) continue;
    wanted.set(`${path[1]}/${fileName}`, { pageId: path[1], attachmentId });
    if (wanted.size >= MAX_INLINE_IMAGES) break;
  }
  const entries = [...wanted.entries()];
  const downloads = await Promise.all(
    entries.map(([, ref]) => ctx.deps.content.downloadAttachment(ref.pageId, ref.attachmentId).catch(() => undefined)),
  );
  const images = new Map<string, string>();
  let total = 0;
  entries.forEach(([key], index) => {
    const data = downloads[index];
    if (!data || !RASTER.has(data.mediaType.toLowerCase()) || data.bytes.byteLength > MAX_INLINE_IMAGE_BYTES) return;
    if (total + data.bytes.byteLength > MAX_INLINE_TOTAL_BYTES) return;
    total += data.bytes.byteLength;
    images.set(key, `data:${data.mediaType.toLowerCase()};base64,${Buffer.from(data.bytes).toString('base64')}`);
  });
  return images;
};
