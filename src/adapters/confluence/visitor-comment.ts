/**
 * Comments a share recipient posts are written to Confluence by the app, so Confluence shows the app
 * as their author. Who wrote them travels in a fixed header block at the top of the body:
 *
 *   From: <name the recipient typed, or "Anonymous visitor">
 *   Verified email: <address the recipient proved>      (only when one was proved)
 *   (posted through a Secure Share link)
 *
 * The name is one line of free text, so it can never forge the email line or the marker line that
 * follow it. The header is read back only from comments the app itself authored: a person typing the
 * same lines into Confluence stays the author of their comment.
 */
import type { CommentAuthor } from '../../app/ports';

export const VIA_SHARE_MARKER = '(posted through a Secure Share link)';
const FROM = 'From: ';
const VERIFIED = 'Verified email: ';
const ANONYMOUS = 'Anonymous visitor';
const EMAIL = /^[^\s@<>()]{1,64}@[^\s@<>()]{1,255}$/;

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The plain text the app posts: header block, a blank line, then the recipient's text. */
export const withVisitorHeader = (text: string, author: CommentAuthor): string => {
  const name = oneLine(author.name) || ANONYMOUS;
  const email = author.email && EMAIL.test(author.email) ? author.email : null;
  const header = [`${FROM}${name}`, ...(email ? [`${VERIFIED}${email}`] : []), VIA_SHARE_MARKER];
  return `${header.join('\n')}\n\n${text}`;
};

export interface VisitorComment {
  authorName: string;
  authorEmail: string | null;
  text: string;
}

/** Reads the header block back from a comment's plain text; undefined when it has none. */
export const readVisitorHeader = (plainText: string): VisitorComment | undefined => {
  const lines = plainText.split('\n');
  const [from, second, third] = lines;
  if (!from?.startsWith(FROM)) return undefined;
  const name = from.slice(FROM.length).trim() || ANONYMOUS;
  if (second === VIA_SHARE_MARKER) {
    return { authorName: name, authorEmail: null, text: lines.slice(2).join('\n').trim() };
  }
  if (second?.startsWith(VERIFIED) && third === VIA_SHARE_MARKER) {
    const email = second.slice(VERIFIED.length).trim();
    if (!EMAIL.test(email)) return undefined;
    return { authorName: name, authorEmail: email, text: lines.slice(3).join('\n').trim() };
  }
  return undefined;
};
