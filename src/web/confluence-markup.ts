import { Parser } from 'htmlparser2';
import { codeLines, escapeText, languageOf } from './code-lines';

/**
 * Confluence's rendered page HTML (export_view) → the same page in plain HTML the sanitizer keeps and
 * the stylesheet can show as Confluence does, without script. It runs BEFORE the sanitizer, which stays
 * the only gate: this pass adds no URL and no attribute the sanitizer does not check again.
 *
 * - expand macros → <details>/<summary> (folded, as the author left them); <details>/<summary> written
 *   by the page itself are not kept as such (they become plain blocks);
 * - emoticons and emoji → their Unicode character (the alt text as a tooltip), or the alt text;
 * - task lists → items marked done/open; decision lists → decision items;
 * - mentions → the person's name; table cell highlights → their background colour;
 * - column widths in pixels → shares of the table; every table sits in a scroll box (div.table-wrap);
 * - code macros → numbered lines with monochrome highlighting;
 * - Jira issue macros → a placeholder with the issue key; macros that need Confluence while the page is
 *   viewed, and embedded frames, objects and media → a small "not available in shared view" marker.
 *
 * Script, style and other raw-text elements are removed here with everything inside them.
 */

type Attribs = Record<string, string>;

/** Removed with their whole content (the sanitizer would drop them too; nothing visible is lost). */
const DROP = new Set([
  'script', 'style', 'template', 'noscript', 'xmp', 'noembed', 'noframes', 'plaintext', 'title', 'textarea', 'select',
  'option', 'math', 'svg', 'head', 'meta', 'link', 'base', 'param', 'source', 'track',
  // Raw frames and plug-ins go without a marker (the security catalogue wants them gone entirely); the
  // Confluence macros that embed them (widget, iframe, multimedia…) leave a marker by their macro name.
  'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'portal',
]);
/** Media that cannot be shown: replaced by a marker. */
const EMBEDDED = new Set(['video', 'audio', 'canvas']);
/** Tags written by the page that are kept as plain blocks, never as themselves. */
const AS_BLOCK: Record<string, string> = { details: 'div', summary: 'div', form: 'div', fieldset: 'div', button: 'span', label: 'span' };
const VOID = new Set(['area', 'br', 'col', 'embed', 'hr', 'img', 'input', 'wbr', 'keygen']);

/** Macros whose content Confluence only fills in while the page is viewed in Confluence. */
const VIEW_TIME_MACROS: Record<string, string> = {
  jira: 'Jira issues',
  jiraissues: 'Jira issues',
  'jira-chart': 'Jira chart',
  roadmap: 'Roadmap',
  gadget: 'Gadget',
  widget: 'Embedded widget',
  iframe: 'Embedded page',
  html: 'HTML block',
  multimedia: 'Media',
  'view-file': 'File preview',
  viewpdf: 'PDF preview',
  viewdoc: 'Document preview',
  viewxls: 'Spreadsheet preview',
  viewppt: 'Presentation preview',
  pagetree: 'Page tree',
  pagetreesearch: 'Page tree search',
  livesearch: 'Search box',
  'create-from-template': 'Create from template button',
  'recently-updated-dashboard': 'Recently updated',
  drawio: 'draw.io diagram',
  'drawio-sketch': 'draw.io diagram',
  gliffy: 'Gliffy diagram',
  'lucidchart': 'Lucidchart diagram',
  'smart-link-embed': 'Embedded link',
};

export const UNAVAILABLE_TEXT = 'not available in shared view';

const EMOTICONS: Record<string, string> = {
  tick: '✅', 'check-mark': '✅', check_mark: '✅', 'check': '✅',
  cross: '❌', 'cross-mark': '❌', cross_mark: '❌', error: '❌',
  warning: '⚠️', information: 'ℹ️', info: 'ℹ️', question: '❓', 'question-mark': '❓', question_mark: '❓',
  plus: '➕', minus: '➖', smile: '🙂', sad: '🙁', cheeky: '😛', tongue: '😛', laugh: '😀', 'big-grin': '😀', wink: '😉',
  'thumbs-up': '👍', thumbs_up: '👍', 'thumbs-down': '👎', thumbs_down: '👎',
  'light-on': '💡', light_bulb_on: '💡', lightbulb: '💡', 'lightbulb-on': '💡', 'light-off': '💡', light_bulb_off: '💡',
  'yellow-star': '⭐', yellow_star: '⭐', star: '⭐', 'red-star': '⭐', red_star: '⭐', 'green-star': '⭐', green_star: '⭐',
  'blue-star': '⭐', blue_star: '⭐', heart: '❤️', 'broken-heart': '💔', broken_heart: '💔', flag_on: '🚩', flag_off: '🏳️',
};

/** Confluence's table cell highlight names (Server/Data Center and older Cloud pages). */
const HIGHLIGHTS: Record<string, string> = {
  grey: '#f4f5f7', gray: '#f4f5f7', red: '#ffebe6', yellow: '#fffae6', green: '#e3fcef', blue: '#deebff', purple: '#eae6ff', teal: '#e6fcff',
};

const classesOf = (attribs: Attribs): string[] => (attribs['class'] ?? '').split(/\s+/).filter((c) => c !== '');
const hasClass = (attribs: Attribs, name: string): boolean => classesOf(attribs).includes(name);
const withClasses = (attribs: Attribs, ...more: string[]): Attribs => ({ ...attribs, class: [...new Set([...classesOf(attribs), ...more])].join(' ') });

const escapeAttribute = (value: string): string => escapeText(value).replace(/"/g, '&quot;');
const SAFE_NAME = /^[a-z][a-z0-9_.:-]*$/;

const openTag = (name: string, attribs: Attribs): string =>
  `<${name}${Object.entries(attribs)
    .filter(([key]) => SAFE_NAME.test(key))
    .map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`)
    .join('')}>`;

const marker = (label: string): string => `<span class="unavailable">${escapeText(label)} ${UNAVAILABLE_TEXT}</span>`;

const emojiOf = (attribs: Attribs): string | null => {
  const fallback = attribs['data-emoji-fallback'] ?? '';
  if (/[^\u0000-\u007f]/.test(fallback) && fallback.length <= 16) return fallback;
  const id = (attribs['data-emoji-id'] ?? '').toLowerCase();
  if (/^[0-9a-f]{2,6}(-[0-9a-f]{2,6}){0,7}$/.test(id)) {
    const points = id.split('-').map((hex) => parseInt(hex, 16));
    if (points.every((p) => p > 0x20 && p <= 0x10ffff && !(p >= 0xd800 && p <= 0xdfff))) return String.fromCodePoint(...points);
  }
  const names = [
    attribs['data-emoticon-name'],
    emoticonFile(attribs['src']),
    id.startsWith('atlassian-') ? id.slice('atlassian-'.length) : undefined,
    ...classesOf(attribs).filter((c) => c.startsWith('emoticon-')).map((c) => c.slice('emoticon-'.length)),
    (attribs['data-emoji-shortname'] ?? '').replace(/^:|:$/g, ''),
    (attribs['alt'] ?? '').replace(/^[(:]|[):]$/g, '').trim().replace(/\s+/g, '-'),
  ];
  for (const name of names) {
    const char = name ? EMOTICONS[name.toLowerCase()] : undefined;
    if (char) return char;
  }
  return null;
};

/** Confluence's emoticon files (images/icons/emoticons/<file>) by file name. */
const EMOTICON_FILES: Record<string, string> = {
  check: 'tick', error: 'cross', information: 'information', warning: 'warning', help_16: 'question', forbidden: 'minus', add: 'plus',
  smile: 'smile', sad: 'sad', tongue: 'cheeky', biggrin: 'laugh', wink: 'wink', thumbs_up: 'thumbs-up', thumbs_down: 'thumbs-down',
  lightbulb_on: 'light-on', lightbulb: 'light-off', star_yellow: 'yellow-star', star_red: 'red-star', star_green: 'green-star',
  star_blue: 'blue-star', heart: 'heart', broken_heart: 'broken-heart',
};
const emoticonFile = (src: string | undefined): string | undefined =>
  EMOTICON_FILES[/(?:^|\/)images\/icons\/emoticons\/([a-z0-9_-]{1,30})\.(?:png|svg|gif)(?:[?#]|$)/i.exec(src ?? '')?.[1]?.toLowerCase() ?? ''];

const isEmoticon = (attribs: Attribs): boolean =>
  hasClass(attribs, 'emoticon') || attribs['data-emoticon-name'] !== undefined || attribs['data-emoji-id'] !== undefined || emoticonFile(attribs['src']) !== undefined;

const highlightColour = (value: string | undefined): string | null => {
  if (!value) return null;
  const colour = value.trim().toLowerCase();
  if (/^#[0-9a-f]{3}([0-9a-f]{3})?$/.test(colour)) return colour;
  return HIGHLIGHTS[colour] ?? null;
};

const JIRA_KEY = /^[A-Z][A-Z0-9_]{0,30}-\d{1,10}$/;

/** What happens to an element's content. */
type Mode =
  | { kind: 'keep'; close: string; tableWrap?: boolean } // written, children too
  | { kind: 'unwrap' } // tag left out, children written
  | { kind: 'drop' } // tag and content left out
  | { kind: 'summary' } // text collected, written as the <summary> of an expand
  | { kind: 'code'; language: string; className: string } // text collected, written as numbered lines
  | { kind: 'jira'; key: string } // text collected, written as a placeholder
  | { kind: 'colgroup'; attribs: Attribs; cols: Attribs[] };

interface Frame {
  name: string;
  attribs: Attribs;
  mode: Mode;
  text: string;
}

export interface MarkupOptions {
  /** Whether the sanitizer will show an <img> with this src (else its alt text or a marker takes its place). */
  imageShown: (src: string) => boolean;
}

export const normalizeConfluenceHtml = (html: string, options: MarkupOptions): string => {
  let out = '';
  const stack: Frame[] = [];
  /** The outermost open frame that swallows its content (drop, summary, code, jira, colgroup), if any. */
  let swallowing: Frame | undefined;

  const modeFor = (name: string, attribs: Attribs, parent: Frame | undefined): { mode: Mode; write: string } => {
    const keep = (tag: string, attrs: Attribs, extra: Partial<{ tableWrap: boolean }> = {}): { mode: Mode; write: string } => ({
      mode: { kind: 'keep', close: VOID.has(tag) ? '' : `</${tag}>`, ...extra },
      write: openTag(tag, attrs),
    });
    if (DROP.has(name)) return { mode: { kind: 'drop' }, write: '' };
    if (EMBEDDED.has(name)) return { mode: { kind: 'drop' }, write: marker('Media') };
    if (name === 'input') return { mode: { kind: 'drop' }, write: '' };

    const macro = (attribs['data-macro-name'] ?? '').toLowerCase();
    const classes = classesOf(attribs);
    const classSet = new Set(classes);
    const has = (className: string): boolean => classSet.has(className);
    // Jira issue macro: the key as text; the "Getting issue details..." placeholder goes.
    if (has('jira-issue') || has('confluence-jim-macro') || (macro === 'jira' && attribs['data-jira-key'])) {
      const key = attribs['data-jira-key'] ?? '';
      return { mode: { kind: 'jira', key: JIRA_KEY.test(key) ? key : '' }, write: '' };
    }
    const viewTime = VIEW_TIME_MACROS[macro];
    if (viewTime) return { mode: { kind: 'drop' }, write: marker(viewTime) };
    if (has('jira-table') || has('jira-issues')) return { mode: { kind: 'drop' }, write: marker('Jira issues') };

    if (has('expand-container')) return keep('details', withClasses({}, 'expand'));
    // The expand's title: only its words (no icon, no block inside <summary>).
    if (has('expand-control')) return { mode: { kind: 'summary' }, write: '' };
    if (has('expand-content')) return keep('div', { class: 'expand-content' });

    if (name === 'img' && isEmoticon(attribs)) {
      const char = emojiOf(attribs);
      const alt = (attribs['alt'] ?? attribs['data-emoji-shortname'] ?? '').trim();
      if (char) return { mode: { kind: 'drop' }, write: `<span class="emoji"${alt ? ` title="${escapeAttribute(alt)}"` : ''}>${char}</span>` };
      return { mode: { kind: 'drop' }, write: alt ? `<span class="emoji">${escapeText(alt)}</span>` : '' };
    }
    if (name === 'img' && !options.imageShown(attribs['src'] ?? '')) {
      // Never lost without a trace: the alt text, or a marker. Confluence's decorative icons (no alt) go.
      const alt = (attribs['alt'] ?? '').trim();
      if (alt === '' && /(?:^|\/)images\/icons\//.test(attribs['src'] ?? '')) return { mode: { kind: 'drop' }, write: '' };
      return { mode: { kind: 'drop' }, write: alt ? marker(`Image “${alt}”`) : marker('Image') };
    }
    if (name === 'a' && (has('user-mention') || has('confluence-userlink') || attribs['data-linked-resource-type'] === 'userinfo')) {
      return keep('span', { class: 'user-mention' });
    }
    if (has('aui-icon') && !has('aui-lozenge')) return { mode: { kind: 'drop' }, write: '' };

    if (name === 'pre' && (has('syntaxhighlighter-pre') || attribs['data-syntaxhighlighter-params'] !== undefined || parent?.attribs['class']?.includes('codeContent'))) {
      const language = languageOf(attribs['data-syntaxhighlighter-params']);
      return { mode: { kind: 'code', language, className: /^[a-z0-9+#_-]{1,30}$/.test(language) ? `lang-${language.replace(/[+#]/g, 'p')}` : '' }, write: '' };
    }
    if (name === 'colgroup') return { mode: { kind: 'colgroup', attribs, cols: [] }, write: '' };
    if (name === 'table') {
      const wrapped = parent !== undefined && hasClass(parent.attribs, 'table-wrap');
      const open = openTag('table', attribs);
      return { mode: { kind: 'keep', close: '</table>', tableWrap: !wrapped }, write: wrapped ? open : `<div class="table-wrap">${open}` };
    }
    if (name === 'td' || name === 'th') {
      const colour = highlightColour(attribs['data-highlight-colour']) ?? highlightColour(classes.find((c) => c.startsWith('highlight-'))?.slice('highlight-'.length));
      if (colour) {
        const style = `${(attribs['style'] ?? '').replace(/;\s*$/, '')}${attribs['style'] ? ';' : ''}background-color:${colour}`;
        return keep(name, { ...withClasses(attribs, 'highlight'), style });
      }
    }
    if (name === 'ul' && (has('inline-task-list') || attribs['data-inline-tasks-content-id'] !== undefined)) return keep('ul', withClasses(attribs, 'task-list'));
    if (name === 'li' && attribs['data-inline-task-id'] !== undefined) {
      return keep('li', withClasses(attribs, 'task', has('checked') || attribs['data-task-state'] === 'DONE' ? 'task-done' : 'task-open'));
    }
    if (name === 'ul' && (has('decision-list') || attribs['data-decision-list-local-id'] !== undefined)) return keep('ul', withClasses(attribs, 'decision-list'));
    if (name === 'li' && (attribs['data-decision-state'] !== undefined || has('decision-item'))) {
      return keep('li', withClasses(attribs, 'decision', (attribs['data-decision-state'] ?? 'DECIDED').toUpperCase() === 'DECIDED' ? 'decision-decided' : 'decision-open'));
    }
    const panelType = (attribs['data-panel-type'] ?? '').toLowerCase();
    if (name === 'div' && /^(info|note|warning|success|error|custom|tip)$/.test(panelType)) return keep('div', withClasses(attribs, 'panel-box', `panel-${panelType}`));
    const block = AS_BLOCK[name];
    if (block) return keep(block, {});
    // A tag name no HTML parser reads the same way is left out (its content stays).
    if (!SAFE_NAME.test(name)) return { mode: { kind: 'unwrap' }, write: '' };
    return keep(name, attribs);
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const parent = stack[stack.length - 1];
        if (swallowing) {
          if (swallowing.mode.kind === 'colgroup' && name === 'col') swallowing.mode.cols.push(attribs);
          if (swallowing.mode.kind === 'code' && name === 'br') swallowing.text += '\n';
          stack.push({ name, attribs, mode: { kind: 'unwrap' }, text: '' });
          return;
        }
        const { mode, write } = modeFor(name, attribs, parent);
        out += write;
        const frame = { name, attribs, mode, text: '' };
        if (mode.kind !== 'keep' && mode.kind !== 'unwrap') swallowing = frame;
        stack.push(frame);
      },
      ontext(text) {
        if (swallowing) {
          if (swallowing.mode.kind === 'code' || swallowing.mode.kind === 'jira' || swallowing.mode.kind === 'summary') swallowing.text += text;
          return;
        }
        out += escapeText(text);
      },
      onclosetag() {
        const frame = stack.pop();
        if (!frame) return;
        if (swallowing && frame !== swallowing) return; // still inside something that swallows its content
        swallowing = undefined;
        const { mode } = frame;
        switch (mode.kind) {
          case 'keep':
            out += mode.close;
            if (mode.tableWrap) out += '</div>';
            break;
          case 'summary':
            out += `<summary>${escapeText(frame.text.replace(/\s+/g, ' ').trim())}</summary>`;
            break;
          case 'code':
            out += `<pre class="code-block${mode.className ? ` ${mode.className}` : ''}"><code>${codeLines(frame.text, mode.language)}</code></pre>`;
            break;
          case 'jira': {
            const rest = frame.text
              .replace(/Getting issue details\.\.\./g, ' ')
              .replace(/\bSTATUS\b/g, ' ')
              .replace(mode.key, ' ')
              .replace(/^[\s\-–—]+|[\s\-–—]+$/g, '')
              .replace(/\s+/g, ' ');
            out += mode.key
              ? `<span class="jira-issue-placeholder"><span class="macro-label">Jira</span> ${escapeText(mode.key)}${rest ? ` – ${escapeText(rest)}` : ''}</span>`
              : marker('Jira issues');
            break;
          }
          case 'colgroup':
            out += colgroup(mode.attribs, mode.cols);
            break;
          default:
            break;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return out;
};

/** Column widths in pixels become shares of the table (Confluence writes the editor's pixel widths). */
const colgroup = (attribs: Attribs, cols: Attribs[]): string => {
  const pixels = cols.map((col) => {
    const match = /(?:^|;)\s*width\s*:\s*(\d{1,5}(?:\.\d+)?)px/i.exec(col['style'] ?? '') ?? /^(\d{1,5})$/.exec(col['width'] ?? '');
    return match?.[1] ? Number(match[1]) : null;
  });
  const total = pixels.reduce<number>((sum, width) => sum + (width ?? 0), 0);
  const proportional = cols.length > 1 && cols.length <= 8 && total > 0 && pixels.every((width) => width !== null && width > 0);
  const { style: _style, ...rest } = attribs;
  return `${openTag('colgroup', rest)}${cols
    .map((col, i) => {
      const { style, width, ...others } = col;
      const share = proportional ? `width:${(((pixels[i] ?? 0) / total) * 100).toFixed(2)}%` : /^\s*width\s*:\s*\d{1,3}(\.\d+)?%\s*;?\s*$/.test(style ?? '') ? (style ?? '') : /^\d{1,3}%$/.test(width ?? '') ? `width:${width}` : '';
      return openTag('col', share ? { ...others, style: share } : others);
    })
    .join('')}</colgroup>`;
};
