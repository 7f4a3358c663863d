// Lowering: AST + specialization => Tile IR, checked on the printed IR.
// Constexprs fold and pick branches, Triton's promotion and broadcasting
// become explicit casts/splats, loops carry the variables they assign, ifs
// merge them, an early return wraps the rest of the kernel in an if/else.

import { describe, expect, it } from 'vitest';
import { printKernel } from '../../compiler/ir/printer.js';
import { after, args, stages } from './helpers.js';

describe('lowering', () => {
  it('folds a constexpr if, and makes promotion explicit (i32 + 1.5 -> f32, i32 + u32 -> u32)', () => {
    const source = `function promo(x, u, out, EVEN) {
  const o = tl.arange(0, 8);
  const i = tl.load(x + o);
  const w = tl.load(u + o);
  if (EVEN) {
    tl.store(out + o, i + 1.5);
  } else {
    tl.store(out + o, i + w);
  }
  tl.store(out + 8 + o, (i + w + 2).to(tl.float32));
}`;
    // Only the EVEN branch is lowered; the literal 2 adopts u32 (weak typing).
    expect(after(source, args('*i32', '*u32', '*f32', true), 'lower')).toMatchInlineSnapshot(`
      "kernel promo(x: *i32, u: *u32, out: *f32, EVEN=true) workgroup=2 elements=4 {
        %0 = argument 0 "x" : *i32
        %1 = argument 1 "u" : *u32
        %2 = argument 2 "out" : *f32
        %3 = arange 0, 8 : i32[8]
        %4 = splat %0 : *i32[8]
        %5 = addptr %4, %3 : *i32[8]
        %6 = load %5 : i32[8]
        %7 = splat %1 : *u32[8]
        %8 = addptr %7, %3 : *u32[8]
        %9 = load %8 : u32[8]
        %10 = splat %2 : *f32[8]
        %11 = addptr %10, %3 : *f32[8]
        %12 = cast %6 : f32[8]
        %13 = constant 1.5 : f32
        %14 = splat %13 : f32[8]
        %15 = binary add %12, %14 : f32[8]
        store %11, %15
        %16 = constant 8 : i32
        %17 = addptr %2, %16 : *f32
        %18 = splat %17 : *f32[8]
        %19 = addptr %18, %3 : *f32[8]
        %20 = cast %6 : u32[8]
        %21 = binary add %20, %9 : u32[8]
        %22 = constant 2 : u32
        %23 = splat %22 : u32[8]
        %24 = binary add %21, %23 : u32[8]
        %25 = cast %24 : f32[8]
        store %19, %25
      }
      "
    `);
    expect(after(source, args('*i32', '*u32', '*f32', false), 'lower')).toContain('%12 = cast %6 : u32[8]\n  %13 = binary add %12, %9 : u32[8]');
  });

  it('carries loop variables, merges if results and unrolls tl.staticRange', () => {
    const source = `function rowsum(x, out, n, K) {
  const offs = tl.arange(0, 16);
  let acc = tl.zeros([16], tl.float32);
  for (let k = 0; k < n; k += 1) {
    acc += tl.load(x + k * 16 + offs);
  }
  if (n > 4) {
    acc = acc * 2.0;
  }
  for (const j of tl.staticRange(0, K)) {
    acc = acc + j;
  }
  tl.store(out + offs, acc);
}`;
    // The for op's results (%17) are numbered after its body. The else
    // branch yields acc unchanged. K=2 unrolls into "+ 0" and "+ 1".
    expect(after(source, args('*f32', '*f32', 'i32', 2), 'lower')).toMatchInlineSnapshot(`
      "kernel rowsum(x: *f32, out: *f32, n: i32, K=2) workgroup=4 elements=4 {
        %0 = argument 0 "x" : *f32
        %1 = argument 1 "out" : *f32
        %2 = argument 2 "n" : i32
        %3 = arange 0, 16 : i32[16]
        %4 = constant 0 : f32
        %5 = splat %4 : f32[16]
        %6 = constant 0 : i32
        %7 = constant 1 : i32
        %17 = for %8 = %6 to %2 step %7 iter(%9 = %5) -> (f32[16]) {
          %10 = constant 16 : i32
          %11 = binary mul %8, %10 : i32
          %12 = addptr %0, %11 : *f32
          %13 = splat %12 : *f32[16]
          %14 = addptr %13, %3 : *f32[16]
          %15 = load %14 : f32[16]
          %16 = binary add %9, %15 : f32[16]
          yield %16
        }
        %18 = constant 4 : i32
        %19 = binary gt %2, %18 : bool
        %23 = if %19 -> (f32[16]) {
          %20 = constant 2 : f32
          %21 = splat %20 : f32[16]
          %22 = binary mul %17, %21 : f32[16]
          yield %22
        } else {
          yield %17
        }
        %24 = constant 0 : f32
        %25 = splat %24 : f32[16]
        %26 = binary add %23, %25 : f32[16]
        %27 = constant 1 : f32
        %28 = splat %27 : f32[16]
        %29 = binary add %26, %28 : f32[16]
        %30 = splat %1 : *f32[16]
        %31 = addptr %30, %3 : *f32[16]
        store %31, %29
      }
      "
    `);
  });

  it('rewrites an early return into if/else around the rest of the kernel', () => {
    const source = `function early(x, n) {
  const pid = tl.programId(0);
  if (pid * 16 >= n) return;
  tl.store(x + pid, 1.0);
}`;
    expect(after(source, args('*f32', 'i32'), 'lower')).toMatchInlineSnapshot(`
      "kernel early(x: *f32, n: i32) workgroup=1 {
        %0 = argument 0 "x" : *f32
        %1 = argument 1 "n" : i32
        %2 = programId 0 : i32
        %3 = constant 16 : i32
        %4 = binary mul %2, %3 : i32
        %5 = binary ge %4, %1 : bool
        if %5 {
          yield 
        } else {
          %6 = addptr %0, %2 : *f32
          %7 = constant 1 : f32
          store %6, %7
          yield 
        }
      }
      "
    `);
  });

  it('prints source locations on request', () => {
    const s = stages('function k(x) {\n  tl.store(x, 1.0);\n}', args('*f32'));
    expect(printKernel(s.ir.lower!, { locations: true })).toContain('store %0, %1  // 2:3');
  });

  it('widens a loop-carried plain number to the dtype the body gives it (let t = 0; t += f32)', () => {
    const source = `function total(x, out, n) {
  let t = 0;
  let count = 0;
  for (let i = 0; i < n; i += 1) {
    t += tl.load(x + i);
    count += 1;
  }
  tl.store(out, t / count);
}`;
    const ir = after(source, args('*f32', '*f32', 'i32'), 'lower');
    // t is carried as f32 (widened), count stays i32; one loop remains.
    expect(ir).toMatch(/= for %\d+ = %\d+ to %2 step %\d+ iter\(%\d+ = %\d+, %\d+ = %\d+\) -> \(f32, i32\)/);
    expect(ir.match(/ for /g)?.length).toBe(1);
  });

  it('treats a variable declared in a loop body as local, even when it shadows an outer const', () => {
    const source = `function shadow(out, n) {
  const t = 1;
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    let t = 0;
    t += i;
    total += t;
  }
  tl.store(out, total + t);
}`;
    const ir = after(source, args('*i32', 'i32'), 'lower');
    // Only total is carried; the outer t stays the constant 1.
    expect(ir).toMatch(/= for %\d+ = %\d+ to %1 step %\d+ iter\(%\d+ = %\d+\) -> \(i32\)/);
  });
});
