// Compile latency, source -> WGSL, per example: a fresh Kernel from the
// source text (parse included, no cache) compiled for the benchmark's own
// arguments. "first" is the first compile of that example in this process
// (the suite runs before anything else compiles, so the first example's first
// compile also pays for warming up the compiler's own code); "warm" is the
// median of fresh compiles once V8 has optimized the compiler (after some
// untimed ones); "no parse" times compile() alone on a
// kernel parsed beforehand. No GPU work happens: compile() only reads the
// device's limits and features, so the specialization matches a launch's.

import { kernel, type Kernel, type KernelArgs, type TesseraDevice } from '../../index.js';
import { addKernel, VECTOR_ADD_BLOCK } from '../../examples/vector-add.js';
import { softmaxKernel } from '../../examples/softmax.js';
import { EPS, layerNormBlock, layerNormKernel } from '../../examples/layer-norm.js';
import { freshCompileMs } from '../../examples/harness.js';
import { summarize } from '../stats.js';
import type { Suite } from '../suite.js';
import { VECTOR_N } from './vector-add.js';
import { SOFTMAX_COLS, SOFTMAX_ROWS } from './softmax.js';
import { LAYER_NORM_COLS, LAYER_NORM_ROWS } from './layer-norm.js';

const WARM_COMPILES = 40;
const JIT_WARMUP_COMPILES = 60;
/** The target: source -> WGSL median per example. */
const TARGET_MS = 2;

interface Example {
  readonly name: string;
  readonly kernel: Kernel;
  readonly args: (device: TesseraDevice) => KernelArgs;
}

/** One-element tensors stand in for the data: compile() only looks at dtypes and offsets. */
const examples: readonly Example[] = [
  {
    name: 'vector add',
    kernel: addKernel,
    args: (d) => ({ x_ptr: d.empty('f32', 1), y_ptr: d.empty('f32', 1), output_ptr: d.empty('f32', 1), n_elements: VECTOR_N, BLOCK_SIZE: VECTOR_ADD_BLOCK }),
  },
  {
    name: 'fused softmax',
    kernel: softmaxKernel,
    args: (d) => ({ output_ptr: d.empty('f32', 1), input_ptr: d.empty('f32', 1), input_row_stride: SOFTMAX_COLS, output_row_stride: SOFTMAX_COLS, n_cols: SOFTMAX_COLS, BLOCK_SIZE: SOFTMAX_COLS }),
  },
  {
    name: 'layer norm forward',
    kernel: layerNormKernel,
    args: (d) => {
      const t = (): ReturnType<TesseraDevice['empty']> => d.empty('f32', 1);
      return { X: t(), Y: t(), W: t(), B: t(), Mean: t(), Rstd: t(), stride: LAYER_NORM_COLS, N: LAYER_NORM_COLS, eps: EPS, BLOCK_SIZE: layerNormBlock(LAYER_NORM_COLS) };
    },
  },
];

function timeMs(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export const compileSuite: Suite = {
  name: 'compile',
  run: async (ctx) => {
    const { device } = ctx;
    const rows: string[][] = [];
    const medians: string[] = [];
    let allMet = true;
    for (const ex of examples) {
      const args = ex.args(device);
      const fresh = (): number => freshCompileMs(ex.kernel, args, device);
      const first = fresh();
      // V8 needs on the order of a hundred compiles to optimize the compiler's own code.
      for (let i = 0; i < JIT_WARMUP_COMPILES; i++) fresh();
      // The two measurements alternate, so load drifting during the loop hits both alike.
      const withParse: number[] = [];
      const withoutParse: number[] = [];
      for (let i = 0; i < WARM_COMPILES; i++) {
        withParse.push(fresh());
        const parsed = kernel(ex.kernel.source, ex.kernel.options);
        withoutParse.push(timeMs(() => void parsed.compile(args, { device })));
      }
      const warm = summarize(withParse);
      const noParse = summarize(withoutParse);
      for (const value of Object.values(args)) if (typeof value === 'object') value.destroy();
      rows.push([
        ex.name,
        first.toFixed(2),
        warm.median.toFixed(2),
        `${warm.min.toFixed(2)}-${warm.max.toFixed(2)}`,
        noParse.median.toFixed(2),
      ]);
      medians.push(`${ex.name} ${warm.median.toFixed(2)} ms`);
      allMet &&= warm.median <= TARGET_MS;
    }
    return {
      sections: [
        {
          title: 'Compile latency (source -> WGSL, no cache)',
          header: ['example', 'first ms', 'warm median ms', 'warm min-max ms', 'warm median ms, no parse'],
          rows,
          notes: [
            `Warm: median of ${WARM_COMPILES} fresh compiles (new Kernel from the source text each time), after the first and ${JIT_WARMUP_COMPILES} untimed ones (JIT warm-up).`,
            'First: the first compile of that example in this process; the first example also warms up the compiler code.',
          ],
        },
      ],
      targets: [
        {
          target: `compile latency: <= ${TARGET_MS} ms median per example, source -> WGSL`,
          measured: medians.join('; '),
          met: allMet,
        },
      ],
    };
  },
};
