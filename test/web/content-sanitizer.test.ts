import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'parse5';
import { describe, expect, it } from 'vitest';
import { sanitizePageHtml, type ContentRewriter } from '../../src/web/content-sanitizer';

interface P5Node {
  nodeName: string;
  tagName?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: P5Node[];
  content?: P5Node;
}

const BASE = 'https://share.example/s/TOKEN';
const inTree = new Set(['1001', '1002']);
const rewriter: ContentRewriter = {
  pageUrl: (id) => (inTree.has(id) ? `${BASE}/p/${id}` : null),
  imageUrl: (pageId, file) => (inTree.has(pageId) ? `${BASE}/img/${pageId}/${encodeURIComponent(file)}` : null),
  attachmentUrl: (pageId, file) => (pageId === '1001' && file === 'spec.txt' ? `${BASE}/a/att-2002` : null),
};

const clean = (html: string): string => sanitizePageHtml(html, rewriter);

const FORBIDDEN_TAGS = new Set(['script', 'style', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'svg', 'math', 'base', 'meta', 'link', 'template', 'textarea', 'select']);

/** Re-parses the output with the spec parser and lists every script-capable or forbidden construct. */
const dangers = (html: string): string[] => {
  const found: string[] = [];
  const visit = (node: P5Node): void => {
    if (node.tagName && FORBIDDEN_TAGS.has(node.tagName)) found.push(`<${node.tagName}>`);
    for (const a of node.attrs ?? []) {
      if (/^on/i.test(a.name)) found.push(`${node.tagName}[${a.name}]`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'srcset'].includes(a.name) && /^\s*(javascript|vbscript|data:text)/i.test(a.value)) {
        found.push(`${node.tagName}[${a.name}=${a.value.slice(0, 20)}]`);
      }
      if (a.name === 'srcdoc') found.push('srcdoc');
      if (a.name === 'style' && /(url\(|expression|position|z-index)/i.test(a.value)) found.push(`style=${a.value}`);
    }
    for (const child of node.childNodes ?? []) visit(child);
    if (node.content) visit(node.content);
  };
  visit(parse(`<!doctype html><body>${html}`) as unknown as P5Node);
  return found;
};

describe('sanitizer: nothing script-capable survives', () => {
  it('the detector itself flags raw payloads (so a pass means something)', () => {
    expect(dangers('<img src=x onerror=alert(1)>')).toEqual(['img[onerror]']);
    expect(dangers('<a href="javascript:x">a</a><svg></svg>')).toEqual(['a[href=javascript:x]', '<svg>']);
  });

  const payloads = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)><circle/></svg>',
    '<details open ontoggle=alert(1)>x</details>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" &#14;javascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<xmp><img src=x onerror=alert(1)></xmp>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<noembed><img src=x onerror=alert(1)></noembed>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<form><math><mtext></form><form><mglyph><svg><mtext><style><path id="</style><img onerror=alert(1) src>">',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<!--><img src=x onerror=alert(1)>-->',
    '<?xml ><img src=x onerror=alert(1)>?>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object><embed src="x.swf">',
    '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example"><link rel=stylesheet href=//evil.example/x.css>',
    '<form action="https://evil.example"><button formaction="javascript:alert(1)">x</button><input autofocus onfocus=alert(1)></form>',
    '<div style="position:fixed;top:0;left:0;z-index:9999;background:url(https://evil.example/x.png)">overlay</div>',
    '<p style="color:red;background-image:url(javascript:alert(1))">x</p>',
    '<img srcset="https://evil.example/a.png 1x" src="https://evil.example/a.png">',
    '<template><img src=x onerror=alert(1)></template>',
    '<style>body{background:url(https://evil.example)}</style>',
  ];
  for (const payload of payloads) {
    it(payload.slice(0, 70), () => {
      const output = clean(payload);
      expect(dangers(output)).toEqual([]);
      expect(output).not.toMatch(/evil\.example/);
    });
  }

  it('the XSS fixture site renders without a single dangerous construct', async () => {
    const site = JSON.parse(await readFile(fileURLToPath(new URL('../../fixtures/xss-site.json', import.meta.url)), 'utf8')) as {
      pages: Array<{ body: string }>;
    };
    for (const page of site.pages) expect(dangers(clean(page.body))).toEqual([]);
  });
});

describe('sanitizer: Confluence content keeps its shape', () => {
  it('keeps tables, code, panels, headings with ids and safe styles', () => {
    const output = clean(
      '<h2 id="Intro">Intro</h2><div class="confluence-information-macro"><p style="text-align:center;color:#ff0000">x</p></div>' +
        '<table class="confluenceTable"><tr><th colspan="2">A</th></tr><tr><td rowspan="1">b</td></tr></table><pre class="x">a &lt; b</pre>',
    );
    // The page's own anchors live under c- so they never take the view's ids (#comments, #updates…).
    expect(output).toContain('<h2 id="c-Intro">');
    expect(output).toContain('class="confluence-information-macro"');
    expect(output).toContain('style="text-align:center;color:#ff0000"');
    expect(output).toContain('<th colspan="2">');
    expect(output).toContain('<pre class="x">a &lt; b</pre>');
  });

  it('rewrites in-tree page links and turns out-of-tree ones into text', () => {
    const output = clean(
      '<a href="/wiki/spaces/DEMO/pages/1002/Getting+started">in</a> <a href="https://acme.atlassian.net/wiki/spaces/X/pages/3999/Secret">out</a> <a href="/wiki/pages/viewpage.action?pageId=1001">root</a>',
    );
    expect(output).toContain(`<a href="${BASE}/p/1002" rel="noopener noreferrer nofollow">in</a>`);
    expect(output).toContain('<span>out</span>');
    expect(output).not.toContain('3999');
    expect(output).toContain(`href="${BASE}/p/1001"`);
  });

  it('rewrites attachment links of the shown page only when attachments may be viewed', () => {
    const output = clean('<a href="/wiki/download/attachments/1001/spec.txt?version=1">spec</a> <a href="/wiki/download/attachments/1001/other.bin">other</a>');
    expect(output).toContain(`href="${BASE}/a/att-2002"`);
    expect(output).toContain('<span>other</span>');
  });

  it('proxies Confluence images of in-tree pages, drops external and out-of-tree images, keeps raster data: images', () => {
    const output = clean(
      '<img src="/wiki/download/attachments/1001/diagram.png?version=1" alt="d">' +
        '<img src="https://acme.atlassian.net/wiki/download/attachments/3999/secret.png" alt="s">' +
        '<img src="https://evil.example/t.png"><img src="http://169.254.169.254/latest/meta-data">' +
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline"><img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg">',
    );
    expect(output).toContain(`<img src="${BASE}/img/1001/diagram.png" alt="d" />`);
    expect(output).not.toContain('3999');
    expect(output).not.toContain('169.254');
    expect(output).toContain('data:image/png;base64,iVBORw0KGgo=');
    expect(output).not.toContain('svg+xml');
  });

  it('external https and mailto links keep rel=noopener noreferrer; protocol-relative and http are dropped', () => {
    const output = clean('<a href="https://acme.example/x" target="_blank">a</a><a href="mailto:a@b.example">m</a><a href="//evil.example">p</a><a href="http://plain.example">h</a>');
    expect(output).toContain('<a href="https://acme.example/x" rel="noopener noreferrer nofollow">a</a>');
    expect(output).not.toContain('target=');
    expect(output).toContain('href="mailto:a@b.example"');
    expect(output).not.toContain('evil.example');
    expect(output).not.toContain('plain.example');
  });

  it('bounds nesting depth', () => {
    const deep = '<div>'.repeat(5000) + 'x' + '</div>'.repeat(5000);
    const output = clean(deep);
    expect((output.match(/<div>/g) ?? []).length).toBeLessThanOrEqual(200);
  });
});
