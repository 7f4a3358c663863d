// tiling: every value gets a layout; index math feeding expandDims is
// rematerialized in slice layouts; an expensive value (a load, a reduction)
// needed in another layout goes through a convertLayout.

import { describe, expect, it } from 'vitest';
import { layoutToString } from '../../compiler/ir/layout.js';
import { blocksOf, resultsOf, type Block } from '../../compiler/ir/ops.js';
import { tiling } from '../../compiler/passes/tiling.js';
import { args, opLines, stages } from './helpers.js';

/** Every value defined anywhere in a block (results and block arguments). */
function allValues(block: Block): { id: number; layout: string | undefined }[] {
  const out: { id: number; layout: string | undefined }[] = [];
  const visit = (b: Block): void => {
    for (const a of b.args) out.push({ id: a.id, layout: a.type.layout && layoutToString(a.type.layout) });
    for (const op of b.ops) {
      for (const r of resultsOf(op)) out.push({ id: r.id, layout: r.type.layout && layoutToString(r.type.layout) });
      blocksOf(op).forEach(visit);
    }
  };
  visit(block);
  return out;
}

describe('tiling', () => {
  it('gives a 1D kernel one blocked layout and scalars #scalar', () => {
    const source = `function copy(x, out, n) {
  const offs = tl.programId(0) * 32 + tl.arange(0, 32);
  tl.store(out + offs, tl.load(x + offs, { mask: offs < n }), { mask: offs < n });
}`;
    const s = stages(source, args('*f32', '*f32', 'i32'));
    // 32 elements: the workgroup shrinks to 32 invocations, one element each.
    expect(s.printed.tiling).toMatchInlineSnapshot(`
      "kernel copy(x: *f32, out: *f32, n: i32) workgroup=8 elements=4 {
        %0 = argument 0 "x" : *f32 #scalar
        %1 = argument 1 "out" : *f32 #scalar
        %2 = argument 2 "n" : i32 #scalar
        %3 = programId 0 : i32 #scalar
        %4 = constant 32 : i32 #scalar
        %5 = binary mul %3, %4 : i32 #scalar
        %6 = arange 0, 32 : i32[32] #blocked<spt=[4] tpd=[8]>
        %7 = splat %5 : i32[32] #blocked<spt=[4] tpd=[8]>
        %8 = binary add %7, %6 : i32[32] #blocked<spt=[4] tpd=[8]>
        %9 = splat %1 : *f32[32] #blocked<spt=[4] tpd=[8]>
        %10 = addptr %9, %8 : *f32[32] #blocked<spt=[4] tpd=[8]>
        %11 = splat %0 : *f32[32] #blocked<spt=[4] tpd=[8]>
        %12 = addptr %11, %8 : *f32[32] #blocked<spt=[4] tpd=[8]>
        %13 = splat %2 : i32[32] #blocked<spt=[4] tpd=[8]>
        %14 = binary lt %8, %13 : bool[32] #blocked<spt=[4] tpd=[8]>
        %15 = load %12, mask=%14 : f32[32] #blocked<spt=[4] tpd=[8]>
        store %10, %15, mask=%14
      }
      "
    `);
    expect(allValues(s.ir.tiling!.body).filter((v) => v.layout === undefined)).toEqual([]);
  });

  it('rematerializes aranges in slice layouts for expandDims (no layout conversion)', () => {
    const source = `function tile2d(x, out) {
  const rm = tl.arange(0, 16);
  const rn = tl.arange(0, 32);
  const offs = tl.expandDims(rm, 1) * 32 + tl.expandDims(rn, 0);
  tl.store(out + offs, tl.load(x + offs));
}`;
    const s = stages(source, args('*f32', '*f32'));
    // [16,32] over 128 invocations: 32 along the row (adjacent invocations,
    // adjacent addresses), 4 rows at a time. The row index is an arange in
    // #slice<dim=1> (it becomes [16,1]), the column index in #slice<dim=0>.
    // The aranges lowering made in the default 1D layout are left dead here
    // and removed by the final canonicalize.
    expect(s.printed['canonicalize-tiled']).toMatchInlineSnapshot(`
      "kernel tile2d(x: *f32, out: *f32) workgroup=128 elements=4 {
        %0 = argument 0 "x" : *f32 #scalar
        %1 = argument 1 "out" : *f32 #scalar
        %2 = arange 0, 16 : i32[16] #slice<dim=1, #blocked<spt=[1,4] tpd=[16,8]>>
        %3 = expandDims %2, axis=1 : i32[16,1] #blocked<spt=[1,4] tpd=[16,8]>
        %4 = constant 32 : i32 #scalar
        %5 = splat %4 : i32[16,1] #blocked<spt=[1,4] tpd=[16,8]>
        %6 = binary mul %3, %5 : i32[16,1] #blocked<spt=[1,4] tpd=[16,8]>
        %7 = arange 0, 32 : i32[32] #slice<dim=0, #blocked<spt=[1,4] tpd=[16,8]>>
        %8 = expandDims %7, axis=0 : i32[1,32] #blocked<spt=[1,4] tpd=[16,8]>
        %9 = broadcast %6 : i32[16,32] #blocked<spt=[1,4] tpd=[16,8]>
        %10 = broadcast %8 : i32[16,32] #blocked<spt=[1,4] tpd=[16,8]>
        %11 = binary add %9, %10 : i32[16,32] #blocked<spt=[1,4] tpd=[16,8]>
        %12 = splat %1 : *f32[16,32] #blocked<spt=[1,4] tpd=[16,8]>
        %13 = addptr %12, %11 : *f32[16,32] #blocked<spt=[1,4] tpd=[16,8]>
        %14 = splat %0 : *f32[16,32] #blocked<spt=[1,4] tpd=[16,8]>
        %15 = addptr %14, %11 : *f32[16,32] #blocked<spt=[1,4] tpd=[16,8]>
        %16 = load %15 : f32[16,32] #blocked<spt=[1,4] tpd=[16,8]>
        store %13, %16
      }
      "
    `);
    expect(s.printed['canonicalize-tiled']).not.toContain('convertLayout');
  });

  it('converts a loaded 1D tile that expandDims needs in a slice layout', () => {
    const source = `function bias(x, b, out) {
  const rm = tl.arange(0, 16);
  const rn = tl.arange(0, 32);
  const offs = tl.expandDims(rm, 1) * 32 + tl.expandDims(rn, 0);
  const bv = tl.load(b + rn);
  tl.store(out + offs, tl.load(x + offs) + tl.expandDims(bv, 0));
}`;
    const s = stages(source, args('*f32', '*f32', '*f32'), { elementsPerInvocation: 1 });
    const lines = opLines(s.printed.tiling ?? '');
    // The bias row is loaded once in the 1D layout, then moved (through
    // workgroup memory) into the slice of the 2D layout that expandDims needs.
    const load1d = lines.find((l) => /= load .* : f32\[32\] /.test(l));
    expect(load1d).toMatch(/#blocked<spt=\[1\] tpd=\[128\]>$/);
    const loaded = /^(%\d+) =/.exec(load1d ?? '')?.[1];
    const convert = lines.find((l) => l.includes(`convertLayout ${loaded} `));
    expect(convert).toMatch(/: f32\[32\] #slice<dim=0, #blocked<spt=\[1,1\] tpd=\[4,32\]>>$/);
    const converted = /^(%\d+) =/.exec(convert ?? '')?.[1];
    expect(lines.some((l) => l.startsWith(`%`) && l.includes(`expandDims ${converted}, axis=0 : f32[1,32] #blocked<spt=[1,1] tpd=[4,32]>`))).toBe(true);
    expect(lines.filter((l) => l.includes('convertLayout'))).toHaveLength(1);
    // b is never written, so remove-conversions loads the row straight into
    // the slice layout instead of a workgroup-memory round trip.
    const final = opLines(s.printed['canonicalize-tiled'] ?? '');
    expect(final.filter((l) => l.includes('convertLayout'))).toHaveLength(0);
    expect(final.some((l) => /= load .* : f32\[32\] #slice<dim=0, #blocked<spt=\[1,1\] tpd=\[4,32\]>>$/.test(l))).toBe(true);
  });

  it('gives reductions a slice of their operand layout and converts a 1D load to meet them', () => {
    const source = `function rowmax(x, out) {
  const rm = tl.arange(0, 8);
  const rn = tl.arange(0, 32);
  const t = tl.load(x + tl.expandDims(rm, 1) * 32 + tl.expandDims(rn, 0));
  const m = tl.max(t, 1);
  tl.store(out + rm, m + tl.load(x + rm));
}`;
    const s = stages(source, args('*f32', '*f32'), { invocations: 64, elementsPerInvocation: 1 });
    // Tiling converts the 1D load (%22) into the reduction's slice layout ...
    const tiled = opLines(s.printed.tiling ?? '');
    expect(tiled).toContain('%22 = load %21 : f32[8] #blocked<spt=[1] tpd=[64]>');
    expect(tiled).toContain('%23 = convertLayout %22 : f32[8] #slice<dim=1, #blocked<spt=[1,1] tpd=[2,32]>>');
    // ... and remove-conversions re-loads it there instead (x is never written).
    expect(opLines(s.printed['canonicalize-tiled'] ?? '').slice(-6)).toEqual([
      '%17 = addptr %16, %2 : *f32[8] #slice<dim=1, #blocked<spt=[1,1] tpd=[2,32]>>',
      '%18 = load %17 : f32[8] #slice<dim=1, #blocked<spt=[1,1] tpd=[2,32]>>',
      '%19 = binary add %15, %18 : f32[8] #slice<dim=1, #blocked<spt=[1,1] tpd=[2,32]>>',
      '%20 = splat %1 : *f32[8] #slice<dim=1, #blocked<spt=[1,1] tpd=[2,32]>>',
      '%21 = addptr %20, %2 : *f32[8] #slice<dim=1, #blocked<spt=[1,1] tpd=[2,32]>>',
      'store %21, %19',
    ]);
    expect(s.printed['canonicalize-tiled']).not.toContain('convertLayout');
    // The store's pointer is cheap index math: rebuilt in the slice layout
    // from an arange made there (%2), not converted.
    expect(s.printed['canonicalize-tiled']).toMatch(/%2 = arange 0, 8 : i32\[8\] #slice<dim=1, /);
  });

  it('keeps one layout for a loop-carried tile and for an if result', () => {
    const source = `function acc(x, out, n) {
  const offs = tl.arange(0, 64);
  let acc = tl.zeros([64], tl.float32);
  for (let k = 0; k < n; k++) {
    acc += tl.load(x + k * 64 + offs);
  }
  if (n > 4) {
    acc = acc * 2.0;
  }
  tl.store(out + offs, acc);
}`;
    const text = stages(source, args('*f32', '*f32', 'i32'), { invocations: 32, elementsPerInvocation: 1 }).printed.tiling ?? '';
    // 64 elements over 32 invocations: each holds two (repetitions of the pattern).
    expect(text).toContain('= for %');
    expect(text).toMatch(/iter\(%\d+ = %\d+\) -> \(f32\[64\] #blocked<spt=\[1\] tpd=\[32\]>\)/);
    expect(text).toMatch(/= if %\d+ -> \(f32\[64\] #blocked<spt=\[1\] tpd=\[32\]>\)/);
    expect(text).not.toContain('convertLayout');
  });

  it('follows the vector width: contiguous elements per invocation along the last dimension', () => {
    const source = `function v(x, out) {
  const o = tl.arange(0, 256);
  tl.store(out + o, tl.load(x + o));
}`;
    const lowered = stages(source, args('*f32', '*f32'), { invocations: 64 }).ir.canonicalize!;
    const tiled = tiling(lowered, { vector: 4 });
    expect(allValues(tiled.body).map((v) => v.layout)).toContain('#blocked<spt=[4] tpd=[64]>');
  });
});
