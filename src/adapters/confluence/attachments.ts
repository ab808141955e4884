/**
 * Attachments as the app: the v2 list, bytes through the v1 download operation (302 to the media
 * service, followed by the request function), and the v1 multipart upload.
 */
import { DomainError } from '../../core/errors';
import type { Attachment, AttachmentData, ConfluenceContent } from '../../app/ports';
import type { AdapterContext } from './context';
import { attachmentListSchema, attachmentSchema, v1AttachmentSchema } from './schemas';
import {
  appUnauthorized,
  ATTACHMENT_ID,
  collect,
  epoch,
  getJson,
  JSON_HEADERS,
  NOT_FOUND,
  PAGE_ID,
  parse,
  path,
  REFUSED,
  send,
  upstreamError,
} from './transport';

const ATTACHMENTS_PER_REQUEST = 250;
const OCTET_STREAM = 'application/octet-stream';

const tooLarge = (): DomainError =>
  new DomainError('payload_too_large', 'This attachment is too large to download through the share link.');

export const createAttachments = (
  ctx: AdapterContext,
): Pick<ConfluenceContent, 'listAttachments' | 'downloadAttachment' | 'uploadAttachment'> => {
  const { asApp, maxDownload } = ctx;

  /** Metadata when the caller has none: v2 GET /attachments/{id}, only if it is a current attachment of `pageId`. */
  const metadataOf = async (pageId: string, attachmentId: string): Promise<Attachment | undefined> => {
    const meta = await getJson(asApp, path`/wiki/api/v2/attachments/${attachmentId}`, attachmentSchema);
    if (!meta || meta.pageId !== pageId || (meta.status ?? 'current') !== 'current') return undefined;
    return {
      id: meta.id,
      pageId,
      title: meta.title ?? meta.id,
      mediaType: meta.mediaType ?? OCTET_STREAM,
      fileSize: meta.fileSize ?? 0,
      createdAt: epoch(meta.createdAt),
    };
  };

  return {
    async listAttachments(pageId) {
      if (!PAGE_ID.test(pageId)) return [];
      const items = await collect(asApp, path`/wiki/api/v2/pages/${pageId}/attachments?limit=${ATTACHMENTS_PER_REQUEST}`, attachmentListSchema);
      return (items ?? [])
        .filter((a) => (a.status ?? 'current') === 'current')
        .map(
          (a): Attachment => ({
            id: a.id,
            pageId,
            title: a.title ?? a.id,
            mediaType: a.mediaType ?? OCTET_STREAM,
            fileSize: a.fileSize ?? 0,
            createdAt: epoch(a.createdAt),
          }),
        );
    },

    async downloadAttachment(pageId, attachmentId, known) {
      if (!PAGE_ID.test(pageId) || !ATTACHMENT_ID.test(attachmentId)) return undefined;
      // The attachment must belong to the page the link shares, whatever id the visitor asked for:
      // the caller's listing of that page proves it, else the metadata read does. The v1 path is
      // scoped to the page as well.
      const meta = known ?? (await metadataOf(pageId, attachmentId));
      if (!meta || meta.id !== attachmentId || meta.pageId !== pageId) return undefined;
      if (meta.fileSize > maxDownload) throw tooLarge();
      const res = await send(asApp, path`/wiki/rest/api/content/${pageId}/child/attachment/${attachmentId}/download`);
      if (NOT_FOUND.has(res.status)) return undefined;
      if (REFUSED.has(res.status)) throw appUnauthorized(res.status);
      if (!res.ok) throw upstreamError(res);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.byteLength > maxDownload) throw tooLarge();
      return { mediaType: meta.mediaType, fileName: meta.title, bytes };
    },

    async uploadAttachment(pageId, file: AttachmentData, comment) {
      if (!PAGE_ID.test(pageId)) throw new DomainError('not_found', 'The page is not available.');
      const boundary = `----secure-share-${globalThis.crypto.randomUUID()}`;
      const body = multipartBody(boundary, [
        { name: 'file', fileName: file.fileName, contentType: file.mediaType, data: file.bytes },
        { name: 'comment', data: new TextEncoder().encode(comment) },
        { name: 'minorEdit', data: new TextEncoder().encode('true') },
      ]);
      const res = await send(asApp, path`/wiki/rest/api/content/${pageId}/child/attachment`, {
        method: 'POST',
        headers: {
          ...JSON_HEADERS,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'X-Atlassian-Token': 'no-check',
        },
        body,
      });
      if (NOT_FOUND.has(res.status)) throw new DomainError('not_found', 'The page is not available.');
      if (REFUSED.has(res.status)) throw appUnauthorized(res.status);
      if (res.status === 400) {
        const detail = await res.text().catch(() => '');
        if (/same file name|already exists/i.test(detail)) {
          throw new DomainError('already_exists', `An attachment named "${file.fileName}" already exists on this page.`);
        }
        throw new DomainError('invalid_input', 'Confluence rejected the attachment.');
      }
      if (res.status === 413) throw new DomainError('payload_too_large', 'The attachment is too large for Confluence.');
      if (!res.ok) throw upstreamError(res);
      const created = (await parse(res, v1AttachmentSchema)).results[0];
      if (!created?.id) throw new DomainError('upstream_unavailable', 'Confluence did not confirm the upload.');
      return {
        id: created.id,
        pageId,
        title: created.title ?? file.fileName,
        mediaType: created.extensions?.mediaType ?? created.metadata?.mediaType ?? file.mediaType,
        fileSize: created.extensions?.fileSize ?? file.bytes.byteLength,
        createdAt: epoch(created.version?.when) || Date.now(),
      };
    },
  };
};

interface MultipartPart {
  name: string;
  fileName?: string;
  contentType?: string;
  data: Uint8Array;
}

/** multipart/form-data body as an ArrayBuffer (Forge RequestInit takes string | ArrayBuffer). */
export const multipartBody = (boundary: string, parts: MultipartPart[]): ArrayBuffer => {
  const encoder = new TextEncoder();
  // Quotes and line breaks would break out of the header; browsers encode them the same way.
  const headerValue = (v: string): string => v.replace(/"/g, '%22').replace(/[\r\n]/g, ' ');
  const pieces: Uint8Array[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${headerValue(part.name)}"`;
    if (part.fileName !== undefined) head += `; filename="${headerValue(part.fileName)}"`;
    head += '\r\n';
    if (part.contentType) head += `Content-Type: ${headerValue(part.contentType)}\r\n`;
    pieces.push(encoder.encode(`${head}\r\n`), part.data, encoder.encode('\r\n'));
  }
  pieces.push(encoder.encode(`--${boundary}--\r\n`));
  const total = pieces.reduce((n, c) => n + c.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of pieces) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out.buffer;
};
