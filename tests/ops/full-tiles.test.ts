// Full tiles on the device (lavapipe is a software adapter, so the pass is on
// by default): every launch mixes programs that take the unmasked copy with
// ones that take the masked one, and both must match the reference and the
// build without the pass. Outputs are poisoned; masked-off elements must
// keep the poison.

import { describe, expect, it } from 'vitest';
import { printKernel } from '../../compiler/ir/printer.js';
import { kernel, tl as tlImport } from '../../index.js';
import { cdiv, expectExact, poisoned, POISON_I32, readF32, readI32, run, seeded, testDevice, type TestTl } from './helpers.js';

const tl = tlImport as TestTl;

const window = kernel(
  function window(x, out, lo, hi, width, BM, BN) {
    const rows = tl.programId(0) * BM + tl.arange(0, BM);
    const cols = tl.programId(1) * BN + tl.arange(0, BN) - 1;
    const r = tl.expandDims(rows, 1);
    const c = tl.expandDims(cols, 0);
    const inside = r >= lo && r < hi && c >= 0 && c < width;
    const offs = r * width + c;
    tl.store(out + offs, tl.load(x + offs, { mask: inside, other: -1.0 }) * 2.0, { mask: inside });
  },
  { constexprs: ['BM', 'BN'] },
);

const flags = kernel(
  function flags(out, base, n, BLOCK) {
    const idx = tl.arange(0, BLOCK);
    tl.store(out + idx, idx + 1, { mask: base + idx < n });
  },
  { constexprs: ['BLOCK'] },
);

describe('full tiles', () => {
  it('matches the reference and the masked-only build on windows no tile divides', async () => {
    const device = await testDevice();
    const rng = seeded();
    for (const [height, width, BM, BN] of [[37, 50, 8, 16], [64, 64, 16, 16], [5, 300, 4, 64]] as const) {
      const n = height * width;
      const data = rng.f32(n, -3, 3);
      const x = device.tensor(data);
      const lo = rng.int(0, height >> 1);
      const hi = rng.int(lo, height + 1);
      const expected = new Float32Array(n).fill(NaN); // the poison: masked-off elements are never written
      for (let i = lo; i < hi; i++) for (let j = 0; j < width; j++) expected[i * width + j] = Math.fround((data[i * width + j] ?? 0) * 2);
      for (const fullTiles of [true, false]) {
        const out = poisoned(device, 'f32', n);
        const args = { x, out, lo, hi, width, BM, BN };
        const compiled = await run(window, [cdiv(height, BM), cdiv(width + 1, BN)], args, { fullTiles });
        expect(compiled.manifest.specializationKey.includes('[full-tiles]')).toBe(fullTiles);
        // The unmasked copy exists (its guard is the if), and only in the build with the pass.
        expect(/^\s+if %/m.test(printKernel(compiled.ir))).toBe(fullTiles);
        expectExact(`window ${height}x${width} rows [${lo}, ${hi}) fullTiles=${fullTiles}`, await readF32(out), expected);
        out.destroy();
      }
      x.destroy();
    }
  });

  it('takes the masked copy when the bound test would wrap past the i32 range', async () => {
    const device = await testDevice();
    const BLOCK = 1024;
    const cases = [
      // base + idx wraps to negative for idx >= 600: those compare below n (masked on, as in the
      // kernel's own i32 arithmetic); idx = 599 reaches n exactly and must stay masked off.
      { base: 2 ** 31 - 600, n: 2 ** 31 - 1 },
      { base: 5, n: 900 },
      { base: 0, n: 1024 },
      // The last element reaches n exactly: only the masked copy may run.
      { base: 0, n: 1023 },
      { base: 1, n: 1024 },
      { base: -3000, n: -1976 },
    ];
    for (const { base, n } of cases) {
      const out = poisoned(device, 'i32', BLOCK);
      await run(flags, 1, { out, base, n, BLOCK });
      const expected = Array.from({ length: BLOCK }, (_, i) => (((base + i) | 0) < n ? i + 1 : POISON_I32));
      expectExact(`flags base=${base} n=${n}`, await readI32(out), expected);
      out.destroy();
    }
  });
});
