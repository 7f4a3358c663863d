// Layout conversions on the device: a 1D row that a 2D tile needs in a slice
// layout is re-loaded there when its buffer is read-only (remove-conversions),
// and moved through workgroup memory when the kernel also writes that buffer
// (a re-load could see the new values). Both must compute the same thing.

import { describe, expect, it } from 'vitest';
import { kernel, tl as tlImport } from '../../index.js';
import { expectExact, poisoned, readF32, run, seeded, testDevice, type TestTl } from './helpers.js';

const tl = tlImport as TestTl;

/** out = x + b[None, :]; with WRITE_B, b is then doubled in place (after the read). */
const bias = kernel(
  function bias(x, b, out, WRITE_B) {
    const rm = tl.arange(0, 16);
    const rn = tl.arange(0, 32);
    const offs = tl.expandDims(rm, 1) * 32 + tl.expandDims(rn, 0);
    const bv = tl.load(b + rn);
    tl.store(out + offs, tl.load(x + offs) + tl.expandDims(bv, 0));
    if (WRITE_B) {
      tl.store(b + rn, bv * 2);
    }
  },
  { constexprs: ['WRITE_B'] },
);

describe('layout conversions', () => {
  for (const writeB of [false, true]) {
    it(`adds a bias row ${writeB ? 'through workgroup memory (the row buffer is written)' : 're-loaded in the slice layout (read-only row)'}`, async () => {
      const device = await testDevice();
      const rng = seeded();
      const x = rng.f32(16 * 32, -1, 1);
      const b = rng.f32(32, -1, 1);
      const bt = device.tensor(b);
      const out = poisoned(device, 'f32', 16 * 32);
      const compiled = await run(bias, 1, [device.tensor(x), bt, out, writeB], { elementsPerInvocation: 1 });
      // A conversion is a scratch round trip; a re-load is not.
      if (writeB) expect(compiled.wgsl).toContain('scratch[');
      else expect(compiled.wgsl).not.toContain('scratch[');
      expectExact('out', await readF32(out), Array.from(x, (v, i) => Math.fround(v + (b[i % 32] ?? NaN))), rng);
      expectExact('b', await readF32(bt), writeB ? Array.from(b, (v) => v * 2) : Array.from(b), rng);
    });
  }
});
