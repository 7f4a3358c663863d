// Programs and control flow on the device: tl.programId / tl.numPrograms on
// 1D, 2D and 3D grids; runtime loops (`for (let i ...; i += B)`, ascending
// and descending, and `for (const i of tl.range(...))`) with loop-carried
// tiles and scalars, a swap through the loop, nested loops, reductions inside
// loops (with uniform and data-dependent bounds); tl.staticRange unrolling;
// scalar `if` / `else if` merging scalars and tiles; early `return`;
// constexpr `if`; and data-dependent `if`s around reductions.

import { describe, it } from 'vitest';
import { kernel, tl as tlImport } from '../../index.js';
import { cdiv, expectClose, expectExact, f32, poisoned, readF32, readI32, run, seeded, sumTolerance, testDevice, TOL, SHAPES_2D, type TestTl } from './helpers.js';

// A local binding: vitest rewrites references to imports (tl becomes
// __vite_ssr_import_1__.tl), which would reach the kernel source text.
const tl = tlImport as TestTl;

const grid = kernel(
  function grid(ids, tiles, BLOCK) {
    const p0 = tl.programId(0);
    const p1 = tl.programId(1);
    const p2 = tl.programId(2);
    const n0 = tl.numPrograms(0);
    const n1 = tl.numPrograms(1);
    const n2 = tl.numPrograms(2);
    const linear = (p2 * n1 + p1) * n0 + p0;
    const total = n0 * n1 * n2;
    tl.store(ids + linear, p0);
    tl.store(ids + total + linear, p1);
    tl.store(ids + 2 * total + linear, p2);
    tl.store(ids + 3 * total + linear, n0);
    tl.store(ids + 4 * total + linear, n1);
    tl.store(ids + 5 * total + linear, n2);
    tl.store(tiles + linear * BLOCK + tl.arange(0, BLOCK), linear * 1000 + tl.arange(0, BLOCK));
  },
  { constexprs: ['BLOCK'] },
);

const loops = kernel(
  function loops(x, lens, out, outI, R, C, BLOCK) {
    const row = tl.programId(0);
    const base = x + row * C;
    // Loop-carried tiles and a scalar, compound assignment.
    let acc = tl.zeros([BLOCK], tl.float32);
    let mx = tl.full([BLOCK], -Infinity, tl.float32);
    let count = 0;
    for (let i = 0; i < C; i += BLOCK) {
      const cols = i + tl.arange(0, BLOCK);
      acc += tl.load(base + cols, { mask: cols < C, other: 0.0 });
      mx = tl.maximum(mx, tl.load(base + cols, { mask: cols < C, other: -Infinity }));
      count += 1;
    }
    tl.store(out + row, tl.sum(acc, 0));
    tl.store(out + R + row, tl.max(mx, 0));
    tl.store(outI + row, count);
    // tl.range with a reduction (barriers) inside the loop. (Not `= 0.0`:
    // esbuild, and so vitest, prints 0.0 as 0 in fn.toString(), an i32.)
    let total = tl.cast(0, tl.float32);
    for (const i of tl.range(0, C, BLOCK)) {
      const cols = i + tl.arange(0, BLOCK);
      total = total + tl.sum(tl.load(base + cols, { mask: cols < C, other: 0.0 }), 0);
    }
    tl.store(out + 2 * R + row, total);
    // Descending scalar loop: order matters (h = h / 2 + x[i], i from C - 1 down to 0).
    let h = tl.cast(0, tl.float32);
    for (let i = C - 1; i >= 0; i -= 1) {
      h = h * 0.5 + tl.load(base + i);
    }
    tl.store(out + 3 * R + row, h);
    // A bound loaded from memory (not uniform for WGSL) around a reduction.
    const len = tl.load(lens + row);
    let part = tl.cast(0, tl.float32);
    for (let i = 0; i < len; i += BLOCK) {
      const cols = i + tl.arange(0, BLOCK);
      part += tl.sum(tl.load(base + cols, { mask: cols < len, other: 0.0 }));
    }
    tl.store(out + 4 * R + row, part);
    // A swap through the loop (Fibonacci on an i32 tile) and nested loops.
    let a = tl.arange(0, BLOCK);
    let b = tl.full([BLOCK], 1, tl.int32);
    let nested = 0;
    for (let k = 0; k < row % 7; k++) {
      const t = a;
      a = b;
      b = t + b;
      for (let j = 0; j < k; j++) nested += j;
    }
    tl.store(outI + R + row * BLOCK + tl.arange(0, BLOCK), a);
    tl.store(outI + R + R * BLOCK + row, nested);
  },
  { constexprs: ['BLOCK'] },
);

const rowSums = kernel(
  function rowSums(x, out, R, C, BM, BN) {
    // A [BM] accumulator carried through a loop over column blocks, fed by
    // reductions of 2D tiles (their layout differs from the carried one's).
    const rows = tl.programId(0) * BM + tl.arange(0, BM);
    let acc = tl.zeros([BM], tl.float32);
    let best = tl.full([BM], -1, tl.int32);
    let bestVal = tl.full([BM], -Infinity, tl.float32);
    for (let j = 0; j < C; j += BN) {
      const cols = j + tl.arange(0, BN);
      const m = tl.expandDims(rows < R, 1) && tl.expandDims(cols < C, 0);
      const v = tl.load(x + tl.expandDims(rows, 1) * C + tl.expandDims(cols, 0), { mask: m, other: -Infinity });
      acc += tl.sum(tl.where(m, v, 0), 1);
      const blockMax = tl.max(v, 1);
      const better = blockMax > bestVal;
      best = tl.where(better, tl.argmax(v, 1) + j, best);
      bestVal = tl.maximum(bestVal, blockMax);
    }
    tl.store(out + rows, acc, { mask: rows < R });
    tl.store(out + R + rows, tl.cast(best, tl.float32), { mask: rows < R });
  },
  { constexprs: ['BM', 'BN'] },
);

const unrolled = kernel(
  function unrolled(x, out, n, K, BLOCK) {
    const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    let acc = tl.zeros([BLOCK], tl.float32);
    for (const k of tl.staticRange(0, K)) {
      acc += tl.load(x + k * n + offs, { mask, other: 0.0 }) * (k + 1);
    }
    for (const k of tl.staticRange(K - 1, -1, -2)) {
      acc = acc - k; // k = K - 1, K - 3, ...
    }
    tl.store(out + offs, acc, { mask });
  },
  { constexprs: ['K', 'BLOCK'] },
);

const branches = kernel(
  function branches(x, flags, out, n, active, MODE, BLOCK) {
    const pid = tl.programId(0);
    if (pid >= active) return; // early return: programs past `active` write nothing
    const offs = pid * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    const v = tl.load(x + offs, { mask, other: 0.0 });
    // Runtime if / else if / else merging a scalar and a tile.
    let scale = 1.0;
    let t = tl.zeros([BLOCK], tl.float32);
    if (pid % 3 == 0) {
      scale = 2.0;
      t = v;
    } else if (pid % 3 == 1) {
      scale = -1.0;
      t = v * v;
    } else {
      t = v + 1.0;
    }
    tl.store(out + offs, t * scale, { mask });
    // Constexpr if: only the chosen branch is compiled.
    if (MODE == 0) {
      tl.store(out + n + offs, v + 10.0, { mask });
    } else if (MODE == 1) {
      tl.store(out + n + offs, v * 10.0, { mask });
    } else {
      tl.store(out + n + offs, MODE > 5 ? v : -v, { mask });
    }
    // A data-dependent condition around a reduction (barriers in non-uniform
    // control flow for WGSL), merging a scalar.
    const flag = tl.load(flags + pid);
    let s = -1.0;
    if (flag > 0) {
      s = tl.sum(v, 0);
    }
    tl.store(out + 2 * n + pid, s);
    // Early return under a data-dependent condition, a reduction after it.
    if (flag == 2) return;
    tl.store(out + 2 * n + tl.numPrograms(0) + pid, tl.max(tl.where(mask, v, -Infinity), 0));
  },
  { constexprs: ['MODE', 'BLOCK'] },
);

describe('programs and control flow', () => {
  it('programId / numPrograms on 1D, 2D and 3D grids', async () => {
    const device = await testDevice();
    const rng = seeded();
    const BLOCK = 16;
    for (const dims of [[1], [4097], [4, 9], [3, 5, 7], [1, 1, 33]]) {
      const [g0 = 1, g1 = 1, g2 = 1] = dims;
      const total = g0 * g1 * g2;
      const ids = poisoned(device, 'i32', 6 * total);
      const tiles = poisoned(device, 'i32', total * BLOCK);
      await run(grid, dims, [ids, tiles, BLOCK], { invocations: 64 });
      const got = await readI32(ids);
      const expected: number[] = [];
      const coords = Array.from({ length: total }, (_, l) => [l % g0, Math.floor(l / g0) % g1, Math.floor(l / (g0 * g1))] as const);
      for (const axis of [0, 1, 2] as const) expected.push(...coords.map((c) => c[axis]));
      for (const g of [g0, g1, g2]) expected.push(...coords.map(() => g));
      expectExact(`ids for grid [${dims.join(', ')}]`, got, expected, rng);
      const tileRef = Array.from({ length: total * BLOCK }, (_, i) => Math.floor(i / BLOCK) * 1000 + (i % BLOCK));
      expectExact(`tiles for grid [${dims.join(', ')}]`, await readI32(tiles), tileRef, rng);
    }
  });

  for (const [BLOCK, invocations] of [
    [64, undefined],
    [128, 32],
    [16, 64],
  ] as const) {
    it(`runtime loops with carried tiles and scalars, reductions in loops (BLOCK=${BLOCK}, invocations=${invocations ?? 'default'})`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const [R, C] of SHAPES_2D) {
        const x = rng.f32(R * C, -1, 1);
        const lens = Int32Array.from({ length: R }, () => rng.int(0, C));
        const out = poisoned(device, 'f32', 5 * R);
        const outI = poisoned(device, 'i32', R + R * BLOCK + R);
        await run(loops, R, [device.tensor(x), device.tensor(lens), out, outI, R, C, BLOCK], invocations ? { invocations } : {});
        const got = await readF32(out);
        const gotI = await readI32(outI);
        const row = (r: number): Float32Array => x.subarray(r * C, (r + 1) * C);
        const rows = Array.from({ length: R }, (_, r) => r);
        const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((s, v) => s + v, 0);
        const label = `${R}x${C}`;
        expectClose(`carried tile sum ${label}`, got.subarray(0, R), rows.map((r) => sum(row(r))), sumTolerance(C, 1), rng);
        expectExact(`carried tile max ${label}`, got.subarray(R, 2 * R), rows.map((r) => Math.max(...row(r))), rng);
        expectExact(`carried count ${label}`, gotI.subarray(0, R), rows.map(() => cdiv(C, BLOCK)), rng);
        expectClose(`tl.range with tl.sum inside ${label}`, got.subarray(2 * R, 3 * R), rows.map((r) => sum(row(r))), sumTolerance(C, 1), rng);
        const horner = (r: number): number => {
          let h = 0;
          for (let i = C - 1; i >= 0; i--) h = f32(f32(h * 0.5) + (row(r)[i] ?? NaN));
          return h;
        };
        expectClose(`descending loop ${label}`, got.subarray(3 * R, 4 * R), rows.map(horner), TOL.f32Contracted, rng);
        expectClose(`loaded bound ${label}`, got.subarray(4 * R, 5 * R), rows.map((r) => sum(row(r).subarray(0, lens[r]))), sumTolerance(C, 1), rng);
        const fib = (k: number, a0: number): number => {
          let [a, b] = [a0, 1];
          for (let i = 0; i < k; i++) [a, b] = [b, a + b];
          return a;
        };
        const fibs = rows.flatMap((r) => Array.from({ length: BLOCK }, (_, j) => fib(r % 7, j)));
        expectExact(`swap through the loop ${label}`, gotI.subarray(R, R + R * BLOCK), fibs, rng);
        const nested = rows.map((r) => {
          let s = 0;
          for (let k = 0; k < r % 7; k++) for (let j = 0; j < k; j++) s += j;
          return s;
        });
        expectExact(`nested loops ${label}`, gotI.subarray(R + R * BLOCK), nested, rng);
      }
    });
  }

  for (const [BM, BN, invocations] of [
    [4, 64, 128],
    [32, 8, 256],
    [1, 256, 64],
  ] as const) {
    it(`a [BM] tile carried through a column loop, fed by 2D reductions ([${BM}, ${BN}], invocations=${invocations})`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const [R, C] of SHAPES_2D) {
        const x = Float32Array.from({ length: R * C }, () => rng.int(-50, 50) / 4);
        const out = poisoned(device, 'f32', 2 * R);
        await run(rowSums, cdiv(R, BM), [device.tensor(x), out, R, C, BM, BN], { invocations });
        const got = await readF32(out);
        const rows = Array.from({ length: R }, (_, r) => Array.from(x.subarray(r * C, (r + 1) * C)));
        expectExact(`row sums ${R}x${C}`, got.subarray(0, R), rows.map((row) => row.reduce((s, v) => s + v, 0)), rng);
        expectExact(`row argmax ${R}x${C}`, got.subarray(R), rows.map((row) => row.indexOf(Math.max(...row))), rng);
      }
    });
  }

  it('tl.staticRange unrolls, ascending and descending', async () => {
    const device = await testDevice();
    const rng = seeded();
    const K = 3;
    for (const n of [1, 1000, 4097]) {
      for (const BLOCK of [256, 32]) {
        const x = rng.f32(K * n, -1, 1);
        const out = poisoned(device, 'f32', n);
        await run(unrolled, cdiv(n, BLOCK), [device.tensor(x), out, n, K, BLOCK]);
        const ref = Array.from({ length: n }, (_, i) => {
          let acc = 0;
          for (let k = 0; k < K; k++) acc = f32(acc + f32((x[k * n + i] ?? NaN) * (k + 1)));
          for (let k = K - 1; k > -1; k -= 2) acc = f32(acc - k);
          return acc;
        });
        expectClose(`staticRange n=${n} BLOCK=${BLOCK}`, await readF32(out), ref, TOL.f32Contracted, rng);
      }
    }
  });

  for (const [BLOCK, invocations] of [
    [256, undefined],
    [16, 64],
  ] as const) {
    it(`if / else if merging, early return, constexpr if, data-dependent ifs (BLOCK=${BLOCK}, invocations=${invocations ?? 'default'})`, async () => {
      const device = await testDevice();
      const rng = seeded();
      for (const n of [1, 1000, 4097]) {
        for (const mode of [0, 1, 7]) {
          const programs = cdiv(n, BLOCK);
          const g = programs + 2; // two extra programs, stopped by the early return
          const active = programs;
          const x = rng.f32(n, -3, 3);
          const flags = Int32Array.from({ length: g }, () => rng.int(0, 2));
          const out = poisoned(device, 'f32', 2 * n + 2 * g);
          await run(branches, g, [device.tensor(x), device.tensor(flags), out, n, active, mode, BLOCK], invocations ? { invocations } : {});
          const got = await readF32(out);
          const X = Array.from(x);
          const pidOf = (i: number): number => Math.floor(i / BLOCK);
          const label = `n=${n} MODE=${mode}`;
          const merged = X.map((v, i) => {
            const p = pidOf(i) % 3;
            return p === 0 ? f32(v * 2) : p === 1 ? f32(-f32(v * v)) : f32(v + 1);
          });
          expectExact(`if / else if / else ${label}`, got.subarray(0, n), merged, rng);
          const byMode = X.map((v) => (mode === 0 ? f32(v + 10) : mode === 1 ? f32(v * 10) : v));
          expectExact(`constexpr if ${label}`, got.subarray(n, 2 * n), byMode, rng);
          const block = (p: number): number[] => X.slice(p * BLOCK, Math.min(n, (p + 1) * BLOCK));
          const sums = Array.from({ length: g }, (_, p) => (p >= active ? NaN : (flags[p] ?? 0) > 0 ? block(p).reduce((s, v) => s + v, 0) : -1));
          expectClose(`data-dependent if around tl.sum ${label}`, got.subarray(2 * n, 2 * n + g), sums, sumTolerance(BLOCK, 3), rng);
          const maxes = Array.from({ length: g }, (_, p) => (p >= active || flags[p] === 2 ? NaN : Math.max(...block(p))));
          expectExact(`early return before tl.max ${label}`, got.subarray(2 * n + g), maxes, rng);
        }
      }
    });
  }
});
