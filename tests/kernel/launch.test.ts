// The kernel() API on the device: grids given as a number, a tuple or a
// function of the arguments; racing launches of a new specialization compile
// and create one pipeline; arguments by name, by position, with names a
// bundler renamed, or named by the `params` option; specialization on dtypes
// and constexprs gives separate cached modules.

import { describe, expect, it } from 'vitest';
import { kernel, runtimeStats, tl as tlImport } from '../../index.js';
import { testDevice } from '../runtime/device-helper.js';

// Vitest rewrites imported bindings in function sources; a local keeps `tl`.
const tl = tlImport;

const scaleSource = `function scale(x, out, n, factor, BLOCK) {
  const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
  tl.store(out + offs, tl.load(x + offs, { mask }) * factor, { mask });
}`;

function reference(x: Float32Array, factor: number): Float32Array {
  return Float32Array.from(x, (v) => Math.fround(v * factor));
}

describe('kernel launches', () => {
  it('accepts a grid as a number, a tuple, or a function of the arguments', async () => {
    const device = await testDevice();
    const k = kernel(scaleSource, { constexprs: ['BLOCK'], types: { factor: 'f32' } });
    const n = 1000;
    const x = Float32Array.from({ length: n }, (_, i) => (i % 17) - 8.25);
    const tx = device.tensor(x);
    for (const grid of [8, [8], [8, 1, 1], (meta: Record<string, unknown>) => Math.ceil(n / Number(meta.BLOCK))]) {
      const out = device.tensor(new Float32Array(n).fill(NaN));
      await k.launch(grid, { x: tx, out, n, factor: 3, BLOCK: 128 });
      expect([...(await out.read())]).toEqual([...reference(x, 3)]);
    }
  });

  it('compiles once and creates one pipeline when many launches of a new specialization race', async () => {
    const device = await testDevice();
    const k = kernel(scaleSource.replace('scale(', 'scaleRace('), { constexprs: ['BLOCK'], types: { factor: 'f32' } });
    const n = 4097;
    const x = Float32Array.from({ length: n }, (_, i) => i * 0.25);
    const tx = device.tensor(x);
    const outs = Array.from({ length: 20 }, () => device.tensor(new Float32Array(n).fill(NaN)));
    const before = runtimeStats(device).pipelinesCreated;
    await Promise.all(outs.map((out, i) => k.launch([Math.ceil(n / 256)], [tx, out, n, i, 256])));
    expect(runtimeStats(device).pipelinesCreated - before).toBe(1);
    for (const [i, out] of outs.entries()) expect([...(await out.read())]).toEqual([...reference(x, i)]);
  });

  it('specializes on buffer dtypes and constexprs, and caches each', async () => {
    const device = await testDevice();
    const k = kernel(scaleSource.replace('scale(', 'scaleSpec('), { constexprs: ['BLOCK'] });
    const xf = device.tensor(new Float32Array([1.5, 2, 3]));
    const xi = device.tensor(new Int32Array([1, -2, 3]));
    const a = k.compile([xf, xf, 3, 2, 4], { device });
    const b = k.compile([xi, xi, 3, 2, 4], { device });
    const c = k.compile([xf, xf, 3, 2, 8], { device });
    expect(new Set([a.manifest.specializationKey, b.manifest.specializationKey, c.manifest.specializationKey]).size).toBe(3);
    expect(k.compile([xf, xf, 3, 2, 4], { device })).toBe(a);
    const outI = device.tensor(new Int32Array(3).fill(99));
    await k.launch(1, [xi, outI, 3, 2, 4]);
    expect([...(await outI.read())]).toEqual([2, -4, 6]);
  });

  it('takes names a bundler renamed (x -> x2), and names given by the params option', async () => {
    const device = await testDevice();
    // What esbuild prints when module-level x, out and BLOCK exist.
    const renamed = scaleSource.replace('scale(x, out, n, factor, BLOCK)', 'scaleRenamed(x2, out2, n, factor, BLOCK2)')
      .replace(/\bx \+/g, 'x2 +').replace(/\bout \+/g, 'out2 +').replace(/\bBLOCK\b/g, 'BLOCK2');
    const x = Float32Array.from({ length: 70 }, (_, i) => i);
    const tx = device.tensor(x);
    const out = device.tensor(new Float32Array(70).fill(NaN));
    const k = kernel(renamed, { constexprs: ['BLOCK'], types: { factor: 'f32' } });
    await k.launch(3, { x: tx, out, n: 70, factor: 0.5, BLOCK: 32 });
    expect([...(await out.read())]).toEqual([...reference(x, 0.5)]);

    const minified = `function s(a, b, c, d, e) {
  const o = tl.programId(0) * e + tl.arange(0, e);
  tl.store(b + o, tl.load(a + o, { mask: o < c }) * d, { mask: o < c });
}`;
    const named = kernel(minified, { params: ['x', 'out', 'n', 'factor', 'BLOCK'], constexprs: ['BLOCK'], types: { factor: 'f32' } });
    const out2 = device.tensor(new Float32Array(70).fill(NaN));
    await named.launch(3, { x: tx, out: out2, n: 70, factor: 2, BLOCK: 32 });
    expect([...(await out2.read())]).toEqual([...reference(x, 2)]);
  });

  it('compiles a kernel given as a typed TypeScript function', async () => {
    const device = await testDevice();
    const add = kernel(
      function addOne(x: number, out: number, n: number, BLOCK: number) {
        const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
        tl.store(out + offs, tl.load(x + offs, { mask: offs < n }) + 1, { mask: offs < n });
      },
      { constexprs: ['BLOCK'] },
    );
    const x = device.tensor(new Float32Array([1, 2, 3]));
    const out = device.tensor(new Float32Array(3).fill(NaN));
    await add.launch(1, { x, out, n: 3, BLOCK: 4 });
    expect([...(await out.read())]).toEqual([2, 3, 4]);
  });
});
