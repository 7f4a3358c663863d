// The fast path (compiler/frontend/fast-parse.ts) must build exactly the AST
// the grammar + AST builder build, spans included, or give up. Each source
// here is parsed both ways and compared; the list mixes the examples with the
// corners where the two could drift (ASI, precedence, spans of parentheses and
// call chains, for-loop heads, literals, line/column offsets) and with sources
// the fast path must hand over (TypeScript syntax, closures, reported constructs).

import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fastParseKernel } from '../../compiler/frontend/fast-parse.js';
import { kernelLexer } from '../../compiler/frontend/lexer.js';
import { parseKernelAll, parseKernelAllWithGrammar, type ParseOptions } from '../../compiler/frontend/parse.js';
import { addKernel } from '../../examples/vector-add.js';
import { softmaxKernel } from '../../examples/softmax.js';
import { layerNormKernel } from '../../examples/layer-norm.js';
import { matmulKernel } from '../../examples/matmul.js';

const accepted: readonly string[] = [
  addKernel.source,
  softmaxKernel.source,
  layerNormKernel.source,
  matmulKernel.source,
  'function k(a, b,) { const x = a + b * 2 - (a - b) / 3 % 4; }',
  '(x, y) => { let s = 0; for (let i = 0; i < 10; i++) { s += x[i]; } y[0] = s; };',
  'function k(p) {\n  let a = 1\n  let b = a\n  ++b\n  a = b ? a : -b\n  return\n}',
  'function k(p) { const m = a < b && c >= d || !e; const n = a << 2 >>> 1 | b & c ^ ~d; }',
  'function k(p) { x = y = z; x += 1; x -= 2; x *= 3; x /= 4; x %= 5; x &= 6; x |= 7; x ^= 8; x <<= 1; x >>= 1; x >>>= 1; }',
  'function k(p) { if (a) b(); else if (c) { d() } else e(); }',
  'function k(p) { for (const i of tl.range(0, n, 2)) { if (i > 3) break; else continue; } }',
  'function k(p) { for (;;) {} for (i = 0; i < 3;) ; for (var i = 0, j = 1; ; i++) {} }',
  'function k(p) { const t = tl.load(p + offs, { mask: offs < n, other: 0.0, mask2 }); tl.store(p, t, { mask }); }',
  'function k(p) { const a = [1, 2.5, 1e3, 0x1f, 0b11, 0o7, 1_000, .5, 0]; const o = { "s": 1, 2: 3, if: 4 }; }',
  "function k(p) { const s = 'a\\nb' + \"c\" + `d`; }",
  'function k(p) { a.b.c[d](e)(f).g; a\n(b); c\n[0]; x = y++ + --z; }',
  'function k(p) { i\n++\nj }',
  'function k(p) { return a ? (b) : (c) ? (d + (e)) : [f][0]; }',
  'function k(p) {\r\n  const a = 1;\r\n  return a;\r\n}',
  'function k(p) { {} ; ; { let x; } }',
  // A line break ending a statement in a nested block (the grammar once read
  // `{ p` as the start of an object literal here).
  'function k(p) { if (p) { p\np; } else { p\np } { p\n++p } }',
];

const handedOver: readonly string[] = [
  'function k(p: number) {}',
  'function k(p) { const x = a as number; }',
  'function k(p) { const f = (x) => x; }',
  'function k(p) { const f = x => x; }',
  'function k(p) { a ** b; }',
  'function k(p) { a?.b; }',
  'function k(p) { a!; }',
  'function k(p) { const x; }',
  'function k(p) { while (a) {} }',
  'function k(p) { new A(); }',
  'function k(p) { this.x = 1; }',
  'function k(p) { 1 = 2; }',
  'function k(p) { const n = 017; }',
  'function k(...p) {}',
  'function k(p = 1) {}',
  'async function k(p) {}',
  'function* k(p) {}',
  'k(p) {}',
  'p => {}',
  'function k(p) { for (const i in x) {} }',
  'function k(p) { a b }',
  'function k(p) { x = typeof y; }',
  'function k(p) { const f = (a): number => a; }',
  'function k(p) { const o = { if }; }',
  'function k(p) {',
  'function k(p) {} extra',
];

function fast(source: string, options: ParseOptions) {
  return fastParseKernel(kernelLexer.tokenize(source).tokens, 'kernel.ts', {
    lineOffset: options.lineOffset ?? 0,
    columnOffset: options.columnOffset ?? 0,
  });
}

describe('the fast path of the frontend', () => {
  const placements: readonly ParseOptions[] = [{}, { lineOffset: 7, columnOffset: 4 }];

  it('builds the same AST as the grammar, spans included, for plain JavaScript kernels', () => {
    for (const source of accepted) {
      for (const options of placements) {
        const quick = fast(source, options);
        const full = parseKernelAllWithGrammar(source, 'kernel.ts', options);
        expect(full.errors, source).toEqual([]);
        expect(quick, `fast path gave up on: ${source}`).toBeDefined();
        expect(isDeepStrictEqual(quick, full.kernel), source).toBe(true);
      }
    }
  });

  it('gives up on TypeScript syntax, closures, reported constructs and syntax errors', () => {
    for (const source of handedOver) expect(fast(source, {}), source).toBeUndefined();
  });

  it('leaves every error and its message to the grammar', () => {
    for (const source of handedOver) {
      const result = parseKernelAll(source, 'kernel.ts');
      const full = parseKernelAllWithGrammar(source, 'kernel.ts');
      expect(result.errors.map((e) => e.message)).toEqual(full.errors.map((e) => e.message));
      expect(isDeepStrictEqual(result.kernel, full.kernel)).toBe(true);
    }
  });
});
