import { describe, expect, it } from 'vitest';
import type { PageComment } from '../../src/app/ports';
import { commentThreads } from '../../src/web/comment-threads';
import { renderContentPage } from '../../src/web/render/pages';

const comment = (id: string, extra: Partial<PageComment> = {}): PageComment => ({
  id,
  pageId: '1',
  kind: 'footer',
  parentId: null,
  authorName: `Author ${id}`,
  authorEmail: null,
  viaShare: false,
  createdAt: Date.UTC(2026, 10, Number(id.slice(-1)) || 1),
  bodyText: `Text ${id}`,
  ...extra,
});

describe('comment threads in the share view', () => {
  it('nests replies under their parent, keeps inline threads apart with their quote, and keeps orphans', () => {
    const { footer, inline } = commentThreads([
      comment('101'),
      comment('103', { parentId: '101' }),
      comment('104', { parentId: '103' }),
      comment('102'),
      comment('105', { parentId: 'gone' }),
      comment('201', { kind: 'inline', quote: 'teh' }),
      comment('203', { kind: 'inline', parentId: '201', quote: 'ignored on replies' }),
    ]);
    expect(footer.map((t) => [t.text, t.replies?.map((r) => [r.text, r.replies?.map((rr) => rr.text)])])).toEqual([
      ['Text 101', [['Text 103', ['Text 104']]]],
      ['Text 102', []],
      ['Text 105', []],
    ]);
    expect(inline).toEqual([
      expect.objectContaining({ text: 'Text 201', quote: 'teh', replies: [expect.objectContaining({ text: 'Text 203', quote: null })] }),
    ]);
  });

  it('renders threads, the recipient name and verified email of comments posted through a link, all escaped', () => {
    const threads = commentThreads([
      comment('101', { authorName: 'Pat <b>Partner</b>', authorEmail: 'pat@partner.example', viaShare: true, bodyText: '<script>x</script>' }),
      comment('103', { parentId: '101', authorName: 'Ann', bodyText: 'Reply @Bob' }),
      comment('201', { kind: 'inline', quote: '<i>teh</i>', bodyText: 'Typo' }),
    ]);
    const html = renderContentPage({
      branding: null,
      pageId: '1',
      pageTitle: 'T',
      bodyHtml: '<p>x</p>',
      updatedAt: 0,
      creatorName: null,
      crumbs: [],
      nav: null,
      secrets: { csrf: 'c', ticket: 't' },
      comments: { items: threads.footer, inline: threads.inline, addAction: null },
      attachments: null,
      subscribe: null,
      logoutUrl: null,
    });
    expect(html).toContain('<span class="who">Pat &lt;b&gt;Partner&lt;/b&gt;</span> <span class="email">pat@partner.example</span> <span class="via">via share link</span>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>x');
    expect(html).toMatch(/<ol class="comments"><li[^>]*>.*Pat.*<ol class="comments replies"><li[^>]*><span class="who">Ann<\/span>.*Reply @Bob.*<\/ol><\/li><\/ol>/s);
    expect(html).toContain('On the page text');
    expect(html).toContain('<blockquote class="quote">&lt;i&gt;teh&lt;/i&gt;</blockquote>');
    // A Confluence author is never labelled as a share recipient.
    expect(html.match(/via share link/g)).toHaveLength(1);
  });
});
