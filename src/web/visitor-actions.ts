import { maskEmail, recordAudit } from '../app/audit';
import { subscriptionActionUrl } from '../app/notifications';
import { checkUpload } from '../app/view/upload-rules';
import { isDomainError } from '../core/errors';
import type { ViewPermissions } from '../core/policy';
import type { HttpResponse } from './http';
import { escapeHtml, stripUnsafeCharacters } from './render/escape';
import { renderDownloadPage, renderUnsubscribe } from './render/pages';
import { binaryResponse, contentDisposition, htmlResponse, MAX_DATA_URL_DOWNLOAD_BYTES, redirectResponse } from './responses';
import { isServableImage, loadPageScope, sizeLabel, unavailable } from './content-view';
import type { ShareContext } from './share-context';
import { cookiesToRefresh, deniedResponse, messageResponse } from './share-responses';
import { unsubscribeSignatureMatches } from './session';
import { isSubscribed, subscriptionIdFor } from './visitor-subscriptions';

const ANCHOR_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Fragments of what a visitor just wrote (the page renders the same ids: render/pages.ts). */
const commentAnchor = (id: string | undefined): string | null => (id && ANCHOR_ID.test(id) ? `comment-${id}` : null);
const attachmentAnchor = (id: string | undefined): string | null => (id && ANCHOR_ID.test(id) ? `attachment-${id}` : null);

export const MAX_COMMENT_LENGTH = 5000;
export const MAX_NAME_LENGTH = 80;
const COMMENTS_PER_LINK_PER_HOUR = 60;
const UPLOADS_PER_LINK_PER_HOUR = 30;
const HOUR_MS = 60 * 60 * 1000;

/** base64 grows a file by a third: the page carrying it stays within the response budget (responses.ts). */
export const MAX_INLINE_DOWNLOAD_BYTES = MAX_DATA_URL_DOWNLOAD_BYTES;

const SAFE_MEDIA_TYPE = /^[a-z]+\/[a-z0-9.+-]{1,100}$/;

/** Per-link hourly cap on visitor writes (T22 O7); counts survive restarts. */
const overHourlyCap = async (ctx: ShareContext, what: string, cap: number): Promise<boolean> => {
  const hour = Math.floor(ctx.now / HOUR_MS);
  const count = await ctx.deps.store.counters.increment(`${what}:${ctx.link.id}:${hour}`, (hour + 1) * HOUR_MS);
  return count > cap;
};

/** The way back after a refusal: the page, at the section the visitor was using. */
const backToPage = (ctx: ShareContext, pageId: string | null, section?: 'comments' | 'attachments' | 'updates') => ({
  url: `${ctx.urls.page(pageId ?? ctx.link.pageId)}${section ? `#${section}` : ''}`,
  label: 'Back to the page',
});

export const downloadAttachment = async (
  ctx: ShareContext,
  permissions: ViewPermissions,
  pageId: string | null,
  attachmentId: string,
): Promise<HttpResponse> => {
  if (permissions.attachments === 'none') return deniedResponse(ctx, 'attachments not shared');
  const loaded = await loadPageScope(ctx, permissions, pageId, { comments: false, attachments: true, creator: false, countView: false });
  if (!loaded.ok) return loaded.response;
  const attachment = loaded.scope.attachments.find((a) => a.id === attachmentId);
  if (!attachment) return deniedResponse(ctx, 'attachment not on a shared page');
  // The listing just proved the attachment is on the shared page: its metadata is not read again.
  const data = await ctx.deps.content.downloadAttachment(attachment.pageId, attachment.id, attachment).catch((error: unknown) => ({ error }));
  if (data && 'error' in data) return unavailable(ctx, data.error);
  if (!data) return deniedResponse(ctx, 'attachment not found');
  const mediaType = SAFE_MEDIA_TYPE.test(data.mediaType) ? data.mediaType : 'application/octet-stream';
  if (ctx.options.inlineDownloads) {
    if (data.bytes.byteLength > MAX_INLINE_DOWNLOAD_BYTES) {
      return messageResponse(
        ctx,
        413,
        'File too large to download here',
        `"${stripUnsafeCharacters(attachment.title)}" is larger than ${Math.floor((MAX_INLINE_DOWNLOAD_BYTES / 1024 / 1024) * 10) / 10} MB, the most a shared page can deliver. Ask the person who shared this page to send it another way.`,
        backToPage(ctx, pageId, 'attachments'),
      );
    }
    const page = renderDownloadPage({
      fileName: stripUnsafeCharacters(attachment.title),
      sizeLabel: sizeLabel(data.bytes.byteLength),
      // application/octet-stream keeps the browser from rendering the bytes even if it navigated to them.
      dataUrl: `data:application/octet-stream;base64,${Buffer.from(data.bytes).toString('base64')}`,
      branding: ctx.site.customization,
      back: backToPage(ctx, pageId, 'attachments'),
    });
    return htmlResponse(200, page, cookiesToRefresh(ctx), ctx.site.customization);
  }
  return binaryResponse(mediaType, data.bytes, {
    'Content-Disposition': [contentDisposition('attachment', attachment.title)],
  });
};

/** Image proxy for pictures embedded in shared pages: only raster image attachments of in-tree pages. */
export const proxyImage = async (
  ctx: ShareContext,
  permissions: ViewPermissions,
  pageId: string,
  fileName: string,
): Promise<HttpResponse> => {
  const loaded = await loadPageScope(ctx, permissions, pageId === ctx.link.pageId ? null : pageId, {
    comments: false,
    attachments: true,
    creator: false,
    countView: false,
  });
  if (!loaded.ok) return loaded.response;
  const attachment = loaded.scope.attachments.find((a) => a.title === fileName && isServableImage(a.mediaType));
  if (!attachment) return deniedResponse(ctx, 'image not on a shared page');
  let data;
  try {
    data = await ctx.deps.content.downloadAttachment(attachment.pageId, attachment.id, attachment);
  } catch (error) {
    return unavailable(ctx, error);
  }
  if (!data || !isServableImage(data.mediaType)) return deniedResponse(ctx, 'image not found');
  return binaryResponse(data.mediaType.toLowerCase(), data.bytes, {
    'Content-Disposition': [contentDisposition('inline', attachment.title)],
  });
};

/** What differs between the visitor's writes to Confluence (comments, uploads). */
interface SharedPageWrite {
  /** Counter name and hourly cap of this kind of write through one link. */
  counter: 'comments' | 'uploads';
  perHour: number;
  tooMany: { title: string; message: string };
  /**
   * The Confluence write on the page in scope; a failure shows "unavailable" unless `explainFailure`
   * knows it. Resolves to the fragment of what was written (the visitor is taken back to it).
   */
  perform: (pageId: string) => Promise<string | null>;
  /** A clear page for a failure that is the visitor's to fix (e.g. a duplicate file name); null = unavailable. */
  explainFailure?: (error: unknown) => HttpResponse | null;
  action: 'comment_added' | 'attachment_added';
  /** Where to return when the write does not say what it created (the section). */
  fallbackAnchor: 'comments' | 'attachments';
  detail: string;
  notice: 'comment_added' | 'uploaded';
}

/**
 * A visitor's write to a shared page, after the input was checked: the page must be in the link's scope
 * and the link under its hourly cap; the write is audited and the visitor sent back to the page with a notice.
 */
const writeToSharedPage = async (
  ctx: ShareContext,
  permissions: ViewPermissions,
  pageId: string | null,
  write: SharedPageWrite,
): Promise<HttpResponse> => {
  const loaded = await loadPageScope(ctx, permissions, pageId, { comments: false, attachments: false, creator: false, countView: false });
  if (!loaded.ok) return loaded.response;
  if (await overHourlyCap(ctx, write.counter, write.perHour)) {
    return messageResponse(ctx, 429, write.tooMany.title, write.tooMany.message, backToPage(ctx, pageId, write.fallbackAnchor));
  }
  const page = loaded.scope.page;
  let anchor: string | null;
  try {
    anchor = await write.perform(page.id);
  } catch (error) {
    return write.explainFailure?.(error) ?? unavailable(ctx, error);
  }
  await recordAudit(ctx.deps, {
    action: write.action,
    actor: permissions.viewerEmail ? maskEmail(permissions.viewerEmail) : 'visitor',
    linkId: ctx.link.id,
    pageId: page.id,
    spaceKey: ctx.link.spaceKey,
    detail: write.detail,
  });
  return redirectResponse(`${ctx.urls.withNotice(ctx.urls.page(page.id), write.notice)}#${anchor ?? write.fallbackAnchor}`, cookiesToRefresh(ctx));
};

export const addComment = async (ctx: ShareContext, permissions: ViewPermissions, pageId: string | null): Promise<HttpResponse> => {
  if (permissions.comments !== 'view_add') {
    return messageResponse(ctx, 403, 'Comments are read-only', 'This link does not allow adding comments.', backToPage(ctx, pageId, 'comments'));
  }
  const fields = ctx.form?.fields ?? {};
  const text = stripUnsafeCharacters((fields['text'] ?? '').normalize('NFC')).trim();
  const name = stripUnsafeCharacters((fields['name'] ?? '').normalize('NFC')).replace(/\s+/g, ' ').trim();
  if (text === '') return messageResponse(ctx, 400, 'Comment is empty', 'Write something before adding a comment.', backToPage(ctx, pageId, 'comments'));
  if (text.length > MAX_COMMENT_LENGTH) {
    return messageResponse(ctx, 400, 'Comment too long', `A comment may have at most ${MAX_COMMENT_LENGTH} characters.`, backToPage(ctx, pageId, 'comments'));
  }
  if (name.length > MAX_NAME_LENGTH) {
    return messageResponse(ctx, 400, 'Name too long', `Your name may have at most ${MAX_NAME_LENGTH} characters.`, backToPage(ctx, pageId, 'comments'));
  }
  return writeToSharedPage(ctx, permissions, pageId, {
    counter: 'comments',
    perHour: COMMENTS_PER_LINK_PER_HOUR,
    tooMany: { title: 'Too many comments', message: 'Too many comments were added through this link. Try again later.' },
    // Plain text only: the Confluence adapter escapes it into storage format, so no markup can be injected (T29).
    // The adapter files the name and the verified email with the comment (shown as its author in the share).
    perform: async (id) => commentAnchor((await ctx.deps.content.addComment(id, text, { name, email: permissions.viewerEmail }))?.id),
    action: 'comment_added',
    fallbackAnchor: 'comments',
    detail: `${text.length} characters`,
    notice: 'comment_added',
  });
};

export const uploadAttachment = async (ctx: ShareContext, permissions: ViewPermissions, pageId: string | null): Promise<HttpResponse> => {
  if (permissions.attachments !== 'view_add') {
    return messageResponse(ctx, 403, 'Uploads are not allowed', 'This link does not allow adding files.', backToPage(ctx, pageId, 'attachments'));
  }
  const file = ctx.form?.file;
  if (!file) return messageResponse(ctx, 400, 'No file', 'Choose a file to upload.', backToPage(ctx, pageId, 'attachments'));
  const checked = checkUpload(file.fileName, file.bytes);
  if (!checked.ok) return messageResponse(ctx, checked.status, 'File not accepted', checked.message, backToPage(ctx, pageId, 'attachments'));
  const uploader = permissions.viewerEmail ?? 'an anonymous visitor';
  return writeToSharedPage(ctx, permissions, pageId, {
    counter: 'uploads',
    perHour: UPLOADS_PER_LINK_PER_HOUR,
    tooMany: { title: 'Too many uploads', message: 'Too many files were uploaded through this link. Try again later.' },
    perform: async (id) =>
      attachmentAnchor(
        (
          await ctx.deps.content.uploadAttachment(
            id,
            { fileName: checked.fileName, mediaType: checked.mediaType, bytes: file.bytes },
            `Uploaded by ${uploader} via Secure Share link`,
          )
        )?.id,
      ),
    // Confluence refuses a second attachment of the same name on a page (the adapter reports already_exists).
    explainFailure: (error) => {
      if (!isDomainError(error)) return null;
      if (error.code === 'already_exists') {
        return messageResponse(
          ctx,
          409,
          'A file with this name is already attached',
          `This page already has a file named "${checked.fileName}". Rename your file and upload it again.`,
          backToPage(ctx, pageId, 'attachments'),
        );
      }
      if (error.code === 'payload_too_large') {
        return messageResponse(ctx, 413, 'File not accepted', 'The file is too large for this page. Send a smaller file.', backToPage(ctx, pageId, 'attachments'));
      }
      return null;
    },
    action: 'attachment_added',
    fallbackAnchor: 'attachments',
    detail: `${checked.mediaType}, ${file.bytes.byteLength} bytes`,
    notice: 'uploaded',
  });
};

type SubscribeOutcome = { ok: true; pageId: string; notice: 'subscribed' | 'already_subscribed' } | { ok: false; response: HttpResponse };

/** Subscribes `email` (proven by the session or just now) to a page in the link's scope. */
export const subscribeEmail = async (
  ctx: ShareContext,
  permissions: ViewPermissions,
  pageId: string | null,
  email: string,
): Promise<SubscribeOutcome> => {
  const loaded = await loadPageScope(ctx, permissions, pageId, { comments: false, attachments: false, creator: false, countView: false });
  if (!loaded.ok) return loaded;
  const page = loaded.scope.page;
  if (await isSubscribed(ctx, page.id, email)) return { ok: true, pageId: page.id, notice: 'already_subscribed' };
  const id = subscriptionIdFor(ctx, page.id, email);
  await ctx.deps.store.subscriptions.put({ id, linkId: ctx.link.id, pageId: page.id, email, createdAt: ctx.now, confirmed: true });
  await recordAudit(ctx.deps, {
    action: 'subscribed',
    actor: maskEmail(email),
    linkId: ctx.link.id,
    pageId: page.id,
    spaceKey: ctx.link.spaceKey,
  });
  // The token-less signed link (src/web/subscription-links.ts) is the one update emails use too, so it
  // keeps working after the link's token is rotated.
  const unsubscribeUrl = await subscriptionActionUrl(ctx.deps, ctx.site, 'unsubscribe', id);
  const title = stripUnsafeCharacters(page.title);
  try {
    await ctx.deps.mailer.send({
      to: [email],
      subject: `You are subscribed to "${title.slice(0, 120)}"`,
      text: `You will get an email when "${title}" changes.\n\nTo stop these emails, open: ${unsubscribeUrl}\n`,
      html: `<p>You will get an email when <strong>${escapeHtml(title)}</strong> changes.</p><p><a href="${escapeHtml(unsubscribeUrl)}">Stop these emails</a></p>`,
      kind: 'subscription',
    });
  } catch {
    // The subscription stands; the confirmation mail is a courtesy.
  }
  return { ok: true, pageId: page.id, notice: 'subscribed' };
};

/** Where the page's "Updates" section is, with the notice to show there. */
export const updatesUrl = (ctx: ShareContext, pageId: string, notice: string, urls = ctx.urls): string =>
  `${urls.withNotice(urls.page(pageId), notice)}#updates`;

export const subscribe = async (ctx: ShareContext, permissions: ViewPermissions, pageId: string | null): Promise<HttpResponse> => {
  if (!permissions.allowSubscribe) {
    return messageResponse(ctx, 403, 'Updates are not available', 'This link does not offer email updates.', backToPage(ctx, pageId, 'updates'));
  }
  const email = permissions.viewerEmail;
  if (email === null) {
    return messageResponse(ctx, 400, 'Email not confirmed', 'Confirm your email address first, then subscribe.', backToPage(ctx, pageId, 'updates'));
  }
  const outcome = await subscribeEmail(ctx, permissions, pageId, email);
  if (!outcome.ok) return outcome.response;
  return redirectResponse(updatesUrl(ctx, outcome.pageId, outcome.notice), cookiesToRefresh(ctx));
};

/** "Unsubscribe" on the page: ends the visitor's own updates for this page (their proven address). */
export const unsubscribeHere = async (ctx: ShareContext, permissions: ViewPermissions, pageId: string | null): Promise<HttpResponse> => {
  const email = permissions.viewerEmail;
  if (email === null) {
    return messageResponse(ctx, 400, 'Email not confirmed', 'Open the page again and confirm your email address first.', backToPage(ctx, pageId, 'updates'));
  }
  const loaded = await loadPageScope(ctx, permissions, pageId, { comments: false, attachments: false, creator: false, countView: false });
  if (!loaded.ok) return loaded.response;
  const page = loaded.scope.page;
  const listed = await ctx.deps.store.subscriptions.listByLink(ctx.link.id, { limit: 100 });
  const ids = new Set([subscriptionIdFor(ctx, page.id, email), ...listed.items.filter((s) => s.email === email && s.pageId === page.id).map((s) => s.id)]);
  await Promise.all([...ids].map((id) => ctx.deps.store.subscriptions.delete(id)));
  await recordAudit(ctx.deps, { action: 'unsubscribed', actor: maskEmail(email), linkId: ctx.link.id, pageId: page.id, spaceKey: ctx.link.spaceKey });
  return redirectResponse(updatesUrl(ctx, page.id, 'unsubscribed'), cookiesToRefresh(ctx));
};

/**
 * Unsubscribe: GET shows a confirmation (GET never changes anything, so mail scanners cannot
 * unsubscribe people), POST with the signature and CSRF token removes the subscription.
 */
export const unsubscribe = async (ctx: ShareContext, subscriptionId: string, confirmed: boolean): Promise<HttpResponse> => {
  const sig = (confirmed ? ctx.form?.fields['sig'] : undefined) ?? ctx.req.query['sig']?.[0] ?? '';
  if (!unsubscribeSignatureMatches(ctx.key, subscriptionId, sig)) {
    return messageResponse(ctx, 400, 'Invalid unsubscribe link', 'This unsubscribe link is not valid. Use the link from the latest email.');
  }
  const subscription = await ctx.deps.store.subscriptions.get(subscriptionId);
  if (!subscription || subscription.linkId !== ctx.link.id) {
    return htmlResponse(200, renderUnsubscribe({ branding: ctx.site.customization, action: null, secrets: { csrf: ctx.csrf, ticket: ctx.ticket }, done: true }), [], ctx.site.customization);
  }
  if (!confirmed) {
    return htmlResponse(
      200,
      renderUnsubscribe({
        branding: ctx.site.customization,
        action: ctx.plainUrls.unsubscribe(subscriptionId, sig),
        secrets: { csrf: ctx.csrf, ticket: ctx.ticket },
        done: false,
      }),
      cookiesToRefresh(ctx),
      ctx.site.customization,
    );
  }
  await ctx.deps.store.subscriptions.delete(subscriptionId);
  await recordAudit(ctx.deps, {
    action: 'unsubscribed',
    actor: maskEmail(subscription.email),
    linkId: ctx.link.id,
    pageId: subscription.pageId,
    spaceKey: ctx.link.spaceKey,
  });
  return htmlResponse(200, renderUnsubscribe({ branding: ctx.site.customization, action: null, secrets: { csrf: ctx.csrf, ticket: ctx.ticket }, done: true }), [], ctx.site.customization);
};
