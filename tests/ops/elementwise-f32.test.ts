// f32 elementwise ops on the device against float64 references: arithmetic,
// unary minus, comparisons, maximum/minimum/fma and every math function, at
// n = 1, 1000, 4097 with blocks that do not divide n, several workgroup sizes
// (including a tile smaller than the workgroup: replicas).

import { describe, it } from 'vitest';
import { kernel, tl as tlImport } from '../../index.js';
import { cdiv, expectClose, expectExact, f32, poisoned, readF32, readI32, run, seeded, SIZES_1D, testDevice, TOL, type Tolerance, type TestTl } from './helpers.js';

/** [BLOCK, invocations]: many elements per invocation, one each, replicas (16 on 64). */
// A local binding: vitest rewrites references to imports (tl becomes
// __vite_ssr_import_1__.tl), which would reach the kernel source text.
const tl = tlImport as TestTl;

const CONFIGS = [
  [1024, undefined],
  [256, 32],
  [16, 64],
] as const;

const unaryF32 = kernel(
  function unaryF32(x, out, n, BLOCK) {
    const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    const v = tl.load(x + offs, { mask, other: 0.0 });
    const p = tl.abs(v) + 0.5; // positive, for log / sqrt
    tl.store(out + offs, tl.exp(v), { mask });
    tl.store(out + n + offs, tl.exp2(v), { mask });
    tl.store(out + 2 * n + offs, tl.log(p), { mask });
    tl.store(out + 3 * n + offs, tl.log2(p), { mask });
    tl.store(out + 4 * n + offs, tl.sqrt(p), { mask });
    tl.store(out + 5 * n + offs, tl.rsqrt(p), { mask });
    tl.store(out + 6 * n + offs, tl.abs(v), { mask });
    tl.store(out + 7 * n + offs, tl.sin(v), { mask });
    tl.store(out + 8 * n + offs, tl.cos(v), { mask });
    tl.store(out + 9 * n + offs, tl.sigmoid(v), { mask });
    tl.store(out + 10 * n + offs, tl.floor(v), { mask });
    tl.store(out + 11 * n + offs, tl.ceil(v), { mask });
    tl.store(out + 12 * n + offs, -v, { mask });
    tl.store(out + 13 * n + offs, p, { mask });
  },
  { constexprs: ['BLOCK'] },
);

const unaryRefs: readonly [string, (x: number) => number, Tolerance][] = [
  ['exp', Math.exp, TOL.f32Transcendental],
  ['exp2', (x) => 2 ** x, TOL.f32Transcendental],
  ['log', (x) => Math.log(f32(Math.abs(x) + 0.5)), TOL.f32Transcendental],
  ['log2', (x) => Math.log2(f32(Math.abs(x) + 0.5)), TOL.f32Transcendental],
  ['sqrt', (x) => Math.sqrt(f32(Math.abs(x) + 0.5)), TOL.f32Transcendental],
  ['rsqrt', (x) => 1 / Math.sqrt(f32(Math.abs(x) + 0.5)), TOL.f32Transcendental],
  ['abs', Math.abs, TOL.exact],
  ['sin', Math.sin, TOL.f32Transcendental],
  ['cos', Math.cos, TOL.f32Transcendental],
  ['sigmoid', (x) => 1 / (1 + Math.exp(-x)), TOL.f32Transcendental],
  ['floor', Math.floor, TOL.exact],
  ['ceil', Math.ceil, TOL.exact],
  ['neg', (x) => -x, TOL.exact],
  ['abs+0.5', (x) => f32(Math.abs(x) + 0.5), TOL.exact],
];

const binaryF32 = kernel(
  function binaryF32(a, b, c, out, cmp, n, BLOCK) {
    const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    const x = tl.load(a + offs, { mask, other: 1.0 });
    const y = tl.load(b + offs, { mask, other: 1.0 });
    const z = tl.load(c + offs, { mask, other: 1.0 });
    tl.store(out + offs, x + y, { mask });
    tl.store(out + n + offs, x - y, { mask });
    tl.store(out + 2 * n + offs, x * y, { mask });
    tl.store(out + 3 * n + offs, x / y, { mask });
    tl.store(out + 4 * n + offs, x % y, { mask });
    tl.store(out + 5 * n + offs, tl.maximum(x, y), { mask });
    tl.store(out + 6 * n + offs, tl.minimum(x, y), { mask });
    tl.store(out + 7 * n + offs, tl.fma(x, y, z), { mask });
    tl.store(cmp + offs, x < y, { mask });
    tl.store(cmp + n + offs, x <= y, { mask });
    tl.store(cmp + 2 * n + offs, x > y, { mask });
    tl.store(cmp + 3 * n + offs, x >= y, { mask });
    tl.store(cmp + 4 * n + offs, x == y, { mask });
    tl.store(cmp + 5 * n + offs, x != y, { mask });
  },
  { constexprs: ['BLOCK'] },
);

describe('f32 elementwise ops', () => {
  for (const [BLOCK, invocations] of CONFIGS) {
    it(`math functions, unary minus, abs (BLOCK=${BLOCK}, invocations=${invocations ?? 'default'})`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const n of SIZES_1D) {
        const x = rng.f32(n, -6, 6);
        if (n > 8) x.set([0, -0.5, 0.5, 2, -3, 6, -6, 1e-3]); // edges for floor / ceil / abs
        const out = poisoned(device, 'f32', unaryRefs.length * n);
        await run(unaryF32, cdiv(n, BLOCK), [device.tensor(x), out, n, BLOCK], invocations ? { invocations } : {});
        const got = await readF32(out);
        unaryRefs.forEach(([name, ref, tol], k) => {
          expectClose(`${name} at n=${n}`, got.subarray(k * n, (k + 1) * n), Array.from(x, ref), tol, rng);
        });
      }
    });

    it(`+ - * / % maximum minimum fma and comparisons (BLOCK=${BLOCK}, invocations=${invocations ?? 'default'})`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const n of SIZES_1D) {
        const a = rng.f32(n, -10, 10);
        const b = Float32Array.from({ length: n }, () => {
          const m = rng.float(0.25, 4);
          return rng.next() < 0.5 ? -m : m;
        });
        // Some equal pairs (for == and the comparisons' equality edge) and
        // some integer-valued ones.
        for (let i = 0; i < n; i += 7) b[i] = a[i] ?? 0;
        for (let i = 3; i < n; i += 11) {
          a[i] = rng.int(-9, 9);
          b[i] = rng.int(1, 4);
        }
        // % rounds through a / b: keep quotients away from integers, where
        // f32 and float64 may truncate differently (except exact quotients).
        for (let i = 0; i < n; i++) {
          const q = (a[i] ?? 0) / (b[i] ?? 1);
          const frac = Math.abs(q - Math.round(q));
          if (frac !== 0 && frac < 1e-3) a[i] = f32((a[i] ?? 0) + 0.01);
        }
        const c = rng.f32(n, -5, 5);
        const out = poisoned(device, 'f32', 8 * n);
        const cmp = poisoned(device, 'i32', 6 * n);
        await run(binaryF32, cdiv(n, BLOCK), [device.tensor(a), device.tensor(b), device.tensor(c), out, cmp, n, BLOCK], invocations ? { invocations } : {});
        const got = await readF32(out);
        const gotCmp = await readI32(cmp);
        const ref = (f: (x: number, y: number, z: number) => number): number[] => Array.from(a, (x, i) => f(x, b[i] ?? NaN, c[i] ?? NaN));
        const section = (k: number): Float32Array => got.subarray(k * n, (k + 1) * n);
        expectExact(`add n=${n}`, section(0), ref((x, y) => f32(x + y)), rng);
        expectExact(`sub n=${n}`, section(1), ref((x, y) => f32(x - y)), rng);
        expectExact(`mul n=${n}`, section(2), ref((x, y) => f32(x * y)), rng);
        expectClose(`div n=${n}`, section(3), ref((x, y) => x / y), TOL.f32Div, rng);
        // WGSL's f32 % is x - y * trunc(x / y), the sign of the dividend (C fmod).
        expectClose(`mod n=${n}`, section(4), ref((x, y) => x % y), { rel: 1e-6, abs: 4e-6 }, rng);
        expectExact(`maximum n=${n}`, section(5), ref((x, y) => Math.max(x, y)), rng);
        expectExact(`minimum n=${n}`, section(6), ref((x, y) => Math.min(x, y)), rng);
        // WGSL's fma need not be fused (it may round x * y first): one ULP of the terms.
        expectClose(`fma n=${n}`, section(7), ref((x, y, z) => x * y + z), { rel: 2e-7, abs: 1e-5 }, rng);
        const cmps: [string, (x: number, y: number) => boolean][] = [
          ['<', (x, y) => x < y],
          ['<=', (x, y) => x <= y],
          ['>', (x, y) => x > y],
          ['>=', (x, y) => x >= y],
          ['==', (x, y) => x === y],
          ['!=', (x, y) => x !== y],
        ];
        cmps.forEach(([name, f], k) => {
          expectExact(`${name} n=${n}`, gotCmp.subarray(k * n, (k + 1) * n), ref((x, y) => (f(x, y) ? 1 : 0)), rng);
        });
      }
    });
  }
});
