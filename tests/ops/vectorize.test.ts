// Coalescing and vectorization on the device: vec4 loads and stores where
// axis-info proves contiguity and alignment, scalar accesses where it does
// not (a runtime offset that is not a multiple of 4, a row stride of odd
// length), per-lane accesses at a tile's ragged edge, buffers whose length is
// not a multiple of 4, and views into a larger buffer whose neighbours must
// stay untouched. Every result is checked against a plain TypeScript copy on
// poisoned outputs.

import { describe, expect, it } from 'vitest';
import { kernel, tl as tlImport } from '../../index.js';
import { cdiv, expectExact, poisoned, readF32, run, seeded, testDevice, vec4Reads, type TestTl } from './helpers.js';

const tl = tlImport as TestTl;

/** out[i] = x[off + i] * 2 + 1 for i < n. */
const shifted = kernel(
  function shifted(x, out, off, n, BLOCK) {
    const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    const v = tl.load(x + off + offs, { mask, other: 0 });
    tl.store(out + offs, v * 2 + 1, { mask });
  },
  { constexprs: ['BLOCK'] },
);

/** A 2D copy with row strides: out[r, c] = x[r * sx + c] for r < R, c < C. */
const rows = kernel(
  function rows(x, out, R, C, sx, so, BM, BN) {
    const r = tl.programId(0) * BM + tl.arange(0, BM);
    const c = tl.programId(1) * BN + tl.arange(0, BN);
    const mask = tl.expandDims(r < R, 1) && tl.expandDims(c < C, 0);
    const v = tl.load(x + tl.expandDims(r, 1) * sx + tl.expandDims(c, 0), { mask, other: 0 });
    tl.store(out + tl.expandDims(r, 1) * so + tl.expandDims(c, 0), v, { mask });
  },
  { constexprs: ['BM', 'BN'] },
);

const VEC_STORE = /b1\[u32\([^)]*\) >> 2u\] = vec4<f32>\(/;

describe('vectorized memory access', () => {
  for (const off of [0, 1, 2, 3, 16, 17]) {
    it(`loads at a runtime offset of ${off} elements: vec4 only when the offset is known aligned`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const n of [1, 5, 1000, 4097]) {
        const data = rng.f32(n + off + 3, -1, 1);
        const x = device.tensor(data);
        const out = poisoned(device, 'f32', n);
        const BLOCK = 256;
        const compiled = await run(shifted, cdiv(n, BLOCK), [x, out, off, n, BLOCK]);
        // off = 0 or 16 is specialized as a multiple of 16: loads of x + off + offs are aligned.
        if (off % 16 === 0) expect(vec4Reads(compiled.wgsl, 0)).toBeGreaterThan(0);
        else expect(vec4Reads(compiled.wgsl, 0)).toBe(0);
        // The output is always x-independent: out + offs is aligned.
        expect(compiled.wgsl).toMatch(VEC_STORE);
        const expected = Array.from({ length: n }, (_, i) => Math.fround(Math.fround((data[off + i] ?? NaN) * 2) + 1));
        expectExact(`off=${off} n=${n}`, await readF32(out), expected, rng);
        x.destroy();
        out.destroy();
      }
    });
  }

  it('gives the same results with coalescing off (one element per invocation, scalar accesses)', async () => {
    const device = await testDevice();
    const rng = seeded();
    const n = 3001;
    const data = rng.f32(n, -1, 1);
    const x = device.tensor(data);
    const out = poisoned(device, 'f32', n);
    const compiled = await run(shifted, cdiv(n, 512), [x, out, 0, n, 512], { coalesce: false });
    expect(compiled.wgsl).not.toContain('vec4');
    expect(compiled.manifest.specializationKey).toContain('[uncoalesced]');
    expectExact('uncoalesced', await readF32(out), Array.from(data, (v) => Math.fround(Math.fround(v * 2) + 1)), rng);
  });

  it('writes through views of a larger buffer without touching the neighbours, at odd lengths', async () => {
    const device = await testDevice();
    const rng = seeded();
    // Views start at a multiple of minStorageBufferOffsetAlignment (a binding's
    // offset must be); their lengths are odd, so the vec4 binding is rounded up.
    const stride = device.limits.minStorageBufferOffsetAlignment / 4;
    for (const n of [1, 3, 7, 1001]) {
      const data = rng.f32(n, -1, 1);
      const big = poisoned(device, 'f32', 3 * stride + n + 8);
      const xs = device.tensor(rng.f32(2 * stride + n, -1, 1));
      xs.write(data, stride);
      const out = big.view(2 * stride, n);
      const compiled = await run(shifted, cdiv(n, 64), [xs.view(stride, n), out, 0, n, 64]);
      expect(compiled.manifest.buffers.every((b) => b.vectorWidth === 4)).toBe(true);
      const all = await readF32(big);
      const expected = Array.from(data, (v) => Math.fround(Math.fround(v * 2) + 1));
      expectExact(`view n=${n}`, all.subarray(2 * stride, 2 * stride + n), expected, rng);
      // Everything around the view is still poison (NaN).
      expect(Array.from(all.subarray(0, 2 * stride)).every(Number.isNaN)).toBe(true);
      expect(Array.from(all.subarray(2 * stride + n)).every(Number.isNaN)).toBe(true);
      big.destroy();
      xs.destroy();
    }
  });

  for (const [sx, so] of [
    [64, 64],
    [67, 64],
    [64, 61],
    [1000, 1003],
  ] as const) {
    it(`copies 2D tiles with row strides ${sx} (in) and ${so} (out): vec4 per row only for strides known aligned`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const [R, C] of [
        [37, 61],
        [5, 64],
      ] as const) {
        if (C > Math.min(sx, so)) continue;
        const data = rng.f32(R * sx, -1, 1);
        const out = poisoned(device, 'f32', R * so);
        const [BM, BN] = [8, 32];
        const compiled = await run(rows, [cdiv(R, BM), cdiv(C, BN)], [device.tensor(data), out, R, C, sx, so, BM, BN]);
        if (sx % 16 === 0) expect(vec4Reads(compiled.wgsl, 0)).toBeGreaterThan(0);
        else expect(vec4Reads(compiled.wgsl, 0)).toBe(0);
        if (so % 16 === 0) expect(compiled.wgsl).toMatch(VEC_STORE);
        else expect(compiled.wgsl).not.toMatch(VEC_STORE);
        const got = await readF32(out);
        const expected = Array.from({ length: R * so }, (_, i) => {
          const [r, c] = [Math.floor(i / so), i % so];
          return c < C ? (data[r * sx + c] ?? NaN) : NaN;
        });
        expectExact(`${R}x${C}`, got, expected, rng);
      }
    });
  }
  it('keeps a foreign buffer whose size is not a multiple of 16 bytes scalar (a vec4 view would cut off its tail)', async () => {
    const device = await testDevice();
    const rng = seeded();
    for (const n of [3001, 5, 4097]) {
      const data = rng.f32(n, -1, 1);
      const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      // Exactly n * 4 bytes, as another library (or a plain app) would allocate them.
      const xBuffer = device.gpu.createBuffer({ size: n * 4, usage });
      const outBuffer = device.gpu.createBuffer({ size: n * 4, usage });
      device.gpu.queue.writeBuffer(xBuffer, 0, Float32Array.from(data));
      device.gpu.queue.writeBuffer(outBuffer, 0, new Float32Array(n).fill(NaN));
      const x = device.wrapBuffer(xBuffer, { dtype: 'f32', length: n });
      const out = device.wrapBuffer(outBuffer, { dtype: 'f32', length: n });
      const compiled = await run(shifted, cdiv(n, 256), [x, out, 0, n, 256]);
      expect(compiled.manifest.specializationKey).toContain('x:*f32%16!vec');
      expect(vec4Reads(compiled.wgsl, 0)).toBe(0);
      expect(compiled.wgsl).not.toMatch(VEC_STORE);
      const expected = Array.from(data, (v) => Math.fround(Math.fround(v * 2) + 1));
      expectExact(`n=${n}`, await readF32(out), expected, rng);
      xBuffer.destroy();
      outBuffer.destroy();
    }
  });
});
