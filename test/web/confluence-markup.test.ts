/**
 * What each Confluence construct of the golden corpus (fixtures/confluence-html) becomes in the shared
 * view: confluence-markup.ts before the sanitizer, then the sanitizer (the real production pipeline).
 */
import { describe, expect, it } from 'vitest';
import { codeLines, languageOf } from '../../src/web/code-lines';
import { normalizeConfluenceHtml } from '../../src/web/confluence-markup';
import { sanitizePageHtml } from '../../src/web/content-sanitizer';
import { corpusFixtures, corpusRewriter, SHARE_BASE } from '../support/confluence-corpus';

const corpus = new Map(corpusFixtures().map((f) => [f.name, f.html]));
const shared = (name: string): string => {
  const html = corpus.get(name);
  if (html === undefined) throw new Error(`no fixture ${name}`);
  return sanitizePageHtml(html, corpusRewriter);
};
const clean = (html: string): string => sanitizePageHtml(html, corpusRewriter);

describe('golden corpus: Confluence constructs in the shared view', () => {
  it('no width from the page survives except percentages: pixel columns become shares, layouts and cells lose theirs', () => {
    for (const name of corpus.keys()) {
      const output = shared(name);
      expect(output, name).not.toMatch(/(?<![-\w])width:\s*\d+(\.\d+)?px/);
      expect(output, name).not.toContain('1638');
    }
    // 202 + 201 + 201 + 201 px → shares of the table.
    expect(shared('panels-code-layout')).toContain('<col style="width:25.09%" /><col style="width:24.97%" />');
    expect(shared('cloud-constructs')).toContain('<div class="columnLayout three-equal">\n<div class="cell normal"><div class="innerCell">');
  });

  it('every table sits in exactly one scroll box', () => {
    for (const name of corpus.keys()) {
      const output = shared(name);
      const tables = (output.match(/<table[\s>]/g) ?? []).length;
      const wrapped = (output.match(/<div class="table-wrap"><table[\s>]/g) ?? []).length;
      expect(wrapped, name).toBe(tables);
      expect(output, name).not.toContain('<div class="table-wrap"><div class="table-wrap">');
    }
  });

  it('emoticons become their character with the alt text as tooltip, never nothing', () => {
    const output = shared('emoticon-status-table');
    expect(output).toContain('<span class="emoji" title="(tick)">✅</span>');
    expect(output).toContain('<span class="emoji" title="(question)">❓</span>');
    expect(output).toContain('<span class="emoji" title="(error)">❌</span>');
    expect(output).toContain('<span class="emoji" title="(minus)">➖</span>');
    expect(output).not.toContain('<img');
    expect(shared('cloud-constructs')).toContain('<span class="emoji" title=":rocket:">🚀</span>');
  });

  it('status lozenges keep their colour class; Jira issue macros show the key, not the loading placeholder', () => {
    const output = shared('status-jira-mentions');
    expect(output).toContain('aui-lozenge-success conf-macro output-inline">RELEASED</span>');
    expect(output).toContain('aui-lozenge-complete conf-macro output-inline">EXISTING</span>');
    expect(output).toContain('<span class="jira-issue-placeholder"><span class="macro-label">Jira</span> FA-1384</span> ?');
    expect(output).not.toContain('Getting issue details');
    expect(output).not.toContain('STATUS');
    expect(output).not.toContain('atlassian.net');
  });

  it('mentions become the person\'s name, without a link to Confluence', () => {
    expect(shared('status-jira-mentions')).toContain('<span class="user-mention">Tobias Hofer</span> Publish Service Attachment URL');
    expect(shared('task-list-wide-table')).toContain('PM: <span class="user-mention">Chen Chao</span>');
  });

  it('task lists keep done and open; decision lists are marked', () => {
    const tasks = shared('task-list-wide-table');
    expect(tasks).toContain('<ul class="inline-task-list task-list"><li class="checked task task-done">PM:');
    expect(tasks).toContain('<li class="task task-open">TPM:');
    const cloud = shared('cloud-constructs');
    expect(cloud).toContain('<ul class="decision-list"><li class="decision decision-decided">Ship the export on 2 February.</li><li class="decision decision-open">');
  });

  it('expand macros fold into <details>/<summary> with the title only', () => {
    expect(shared('expand-highlights')).toContain(
      '<td><details class="expand">\n<summary>Need help? (Click to expand)</summary>\n<div class="expand-content">',
    );
    expect(shared('cloud-constructs')).toContain('<details class="expand"><summary>Rollback steps</summary><div class="expand-content"><ol>');
  });

  it('cell highlights keep their colour (Confluence names and Cloud hex values)', () => {
    const output = shared('expand-highlights');
    expect(output).toContain('<td class="highlight-grey confluenceTd highlight" colspan="5" style="text-align:center;background-color:#f4f5f7">');
    expect(output).toContain('<th class="highlight-red confluenceTh highlight" style="background-color:#ffebe6">');
    expect(output).toContain('<th class="highlight-green confluenceTh highlight" style="background-color:#e3fcef">');
    expect(shared('cloud-constructs')).toContain('<td class="confluenceTd highlight" style="background-color:#e3fcef">');
  });

  it('code macros become numbered lines with monochrome highlighting', () => {
    const output = shared('cloud-constructs');
    expect(output).toContain('<pre class="code-block lang-bash"><code><span class="line"><span class="tok-c"># deploy the release</span></span>\n');
    expect(output).toContain('<span class="line">  <span class="tok-k">echo</span> <span class="tok-s">"deploying $region"</span></span>');
    expect(shared('panels-code-layout')).toContain('<span class="line">ProxyPass <span class="tok-s">"/js/tracker.js"</span>');
  });

  it('panels by type, page links inside the share, dates, images within the share; what cannot be shown leaves a marker', () => {
    const output = shared('cloud-constructs');
    expect(output).toContain('<div class="panel conf-macro output-block panel-box panel-success" style="background-color:#E3FCEF;border-width:1px">');
    expect(output).toContain('panel-box panel-error');
    expect(output).toContain('panel-box panel-note');
    expect(output).toContain(`<a href="${SHARE_BASE}/p/1002" rel="noopener noreferrer nofollow">Getting started</a>`);
    expect(output).toContain('<a href="#c-Release-Decisions">Decisions</a>');
    expect(output).toContain('<h2 id="c-Release-Decisions">');
    expect(output).toContain('<time datetime="2026-01-12" class="date-past">12 Jan 2026</time>');
    expect(output).toContain(`<img src="${SHARE_BASE}/img/1001/diagram.png" alt="Release flow diagram" width="1200" />`);
    expect(output).toContain('<span class="unavailable">Image “Team banner” not available in shared view</span>');
    expect(output).toContain('<span class="unavailable">Jira issues not available in shared view</span>');
    expect(output).not.toContain('Loading issues');
    expect(output).toContain('<p class="title conf-macro-render">Before you release</p>');
  });

  it('dates keep their machine-readable day', () => {
    const output = shared('dates');
    expect(output).toContain('as of <time datetime="2017-06-06" class="date-past">06 Jun 2017</time>.');
    expect(output).toContain('<p><time datetime="2018-07-19" class="date-past">2018-7-19</time> </p>');
  });
});

describe('confluence-markup: what it writes stays plain', () => {
  const noImages = { imageShown: () => false };

  it('keeps escaped text escaped and drops attributes whose names could break the markup', () => {
    expect(normalizeConfluenceHtml('<p title="a&quot;b">&lt;script&gt;alert(1)&lt;/script&gt; &amp;</p>', noImages)).toBe(
      '<p title="a&quot;b">&lt;script&gt;alert(1)&lt;/script&gt; &amp;</p>',
    );
    expect(normalizeConfluenceHtml('<p a"b="x" c<d="y" ok="z">t</p>', noImages)).toBe('<p ok="z">t</p>');
    expect(normalizeConfluenceHtml('<a"b>t</a"b><ac:link>u</ac:link>', noImages)).toBe('t<ac:link>u</ac:link>');
  });

  it('a page\'s own <details>, forms and scripts never come out as such; view-time macros leave a marker', () => {
    expect(clean('<details open ontoggle="alert(1)"><summary>s</summary>x</details>')).toBe('<div><div>s</div>x</div>');
    expect(normalizeConfluenceHtml('<script>var a = "<p>x</p>";</script><style>p{}</style><p>ok</p>', noImages)).toBe('<p>ok</p>');
    expect(clean('<div class="conf-macro" data-macro-name="pagetree"><p>Loading…</p></div>')).toBe('<span class="unavailable">Page tree not available in shared view</span>');
    expect(clean('<video src="https://x.example/v.mp4">old browser</video>')).toBe('<span class="unavailable">Media not available in shared view</span>');
  });

  it('an image that is not shown leaves its alt text; Confluence\'s decorative icons without alt go silently', () => {
    expect(clean('<p>a<img src="https://evil.example/x.png" alt="Chart">b<img src="/wiki/s/1/_/images/icons/wait.gif">c</p>')).toBe(
      '<p>a<span class="unavailable">Image “Chart” not available in shared view</span>bc</p>',
    );
    expect(clean('<img src="https://evil.example/x.png">')).toBe('<span class="unavailable">Image not available in shared view</span>');
  });
});

describe('text of a shared page (search, table of contents)', () => {
  it('leaves out the view\'s own markers', async () => {
    const { textOfMarkup } = await import('../../src/web/render/toc');
    expect(textOfMarkup(clean('<p>Before <img src="https://x.example/a.png" alt="Chart"> after</p>'))).toBe('Before after');
  });
});

describe('code lines', () => {
  it('numbers every line, escapes every character, reads the brush', () => {
    expect(languageOf('brush: sql; gutter: false; theme: Confluence')).toBe('sql');
    expect(languageOf(undefined)).toBe('none');
    expect(codeLines('a < b\n', 'none')).toBe('<span class="line">a &lt; b</span>');
    expect(codeLines('select 1 -- one\nfrom t', 'sql')).toBe(
      '<span class="line"><span class="tok-k">select</span> <span class="tok-n">1</span> <span class="tok-c">-- one</span></span>\n<span class="line"><span class="tok-k">from</span> t</span>',
    );
    expect(codeLines('get("https://x.example/a") // fetch', 'java')).toBe(
      '<span class="line">get(<span class="tok-s">"https://x.example/a"</span>) <span class="tok-c">// fetch</span></span>',
    );
    expect(codeLines('https://api.example/tenants', 'java')).toBe('<span class="line">https://api.example/tenants</span>');
    expect(codeLines('/* a\nb */ return', 'java')).toBe('<span class="line"><span class="tok-c">/* a</span></span>\n<span class="line"><span class="tok-c">b */</span> <span class="tok-k">return</span></span>');
  });
});
