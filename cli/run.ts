// `tessera run EXAMPLE`: runs examples/EXAMPLE.ts on the default device at its
// awkward sizes, checks every result against the float64 reference and prints
// the table of examples/run-all.ts. `tessera run all` runs every example.
// Exit code 1 when a check fails.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { closestName, usageError, diagnosticsOf } from './diagnostics.js';
import { Reporter } from './reporter.js';
import { runTsProgram } from './spawn-tsx.js';

/** Files in examples/ that are not examples. */
const NOT_EXAMPLES = new Set(['harness.ts', 'run-all.ts', 'suite.ts', 'embedded-main.ts']);

export function registerRun(program: Command, root: string, done: (code: number) => void): void {
  program
    .command('run')
    .description('run an example on the default device and check it against its reference')
    .argument('<example>', "an example's file name in examples/ (vector-add, softmax, ...), or 'all'")
    .option('--json', 'print diagnostics as JSON (the table stays text)')
    .option('--no-color', 'no colors in diagnostics')
    .action(async (example: string, options: { color?: boolean; json?: boolean }) => done(await runExample(root, example, options)));
}

export function exampleNames(root: string): string[] {
  try {
    return readdirSync(join(root, 'examples'))
      .filter((f) => f.endsWith('.ts') && !NOT_EXAMPLES.has(f))
      .map((f) => f.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

async function runExample(root: string, example: string, options: { color?: boolean; json?: boolean }): Promise<number> {
  const reporter = new Reporter(options);
  try {
    const names = exampleNames(root);
    const wanted = example.replace(/\.ts$/, '');
    if (wanted !== 'all' && !names.includes(wanted)) {
      const close = closestName(wanted, names);
      throw usageError(`no example named '${example}'${close ? `; did you mean '${close}'?` : ''}`, `examples: ${names.join(', ') || '(none: run it in a source checkout)'}, or 'all'`);
    }
    return await runTsProgram(root, 'examples/run-all.ts', wanted === 'all' ? [] : [wanted]);
  } catch (error) {
    reporter.add(...diagnosticsOf(error));
  }
  return reporter.finish();
}
