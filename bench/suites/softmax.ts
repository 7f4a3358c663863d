// Fused softmax, 4096 x 1024 f32 (Triton tutorial 02): Tessera's default and
// uncoalesced builds, tfjs's softmax (one fused WebGPU program), and the copy
// and FMA ceilings, interleaved. Bytes: one read and one write per element;
// FLOPs: 5 per element by convention (max, subtract, exp, add, divide; exp
// counted as one).

import { randomF32 } from '../../examples/harness.js';
import { softmaxKernel, softmaxReference, SOFTMAX_TOLERANCE } from '../../examples/softmax.js';
import { measureWorkloads, tfjsOf, type BenchCandidate, type Suite, type Workload } from '../suite.js';
import { timeTfjsOnce } from '../tfjs.js';
import {
  ceilingWorkloads,
  gridCopyWorkload,
  GRID_COPY_NOTE,
  checkRow,
  coalescingTarget,
  copyTarget,
  kernelSection,
  ratiosOf,
  sampleRows,
  tesseraCandidates,
  type TesseraSpec,
} from './kernels.js';

export const SOFTMAX_ROWS = 4096;
export const SOFTMAX_COLS = 1024;

export const softmaxSuite: Suite = {
  name: 'softmax',
  usesCeilings: true,
  run: async (ctx) => {
    const { device } = ctx;
    const [rows, cols] = [SOFTMAX_ROWS, SOFTMAX_COLS];
    const x = randomF32(rows * cols, -4, 4);
    const input = device.tensor(x);
    const output = device.empty('f32', rows * cols);
    const size = `${rows} x ${cols} f32`;
    const spec: TesseraSpec = {
      label: 'fused softmax',
      kernel: softmaxKernel,
      grid: rows,
      args: {
        output_ptr: output,
        input_ptr: input,
        input_row_stride: cols,
        output_row_stride: cols,
        n_cols: cols,
        BLOCK_SIZE: cols,
      },
      size,
      bytes: 2 * 4 * rows * cols,
      flops: 5 * rows * cols,
    };
    const candidates: BenchCandidate[] = [...tesseraCandidates(ctx, spec)];
    const tfjs = tfjsOf(ctx);
    const ax = tfjs?.tf.tensor2d(x, [rows, cols]);
    if (tfjs && ax) {
      candidates.push({
        name: 'softmax (TensorFlow.js WebGPU, tf.softmax)',
        size,
        bytes: spec.bytes,
        flops: spec.flops,
        role: 'tfjs',
        run: () => timeTfjsOnce(tfjs, () => tfjs.tf.softmax(ax)),
      });
    }
    const own: Workload = {
      candidates,
      verify: async () => {
        const ours = await output.read();
        const theirs = tfjs && ax ? await tfjs.tf.softmax(ax).data() : undefined;
        for (const r of sampleRows(rows)) {
          const ref = softmaxReference(x.subarray(r * cols, (r + 1) * cols), 1, cols, cols);
          checkRow('Tessera softmax', ours, ref, r, cols, SOFTMAX_TOLERANCE);
          if (theirs) checkRow('tfjs softmax', theirs, ref, r, cols, SOFTMAX_TOLERANCE);
        }
      },
      destroy: () => {
        [input, output].forEach((t) => t.destroy());
        ax?.dispose();
      },
    };
    const measured = await measureWorkloads(ctx, [...ceilingWorkloads(ctx, rows * cols), gridCopyWorkload(ctx, rows * cols, cols), own]);
    const ratios = ratiosOf(measured);
    const vsTfjs = ratios.vsTfjs;
    return {
      sections: [
        kernelSection(`Fused softmax, ${size}`, measured, [
          'Bytes: 1 read + 1 write of 4 bytes per element; FLOPs: 5 per element (max, subtract, exp, add, divide).',
          'One program per row, BLOCK_SIZE = 1024 (the whole row is one tile).',
          GRID_COPY_NOTE,
          ...(tfjs ? [] : [`TensorFlow.js not measured: ${'problem' in ctx.tfjs ? ctx.tfjs.problem : ''}`]),
        ]),
      ],
      targets: [
        copyTarget('fused softmax 4096 x 1024', 0.8, ratios),
        {
          target: 'fused softmax 4096 x 1024: >= 3x TensorFlow.js softmax',
          measured: Number.isFinite(vsTfjs) ? `${vsTfjs.toFixed(2)}x tfjs` : 'tfjs not measured',
          met: Number.isFinite(vsTfjs) ? vsTfjs >= 3 : null,
        },
        coalescingTarget('fused softmax', measured, ratios),
      ],
    };
  },
};
