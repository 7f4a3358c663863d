// `tessera bench`: the benchmark suite (bench/run.ts, `npm run bench`): Tessera's
// kernels against hand-written baselines on the default device, printed as a
// table and written to bench/RESULTS.md. Benchmarks are not tests: nothing is
// asserted about times.

import type { Command } from 'commander';
import { Reporter } from './reporter.js';
import { runTsProgram } from './spawn-tsx.js';
import { diagnosticsOf } from './diagnostics.js';

export function registerBench(program: Command, root: string, done: (code: number) => void): void {
  program
    .command('bench')
    .description('run the benchmark suite on the default device (writes bench/RESULTS.md)')
    .allowExcessArguments(false)
    .action(async () => done(await bench(root)));
}

async function bench(root: string): Promise<number> {
  const reporter = new Reporter({});
  try {
    return await runTsProgram(root, 'bench/run.ts', []);
  } catch (error) {
    reporter.add(...diagnosticsOf(error));
  }
  return reporter.finish();
}
