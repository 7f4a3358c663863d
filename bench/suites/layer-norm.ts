// Layer norm forward, 4096 x 1024 f32 (Triton tutorial 05's fused kernel):
// Tessera's default and uncoalesced builds, tfjs composed from tf.moments and
// tf.batchNorm (tfjs has no fused layer norm), and the copy and FMA ceilings,
// interleaved. Bytes: the minimum any layer norm must move, one read of X and
// one write of Y per element plus W, B, Mean and Rstd (the Triton kernel reads
// X three times, once per pass over the row). FLOPs: 8 per element by
// convention (1 for the mean, 3 for the variance, 4 to normalize and scale).

import { randomF32 } from '../../examples/harness.js';
import { EPS, LAYER_NORM_TOLERANCE, layerNormBlock, layerNormKernel, layerNormReference } from '../../examples/layer-norm.js';
import { measureWorkloads, tfjsOf, type BenchCandidate, type Suite, type Workload } from '../suite.js';
import { tfjsLayerNorm, timeTfjsOnce } from '../tfjs.js';
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

export const LAYER_NORM_ROWS = 4096;
export const LAYER_NORM_COLS = 1024;

export const layerNormSuite: Suite = {
  name: 'layer-norm',
  usesCeilings: true,
  run: async (ctx) => {
    const { device } = ctx;
    const [rows, cols] = [LAYER_NORM_ROWS, LAYER_NORM_COLS];
    const x = randomF32(rows * cols);
    const w = randomF32(cols, 0.5, 1.5);
    const b = randomF32(cols);
    const [tx, tw, tb] = [device.tensor(x), device.tensor(w), device.tensor(b)];
    const [ty, mean, rstd] = [device.empty('f32', rows * cols), device.empty('f32', rows), device.empty('f32', rows)];
    const size = `${rows} x ${cols} f32`;
    const block = layerNormBlock(cols);
    const spec: TesseraSpec = {
      label: 'layer norm forward',
      kernel: layerNormKernel,
      grid: rows,
      args: { X: tx, Y: ty, W: tw, B: tb, Mean: mean, Rstd: rstd, stride: cols, N: cols, eps: EPS, BLOCK_SIZE: block },
      size,
      bytes: 4 * (2 * rows * cols + 2 * cols + 2 * rows),
      flops: 8 * rows * cols,
    };
    const candidates: BenchCandidate[] = [...tesseraCandidates(ctx, spec)];
    const tfjs = tfjsOf(ctx);
    const tf = tfjs?.tf;
    const inputs = tf ? { x: tf.tensor2d(x, [rows, cols]), w: tf.tensor1d(w), b: tf.tensor1d(b) } : undefined;
    if (tfjs && inputs) {
      candidates.push({
        name: 'layer norm (TensorFlow.js WebGPU, tf.moments + tf.batchNorm)',
        size,
        bytes: spec.bytes,
        flops: spec.flops,
        role: 'tfjs',
        run: () => timeTfjsOnce(tfjs, () => tfjsLayerNorm(inputs.x, inputs.w, inputs.b, EPS)),
      });
    }
    const own: Workload = {
      candidates,
      verify: async () => {
        const [ours, ourMean, ourRstd] = [await ty.read(), await mean.read(), await rstd.read()];
        const theirs = inputs ? await tfjsLayerNorm(inputs.x, inputs.w, inputs.b, EPS).data() : undefined;
        for (const r of sampleRows(rows)) {
          const ref = layerNormReference(x.subarray(r * cols, (r + 1) * cols), w, b, 1, cols, cols, EPS);
          checkRow('Tessera layer norm', ours, ref.y, r, cols, LAYER_NORM_TOLERANCE);
          checkRow('Tessera layer norm mean', ourMean, ref.mean, r, 1, LAYER_NORM_TOLERANCE);
          checkRow('Tessera layer norm rstd', ourRstd, ref.rstd, r, 1, LAYER_NORM_TOLERANCE);
          if (theirs) checkRow('tfjs layer norm', theirs, ref.y, r, cols, LAYER_NORM_TOLERANCE);
        }
      },
      destroy: () => {
        [tx, tw, tb, ty, mean, rstd].forEach((t) => t.destroy());
        if (inputs) Object.values(inputs).forEach((t) => t.dispose());
      },
    };
    const measured = await measureWorkloads(ctx, [...ceilingWorkloads(ctx, rows * cols), gridCopyWorkload(ctx, rows * cols, cols), own]);
    const ratios = ratiosOf(measured);
    return {
      sections: [
        kernelSection(`Layer norm forward, ${size}`, measured, [
          'Bytes: the minimum (1 read of X + 1 write of Y per element, plus W, B, Mean, Rstd); the Triton-style kernel reads X three times.',
          `FLOPs: 8 per element. Tessera BLOCK_SIZE=${block}. tfjs has no fused layer norm: it is tf.moments then tf.batchNorm (several programs).`,
          GRID_COPY_NOTE,
          ...(tfjs ? [] : [`TensorFlow.js not measured: ${'problem' in ctx.tfjs ? ctx.tfjs.problem : ''}`]),
        ]),
      ],
      targets: [copyTarget('layer norm forward 4096 x 1024', 0.7, ratios), coalescingTarget('layer norm', measured, ratios)],
    };
  },
};
