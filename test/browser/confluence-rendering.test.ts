/**
 * The golden corpus of real Confluence HTML (fixtures/confluence-html) rendered as shared pages in
 * headless Chromium, under the view's real CSP, at desktop and phone width: no element reaches past the
 * viewport (content inside a scroll box is clipped by it, the box itself must fit), every word a reader
 * sees in Confluence is in the shared page, the column is centred, and Confluence's constructs keep
 * their look. One browser launch; screenshots go to test-results/screenshots/confluence-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../src/web/responses';
import { launchBrowser, type TestBrowser } from '../support/browser';
import { corpusFixtures, renderCorpusPage, SHARE_BASE, visibleSourceWords, wordsOf } from '../support/confluence-corpus';

const SHOTS = join('test-results', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
/** A 60×20 PNG for the proxied attachment picture. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAADwAAAAUCAIAAABeYcl+AAAALUlEQVR42u3OQQkAAAgEsOufzRA20RQ+hMECLNXzTqSlpaWlpaWlpaWlpaUvLFnEgkUHNmwiAAAAAElFTkSuQmCC', 'base64');

let browser: TestBrowser;
let page: Page;
const pages = new Map<string, string>();
const problems: string[] = [];

beforeAll(async () => {
  for (const fixture of corpusFixtures()) pages.set(fixture.name, renderCorpusPage(fixture.name, fixture.html));
  browser = await launchBrowser({ viewport: DESKTOP });
  page = await browser.context.newPage();
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('https://share.test/')) problems.push(`request outside the share: ${request.url()}`);
  });
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== 'https://share.test') return route.abort();
    if (url.pathname.startsWith('/s/TOKEN/img/')) return route.fulfill({ status: 200, contentType: 'image/png', body: PNG, headers: { ...SECURITY_HEADERS } });
    const name = url.pathname.replace('/fixture/', '');
    const html = pages.get(name);
    return html ? route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html, headers: { ...SECURITY_HEADERS } }) : route.fulfill({ status: 404, body: '' });
  });
});

afterAll(async () => {
  await browser?.close();
});

/** Elements whose box reaches past the viewport, unless a scroll box (overflow-x not visible) clips them. */
const overflowing = (target: Page): Promise<string[]> =>
  target.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width) found.push(`document scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      if (element.closest('.skip')) continue; // the skip link waits off-screen by design
      let clipped = false;
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        if (getComputedStyle(parent).overflowX !== 'visible') {
          clipped = true;
          break;
        }
      }
      if (clipped) continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.right > width + 0.5 || box.left < -0.5) found.push(`<${element.tagName.toLowerCase()} class="${element.getAttribute('class') ?? ''}"> spans ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
    }
    return found.slice(0, 10);
  });

/** The text of the shared page's content, text node by text node (hidden ones too: a folded expand still holds its words). */
const shownText = (target: Page): Promise<string> =>
  target.evaluate(() => {
    const article = document.querySelector('article.content');
    if (!article) return '';
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    const parts: string[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) parts.push(node.nodeValue ?? '');
    return parts.join(' ');
  });

const open = async (name: string, viewport: { width: number; height: number }): Promise<void> => {
  await page.setViewportSize(viewport);
  await page.goto(`${SHARE_BASE.replace('/s/TOKEN', '')}/fixture/${name}`);
};

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `confluence-${name}.png`), fullPage: true });

describe('real Confluence HTML as a shared page', () => {
  it.each(corpusFixtures().map((f) => [f.name, f.html] as const))('%s: fits desktop and phone, keeps every word, centred', async (name, html) => {
    const expected = new Set(visibleSourceWords(html));
    for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      await open(name, viewport);
      expect(await overflowing(page), `${name} at ${label}`).toEqual([]);
      const shown = new Set(wordsOf(await shownText(page)));
      const lost = [...expected].filter((word) => !shown.has(word));
      expect(lost, `${name} at ${label}: words of the source missing from the shared page`).toEqual([]);
      // The column is centred: as much room on its left as on its right.
      const main = await page.locator('main').boundingBox();
      if (!main) throw new Error('no main');
      expect(Math.abs(main.x - (viewport.width - main.x - main.width)), `${name} at ${label}: main is off-centre`).toBeLessThanOrEqual(2);
      await shot(`${name}-${label}`);
    }
    expect(problems).toEqual([]);
  });

  it('constructs look as in Confluence: lozenges, tasks, folded expands, panels with icons, highlights, numbered code, scroll cue', async () => {
    await open('cloud-constructs', DESKTOP);
    const look = await page.evaluate(() => {
      const style = (selector: string, pseudo?: string) => {
        const element = document.querySelector(selector);
        return element ? getComputedStyle(element, pseudo) : null;
      };
      const wrap = document.querySelector('.table-wrap');
      return {
        lozenge: style('.aui-lozenge-current')?.backgroundColor,
        taskDone: style('li.task-done', '::before')?.backgroundColor,
        taskOpen: style('li.task-open', '::before')?.backgroundColor,
        expandOpen: (document.querySelector('details.expand') as HTMLDetailsElement | null)?.open,
        expandVisible: document.querySelector('details.expand .expand-content')?.checkVisibility(),
        panelIcon: style('.panel-success', '::before')?.content,
        errorIcon: style('.panel-error', '::before')?.content,
        warningTitle: style('.confluence-information-macro .title')?.fontWeight,
        highlight: style('td.highlight')?.backgroundColor,
        lineNumber: style('pre.code-block .line', '::before')?.content,
        wideScrolls: wrap ? wrap.scrollWidth > wrap.clientWidth : null,
        cue: wrap ? getComputedStyle(wrap).backgroundImage : '',
        layoutColumns: style('.columnLayout.three-equal')?.gridAutoFlow,
        cells: Array.from(document.querySelectorAll('.columnLayout.three-equal > .cell')).map((cell) => Math.round(cell.getBoundingClientRect().top)),
      };
    });
    expect(look.lozenge).toBe('rgb(248, 230, 160)');
    expect(look.taskDone).not.toBe(look.taskOpen);
    expect(look.expandOpen).toBe(false);
    expect(look.expandVisible).toBe(false);
    expect(look.panelIcon).toContain('✓');
    expect(look.errorIcon).toContain('×');
    expect(Number(look.warningTitle)).toBeGreaterThanOrEqual(600);
    expect(look.highlight).toBe('rgb(227, 252, 239)');
    expect(look.lineNumber).toBe('counter(line)');
    expect(look.cue).toContain('radial-gradient');
    // Three columns side by side on desktop…
    expect(new Set(look.cells).size).toBe(1);
    await page.locator('details.expand summary').click();
    expect(await page.locator('details.expand .expand-content').isVisible()).toBe(true);
    // …stacked on a phone, where the wide table scrolls inside its box.
    await open('cloud-constructs', PHONE);
    const phone = await page.evaluate(() => ({
      cells: Array.from(document.querySelectorAll('.columnLayout.three-equal > .cell')).map((cell) => Math.round(cell.getBoundingClientRect().top)),
      wideScrolls: Array.from(document.querySelectorAll('.table-wrap')).some((wrap) => wrap.scrollWidth > wrap.clientWidth),
    }));
    expect(new Set(phone.cells).size).toBe(3);
    expect(phone.wideScrolls).toBe(true);
    // The overflow check catches what the issue saw: a block 1638.4px wide outside any scroll box.
    await page.evaluate(() => {
      const wide = document.createElement('div');
      wide.style.width = '1638.4px';
      wide.textContent = 'wide';
      document.querySelector('article.content')?.append(wide);
    });
    expect((await overflowing(page)).join('\n')).toContain('document scrolls sideways');
  });

  it('dark mode and print keep the page readable and within the page width', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await open('cloud-constructs', DESKTOP);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(29, 33, 37)');
    // Highlighted cells and custom panels keep dark text on their light colour.
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('td.highlight') as Element).color)).toBe('rgb(23, 43, 77)');
    expect(await overflowing(page)).toEqual([]);
    await shot('cloud-constructs-dark');
    await open('task-list-wide-table', PHONE);
    await shot('task-list-wide-table-phone-dark');
    await page.emulateMedia({ colorScheme: 'light', media: 'print' });
    await open('cloud-constructs', { width: 794, height: 1123 });
    expect(await overflowing(page)).toEqual([]);
    await shot('cloud-constructs-print');
    await page.emulateMedia({ media: 'screen' });
    expect(problems).toEqual([]);
  });
});
