/**
 * The table of contents of a shared page, read from its sanitized body: the h1–h3 headings, whose ids
 * the sanitizer set (the page's own under `c-`, added ones `toc-<n>`). Only headings with such an id
 * are listed, so every entry links to an anchor that exists on the page.
 */
export interface TocEntry {
  id: string;
  level: 1 | 2 | 3;
  text: string;
}

/** A page gets a table of contents from this many headings. */
export const TOC_MIN_HEADINGS = 3;
const MAX_ENTRIES = 60;
const MAX_TEXT = 120;

const HEADING = /<h([1-3])\b[^>]*?\bid="((?:c-|toc-)[A-Za-z0-9_.:-]{1,200})"[^>]*>([\s\S]*?)<\/h\1>/g;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** Text of sanitized markup: tags removed, the entities the sanitizer writes decoded, spaces collapsed. */
export const textOfMarkup = (markup: string): string =>
  markup
    // The view's own "… not available in shared view" markers are not the page's text (search, TOC).
    .replace(/<span class="unavailable">[^<]*<\/span>/g, ' ')
    // Block ends separate words; inline tags (em, a, code…) do not ("acme.example.", not "acme.example .").
    .replace(/<\/?(?:p|div|li|ul|ol|dl|dt|dd|h[1-6]|tr|td|th|table|thead|tbody|tfoot|caption|pre|blockquote|figure|figcaption|details|summary|br|hr)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6}|#39);/gi, (whole, ref: string) => {
      const named = ENTITIES[ref.toLowerCase()];
      if (named !== undefined) return named;
      if (!ref.startsWith('#')) return whole;
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : ' ';
    })
    .replace(/\s+/g, ' ')
    .trim();

export const tableOfContents = (sanitizedBody: string): TocEntry[] => {
  const entries: TocEntry[] = [];
  for (const match of sanitizedBody.matchAll(HEADING)) {
    const [, level, id, inner] = match;
    const text = textOfMarkup(inner ?? '');
    if (!id || text === '') continue;
    entries.push({ id, level: Number(level) as TocEntry['level'], text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text });
    if (entries.length >= MAX_ENTRIES) break;
  }
  return entries.length >= TOC_MIN_HEADINGS ? entries : [];
};
