/**
 * Reading a share over real HTTP: the table of contents of long pages, search within the shared tree
 * (only pages the link shows, never the raw source), dates in words, and a view that needs no script.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/share-harness';
import { linksOf, Visitor } from '../support/visitor';
import { normalizeQuery, snippetAround } from '../../src/web/share-search';
import { tableOfContents } from '../../src/web/render/toc';
import { APP_CSS } from '../../src/web/render/styles';
import { PASSWORD } from './support/password-gate';

let h: Harness;
let tree: { path: string };
beforeAll(async () => {
  h = await startHarness();
  tree = await h.link({ includeChildren: true, withoutLabels: ['internal'] });
});
afterAll(async () => {
  await h.close();
});

const search = (v: Visitor, q: string) => v.get(`${tree.path}/search?q=${encodeURIComponent(q)}`);
const resultTitles = (page: string): string[] =>
  [...page.matchAll(/<ol class="results">([\s\S]*?)<\/ol>/g)].flatMap((m) => linksOf(m[1] ?? '').map((l) => l.text));

describe('recipient: table of contents', () => {
  it('a long page lists its h1–h3 headings, each linking to an anchor that exists', async () => {
    const page = await new Visitor(h.base).get(tree.path);
    expect(page.status).toBe(200);
    const toc = /<nav class="toc"[\s\S]*?<\/nav>/.exec(page.text)?.[0] ?? '';
    expect(toc).toContain('On this page');
    const entries = linksOf(toc);
    expect(entries.map((e) => e.text)).toEqual(['Overview', 'Architecture', 'Service levels', 'Quick start']);
    for (const entry of entries) {
      expect(entry.href).toMatch(/^#(c-|toc-)/);
      expect(page.text).toContain(`id="${entry.href.slice(1)}"`);
    }
  });

  it('a short page has none', async () => {
    const page = await new Visitor(h.base).get(`${tree.path}/p/1002`);
    expect(page.text).not.toContain('class="toc"');
  });

  it('headings without an id get one; page ids never take the view\'s own anchors', () => {
    const body = '<h2 id="c-a">A</h2><h3 id="toc-1">B &amp; C</h3><h1 id="toc-2"><em>D</em></h1>';
    expect(tableOfContents(body)).toEqual([
      { id: 'c-a', level: 2, text: 'A' },
      { id: 'toc-1', level: 3, text: 'B & C' },
      { id: 'toc-2', level: 1, text: 'D' },
    ]);
    expect(tableOfContents('<h2 id="comments">x</h2><h2 id="c-b">y</h2><h2>z</h2>')).toEqual([]);
  });
});

describe('recipient: search within the share', () => {
  it('the page offers a GET search form (no script needed)', async () => {
    const page = await new Visitor(h.base).get(tree.path);
    expect(page.text).toMatch(new RegExp(`<form class="search" method="get" action="${h.base}${tree.path}/search"`));
    expect(page.headers.get('content-security-policy')).toContain("script-src 'none'");
  });

  it('finds text and titles of shared pages, with the match highlighted', async () => {
    const v = new Visitor(h.base);
    const text = await search(v, 'invite your TEAM');
    expect(text.status).toBe(200);
    expect(resultTitles(text.text)).toEqual(['Getting started']);
    expect(text.text).toContain('<mark>Invite your team</mark>');
    expect(text.text).toContain('1 page matches “invite your TEAM”.');
    const title = await search(v, 'release');
    expect(resultTitles(title.text)).toContain('Release notes');
    expect(title.text).toMatch(/\d pages match “release”/);
  });

  it('never finds pages the link does not show (label filter, restricted, trashed)', async () => {
    const v = new Visitor(h.base);
    for (const q of ['roadmap', 'Do not share outside', 'salary', 'Superseded']) {
      const reply = await search(v, q);
      expect(reply.status).toBe(200);
      expect(resultTitles(reply.text), q).toEqual([]);
      expect(reply.text).toContain('No page matches');
    }
  });

  it('searches only the root page of a link without child pages', async () => {
    const single = await h.link({ includeChildren: false });
    const reply = await new Visitor(h.base).get(`${single.path}/search?q=${encodeURIComponent('Invite your team')}`);
    expect(resultTitles(reply.text)).toEqual([]);
    const root = await new Visitor(h.base).get(`${single.path}/search?q=handbook`);
    expect(resultTitles(root.text)).toEqual(['Product Handbook']);
  });

  it('searches the text a visitor sees, not the page source', async () => {
    const v = new Visitor(h.base);
    // Class names and ids are in the source, not in the text.
    expect(resultTitles((await search(v, 'confluence-information-macro')).text)).toEqual([]);
    expect(resultTitles((await search(v, 'ProductHandbook-Overview')).text)).toEqual([]);
  });

  it('an empty query shows the form; markup in the query is escaped', async () => {
    const v = new Visitor(h.base);
    const empty = await v.get(`${tree.path}/search`);
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('Search the titles and text of the');
    const evil = await search(v, '"><script>alert(1)</script>');
    expect(evil.text).not.toContain('<script>alert');
    expect(evil.text).toContain('&lt;script&gt;');
  });

  it('behind a gate, search is not answered', async () => {
    const gated = await h.link({ includeChildren: true, password: PASSWORD });
    const reply = await new Visitor(h.base).get(`${gated.path}/search?q=team`);
    expect(reply.status).toBe(303);
    expect(reply.text).not.toContain('Getting started');
  });

  it('query normalization and snippets', () => {
    expect(normalizeQuery('  ｔｅａｍ \u202E  plan  ')).toBe('team plan');
    expect(normalizeQuery('x'.repeat(500))).toHaveLength(100);
    expect(snippetAround('alpha beta gamma', 'BETA')).toEqual({ before: 'alpha ', match: 'beta', after: ' gamma' });
    expect(snippetAround('alpha', 'zeta')).toBeNull();
    const long = `${'a '.repeat(100)}needle${' b'.repeat(100)}`;
    const snippet = snippetAround(long, 'needle');
    expect(snippet?.before.startsWith('…')).toBe(true);
    expect(snippet?.after.endsWith('…')).toBe(true);
  });
});

describe('recipient: look', () => {
  it('dates are written in words', async () => {
    const page = await new Visitor(h.base).get(tree.path);
    expect(page.text).toMatch(/Last updated <time datetime="2026-11-20T14:30:00.000Z">20 November 2026<\/time>/);
  });

  it('the stylesheet has a dark scheme and a print sheet; notices are as wide as the text column', () => {
    expect(APP_CSS).toContain('@media (prefers-color-scheme:dark)');
    expect(APP_CSS).toContain('@media print');
    // One centred column (as wide as Confluence's fixed-width page) sets the measure; notices and the
    // content fill it, neither is capped narrower.
    expect(APP_CSS).toContain('.shell.single{grid-template-columns:minmax(0,808px)}');
    expect(APP_CSS).not.toMatch(/\.notice\{[^}]*max-width/);
    expect(APP_CSS).not.toMatch(/\.content\{[^}]*max-width/);
  });
});

describe('recipient: text of a page', () => {
  it('block ends separate words, inline markup does not', async () => {
    const { textOfMarkup } = await import('../../src/web/render/toc');
    expect(textOfMarkup('<p>Create at <a href="x">acme.example</a>.</p><p>Next<br>line</p><ul><li>a</li><li>b</li></ul>')).toBe(
      'Create at acme.example. Next line a b',
    );
    expect(textOfMarkup('<p>x &amp; y &lt;z&gt; &#x41;&#66;</p>')).toBe('x & y <z> AB');
  });
});
