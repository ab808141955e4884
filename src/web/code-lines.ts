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
const STRINGS: Record<string, RegExp> = {
  '"': /"(?:\\.|[^\\"])*(?:"|$)/y,
  "'": /'(?:\\.|[^\\'])*(?:'|$)/y,
  '`': /`(?:\\.|[^\\`])*(?:`|$)/y,
};
const NUMBER = /0[xX][0-9a-fA-F]+\b|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?\b/y;
const WORD = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const WORD_CHAR = /[A-Za-z0-9_$]/;

/** The match of a sticky pattern at `at`, or undefined. */
const matchAt = (pattern: RegExp, line: string, at: number): string | undefined => {
  pattern.lastIndex = at;
  return pattern.exec(line)?.[0];
};

/** Highlights one line; `inBlock` says whether a /* … *\/ comment is open at its start. Returns the markup and the state after it. */
const highlightLine = (line: string, language: string, inBlock: boolean): { html: string; inBlock: boolean } => {
  const comments = !NO_COMMENTS.has(language);
  const lineComment = HASH_COMMENTS.has(language) ? '#' : DASH_COMMENTS.has(language) ? '--' : '//';
  let html = '';
  let plain = '';
  const flush = (): void => {
    html += escapeText(plain);
    plain = '';
  };
  let i = 0;
  let open = inBlock;
  while (i < line.length) {
    if (open) {
      const end = line.indexOf('*/', i);
      const stop = end === -1 ? line.length : end + 2;
      flush();
      html += span('c', line.slice(i, stop));
      open = end === -1;
      i = stop;
      continue;
    }
    // "//" after a colon is a URL (https://…), not a comment.
    if (comments && line.startsWith(lineComment, i) && !(lineComment === '//' && line[i - 1] === ':')) {
      flush();
      html += span('c', line.slice(i));
      break;
    }
    if (comments && lineComment === '//' && line.startsWith('/*', i)) {
      open = true;
      continue;
    }
    const ch = line[i] ?? '';
    const stringPattern = STRINGS[ch];
    if (stringPattern) {
      const string = matchAt(stringPattern, line, i) ?? ch;
      flush();
      html += span('s', string);
      i += string.length;
      continue;
    }
    const number = /[0-9]/.test(ch) && !WORD_CHAR.test(line[i - 1] ?? '') ? matchAt(NUMBER, line, i) : undefined;
    if (number) {
      flush();
      html += span('n', number);
      i += number.length;
      continue;
    }
    const word = matchAt(WORD, line, i);
    if (word) {
      const keyword = DASH_COMMENTS.has(language)
        ? SQL_KEYWORDS.has(word.toLowerCase())
        : SHELLS.has(language)
          ? SHELL_KEYWORDS.has(word)
          : KEYWORDS.has(word);
      if (keyword) {
        flush();
        html += span('k', word);
      } else {
        plain += word;
      }
      i += word.length;
      continue;
    }
    plain += ch;
    i += 1;
  }
  flush();
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
