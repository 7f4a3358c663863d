// Every example on the device, at awkward sizes (not multiples of the block,
// single rows and elements, one block exactly), on fresh random inputs, with
// outputs poisoned (NaN) and guard elements past the end that must stay NaN.
// Each is checked against its float64 reference in plain TypeScript.
//
// Tolerances (max absolute error, f32 kernels):
//   vector add  1e-6  (one f32 rounding of a sum of values in [-1, 1))
//   softmax     1e-5  (outputs in [0, 1])
//   layer norm  1e-4  (y, Mean and Rstd; inputs in [-1, 1), weights in [0.5, 1.5))
//   matmul      K * 2^-22 (an f32 sum of K products of values in [-1, 1))

import { describe, expect, it } from 'vitest';
import * as vectorAdd from '../../examples/vector-add.js';
import * as softmax from '../../examples/softmax.js';
import * as layerNorm from '../../examples/layer-norm.js';
import * as matmul from '../../examples/matmul.js';
import { maxAbsErr, type ExampleResult } from '../../examples/harness.js';
import { testDevice } from '../runtime/device-helper.js';

function expectWithin(r: ExampleResult, tolerance: number): void {
  expect(r.tolerance).toBe(tolerance);
  expect(r.maxAbsErr).toBeLessThanOrEqual(tolerance);
  expect(r.ok).toBe(true);
}

describe('vector add (tutorial 01)', () => {
  it.each([1, 1000, 4097, 98432])('n = %i', async (n) => {
    expectWithin(await vectorAdd.run(await testDevice(), { n }), 1e-6);
  });
});

describe('fused softmax (tutorial 02)', () => {
  it.each([
    [37, 781],
    [1, 1],
    [5, 1024],
    [64, 100],
  ])('%i x %i', async (rows, cols) => {
    expectWithin(await softmax.run(await testDevice(), { rows, cols }), 1e-5);
  });
});

describe('layer norm forward (tutorial 05)', () => {
  it.each([
    [37, 781],
    [1, 1000],
    [16, 4096],
  ])('%i x %i', async (rows, cols) => {
    expectWithin(await layerNorm.run(await testDevice(), { rows, cols }), 1e-4);
  });
});

describe('matmul (tutorial 03)', () => {
  it.each([
    [1, 1, 1, 'row', 'row', false],
    [127, 255, 65, 'col', 'padded', true],
    [300, 200, 513, 'row', 'col', false],
  ] as const)('%i x %i x %i (A %s, B %s, leaky ReLU %s)', async (m, n, k, aLayout, bLayout, activation) => {
    const r = await matmul.run(await testDevice(), { m, n, k, aLayout, bLayout, activation });
    expectWithin(r, matmul.matmulTolerance(k));
  });
});

describe('the harness catches what poisoning is for', () => {
  it('an unwritten element (NaN) or a written guard is an infinite error', () => {
    const expected = (i: number): number | undefined => (i < 3 ? 1 : undefined);
    expect(maxAbsErr(Float32Array.of(1, 1, 1.5, NaN), expected)).toBe(0.5);
    expect(maxAbsErr(Float32Array.of(1, NaN, 1, NaN), expected)).toBe(Infinity);
    expect(maxAbsErr(Float32Array.of(1, 1, 1, 0), expected)).toBe(Infinity);
  });
});
