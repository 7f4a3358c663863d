// Casts between f32, i32, u32 and bool (tl.cast; .to is in methods-scalars), Triton's type
// promotion (i32 + f32 literal -> f32, i32 + u32 -> u32), tl.where and the
// `c ? a : b` form on tiles, && || ! on masks, tl.full / tl.zeros, and
// tl.arange with a nonzero start; all on the device against JS references.

import { describe, it } from 'vitest';
import { kernel, tl as tlImport } from '../../index.js';
import { cdiv, expectExact, f32, poisoned, readF32, readI32, readU32, run, seeded, SIZES_1D, testDevice, type TestTl } from './helpers.js';

// A local binding: vitest rewrites references to imports (tl becomes
// __vite_ssr_import_1__.tl), which would reach the kernel source text.
const tl = tlImport as TestTl;

const CONFIGS = [
  [256, undefined],
  [64, 128],
] as const;

const casts = kernel(
  function casts(xf, xi, xu, of, oi, ou, n, BLOCK) {
    const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    const f = tl.load(xf + offs, { mask, other: 0.0 });
    const i = tl.load(xi + offs, { mask, other: 0 });
    const u = tl.load(xu + offs, { mask, other: 0 });
    // -> f32
    tl.store(of + offs, tl.cast(i, tl.float32), { mask });
    tl.store(of + n + offs, tl.cast(u, tl.float32), { mask });
    tl.store(of + 2 * n + offs, tl.cast(f > 0, tl.float32), { mask });
    tl.store(of + 3 * n + offs, i + 0.5, { mask }); // i32 + f32 literal -> f32
    tl.store(of + 4 * n + offs, i * 1.5, { mask });
    tl.store(of + 5 * n + offs, i + f, { mask }); // i32 + f32 tile -> f32
    tl.store(of + 6 * n + offs, tl.cast(i, tl.float32) / 4, { mask }); // float / int literal stays float
    tl.store(of + 7 * n + offs, tl.cast(i, tl.float32) * 0.0 + (i / 4), { mask }); // int / int truncates
    // -> i32
    tl.store(oi + offs, tl.cast(f, tl.int32), { mask });
    tl.store(oi + n + offs, tl.cast(u, tl.int32), { mask });
    tl.store(oi + 2 * n + offs, tl.cast(f > 0, tl.int32), { mask });
    tl.store(oi + 3 * n + offs, tl.cast(tl.cast(f, tl.int1), tl.int32), { mask });
    tl.store(oi + 4 * n + offs, tl.cast(tl.cast(i, tl.int1), tl.int32), { mask });
    tl.store(oi + 5 * n + offs, tl.cast(tl.cast(u, tl.int1), tl.int32), { mask });
    tl.store(oi + 6 * n + offs, tl.cast(f > 0, tl.int32) + tl.cast(i > 0, tl.int32), { mask });
    // -> u32
    tl.store(ou + offs, tl.cast(tl.abs(f), tl.uint32), { mask });
    tl.store(ou + n + offs, tl.cast(i, tl.uint32), { mask });
    tl.store(ou + 2 * n + offs, tl.cast(i < 0, tl.uint32), { mask });
    tl.store(ou + 3 * n + offs, i + u, { mask }); // i32 + u32 -> u32
    tl.store(ou + 4 * n + offs, (i + u) >> 31, { mask }); // a logical shift: the sum is u32
    tl.store(ou + 5 * n + offs, i / (u | 1), { mask }); // unsigned division
    tl.store(ou + 6 * n + offs, tl.cast(tl.cast(u, tl.float32), tl.uint32), { mask });
  },
  { constexprs: ['BLOCK'] },
);

const whereMasks = kernel(
  function whereMasks(xf, yf, xi, of, oi, n, BLOCK) {
    const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    const x = tl.load(xf + offs, { mask, other: 0.0 });
    const y = tl.load(yf + offs, { mask, other: 0.0 });
    const k = tl.load(xi + offs, { mask, other: 0 });
    tl.store(of + offs, tl.where(x > y, x, y), { mask });
    tl.store(of + n + offs, x < 0 ? -x : x * 2.0, { mask });
    tl.store(of + 2 * n + offs, tl.where(k > 0, 1.0, -1.0), { mask }); // scalar branches
    tl.store(of + 3 * n + offs, tl.where(k, x, 7.5), { mask }); // integer condition: k != 0
    tl.store(of + 4 * n + offs, (x > 0 && y > 0) || k == 3 ? x + y : 0.0, { mask });
    tl.store(of + 5 * n + offs, tl.where(offs < n - 2, x, y), { mask }); // index-math condition
    const a = x > 0;
    const b = y > 0;
    tl.store(oi + offs, a && b, { mask });
    tl.store(oi + n + offs, a || b, { mask });
    tl.store(oi + 2 * n + offs, !a, { mask });
    tl.store(oi + 3 * n + offs, !(a && !b) || (k > 0 && k < 5), { mask });
    tl.store(oi + 4 * n + offs, k > 0 ? k : -k, { mask });
    tl.store(oi + 5 * n + offs, a != b, { mask });
    tl.store(oi + 6 * n + offs, tl.cast(a, tl.int32) ^ tl.cast(b, tl.int32), { mask });
    tl.store(oi + 7 * n + offs, !k, { mask }); // ! on an integer tile: k == 0
  },
  { constexprs: ['BLOCK'] },
);

const fills = kernel(
  function fills(of, oi, ou, n, BLOCK) {
    const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    tl.store(of + offs, tl.full([BLOCK], 2.5), { mask });
    tl.store(of + n + offs, tl.zeros([BLOCK]), { mask });
    tl.store(of + 2 * n + offs, tl.full([BLOCK], -3, tl.float32) + tl.zeros([BLOCK], tl.float32), { mask });
    tl.store(oi + offs, tl.full([BLOCK], 7, tl.int32), { mask });
    tl.store(oi + n + offs, tl.zeros([BLOCK], tl.int32) - 1, { mask });
    tl.store(oi + 2 * n + offs, tl.arange(5, 5 + BLOCK) + tl.programId(0) * BLOCK, { mask });
    tl.store(oi + 3 * n + offs, tl.arange(BLOCK, 2 * BLOCK) - offs, { mask });
    tl.store(oi + 4 * n + offs, tl.full([BLOCK], n, tl.int32), { mask }); // a runtime scalar
    tl.store(ou + offs, tl.full([BLOCK], -1, tl.uint32), { mask });
    tl.store(ou + n + offs, tl.full([BLOCK], 1, tl.int1), { mask });
  },
  { constexprs: ['BLOCK'] },
);

describe('casts, promotion, where, masks, full/zeros/arange', () => {
  for (const [BLOCK, invocations] of CONFIGS) {
    const opts = invocations ? { invocations } : {};
    const tag = `(BLOCK=${BLOCK}, invocations=${invocations ?? 'default'})`;

    it(`tl.cast between f32, i32, u32, bool and type promotion ${tag}`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const n of SIZES_1D) {
        const xf = Float32Array.from({ length: n }, (_, j) => (j % 5 === 0 ? 0 : j % 5 === 1 ? rng.int(-100, 100) : rng.float(-1e6, 1e6)));
        const xi = Int32Array.from({ length: n }, (_, j) => (j % 3 === 0 ? 0 : j % 3 === 1 ? rng.int(-(2 ** 24), 2 ** 24) : rng.bits() | 0));
        const xu = Uint32Array.from({ length: n }, (_, j) => (j % 4 === 0 ? 0 : j % 4 === 1 ? rng.int(0, 2 ** 24) : rng.bits()));
        const of = poisoned(device, 'f32', 8 * n);
        const oi = poisoned(device, 'i32', 7 * n);
        const ou = poisoned(device, 'u32', 7 * n);
        await run(casts, cdiv(n, BLOCK), [device.tensor(xf), device.tensor(xi), device.tensor(xu), of, oi, ou, n, BLOCK], opts);
        const gf = await readF32(of);
        const gi = await readI32(oi);
        const gu = await readU32(ou);
        const at = <T extends Float32Array | Int32Array | Uint32Array>(a: T, k: number): T => a.subarray(k * n, (k + 1) * n) as T;
        const i = Array.from(xi);
        const u = Array.from(xu);
        const f = Array.from(xf);
        // int -> f32 rounds to nearest even for |v| > 2^24, as Math.fround does.
        expectExact(`i32->f32 n=${n}`, at(gf, 0), i.map(f32), rng);
        expectExact(`u32->f32 n=${n}`, at(gf, 1), u.map(f32), rng);
        expectExact(`bool->f32 n=${n}`, at(gf, 2), f.map((v) => (v > 0 ? 1 : 0)), rng);
        expectExact(`i32 + 0.5 n=${n}`, at(gf, 3), i.map((v) => f32(f32(v) + 0.5)), rng);
        expectExact(`i32 * 1.5 n=${n}`, at(gf, 4), i.map((v) => f32(f32(v) * 1.5)), rng);
        expectExact(`i32 + f32 n=${n}`, at(gf, 5), i.map((v, j) => f32(f32(v) + (f[j] ?? 0))), rng);
        expectExact(`f32(i32) / 4 n=${n}`, at(gf, 6), i.map((v) => f32(f32(v) / 4)), rng);
        expectExact(`0.0 * x + i32 / 4 n=${n}`, at(gf, 7), i.map((v) => f32(Math.trunc(v / 4))), rng);
        expectExact(`f32->i32 (truncates) n=${n}`, at(gi, 0), f.map(Math.trunc), rng);
        expectExact(`u32->i32 (bits) n=${n}`, at(gi, 1), u.map((v) => v | 0), rng);
        expectExact(`bool->i32 n=${n}`, at(gi, 2), f.map((v) => (v > 0 ? 1 : 0)), rng);
        expectExact(`f32->bool n=${n}`, at(gi, 3), f.map((v) => (v !== 0 ? 1 : 0)), rng);
        expectExact(`i32->bool n=${n}`, at(gi, 4), i.map((v) => (v !== 0 ? 1 : 0)), rng);
        expectExact(`u32->bool n=${n}`, at(gi, 5), u.map((v) => (v !== 0 ? 1 : 0)), rng);
        expectExact(`bool + bool n=${n}`, at(gi, 6), f.map((v, j) => (v > 0 ? 1 : 0) + ((i[j] ?? 0) > 0 ? 1 : 0)), rng);
        expectExact(`f32->u32 n=${n}`, at(gu, 0), f.map((v) => Math.trunc(Math.abs(v))), rng);
        expectExact(`i32->u32 (bits) n=${n}`, at(gu, 1), i.map((v) => v >>> 0), rng);
        expectExact(`bool->u32 n=${n}`, at(gu, 2), i.map((v) => (v < 0 ? 1 : 0)), rng);
        expectExact(`i32 + u32 n=${n}`, at(gu, 3), i.map((v, j) => (v + (u[j] ?? 0)) >>> 0), rng);
        expectExact(`(i32 + u32) >> 31 n=${n}`, at(gu, 4), i.map((v, j) => ((v + (u[j] ?? 0)) >>> 0) >>> 31), rng);
        expectExact(`i32 / u32 n=${n}`, at(gu, 5), i.map((v, j) => Math.floor((v >>> 0) / (((u[j] ?? 0) | 1) >>> 0))), rng);
        // u32 -> f32 -> u32 is exact below 2^24 and saturates at 2^32 - 1 otherwise rounds.
        expectExact(`u32->f32->u32 n=${n}`, at(gu, 6), u.map((v) => Math.min(f32(v), 4294967295)), rng);
      }
    });

    it(`tl.where, c ? a : b, && || ! on masks ${tag}`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const n of SIZES_1D) {
        const x = rng.f32(n, -2, 2);
        const y = rng.f32(n, -2, 2);
        const k = rng.i32(n, -2, 6);
        const of = poisoned(device, 'f32', 6 * n);
        const oi = poisoned(device, 'i32', 8 * n);
        await run(whereMasks, cdiv(n, BLOCK), [device.tensor(x), device.tensor(y), device.tensor(k), of, oi, n, BLOCK], opts);
        const gf = await readF32(of);
        const gi = await readI32(oi);
        const at = <T extends Float32Array | Int32Array>(a: T, s: number): T => a.subarray(s * n, (s + 1) * n) as T;
        const X = Array.from(x);
        const Y = (j: number): number => y[j] ?? NaN;
        const K = (j: number): number => k[j] ?? NaN;
        expectExact(`where(x > y, x, y) n=${n}`, at(gf, 0), X.map((v, j) => (v > Y(j) ? v : Y(j))), rng);
        expectExact(`x < 0 ? -x : x * 2.0 n=${n}`, at(gf, 1), X.map((v) => (v < 0 ? -v : f32(v * 2))), rng);
        expectExact(`where(k > 0, 1.0, -1.0) n=${n}`, at(gf, 2), X.map((_, j) => (K(j) > 0 ? 1 : -1)), rng);
        expectExact(`where(k, x, 7.5) n=${n}`, at(gf, 3), X.map((v, j) => (K(j) !== 0 ? v : 7.5)), rng);
        expectExact(`(x > 0 && y > 0) || k == 3 ? x + y : 0 n=${n}`, at(gf, 4), X.map((v, j) => ((v > 0 && Y(j) > 0) || K(j) === 3 ? f32(v + Y(j)) : 0)), rng);
        expectExact(`where(offs < n - 2, x, y) n=${n}`, at(gf, 5), X.map((v, j) => (j < n - 2 ? v : Y(j))), rng);
        const A = (j: number): boolean => (x[j] ?? 0) > 0;
        const B = (j: number): boolean => Y(j) > 0;
        const b01 = (c: boolean): number => (c ? 1 : 0);
        expectExact(`a && b n=${n}`, at(gi, 0), X.map((_, j) => b01(A(j) && B(j))), rng);
        expectExact(`a || b n=${n}`, at(gi, 1), X.map((_, j) => b01(A(j) || B(j))), rng);
        expectExact(`!a n=${n}`, at(gi, 2), X.map((_, j) => b01(!A(j))), rng);
        expectExact(`!(a && !b) || (0 < k < 5) n=${n}`, at(gi, 3), X.map((_, j) => b01(!(A(j) && !B(j)) || (K(j) > 0 && K(j) < 5))), rng);
        expectExact(`k > 0 ? k : -k n=${n}`, at(gi, 4), X.map((_, j) => Math.abs(K(j))), rng);
        expectExact(`a != b n=${n}`, at(gi, 5), X.map((_, j) => b01(A(j) !== B(j))), rng);
        expectExact(`a ^ b n=${n}`, at(gi, 6), X.map((_, j) => b01(A(j) !== B(j))), rng);
        expectExact(`!k n=${n}`, at(gi, 7), X.map((_, j) => b01(K(j) === 0)), rng);
      }
    });

    it(`tl.full, tl.zeros, tl.arange with a nonzero start ${tag}`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const n of SIZES_1D) {
        const of = poisoned(device, 'f32', 3 * n);
        const oi = poisoned(device, 'i32', 5 * n);
        const ou = poisoned(device, 'u32', 2 * n);
        await run(fills, cdiv(n, BLOCK), [of, oi, ou, n, BLOCK], opts);
        const gf = await readF32(of);
        const gi = await readI32(oi);
        const gu = await readU32(ou);
        const all = (v: number): number[] => Array.from({ length: n }, () => v);
        expectExact(`full 2.5 n=${n}`, gf.subarray(0, n), all(2.5), rng);
        expectExact(`zeros n=${n}`, gf.subarray(n, 2 * n), all(0), rng);
        expectExact(`full -3 f32 n=${n}`, gf.subarray(2 * n, 3 * n), all(-3), rng);
        expectExact(`full 7 i32 n=${n}`, gi.subarray(0, n), all(7), rng);
        expectExact(`zeros i32 - 1 n=${n}`, gi.subarray(n, 2 * n), all(-1), rng);
        expectExact(`arange(5, 5 + BLOCK) n=${n}`, gi.subarray(2 * n, 3 * n), Array.from({ length: n }, (_, j) => j + 5), rng);
        expectExact(`arange(BLOCK, 2 BLOCK) - offs n=${n}`, gi.subarray(3 * n, 4 * n), Array.from({ length: n }, (_, j) => BLOCK - BLOCK * Math.floor(j / BLOCK)), rng);
        expectExact(`full n n=${n}`, gi.subarray(4 * n, 5 * n), all(n), rng);
        expectExact(`full -1 u32 n=${n}`, gu.subarray(0, n), all(0xffffffff), rng);
        expectExact(`full 1 bool n=${n}`, gu.subarray(n, 2 * n), all(1), rng);
      }
    });
  }
});
