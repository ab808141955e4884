import sanitizeHtml from 'sanitize-html';
import { normalizeConfluenceHtml } from './confluence-markup';

/**
 * Page HTML → safe HTML for the anonymous view. A strict allowlist (no script, style element, iframe,
 * object, embed, form, svg, math, no on* attribute, no javascript:/data: links) plus rewriting, done
 * inside the sanitizer pass so nothing edits the HTML after it was cleaned (T7):
 * - links to Confluence pages inside the shared tree → the share route; outside the tree → plain text;
 * - attachment links of the shown page → the download route when attachments may be viewed; else text;
 * - Confluence images of in-tree pages → the image proxy; any other image (external, icons) is dropped,
 *   except inline data:image of raster types;
 * - external https/mailto links keep rel="noopener noreferrer nofollow".
 * An image that cannot be shown leaves its alt text (or a small marker), never nothing; decorative
 * Confluence icons without alt text go. Before this pass, confluence-markup.ts turns Confluence's own
 * constructs (expand, emoticons, tasks, Jira macros, code, wide tables…) into plain HTML; only its
 * <details>/<summary> are kept as such. Widths: tables, columns and cells in percent only, images by
 * their width/height attributes (the stylesheet keeps them within the content), nothing else, so no
 * width from the page can make the view wider than the screen.
 */

export interface ContentRewriter {
  /** Share URL of a page when it belongs to the shared tree, otherwise null. */
  pageUrl(pageId: string): string | null;
  /** Proxy URL of an image attachment of an in-tree page, or null when images may not be shown. */
  imageUrl(pageId: string, fileName: string): string | null;
  /** Download URL of an attachment of the shown page (by file name), or null when not allowed. */
  attachmentUrl(pageId: string, fileName: string): string | null;
}

export const MAX_PAGE_HTML_BYTES = 2 * 1024 * 1024;

const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'div', 'span', 'a', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'colgroup', 'col',
  'strong', 'b', 'em', 'i', 'u', 's', 'del', 'ins', 'sub', 'sup', 'small', 'mark', 'code', 'pre', 'kbd', 'samp',
  'blockquote', 'img', 'figure', 'figcaption', 'abbr', 'time', 'details', 'summary',
];

const LITERAL_COLOR = [/^#[0-9a-fA-F]{3,8}$/, /^rgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*(,\s*(0|1|0?\.\d+)\s*)?\)$/, /^[a-zA-Z]{3,20}$/];
const PERCENT = [/^\d{1,3}(\.\d{1,2})?%$/];
const SMALL_LENGTH = [/^\d{1,2}(\.\d{1,2})?(px|em|rem)?$/];

/** Confluence's own URLs: relative paths, or a *.atlassian.net host. */
const confluencePath = (href: string): string | null => {
  if (href.startsWith('//')) return null;
  if (href.startsWith('/')) return href;
  try {
    const url = new URL(href);
    if (url.protocol === 'https:' && (url.hostname.endsWith('.atlassian.net') || url.hostname.endsWith('.jira.com'))) {
      return url.pathname + url.search;
    }
  } catch {
    return null;
  }
  return null;
};

const PAGE_PATH = /^\/wiki\/spaces\/[^/]+\/pages\/(\d{1,20})(?:[/?#]|$)/;
const VIEWPAGE_PATH = /^\/wiki\/pages\/viewpage\.action\?(?:.*&)?pageId=(\d{1,20})(?:&|$)/;
const ATTACHMENT_PATH = /^\/wiki\/download\/(?:attachments|thumbnails)\/(\d{1,20})\/([^?#]+)/;
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$/;

const decodeFileName = (raw: string): string | null => {
  try {
    const name = decodeURIComponent(raw);
    return name.includes('/') || name.length === 0 || name.length > 255 ? null : name;
  } catch {
    return null;
  }
};

const TEXT_ONLY = { tagName: 'span', attribs: {} };

/** Deeper markup than this is refused before sanitizing: the parser's cost grows badly with depth (T27, E13). */
export const MAX_NESTING_DEPTH = 1000;

const VOID_TAGS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** Deepest element nesting, by a linear scan of tag tokens (unclosed tags count as open). Stops once over `limit`. */
export const nestingDepth = (html: string, limit = MAX_NESTING_DEPTH): number => {
  const tags = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(\/?)>/g;
  let depth = 0;
  let deepest = 0;
  for (let match = tags.exec(html); match !== null; match = tags.exec(html)) {
    const [, closing, name = '', selfClosing] = match;
    if (VOID_TAGS.has(name.toLowerCase()) || selfClosing) continue;
    depth = closing ? Math.max(0, depth - 1) : depth + 1;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) break;
  }
  return deepest;
};

export const TOO_COMPLEX_HTML = '<p class="notice bad">This page is too complex to show through a share link.</p>';

export const sanitizePageHtml = (raw: string, rewriter: ContentRewriter): string =>
  nestingDepth(raw) > MAX_NESTING_DEPTH ? TOO_COMPLEX_HTML : sanitizeTree(normalizeConfluenceHtml(raw, { imageShown: (src) => imageSource(src, rewriter) !== null }), rewriter);

/** An id or fragment the page itself gave (Confluence heading ids, in-page links). */
const CONTENT_ANCHOR = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * Anchors of the page's own content live under `c-` and the ones added for the table of contents are
 * `toc-<n>`, so nothing in a page can take the id of the view's own anchors (#comments, #comment-…).
 */
const contentAnchor = (id: string): string => `c-${id}`;

/** The URL an <img> may show: a raster data: image, or the proxy URL of an in-tree page's attachment; else null. */
const imageSource = (raw: string, rewriter: ContentRewriter): string | null => {
  const src = raw.trim();
  if (DATA_IMAGE.test(src)) return src;
  const path = confluencePath(src);
  const attachment = path ? ATTACHMENT_PATH.exec(path) : null;
  if (!attachment?.[1] || !attachment[2]) return null;
  const fileName = decodeFileName(attachment[2]);
  return fileName ? rewriter.imageUrl(attachment[1], fileName) : null;
};

const sanitizeTree = (raw: string, rewriter: ContentRewriter): string => {
  let headings = 0;
  const heading = (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    const { id, ...rest } = attribs;
    const own = id !== undefined && CONTENT_ANCHOR.test(id) ? contentAnchor(id) : undefined;
    const anchor = own ?? (/^h[1-3]$/.test(tagName) ? `toc-${(headings += 1)}` : undefined);
    return { tagName, attribs: anchor ? { id: anchor, ...rest } : rest };
  };
  return sanitizeHtml(raw, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan', 'scope'],
      col: ['span'],
      ol: ['start', 'type'],
      time: ['datetime'],
      abbr: ['title'],
      span: ['title'],
      h1: ['id'], h2: ['id'], h3: ['id'], h4: ['id'], h5: ['id'], h6: ['id'],
      '*': ['class', 'style'],
    },
    allowedStyles: {
      '*': {
        color: LITERAL_COLOR,
        'background-color': LITERAL_COLOR,
        'text-align': [/^(left|right|center|justify)$/],
        'border-width': SMALL_LENGTH,
        padding: [/^\d{1,2}(px|em|rem)?(\s+\d{1,2}(px|em|rem)?){0,3}$/],
      },
      table: { width: PERCENT },
      col: { width: PERCENT },
      td: { width: PERCENT },
      th: { width: PERCENT },
    },
    // http is only for our own rewritten URLs on a local http base; external links are limited to https/mailto below.
    allowedSchemes: ['https', 'http', 'mailto'],
    allowedSchemesByTag: { img: ['https', 'http', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'xmp', 'noscript', 'noembed', 'noframes', 'plaintext', 'title', 'iframe', 'template', 'svg', 'math', 'object'],
    nestingLimit: 200,
    transformTags: {
      h1: heading,
      h2: heading,
      h3: heading,
      h4: heading,
      h5: heading,
      h6: heading,
      a: (_tagName, attribs) => {
        const href = (attribs['href'] ?? '').trim();
        const title = attribs['title'];
        const keep = (url: string) => ({
          tagName: 'a',
          attribs: { href: url, rel: 'noopener noreferrer nofollow', ...(title ? { title } : {}) },
        });
        if (href.startsWith('#') && CONTENT_ANCHOR.test(href.slice(1))) return { tagName: 'a', attribs: { href: `#${contentAnchor(href.slice(1))}` } };
        const linkedType = attribs['data-linked-resource-type'];
        const linkedId = attribs['data-linked-resource-id'];
        const path = confluencePath(href);
        if (path !== null || linkedType === 'page') {
          const pageId =
            (path && (PAGE_PATH.exec(path)?.[1] ?? VIEWPAGE_PATH.exec(path)?.[1])) ??
            (linkedType === 'page' && linkedId && /^\d{1,20}$/.test(linkedId) ? linkedId : undefined);
          if (pageId) {
            const url = rewriter.pageUrl(pageId);
            return url ? keep(url) : TEXT_ONLY;
          }
          const attachment = path ? ATTACHMENT_PATH.exec(path) : null;
          if (attachment?.[1] && attachment[2]) {
            const fileName = decodeFileName(attachment[2]);
            const url = fileName ? rewriter.attachmentUrl(attachment[1], fileName) : null;
            return url ? keep(url) : TEXT_ONLY;
          }
          return TEXT_ONLY;
        }
        if (/^https:\/\/[^\s/]/i.test(href) || /^mailto:[^\s]+$/i.test(href)) return keep(href);
        return TEXT_ONLY;
      },
      img: (_tagName, attribs) => {
        const alt = attribs['alt'] ?? '';
        const size: Record<string, string> = {};
        for (const dim of ['width', 'height'] as const) {
          const value = attribs[dim];
          if (value && /^\d{1,5}$/.test(value)) size[dim] = value;
        }
        const src = imageSource(attribs['src'] ?? '', rewriter);
        return src ? { tagName: 'img', attribs: { src, alt, ...size } } : { tagName: 'img', attribs: { alt } };
      },
    },
    // An image without a usable source is removed (external images never load, T23/P1); the pass before
    // (confluence-markup.ts, asking imageSource too) already put its alt text or a marker in its place.
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs['src'],
  });
};
