// Benchmarks (`npm run bench`): Tessera's vector add and fused softmax against
// baselines measured in the same run on the same device: a hand-written copy
// kernel (the bandwidth ceiling: vec4 loads, 16 floats per invocation) and a
// naive hand-written WGSL vector add. Prints a table and writes bench/RESULTS.md.
//
// Time is wall clock from the launch call to queue.onSubmittedWorkDone (every
// kernel goes through the runtime's dispatch the same way), median of RUNS
// after WARMUP launches. Bandwidth = bytes the kernel must move / median time.
// Ratios carry across machines; absolute numbers on lavapipe do not.

import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dispatch, getDevice, type TesseraDevice } from '../index.js';
import { randomF32 } from '../examples/harness.js';
import { softmaxKernel, softmaxReference } from '../examples/softmax.js';
import { addKernel, VECTOR_ADD_BLOCK } from '../examples/vector-add.js';
import {
  copyKernel,
  COPY_FLOATS_PER_WORKGROUP,
  grid2d,
  NAIVE_ADD_WORKGROUP,
  naiveAddKernel,
} from './baselines.js';
import { benchMatmul, MATMUL_SECTION_END, MATMUL_SECTION_START } from './matmul.js';

const WARMUP = 3;
const RUNS = 15;
const VECTOR_N = 16 * 1024 * 1024;
const SOFTMAX_ROWS = 4096;
const SOFTMAX_COLS = 1024;

interface Measurement {
  readonly kernel: string;
  readonly size: string;
  readonly bytes: number;
  /** Milliseconds: median, min, max. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** The copy measurement this one is compared with (undefined for a copy itself). */
  readonly ceiling?: Measurement;
}

interface Candidate {
  readonly kernel: string;
  readonly size: string;
  readonly bytes: number;
  readonly launch: () => Promise<void>;
}

/**
 * Times candidates in interleaved rounds (each runs once per round), so that
 * load from other processes hits them alike and their ratios stay fair.
 */
async function measure(candidates: readonly Candidate[]): Promise<Measurement[]> {
  for (let i = 0; i < WARMUP; i++) for (const c of candidates) await c.launch();
  const times = candidates.map((): number[] => []);
  for (let round = 0; round < RUNS; round++) {
    for (const [i, c] of candidates.entries()) {
      const start = performance.now();
      await c.launch();
      times[i]?.push(performance.now() - start);
    }
  }
  return candidates.map((c, i) => {
    const t = [...(times[i] ?? [])].sort((a, b) => a - b);
    return {
      kernel: c.kernel,
      size: c.size,
      bytes: c.bytes,
      median: t[RUNS >> 1] ?? NaN,
      min: t[0] ?? NaN,
      max: t[RUNS - 1] ?? NaN,
    };
  });
}

const gbps = (m: Measurement): number => m.bytes / (m.median * 1e6);

/** Candidates sharing one data size, with a check of their outputs and a cleanup. */
interface Group {
  readonly candidates: readonly Candidate[];
  readonly verify: () => Promise<void>;
  readonly destroy: () => void;
}

function check(
  what: string,
  actual: Float32Array,
  expected: ArrayLike<number>,
  tolerance: number,
): void {
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN));
    if (!(d <= tolerance))
      throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** The bandwidth ceiling for `floats` f32: copy them with the hand-written vec4 kernel. */
function copyGroup(device: TesseraDevice, floats: number): Group {
  const data = randomF32(floats);
  const src = device.tensor(data);
  const dst = device.empty('f32', floats);
  const grid = grid2d(
    Math.ceil(floats / COPY_FLOATS_PER_WORKGROUP),
    device.limits.maxComputeWorkgroupsPerDimension,
  );
  return {
    candidates: [
      {
        kernel: 'copy (hand-written WGSL, vec4)',
        size: `${floats} f32`,
        bytes: 2 * 4 * floats,
        launch: () => dispatch(device, copyKernel, { tensors: { src, dst }, grid, wait: true }),
      },
    ],
    verify: async () => check('copy', await dst.read(), data, 0),
    destroy: () => [src, dst].forEach((t) => t.destroy()),
  };
}

function vectorAddGroup(device: TesseraDevice): Group {
  const n = VECTOR_N;
  const x = randomF32(n);
  const y = randomF32(n);
  const [tx, ty] = [device.tensor(x), device.tensor(y)];
  const [out, naiveOut] = [device.empty('f32', n), device.empty('f32', n)];
  const args = {
    x_ptr: tx,
    y_ptr: ty,
    output_ptr: out,
    n_elements: n,
    BLOCK_SIZE: VECTOR_ADD_BLOCK,
  };
  const grid = Math.ceil(n / VECTOR_ADD_BLOCK);
  const naiveGrid = grid2d(
    Math.ceil(n / NAIVE_ADD_WORKGROUP),
    device.limits.maxComputeWorkgroupsPerDimension,
  );
  const size = `${n} f32`;
  return {
    candidates: [
      {
        kernel: `vector add (Tessera, BLOCK=${VECTOR_ADD_BLOCK})`,
        size,
        bytes: 3 * 4 * n,
        launch: () => addKernel.launch(grid, args, { wait: true }),
      },
      {
        kernel: 'vector add (naive WGSL)',
        size,
        bytes: 3 * 4 * n,
        launch: () =>
          dispatch(device, naiveAddKernel, {
            tensors: { x: tx, y: ty, out: naiveOut },
            scalars: { n },
            grid: naiveGrid,
            wait: true,
          }),
      },
    ],
    verify: async () => {
      const expected = Float32Array.from(x, (xi, i) => xi + (y[i] ?? NaN));
      check('Tessera vector add', await out.read(), expected, 0);
      check('naive vector add', await naiveOut.read(), expected, 0);
    },
    destroy: () => [tx, ty, out, naiveOut].forEach((t) => t.destroy()),
  };
}

function softmaxGroup(device: TesseraDevice): Group {
  const [rows, cols] = [SOFTMAX_ROWS, SOFTMAX_COLS];
  const x = randomF32(rows * cols, -4, 4);
  const input = device.tensor(x);
  const output = device.empty('f32', rows * cols);
  const args = {
    output_ptr: output,
    input_ptr: input,
    input_row_stride: cols,
    output_row_stride: cols,
    n_cols: cols,
    BLOCK_SIZE: cols,
  };
  return {
    candidates: [
      // The default workgroup size (128, sized for GPUs) and a small one: on
      // lavapipe every barrier of the reductions costs a fiber switch per
      // group of invocations, so fewer invocations run much faster there.
      ...[undefined, 32].map((invocations) => ({
        kernel: `fused softmax (Tessera, invocations=${invocations ?? 'default 128'})`,
        size: `${rows} x ${cols} f32`,
        bytes: 2 * 4 * rows * cols,
        launch: () => softmaxKernel.launch(rows, args, { wait: true, ...(invocations ? { invocations } : {}) }),
      })),
    ],
    verify: async () => {
      const result = await output.read();
      for (const r of [0, rows >> 1, rows - 1]) {
        const ref = softmaxReference(x.subarray(r * cols, (r + 1) * cols), 1, cols, cols);
        check(`softmax row ${r}`, result.subarray(r * cols, (r + 1) * cols), ref, 1e-5);
      }
    },
    destroy: () => [input, output].forEach((t) => t.destroy()),
  };
}

/** Measures a copy ceiling and the groups of the same data size, interleaved; checks outputs. */
async function run(
  device: TesseraDevice,
  floats: number,
  groups: readonly Group[],
): Promise<Measurement[]> {
  const all = [copyGroup(device, floats), ...groups];
  const [ceiling, ...rest] = await measure(all.flatMap((g) => g.candidates));
  for (const g of all) {
    await g.verify();
    g.destroy();
  }
  if (!ceiling) throw new Error('no copy measurement');
  return [ceiling, ...rest.map((m) => ({ ...m, ceiling }))];
}

function table(measurements: readonly Measurement[]): string[] {
  const header = ['kernel', 'size', 'median ms', 'min-max ms', 'GB/s', 'vs copy'];
  const rows = measurements.map((m) => [
    m.kernel,
    m.size,
    m.median.toFixed(2),
    `${m.min.toFixed(2)}-${m.max.toFixed(2)}`,
    gbps(m).toFixed(2),
    m.ceiling ? `${((100 * gbps(m)) / gbps(m.ceiling)).toFixed(0)}%` : 'ceiling',
  ]);
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
}

async function main(): Promise<void> {
  const device = await getDevice();
  // Other processes compete with lavapipe for the CPU: note how busy it was.
  const load = `${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(2)} at start`;
  console.log(`device: ${device.name}\n${load}`);
  const measurements = [
    ...(await run(device, VECTOR_N, [vectorAddGroup(device)])),
    ...(await run(device, SOFTMAX_ROWS * SOFTMAX_COLS, [softmaxGroup(device)])),
  ];
  const lines = table(measurements);
  console.log(lines.join('\n'));
  const matmul = await benchMatmul(device);
  console.log(`\n${matmul.markdown}`);
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(
    new URL('RESULTS.md', import.meta.url),
    [
      '# Benchmark results',
      '',
      `Device: ${device.name}`,
      `Date: ${date} (${load})`,
      `Node ${process.version}, Dawn (npm \`webgpu\`). Median of ${RUNS} runs after ${WARMUP} warm-up launches;`,
      'time = launch call to `onSubmittedWorkDone` (wall clock), rounds interleaved with the copy of the same size. GB/s = bytes the kernel must move',
      '(vector add: 2 reads + 1 write; softmax: 1 read + 1 write; copy: 1 read + 1 write) / median time.',
      '"vs copy" = GB/s relative to the copy kernel of the same data size, measured in the same run.',
      'Generated by `npm run bench` (bench/run.ts); ratios carry across machines, absolute times do not.',
      '',
      ...lines,
      '',
      MATMUL_SECTION_START,
      matmul.markdown,
      MATMUL_SECTION_END,
      '',
    ].join('\n'),
  );
  device.destroy();
}

await main();
