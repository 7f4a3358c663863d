// Triton tutorial 01, vector addition: each program adds one BLOCK-sized
// chunk of x and y into output, masking the ragged last chunk.

import { kernel, tl as tlImport, type TesseraDevice } from '../index.js';
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

export const addKernel = kernel(
  function add_kernel(x_ptr, y_ptr, output_ptr, n_elements, BLOCK_SIZE) {
    const pid = tl.programId(0);
    const block_start = pid * BLOCK_SIZE;
    const offsets = block_start + tl.arange(0, BLOCK_SIZE);
    const mask = offsets < n_elements;
    const x = tl.load(x_ptr + offsets, { mask });
    const y = tl.load(y_ptr + offsets, { mask });
    tl.store(output_ptr + offsets, x + y, { mask });
  },
  { constexprs: ['BLOCK_SIZE'] },
);

/**
 * The block size the tutorial uses. (Module-level names must differ from the
 * kernel's parameter names: esbuild renames a parameter that shadows one.)
 */
export const VECTOR_ADD_BLOCK = 1024;

/** The reference: x + y in float64. */
export function vectorAddReference(x: Float32Array, y: Float32Array): Float64Array {
  return Float64Array.from(x, (xi, i) => xi + (y[i] ?? NaN));
}

export interface VectorAddSizes {
  readonly n: number;
}

/** Two f32 inputs rounded once: the error of one f32 addition of values in [-1, 1). */
export const VECTOR_ADD_TOLERANCE = 1e-6;

export async function run(
  device: TesseraDevice,
  { n }: VectorAddSizes,
  options: RunOptions = {},
): Promise<ExampleResult> {
  const x = randomF32(n);
  const y = randomF32(n);
  const output = poisoned(device, n);
  const args = {
    x_ptr: device.tensor(x),
    y_ptr: device.tensor(y),
    output_ptr: output,
    n_elements: n,
    BLOCK_SIZE: VECTOR_ADD_BLOCK,
  };
  const grid = Math.ceil(n / VECTOR_ADD_BLOCK);
  const k = options.kernel ?? addKernel;
  const compileMs = freshCompileMs(k, args, device, options);
  await k.launch(grid, args);
  const expected = vectorAddReference(x, y);
  const err = maxAbsErr(await output.read(), (i) => expected[i]);
  const kernelMs = await timeLaunches(
    () => k.launch(grid, args, { wait: true }),
    options.timedRuns ?? 0,
  );
  for (const t of [args.x_ptr, args.y_ptr, output]) t.destroy();
  return result(err, VECTOR_ADD_TOLERANCE, compileMs, kernelMs);
}
