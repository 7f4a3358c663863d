// Forms TypeScript cannot type-check on `number`, compiled from a source
// string: tile methods (.to, .sum, .max, .min, .argmax, .argmin, .expandDims,
// .broadcastTo, .reshape) and arithmetic on masks (bool + bool, ^, unary -).
// Then scalar (rank-0) values: f32 and u32 scalar parameters declared with
// `types` (a whole number passed as f32), math on runtime scalars, i32 / u32
// promotion between scalars, and a scalar stored through a tile pointer.

import { describe, it } from 'vitest';
import { kernel, tl as tlImport } from '../../index.js';
import { cdiv, expectClose, expectExact, f32, poisoned, readF32, readI32, readU32, run, seeded, SIZES_1D, testDevice, TOL, type TestTl } from './helpers.js';

// A local binding: vitest rewrites references to imports (tl becomes
// __vite_ssr_import_1__.tl), which would reach the kernel source text.
const tl = tlImport as TestTl;

const methods = kernel(`function methods(x, xi, out, outI, n, BLOCK) {
  const pid = tl.programId(0);
  const np = tl.numPrograms(0);
  const offs = pid * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
  const v = tl.load(x + offs, mask, -1);
  const k = tl.load(xi + offs, mask, 0);
  tl.store(out + offs, k.to(tl.float32) * 0.5, mask);
  tl.store(outI + offs, (v > 0) + (k > 0), mask);
  tl.store(outI + n + offs, (v > 0) ^ (k > 0), mask);
  tl.store(outI + 2 * n + offs, -(v > 0), mask);
  tl.store(outI + 3 * n + offs, v.to(tl.int32), mask);
  const w = v.expandDims(1).broadcastTo([BLOCK, 2]).reshape([2 * BLOCK]);
  const wo = pid * 2 * BLOCK + tl.arange(0, 2 * BLOCK);
  tl.store(out + n + wo, w, wo < 2 * n);
  const hi = tl.where(mask, v, -Infinity);
  const lo = tl.where(mask, v, Infinity);
  tl.store(out + 3 * n + pid, tl.where(mask, v, 0).sum(0));
  tl.store(out + 3 * n + np + pid, hi.max());
  tl.store(out + 3 * n + 2 * np + pid, lo.min(0));
  tl.store(outI + 4 * n + pid, hi.argmax(0));
  tl.store(outI + 4 * n + np + pid, lo.argmin());
}`, { constexprs: ['BLOCK'] });

const scalars = kernel(
  function scalars(out, outI, outU, alpha, u, k, n) {
    tl.store(out, tl.exp(alpha));
    tl.store(out + 1, tl.sqrt(alpha) * 2);
    tl.store(out + 2, alpha / 3);
    tl.store(out + 3, tl.where(k > 0, alpha, -alpha));
    tl.store(out + 4, tl.sigmoid(-alpha) + tl.cast(k, tl.float32));
    tl.store(out + 5, tl.maximum(alpha, tl.cast(k, tl.float32)));
    tl.store(outI, k % 3);
    tl.store(outI + 1, k / 3);
    tl.store(outI + 2, tl.abs(k));
    tl.store(outI + 3, ~k);
    tl.store(outI + 4, k >> 1);
    tl.store(outI + 5, k >>> 28);
    tl.store(outU, u + 1);
    tl.store(outU + 1, -u);
    tl.store(outU + 2, u / 7);
    tl.store(outU + 3, k < u); // i32 vs u32 compares unsigned
    tl.store(outU + 4, k + u); // i32 + u32 -> u32
    tl.store(outU + 5, tl.cdiv(u, 7));
    // A scalar stored through a tile pointer, masked.
    const offs = tl.arange(0, 16);
    tl.store(out + 6 + offs, alpha, offs < n);
  },
  { types: { alpha: 'f32', u: 'u32' } },
);

describe('tile methods and mask arithmetic (source string)', () => {
  for (const [BLOCK, invocations] of [
    [128, undefined],
    [16, 64],
  ] as const) {
    it(`.to .sum .max .min .argmax .argmin .expandDims .broadcastTo .reshape, bool + bool, ^, -mask (BLOCK=${BLOCK}, invocations=${invocations ?? 'default'})`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const n of SIZES_1D) {
        const x = Float32Array.from({ length: n }, () => rng.int(-8, 8) / 2);
        const xi = rng.i32(n, -3, 3);
        const np = cdiv(n, BLOCK);
        const out = poisoned(device, 'f32', 3 * n + 3 * np);
        const outI = poisoned(device, 'i32', 4 * n + 2 * np);
        await run(methods, np, [device.tensor(x), device.tensor(xi), out, outI, n, BLOCK], invocations ? { invocations } : {});
        const gf = await readF32(out);
        const gi = await readI32(outI);
        const X = Array.from(x);
        const K = (i: number): number => xi[i] ?? NaN;
        const b = (c: boolean): number => (c ? 1 : 0);
        const label = `n=${n}`;
        expectExact(`k.to(float32) * 0.5 ${label}`, gf.subarray(0, n), X.map((_, i) => K(i) * 0.5), rng);
        expectExact(`w = v.expandDims(1).broadcastTo([B, 2]).reshape([2B]) ${label}`, gf.subarray(n, 3 * n), Array.from({ length: 2 * n }, (_, j) => X[j >> 1] ?? NaN), rng);
        expectExact(`bool + bool ${label}`, gi.subarray(0, n), X.map((v, i) => b(v > 0) + b(K(i) > 0)), rng);
        expectExact(`mask ^ mask ${label}`, gi.subarray(n, 2 * n), X.map((v, i) => b(v > 0 !== K(i) > 0)), rng);
        expectExact(`-mask ${label}`, gi.subarray(2 * n, 3 * n), X.map((v) => -b(v > 0)), rng);
        expectExact(`v.to(int32) ${label}`, gi.subarray(3 * n, 4 * n), X.map(Math.trunc), rng);
        const blocks = Array.from({ length: np }, (_, p) => X.slice(p * BLOCK, Math.min(n, (p + 1) * BLOCK)));
        const sec = (k: number): Float32Array => gf.subarray(3 * n + k * np, 3 * n + (k + 1) * np);
        expectExact(`.sum(0) ${label}`, sec(0), blocks.map((bl) => bl.reduce((s, v) => s + v, 0)), rng);
        expectExact(`.max() ${label}`, sec(1), blocks.map((bl) => Math.max(...bl)), rng);
        expectExact(`.min(0) ${label}`, sec(2), blocks.map((bl) => Math.min(...bl)), rng);
        expectExact(`.argmax(0) ${label}`, gi.subarray(4 * n, 4 * n + np), blocks.map((bl) => bl.indexOf(Math.max(...bl))), rng);
        expectExact(`.argmin() ${label}`, gi.subarray(4 * n + np), blocks.map((bl) => bl.indexOf(Math.min(...bl))), rng);
      }
    });
  }
});

describe('scalar values', () => {
  it('f32 / u32 scalar parameters (types option), math and promotion on rank-0 values, scalar stores', async () => {
    const device = await testDevice();
    const rng = seeded();
    for (let trial = 0; trial < 4; trial++) {
      const alpha = trial === 0 ? 2 : rng.int(1, 400) / 8; // a whole number declared f32 stays f32
      const u = trial === 1 ? 0xfffffff0 : rng.int(0, 100000);
      const k = trial === 2 ? -2147483647 : rng.int(-1000, 1000);
      const n = rng.int(0, 16);
      const out = poisoned(device, 'f32', 22);
      const outI = poisoned(device, 'i32', 6);
      const outU = poisoned(device, 'u32', 6);
      await run(scalars, 1, [out, outI, outU, alpha, u, k, n]);
      const gf = await readF32(out);
      const label = `alpha=${alpha} u=${u} k=${k}`;
      const fa = f32(alpha);
      expectClose(`f32 scalar math ${label}`, gf.subarray(0, 6), [Math.exp(fa), f32(Math.sqrt(fa) * 2), fa / 3, k > 0 ? fa : -fa, f32(1 / (1 + Math.exp(fa)) + f32(k)), Math.max(fa, f32(k))], TOL.f32Transcendental, rng);
      expectExact(`scalar stored through a tile pointer ${label} n=${n}`, gf.subarray(6), Array.from({ length: 16 }, (_, i) => (i < n ? fa : NaN)), rng);
      expectExact(`i32 scalar math ${label}`, await readI32(outI), [k % 3, Math.trunc(k / 3), Math.abs(k), ~k, k >> 1, (k >>> 28) | 0], rng);
      const ku = k >>> 0;
      expectExact(`u32 scalar math ${label}`, await readU32(outU), [(u + 1) >>> 0, -u >>> 0, Math.floor(u / 7), ku < u ? 1 : 0, (ku + u) >>> 0, Math.ceil(u / 7)], rng);
    }
  });
});
