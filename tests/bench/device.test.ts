// The benchmark's device-side pieces produce correct results: TensorFlow.js's
// WebGPU backend set up on OUR device (softmax, add, composed layer norm
// against float64 references), the hand-written ceiling kernels (valid WGSL,
// the copy copies, the FMA kernel computes what its reference says), and the
// pass timer on both clocks. Times are only checked to be numbers, never
// compared with anything.

import { describe, expect, it } from 'vitest';
import { COPY_SHAPES, copyKernel, copyWorkload, FMA_SHAPES, fmaKernel, fmaWorkload } from '../../bench/ceilings.js';
import { createTfjs, tfjsLayerNorm, timeTfjs, timeTfjsOnce } from '../../bench/tfjs.js';
import { PassTimer } from '../../bench/timing.js';
import { layerNormReference } from '../../examples/layer-norm.js';
import { softmaxReference } from '../../examples/softmax.js';
import { maxAbsErr, randomF32 } from '../../examples/harness.js';
import { validateWgsl } from '../../runtime/validate.js';
import { testDevice } from '../runtime/device-helper.js';

function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  return maxAbsErr(Float32Array.from(actual), (i) => expected[i]);
}

describe('TensorFlow.js on our device', () => {
  it('runs on the same GPUDevice and computes softmax, add and layer norm correctly', async () => {
    const device = await testDevice();
    const tfjs = await createTfjs(device);
    expect(tfjs.tf.getBackend()).toBe('webgpu');
    expect(tfjs.backend.device).toBe(device.gpu);
    // The temporary navigator.gpu is gone again (Node 20 has no navigator at all).
    const holder: { navigator?: { gpu?: unknown } } = globalThis;
    expect(holder.navigator?.gpu).toBeUndefined();

    const [rows, cols] = [37, 300];
    const x = randomF32(rows * cols, -4, 4);
    const tx = tfjs.tf.tensor2d(x, [rows, cols]);
    const softmax = await tfjs.tf.softmax(tx).data();
    expect(maxAbsDiff(softmax, softmaxReference(x, rows, cols, cols))).toBeLessThan(1e-5);

    const y = randomF32(rows * cols);
    const sum = await tfjs.tf.add(tx, tfjs.tf.tensor2d(y, [rows, cols])).data();
    expect(maxAbsDiff(sum, Float64Array.from(x, (v, i) => v + (y[i] ?? NaN)))).toBeLessThan(1e-6);

    const w = randomF32(cols, 0.5, 1.5);
    const b = randomF32(cols);
    const ln = await tfjsLayerNorm(tx, tfjs.tf.tensor1d(w), tfjs.tf.tensor1d(b), 1e-5).data();
    expect(maxAbsDiff(ln, layerNormReference(x, w, b, rows, cols, cols, 1e-5).y)).toBeLessThan(1e-4);

    // Timing runs the op without reading it back and yields numbers.
    const summary = await timeTfjs(tfjs, () => tfjs.tf.softmax(tx), { runs: 3, warmup: 1 });
    expect(summary.runs).toBe(3);
    expect(Number.isFinite(summary.median) && summary.min <= summary.median && summary.median <= summary.max).toBe(true);
    // A second set-up on the same device reuses the backend.
    expect((await createTfjs(device)).backend).toBe(tfjs.backend);
  });
});

describe('TensorFlow.js on the wall clock', () => {
  it('submits its recorded work validly (the open compute pass is ended first)', async () => {
    const device = await testDevice();
    const tfjs = await createTfjs(device, { wallClock: true });
    expect(tfjs.clock).toBe('wall-clock');
    const [rows, cols] = [64, 129];
    const x = randomF32(rows * cols, -3, 3);
    const tx = tfjs.tf.tensor2d(x, [rows, cols]);
    let kept: ReturnType<typeof tfjs.tf.softmax> | undefined;
    device.gpu.pushErrorScope('validation');
    const ms = await timeTfjsOnce(tfjs, () => {
      kept = tfjs.tf.softmax(tx);
    });
    expect(await device.gpu.popErrorScope()).toBeNull();
    expect(Number.isFinite(ms)).toBe(true);
    expect(maxAbsDiff((await kept?.data()) ?? [], softmaxReference(x, rows, cols, cols))).toBeLessThan(1e-5);
  });
});

describe('ceiling kernels', () => {
  it('emit WGSL Dawn accepts without warnings', async () => {
    const device = await testDevice();
    for (const kernel of [...COPY_SHAPES.map(copyKernel), ...FMA_SHAPES.map(fmaKernel)]) {
      const report = await validateWgsl(device, kernel.wgsl, kernel.manifest.kernelName);
      expect([...report.errors, ...report.warnings].map((m) => m.message), kernel.manifest.kernelName).toEqual([]);
    }
  });

  it('copy every element for every shape (a size that fills no workgroup evenly), and the FMA kernel matches its reference', async () => {
    const device = await testDevice();
    for (const wallClock of [false, true]) {
      const timer = new PassTimer(device, wallClock);
      expect(timer.clock).toBe(wallClock || !device.features.has('timestamp-query') ? 'wall-clock' : 'gpu-timestamps');
      const workloads = [
        ...COPY_SHAPES.map((shape) => copyWorkload(device, timer, 4 * 12_345, shape)),
        ...FMA_SHAPES.slice(0, 2).map((shape) => fmaWorkload(device, timer, shape)),
      ];
      for (const w of workloads) {
        for (const c of w.candidates) {
          const ms = await c.run();
          expect(Number.isFinite(ms) && ms >= 0, c.name).toBe(true);
        }
        await w.verify();
        w.destroy();
      }
      timer.destroy();
    }
  });

  it('the copy check notices a wrong copy', async () => {
    const device = await testDevice();
    const timer = new PassTimer(device);
    const w = copyWorkload(device, timer, 4 * 1000, COPY_SHAPES[0] ?? { workgroup: 64, vecs: 1, order: 'strided' });
    // Never launched: dst holds zeros, not the random source.
    await expect(w.verify()).rejects.toThrow(/copy ceiling: element 0/);
    w.destroy();
    timer.destroy();
  });
});
