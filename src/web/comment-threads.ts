import type { PageComment } from '../app/ports';
import type { CommentItem } from './render/pages';

/** The name the Confluence adapter files for a recipient who typed none (adapters/confluence/visitor-comment.ts). */
const ANONYMOUS_VISITOR = 'Anonymous visitor';

/**
 * Comments as the share shows them: footer threads, then threads on a passage of the page (inline),
 * each root followed by its replies, nested by parentId. A reply whose parent is not in the list
 * (deleted, or beyond the adapter's caps) is shown at the top level rather than lost.
 */
export const commentThreads = (comments: readonly PageComment[]): { footer: CommentItem[]; inline: CommentItem[] } => {
  type Thread = CommentItem & { replies: CommentItem[] };
  const items = new Map<string, Thread>();
  for (const c of comments) {
    // A recipient who gave no name but proved an address is shown by that address.
    const unnamed = c.viaShare && c.authorEmail !== null && c.authorName === ANONYMOUS_VISITOR;
    items.set(c.id, {
      id: c.id,
      authorName: unnamed ? (c.authorEmail as string) : c.authorName,
      authorEmail: unnamed ? null : c.authorEmail,
      viaShare: c.viaShare,
      createdAt: c.createdAt,
      text: c.bodyText,
      quote: c.kind === 'inline' && c.parentId === null ? (c.quote ?? null) : null,
      replies: [],
    });
  }
  const footer: CommentItem[] = [];
  const inline: CommentItem[] = [];
  for (const c of comments) {
    const item = items.get(c.id) as Thread;
    const parent = c.parentId !== null && c.parentId !== c.id ? items.get(c.parentId) : undefined;
    if (parent) parent.replies.push(item);
    else (c.kind === 'inline' ? inline : footer).push(item);
  }
  return { footer, inline };
};
