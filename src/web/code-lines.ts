/**
 * Code macro bodies for the anonymous view: one `<span class="line">` per line (the stylesheet numbers
 * them with a CSS counter, so copying the code never copies the numbers) and a small, readable,
 * monochrome highlighting: keywords bold, comments italic and muted, strings and numbers marked.
 * No colour carries meaning, so it reads the same in light, dark and print. The output is markup for
 * the sanitizer's input (spans with classes only); every character of the code is escaped.
 */

const words = (list: string): Set<string> => new Set(list.split(' '));

const KEYWORDS = words(
  'abstract and as assert async await boolean break byte case catch char class const continue debugger def default del delete do ' +
    'double elif else enum except export extends false final finally float fn for foreach from func function go goto if impl implements ' +
    'import in instanceof int interface is lambda let long match module mut namespace new nil none not null object of or package pass ' +
    'private protected pub public raise readonly return self short static struct super switch synchronized template then this throw throws ' +
    'trait true try type typeof union unless unsigned until use using val var void volatile when where while with yield',
);
/** Matched without regard to case, in SQL only. */
const SQL_KEYWORDS = words(
  'select insert update delete into values create table alter drop index join left right inner outer on group order by having limit ' +
    'from where and or not null as distinct union all case when then else end begin commit rollback primary key foreign references',
);
/** Shell words, in shell scripts only. */
const SHELL_KEYWORDS = words('if then else elif fi case esac for while until do done in function return local export echo');
const SHELLS = new Set(['bash', 'sh', 'shell', 'zsh', 'powershell', 'ps']);

/** Languages whose line comments start with '#', and with '--'. */
const HASH_COMMENTS = new Set(['bash', 'sh', 'shell', 'zsh', 'py', 'python', 'rb', 'ruby', 'perl', 'pl', 'yaml', 'yml', 'powershell', 'ps', 'r', 'make', 'makefile', 'docker', 'dockerfile', 'toml', 'ini', 'conf', 'properties', 'coffeescript', 'text']);
const DASH_COMMENTS = new Set(['sql', 'lua', 'haskell', 'hs', 'plsql', 'tsql']);
/** Languages with no comment syntax worth marking. */
const NO_COMMENTS = new Set(['none', 'plain', 'plaintext', 'text', 'json', 'csv', 'xml', 'html', 'html/xml', 'markdown', 'md']);

export const escapeText = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const span = (kind: string, text: string): string => `<span class="tok-${kind}">${escapeText(text)}</span>`;

/** The `brush:` of Confluence's `data-syntaxhighlighter-params` ("brush: java; gutter: false; …"), normalised. */
export const languageOf = (params: string | undefined): string => {
  const brush = /(?:^|;)\s*brush\s*:\s*([A-Za-z0-9#+/_-]{1,30})/.exec(params ?? '')?.[1];
  return (brush ?? 'none').toLowerCase();
};

/** Highlights one line; `inBlock` says whether a /* … *\/ comment is open at its start. Returns the markup and the state after it. */
const highlightLine = (line: string, language: string, inBlock: boolean): { html: string; inBlock: boolean } => {
  const comments = !NO_COMMENTS.has(language);
  const lineComment = HASH_COMMENTS.has(language) ? '#' : DASH_COMMENTS.has(language) ? '--' : '//';
  let html = '';
  let i = 0;
  let open = inBlock;
  while (i < line.length) {
    if (open) {
      const end = line.indexOf('*/', i);
      const stop = end === -1 ? line.length : end + 2;
      html += span('c', line.slice(i, stop));
      open = end === -1;
      i = stop;
      continue;
    }
    const rest = line.slice(i);
    if (comments && rest.startsWith(lineComment)) {
      html += span('c', rest);
      break;
    }
    if (comments && lineComment === '//' && rest.startsWith('/*')) {
      open = true;
      continue;
    }
    const ch = line[i] ?? '';
    if (ch === '"' || ch === "'" || ch === '`') {
      const string = new RegExp(`^${ch}(?:\\\\.|[^\\\\${ch}])*(?:${ch}|$)`).exec(rest)?.[0] ?? ch;
      html += span('s', string);
      i += string.length;
      continue;
    }
    const number = /^\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?\b|^0[xX][0-9a-fA-F]+\b/.exec(rest)?.[0];
    if (number && !/[A-Za-z0-9_$]/.test(line[i - 1] ?? '')) {
      html += span('n', number);
      i += number.length;
      continue;
    }
    const word = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(rest)?.[0];
    if (word) {
      const keyword = DASH_COMMENTS.has(language)
        ? SQL_KEYWORDS.has(word.toLowerCase())
        : SHELLS.has(language)
          ? SHELL_KEYWORDS.has(word)
          : KEYWORDS.has(word);
      html += keyword ? span('k', word) : escapeText(word);
      i += word.length;
      continue;
    }
    html += escapeText(ch);
    i += 1;
  }
  return { html, inBlock: open };
};

/** Code text → numbered, highlighted lines (inside a `<pre><code>` the caller writes). At most 5,000 lines are highlighted. */
export const codeLines = (code: string, language: string): string => {
  const lines = code.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  let inBlock = false;
  return lines
    .map((line, index) => {
      if (index >= 5000) return `<span class="line">${escapeText(line)}</span>`;
      const result = highlightLine(line, language, inBlock);
      inBlock = result.inBlock;
      return `<span class="line">${result.html}</span>`;
    })
    .join('\n');
};
