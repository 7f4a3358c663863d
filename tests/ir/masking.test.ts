// masking: every masked load gets an explicit `other` (zero when the kernel
// gave none), an all-true mask is dropped, an all-false load becomes its
// `other` and an all-false store disappears. Checked on the IR before
// (after tiling) and after the pass.

import { describe, expect, it } from 'vitest';
import { args, opLines, stages } from './helpers.js';

/** These tests look at masking alone: one element per invocation keeps the layouts short. */
const ONE_PER_INVOCATION = { elementsPerInvocation: 1 };

describe('masking', () => {
  it('adds a zero `other` to a masked load and keeps an explicit one', () => {
    const source = `function two(x, out, n) {
  const offs = tl.arange(0, 16);
  const mask = offs < n;
  const a = tl.load(x + offs, { mask });
  const b = tl.load(x + 16 + offs, { mask, other: -1.5 });
  tl.store(out + offs, a + b, { mask });
}`;
    const s = stages(source, args('*f32', '*f32', 'i32'), ONE_PER_INVOCATION);
    const before = opLines(s.printed.tiling ?? '');
    const after = opLines(s.printed.masking ?? '');
    expect(before).toEqual([
      '%0 = argument 0 "x" : *f32 #scalar',
      '%1 = argument 1 "out" : *f32 #scalar',
      '%2 = argument 2 "n" : i32 #scalar',
      '%3 = arange 0, 16 : i32[16] #blocked<spt=[1] tpd=[16]>',
      '%4 = splat %2 : i32[16] #blocked<spt=[1] tpd=[16]>',
      '%5 = binary lt %3, %4 : bool[16] #blocked<spt=[1] tpd=[16]>',
      '%6 = splat %0 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%7 = addptr %6, %3 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%8 = load %7, mask=%5 : f32[16] #blocked<spt=[1] tpd=[16]>',
      '%9 = constant 16 : i32 #scalar',
      '%10 = addptr %0, %9 : *f32 #scalar',
      '%11 = splat %10 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%12 = addptr %11, %3 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%13 = constant -1.5 : f32 #scalar',
      '%14 = splat %13 : f32[16] #blocked<spt=[1] tpd=[16]>',
      '%15 = load %12, mask=%5, other=%14 : f32[16] #blocked<spt=[1] tpd=[16]>',
      '%16 = splat %1 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%17 = addptr %16, %3 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%18 = binary add %8, %15 : f32[16] #blocked<spt=[1] tpd=[16]>',
      'store %17, %18, mask=%5',
    ]);
    // After: the first load's `other` is a new zero tile; the second keeps -1.5.
    expect(after).toEqual([
      '%0 = argument 0 "x" : *f32 #scalar',
      '%1 = argument 1 "out" : *f32 #scalar',
      '%2 = argument 2 "n" : i32 #scalar',
      '%3 = arange 0, 16 : i32[16] #blocked<spt=[1] tpd=[16]>',
      '%4 = splat %2 : i32[16] #blocked<spt=[1] tpd=[16]>',
      '%5 = binary lt %3, %4 : bool[16] #blocked<spt=[1] tpd=[16]>',
      '%6 = splat %0 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%7 = addptr %6, %3 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%8 = constant 0 : f32 #scalar',
      '%9 = splat %8 : f32[16] #blocked<spt=[1] tpd=[16]>',
      '%10 = load %7, mask=%5, other=%9 : f32[16] #blocked<spt=[1] tpd=[16]>',
      '%11 = constant 16 : i32 #scalar',
      '%12 = addptr %0, %11 : *f32 #scalar',
      '%13 = splat %12 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%14 = addptr %13, %3 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%15 = constant -1.5 : f32 #scalar',
      '%16 = splat %15 : f32[16] #blocked<spt=[1] tpd=[16]>',
      '%17 = load %14, mask=%5, other=%16 : f32[16] #blocked<spt=[1] tpd=[16]>',
      '%18 = splat %1 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%19 = addptr %18, %3 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%20 = binary add %10, %17 : f32[16] #blocked<spt=[1] tpd=[16]>',
      'store %19, %20, mask=%5',
    ]);
  });

  it('uses a zero of the buffer dtype for integer loads', () => {
    const source = `function ints(x, out, n) {
  const offs = tl.arange(0, 16);
  tl.store(out + offs, tl.load(x + offs, { mask: offs < n }));
}`;
    const after = stages(source, args('*u32', '*u32', 'i32'), ONE_PER_INVOCATION).printed.masking ?? '';
    expect(after).toMatch(/(%\d+) = constant 0 : u32 #scalar\n\s+(%\d+) = splat \1 : u32\[16\] [^\n]+\n\s+%\d+ = load %\d+, mask=%\d+, other=\2 : u32\[16\]/);
  });

  it('drops an all-true mask (a splat of true) from loads and stores', () => {
    const source = `function alltrue(x, out) {
  const offs = tl.arange(0, 16);
  const all = tl.full([16], true, tl.int1);
  tl.store(out + offs, tl.load(x + offs, { mask: all, other: 7.0 }), { mask: all });
}`;
    const s = stages(source, args('*f32', '*f32'), ONE_PER_INVOCATION);
    expect(s.printed.tiling).toContain('mask=');
    expect(opLines(s.printed['canonicalize-tiled'] ?? '')).toEqual([
      '%0 = argument 0 "x" : *f32 #scalar',
      '%1 = argument 1 "out" : *f32 #scalar',
      '%2 = arange 0, 16 : i32[16] #blocked<spt=[1] tpd=[16]>',
      '%3 = splat %1 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%4 = addptr %3, %2 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%5 = splat %0 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%6 = addptr %5, %2 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%7 = load %6 : f32[16] #blocked<spt=[1] tpd=[16]>',
      'store %4, %7',
    ]);
  });

  it('turns an all-false load into its `other` and removes an all-false store', () => {
    // EVEN is a constexpr: `{ mask: !EVEN }` is a constant mask, Triton's
    // `mask = None if EVEN else ...` pattern spelled with a boolean.
    const source = `function allfalse(x, out, EVEN) {
  const offs = tl.arange(0, 16);
  const a = tl.load(x + offs, { mask: !EVEN, other: 2.5 });
  const b = tl.load(x + offs, { mask: !EVEN });
  tl.store(out + offs, a + b);
  tl.store(out + 16 + offs, a, { mask: !EVEN });
}`;
    const s = stages(source, args('*f32', '*f32', true), ONE_PER_INVOCATION);
    expect(s.printed.tiling?.match(/= load/g)).toHaveLength(2);
    expect(s.printed.tiling?.match(/store /g)).toHaveLength(2);
    // No memory access is left but the one unmasked store of a + b = 2.5 + 0,
    // which canonicalize folds to a splat of 2.5.
    expect(opLines(s.printed['canonicalize-tiled'] ?? '')).toEqual([
      '%0 = argument 1 "out" : *f32 #scalar',
      '%1 = arange 0, 16 : i32[16] #blocked<spt=[1] tpd=[16]>',
      '%2 = splat %0 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%3 = addptr %2, %1 : *f32[16] #blocked<spt=[1] tpd=[16]>',
      '%4 = constant 2.5 : f32 #scalar',
      '%5 = splat %4 : f32[16] #blocked<spt=[1] tpd=[16]>',
      'store %3, %5',
    ]);
  });

  it('settles constant masks inside loops and branches too', () => {
    const source = `function nested(x, out, n, EVEN) {
  const offs = tl.arange(0, 16);
  for (let k = 0; k < n; k++) {
    if (k > 2) {
      tl.store(out + k * 16 + offs, tl.load(x + offs, { mask: !EVEN }), { mask: !EVEN });
    }
  }
}`;
    const after = stages(source, args('*f32', '*f32', 'i32', true), ONE_PER_INVOCATION).printed['canonicalize-tiled'] ?? '';
    expect(after).not.toContain('= load');
    expect(after).not.toContain('store ');
    expect(after).toContain('for %');
  });

  it('keeps a runtime mask on loads and stores', () => {
    const source = `function runtime(x, out, n) {
  const offs = tl.arange(0, 16);
  tl.store(out + offs, tl.load(x + offs, { mask: offs < n, other: 1.0 }), { mask: offs < n });
}`;
    const after = stages(source, args('*f32', '*f32', 'i32'), ONE_PER_INVOCATION).printed.masking ?? '';
    expect(after).toMatch(/load %\d+, mask=(%\d+), other=%\d+ [^\n]+\n\s+store %\d+, %\d+, mask=\1\n/);
  });
});
