// Matmul, f32, at 1024^3 and 2048 x 2048 x 512: Tessera's tutorial-03 matmul
// (examples/matmul.ts) autotuned over MATMUL_CONFIGS, TensorFlow.js's
// `tf.matMul` on the same device, the hand-written register-tiled WGSL kernel
// (bench/matmul-baseline.wgsl) and the shared FMA ceiling, timed in
// interleaved rounds on the shared timer. FLOPs: 2 M N K. Every product is
// checked on sampled elements against a float64 reference after timing;
// outputs are poisoned with NaN first, so a kernel that writes nothing fails.

import { autotune, dispatch, type Autotuner, type Tensor } from '../../index.js';
import { describeConfig } from '../../compiler/autotune/report.js';
import { randomF32 } from '../../examples/harness.js';
import { matmulGrid, matmulKernel } from '../../examples/matmul.js';
import { fmaWorkload } from '../ceilings.js';
import {
  HAND_WRITTEN_BLOCK,
  handWrittenMatmul,
  MATMUL_CONFIGS,
  MATMUL_SIZES,
  MATMUL_WHY_MISSED,
  verifyMatmulSample,
} from '../matmul.js';
import {
  byRole,
  measureWorkloads,
  tfjsOf,
  type BenchCandidate,
  type BenchContext,
  type Measured,
  type Section,
  type Suite,
  type TargetResult,
  type Workload,
} from '../suite.js';
import { timeTfjsOnce } from '../tfjs.js';
import { gflopsOf } from './kernels.js';
import { withWrites } from '../timing.js';

/** Timed rounds at most: a round at these sizes takes seconds on a software device. */
const MAX_RUNS = 5;
const MAX_WARMUP = 1;

const fmt = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

interface SizeResult {
  readonly size: string;
  readonly measured: readonly Measured[];
  readonly config: string;
  readonly summary: string;
}

/** Tessera (autotuned), tfjs and the hand-written kernel at one size, sharing A and B. */
async function matmulWorkload(ctx: BenchContext, tuner: Autotuner, [m, n, k]: readonly [number, number, number]) {
  const { device, timer } = ctx;
  if (m % HAND_WRITTEN_BLOCK || n % HAND_WRITTEN_BLOCK || k % 4)
    throw new Error(`matmul: the hand-written kernel needs M, N multiples of ${HAND_WRITTEN_BLOCK} and K of 4 (got ${m} x ${n} x ${k})`);
  const size = `${m} x ${n} x ${k} f32`;
  const flops = 2 * m * n * k;
  const aData = randomF32(m * k);
  const bData = randomF32(k * n);
  const a = device.tensor(aData);
  const b = device.tensor(bData);
  const poisoned = (): Tensor => device.tensor(new Float32Array(m * n).fill(NaN));
  const c = poisoned();
  const cHand = poisoned();
  const args = { a_ptr: a, b_ptr: b, c_ptr: c, M: m, N: n, K: k, stride_am: k, stride_ak: 1, stride_bk: n, stride_bn: 1, stride_cm: n, stride_cn: 1, ACTIVATION: 0 };
  const grid = (meta: Readonly<Record<string, unknown>>): number =>
    matmulGrid(m, n, { BLOCK_SIZE_M: Number(meta['BLOCK_SIZE_M']), BLOCK_SIZE_N: Number(meta['BLOCK_SIZE_N']) });
  console.log(`matmul ${size}: autotuning ${MATMUL_CONFIGS.length} configs...`);
  const best = await tuner.best(args, { device, grid });
  const config = describeConfig(best);
  const summary = tuner.summary(args, device) ?? '(no autotuner summary)';

  const candidates: BenchCandidate[] = [
    {
      name: `Tessera matmul (autotuned: ${config})`,
      size,
      flops,
      role: 'tessera',
      run: () => timer.time((writes) => tuner.launch(grid, args, withWrites({ device }, writes))),
    },
  ];
  const tfjs = tfjsOf(ctx);
  const ta = tfjs?.tf.tensor2d(aData, [m, k]);
  const tb = tfjs?.tf.tensor2d(bData, [k, n]);
  if (tfjs && ta && tb)
    candidates.push({
      name: 'TensorFlow.js WebGPU tf.matMul',
      size,
      flops,
      role: 'tfjs',
      run: () => timeTfjsOnce(tfjs, () => tfjs.tf.matMul(ta, tb)),
    });
  candidates.push({
    name: 'hand-written WGSL (8x4 per invocation, vec4)',
    size,
    flops,
    role: 'baseline',
    run: () =>
      timer.time((writes) =>
        dispatch(device, handWrittenMatmul, withWrites({
          tensors: { A: a, B: b, C: cHand },
          scalars: { M: m, N: n, K: k },
          grid: [n / HAND_WRITTEN_BLOCK, m / HAND_WRITTEN_BLOCK],
        }, writes)),
      ),
  });
  const workload: Workload = {
    candidates,
    verify: async () => {
      verifyMatmulSample(`Tessera matmul ${size}`, await c.read(), aData, bData, m, n, k);
      verifyMatmulSample(`hand-written matmul ${size}`, await cHand.read(), aData, bData, m, n, k);
      if (tfjs && ta && tb) {
        const product = tfjs.tf.matMul(ta, tb);
        const data = await product.data();
        product.dispose();
        verifyMatmulSample(`tfjs matMul ${size}`, data, aData, bData, m, n, k);
      }
    },
    destroy: () => {
      [a, b, c, cHand].forEach((t) => t.destroy());
      ta?.dispose();
      tb?.dispose();
    },
  };
  return { size, workload, config, summary };
}

const HEADER = ['kernel', 'size', 'median ms', 'min-max ms', 'GFLOP/s', '% of FMA', 'Tessera speedup'];

function rows(measured: readonly Measured[]): string[][] {
  const fma = byRole(measured, 'fma');
  const tessera = byRole(measured, 'tessera');
  return measured.map((m) => {
    const { candidate: c, summary: s } = m;
    const speedup = tessera && m !== tessera && c.role !== 'fma' ? `${fmt(s.median / tessera.summary.median)}x` : '';
    return [
      c.name,
      c.size,
      fmt(s.median),
      `${fmt(s.min)}-${fmt(s.max)}`,
      fmt(gflopsOf(m), 1),
      c.role === 'fma' ? 'ceiling' : fma ? `${fmt((100 * gflopsOf(m)) / gflopsOf(fma), 0)}%` : '',
      speedup,
    ];
  });
}

/** The issue's three matmul targets at one size; ratios are of GFLOP/s (equal FLOPs: inverse medians). */
function targets({ size, measured }: SizeResult, tfjsProblem: string | null): TargetResult[] {
  const tessera = byRole(measured, 'tessera');
  const rate = (role: 'tfjs' | 'baseline' | 'fma'): number => {
    const other = byRole(measured, role);
    return tessera && other ? gflopsOf(tessera) / gflopsOf(other) : NaN;
  };
  const ratio = (target: string, value: number, goal: number, show: (v: number) => string, missing: string): TargetResult => ({
    target: `matmul ${size}: ${target}`,
    measured: Number.isFinite(value) ? show(value) : missing,
    met: Number.isFinite(value) ? value >= goal : null,
  });
  const tess = tessera ? gflopsOf(tessera) : NaN;
  return [
    ratio('>= 3x TensorFlow.js tf.matMul', rate('tfjs'), 3, (v) => `${fmt(v)}x tfjs (Tessera ${fmt(tess, 1)} GFLOP/s)`, `tfjs not measured${tfjsProblem ? `: ${tfjsProblem}` : ''}`),
    ratio('>= 1.2x the hand-written WGSL kernel', rate('baseline'), 1.2, (v) => `${fmt(v)}x hand-written`, 'not measured'),
    ratio('>= 30% of the FMA ceiling', rate('fma'), 0.3, (v) => `${fmt(100 * v, 0)}% of FMA`, 'not measured'),
  ];
}

export const matmulSuite: Suite = {
  name: 'matmul',
  usesCeilings: true,
  run: async (ctx) => {
    const timing = { ...ctx, runs: Math.min(ctx.runs, MAX_RUNS), warmup: Math.min(ctx.warmup, MAX_WARMUP) };
    const tuner = autotune(matmulKernel, { configs: MATMUL_CONFIGS, key: ['M', 'N', 'K'], cacheFile: false, warmup: 1, runs: 1, log: false });
    const results: SizeResult[] = [];
    for (const shape of MATMUL_SIZES) {
      const { size, workload, config, summary } = await matmulWorkload(ctx, tuner, shape);
      // The FMA ceiling is re-measured beside each size's kernels, interleaved with them.
      const measured = await measureWorkloads(timing, [fmaWorkload(ctx.device, ctx.timer, ctx.fmaShape), workload]);
      results.push({ size, measured, config, summary });
    }
    const tfjsProblem = 'problem' in ctx.tfjs ? ctx.tfjs.problem : null;
    const section: Section = {
      title: 'Matmul (f32, GFLOP/s = 2MNK / median)',
      header: HEADER,
      rows: results.flatMap((r) => rows(r.measured)),
      notes: [
        `Median of ${timing.runs} timed runs after ${timing.warmup} warm-up (capped for matmul: a round takes seconds here), rounds interleaved with the FMA ceiling; outputs checked on 256 sampled elements against float64 after timing.`,
        'Tessera: examples/matmul.ts (Triton tutorial 03), autotuned over bench/matmul.ts MATMUL_CONFIGS (1 warm-up + 1 timed launch per config).',
        ...(tfjsProblem ? [`TensorFlow.js not measured: ${tfjsProblem}`] : []),
        '',
        ...results.flatMap((r) => [`Winning config at ${r.size}: ${r.config}. Autotuning:`, '', '```', r.summary, '```', '']),
        'What bounds matmul on this device, and why a target is missed where it is (measured):',
        '',
        ...MATMUL_WHY_MISSED,
      ],
    };
    return { sections: [section], targets: results.flatMap((r) => targets(r, tfjsProblem)) };
  },
};
