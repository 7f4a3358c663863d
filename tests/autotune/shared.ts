// What the autotuner tests and their second process share: the tutorial
// matmul at one small shape, its configs (one of them over the device's
// workgroup memory, one over its invocations), and a check of the result.

import type { AutotuneConfig, TesseraDevice, Tensor } from '../../index.js';
import { matmulReference, matmulTolerance } from '../../examples/matmul.js';

export const SIZE = { M: 40, N: 24, K: 33 } as const;

export const CONFIGS: readonly AutotuneConfig[] = [
  { constexprs: { BLOCK_SIZE_M: 16, BLOCK_SIZE_N: 16, BLOCK_SIZE_K: 8, GROUP_SIZE_M: 2 }, invocations: 32, dotStrategy: 'registers' },
  { constexprs: { BLOCK_SIZE_M: 16, BLOCK_SIZE_N: 16, BLOCK_SIZE_K: 8, GROUP_SIZE_M: 2 }, invocations: 32, dotStrategy: 'workgroup' },
  // (128 x 64 + 64 x 128) f32 = 64 KiB of staging: more than any default device allows.
  { constexprs: { BLOCK_SIZE_M: 128, BLOCK_SIZE_N: 128, BLOCK_SIZE_K: 64, GROUP_SIZE_M: 2 }, invocations: 64, dotStrategy: 'workgroup' },
  // More invocations than WebGPU allows per workgroup.
  { constexprs: { BLOCK_SIZE_M: 16, BLOCK_SIZE_N: 16, BLOCK_SIZE_K: 8, GROUP_SIZE_M: 2 }, invocations: 2048, dotStrategy: 'registers' },
];
/** Indices of the configs that must be pruned. */
export const OVER_LIMIT = [2, 3] as const;

export function inputs(device: TesseraDevice) {
  const { M, N, K } = SIZE;
  // Deterministic values, so both processes compute the same product.
  const a = Float32Array.from({ length: M * K }, (_, i) => ((i * 7) % 13) / 13 - 0.5);
  const b = Float32Array.from({ length: K * N }, (_, i) => ((i * 5) % 11) / 11 - 0.5);
  const c = device.empty('f32', M * N);
  c.fill(NaN);
  const args = {
    a_ptr: device.tensor(a),
    b_ptr: device.tensor(b),
    c_ptr: c,
    M,
    N,
    K,
    stride_am: K,
    stride_ak: 1,
    stride_bk: N,
    stride_bn: 1,
    stride_cm: N,
    stride_cn: 1,
    ACTIVATION: 0,
  };
  const grid = (meta: Readonly<Record<string, unknown>>): number =>
    Math.ceil(M / Number(meta['BLOCK_SIZE_M'])) * Math.ceil(N / Number(meta['BLOCK_SIZE_N']));
  return { a, b, c, args, grid };
}

/** Largest |error| of c against the float64 product (Infinity for NaN), and the tolerance. */
export async function error(a: Float32Array, b: Float32Array, c: Tensor): Promise<{ err: number; tolerance: number }> {
  const { M, N, K } = SIZE;
  const expected = matmulReference(a, b, M, N, K);
  const got = await c.read();
  let err = 0;
  for (let i = 0; i < M * N; i++) {
    const d = Math.abs((got[i] ?? NaN) - (expected[i] ?? NaN));
    err = Number.isNaN(d) ? Infinity : Math.max(err, d);
  }
  return { err, tolerance: matmulTolerance(K) };
}
