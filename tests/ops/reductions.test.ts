// tl.sum / max / min / argmax / argmin on the device: 1D tiles (axis 0, no
// axis, the method form) in f32, i32 and u32, and 2D tiles along axis 0, axis
// 1 and over all elements, for tile shapes from [1, 8] to [64, 64] on
// matrices the tiles do not divide, with masked-off elements loaded as the
// op's identity. Inputs are often small integers, so ties are common: argmax
// and argmin must return the first index.

import { describe, expect, it } from 'vitest';
import { kernel, tl as tlImport } from '../../index.js';
import {
  cdiv,
  expectClose,
  expectExact,
  poisoned,
  readF32,
  readI32,
  readU32,
  type Rng,
  run,
  seeded,
  SIZES_1D,
  sumTolerance,
  testDevice,
  SHAPES_2D,
  type TestTl,
} from './helpers.js';

// A local binding: vitest rewrites references to imports (tl becomes
// __vite_ssr_import_1__.tl), which would reach the kernel source text.
const tl = tlImport as TestTl;

const reduce1D = kernel(
  function reduce1D(x, out, idx, n, KIND, BLOCK) {
    const pid = tl.programId(0);
    const g = tl.numPrograms(0);
    const offs = pid * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    // Identities per dtype, chosen at compile time (KIND: 0 f32, 1 i32, 2 u32).
    const lo = KIND == 0 ? -Infinity : KIND == 1 ? -2147483648 : 0;
    const hi = KIND == 0 ? Infinity : KIND == 1 ? 2147483647 : 4294967295;
    const v = tl.load(x + offs, { mask, other: 0 });
    const vmax = tl.load(x + offs, { mask, other: lo });
    const vmin = tl.load(x + offs, { mask, other: hi });
    tl.store(out + pid, tl.sum(v, 0));
    tl.store(out + g + pid, tl.sum(v));
    tl.store(out + 2 * g + pid, tl.max(vmax, 0));
    tl.store(out + 3 * g + pid, tl.min(vmin, 0));
    tl.store(idx + pid, tl.argmax(vmax, 0) + pid * BLOCK);
    tl.store(idx + g + pid, tl.argmin(vmin, 0) + pid * BLOCK);
    tl.store(idx + 2 * g + pid, tl.argmax(vmax));
  },
  { constexprs: ['KIND', 'BLOCK'] },
);

const reduce2D = kernel(
  function reduce2D(x, out, idx, R, C, AXIS, BM, BN) {
    const pm = tl.programId(0);
    const pn = tl.programId(1);
    const gm = tl.numPrograms(0);
    const gn = tl.numPrograms(1);
    const r = pm * BM + tl.arange(0, BM);
    const c = pn * BN + tl.arange(0, BN);
    const mask = tl.expandDims(r < R, 1) && tl.expandDims(c < C, 0);
    const v = tl.load(x + tl.expandDims(r, 1) * C + tl.expandDims(c, 0), { mask, other: 0.0 });
    // Masked-off elements become each op's identity right where it is used
    // (fewer values live across the reductions' barriers: cheaper to JIT).
    if (AXIS == 1) {
      // One value per row of the tile, stored per column block.
      const m = r < R;
      const o = pn * R + r;
      const s = gn * R;
      tl.store(out + o, tl.sum(v, 1), m);
      tl.store(out + s + o, tl.max(tl.where(mask, v, -Infinity), 1), m);
      tl.store(out + 2 * s + o, tl.min(tl.where(mask, v, Infinity), 1), m);
      tl.store(idx + o, tl.argmax(tl.where(mask, v, -Infinity), 1) + pn * BN, m);
      tl.store(idx + s + o, tl.argmin(tl.where(mask, v, Infinity), 1) + pn * BN, m);
    } else if (AXIS == 0) {
      // One value per column, stored per row block.
      const m = c < C;
      const o = pm * C + c;
      const s = gm * C;
      tl.store(out + o, tl.sum(v, 0), m);
      tl.store(out + s + o, tl.max(tl.where(mask, v, -Infinity), 0), m);
      tl.store(out + 2 * s + o, tl.min(tl.where(mask, v, Infinity), 0), m);
      tl.store(idx + o, tl.argmax(tl.where(mask, v, -Infinity), 0) + pm * BM, m);
      tl.store(idx + s + o, tl.argmin(tl.where(mask, v, Infinity), 0) + pm * BM, m);
    } else {
      // Over the whole tile (flattened row-major), one value per program.
      const t = pm * gn + pn;
      const s = gm * gn;
      tl.store(out + t, tl.sum(v));
      tl.store(out + s + t, tl.max(tl.where(mask, v, -Infinity)));
      tl.store(out + 2 * s + t, tl.min(tl.where(mask, v, Infinity)));
      tl.store(idx + t, tl.argmax(tl.where(mask, v, -Infinity)));
      tl.store(idx + s + t, tl.argmin(tl.where(mask, v, Infinity)));
    }
  },
  { constexprs: ['AXIS', 'BM', 'BN'] },
);

interface Stats {
  sum: number;
  max: number;
  min: number;
  argmax: number;
  argmin: number;
}

/** Reference reduction over the given (index, value) pairs, in order; first index wins ties. */
function stats(items: Iterable<[number, number]>): Stats {
  const s: Stats = { sum: 0, max: -Infinity, min: Infinity, argmax: -1, argmin: -1 };
  for (const [i, v] of items) {
    s.sum += v;
    if (v > s.max) [s.max, s.argmax] = [v, i];
    if (v < s.min) [s.min, s.argmin] = [v, i];
  }
  return s;
}

function* range(lo: number, hi: number): Generator<number> {
  for (let i = lo; i < hi; i++) yield i;
}

function* pairs(
  indices: Iterable<number>,
  value: (i: number) => number,
  index: (i: number) => number = (i) => i,
): Generator<[number, number]> {
  for (const i of indices) yield [index(i), value(i)];
}

/** Random values: small integers (many ties, exact sums) or uniform floats. */
function values(rng: Rng, n: number, ties: boolean): Float32Array {
  return ties ? Float32Array.from({ length: n }, () => rng.int(-4, 4)) : rng.f32(n, -1, 1);
}

// Both cross-invocation paths: subgroup operations (the test device has the
// `subgroups` feature) and the workgroup-memory tree they fall back to.
for (const subgroups of [true, false]) {
  const path = subgroups ? 'subgroup ops' : 'workgroup memory';
  describe(`reductions of 1D tiles (${path})`, () => {
    for (const [BLOCK, invocations] of [
      [1024, undefined],
      [16, 64],
      [256, 32],
      [64, 256],
      [1, 32],
      // At most the smallest subgroup (8 on lavapipe): sums, maxima and minima
      // are one subgroup operation, no barrier. (Small tiles: the arg
      // reductions here still use barriers, and lavapipe's JIT time explodes
      // with many values per invocation live across them.)
      [64, 8],
      [32, 4],
    ] as const) {
      const opts = { subgroups, ...(invocations ? { invocations } : {}) };
      it(`sum max min argmax argmin, f32 / i32 / u32 (BLOCK=${BLOCK}, invocations=${invocations ?? 'default'})`, async () => {
        const device = await testDevice();
        const rng = seeded();
        for (const n of SIZES_1D) {
          for (const kind of [0, 1, 2] as const) {
            const dtype = (['f32', 'i32', 'u32'] as const)[kind];
            const ties = kind !== 0 || n % 2 === 0;
            const data =
              kind === 0
                ? values(rng, n, ties)
                : kind === 1
                  ? Int32Array.from(
                      { length: n },
                      () => rng.int(-20, 20) * (rng.next() < 0.1 ? 10_000_000 : 1),
                    )
                  : Uint32Array.from(
                      { length: n },
                      () => rng.int(0, 9) * (rng.next() < 0.1 ? 400_000_000 : 1),
                    );
            const g = cdiv(n, BLOCK);
            const out = poisoned(device, dtype, 4 * g);
            const idx = poisoned(device, 'i32', 3 * g);
            const x =
              dtype === 'f32'
                ? device.tensor(data as Float32Array)
                : dtype === 'i32'
                  ? device.tensor(data as Int32Array)
                  : device.tensor(data as Uint32Array);
            const compiled = await run(reduce1D, g, [x, out, idx, n, kind, BLOCK], opts);
            // A 1D reduction spans the whole workgroup: the subgroup path applies.
            if (subgroups) expect(compiled.wgsl).toMatch(/subgroupAdd\(|subgroupMax\(/);
            else expect(compiled.wgsl).not.toContain('subgroup');
            const wg = compiled.manifest.workgroupSize;
            const oneSubgroup = subgroups && wg <= (device.adapterInfo.subgroupMinSize ?? 0);
            expect(compiled.manifest.specializationKey.includes('[subgroups=workgroup]')).toBe(oneSubgroup);
            const got =
              dtype === 'f32'
                ? await readF32(out)
                : dtype === 'i32'
                  ? await readI32(out)
                  : await readU32(out);
            const gotIdx = await readI32(idx);
            const ref = Array.from({ length: g }, (_, p) =>
              stats(pairs(range(p * BLOCK, Math.min(n, (p + 1) * BLOCK)), (i) => data[i] ?? NaN)),
            );
            const wrap = (v: number): number => (kind === 1 ? v | 0 : kind === 2 ? v >>> 0 : v);
            const label = `${dtype} n=${n}`;
            const sumTol = ties ? { rel: 0, abs: 0 } : sumTolerance(BLOCK, 1);
            expectClose(
              `sum(v, 0) ${label}`,
              got.subarray(0, g),
              ref.map((s) => wrap(s.sum)),
              sumTol,
              rng,
            );
            expectClose(
              `sum(v) without axis ${label}`,
              got.subarray(g, 2 * g),
              ref.map((s) => wrap(s.sum)),
              sumTol,
              rng,
            );
            expectExact(
              `max ${label}`,
              got.subarray(2 * g, 3 * g),
              ref.map((s) => s.max),
              rng,
            );
            expectExact(
              `min ${label}`,
              got.subarray(3 * g, 4 * g),
              ref.map((s) => s.min),
              rng,
            );
            expectExact(
              `argmax ${label}`,
              gotIdx.subarray(0, g),
              ref.map((s) => s.argmax),
              rng,
            );
            expectExact(
              `argmin ${label}`,
              gotIdx.subarray(g, 2 * g),
              ref.map((s) => s.argmin),
              rng,
            );
            expectExact(
              `argmax without axis ${label}`,
              gotIdx.subarray(2 * g, 3 * g),
              ref.map((s, p) => s.argmax - p * BLOCK),
              rng,
            );
          }
        }
      });
    }
  });

  describe(`reductions of 2D tiles (${path})`, () => {
    for (const [BM, BN, invocations] of [
      [2, 256, undefined],
      [64, 64, 256],
      [1, 8, 32],
      [128, 1, 64],
      [16, 32, 128],
      [1, 1, 32],
    ] as const) {
      for (const axis of [1, 0, -1] as const) {
        const what = axis === -1 ? 'all elements' : `axis ${axis}`;
        it(`sum max min argmax argmin along ${what} ([${BM}, ${BN}], invocations=${invocations ?? 'default'})`, async () => {
          const device = await testDevice();
          const rng = seeded();
          for (const [R, C] of SHAPES_2D) {
            const ties = R !== 37;
            const x = values(rng, R * C, ties);
            const gm = cdiv(R, BM);
            const gn = cdiv(C, BN);
            const at = (i: number): number => x[i] ?? NaN;
            // Reference per output slot: row r of column block pn, column c of
            // row block pm, or the whole tile (pm, pn) with flat tile indices.
            let ref: Stats[];
            if (axis === 1)
              ref = Array.from({ length: gn * R }, (_, k) => {
                const [pn, r] = [Math.floor(k / R), k % R];
                return stats(
                  pairs(range(pn * BN, Math.min(C, (pn + 1) * BN)), (c) => at(r * C + c)),
                );
              });
            else if (axis === 0)
              ref = Array.from({ length: gm * C }, (_, k) => {
                const [pm, c] = [Math.floor(k / C), k % C];
                return stats(
                  pairs(range(pm * BM, Math.min(R, (pm + 1) * BM)), (r) => at(r * C + c)),
                );
              });
            else
              ref = Array.from({ length: gm * gn }, (_, t) => {
                const [pm, pn] = [Math.floor(t / gn), t % gn];
                const flat = function* (): Generator<[number, number]> {
                  for (let i = 0; i < BM; i++)
                    for (let j = 0; j < BN; j++) {
                      const [r, c] = [pm * BM + i, pn * BN + j];
                      if (r < R && c < C) yield [i * BN + j, at(r * C + c)];
                    }
                };
                return stats(flat());
              });
            const len = ref.length;
            const out = poisoned(device, 'f32', 3 * len);
            const idx = poisoned(device, 'i32', 2 * len);
            await run(reduce2D, [gm, gn], [device.tensor(x), out, idx, R, C, axis, BM, BN], {
              subgroups,
              ...(invocations ? { invocations } : {}),
            });
            const [gf, gi] = [await readF32(out), await readI32(idx)];
            const label = `${what} ${R}x${C}`;
            const count = axis === 1 ? BN : axis === 0 ? BM : BM * BN;
            expectClose(
              `sum ${label}`,
              gf.subarray(0, len),
              ref.map((s) => s.sum),
              ties ? { rel: 0, abs: 0 } : sumTolerance(count, 1),
              rng,
            );
            expectExact(
              `max ${label}`,
              gf.subarray(len, 2 * len),
              ref.map((s) => s.max),
              rng,
            );
            expectExact(
              `min ${label}`,
              gf.subarray(2 * len, 3 * len),
              ref.map((s) => s.min),
              rng,
            );
            expectExact(
              `argmax ${label}`,
              gi.subarray(0, len),
              ref.map((s) => s.argmax),
              rng,
            );
            expectExact(
              `argmin ${label}`,
              gi.subarray(len, 2 * len),
              ref.map((s) => s.argmin),
              rng,
            );
          }
        });
      }
    }
  });
}
