/** Plain text from and to Confluence storage format (comments have no HTML view in v2). */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…',
  rarr: '→', larr: '←', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', bull: '•', middot: '·',
  copy: '©', reg: '®', trade: '™', times: '×', euro: '€', pound: '£',
};

const decodeEntities = (text: string): string =>
  text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : '\uFFFD';
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });

const USER_MENTION = /<ri:user\b[^>]*>/gi;
const ACCOUNT_ID_ATTRIBUTE = /\bri:account-id\s*=\s*"([^"]{1,128})"/i;

/** Account ids of the people mentioned (`<ri:user ri:account-id="…"/>`) in a storage body. */
export const mentionedAccountIds = (storage: string): string[] => {
  const ids = new Set<string>();
  for (const tag of storage.match(USER_MENTION) ?? []) {
    const id = ACCOUNT_ID_ATTRIBUTE.exec(tag)?.[1];
    if (id) ids.add(id);
  }
  return [...ids];
};

/** Display name for an account id, when known. */
export type NameOf = (accountId: string) => string | undefined;

/**
 * Converts Confluence storage XHTML to plain text: block ends become line breaks, macro parameters
 * and scripts are dropped, mentions become "@Display Name" (when `nameOf` knows the account), entities
 * are decoded. The result contains no markup but may contain `<` typed by the author: renderers must
 * still HTML-escape it.
 */
export const storageToPlainText = (storage: string, nameOf: NameOf = () => undefined): string => {
  let s = storage.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, inner: string) =>
    inner.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  );
  s = s
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<ac:parameter\b[\s\S]*?<\/ac:parameter\s*>/gi, '')
    // A mention link may carry its own text (<ac:plain-text-link-body>); the name replaces it.
    .replace(/<ac:plain-text-link-body\b[\s\S]*?<\/ac:plain-text-link-body\s*>/gi, '')
    .replace(USER_MENTION, (tag) => {
      const id = ACCOUNT_ID_ATTRIBUTE.exec(tag)?.[1];
      const name = id ? nameOf(id) : undefined;
      // Escaped here because entities are decoded once, below.
      return `@${(name ?? 'Confluence user').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '• ')
    .replace(/<\/(p|div|li|h[1-6]|tr|blockquote|pre|table|ul|ol)\s*>/gi, '\n')
    .replace(/<\/?[a-z!?][^>]*>/gi, '');
  s = decodeEntities(s)
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[ \t\u00a0]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
  return s.trim();
};

export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Plain text → storage paragraphs (newlines kept as <br/>). */
export const plainTextToStorage = (text: string): string =>
  text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((para) => `<p>${para.split('\n').map(escapeXml).join('<br/>')}</p>`)
    .join('');
