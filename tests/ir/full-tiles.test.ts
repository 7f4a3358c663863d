// The full-tiles pass on printed IR: which regions get an unmasked copy, what
// guards it, and which kernels it leaves alone. tests/ops/full-tiles.test.ts
// runs both copies on the device against references.

import { describe, expect, it } from 'vitest';
import type { CompileOptions } from '../../compiler/compile.js';
import { after, args, stages } from './helpers.js';

const software: CompileOptions = { softwareAdapter: true };

const add = `function add(x, y, out, n, BLOCK) {
  const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
  tl.store(out + offs, tl.load(x + offs, { mask }) + tl.load(y + offs, { mask }), { mask });
}`;
const addSpecs = args('*f32', '*f32', '*f32', 'i32', 1024);

/** The op lines of the then-branch (unmasked copy) and else-branch of the first if. */
function branches(printed: string): { readonly unmasked: string[]; readonly masked: string[] } {
  const text = printed.split('\n');
  const ifAt = text.findIndex((l) => /^\s+if %/.test(l));
  const elseAt = text.findIndex((l) => l.includes('} else {'));
  expect(ifAt, printed).toBeGreaterThanOrEqual(0);
  const elseLines = text.slice(elseAt + 1).map((l) => l.trim());
  return { unmasked: text.slice(ifAt + 1, elseAt).map((l) => l.trim()), masked: elseLines.slice(0, elseLines.indexOf('}')) };
}

describe('full-tiles pass', () => {
  it('copies a masked elementwise body without masks under a uniform bounds test', () => {
    const printed = after(add, addSpecs, 'full-tiles', software);
    // Guard: pid*BLOCK + 1023 < n, with pid*BLOCK + 1023 not wrapping past the i32 range.
    expect(printed).toMatch(/binary le %\d+, %\d+ : bool/);
    expect(printed).toContain('constant 2147482624 : i32');
    expect(printed).toContain('constant 1023 : i32');
    const { unmasked, masked } = branches(printed);
    expect(unmasked.filter((l) => / = load /.test(l))).toHaveLength(2);
    expect(masked.filter((l) => / = load .*mask=/.test(l))).toHaveLength(2);
    expect(masked.some((l) => /^store .*mask=/.test(l))).toBe(true);
    // The masking pass drops the all-true masks of the copy.
    const masking = branches(after(add, addSpecs, 'masking', software));
    expect(masking.unmasked.filter((l) => /mask=/.test(l))).toEqual([]);
    expect(masking.masked.filter((l) => /mask=/.test(l))).toHaveLength(3);
  });

  it('is on by default for software adapters only, and named in the key', () => {
    const on = stages(add, addSpecs, software);
    expect(on.result.manifest.specializationKey).toContain('[full-tiles]');
    const gpu = stages(add, addSpecs, {});
    expect(gpu.printed['full-tiles']).toBe(gpu.printed['remove-conversions']);
    expect(gpu.result.manifest.specializationKey).not.toContain('[full-tiles]');
    const off = stages(add, addSpecs, { ...software, fullTiles: false });
    expect(off.printed['full-tiles']).toBe(off.printed['remove-conversions']);
    expect(off.result.manifest.specializationKey).not.toContain('[full-tiles]');
    expect(stages(add, addSpecs, { fullTiles: true }).printed['full-tiles']).toMatch(/^\s+if %/m);
  });

  it('proves two-sided and 2D masks, with ranges through sub, mul and broadcasts', () => {
    const window = `function window(x, out, lo, hi, n, BM: tl.constexpr, BN: tl.constexpr) {
      const rows = tl.programId(0) * BM + tl.arange(0, BM);
      const cols = tl.arange(0, BN) * 2 - 1;
      const inside = (tl.expandDims(rows, 1) >= lo) & (tl.expandDims(rows, 1) < hi) & (tl.expandDims(cols, 0) <= n);
      const offs = tl.expandDims(rows, 1) * 64 + tl.expandDims(cols, 0);
      tl.store(out + offs, tl.load(x + offs, { mask: inside, other: 0 }), { mask: inside });
    }`;
    const printed = after(window, args('*f32', '*f32', 'i32', 'i32', 'i32', 8, 16), 'masking', software);
    const { unmasked, masked } = branches(printed);
    expect(unmasked.filter((l) => /mask=/.test(l))).toEqual([]);
    expect(masked.filter((l) => /mask=/.test(l))).toHaveLength(2);
    // cols spans [-1, 29]: the guard compares 29 with n.
    expect(printed).toContain('constant 29 : i32');
  });

  it('leaves alone masks it cannot prove from uniform scalars', () => {
    const dataMask = `function pos(x, out, n, BLOCK) {
      const offs = tl.arange(0, BLOCK);
      const v = tl.load(x + offs, { mask: offs < n, other: 0 });
      tl.store(out + offs, v, { mask: v > 0 });
    }`;
    // Only the load's mask is provable; the store's stays in both copies.
    const printed = after(dataMask, args('*f32', '*f32', 'i32', 256), 'masking', software);
    const { unmasked } = branches(printed);
    expect(unmasked.filter((l) => / = load .*mask=/.test(l))).toEqual([]);
    expect(unmasked.some((l) => /^store .*mask=/.test(l))).toBe(true);
    // A bound loaded from memory is not uniform for this analysis.
    const loadedBound = `function lb(x, out, nptr, BLOCK) {
      const offs = tl.arange(0, BLOCK);
      const n = tl.load(nptr);
      tl.store(out + offs, tl.load(x + offs, { mask: offs < n }), { mask: offs < n });
    }`;
    expect(after(loadedBound, args('*f32', '*f32', '*i32', 256), 'full-tiles', software)).not.toMatch(/^\s+if %/m);
  });

  it('does not copy loops, reductions, replicated stores or workgroup-memory reshapes (lavapipe JIT time and speed)', () => {
    const softmaxLike = `function sm(x, out, n, BLOCK) {
      const offs = tl.arange(0, BLOCK);
      const v = tl.load(x + tl.programId(0) * n + offs, { mask: offs < n, other: -Infinity });
      tl.store(out + tl.programId(0) * n + offs, v - tl.max(v, 0), { mask: offs < n });
    }`;
    expect(after(softmaxLike, args('*f32', '*f32', 'i32', 256), 'full-tiles', software)).not.toMatch(/^\s+if %/m);
    const looped = `function rows(x, out, n, BLOCK) {
      for (let off = 0; off < n; off += BLOCK) {
        const offs = off + tl.arange(0, BLOCK);
        tl.store(out + offs, tl.load(x + offs, { mask: offs < n }), { mask: offs < n });
      }
    }`;
    expect(after(looped, args('*f32', '*f32', 'i32', 256), 'full-tiles', software)).not.toMatch(/if %/);
    // A tile smaller than the workgroup keeps an ownership branch per stored element.
    expect(after(add, args('*f32', '*f32', '*f32', 'i32', 16), 'full-tiles', { ...software, invocations: 64 })).not.toMatch(/if %/);
    expect(after(add, args('*f32', '*f32', '*f32', 'i32', 1024), 'full-tiles', { ...software, invocations: 64 })).toMatch(/if %/);
    // A reshape goes through workgroup memory: barriers in the copy.
    const reshaped = `function flat(x, out, n, BM, BN) {
      const offs = tl.expandDims(tl.arange(0, BM), 1) * BN + tl.expandDims(tl.arange(0, BN), 0);
      const v = tl.load(x + offs, { mask: offs < n, other: 0 });
      const flat = tl.arange(0, BM * BN);
      tl.store(out + flat, tl.reshape(v, [BM * BN]), { mask: flat < n });
    }`;
    expect(after(reshaped, args('*f32', '*f32', 'i32', 8, 32), 'full-tiles', software)).not.toMatch(/if %/);
  });
});
