/**
 * The golden corpus of real Confluence HTML (fixtures/confluence-html, origins in its README): reading
 * the fixtures, rendering one as a shared page, and the words a reader sees in the source.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'htmlparser2';
import { sanitizePageHtml, type ContentRewriter } from '../../src/web/content-sanitizer';
import { renderContentPage } from '../../src/web/render/pages';

export const CORPUS_DIR = join('fixtures', 'confluence-html');
export const SHARE_BASE = 'https://share.test/s/TOKEN';

export const corpusFixtures = (): Array<{ name: string; html: string }> =>
  readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith('.html'))
    .sort()
    .map((file) => ({ name: file.replace(/\.html$/, ''), html: readFileSync(join(CORPUS_DIR, file), 'utf8') }));

/** Pages 1001 and 1002 are in the shared tree; page 1001 is the one shown. */
export const corpusRewriter: ContentRewriter = {
  pageUrl: (id) => (id === '1001' || id === '1002' ? `${SHARE_BASE}/p/${id}` : null),
  imageUrl: (pageId, fileName) => (pageId === '1001' ? `${SHARE_BASE}/img/${pageId}/${encodeURIComponent(fileName)}` : null),
  attachmentUrl: () => null,
};

export const renderCorpusPage = (name: string, html: string): string =>
  renderContentPage({
    branding: null,
    pageId: '1001',
    pageTitle: name,
    bodyHtml: sanitizePageHtml(html, corpusRewriter),
    updatedAt: Date.UTC(2026, 11, 1),
    creatorName: null,
    crumbs: [],
    nav: null,
    secrets: { csrf: 'csrf', ticket: 'ticket' },
    comments: null,
    attachments: null,
    subscribe: null,
    logoutUrl: null,
  });

/** Words of a text: runs of letters and digits. */
export const wordsOf = (text: string): string[] => text.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');

const HIDDEN = new Set(['script', 'style', 'template', 'noscript', 'title', 'head']);

/**
 * The words a reader of the page in Confluence sees, minus what Confluence itself shows only until its
 * script runs: the Jira macro's "Getting issue details... STATUS" placeholder and the loading text of
 * Jira issue tables.
 */
export const visibleSourceWords = (html: string): string[] => {
  const words: string[] = [];
  const stack: boolean[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const classes = (attribs['class'] ?? '').split(/\s+/);
        const hidden = HIDDEN.has(name) || classes.includes('issue-placeholder') || classes.includes('jira-table');
        stack.push((stack[stack.length - 1] ?? false) || hidden);
      },
      ontext(text) {
        if (stack[stack.length - 1]) return;
        words.push(...wordsOf(text.replace('Getting issue details...', ' ')));
      },
      onclosetag() {
        stack.pop();
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return words;
};
