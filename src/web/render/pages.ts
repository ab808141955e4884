import { html, type SafeHtml } from './escape';
import { type Branding, renderLayout } from './layout';
import { tableOfContents } from './toc';

/** Hidden fields every form carries: the CSRF token and the signed session ticket (cookie-less fallback). */
export interface FormSecrets {
  csrf: string;
  ticket: string;
  /** Page id to return to after a gate (the server re-checks it against the shared tree). */
  returnTo?: string | null;
}

const hiddenFields = (secrets: FormSecrets): SafeHtml =>
  html`<input type="hidden" name="csrf" value="${secrets.csrf}"><input type="hidden" name="t" value="${secrets.ticket}">${
    secrets.returnTo ? html`<input type="hidden" name="p" value="${secrets.returnTo}">` : ''
  }`;

export interface Notice {
  kind: 'info' | 'ok' | 'bad';
  text: string;
}

const noticeBlock = (notice: Notice | undefined): SafeHtml | '' =>
  notice
    ? html`<p class="notice${notice.kind === 'info' ? '' : ` ${notice.kind}`}" role="${notice.kind === 'bad' ? 'alert' : 'status'}">${notice.text}</p>`
    : '';

/**
 * The one "not found" page. It depends on nothing stored (no branding, no title), so every deny that
 * must look like a missing link produces byte-identical output (T1, B5).
 */
export const NOT_FOUND_HTML = renderLayout({
  title: 'Link not available',
  branding: null,
  main: html`<div class="card"><h1>This link is not available</h1><p>The link may be mistyped, or it may have expired or been turned off. Ask the person who shared it with you for a new link.</p></div>`,
});

export interface MessagePageInput {
  title: string;
  message: string;
  branding: Branding | null;
  /** Optional link back (absolute URL built by the server). */
  back?: { url: string; label: string };
}

export const renderMessagePage = ({ title, message, branding, back }: MessagePageInput): string =>
  renderLayout({
    title,
    branding,
    main: html`<div class="card"><h1>${title}</h1><p>${message}</p>${
      back ? html`<p><a href="${back.url}" rel="noopener noreferrer">${back.label}</a></p>` : ''
    }</div>`,
  });

export interface DownloadPageInput {
  fileName: string;
  sizeLabel: string;
  /** data: URL of the file (the host cannot send binary bodies). */
  dataUrl: string;
  branding: Branding | null;
  back: { url: string; label: string };
}

/** A page whose link saves the file: the `download` attribute makes the browser save it, never open it. */
export const renderDownloadPage = ({ fileName, sizeLabel, dataUrl, branding, back }: DownloadPageInput): string =>
  renderLayout({
    title: fileName,
    branding,
    main: html`<div class="card"><h1>${fileName}</h1><p>${sizeLabel}</p><p><a class="button" href="${dataUrl}" download="${fileName}">Download ${fileName}</a></p><p><a href="${back.url}" rel="noopener noreferrer">${back.label}</a></p></div>`,
  });

const GATE_TITLE = 'Shared page';

export interface PasswordGateInput {
  branding: Branding | null;
  action: string;
  secrets: FormSecrets;
  error?: string;
}

export const renderPasswordGate = ({ branding, action, secrets, error }: PasswordGateInput): string =>
  renderLayout({
    title: GATE_TITLE,
    branding,
    main: html`<div class="card"><h1>Password required</h1><p>This shared page is protected. Enter the password you were given.</p>
<form class="stack" method="post" action="${action}" autocomplete="off">
${hiddenFields(secrets)}
<label for="password">Password</label>
<input id="password" name="password" type="password" required maxlength="200" autofocus${
      error ? html` aria-invalid="true" aria-describedby="password-error"` : ''
    }>
${error ? html`<p class="error" id="password-error" role="alert">${error}</p>` : ''}
<button type="submit">Open page</button>
</form></div>`,
  });

export interface EmailGateInput {
  branding: Branding | null;
  sendAction: string;
  verifyAction: string;
  secrets: FormSecrets;
  /** 'ask' shows the address form; 'verify' shows the code form for `email`. */
  step: 'ask' | 'verify';
  email?: string;
  error?: string;
  notice?: Notice;
  /** Why an address is asked: opening the page, or confirming it for update notifications. */
  purpose: 'open' | 'subscribe';
  /** "Pages shared with me" (offered to people a link was shared with by address). */
  sharedWithMeUrl?: string | null;
}

export const renderEmailGate = (input: EmailGateInput): string => {
  const { branding, sendAction, verifyAction, secrets, step, email, error, notice, purpose, sharedWithMeUrl } = input;
  const intro =
    purpose === 'open'
      ? 'This page is shared with selected people. Enter your email address and we will send you a one-time code.'
      : 'Confirm your email address to receive updates about this page. We will send you a one-time code.';
  const errorBlock = (id: string): SafeHtml | '' => (error ? html`<p class="error" id="${id}" role="alert">${error}</p>` : '');
  const body =
    step === 'ask'
      ? html`<form class="stack" method="post" action="${sendAction}" autocomplete="on">
${hiddenFields(secrets)}<input type="hidden" name="purpose" value="${purpose}">
<label for="email">Email address</label>
<input id="email" name="email" type="email" required maxlength="254" autocomplete="email" value="${email ?? ''}"${
          error ? html` aria-invalid="true" aria-describedby="email-error"` : ''
        }>
${errorBlock('email-error')}
<button type="submit">Send code</button>
</form>`
      : html`<form class="stack" method="post" action="${verifyAction}" autocomplete="off">
${hiddenFields(secrets)}<input type="hidden" name="purpose" value="${purpose}"><input type="hidden" name="email" value="${email ?? ''}">
<label for="code">6-digit code <span class="hint">sent to ${email ?? ''}</span></label>
<input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="one-time-code"${
          error ? html` aria-invalid="true" aria-describedby="code-error"` : ''
        }>
${errorBlock('code-error')}
<button type="submit">Verify</button>
</form>
<form class="stack" method="post" action="${sendAction}">
${hiddenFields(secrets)}<input type="hidden" name="purpose" value="${purpose}"><input type="hidden" name="email" value="${email ?? ''}">
<button type="submit" class="secondary">Send a new code</button>
</form>`;
  return renderLayout({
    title: GATE_TITLE,
    branding,
    main: html`<div class="card"><h1>${purpose === 'open' ? 'Verify your email' : 'Confirm your email'}</h1><p>${intro}</p>${noticeBlock(notice)}${body}${
      sharedWithMeUrl ? html`<p class="hint">Looking for another page? <a href="${sharedWithMeUrl}" rel="noopener noreferrer">See all pages shared with you</a>.</p>` : ''
    }</div>`,
  });
};

export interface SsoGateInput {
  branding: Branding | null;
  startUrl: string;
  /** Sign-in that asks the identity provider for another account. */
  anotherAccountUrl: string;
  /** The account the visitor signed in with that this link does not admit. */
  refusedEmail?: string | null;
  back?: { url: string; label: string } | null;
}

export const renderSsoGate = ({ branding, startUrl, anotherAccountUrl, refusedEmail, back }: SsoGateInput): string =>
  renderLayout({
    title: GATE_TITLE,
    branding,
    main: refusedEmail
      ? html`<div class="card"><h1>This account cannot open the page</h1>
<p class="signed-in">You are signed in as <strong>${refusedEmail}</strong>.</p>
<p>This page is shared only with selected people, and this account is not one of them. If you have another account, sign in with it. Otherwise ask the person who shared the link to add your address.</p>
<p><a class="button" href="${anotherAccountUrl}" rel="noopener noreferrer">Use another account</a></p>${
          back ? html`<p><a href="${back.url}" rel="noopener noreferrer">${back.label}</a></p>` : ''
        }</div>`
      : html`<div class="card"><h1>Sign in required</h1><p>This shared page requires you to sign in with your organization's account.</p>
<p><a class="button" href="${startUrl}" rel="noopener noreferrer">Sign in to continue</a></p>
<p class="hint">Signed in with the wrong account at your organization? <a href="${anotherAccountUrl}" rel="noopener noreferrer">Use another account</a>.</p></div>`,
  });

export interface NavNode {
  id: string;
  title: string;
  url: string;
  children: NavNode[];
}

/** The navigation's top-level entries: one root, or several (a whole-space link's root pages). */
export type Nav = NavNode | readonly NavNode[];

const navEntries = (nav: Nav | null): readonly NavNode[] => (nav === null ? [] : Array.isArray(nav) ? nav : [nav as NavNode]);

/** A navigation is shown when the share holds more than one page. */
const hasNav = (entries: readonly NavNode[]): boolean => entries.length > 1 || (entries[0]?.children.length ?? 0) > 0;

export interface Crumb {
  title: string;
  url: string | null;
}

export interface AttachmentItem {
  /** Confluence attachment id: the item's anchor (`#attachment-<id>`). */
  id?: string;
  title: string;
  url: string;
  sizeLabel: string;
  mediaType: string;
  /** The link opens a download page (hosts without binary responses) instead of saving the file itself. */
  opensDownloadPage: boolean;
}

export interface CommentItem {
  /** Confluence comment id: the item's anchor (`#comment-<id>`). */
  id?: string;
  authorName: string;
  /** The address a recipient proved before posting through a link. */
  authorEmail?: string | null;
  /** Posted by a share recipient through a link. */
  viaShare?: boolean;
  createdAt: number;
  text: string;
  /** Inline comments: the passage of the page the thread is about. */
  quote?: string | null;
  replies?: CommentItem[];
}

export interface ContentPageInput {
  branding: Branding | null;
  pageId: string;
  pageTitle: string;
  bodyHtml: string;
  updatedAt: number;
  creatorName: string | null;
  crumbs: Crumb[];
  nav: Nav | null;
  notice?: Notice;
  secrets: FormSecrets;
  /** `items`: footer threads; `inline`: threads on passages of the page. */
  comments: { items: CommentItem[]; inline?: CommentItem[]; addAction: string | null; error?: string } | null;
  attachments: { items: AttachmentItem[]; uploadAction: string | null; error?: string } | null;
  /** `subscribed`: the visitor's proven address gets updates of this page (offer Unsubscribe). */
  subscribe: { email: string | null; subscribed: boolean; subscribeAction: string; unsubscribeAction: string; emailAction: string } | null;
  logoutUrl: string | null;
  /** Search within the share (shares with child pages); `ticket` only when the browser keeps no cookie. */
  search?: SearchBox | null;
  /** Who the visitor proved to be (SSO or an email code); `anotherAccountUrl` for SSO sign-ins. */
  signedIn?: { email: string; anotherAccountUrl: string | null } | null;
}

const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * A date in words ("3 December 2026"). The view runs no script, so it cannot learn the visitor's time
 * zone: the day is the UTC day, and the exact instant is in the <time> element's datetime.
 */
export const formatDate = (at: number): string => (Number.isFinite(at) && at > 0 ? DATE_FORMAT.format(new Date(at)) : 'an unknown date');

/** "1 page", "3 pages". */
export const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

export interface SearchBox {
  action: string;
  ticket: string | null;
}

const searchForm = (box: SearchBox, query = '', id = 'search-q'): SafeHtml =>
  html`<form class="search" method="get" action="${box.action}" role="search"><label for="${id}">Search these pages</label><span class="search-row"><input id="${id}" name="q" type="search" maxlength="100" value="${query}" required>${
    box.ticket ? html`<input type="hidden" name="t" value="${box.ticket}">` : ''
  }<button type="submit">Search</button></span></form>`;

const timeOf = (at: number): SafeHtml =>
  html`<time datetime="${Number.isFinite(at) && at > 0 ? new Date(at).toISOString() : ''}">${formatDate(at)}</time>`;

const ANCHOR_ID = /^[A-Za-z0-9_-]{1,64}$/;
const anchorAttr = (prefix: string, id: string | undefined): SafeHtml | '' => (id && ANCHOR_ID.test(id) ? html` id="${prefix}${id}"` : '');

const renderComment = (item: CommentItem): SafeHtml =>
  html`<li${anchorAttr('comment-', item.id)}>${item.quote ? html`<blockquote class="quote">${item.quote}</blockquote>` : ''}<span class="who">${item.authorName}</span>${
    item.authorEmail ? html` <span class="email">${item.authorEmail}</span>` : ''
  }${item.viaShare ? html` <span class="via">via share link</span>` : ''}${timeOf(item.createdAt)}<div class="text">${item.text}</div>${
    item.replies && item.replies.length > 0 ? html`<ol class="comments replies">${item.replies.map(renderComment)}</ol>` : ''
  }</li>`;

const renderNavNode = (node: NavNode, currentId: string): SafeHtml =>
  html`<li><a href="${node.url}" rel="noopener noreferrer"${node.id === currentId ? html` aria-current="page"` : ''}>${node.title}</a>${
    node.children.length > 0 ? html`<ul>${node.children.map((child) => renderNavNode(child, currentId))}</ul>` : ''
  }</li>`;

export const renderContentPage = (input: ContentPageInput): string => {
  const { branding, pageId, pageTitle, bodyHtml, crumbs, secrets } = input;
  const nav = navEntries(input.nav);
  const navBlock = hasNav(nav)
    ? html`<nav class="tree" aria-label="Pages in this share">${input.search ? searchForm(input.search) : ''}<details open><summary>Pages</summary><ul>${nav.map((entry) => renderNavNode(entry, pageId))}</ul></details></nav>`
    : undefined;
  const toc = tableOfContents(bodyHtml);
  const tocBlock =
    toc.length > 0
      ? html`<nav class="toc" aria-labelledby="toc-h"><details open><summary id="toc-h">On this page</summary><ol>${toc.map(
          (entry) => html`<li class="toc-${entry.level}"><a href="#${entry.id}">${entry.text}</a></li>`,
        )}</ol></details></nav>`
      : '';
  const crumbBlock =
    crumbs.length > 1
      ? html`<nav class="crumbs" aria-label="Breadcrumb"><ol>${crumbs.map((crumb) =>
          crumb.url ? html`<li><a href="${crumb.url}" rel="noopener noreferrer">${crumb.title}</a></li>` : html`<li aria-current="page">${crumb.title}</li>`,
        )}</ol></nav>`
      : '';
  const meta = html`<p class="meta">Last updated ${timeOf(input.updatedAt)}${
    input.creatorName ? html` · Shared by ${input.creatorName}` : ''
  }</p>${
    input.signedIn || input.logoutUrl
      ? html`<p class="meta session">${input.signedIn ? html`Signed in as <strong>${input.signedIn.email}</strong>` : ''}${
          input.signedIn?.anotherAccountUrl ? html` · <a href="${input.signedIn.anotherAccountUrl}" rel="noopener noreferrer">Use another account</a>` : ''
        }${input.logoutUrl ? html`${input.signedIn ? ' · ' : ''}<a href="${input.logoutUrl}" rel="noopener noreferrer">Leave</a>` : ''}</p>`
      : ''
  }`;

  const attachments = input.attachments
    ? html`<section class="block" id="attachments" aria-labelledby="attachments-h"><h2 id="attachments-h">Attachments</h2>${
        input.attachments.items.length === 0
          ? html`<p class="hint">No attachments.</p>`
          : html`<ul class="files">${input.attachments.items.map(
              (item) =>
                item.opensDownloadPage
                  ? html`<li${anchorAttr('attachment-', item.id)}><a href="${item.url}" rel="noopener noreferrer">${item.title}</a><span class="size">${item.sizeLabel}</span></li>`
                  : html`<li${anchorAttr('attachment-', item.id)}><a href="${item.url}" rel="noopener noreferrer" download>${item.title}</a><span class="size">${item.sizeLabel}</span></li>`,
            )}</ul>`
      }${
        input.attachments.uploadAction
          ? html`<form class="stack" method="post" action="${input.attachments.uploadAction}" enctype="multipart/form-data">
${hiddenFields(secrets)}
<label for="file">Add a file <span class="hint">PDF, images, text, CSV or Office documents up to 3.5 MB</span></label>
<input id="file" name="file" type="file" required${input.attachments.error ? html` aria-invalid="true" aria-describedby="file-error"` : ''}>
${input.attachments.error ? html`<p class="error" id="file-error" role="alert">${input.attachments.error}</p>` : ''}
<button type="submit">Upload</button>
</form>`
          : ''
      }</section>`
    : '';

  const comments = input.comments
    ? html`<section class="block" id="comments" aria-labelledby="comments-h"><h2 id="comments-h">Comments</h2>${
        input.comments.items.length === 0 && (input.comments.inline ?? []).length === 0
          ? html`<p class="hint">No comments yet.</p>`
          : html`${input.comments.items.length > 0 ? html`<ol class="comments">${input.comments.items.map(renderComment)}</ol>` : ''}${
              input.comments.inline && input.comments.inline.length > 0
                ? html`<h3 id="inline-comments-h">On the page text</h3><ol class="comments" aria-labelledby="inline-comments-h">${input.comments.inline.map(renderComment)}</ol>`
                : ''
            }`
      }${
        input.comments.addAction
          ? html`<form class="stack" method="post" action="${input.comments.addAction}">
${hiddenFields(secrets)}
<label for="comment-name">Your name <span class="hint">optional</span></label>
<input id="comment-name" name="name" type="text" maxlength="80" autocomplete="name">
<label for="comment-text">Comment</label>
<textarea id="comment-text" name="text" required maxlength="5000"${input.comments.error ? html` aria-invalid="true" aria-describedby="comment-error"` : ''}></textarea>
${input.comments.error ? html`<p class="error" id="comment-error" role="alert">${input.comments.error}</p>` : ''}
<button type="submit">Add comment</button>
</form>`
          : ''
      }</section>`
    : '';

  const subscribe = input.subscribe
    ? html`<section class="block" id="updates" aria-labelledby="subscribe-h"><h2 id="subscribe-h">Updates</h2>${
        input.subscribe.email && input.subscribe.subscribed
          ? html`<form class="stack" method="post" action="${input.subscribe.unsubscribeAction}">${hiddenFields(secrets)}<p>You get an email at <strong>${input.subscribe.email}</strong> when this page changes.</p><button type="submit" class="secondary">Unsubscribe</button></form>`
          : input.subscribe.email
            ? html`<form class="stack" method="post" action="${input.subscribe.subscribeAction}">${hiddenFields(secrets)}<p>Get an email at <strong>${input.subscribe.email}</strong> when this page changes.</p><button type="submit">Subscribe</button></form>`
            : html`<form class="stack" method="post" action="${input.subscribe.emailAction}">${hiddenFields(secrets)}<input type="hidden" name="purpose" value="subscribe">
<label for="subscribe-email">Email address <span class="hint">we will send a code; entering it subscribes you</span></label>
<input id="subscribe-email" name="email" type="email" required maxlength="254" autocomplete="email">
<button type="submit">Get updates</button></form>`
      }</section>`
    : '';

  return renderLayout({
    title: pageTitle,
    branding,
    nav: navBlock,
    main: html`${crumbBlock}<h1 class="page-title">${pageTitle}</h1>${meta}${noticeBlock(input.notice)}${tocBlock}
<article class="content">${{ __html: bodyHtml }}</article>
${attachments}${comments}${subscribe}`,
  });
};

export interface UnsubscribeInput {
  branding: Branding | null;
  action: string | null;
  secrets: FormSecrets;
  done: boolean;
}

export const renderUnsubscribe = ({ branding, action, secrets, done }: UnsubscribeInput): string =>
  renderLayout({
    title: 'Email updates',
    branding,
    main: done
      ? html`<div class="card"><h1>You are unsubscribed</h1><p>You will no longer get emails about this page.</p></div>`
      : html`<div class="card"><h1>Stop email updates?</h1><p>You will no longer get emails when this page changes.</p>${
          action ? html`<form class="stack" method="post" action="${action}">${hiddenFields(secrets)}<button type="submit">Unsubscribe</button></form>` : ''
        }</div>`,
  });

export interface SearchResult {
  title: string;
  url: string;
  /** The text around the first match in the page's text (null: the title matched). */
  snippet: { before: string; match: string; after: string } | null;
}

export interface SearchPageInput {
  branding: Branding | null;
  action: string;
  ticket: string | null;
  query: string;
  nav: Nav | null;
  rootUrl: string;
  /** Pages the link shows. */
  pageCount: number;
  /** null: no search made yet (empty query). */
  results: SearchResult[] | null;
  /** Pages whose text was searched, and pages only searched by title (over the per-search cap). */
  textSearched?: number;
  textNotSearched?: number;
}

export const renderSearchPage = (input: SearchPageInput): string => {
  const { results, query } = input;
  const box = { action: input.action, ticket: input.ticket };
  const summary =
    results === null
      ? html`<p class="meta">Search the titles and text of the ${plural(input.pageCount, 'page', 'pages')} shared through this link.</p>`
      : results.length === 0
        ? html`<p class="meta" role="status">No page matches “${query}”.</p>`
        : html`<p class="meta" role="status">${plural(results.length, 'page matches', 'pages match')} “${query}”.</p>`;
  const list =
    results && results.length > 0
      ? html`<ol class="results">${results.map(
          (r) =>
            html`<li><a href="${r.url}" rel="noopener noreferrer">${r.title}</a>${
              r.snippet ? html`<p class="snippet">${r.snippet.before}<mark>${r.snippet.match}</mark>${r.snippet.after}</p>` : html`<p class="snippet hint">Title matches</p>`
            }</li>`,
        )}</ol>`
      : '';
  const partial =
    results !== null && (input.textNotSearched ?? 0) > 0
      ? html`<p class="hint">The text of ${plural(input.textSearched ?? 0, 'page was', 'pages were')} searched; ${plural(input.textNotSearched ?? 0, 'other page was', 'other pages were')} searched by title only.</p>`
      : '';
  return renderLayout({
    title: 'Search',
    branding: input.branding,
    nav: hasNav(navEntries(input.nav))
      ? html`<nav class="tree" aria-label="Pages in this share"><details open><summary>Pages</summary><ul>${navEntries(input.nav).map((entry) => renderNavNode(entry, ''))}</ul></details></nav>`
      : undefined,
    main: html`<p class="crumbs"><a href="${input.rootUrl}" rel="noopener noreferrer">Back to the shared page</a></p><h1 class="page-title">Search</h1>${searchForm(
      box,
      query,
      'search-page-q',
    )}${summary}${list}${partial}`,
  });
};

export interface SharedWithMeEntry {
  pageTitle: string;
  /** The link's URL; null when the app does not keep it (links from before re-sharing). */
  url: string | null;
  expiresAt: number | null;
  needsPassword: boolean;
  needsSignIn: boolean;
  createdAt: number;
}

export interface SharedWithMeInput {
  branding: Branding | null;
  /** `<base>/shared-with-me`; the forms post to /send, /verify and /leave below it. */
  action: string;
  csrf: string;
  view:
    | { step: 'ask'; error?: string }
    | { step: 'verify'; email: string; error?: string }
    | { step: 'list'; email: string; entries: SharedWithMeEntry[] };
}

const meEntry = (entry: SharedWithMeEntry): SafeHtml => {
  const needs = [entry.needsPassword ? 'a password' : '', entry.needsSignIn ? 'signing in' : ''].filter((n) => n !== '');
  return html`<li>${entry.url ? html`<a href="${entry.url}" rel="noopener noreferrer">${entry.pageTitle}</a>` : html`<strong>${entry.pageTitle}</strong>`}<p class="snippet">${
    entry.expiresAt !== null ? html`Open until ${timeOf(entry.expiresAt)}.` : 'No end date.'
  }${needs.length > 0 ? ` Opening it needs ${needs.join(' and ')}.` : ''}${
    entry.url ? '' : ' Ask the person who shared it to send you the link again.'
  }</p></li>`;
};

export const renderSharedWithMe = ({ branding, action, csrf, view }: SharedWithMeInput): string => {
  const secret = html`<input type="hidden" name="csrf" value="${csrf}">`;
  const errorBlock = (error: string | undefined, id: string): SafeHtml | '' => (error ? html`<p class="error" id="${id}" role="alert">${error}</p>` : '');
  let main: SafeHtml;
  if (view.step === 'list') {
    main = html`<h1 class="page-title">Pages shared with you</h1><p class="meta">Links that name <strong>${view.email}</strong> among the people they are shared with.</p>${
      view.entries.length === 0
        ? html`<p>No page is shared with this address right now. Links shared with a whole domain, or with anyone who has the link, are not listed here.</p>`
        : html`<p class="meta" role="status">${plural(view.entries.length, 'page is', 'pages are')} shared with you.</p><ol class="results">${view.entries.map(meEntry)}</ol>`
    }<form class="stack" method="post" action="${action}/leave">${secret}<button type="submit" class="secondary">Sign out</button></form>`;
  } else if (view.step === 'verify') {
    main = html`<div class="card"><h1>Check your email</h1><p>If pages are shared with this address, you can see them once you enter the 6-digit code we sent to it. The code is valid for 10 minutes.</p>
<form class="stack" method="post" action="${action}/verify" autocomplete="off">${secret}<input type="hidden" name="email" value="${view.email}">
<label for="me-code">6-digit code <span class="hint">sent to ${view.email}</span></label>
<input id="me-code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="one-time-code"${
      view.error ? html` aria-invalid="true" aria-describedby="me-code-error"` : ''
    }>${errorBlock(view.error, 'me-code-error')}
<button type="submit">Show my pages</button></form>
<form class="stack" method="post" action="${action}/send">${secret}<input type="hidden" name="email" value="${view.email}"><button type="submit" class="secondary">Send a new code</button></form></div>`;
  } else {
    main = html`<div class="card"><h1>Pages shared with you</h1><p>Enter your email address. We will send you a one-time code, then show the pages people shared with that address.</p>
<form class="stack" method="post" action="${action}/send" autocomplete="on">${secret}
<label for="me-email">Email address</label>
<input id="me-email" name="email" type="email" required maxlength="254" autocomplete="email"${view.error ? html` aria-invalid="true" aria-describedby="me-email-error"` : ''}>${errorBlock(
      view.error,
      'me-email-error',
    )}
<button type="submit">Send code</button></form></div>`;
  }
  return renderLayout({ title: 'Pages shared with you', branding, main });
};
