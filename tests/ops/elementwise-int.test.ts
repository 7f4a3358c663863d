// i32 and u32 elementwise ops on the device, compared exactly with JS integer
// references: wrapping + - *, truncating division and the C remainder
// (negative operands included), bitwise ops and shifts (>> arithmetic on i32,
// logical on u32, >>> logical on both), unary minus, abs, maximum/minimum,
// tl.cdiv and comparisons (unsigned for u32).

import { describe, it } from 'vitest';
import { kernel, tl as tlImport } from '../../index.js';
import { cdiv, expectExact, poisoned, readI32, readU32, type Rng, run, seeded, SIZES_1D, testDevice, type TestTl } from './helpers.js';

// A local binding: vitest rewrites references to imports (tl becomes
// __vite_ssr_import_1__.tl), which would reach the kernel source text.
const tl = tlImport as TestTl;

const CONFIGS = [
  [512, undefined],
  [16, 64],
] as const;

const intOps = kernel(
  function intOps(a, b, s, out, cmp, n, BLOCK) {
    const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    const x = tl.load(a + offs, { mask, other: 1 });
    const y = tl.load(b + offs, { mask, other: 1 });
    const sh = tl.load(s + offs, { mask, other: 0 });
    tl.store(out + offs, x + y, { mask });
    tl.store(out + n + offs, x - y, { mask });
    tl.store(out + 2 * n + offs, x * y, { mask });
    tl.store(out + 3 * n + offs, x / y, { mask });
    tl.store(out + 4 * n + offs, x % y, { mask });
    tl.store(out + 5 * n + offs, x & y, { mask });
    tl.store(out + 6 * n + offs, x | y, { mask });
    tl.store(out + 7 * n + offs, x ^ y, { mask });
    tl.store(out + 8 * n + offs, ~x, { mask });
    tl.store(out + 9 * n + offs, x << sh, { mask });
    tl.store(out + 10 * n + offs, x >> sh, { mask });
    tl.store(out + 11 * n + offs, x >>> sh, { mask });
    tl.store(out + 12 * n + offs, -x, { mask });
    tl.store(out + 13 * n + offs, tl.abs(y), { mask });
    tl.store(out + 14 * n + offs, tl.maximum(x, y), { mask });
    tl.store(out + 15 * n + offs, tl.minimum(x, y), { mask });
    tl.store(out + 16 * n + offs, tl.cdiv(x & 65535, (y & 255) + 1), { mask });
    tl.store(out + 17 * n + offs, x << 3, { mask });
    tl.store(out + 18 * n + offs, x >> 3, { mask });
    tl.store(out + 19 * n + offs, x >>> 3, { mask });
    tl.store(cmp + offs, x < y, { mask });
    tl.store(cmp + n + offs, x <= y, { mask });
    tl.store(cmp + 2 * n + offs, x > y, { mask });
    tl.store(cmp + 3 * n + offs, x >= y, { mask });
    tl.store(cmp + 4 * n + offs, x == y, { mask });
    tl.store(cmp + 5 * n + offs, x != y, { mask });
  },
  { constexprs: ['BLOCK'] },
);

type IntRef = (x: number, y: number, s: number) => number;

/** Reference results as JS numbers; i32 via `| 0`, u32 via `>>> 0`. */
function references(wrap: (v: number) => number, unsigned: boolean): [string, IntRef][] {
  return [
    ['+', (x, y) => wrap(x + y)],
    ['-', (x, y) => wrap(x - y)],
    ['*', (x, y) => wrap(Math.imul(x, y))],
    ['/', (x, y) => wrap(Math.trunc(x / y))],
    ['%', (x, y) => wrap(x % y)],
    ['&', (x, y) => wrap(x & y)],
    ['|', (x, y) => wrap(x | y)],
    ['^', (x, y) => wrap(x ^ y)],
    ['~', (x) => wrap(~x)],
    ['<< s', (x, _, s) => wrap(x << s)],
    ['>> s', (x, _, s) => wrap(unsigned ? x >>> s : x >> s)],
    ['>>> s', (x, _, s) => wrap(x >>> s)],
    ['unary -', (x) => wrap(-x)],
    ['abs', (_, y) => wrap(Math.abs(y))],
    ['maximum', (x, y) => Math.max(x, y)],
    ['minimum', (x, y) => Math.min(x, y)],
    ['cdiv', (x, y) => Math.ceil((x & 65535) / ((y & 255) + 1))],
    ['<< 3', (x) => wrap(x << 3)],
    ['>> 3', (x) => wrap(unsigned ? x >>> 3 : x >> 3)],
    ['>>> 3', (x) => wrap(x >>> 3)],
  ];
}

const comparisons: [string, (x: number, y: number) => boolean][] = [
  ['<', (x, y) => x < y],
  ['<=', (x, y) => x <= y],
  ['>', (x, y) => x > y],
  ['>=', (x, y) => x >= y],
  ['==', (x, y) => x === y],
  ['!=', (x, y) => x !== y],
];

/** Operands: full-range bit patterns, small values of both signs, equal pairs; y never 0. */
function operands(rng: Rng, n: number, unsigned: boolean): { x: number[]; y: number[]; s: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  const s: number[] = [];
  const asType = (v: number): number => (unsigned ? v >>> 0 : v | 0);
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    let a = kind === 0 ? rng.bits() : rng.int(-100000, 100000);
    let b = kind === 1 ? rng.bits() : rng.int(-50, 50);
    if (kind === 2) b = a;
    if (kind === 3) [a, b] = [rng.int(-9, 9), rng.int(-4, 4)];
    b = asType(b);
    if (b === 0) b = asType(rng.next() < 0.5 ? -7 : 3);
    x.push(asType(a));
    y.push(b);
    s.push(rng.int(0, 31));
  }
  return { x, y, s };
}

describe('integer elementwise ops', () => {
  for (const [BLOCK, invocations] of CONFIGS) {
    const opts = invocations ? { invocations } : {};
    it(`i32 arithmetic, bitwise, shifts, comparisons (BLOCK=${BLOCK}, invocations=${invocations ?? 'default'})`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const n of SIZES_1D) {
        const { x, y, s } = operands(rng, n, false);
        // C semantics on negative operands, spelled out.
        if (n >= 8) {
          x.splice(0, 4, -7, 7, -7, -2147483648);
          y.splice(0, 4, 2, -2, -2, 3);
        }
        const refs = references((v) => v | 0, false);
        const out = poisoned(device, 'i32', refs.length * n);
        const cmp = poisoned(device, 'i32', comparisons.length * n);
        const args = [device.tensor(Int32Array.from(x)), device.tensor(Int32Array.from(y)), device.tensor(Int32Array.from(s)), out, cmp, n, BLOCK];
        await run(intOps, cdiv(n, BLOCK), args, opts);
        const got = await readI32(out);
        refs.forEach(([name, f], k) => {
          const expected = x.map((xi, i) => f(xi, y[i] ?? 0, s[i] ?? 0));
          expectExact(`i32 ${name} n=${n}`, got.subarray(k * n, (k + 1) * n), expected, rng);
        });
        const gotCmp = await readI32(cmp);
        comparisons.forEach(([name, f], k) => {
          const expected = x.map((xi, i) => (f(xi, y[i] ?? 0) ? 1 : 0));
          expectExact(`i32 ${name} n=${n}`, gotCmp.subarray(k * n, (k + 1) * n), expected, rng);
        });
      }
    });

    it(`u32 arithmetic, bitwise, shifts, comparisons (BLOCK=${BLOCK}, invocations=${invocations ?? 'default'})`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const n of SIZES_1D) {
        const { x, y, s } = operands(rng, n, true);
        const refs = references((v) => v >>> 0, true);
        const out = poisoned(device, 'u32', refs.length * n);
        const cmp = poisoned(device, 'u32', comparisons.length * n);
        const args = [device.tensor(Uint32Array.from(x)), device.tensor(Uint32Array.from(y)), device.tensor(Uint32Array.from(s)), out, cmp, n, BLOCK];
        await run(intOps, cdiv(n, BLOCK), args, opts);
        const got = await readU32(out);
        refs.forEach(([name, f], k) => {
          const expected = x.map((xi, i) => f(xi, y[i] ?? 0, s[i] ?? 0));
          expectExact(`u32 ${name} n=${n}`, got.subarray(k * n, (k + 1) * n), expected, rng);
        });
        const gotCmp = await readU32(cmp);
        comparisons.forEach(([name, f], k) => {
          const expected = x.map((xi, i) => (f(xi, y[i] ?? 0) ? 1 : 0));
          expectExact(`u32 ${name} n=${n}`, gotCmp.subarray(k * n, (k + 1) * n), expected, rng);
        });
      }
    });
  }
});
