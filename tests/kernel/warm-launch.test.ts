// The warm-launch shortcuts (compiler/launch-memo.ts, and in runtime/dispatch.ts
// the skipped uniform rewrite and the reused bind group): launches that repeat
// the previous one's arguments take them; anything that changed between two
// launches, even by mutating the same argument object or only the options,
// must still reach the GPU. Launches are not awaited one by one, so queue
// order is what keeps each result apart.

import { describe, expect, it } from 'vitest';
import { kernel, runtimeStats, tl as tlImport } from '../../index.js';
import { testDevice } from '../runtime/device-helper.js';

// Vitest rewrites imported bindings in function sources; a local keeps `tl`.
const tl = tlImport;

const scaleSource = `function scaleWarm(x, out, n, factor, BLOCK) {
  const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
  tl.store(out + offs, tl.load(x + offs, { mask }) * factor, { mask });
}`;

const scaled = (x: Float32Array, factor: number): number[] => Array.from(x, (v) => Math.fround(v * factor));

describe('warm launches', () => {
  it('sees scalars and tensors changed in the same argument object between launches', async () => {
    const device = await testDevice();
    const k = kernel(scaleSource, { constexprs: ['BLOCK'], types: { factor: 'f32' } });
    const n = 1000;
    const x = Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
    const tx = device.tensor(x);
    const outs = [0, 1, 2].map(() => device.tensor(new Float32Array(n).fill(NaN)));
    const args: Record<string, number | (typeof outs)[number]> = { x: tx, out: outs[0] ?? tx, n, factor: 2, BLOCK: 128 };
    const grid = Math.ceil(n / 128);
    const reads: Promise<Float32Array>[] = [];
    // Same values twice (the shortcut), then a new factor, then a new output, then the first again.
    const steps: [number, number][] = [[0, 2], [0, 2], [0, 3], [1, 3], [2, 5], [0, 2]];
    for (const [outIndex, factor] of steps) {
      args.out = outs[outIndex] ?? tx;
      args.factor = factor;
      void k.launch(grid, args);
      reads.push((outs[outIndex] ?? tx).read());
    }
    const results = await Promise.all(reads);
    steps.forEach(([, factor], i) => expect([...(results[i] ?? [])]).toEqual(scaled(x, factor)));
  });

  it('compares fresh argument objects by value: equal ones repeat, different ones are seen', async () => {
    const device = await testDevice();
    const k = kernel(scaleSource.replace('scaleWarm(', 'scaleWarmFresh('), { constexprs: ['BLOCK'], types: { factor: 'f32' } });
    const n = 500;
    const x = Float32Array.from({ length: n }, (_, i) => i * 0.1 - 20);
    const tx = device.tensor(x);
    const [a, b] = [device.empty('f32', n), device.empty('f32', n)];
    const reads: Promise<Float32Array>[] = [];
    const steps: [typeof a, number][] = [[a, 2], [a, 2], [b, 2], [b, -3], [a, -3], [a, 0.5]];
    for (const [out, factor] of steps) {
      void k.launch(4, { x: tx, out, n, factor, BLOCK: 128 });
      reads.push(out.read());
    }
    const results = await Promise.all(reads);
    steps.forEach(([, factor], i) => expect([...(results[i] ?? [])]).toEqual(scaled(x, factor)));
    // Positional and named arguments never stand in for each other.
    await k.launch(4, [tx, b, n, 7, 128]);
    expect([...(await b.read())]).toEqual(scaled(x, 7));
  });

  it('does not reuse the previous specialization when only the options change', async () => {
    const device = await testDevice();
    const k = kernel(scaleSource.replace('scaleWarm(', 'scaleWarmOptions('), { constexprs: ['BLOCK'], types: { factor: 'f32' } });
    const n = 700;
    const x = Float32Array.from({ length: n }, (_, i) => i - 350.5);
    const out = device.tensor(new Float32Array(n).fill(NaN));
    const args = { x: device.tensor(x), out, n, factor: 1.5, BLOCK: 256 };
    const before = runtimeStats(device).pipelinesCreated;
    await k.launch(3, args);
    await k.launch(3, args, { wait: true }); // per-launch option: same pipeline
    expect(runtimeStats(device).pipelinesCreated - before).toBe(1);
    out.fill(NaN);
    await k.launch(3, args, { invocations: 32 });
    expect(runtimeStats(device).pipelinesCreated - before).toBe(2);
    expect([...(await out.read())]).toEqual(scaled(x, 1.5));
  });

  it('positional arguments: a changed element is seen', async () => {
    const device = await testDevice();
    const k = kernel(scaleSource.replace('scaleWarm(', 'scaleWarmPositional('), { constexprs: ['BLOCK'], types: { factor: 'f32' } });
    const n = 300;
    const x = Float32Array.from({ length: n }, (_, i) => i / 7);
    const out = device.tensor(new Float32Array(n).fill(NaN));
    const args: [ReturnType<typeof device.tensor>, ReturnType<typeof device.tensor>, number, number, number] = [device.tensor(x), out, n, 4, 128];
    await k.launch(3, args);
    expect([...(await out.read())]).toEqual(scaled(x, 4));
    args[3] = -0.5;
    await k.launch(3, args);
    expect([...(await out.read())]).toEqual(scaled(x, -0.5));
  });
});

describe('warm dispatches', () => {
  it('refuses a repeated launch once one of its tensors was destroyed', async () => {
    const device = await testDevice();
    const k = kernel(scaleSource.replace('scaleWarm(', 'scaleWarmDestroyed('), { constexprs: ['BLOCK'], types: { factor: 'f32' } });
    const n = 64;
    const out = device.empty('f32', n);
    const x = device.tensor(new Float32Array(n).fill(2));
    const args = { x, out, n, factor: 3, BLOCK: 64 };
    await k.launch(1, args);
    await k.launch(1, args);
    expect([...(await out.read())]).toEqual(new Array(n).fill(6));
    x.destroy();
    await expect(k.launch(1, args)).rejects.toThrow(/after destroy\(\)/);
  });

  it('sees a scalar changed in the same scalars object passed to dispatch', async () => {
    const device = await testDevice();
    const k = kernel(scaleSource.replace('scaleWarm(', 'scaleWarmDispatch('), { constexprs: ['BLOCK'], types: { factor: 'f32' } });
    const n = 100;
    const x = Float32Array.from({ length: n }, (_, i) => i + 0.5);
    const out = device.empty('f32', n);
    const tx = device.tensor(x);
    const compiled = k.compile({ x: tx, out, n, factor: 1, BLOCK: 128 }, { device });
    const { dispatch } = await import('../../index.js');
    const tensors = { x: tx, out };
    const scalars: Record<string, number> = { n, factor: 2 };
    await dispatch(device, compiled, { tensors, scalars, grid: [1] });
    await dispatch(device, compiled, { tensors, scalars, grid: [1] });
    expect([...(await out.read())]).toEqual(scaled(x, 2));
    scalars.factor = -1;
    void dispatch(device, compiled, { tensors, scalars, grid: [1] });
    expect([...(await out.read())]).toEqual(scaled(x, -1));
  });
});
