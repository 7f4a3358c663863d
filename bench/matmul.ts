// The matmul benchmark's pieces: the sizes, the autotuner's candidate configs,
// the hand-written WGSL baseline (bench/matmul-baseline.wgsl: 8 x 4 outputs
// per invocation, vec4 loads, no workgroup memory) and the float64 sampled
// check of a product. The suite that times them against TensorFlow.js and the
// FMA ceiling is bench/suites/matmul.ts: `npm run bench -- --only matmul`.

import { readFileSync } from 'node:fs';
import type { AutotuneConfig, CompiledKernel } from '../index.js';
import { matmulTolerance } from '../examples/matmul.js';

/** M, N, K of the benchmarked products (f32, row-major). */
export const MATMUL_SIZES: readonly (readonly [number, number, number])[] = [
  [1024, 1024, 1024],
  [2048, 2048, 512],
];

/**
 * Candidates for the autotuner: block sizes, invocations and the dot
 * strategy. Kept few: on a software device each takes seconds to JIT-compile
 * and to run at these sizes (larger register micro-tiles, e.g. 128 x 64 x 8
 * on 64 invocations, took 30-90 s to JIT on lavapipe, as did 64 x 64 x 32 on
 * 64 invocations with vec4 operand loads (99 s), and BLOCK_SIZE_K 16 with
 * BLOCK_SIZE_M 8 took 18-22 s and ran 1.7x slower than BLOCK_SIZE_K 8, so
 * they are left out).
 *
 * The first three give each invocation 8 rows x 4 columns with BLOCK_SIZE_M
 * 8: every invocation then holds the whole a tile, which the subgroup's lanes
 * load cooperatively (compiler/codegen/cooperative-load.ts); on lavapipe that
 * halves the loads per fma and they win. 64 x 64 on 64 invocations (8 x 8 per
 * invocation, a not replicated) was the winner before them.
 */
export const MATMUL_CONFIGS: readonly AutotuneConfig[] = [
  { constexprs: { BLOCK_SIZE_M: 8, BLOCK_SIZE_N: 64, BLOCK_SIZE_K: 8, GROUP_SIZE_M: 8 }, invocations: 16, dotStrategy: 'registers' },
  { constexprs: { BLOCK_SIZE_M: 8, BLOCK_SIZE_N: 128, BLOCK_SIZE_K: 8, GROUP_SIZE_M: 8 }, invocations: 32, dotStrategy: 'registers' },
  { constexprs: { BLOCK_SIZE_M: 8, BLOCK_SIZE_N: 32, BLOCK_SIZE_K: 8, GROUP_SIZE_M: 8 }, invocations: 8, dotStrategy: 'registers' },
  { constexprs: { BLOCK_SIZE_M: 64, BLOCK_SIZE_N: 64, BLOCK_SIZE_K: 8, GROUP_SIZE_M: 8 }, invocations: 64, dotStrategy: 'registers' },
  { constexprs: { BLOCK_SIZE_M: 128, BLOCK_SIZE_N: 64, BLOCK_SIZE_K: 16, GROUP_SIZE_M: 8 }, invocations: 128, dotStrategy: 'workgroup' },
  // Over 32 KiB of workgroup memory (the default limit is 16 KiB): pruned before compiling.
  { constexprs: { BLOCK_SIZE_M: 128, BLOCK_SIZE_N: 128, BLOCK_SIZE_K: 32, GROUP_SIZE_M: 8 }, invocations: 256, dotStrategy: 'workgroup' },
];

/** Rows and columns of C one workgroup of the hand-written kernel covers. */
export const HAND_WRITTEN_BLOCK = 64;

/** bench/matmul-baseline.wgsl as a compiled kernel for dispatch(); M and N must be multiples of 64, K of 4. */
export const handWrittenMatmul: CompiledKernel = {
  wgsl: readFileSync(new URL('matmul-baseline.wgsl', import.meta.url), 'utf8'),
  manifest: {
    kernelName: 'matmul_baseline',
    entryPoint: 'main',
    specializationKey: 'bench:matmul-baseline.wgsl',
    workgroupSize: 128,
    buffers: [
      { kind: 'buffer', param: 'A', binding: 0, dtype: 'f32', access: 'read' },
      { kind: 'buffer', param: 'B', binding: 1, dtype: 'f32', access: 'read' },
      { kind: 'buffer', param: 'C', binding: 2, dtype: 'f32', access: 'read_write' },
    ],
    uniforms: [
      { param: 'M', dtype: 'u32', offset: 0 },
      { param: 'N', dtype: 'u32', offset: 4 },
      { param: 'K', dtype: 'u32', offset: 8 },
    ],
    uniformBinding: 3,
    uniformSize: 16,
    workgroupStorageBytes: 0,
    requiredFeatures: [],
    compilerVersion: 'hand-written',
  },
};

/** 256 random elements of C against a float64 reference (the full 1024^3 product in JS is slow); throws on a mismatch. */
export function verifyMatmulSample(what: string, c: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number, k: number): void {
  // Inputs are in [-1, 1); tfjs sums in another order: a looser bound than the tests.
  const tolerance = matmulTolerance(k) * 4;
  for (let s = 0; s < 256; s++) {
    const i = Math.floor(Math.random() * m);
    const j = Math.floor(Math.random() * n);
    let sum = 0;
    for (let kk = 0; kk < k; kk++) sum += (a[i * k + kk] ?? NaN) * (b[kk * n + j] ?? NaN);
    const got = c[i * n + j] ?? NaN;
    if (!(Math.abs(got - sum) <= tolerance)) throw new Error(`${what}: C[${i},${j}] = ${got}, expected ${sum} (tolerance ${tolerance})`);
  }
}

/** What bounds matmul on this device, measured (shown under the suite's table, also where targets are missed). */
export const MATMUL_WHY_MISSED: readonly string[] = [
  '- lavapipe runs 8 invocations as the lanes of 256-bit SIMD, and Mesa 25.0 treats only',
  '  addresses built from constants and uniforms as uniform: every load in the K loop is',
  '  carried out lane by lane and component by component (a bounds check, a branch, a scalar',
  '  load), so a vec4 load costs 32 scalar loads per subgroup. Matmul here is bound by those',
  '  loads, not by fmas. The hand-written kernel (8 x 4 per invocation) issues, per k and',
  '  subgroup, 64 lane-loads of A (8 rows, the same in every lane) and 32 of B for 32 vector',
  '  fmas: 18-21% of the FMA ceiling.',
  '- Tessera\'s winning configs (BLOCK_SIZE_M 8, 8 x 4 outputs per invocation) hold the whole',
  '  A tile in every invocation, so the lanes share its loads (cooperative loads with',
  '  subgroupBroadcast): 8 lane-loads of A per k instead of 64, B unchanged. Hand edits of the',
  '  generated WGSL measured 1.9x less CPU per product for that; the rest of the loop is B.',
  '- B cannot be shared (each lane needs its own columns) and its loads are already one per',
  '  element; 16 rows per invocation (half the B loads per fma) measured no faster here and',
  '  took 11-21 s to JIT. The K-edge masks on B (always true when BLOCK_SIZE_K divides K)',
  '  cost ~15% (hand edit without them); proving them true needs range analysis of the loop.',
];
