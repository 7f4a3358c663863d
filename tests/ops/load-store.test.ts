// tl.load / tl.store: mask and other in the options and positional forms,
// masks other than the bounds check, tile-valued `other`, scalar pointers,
// and the masking guarantee checked with canary guard regions: tensors are
// allocated bigger than needed and filled with a canary, kernels run on
// sub-views, and masked-off lanes must neither read nor write the canaries
// inside the view (after the n valid elements) or around it.

import { describe, expect, it } from 'vitest';
import { kernel, tl as tlImport } from '../../index.js';
import type { Tensor } from '../../runtime/tensor.js';
import type { TesseraDevice } from '../../runtime/device.js';
import { cdiv, expectExact, f32, poisoned, readF32, readI32, run, seeded, SIZES_1D, sumTolerance, expectClose, testDevice, SHAPES_2D, type TestTl } from './helpers.js';

// A local binding: vitest rewrites references to imports (tl becomes
// __vite_ssr_import_1__.tl), which would reach the kernel source text.
const tl = tlImport as TestTl;

const CONFIGS = [
  [128, undefined],
  [16, 64],
  [1024, 256],
] as const;

const forms = kernel(
  function forms(x, out, n, BLOCK) {
    const pid = tl.programId(0);
    const offs = pid * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    const sparse = mask && offs % 3 != 0;
    tl.store(out + offs, tl.load(x + offs, mask), mask); // positional, no other: 0
    tl.store(out + n + offs, tl.load(x + offs, sparse, -1.0), mask); // positional other
    tl.store(out + 2 * n + offs, tl.load(x + offs, { mask: sparse }), { mask }); // options, no other: 0
    tl.store(out + 3 * n + offs, tl.load(x + offs, { mask: sparse, other: tl.cast(offs, tl.float32) }), { mask }); // tile other
    tl.store(out + 4 * n + offs, tl.load(x + offs, { other: 5, mask: sparse }), mask);
    tl.store(out + 5 * n + offs, tl.load(x + offs, { mask }) + 1.0, mask && offs % 2 == 0); // odd ones stay poisoned
    // Scalar pointers: one element per program.
    const first = tl.load(x + pid * BLOCK, pid * BLOCK < n, 9.0);
    tl.store(out + 6 * n + pid, first, pid * BLOCK < n);
    tl.store(out + 6 * n + tl.numPrograms(0) + pid, tl.load(x + tl.minimum(pid * BLOCK, n - 1)));
  },
  { constexprs: ['BLOCK'] },
);

const gather = kernel(
  function gather(x, idx, out, n, BLOCK) {
    const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    const j = tl.load(idx + offs, { mask, other: 0 });
    tl.store(out + j, tl.load(x + j, { mask }) * 2, { mask }); // gather, then scatter through a permutation
    tl.store(out + n + offs, tl.load(x + tl.cast(j, tl.uint32), { mask }), { mask }); // u32 offsets
    // Pointers reassigned: in a loop, a parameter, and pointer - int.
    let p = x;
    for (let k = 0; k < 3; k++) p = p + 1;
    x += 1;
    const q = out + 2 * n;
    tl.store(q + offs, tl.load(p + offs - 3, { mask }) + tl.load(x - 1 + offs, { mask }), { mask });
  },
  { constexprs: ['BLOCK'] },
);

const guarded = kernel(
  function guarded(x, out, sums, n, BLOCK) {
    const pid = tl.programId(0);
    const offs = pid * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    const v = tl.load(x + offs, { mask, other: 0 });
    tl.store(out + offs, v * 2 + 1, { mask });
    tl.store(sums + pid, tl.sum(v, 0));
  },
  { constexprs: ['BLOCK'] },
);

const guarded2D = kernel(
  function guarded2D(x, out, R, C, stride, BM, BN) {
    const rows = tl.programId(0) * BM + tl.arange(0, BM);
    const cols = tl.programId(1) * BN + tl.arange(0, BN);
    const mask = tl.expandDims(rows < R, 1) && tl.expandDims(cols < C, 0);
    const offs = tl.expandDims(rows, 1) * stride + tl.expandDims(cols, 0);
    const v = tl.load(x + offs, { mask, other: -1 });
    tl.store(out + offs, v + 1, { mask });
  },
  { constexprs: ['BM', 'BN'] },
);

/** A view of `len` elements with `guard` canaries on both sides, in a tensor filled with `canary`. */
function guardedView(device: TesseraDevice, dtype: 'f32' | 'i32', len: number, canary: number): { whole: Tensor; view: Tensor; offset: number } {
  // The view's byte offset must be a multiple of minStorageBufferOffsetAlignment;
  // 256 bytes also suits real GPUs.
  const align = Math.max(device.limits.minStorageBufferOffsetAlignment, 256) / 4;
  const offset = 3 * align;
  const whole = device.empty(dtype, offset + len + 2 * align);
  whole.fill(canary);
  return { whole, view: whole.view(offset, len), offset };
}

describe('tl.load / tl.store', () => {
  for (const [BLOCK, invocations] of CONFIGS) {
    const opts = invocations ? { invocations } : {};
    const tag = `(BLOCK=${BLOCK}, invocations=${invocations ?? 'default'})`;

    it(`mask and other: positional and options forms, scalar pointers ${tag}`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const n of SIZES_1D) {
        const x = rng.f32(n, -4, 4);
        const grid = cdiv(n, BLOCK);
        const out = poisoned(device, 'f32', 6 * n + 2 * grid);
        await run(forms, grid, [device.tensor(x), out, n, BLOCK], opts);
        const got = await readF32(out);
        const X = Array.from(x);
        const sparse = (i: number): boolean => i % 3 !== 0;
        const at = (k: number): Float32Array => got.subarray(k * n, (k + 1) * n);
        expectExact(`load(p, mask) n=${n}`, at(0), X, rng);
        expectExact(`load(p, sparse, -1.0) n=${n}`, at(1), X.map((v, i) => (sparse(i) ? v : -1)), rng);
        expectExact(`load(p, { mask: sparse }) n=${n}`, at(2), X.map((v, i) => (sparse(i) ? v : 0)), rng);
        expectExact(`load(p, { other: tile }) n=${n}`, at(3), X.map((v, i) => (sparse(i) ? v : i)), rng);
        expectExact(`load(p, { other: 5, mask }) n=${n}`, at(4), X.map((v, i) => (sparse(i) ? v : 5)), rng);
        expectExact(`store with a sparse mask n=${n}`, at(5), X.map((v, i) => (i % 2 === 0 ? f32(v + 1) : NaN)), rng);
        const scalars = got.subarray(6 * n);
        const firsts = Array.from({ length: grid }, (_, p) => X[p * BLOCK] ?? NaN);
        expectExact(`scalar masked load/store n=${n}`, scalars.subarray(0, grid), firsts, rng);
        expectExact(`scalar unmasked load/store n=${n}`, scalars.subarray(grid), firsts, rng);
      }
    });

    it(`masked loads and stores leave canaries in and around sub-views untouched ${tag}`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const n of SIZES_1D) {
        for (const dtype of ['f32', 'i32'] as const) {
          const canary = dtype === 'f32' ? f32(1e30) : 0x7eadbeef;
          const tail = 3 * BLOCK; // canaries inside the views, after the n valid elements
          const grid = cdiv(n, BLOCK) + 1; // one whole program past the end: all lanes masked off
          const input = guardedView(device, dtype, n + tail, canary);
          const data = dtype === 'f32' ? rng.f32(n, -8, 8) : rng.i32(n, -1000, 1000);
          input.view.write(data);
          const output = guardedView(device, dtype, n + tail, canary);
          const sums = poisoned(device, dtype, grid);
          await run(guarded, grid, [input.view, output.view, sums, n, BLOCK], opts);

          const whole = dtype === 'f32' ? await readF32(output.whole) : await readI32(output.whole);
          const expected = Array.from(whole, () => canary);
          data.forEach((v, i) => (expected[output.offset + i] = dtype === 'f32' ? f32(v * 2 + 1) : v * 2 + 1));
          expectExact(`${dtype} output view and its canaries n=${n}`, whole, expected, rng);
          const inputAfter = dtype === 'f32' ? await readF32(input.whole) : await readI32(input.whole);
          expect(inputAfter.every((v, i) => (i >= input.offset && i < input.offset + n ? v === data[i - input.offset] : v === canary))).toBe(true);
          // A masked-off lane that read a canary would show in its program's sum.
          const refSums = Array.from({ length: grid }, (_, p) => {
            let s = 0;
            for (let i = p * BLOCK; i < Math.min(n, (p + 1) * BLOCK); i++) s += data[i] ?? 0;
            return s;
          });
          const gotSums = dtype === 'f32' ? await readF32(sums) : await readI32(sums);
          if (dtype === 'f32') expectClose(`f32 per-program sums n=${n}`, gotSums, refSums, sumTolerance(BLOCK, 8), rng);
          else expectExact(`i32 per-program sums n=${n}`, gotSums, refSums, rng);
          input.whole.destroy();
          output.whole.destroy();
        }
      }
    });
  }

  it('gather and scatter through loaded indices, u32 offsets, reassigned pointers', async () => {
    const device = await testDevice();
    const rng = seeded();
    for (const n of SIZES_1D) {
      // A random permutation: the scatter writes every element exactly once.
      const perm = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const k = rng.int(0, i);
        [perm[i], perm[k]] = [perm[k] ?? 0, perm[i] ?? 0];
      }
      const x = rng.f32(n, -4, 4);
      const out = poisoned(device, 'f32', 3 * n);
      await run(gather, cdiv(n, 128), [device.tensor(x), device.tensor(perm), out, n, 128]);
      const got = await readF32(out);
      const scattered = new Array<number>(n).fill(NaN);
      perm.forEach((j) => (scattered[j] = f32((x[j] ?? NaN) * 2)));
      expectExact(`scatter of a gather n=${n}`, got.subarray(0, n), scattered, rng);
      expectExact(`u32 offsets n=${n}`, got.subarray(n, 2 * n), Array.from(perm, (j) => x[j] ?? NaN), rng);
      expectExact(`reassigned pointers n=${n}`, got.subarray(2 * n), Array.from(x, (v) => f32(v + v)), rng);
    }
  });

  for (const [BM, BN, invocations] of [
    [16, 64, undefined],
    [8, 8, 128],
    [1, 256, 64],
  ] as const) {
    it(`2D masked tiles on a strided sub-view keep canaries (BM=${BM}, BN=${BN}, invocations=${invocations ?? 'default'})`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const [R, C] of SHAPES_2D) {
        const stride = C + 5; // 5 canary columns per row inside the view
        const len = R * stride + 2 * BN;
        const canary = f32(1e30);
        const input = guardedView(device, 'f32', len, canary);
        const x = rng.f32(R * stride, -3, 3);
        input.view.write(x);
        const output = guardedView(device, 'f32', len, canary);
        await run(guarded2D, [cdiv(R, BM) + 1, cdiv(C, BN) + 1], [input.view, output.view, R, C, stride, BM, BN], invocations ? { invocations } : {});
        const whole = await readF32(output.whole);
        const expected = Array.from(whole, () => canary);
        for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) expected[output.offset + r * stride + c] = f32((x[r * stride + c] ?? 0) + 1);
        expectExact(`2D view ${R}x${C} and its canaries`, whole, expected, rng);
        input.whole.destroy();
        output.whole.destroy();
      }
    });
  }
});
