// Triton tutorial 02, fused softmax: one program per row. The whole row is
// one tile (BLOCK_SIZE = the next power of two >= n_cols); padding lanes load
// -Infinity so they neither win the max nor add to the sum (exp(-inf) = 0).
// Rows are addressed through row strides, so the input may be padded.

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

export const softmaxKernel = kernel(
  function softmax_kernel(
    output_ptr,
    input_ptr,
    input_row_stride,
    output_row_stride,
    n_cols,
    BLOCK_SIZE,
  ) {
    const row_idx = tl.programId(0);
    const row_start_ptr = input_ptr + row_idx * input_row_stride;
    const col_offsets = tl.arange(0, BLOCK_SIZE);
    const mask = col_offsets < n_cols;
    const row = tl.load(row_start_ptr + col_offsets, { mask, other: -Infinity });
    const row_minus_max = row - tl.max(row, 0);
    const numerator = tl.exp(row_minus_max);
    const denominator = tl.sum(numerator, 0);
    const softmax_output = numerator / denominator;
    const output_row_start_ptr = output_ptr + row_idx * output_row_stride;
    tl.store(output_row_start_ptr + col_offsets, softmax_output, { mask });
  },
  { constexprs: ['BLOCK_SIZE'] },
);

/** Softmax of each row of a rows x cols matrix with row stride `stride`, in float64. */
export function softmaxReference(
  x: Float32Array,
  rows: number,
  cols: number,
  stride: number,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = Array.from(x.subarray(r * stride, r * stride + cols));
    const max = Math.max(...row);
    const exps = row.map((v) => Math.exp(v - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    exps.forEach((e, c) => (out[r * cols + c] = e / sum));
  }
  return out;
}

export interface SoftmaxSizes {
  readonly rows: number;
  readonly cols: number;
}

/** Absolute, on outputs in [0, 1]. */
export const SOFTMAX_TOLERANCE = 1e-5;
/** Extra input columns per row (filled with NaN) that the mask must keep out. */
export const INPUT_PADDING = 3;

export async function run(
  device: TesseraDevice,
  { rows, cols }: SoftmaxSizes,
  options: RunOptions = {},
): Promise<ExampleResult> {
  const inStride = cols + INPUT_PADDING;
  const x = randomF32(rows * inStride, -4, 4);
  for (let r = 0; r < rows; r++) x.fill(NaN, r * inStride + cols, (r + 1) * inStride);
  const output = poisoned(device, rows * cols);
  const args = {
    output_ptr: output,
    input_ptr: device.tensor(x),
    input_row_stride: inStride,
    output_row_stride: cols,
    n_cols: cols,
    BLOCK_SIZE: nextPowerOf2(cols),
  };
  const k = options.kernel ?? softmaxKernel;
  const compileMs = freshCompileMs(k, args, device, options);
  await k.launch(rows, args);
  const expected = softmaxReference(x, rows, cols, inStride);
  const err = maxAbsErr(await output.read(), (i) => expected[i]);
  const kernelMs = await timeLaunches(
    () => k.launch(rows, args, { wait: true }),
    options.timedRuns ?? 0,
  );
  output.destroy();
  args.input_ptr.destroy();
  return result(err, SOFTMAX_TOLERANCE, compileMs, kernelMs);
}
