// Triton tutorial 05, layer norm forward (`_layer_norm_fwd_fused`): one
// program per row; three passes over the row in BLOCK_SIZE chunks, each
// accumulating into a loop-carried tile: the mean, then the (biased) variance,
// then y = (x - mean) * rstd * w + b. Mean and Rstd are stored per row for a
// backward pass.

import { kernel, tl as tlImport, type TesseraDevice } from '../index.js';
import {
  freshCompileMs,
  maxAbsErr,
  nextPowerOf2,
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

export const layerNormKernel = kernel(
  function _layer_norm_fwd_fused(X, Y, W, B, Mean, Rstd, stride, N, eps, BLOCK_SIZE) {
    const row = tl.programId(0);
    X += row * stride;
    Y += row * stride;
    // Mean.
    let _mean = tl.zeros([BLOCK_SIZE], tl.float32);
    for (let off = 0; off < N; off += BLOCK_SIZE) {
      const cols = off + tl.arange(0, BLOCK_SIZE);
      const a = tl.load(X + cols, { mask: cols < N, other: 0.0 });
      _mean += a;
    }
    const mean = tl.sum(_mean, 0) / N;
    // Variance.
    let _var = tl.zeros([BLOCK_SIZE], tl.float32);
    for (let off = 0; off < N; off += BLOCK_SIZE) {
      const cols = off + tl.arange(0, BLOCK_SIZE);
      let x = tl.load(X + cols, { mask: cols < N, other: 0.0 });
      x = tl.where(cols < N, x - mean, 0.0);
      _var += x * x;
    }
    const variance = tl.sum(_var, 0) / N;
    const rstd = 1 / tl.sqrt(variance + eps);
    tl.store(Mean + row, mean);
    tl.store(Rstd + row, rstd);
    // Normalize and apply the affine transform.
    for (let off = 0; off < N; off += BLOCK_SIZE) {
      const cols = off + tl.arange(0, BLOCK_SIZE);
      const mask = cols < N;
      const w = tl.load(W + cols, { mask });
      const b = tl.load(B + cols, { mask });
      const x = tl.load(X + cols, { mask, other: 0.0 });
      const x_hat = (x - mean) * rstd;
      const y = x_hat * w + b;
      tl.store(Y + cols, y, { mask });
    }
  },
  { constexprs: ['BLOCK_SIZE'], types: { eps: 'f32' } },
);

/**
 * Columns per chunk: the next power of two >= N, capped at 512 so that wide
 * rows loop (the tutorial caps at 64 KiB per row chunk, sized for CUDA
 * registers; a WebGPU invocation holds far fewer values).
 */
export function layerNormBlock(n: number): number {
  return Math.min(512, nextPowerOf2(n));
}

export interface LayerNormReference {
  readonly y: Float64Array;
  readonly mean: Float64Array;
  readonly rstd: Float64Array;
}

/** Layer norm of each row (row stride `stride`) in float64, with the biased variance. */
export function layerNormReference(
  x: Float32Array,
  w: Float32Array,
  b: Float32Array,
  rows: number,
  cols: number,
  stride: number,
  eps: number,
): LayerNormReference {
  const y = new Float64Array(rows * stride).fill(NaN);
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = Array.from(x.subarray(r * stride, r * stride + cols));
    const m = row.reduce((s, v) => s + v, 0) / cols;
    const v = row.reduce((s, xi) => s + (xi - m) ** 2, 0) / cols;
    const rs = 1 / Math.sqrt(v + eps);
    row.forEach((xi, c) => (y[r * stride + c] = (xi - m) * rs * (w[c] ?? NaN) + (b[c] ?? NaN)));
    mean[r] = m;
    rstd[r] = rs;
  }
  return { y, mean, rstd };
}

export interface LayerNormSizes {
  readonly rows: number;
  readonly cols: number;
}

/** Absolute, on y (inputs in [-1, 1), weights in [0.5, 1.5)), mean and rstd. */
export const LAYER_NORM_TOLERANCE = 1e-4;
/** Extra columns per row of X and Y: X's are NaN, Y's must stay unwritten. */
export const ROW_PADDING = 1;
export const EPS = 1e-5;

export async function run(
  device: TesseraDevice,
  { rows, cols }: LayerNormSizes,
  options: RunOptions = {},
): Promise<ExampleResult> {
  const stride = cols + ROW_PADDING;
  const x = randomF32(rows * stride);
  for (let r = 0; r < rows; r++) x.fill(NaN, r * stride + cols, (r + 1) * stride);
  const w = randomF32(cols, 0.5, 1.5);
  const b = randomF32(cols);
  const y = poisoned(device, rows * stride);
  const mean = poisoned(device, rows);
  const rstd = poisoned(device, rows);
  const args = {
    X: device.tensor(x),
    Y: y,
    W: device.tensor(w),
    B: device.tensor(b),
    Mean: mean,
    Rstd: rstd,
    stride,
    N: cols,
    eps: EPS,
    BLOCK_SIZE: layerNormBlock(cols),
  };
  const k = options.kernel ?? layerNormKernel;
  const compileMs = freshCompileMs(k, args, device, options);
  await k.launch(rows, args);
  const ref = layerNormReference(x, w, b, rows, cols, stride, EPS);
  const err = Math.max(
    maxAbsErr(await y.read(), (i) => (Number.isNaN(ref.y[i]) ? undefined : ref.y[i])),
    maxAbsErr(await mean.read(), (i) => ref.mean[i]),
    maxAbsErr(await rstd.read(), (i) => ref.rstd[i]),
  );
  const kernelMs = await timeLaunches(
    () => k.launch(rows, args, { wait: true }),
    options.timedRuns ?? 0,
  );
  for (const t of [args.X, args.W, args.B, y, mean, rstd]) t.destroy();
  return result(err, LAYER_NORM_TOLERANCE, compileMs, kernelMs);
}
