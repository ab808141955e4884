/**
 * The subset of CQL the emulator evaluates: clauses joined by `and`, each `field op value` with
 * fields ancestor, parent, id, label, type, space and operators `=`, `!=`, `in`, `not in`, e.g.
 * `ancestor = 1001 and label = "public"`, `id in (1,2)`, `type = page`. Anything else is refused
 * with a message saying so, never guessed at.
 */

export type CqlField = 'ancestor' | 'parent' | 'id' | 'label' | 'type' | 'space';
export interface CqlClause {
  field: CqlField;
  negated: boolean;
  values: string[];
}

const FIELDS = new Set<CqlField>(['ancestor', 'parent', 'id', 'label', 'type', 'space']);

const TOKEN = /\s*(?:(\()|(\))|(,)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(!=|=)|([A-Za-z0-9_.:~-]+))/y;

type Token = { kind: 'open' | 'close' | 'comma' | 'string' | 'op' | 'word'; text: string };

const tokenize = (cql: string): Token[] | string => {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < cql.length) {
    if (/^\s*$/.test(cql.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(cql);
    if (!m) return `unexpected text at ${at}: ${cql.slice(at, at + 20)}`;
    if (m[1]) tokens.push({ kind: 'open', text: '(' });
    else if (m[2]) tokens.push({ kind: 'close', text: ')' });
    else if (m[3]) tokens.push({ kind: 'comma', text: ',' });
    else if (m[4]) tokens.push({ kind: 'string', text: m[4].slice(1, -1).replace(/\\(.)/g, '$1') });
    else if (m[5]) tokens.push({ kind: 'op', text: m[5] });
    else if (m[6]) tokens.push({ kind: 'word', text: m[6] });
  }
  return tokens;
};

/** Parses the supported subset; a string result is the reason it is not supported. */
export const parseCql = (cql: string): CqlClause[] | string => {
  const tokens = tokenize(cql);
  if (typeof tokens === 'string') return tokens;
  const clauses: CqlClause[] = [];
  let i = 0;
  const value = (): string | undefined => {
    const t = tokens[i];
    if (t && (t.kind === 'string' || t.kind === 'word')) {
      i += 1;
      return t.text;
    }
    return undefined;
  };
  while (i < tokens.length) {
    if (clauses.length > 0) {
      if (tokens[i]?.kind !== 'word' || tokens[i]?.text.toLowerCase() !== 'and') return `only "and" joins clauses (at "${tokens[i]?.text ?? ''}")`;
      i += 1;
    }
    const field = tokens[i]?.text.toLowerCase() as CqlField | undefined;
    if (!field || !FIELDS.has(field)) return `field "${tokens[i]?.text ?? ''}" is not supported`;
    i += 1;
    let negated = false;
    let list = false;
    const op = tokens[i];
    if (op?.kind === 'op') {
      negated = op.text === '!=';
      i += 1;
    } else if (op?.kind === 'word' && op.text.toLowerCase() === 'in') {
      list = true;
      i += 1;
    } else if (op?.kind === 'word' && op.text.toLowerCase() === 'not' && tokens[i + 1]?.text.toLowerCase() === 'in') {
      list = true;
      negated = true;
      i += 2;
    } else {
      return `operator "${op?.text ?? ''}" is not supported`;
    }
    const values: string[] = [];
    if (list) {
      if (tokens[i]?.kind !== 'open') return 'a list must be in parentheses';
      i += 1;
      for (;;) {
        const v = value();
        if (v === undefined) return 'a list value is missing';
        values.push(v);
        if (tokens[i]?.kind === 'comma') {
          i += 1;
          continue;
        }
        if (tokens[i]?.kind === 'close') {
          i += 1;
          break;
        }
        return 'a list must end with ")"';
      }
    } else {
      const v = value();
      if (v === undefined) return `a value is missing after ${field}`;
      values.push(v);
    }
    clauses.push({ field, negated, values });
  }
  if (clauses.length === 0) return 'the query is empty';
  return clauses;
};
