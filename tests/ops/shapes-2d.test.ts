// 2D tiles on the device: pointer tiles built as rows[:, None] * stride +
// cols[None, :], masks combined from a row and a column mask, implicit
// broadcasting (scalar, 1D and [BM, 1] / [1, BN] against [BM, BN]),
// tl.expandDims / tl.broadcastTo / tl.reshape (round trips, to 1D and to the
// transposed shape, row-major), a transposed store, and per-row / per-column
// masks through tl.where; for tile shapes from [1, 8] to [64, 64] on matrices
// the tiles do not divide.

import { describe, it } from 'vitest';
import { kernel, tl as tlImport } from '../../index.js';
import { cdiv, expectClose, expectExact, f32, poisoned, readF32, run, seeded, testDevice, TOL, SHAPES_2D, type TestTl } from './helpers.js';

// A local binding: vitest rewrites references to imports (tl becomes
// __vite_ssr_import_1__.tl), which would reach the kernel source text.
const tl = tlImport as TestTl;

const shapes2D = kernel(
  function shapes2D(x, bias, rscale, out, R, C, BM, BN, RESHAPE) {
    const pm = tl.programId(0);
    const pn = tl.programId(1);
    const rows = pm * BM + tl.arange(0, BM);
    const cols = pn * BN + tl.arange(0, BN);
    const rmask = rows < R;
    const cmask = cols < C;
    const mask = tl.expandDims(rmask, 1) && tl.expandDims(cmask, 0);
    const offs = tl.expandDims(rows, 1) * C + tl.expandDims(cols, 0);
    const v = tl.load(x + offs, { mask, other: 0.0 });
    const b = tl.load(bias + cols, { mask: cmask, other: 0.0 }); // [BN]
    const s = tl.load(rscale + rows, { mask: rmask, other: 0.0 }); // [BM]
    const n = R * C;
    tl.store(out + offs, v + b, { mask }); // [BM, BN] + [BN]
    tl.store(out + n + offs, v * tl.expandDims(s, 1), { mask }); // [BM, BN] * [BM, 1]
    tl.store(out + 2 * n + offs, v - 2.0 * tl.expandDims(b, 0) + 1.0, { mask }); // scalars and [1, BN]
    tl.store(out + 3 * n + offs, tl.broadcastTo(tl.expandDims(s, 1), [BM, BN]) + tl.broadcastTo(b, [BM, BN]), { mask });
    tl.store(out + 4 * n + offs, tl.expandDims(s, 1) * tl.expandDims(b, 0), { mask }); // [BM, 1] * [1, BN]
    // Transposed store: out6[c, r] = v[r, c].
    tl.store(out + 6 * n + tl.expandDims(cols, 0) * R + tl.expandDims(rows, 1), v, { mask });
    tl.store(out + 9 * n + offs, tl.where(tl.expandDims(s > 0, 1), v, -v), { mask });
    tl.store(out + 10 * n + offs, tl.cast(tl.expandDims(rows, 1) + 0 * tl.expandDims(cols, 0), tl.float32), { mask });
    if (RESHAPE) {
      // Through workgroup memory: a separate specialization, since every
      // barrier makes lavapipe's JIT slower for the whole kernel.
      tl.store(out + 5 * n + offs, tl.reshape(tl.reshape(v, [BM * BN]), [BM, BN]) * 3.0, { mask });
      // Reshaped to 1D: element f of the tile is (f / BN, f % BN).
      const f = tl.arange(0, BM * BN);
      const fr = pm * BM + f / BN;
      const fc = pn * BN + f % BN;
      tl.store(out + 7 * n + fr * C + fc, tl.reshape(v, [BM * BN]), { mask: fr < R && fc < C });
      if (BM * BN <= 256) {
        // Reshaped to [BN, BM] (row-major, not a transpose). Small tiles only:
        // all 2D tiles share one layout, and [BN, BM] in the layout of a wide
        // [BM, BN] puts hundreds of elements on each invocation.
        const g = tl.expandDims(tl.arange(0, BN), 1) * BM + tl.expandDims(tl.arange(0, BM), 0);
        const gr = pm * BM + g / BN;
        const gc = pn * BN + g % BN;
        tl.store(out + 8 * n + gr * C + gc, tl.reshape(v, [BN, BM]), { mask: gr < R && gc < C });
      }
    }
  },
  { constexprs: ['BM', 'BN', 'RESHAPE'] },
);

const SECTIONS = 11;

describe('2D tiles: pointer tiles, broadcasting, expandDims / broadcastTo / reshape', () => {
  for (const [BM, BN, invocations] of [
    [2, 256, undefined],
    [64, 64, 256],
    [1, 8, 32],
    [128, 1, 64],
    [8, 32, 128],
  ] as const) {
    for (const reshape of [false, true]) {
      const what = reshape ? 'reshape to [BM * BN], back, and to [BN, BM]' : 'pointer tiles, broadcasting, expandDims, broadcastTo, transposed store';
      it(`${what}: [${BM}, ${BN}] tiles, invocations=${invocations ?? 'default'}`, async () => {
        const device = await testDevice();
        const rng = seeded();
        for (const [R, C] of SHAPES_2D) {
          const n = R * C;
          const x = rng.f32(n, -4, 4);
          const bias = rng.f32(C, -2, 2);
          const rscale = rng.f32(R, -2, 2);
          const out = poisoned(device, 'f32', SECTIONS * n);
          const args = [device.tensor(x), device.tensor(bias), device.tensor(rscale), out, R, C, BM, BN, reshape];
          await run(shapes2D, [cdiv(R, BM), cdiv(C, BN)], args, invocations ? { invocations } : {});
          const got = await readF32(out);
          const ref = (fn: (v: number, r: number, c: number) => number): number[] => Array.from(x, (v, i) => fn(v, Math.floor(i / C), i % C));
          const B = (c: number): number => bias[c] ?? NaN;
          const S = (r: number): number => rscale[r] ?? NaN;
          const sec = (k: number): Float32Array => got.subarray(k * n, (k + 1) * n);
          const label = `${R}x${C}`;
          if (reshape) {
            expectExact(`reshape round trip ${label}`, sec(5), ref((v) => f32(v * 3)), rng);
            expectExact(`reshape to 1D ${label}`, sec(7), Array.from(x), rng);
            if (BM * BN <= 256) expectExact(`reshape to [BN, BM] ${label}`, sec(8), Array.from(x), rng);
            continue;
          }
          expectExact(`v + b[None, :] ${label}`, sec(0), ref((v, _, c) => f32(v + B(c))), rng);
          expectExact(`v * s[:, None] ${label}`, sec(1), ref((v, r) => f32(v * S(r))), rng);
          expectClose(`v - 2.0 * b[None, :] + 1.0 ${label}`, sec(2), ref((v, _, c) => v - 2 * B(c) + 1), TOL.f32Contracted, rng);
          expectExact(`broadcastTo(s[:, None]) + broadcastTo(b) ${label}`, sec(3), ref((_, r, c) => f32(S(r) + B(c))), rng);
          expectExact(`s[:, None] * b[None, :] ${label}`, sec(4), ref((_, r, c) => f32(S(r) * B(c))), rng);
          const transposed = Array.from({ length: n }, (_, i) => x[(i % R) * C + Math.floor(i / R)] ?? NaN);
          expectExact(`transposed store ${label}`, sec(6), transposed, rng);
          expectExact(`where(s[:, None] > 0, v, -v) ${label}`, sec(9), ref((v, r) => (S(r) > 0 ? v : -v)), rng);
          expectExact(`rows[:, None] + 0 * cols[None, :] ${label}`, sec(10), ref((_, r) => r), rng);
        }
      });
    }
  }
});
