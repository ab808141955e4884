import { describe, expect, it } from 'vitest';
import { orderAtomicCss, topLevelBlocks } from '../../src/dev/ui-host/css-order';

describe('ordering the concatenated Atlaskit atomic CSS as Compiled does', () => {
  const css = `/* a.compiled.css */
._a1._a1:active{color:red}
._b1{color:blue}
@media (min-width:30rem){._c1{display:none}}
._d1._d1:hover{color:green}
/* b.compiled.css */
._e1:focus-visible{outline:1px solid "}"}
._f1:focus{outline:none}
._g1{color:black}
@keyframes spin{from{transform:rotate(0)}to{transform:rotate(1turn)}}
._h1:focus-within{color:pink}`;

  it('splits top-level rules and at-rules, skipping comments and braces in strings', () => {
    expect(topLevelBlocks(css)).toHaveLength(9);
  });

  it('puts plain rules first, then focus-within, focus, focus-visible, hover, active, then media; keyframes lead', () => {
    expect(orderAtomicCss(css).split('\n')).toEqual([
      '@keyframes spin{from{transform:rotate(0)}to{transform:rotate(1turn)}}',
      '._b1{color:blue}',
      '._g1{color:black}',
      '._h1:focus-within{color:pink}',
      '._f1:focus{outline:none}',
      '._e1:focus-visible{outline:1px solid "}"}',
      '._d1._d1:hover{color:green}',
      '._a1._a1:active{color:red}',
      '@media (min-width:30rem){._c1{display:none}}',
    ]);
  });
});
