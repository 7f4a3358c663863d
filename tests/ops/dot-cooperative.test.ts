// Cooperative loads of replicated tiles (codegen/cooperative-load.ts) in the
// matmul tutorial: with dotStrategy 'registers' and BLOCK_SIZE_M equal to
// one invocation's micro-tile rows, every invocation holds the whole a tile,
// and subgroup lanes share its loads (subgroupBroadcast). Checked against the
// float64 reference on shapes no block divides, with vec4 units (row-major),
// single-slot units (transposed, padded, misaligned K), and the run-time
// fallback (code generated for a subgroup size the device does not have).

import { describe, expect, it } from 'vitest';
import { dispatch } from '../../index.js';
import * as matmul from '../../examples/matmul.js';
import { randomF32 } from '../../examples/harness.js';
import { expectValidWgsl, testDevice } from './helpers.js';
import { runMatmulAndCompile } from './matmul-helpers.js';

/** 8 rows x 4 columns per invocation: BLOCK_SIZE_M = 8 rows is the whole micro-tile, so a is replicated. */
const replicatedA = (blockK: number, blockN = 64): matmul.MatmulConfig => ({
  BLOCK_SIZE_M: 8,
  BLOCK_SIZE_N: blockN,
  BLOCK_SIZE_K: blockK,
  GROUP_SIZE_M: 4,
  invocations: blockN / 4,
  dotStrategy: 'registers',
});

const broadcasts = (wgsl: string): number => (wgsl.match(/subgroupBroadcast\(/g) ?? []).length;

describe('cooperative loads of the replicated a tile', () => {
  it('the test device has subgroups of a fixed size (the path under test)', async () => {
    const device = await testDevice();
    expect(device.features.has('subgroups')).toBe(true);
    expect(device.adapterInfo.subgroupMaxSize).toBeGreaterThan(1);
  });

  it.each([
    [37, 48, 112, 8, 64],
    [300, 200, 512, 16, 64],
    [64, 200, 64, 8, 128],
  ] as const)('%i x %i x %i (BLOCK_K %i, BLOCK_N %i), row-major: vec4 units shared by the lanes, correct', async (m, n, k, blockK, blockN) => {
    const { r, compiled } = await runMatmulAndCompile({ m, n, k, config: replicatedA(blockK, blockN) });
    expect(broadcasts(compiled.wgsl)).toBeGreaterThan(0);
    expect(compiled.wgsl).toMatch(/coop\d+_0: vec4<f32>/);
    expect(r.maxAbsErr, `max abs error ${r.maxAbsErr} > ${r.tolerance}`).toBeLessThanOrEqual(r.tolerance);
  });

  it.each([
    ['col', 'row', 40, 64, 48],
    ['padded', 'padded', 33, 64, 40],
  ] as const)('a %s, b %s, %i x %i x %i: single-slot units, correct', async (aLayout, bLayout, m, n, k) => {
    const { r, compiled } = await runMatmulAndCompile({ m, n, k, aLayout, bLayout, config: replicatedA(8) });
    expect(broadcasts(compiled.wgsl)).toBeGreaterThan(0);
    expect(compiled.wgsl).toMatch(/coop\d+_0: f32/);
    expect(r.maxAbsErr, `max abs error ${r.maxAbsErr} > ${r.tolerance}`).toBeLessThanOrEqual(r.tolerance);
  });

  it('leaky ReLU fused, 127 x 255 x 65 (K misaligned, N odd): correct', async () => {
    const { r } = await runMatmulAndCompile({ m: 127, n: 255, k: 65, activation: true, config: replicatedA(8) });
    expect(r.maxAbsErr).toBeLessThanOrEqual(r.tolerance);
  });

  it('a micro-tile smaller than BLOCK_M (a not replicated) keeps plain loads', async () => {
    const { r, compiled } = await runMatmulAndCompile({ m: 70, n: 64, k: 64, config: { ...replicatedA(8), BLOCK_SIZE_M: 32, BLOCK_SIZE_N: 32, invocations: 32 } });
    expect(broadcasts(compiled.wgsl)).toBe(0);
    expect(r.maxAbsErr).toBeLessThanOrEqual(r.tolerance);
  });

  it.each([4, 16])('code generated for subgroups of %i takes the run-time fallback on this device, correct', async (subgroupSize) => {
    const device = await testDevice();
    expect(device.adapterInfo.subgroupMaxSize).not.toBe(subgroupSize);
    const [m, n, k] = [45, 80, 72];
    const config = replicatedA(8);
    const aValues = randomF32(m * k);
    const bValues = randomF32(k * n);
    const a = device.tensor(aValues);
    const b = device.tensor(bValues);
    const c = device.tensor(new Float32Array(m * n).fill(NaN));
    const { invocations, dotStrategy, ...blocks } = config;
    const args = { a_ptr: a, b_ptr: b, c_ptr: c, M: m, N: n, K: k, stride_am: k, stride_ak: 1, stride_bk: n, stride_bn: 1, stride_cm: n, stride_cn: 1, ...blocks, ACTIVATION: 0 };
    const compiled = matmul.matmulKernel.compile(args, { device, invocations, dotStrategy, subgroupSize });
    expect(compiled.wgsl).toContain(`sg_size == ${subgroupSize}u`);
    expect(compiled.manifest.specializationKey).toContain(`[sg=${subgroupSize}]`);
    await expectValidWgsl(device, compiled);
    const scalars = { M: m, N: n, K: k, stride_am: k, stride_ak: 1, stride_bk: n, stride_bn: 1, stride_cm: n, stride_cn: 1 };
    await dispatch(device, compiled, { tensors: { a_ptr: a, b_ptr: b, c_ptr: c }, scalars, grid: [matmul.matmulGrid(m, n, config)], wait: true });
    const got = await c.read();
    const expected = matmul.matmulReference(aValues, bValues, m, n, k);
    let err = 0;
    for (let i = 0; i < m * n; i++) err = Math.max(err, Math.abs((got[i] ?? NaN) - (expected[i] ?? NaN)) || (Number.isNaN(got[i]) ? Infinity : 0));
    expect(err).toBeLessThanOrEqual(matmul.matmulTolerance(k));
    [a, b, c].forEach((t) => t.destroy());
  });
});
