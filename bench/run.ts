// `npm run bench`: the benchmark suite. A list of suites (bench/suite.ts)
// run in order on one device: compile latency first (before anything else has
// compiled the examples), then the ceilings (tuned; later suites re-measure the
// chosen ones beside their kernels), the example kernels against the ceilings,
// TensorFlow.js and their uncoalesced builds, matmul (autotuned, against tfjs,
// a hand-written kernel and the FMA ceiling), and the launch overhead. Prints
// every table as it completes and writes bench/RESULTS.md.
//
// Another suite plugs in by exporting a `Suite` and adding it to `suites`.
//
// Options: --runs N (timed runs per candidate, default 15), --warmup N
// (default 3), --wall-clock (time with submit -> done even with timestamps),
// --only name,name (run some suites, and the ceilings if they need them), --out FILE.

import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Command } from 'commander';
import { getDevice } from '../index.js';
import { COPY_SHAPES, FMA_SHAPES } from './ceilings.js';
import { renderReport, sectionLines, targetLines, type RunInfo } from './report.js';
import type { BenchContext, Suite, SuiteResult } from './suite.js';
import { ceilingsSuite } from './suites/ceilings.js';
import { compileSuite } from './suites/compile.js';
import { launchSuite } from './suites/launch.js';
import { layerNormSuite } from './suites/layer-norm.js';
import { matmulSuite } from './suites/matmul.js';
import { softmaxSuite } from './suites/softmax.js';
import { vectorAddSuite } from './suites/vector-add.js';
import { createTfjs } from './tfjs.js';
import { describeClock, PassTimer } from './timing.js';

export const suites: readonly Suite[] = [
  compileSuite,
  ceilingsSuite,
  vectorAddSuite,
  softmaxSuite,
  layerNormSuite,
  matmulSuite,
  launchSuite,
];

const describeLoad = (): string =>
  `${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`;

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got '${value}'`);
  return n;
};

async function main(): Promise<void> {
  const program = new Command()
    .name('bench')
    .option('--runs <n>', 'timed runs per candidate', positiveInt, 15)
    .option('--warmup <n>', 'warm-up runs per candidate', positiveInt, 3)
    .option('--wall-clock', 'time with submit -> onSubmittedWorkDone even where timestamps exist', false)
    .option('--only <names>', `comma-separated suites (${suites.map((s) => s.name).join(', ')})`)
    .option('--out <file>', 'results file', new URL('RESULTS.md', import.meta.url).pathname)
    .parse();
  const opts = program.opts<{ runs: number; warmup: number; wallClock: boolean; only?: string; out: string }>();
  const only = opts.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((name) => !suites.some((s) => s.name === name)) ?? [];
  if (unknown.length) throw new Error(`unknown suite(s): ${unknown.join(', ')}`);
  const wanted = suites.filter((s) => !only || only.includes(s.name));
  const selected = suites.filter((s) => wanted.includes(s) || (s === ceilingsSuite && wanted.some((w) => w.usesCeilings)));

  const started = performance.now();
  const loadAtStart = describeLoad();
  const device = await getDevice();
  const timer = new PassTimer(device, opts.wallClock);
  let tfjs: BenchContext['tfjs'];
  try {
    tfjs = await createTfjs(device, { wallClock: opts.wallClock });
  } catch (error) {
    tfjs = { problem: error instanceof Error ? error.message : String(error) };
  }
  const ctx: BenchContext = {
    device,
    timer,
    runs: opts.runs,
    warmup: opts.warmup,
    copyShape: COPY_SHAPES[0] ?? { workgroup: 256, vecs: 4, order: 'strided' },
    fmaShape: FMA_SHAPES[0] ?? { workgroup: 64, chains: 8, form: 'fma' },
    tfjs,
  };
  console.log(`device: ${device.name}\nclock: ${describeClock(timer.clock, device.features.has('timestamp-query'))}\nload at start: ${loadAtStart}\n`);

  const results: SuiteResult[] = [];
  const failures: string[] = [];
  for (const suite of selected) {
    const t0 = performance.now();
    try {
      const result = await suite.run(ctx);
      results.push(result);
      for (const section of result.sections) console.log(sectionLines(section).join('\n'));
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failures.push(`${suite.name}: ${message.split('\n')[0] ?? ''}`);
      console.error(`suite ${suite.name} failed:\n${message}\n`);
    }
    console.log(`(${suite.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  const targets = results.flatMap((r) => r.targets);
  console.log(targetLines(targets).join('\n'));

  const info: RunInfo = {
    device: device.name,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    load: `at start ${loadAtStart}; at end ${describeLoad()}`,
    clock: describeClock(timer.clock, device.features.has('timestamp-query')),
    runs: opts.runs,
    warmup: opts.warmup,
    node: `Node ${process.version}`,
    durationS: (performance.now() - started) / 1000,
  };
  writeFileSync(opts.out, renderReport(info, results, failures));
  console.log(`wrote ${opts.out} (${info.durationS?.toFixed(0)} s)`);
  timer.destroy();
  device.destroy();
  if (failures.length) process.exitCode = 1;
}

await main();
