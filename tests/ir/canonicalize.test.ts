// canonicalize: constant folding (with WGSL's 32-bit integer semantics), CSE
// and DCE, checked on printed IR before and after the pass.

import { describe, expect, it } from 'vitest';
import type { Span } from '../../compiler/errors.js';
import { IRBuilder } from '../../compiler/ir/builder.js';
import type { KernelIR, Value } from '../../compiler/ir/ops.js';
import { printKernel } from '../../compiler/ir/printer.js';
import { ptrType, type DType, type MemDType } from '../../compiler/ir/types.js';
import { verify } from '../../compiler/ir/verifier.js';
import { canonicalize } from '../../compiler/passes/canonicalize.js';
import { args, stages } from './helpers.js';

const at: Span = { file: 't', startOffset: 0, endOffset: 1, line: 1, column: 1 };

/** A kernel that stores the scalar `build` computes into a buffer of `dtype`. */
function scalarKernel(dtype: MemDType, build: (b: IRBuilder, c: (v: number | boolean, d: DType) => Value) => Value): KernelIR {
  const b = new IRBuilder('');
  const out = b.argument(0, 'out', ptrType(dtype, []), at);
  const value = build(b, (v, d) => b.constant(v, d, at));
  b.store(out, value, undefined, at);
  return {
    name: 'k',
    params: [{ name: 'out', role: 'buffer', dtype }],
    body: { args: [], ops: b.topLevelOps() },
    specializationKey: 'k',
    workgroupSize: 1,
    source: '',
    file: 't',
  };
}

/** The canonicalized kernel printed; checks the result still verifies. */
function canon(kernel: KernelIR): string {
  const out = canonicalize(kernel);
  expect(verify(out)).toEqual([]);
  return printKernel(out);
}

describe('canonicalize: constant folding', () => {
  it('folds a chain and drops the constants it no longer needs', () => {
    const k = scalarKernel('i32', (b, c) => b.binary('mul', b.binary('add', c(2, 'i32'), c(3, 'i32'), at), c(4, 'i32'), at));
    expect(printKernel(k)).toMatchInlineSnapshot(`
      "kernel k(out: *i32) workgroup=1 {
        %0 = argument 0 "out" : *i32
        %1 = constant 2 : i32
        %2 = constant 3 : i32
        %3 = binary add %1, %2 : i32
        %4 = constant 4 : i32
        %5 = binary mul %3, %4 : i32
        store %0, %5
      }
      "
    `);
    expect(canon(k)).toMatchInlineSnapshot(`
      "kernel k(out: *i32) workgroup=1 {
        %0 = argument 0 "out" : *i32
        %1 = constant 20 : i32
        store %0, %1
      }
      "
    `);
  });

  // [dtype, op, a, b, folded]: WGSL semantics, not JavaScript's.
  const binaries: [DType, 'add' | 'sub' | 'mul' | 'div' | 'mod' | 'min' | 'max', number, number, number][] = [
    ['i32', 'add', 2147483647, 1, -2147483648], // wraps
    ['i32', 'mul', 65536, 65536, 0], // 32-bit product
    ['i32', 'div', -7, 2, -3], // truncates toward zero
    ['i32', 'mod', -7, 2, -1], // sign of the dividend
    ['i32', 'div', -2147483648, -1, -2147483648], // WGSL: the overflow case yields e1
    ['u32', 'sub', 0, 1, 4294967295], // wraps
    ['u32', 'add', 4000000000, 1000000000, 705032704],
    ['u32', 'mul', 4294967295, 2, 4294967294],
    ['f32', 'add', 0.1, 0.2, Math.fround(0.1 + 0.2)], // rounded to f32
    ['f32', 'div', 1, 3, Math.fround(1 / 3)],
    ['i32', 'min', 3, -5, -5],
    ['f32', 'max', -0.5, 2.5, 2.5],
  ];
  for (const [dtype, op, a, b, folded] of binaries) {
    it(`${dtype} ${a} ${op} ${b} = ${folded}`, () => {
      const mem: MemDType = dtype === 'bool' ? 'i32' : dtype;
      const k = scalarKernel(mem, (bld, c) => bld.binary(op, c(a, dtype), c(b, dtype), at));
      expect(canon(k)).toContain(`%1 = constant ${folded} : ${dtype}\n  store %0, %1`);
    });
  }

  it('folds integer division and remainder by zero as WGSL defines them at run time (x / 0 = x, x % 0 = 0)', () => {
    // WGSL rejects `7i / 0i` as a constant expression, so these must fold.
    const div = scalarKernel('i32', (b, c) => b.binary('div', c(7, 'i32'), c(0, 'i32'), at));
    expect(canon(div)).toContain('%1 = constant 7 : i32');
    const mod = scalarKernel('i32', (b, c) => b.binary('mod', c(7, 'i32'), c(0, 'i32'), at));
    expect(canon(mod)).toContain('%1 = constant 0 : i32');
  });

  it('folds comparisons to bool and ! of a bool', () => {
    const k = scalarKernel('i32', (b, c) => b.cast(b.unary('not', b.binary('lt', c(3, 'i32'), c(4, 'i32'), at), at), 'i32', at));
    expect(canon(k)).toMatchInlineSnapshot(`
      "kernel k(out: *i32) workgroup=1 {
        %0 = argument 0 "out" : *i32
        %1 = constant 0 : i32
        store %0, %1
      }
      "
    `);
  });

  it('folds negation with wrapping', () => {
    const k = scalarKernel('i32', (b, c) => b.unary('neg', c(-2147483648, 'i32'), at));
    expect(canon(k)).toContain('%1 = constant -2147483648 : i32');
  });

  // [from, to, value, folded]: WGSL conversions.
  const casts: [DType, DType, number | boolean, number | boolean][] = [
    ['i32', 'f32', 16777217, 16777216], // nearest f32
    ['f32', 'i32', -2.75, -2], // truncates
    ['i32', 'u32', -1, 4294967295], // reinterprets the bits
    ['u32', 'i32', 4294967295, -1],
    ['bool', 'i32', true, 1],
    ['f32', 'bool', 0.5, true],
    ['i32', 'bool', 0, false],
  ];
  for (const [from, to, value, folded] of casts) {
    it(`cast ${from} ${String(value)} to ${to} = ${String(folded)}`, () => {
      const mem: MemDType = to === 'bool' ? 'i32' : to;
      const k = scalarKernel(mem, (b, c) => {
        const cast = b.cast(c(value, from), to, at);
        return to === 'bool' ? b.select(cast, c(1, 'i32'), c(2, 'i32'), at) : cast;
      });
      const printed = canon(k);
      if (to === 'bool') expect(printed).toContain(`%1 = constant ${folded === true ? 1 : 2} : i32\n  store %0, %1`);
      else expect(printed).toContain(`%1 = constant ${String(folded)} : ${to}\n  store %0, %1`);
    });
  }

  it('leaves an out-of-range float to int conversion to the GPU', () => {
    const k = scalarKernel('i32', (b, c) => b.cast(c(3e9, 'f32'), 'i32', at));
    expect(canon(k)).toContain('cast %1 : i32');
  });

  it('folds tiles of equal constants into a constant splat', () => {
    const k = scalarKernel('i32', (b, c) => {
      const t = b.splat(c(3, 'i32'), [4], at);
      return b.reduce('sum', b.binary('add', t, t, at), 0, at);
    });
    const text = canon(k);
    expect(text).not.toContain('binary add');
    expect(text).toMatch(/%\d+ = constant 6 : i32\n\s+%\d+ = splat %\d+ : i32\[4\]/);
  });
});

describe('canonicalize: CSE and DCE in compiled kernels', () => {
  const source = `function fold(x, n) {
  const o = tl.arange(0, 16);
  const p = x + o;
  const q = x + o;
  const unused = tl.exp(tl.load(p));
  tl.store(q, tl.load(p) + tl.load(p) + n);
}`;

  it('merges equal pure ops, keeps both loads, and removes the unused load and exp', () => {
    const s = stages(source, args('*f32', 'f32'));
    expect(s.printed.lower).toMatchInlineSnapshot(`
      "kernel fold(x: *f32, n: f32) workgroup=4 elements=4 {
        %0 = argument 0 "x" : *f32
        %1 = argument 1 "n" : f32
        %2 = arange 0, 16 : i32[16]
        %3 = splat %0 : *f32[16]
        %4 = addptr %3, %2 : *f32[16]
        %5 = splat %0 : *f32[16]
        %6 = addptr %5, %2 : *f32[16]
        %7 = load %4 : f32[16]
        %8 = unary exp %7 : f32[16]
        %9 = load %4 : f32[16]
        %10 = load %4 : f32[16]
        %11 = binary add %9, %10 : f32[16]
        %12 = splat %1 : f32[16]
        %13 = binary add %11, %12 : f32[16]
        store %6, %13
      }
      "
    `);
    // %5/%6 merge into %3/%4; %7/%8 are dead; the two live loads stay
    // (loads are never merged: memory may change between them).
    expect(s.printed.canonicalize).toMatchInlineSnapshot(`
      "kernel fold(x: *f32, n: f32) workgroup=4 elements=4 {
        %0 = argument 0 "x" : *f32
        %1 = argument 1 "n" : f32
        %2 = arange 0, 16 : i32[16]
        %3 = splat %0 : *f32[16]
        %4 = addptr %3, %2 : *f32[16]
        %5 = load %4 : f32[16]
        %6 = load %4 : f32[16]
        %7 = binary add %5, %6 : f32[16]
        %8 = splat %1 : f32[16]
        %9 = binary add %7, %8 : f32[16]
        store %4, %9
      }
      "
    `);
  });

  it('merges the zero `other` tiles masking adds for each load', () => {
    const add = `function add(x, y, out, n) {
  const offs = tl.programId(0) * 64 + tl.arange(0, 64);
  const mask = offs < n;
  tl.store(out + offs, tl.load(x + offs, { mask }) + tl.load(y + offs, { mask }), { mask });
}`;
    const s = stages(add, args('*f32', '*f32', '*f32', 'i32'));
    const zeros = (text: string | undefined): number => (text ?? '').split('\n').filter((l) => / = constant 0 : f32 #scalar$/.test(l)).length;
    expect(zeros(s.printed.masking)).toBe(2);
    expect(zeros(s.printed['canonicalize-tiled'])).toBe(1);
    const others = [...(s.printed['canonicalize-tiled'] ?? '').matchAll(/load %\d+, mask=%\d+, other=(%\d+)/g)].map((m) => m[1]);
    expect(others).toHaveLength(2);
    expect(others[0]).toBe(others[1]);
  });

  it('does not reuse a value computed inside a branch after the branch', () => {
    const source = `function scoped(x, n) {
  const o = tl.arange(0, 16);
  if (n > 0) {
    tl.store(x + o, 1.0);
  }
  tl.store(x + o, 2.0);
}`;
    const text = stages(source, args('*f32', 'i32')).printed.canonicalize ?? '';
    expect(text).toMatchInlineSnapshot(`
      "kernel scoped(x: *f32, n: i32) workgroup=4 elements=4 {
        %0 = argument 0 "x" : *f32
        %1 = argument 1 "n" : i32
        %2 = arange 0, 16 : i32[16]
        %3 = constant 0 : i32
        %4 = binary gt %1, %3 : bool
        if %4 {
          %5 = splat %0 : *f32[16]
          %6 = addptr %5, %2 : *f32[16]
          %7 = constant 1 : f32
          %8 = splat %7 : f32[16]
          store %6, %8
          yield 
        } else {
          yield 
        }
        %9 = splat %0 : *f32[16]
        %10 = addptr %9, %2 : *f32[16]
        %11 = constant 2 : f32
        %12 = splat %11 : f32[16]
        store %10, %12
      }
      "
    `);
  });

  it('reuses a value computed before a loop inside the loop', () => {
    const source = `function hoisted(x, n) {
  const o = tl.arange(0, 16);
  const p = x + o;
  for (let i = 0; i < n; i++) {
    tl.store(x + o, tl.load(p) + 1.0);
  }
}`;
    const text = stages(source, args('*f32', 'i32')).printed.canonicalize ?? '';
    expect(text).toMatchInlineSnapshot(`
      "kernel hoisted(x: *f32, n: i32) workgroup=4 elements=4 {
        %0 = argument 0 "x" : *f32
        %1 = argument 1 "n" : i32
        %2 = arange 0, 16 : i32[16]
        %3 = splat %0 : *f32[16]
        %4 = addptr %3, %2 : *f32[16]
        %5 = constant 0 : i32
        %6 = constant 1 : i32
        for %7 = %5 to %1 step %6 iter() {
          %8 = load %4 : f32[16]
          %9 = constant 1 : f32
          %10 = splat %9 : f32[16]
          %11 = binary add %8, %10 : f32[16]
          store %4, %11
          yield 
        }
      }
      "
    `);
  });
});
