// The matmul benchmark's device-side pieces compute what they are timed as:
// the hand-written WGSL baseline (valid WGSL, a product checked in full
// against float64), tfjs's tf.matMul on our device, and the sampled float64
// check the suite relies on (it accepts a right product and rejects a wrong
// one). No time is asserted.

import { describe, expect, it } from 'vitest';
import { dispatch } from '../../index.js';
import { HAND_WRITTEN_BLOCK, handWrittenMatmul, verifyMatmulSample } from '../../bench/matmul.js';
import { matmulSuite } from '../../bench/suites/matmul.js';
import { createTfjs } from '../../bench/tfjs.js';
import { maxAbsErr, randomF32 } from '../../examples/harness.js';
import { matmulReference, matmulTolerance } from '../../examples/matmul.js';
import { validateWgsl } from '../../runtime/validate.js';
import { testDevice } from '../runtime/device-helper.js';

// M, N: the hand-written kernel's block multiples; K: a multiple of 4 but not of 8 or 16.
const [M, N, K] = [128, 192, 68];

function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  return maxAbsErr(Float32Array.from(actual), (i) => expected[i]);
}

describe('matmul benchmark pieces', () => {
  it('the hand-written WGSL kernel is valid and computes the product', async () => {
    const device = await testDevice();
    const report = await validateWgsl(device, handWrittenMatmul.wgsl, handWrittenMatmul.manifest.kernelName);
    expect([...report.errors, ...report.warnings].map((m) => m.message)).toEqual([]);
    const a = randomF32(M * K);
    const b = randomF32(K * N);
    const ta = device.tensor(a);
    const tb = device.tensor(b);
    const tc = device.tensor(new Float32Array(M * N).fill(NaN));
    await dispatch(device, handWrittenMatmul, {
      tensors: { A: ta, B: tb, C: tc },
      scalars: { M, N, K },
      grid: [N / HAND_WRITTEN_BLOCK, M / HAND_WRITTEN_BLOCK],
      wait: true,
    });
    const c = await tc.read();
    expect(maxAbsDiff(c, matmulReference(a, b, M, N, K))).toBeLessThanOrEqual(matmulTolerance(K));
    expect(() => verifyMatmulSample('hand-written', c, a, b, M, N, K)).not.toThrow();
    [ta, tb, tc].forEach((t) => t.destroy());
  });

  it('tf.matMul on our device computes the product', async () => {
    const device = await testDevice();
    const tfjs = await createTfjs(device);
    const a = randomF32(M * K);
    const b = randomF32(K * N);
    const operands = [tfjs.tf.tensor2d(a, [M, K]), tfjs.tf.tensor2d(b, [K, N])] as const;
    const product = tfjs.tf.matMul(...operands);
    const c = await product.data();
    [...operands, product].forEach((t) => t.dispose());
    expect(maxAbsDiff(c, matmulReference(a, b, M, N, K))).toBeLessThanOrEqual(4 * matmulTolerance(K));
  });

  it('the sampled check rejects a wrong product', () => {
    const a = randomF32(M * K);
    const b = randomF32(K * N);
    const right = Float32Array.from(matmulReference(a, b, M, N, K));
    expect(() => verifyMatmulSample('exact', right, a, b, M, N, K)).not.toThrow();
    // Off by 1e-3 everywhere: more than the tolerance, so any sampled element fails.
    const wrong = right.map((v) => v + 1e-3);
    expect(() => verifyMatmulSample('shifted', wrong, a, b, M, N, K)).toThrow(/shifted: C\[\d+,\d+\]/);
    expect(() => verifyMatmulSample('unwritten', new Float32Array(M * N).fill(NaN), a, b, M, N, K)).toThrow(/unwritten/);
  });

  it('the matmul suite measures against the ceilings (so they run first)', () => {
    expect(matmulSuite.name).toBe('matmul');
    expect(matmulSuite.usesCeilings).toBe(true);
  });
});
