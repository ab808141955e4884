/**
 * Atlaskit ships its styles as Compiled atomic CSS, one `.compiled.css` file per module. Compiled's
 * own extraction merges them and orders the rules so interaction states win in a fixed order; a
 * bundler only concatenates them. This puts the merged rules in Compiled's order: plain rules,
 * then :link, :visited, :focus-within, :focus, :focus-visible, :hover, :active, then at-rules.
 * Within a bucket the bundle order is kept.
 */
const PSEUDO_ORDER = [/:link\b/, /:visited\b/, /:focus-within\b/, /:focus(?![-\w])/, /:focus-visible\b/, /:hover\b/, /:active\b/];

/** Top-level blocks (rules and at-rules with their bodies); comments and whitespace between them are dropped. */
export const topLevelBlocks = (css: string): string[] => {
  const blocks: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < css.length; i++) {
    const c = css[i];
    if (c === '/' && css[i + 1] === '*') {
      const end = css.indexOf('*/', i + 2);
      i = end < 0 ? css.length : end + 1;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = css.indexOf(c, i + 1);
      i = end < 0 ? css.length : end;
      continue;
    }
    if (start < 0 && !/\s/.test(c ?? '')) start = i;
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0 && start >= 0) {
        blocks.push(css.slice(start, i + 1).trim());
        start = -1;
      }
    } else if (c === ';' && depth === 0 && start >= 0) {
      // @import / @charset / @layer statements.
      blocks.push(css.slice(start, i + 1).trim());
      start = -1;
    }
  }
  return blocks;
};

const bucketOf = (block: string): number => {
  if (block.startsWith('@media') || block.startsWith('@supports') || block.startsWith('@container')) return PSEUDO_ORDER.length + 1;
  if (block.startsWith('@')) return -1; // @keyframes, @font-face, @import: first, as written.
  const selector = block.slice(0, block.indexOf('{'));
  let bucket = 0;
  PSEUDO_ORDER.forEach((pseudo, index) => {
    if (pseudo.test(selector)) bucket = index + 1;
  });
  return bucket;
};

export const orderAtomicCss = (css: string): string =>
  topLevelBlocks(css)
    .map((block, index) => ({ block, index, bucket: bucketOf(block) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((entry) => entry.block)
    .join('\n');
