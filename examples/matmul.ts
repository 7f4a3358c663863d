// Triton tutorial 03, matrix multiplication: C = A x B (optionally followed
// by a fused leaky ReLU). Each program computes one BLOCK_SIZE_M x
// BLOCK_SIZE_N block of C, looping over K in BLOCK_SIZE_K steps and advancing
// its A and B pointer tiles; programs are ordered in groups of GROUP_SIZE_M
// block-rows so that programs running together reuse the same B columns
// ("grouped ordering", for cache reuse). Strides are arguments, so
// transposed or padded views of A, B and C work unchanged.

import { kernel, tl as tlImport, type DotStrategy, type TesseraDevice } from '../index.js';
import {
  freshCompileMs,
  maxAbsErr,
  poisoned,
  randomF32,
  result,
  timeLaunches,
  type ExampleResult,
  type RunOptions,
} from './harness.js';

// Kernels are compiled from their source text. Vitest rewrites references to
// imported bindings (tl -> __vite_ssr_import_0__.tl), which would reach that
// text; a local binding keeps `tl` as is.
const tl = tlImport;

export const matmulKernel = kernel(
  function matmul_kernel(
    a_ptr,
    b_ptr,
    c_ptr,
    M,
    N,
    K,
    stride_am,
    stride_ak,
    stride_bk,
    stride_bn,
    stride_cm,
    stride_cn,
    BLOCK_SIZE_M,
    BLOCK_SIZE_N,
    BLOCK_SIZE_K,
    GROUP_SIZE_M,
    ACTIVATION,
  ) {
    // Map the program id to the block of C it computes, in grouped order.
    const pid = tl.programId(0);
    const num_pid_m = tl.cdiv(M, BLOCK_SIZE_M);
    const num_pid_n = tl.cdiv(N, BLOCK_SIZE_N);
    const num_pid_in_group = GROUP_SIZE_M * num_pid_n;
    const group_id = pid / num_pid_in_group;
    const first_pid_m = group_id * GROUP_SIZE_M;
    const group_size_m = tl.minimum(num_pid_m - first_pid_m, GROUP_SIZE_M);
    const pid_m = first_pid_m + ((pid % num_pid_in_group) % group_size_m);
    const pid_n = (pid % num_pid_in_group) / group_size_m;

    // Pointers to the first blocks of A and B. Rows of A and columns of B
    // past the edge wrap around (% M, % N): they read real memory, and the
    // results they produce are masked off at the store.
    const offs_am = (pid_m * BLOCK_SIZE_M + tl.arange(0, BLOCK_SIZE_M)) % M;
    const offs_bn = (pid_n * BLOCK_SIZE_N + tl.arange(0, BLOCK_SIZE_N)) % N;
    const offs_k = tl.arange(0, BLOCK_SIZE_K);
    let a_ptrs = a_ptr + (tl.expandDims(offs_am, 1) * stride_am + tl.expandDims(offs_k, 0) * stride_ak);
    let b_ptrs = b_ptr + (tl.expandDims(offs_k, 1) * stride_bk + tl.expandDims(offs_bn, 0) * stride_bn);

    // Accumulate a block of C in f32, K in BLOCK_SIZE_K steps; the last
    // step's missing K elements load as 0.
    let accumulator = tl.zeros([BLOCK_SIZE_M, BLOCK_SIZE_N], tl.float32);
    for (let k = 0; k < tl.cdiv(K, BLOCK_SIZE_K); k++) {
      const a = tl.load(a_ptrs, { mask: tl.expandDims(offs_k, 0) < K - k * BLOCK_SIZE_K, other: 0 });
      const b = tl.load(b_ptrs, { mask: tl.expandDims(offs_k, 1) < K - k * BLOCK_SIZE_K, other: 0 });
      accumulator = tl.dot(a, b, accumulator);
      a_ptrs += BLOCK_SIZE_K * stride_ak;
      b_ptrs += BLOCK_SIZE_K * stride_bk;
    }
    let c = accumulator;
    // The fused activation (the tutorial's leaky_relu), chosen at compile time.
    if (ACTIVATION == 1) c = tl.where(c >= 0, c, 0.01 * c);

    const offs_cm = pid_m * BLOCK_SIZE_M + tl.arange(0, BLOCK_SIZE_M);
    const offs_cn = pid_n * BLOCK_SIZE_N + tl.arange(0, BLOCK_SIZE_N);
    const c_ptrs = c_ptr + stride_cm * tl.expandDims(offs_cm, 1) + stride_cn * tl.expandDims(offs_cn, 0);
    const c_mask = tl.expandDims(offs_cm, 1) < M && tl.expandDims(offs_cn, 0) < N;
    tl.store(c_ptrs, c, { mask: c_mask });
  },
  { constexprs: ['BLOCK_SIZE_M', 'BLOCK_SIZE_N', 'BLOCK_SIZE_K', 'GROUP_SIZE_M', 'ACTIVATION'] },
);

/** Launch configuration: the constexpr block sizes plus launch options. */
export interface MatmulConfig {
  readonly BLOCK_SIZE_M: number;
  readonly BLOCK_SIZE_N: number;
  readonly BLOCK_SIZE_K: number;
  readonly GROUP_SIZE_M: number;
  readonly invocations: number;
  readonly dotStrategy: DotStrategy;
}

/**
 * The example's fixed configuration: a 64 x 64 block of C per program, 8 x 8
 * outputs per invocation. The matmul benchmark (bench/suites/matmul.ts) autotunes instead.
 */
export const MATMUL_CONFIG: MatmulConfig = {
  BLOCK_SIZE_M: 64,
  BLOCK_SIZE_N: 64,
  BLOCK_SIZE_K: 8,
  GROUP_SIZE_M: 8,
  invocations: 64,
  dotStrategy: 'registers',
};

/** The tutorial's grid: one program per block of C. */
export function matmulGrid(m: number, n: number, config: Pick<MatmulConfig, 'BLOCK_SIZE_M' | 'BLOCK_SIZE_N'>): number {
  return Math.ceil(m / config.BLOCK_SIZE_M) * Math.ceil(n / config.BLOCK_SIZE_N);
}

/**
 * How a matrix is laid out in its buffer: 'row' (row-major), 'col' (stored
 * transposed: column-major), or 'padded' (row-major with 3 extra elements per
 * row, filled with NaN that must never be read).
 */
export type MatrixLayout = 'row' | 'col' | 'padded';

export const MATRIX_PADDING = 3;

/** A rows x cols matrix in a buffer with the given layout; returns the buffer and strides. */
export function layOut(
  values: Float32Array,
  rows: number,
  cols: number,
  layout: MatrixLayout,
): { data: Float32Array; rowStride: number; colStride: number } {
  const rowStride = layout === 'col' ? 1 : layout === 'padded' ? cols + MATRIX_PADDING : cols;
  const colStride = layout === 'col' ? rows : 1;
  const size = layout === 'padded' ? rows * rowStride : rows * cols;
  const data = new Float32Array(size).fill(NaN);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) data[r * rowStride + c * colStride] = values[r * cols + c] ?? NaN;
  return { data, rowStride, colStride };
}

/** A (M x K) times B (K x N), both row-major, in float64; optionally leaky ReLU. */
export function matmulReference(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  activation = false,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let kk = 0; kk < k; kk++) {
      const x = a[i * k + kk] ?? NaN;
      for (let j = 0; j < n; j++) out[i * n + j] = (out[i * n + j] ?? 0) + x * (b[kk * n + j] ?? NaN);
    }
  }
  if (activation) for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i] ?? 0, 0.01 * (out[i] ?? 0));
  return out;
}

/**
 * Absolute tolerance for inputs in [-1, 1): an f32 sum of K products of
 * magnitude up to 1 (any order, fma or not) is within K * 2^-22 of the exact one.
 */
export function matmulTolerance(k: number): number {
  return Math.max(1, k) * 2 ** -22;
}

export interface MatmulSizes {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly aLayout?: MatrixLayout;
  readonly bLayout?: MatrixLayout;
  /** Fuse the leaky ReLU. */
  readonly activation?: boolean;
  readonly config?: MatmulConfig;
}

export async function run(
  device: TesseraDevice,
  { m, n, k, aLayout = 'row', bLayout = 'row', activation = false, config = MATMUL_CONFIG }: MatmulSizes,
  options: RunOptions = {},
): Promise<ExampleResult> {
  const aValues = randomF32(m * k);
  const bValues = randomF32(k * n);
  const a = layOut(aValues, m, k, aLayout);
  const b = layOut(bValues, k, n, bLayout);
  const c = poisoned(device, m * n);
  const { invocations, dotStrategy, ...blocks } = config;
  const args = {
    a_ptr: device.tensor(a.data),
    b_ptr: device.tensor(b.data),
    c_ptr: c,
    M: m,
    N: n,
    K: k,
    stride_am: a.rowStride,
    stride_ak: a.colStride,
    stride_bk: b.rowStride,
    stride_bn: b.colStride,
    stride_cm: n,
    stride_cn: 1,
    ...blocks,
    ACTIVATION: activation ? 1 : 0,
  };
  const launch = { invocations, dotStrategy };
  const kern = options.kernel ?? matmulKernel;
  const compileMs = freshCompileMs(kern, args, device, { ...options, launch });
  const grid = matmulGrid(m, n, config);
  await kern.launch(grid, args, launch);
  const expected = matmulReference(aValues, bValues, m, n, k, activation);
  const err = maxAbsErr(await c.read(), (i) => expected[i]);
  const kernelMs = await timeLaunches(() => kern.launch(grid, args, { ...launch, wait: true }), options.timedRuns ?? 0);
  c.destroy();
  args.a_ptr.destroy();
  args.b_ptr.destroy();
  return result(err, matmulTolerance(k), compileMs, kernelMs);
}
