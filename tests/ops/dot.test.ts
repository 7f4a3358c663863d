// tl.dot on the device, under both lowering strategies ('workgroup':
// operands staged in workgroup memory; 'registers': each invocation loads its
// rows and columns straight from global memory), against float64 references:
// - the matmul tutorial (examples/matmul.ts: a loop over K with loop-carried
//   pointer tiles and accumulator, grouped ordering, masks) on shapes no block
//   divides, with row-major, transposed (column-major) and padded (strided)
//   operands, with and without the fused leaky ReLU;
// - single-tile dots: without an accumulator, with one (positional and as an
//   option), the method form a.dot(b), operands computed from loads (which
//   tiling must move into the dot's operand layouts), two dots in a row, and
//   a dot whose result is reduced.
// Outputs are poisoned (NaN) with guard elements past the end.
// Tolerance: |err| <= K * 2^-22 (f32 sums of K products of values in [-1, 1)).

import { describe, expect, it } from 'vitest';
import { compileFunction, kernel, printKernel, type DotStrategy } from '../../index.js';
import * as matmul from '../../examples/matmul.js';
import { expectClose, expectValidWgsl, poisoned, readF32, seeded, testDevice } from './helpers.js';


const strategies: readonly DotStrategy[] = ['workgroup', 'registers'];

/** Small blocks keep the software driver's JIT fast; each config still loops over K. */
const config = (dotStrategy: DotStrategy, bm = 32, bn = 32, bk = 8, invocations = 64): matmul.MatmulConfig => ({
  BLOCK_SIZE_M: bm,
  BLOCK_SIZE_N: bn,
  BLOCK_SIZE_K: bk,
  GROUP_SIZE_M: 4,
  invocations,
  dotStrategy,
});

describe.each(strategies)('matmul tutorial, dotStrategy %s', (strategy) => {
  it.each([
    [1, 1, 1, 'row', 'row', false],
    [127, 255, 65, 'row', 'row', false],
    [300, 200, 513, 'row', 'row', true],
    [64, 64, 64, 'row', 'row', false],
    [33, 17, 100, 'col', 'row', false],
    [70, 45, 31, 'row', 'col', true],
    [50, 90, 77, 'padded', 'padded', false],
    [129, 3, 5, 'col', 'padded', true],
  ] as const)('%i x %i x %i (A %s, B %s, leaky ReLU %s)', async (m, n, k, aLayout, bLayout, activation) => {
    const r = await matmul.run(await testDevice(), { m, n, k, aLayout, bLayout, activation, config: config(strategy) });
    expect(r.maxAbsErr, `max abs error ${r.maxAbsErr} > ${r.tolerance}`).toBeLessThanOrEqual(r.tolerance);
  });

  it('other block shapes: 16 x 64 x 16 on 128 invocations, 64 x 16 x 4 on 64', async () => {
    const device = await testDevice();
    for (const c of [config(strategy, 16, 64, 16, 128), config(strategy, 64, 16, 4, 64)]) {
      const r = await matmul.run(device, { m: 100, n: 70, k: 45, config: c });
      expect(r.maxAbsErr, JSON.stringify(c)).toBeLessThanOrEqual(r.tolerance);
    }
  });
});

// One tile of A [M,K] and B [K,N] (row-major, masked), several products of them.
// A source string: the method form a.dot(b) does not type-check on `number` tiles.
const singleTile = kernel(
  `function single_tile(a, b, c, acc_in, M, N, K, FORM, BM, BN, BK) {
    const rm = tl.arange(0, BM);
    const rn = tl.arange(0, BN);
    const rk = tl.arange(0, BK);
    const av = tl.load(a + tl.expandDims(rm, 1) * K + tl.expandDims(rk, 0), { mask: tl.expandDims(rm < M, 1) && tl.expandDims(rk < K, 0), other: 0 });
    const bv = tl.load(b + tl.expandDims(rk, 1) * N + tl.expandDims(rn, 0), { mask: tl.expandDims(rk < K, 1) && tl.expandDims(rn < N, 0), other: 0 });
    const cOffs = tl.expandDims(rm, 1) * N + tl.expandDims(rn, 0);
    const cMask = tl.expandDims(rm < M, 1) && tl.expandDims(rn < N, 0);
    const accv = tl.load(acc_in + cOffs, { mask: cMask, other: 0 });
    let out = tl.zeros([BM, BN], tl.float32);
    if (FORM == 0) out = tl.dot(av, bv);
    if (FORM == 1) out = tl.dot(av, bv, accv);
    if (FORM == 2) out = tl.dot(av, bv, { acc: accv, allowTf32: false, outDtype: tl.float32 });
    if (FORM == 3) out = av.dot(bv, accv);
    // Computed operands: 2a and b - 1 (a layout tiling must produce for the dot).
    if (FORM == 4) out = tl.dot(av * 2, bv - 1, accv);
    // Two dots in a row: (a b) + (a b) + acc.
    if (FORM == 5) out = tl.dot(av, bv, tl.dot(av, bv, accv));
    if (FORM == 6) out = tl.dot(av, bv);
    tl.store(c + cOffs, out, { mask: cMask });
    // Row sums of the product, through a reduction, after the product.
    if (FORM == 6) tl.store(c + M * N + rm, tl.sum(tl.dot(av, bv), 1), { mask: rm < M });
  }`,
  { constexprs: ['FORM', 'BM', 'BN', 'BK'] },
);

function product(a: Float32Array, b: Float32Array, m: number, n: number, k: number, f: (x: number) => number = (x) => x, g: (x: number) => number = (x) => x): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let kk = 0; kk < k; kk++) s += f(a[i * k + kk] ?? NaN) * g(b[kk * n + j] ?? NaN);
    out[i * n + j] = s;
  }
  return out;
}

describe.each(strategies)('single-tile tl.dot forms, dotStrategy %s', (strategy) => {
  const forms = [
    [0, 'tl.dot(a, b)'],
    [1, 'tl.dot(a, b, acc)'],
    [2, 'tl.dot(a, b, { acc, allowTf32, outDtype })'],
    [3, 'a.dot(b, acc)'],
    [4, 'tl.dot(2a, b - 1, acc)'],
    [5, 'tl.dot(a, b, tl.dot(a, b, acc))'],
    [6, 'tl.sum(tl.dot(a, b), 1)'],
  ] as const;
  // Every form on one awkward shape; the degenerate shapes on form 1 only
  // (each form and shape is its own specialization: a JIT compile each).
  const shapes = (form: number) =>
    [
      [13, 29, 7, 16, 32, 8],
      ...(form === 1 ? [[1, 1, 1, 1, 1, 1], [2, 64, 3, 2, 64, 4]] : []),
    ] as const;
  it.each(forms)('form %i: %s', async (form) => {
    const device = await testDevice();
    const rng = seeded();
    for (const [m, n, k, bm, bn, bk] of shapes(form)) {
      const a = rng.f32(m * k);
      const b = rng.f32(k * n);
      const acc = rng.f32(m * n);
      const c = poisoned(device, 'f32', m * n + m + 4);
      const args = { a: device.tensor(a), b: device.tensor(b), c, acc_in: device.tensor(acc), M: m, N: n, K: k, FORM: form, BM: bm, BN: bn, BK: bk };
      const launch = { invocations: 32, dotStrategy: strategy } as const;
      await expectValidWgsl(device, singleTile.compile(args, { device, verify: true, ...launch }));
      await singleTile.launch(1, args, { device, wait: true, ...launch });
      let expected: Float64Array;
      if (form === 4) expected = product(a, b, m, n, k, (x) => Math.fround(2 * x), (x) => Math.fround(x - 1));
      else expected = product(a, b, m, n, k);
      const withAcc = form !== 0 && form !== 6;
      if (withAcc) expected = expected.map((v, i) => v + (acc[i] ?? NaN));
      if (form === 5) expected = expected.map((v, i) => v + (expected[i] ?? NaN) - (acc[i] ?? NaN));
      const full = new Float64Array(m * n + m + 4).fill(NaN);
      full.set(expected);
      if (form === 6) {
        for (let i = 0; i < m; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += expected[i * n + j] ?? NaN;
          full[m * n + i] = s;
        }
      }
      const tol = { rel: 0, abs: Math.max(1, 2 * k * (form === 6 ? n : 1)) * 2 ** -21 };
      expectClose(`form ${form} ${m}x${n}x${k}`, await readF32(c), full, tol, rng);
      [args.a, args.b, args.acc_in, c].forEach((t) => t.destroy());
    }
  });
});

describe('dot strategies lower differently', () => {
  it("'registers' uses no workgroup memory and no barriers; 'workgroup' stages both operands", async () => {
    const device = await testDevice();
    const f32 = { role: 'buffer', dtype: 'f32' } as const;
    const i32 = { role: 'scalar', dtype: 'i32' } as const;
    const c = (value: number) => ({ role: 'constexpr', value }) as const;
    // matmul_kernel(3 x *f32, 9 x i32, BM=32, BN=32, BK=8, GROUP_SIZE_M=4, ACTIVATION=0)
    const specs = [f32, f32, f32, ...Array.from({ length: 9 }, () => i32), c(32), c(32), c(8), c(4), c(0)];
    const k = matmul.matmulKernel;
    const reg = compileFunction(k.fn, k.source, specs, { dotStrategy: 'registers', invocations: 64, verify: true });
    const wg = compileFunction(k.fn, k.source, specs, { dotStrategy: 'workgroup', invocations: 64, verify: true });
    expect(reg.wgsl).not.toContain('workgroupBarrier');
    expect(reg.wgsl).not.toContain('var<workgroup>');
    expect(reg.manifest.workgroupStorageBytes).toBe(0);
    expect(wg.manifest.workgroupStorageBytes).toBe((32 * 8 + 8 * 32) * 4);
    expect(wg.wgsl.match(/workgroupBarrier/g)?.length).toBe(2);
    // Neither needs a layout conversion (a scratch round trip) around the dot.
    expect(printKernel(reg.ir)).not.toContain('convertLayout');
    expect(printKernel(wg.ir)).not.toContain('convertLayout');
    await expectValidWgsl(device, reg);
    await expectValidWgsl(device, wg);
  });
});

const square = kernel(
  `function square(x, out, n, B) {
    const r = tl.arange(0, B);
    const offs = tl.expandDims(r, 1) * n + tl.expandDims(r, 0);
    const mask = tl.expandDims(r < n, 1) && tl.expandDims(r < n, 0);
    const v = tl.load(x + offs, { mask, other: 0 });
    tl.store(out + offs, tl.dot(v, v), { mask });
  }`,
  { constexprs: ['B'] },
);

describe.each(strategies)('one tile as both operands (x x x), dotStrategy %s', (strategy) => {
  it('x is needed in the layouts of a and of b at once', async () => {
    const device = await testDevice();
    const rng = seeded();
    const n = 11;
    const x = rng.f32(n * n);
    const out = poisoned(device, 'f32', n * n + 4);
    const args = { x: device.tensor(x), out, n, B: 16 };
    await expectValidWgsl(device, square.compile(args, { device, verify: true, invocations: 32, dotStrategy: strategy }));
    await square.launch(1, args, { device, wait: true, invocations: 32, dotStrategy: strategy });
    const expected = new Float64Array(n * n + 4).fill(NaN);
    expected.set(product(x, x, n, n, n));
    expectClose('x x x', await readF32(out), expected, { rel: 0, abs: n * 2 ** -21 }, rng);
  });
});
