// Axis-info on printed IR: contiguity, divisibility and constancy per
// dimension, from aranges, constants, launch specialization (i32%16) and
// tl.multipleOf / tl.maxContiguous hints, through arithmetic, broadcasts and
// loops.

import { describe, expect, it } from 'vitest';
import { analyzeAxisInfo, axisInfoToString, printAxisInfo } from '../../compiler/analysis/axis-info.js';
import type { ArgSpec } from '../../compiler/lower/lower.js';
import { args, stages } from '../ir/helpers.js';

const add = `function add(x, out, n, BLOCK) {
  const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
  tl.store(out + offs, tl.load(x + offs, { mask }), { mask });
}`;

function divisible(specs: ArgSpec[], index: number, by: number): ArgSpec[] {
  return specs.map((a, i) => (i === index && a.role !== 'constexpr' ? { ...a, divisibility: by } : a));
}

/** The analysis of the kernel after canonicalize, printed. */
function infoOf(source: string, specs: readonly ArgSpec[]): string {
  const ir = stages(source, specs).ir.canonicalize;
  if (!ir) throw new Error('no canonicalize stage');
  return printAxisInfo(ir);
}

describe('axis-info', () => {
  it('proves block offsets contiguous and aligned, and the mask constant in groups of 16 when n is specialized %16', () => {
    expect(infoOf(add, divisible(args('*f32', '*f32', 'i32', 256), 2, 16))).toMatchInlineSnapshot(`
      "%0 = argument: contig=[1] div=[inf] const=[1]
      %1 = argument: contig=[1] div=[inf] const=[1]
      %2 = argument: contig=[1] div=[16] const=[1]
      %3 = programId: contig=[1] div=[1] const=[1]
      %4 = constant: contig=[1] div=[256] const=[1]
      %5 = binary: contig=[1] div=[256] const=[1]
      %6 = arange: contig=[256] div=[inf] const=[1]
      %7 = splat: contig=[1] div=[256] const=[256]
      %8 = binary: contig=[256] div=[256] const=[1]
      %9 = splat: contig=[1] div=[16] const=[256]
      %10 = binary: contig=[1] div=[1] const=[16]
      %11 = splat: contig=[1] div=[inf] const=[256]
      %12 = addptr: contig=[256] div=[256] const=[1]
      %13 = splat: contig=[1] div=[inf] const=[256]
      %14 = addptr: contig=[256] div=[256] const=[1]
      "
    `);
  });

  it('knows nothing about an unspecialized n: the mask is not constant over any group', () => {
    const text = infoOf(add, args('*f32', '*f32', 'i32', 256));
    expect(text).toContain('%2 = argument: contig=[1] div=[1] const=[1]');
    expect(text).toContain('%10 = binary: contig=[1] div=[1] const=[1]');
    expect(text).toContain('%12 = addptr: contig=[256] div=[256] const=[1]');
  });

  it('loses alignment when a runtime offset is added, and gets it back from tl.multipleOf', () => {
    const source = `function shifted(x, out, off, HINT) {
  let base = off;
  if (HINT) { base = tl.multipleOf(off, 8); }
  const offs = base + tl.arange(0, 64);
  tl.store(out + tl.arange(0, 64), tl.load(x + offs));
}`;
    const plain = infoOf(source, args('*f32', '*f32', 'i32', false));
    expect(plain).toMatch(/addptr: contig=\[64\] div=\[1\] const=\[1\]/);
    const hinted = infoOf(source, args('*f32', '*f32', 'i32', true));
    expect(hinted).toContain('hint: contig=[1] div=[8] const=[1]');
    expect(hinted).toMatch(/addptr: contig=\[64\] div=\[8\] const=\[1\]/);
  });

  it('takes tl.maxContiguous on a gathered index', () => {
    const source = `function gathered(x, idx, out) {
  const i = tl.maxContiguous(tl.load(idx + tl.arange(0, 32)), 4);
  tl.store(out + tl.arange(0, 32), tl.load(x + i));
}`;
    const text = infoOf(source, args('*f32', '*i32', '*f32'));
    expect(text).toContain('hint: contig=[4] div=[1] const=[1]');
  });

  it('follows 2D broadcasts: rows constant along dim 1, columns contiguous along dim 1', () => {
    const source = `function tile2d(x, out, stride) {
  const r = tl.arange(0, 8);
  const c = tl.arange(0, 32);
  const offs = tl.expandDims(r, 1) * stride + tl.expandDims(c, 0);
  tl.store(out + offs, tl.load(x + offs));
}`;
    const ir = stages(source, divisible(args('*f32', '*f32', 'i32'), 2, 16)).ir.canonicalize;
    if (!ir) throw new Error('no IR');
    const info = analyzeAxisInfo(ir);
    const lines = printAxisInfo(ir, info).split('\n');
    // r[:, None] * stride: constant along the columns, multiples of 16 down the rows.
    expect(lines).toContain('%7 = binary: contig=[1,1] div=[16,16] const=[1,1]');
    // ... + c[None, :]: rows of 32 contiguous elements, each starting at a multiple of 16
    // (down a column, element c of a row is not a multiple of anything).
    expect(lines.some((l) => /= binary: contig=\[1,32\] div=\[1,16\] const=\[1,1\]$/.test(l))).toBe(true);
    expect(axisInfoToString({ contiguity: [1, 32], divisibility: [16, 1 << 30], constancy: [8, 1] })).toBe('contig=[1,32] div=[16,inf] const=[8,1]');
  });

  it('keeps what a loop preserves (off steps by the block) and drops what it does not', () => {
    const source = `function loops(x, out, n, step) {
  let acc = tl.zeros([64], tl.float32);
  let p = x;
  for (let off = 0; off < n; off += 64) {
    acc += tl.load(x + off + tl.arange(0, 64));
    p = p + step;
  }
  tl.store(out + tl.arange(0, 64), acc + tl.load(p + tl.arange(0, 64)));
}`;
    const text = infoOf(source, args('*f32', '*f32', 'i32', 'i32'));
    // The induction variable starts at 0 and steps by 64.
    expect(text).toMatch(/arg: contig=\[1\] div=\[64\] const=\[1\]/);
    // x + off + arange: contiguous and 64-aligned inside the loop.
    expect(text).toMatch(/addptr: contig=\[64\] div=\[64\] const=\[1\]/);
    // p is carried and stepped by an unknown amount: after the loop nothing is known about its alignment.
    expect(text).toMatch(/for: contig=\[1\] div=\[1\] const=\[1\]/);
  });
});
