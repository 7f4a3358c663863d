// Vector add, 16M f32 (Triton tutorial 01): Tessera's default and uncoalesced
// builds, a naive hand-written WGSL add, tfjs's add, and the copy and FMA
// ceilings, interleaved. Bytes: two reads and one write per element; FLOPs: 1
// per element.

import { dispatch } from '../../index.js';
import { randomF32 } from '../../examples/harness.js';
import { addKernel, VECTOR_ADD_BLOCK } from '../../examples/vector-add.js';
import { grid2d, NAIVE_ADD_WORKGROUP, naiveAddKernel } from '../baselines.js';
import { measureWorkloads, tfjsOf, type BenchCandidate, type Suite, type Workload } from '../suite.js';
import { timeTfjsOnce } from '../tfjs.js';
import {
  ceilingWorkloads,
  gridCopyWorkload,
  GRID_COPY_NOTE,
  coalescingTarget,
  copyTarget,
  kernelSection,
  ratiosOf,
  tesseraCandidates,
  type TesseraSpec,
} from './kernels.js';
import { withWrites } from '../timing.js';

export const VECTOR_N = 16 * 1024 * 1024;

function check(what: string, actual: Float32Array, x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const expected = Math.fround((x[i] ?? NaN) + (y[i] ?? NaN));
    if (actual[i] !== expected) throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${expected}`);
  }
}

export const vectorAddSuite: Suite = {
  name: 'vector-add',
  usesCeilings: true,
  run: async (ctx) => {
    const { device, timer } = ctx;
    const n = VECTOR_N;
    const x = randomF32(n);
    const y = randomF32(n);
    const [tx, ty] = [device.tensor(x), device.tensor(y)];
    const [out, naiveOut] = [device.empty('f32', n), device.empty('f32', n)];
    const size = `${n} f32`;
    const spec: TesseraSpec = {
      label: 'vector add',
      kernel: addKernel,
      grid: Math.ceil(n / VECTOR_ADD_BLOCK),
      args: { x_ptr: tx, y_ptr: ty, output_ptr: out, n_elements: n, BLOCK_SIZE: VECTOR_ADD_BLOCK },
      size,
      bytes: 3 * 4 * n,
      flops: n,
    };
    const naiveGrid = grid2d(Math.ceil(n / NAIVE_ADD_WORKGROUP), device.limits.maxComputeWorkgroupsPerDimension);
    const candidates: BenchCandidate[] = [
      ...tesseraCandidates(ctx, spec),
      {
        name: 'vector add (naive WGSL, 1 element/invocation)',
        size,
        bytes: spec.bytes,
        flops: spec.flops,
        role: 'baseline',
        run: () =>
          timer.time((writes) =>
            dispatch(device, naiveAddKernel, withWrites({
              tensors: { x: tx, y: ty, out: naiveOut },
              scalars: { n },
              grid: naiveGrid,
            }, writes)),
          ),
      },
    ];
    const tfjs = tfjsOf(ctx);
    const tf = tfjs?.tf;
    const [ax, ay] = tf ? [tf.tensor1d(x), tf.tensor1d(y)] : [undefined, undefined];
    if (tfjs && ax && ay) {
      candidates.push({
        name: 'vector add (TensorFlow.js WebGPU, tf.add)',
        size,
        bytes: spec.bytes,
        flops: spec.flops,
        role: 'tfjs',
        run: () => timeTfjsOnce(tfjs, () => tfjs.tf.add(ax, ay)),
      });
    }
    const own: Workload = {
      candidates,
      verify: async () => {
        check('Tessera vector add', await out.read(), x, y);
        check('naive vector add', await naiveOut.read(), x, y);
        if (tfjs && ax && ay) {
          const sum = tfjs.tf.add(ax, ay);
          check('tfjs add', Float32Array.from(await sum.data()), x, y);
          sum.dispose();
        }
      },
      destroy: () => {
        [tx, ty, out, naiveOut].forEach((t) => t.destroy());
        ax?.dispose();
        ay?.dispose();
      },
    };
    const measured = await measureWorkloads(ctx, [...ceilingWorkloads(ctx, n), gridCopyWorkload(ctx, n, VECTOR_ADD_BLOCK), own]);
    const ratios = ratiosOf(measured);
    return {
      sections: [
        kernelSection(`Vector add, ${n} f32`, measured, [
          `Bytes: 2 reads + 1 write of 4 bytes per element; FLOPs: 1 per element. Tessera BLOCK_SIZE=${VECTOR_ADD_BLOCK}.`,
          GRID_COPY_NOTE,
          ...(tfjs ? [] : [`TensorFlow.js not measured: ${'problem' in ctx.tfjs ? ctx.tfjs.problem : ''}`]),
        ]),
      ],
      targets: [
        copyTarget('vector add 16M f32', 0.85, ratios),
        coalescingTarget('vector add', measured, ratios),
      ],
    };
  },
};
