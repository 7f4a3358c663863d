// The `tessera` command line: compile, ir, wgsl, run, bench. bin/tessera.js
// loads this module (from dist/ in an installed package, from source in a
// checkout) and exits with what `main` returns: 0 ok, 1 a compile error (or a
// failed example), 2 a usage error.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerBench } from './bench.js';
import { registerCompile } from './compile.js';
import { diagnosticsOf, EXIT_USAGE } from './diagnostics.js';
import { io } from './io.js';
import { registerIr } from './ir.js';
import { registerRun } from './run.js';
import { Reporter } from './reporter.js';
import { registerWgsl } from './wgsl.js';

const HELP_AFTER = `
Signatures (--signature), one entry per kernel parameter, in order, as Triton's AOT compiler:
  *fp32  *i32  *u32     a buffer of that element type
  fp32   i32   u32      a scalar argument
  1024   0.5   true     the value of a constexpr parameter
  i32:16  *fp32:16      a divisibility hint: the value (or the buffer's element offset) is a multiple of 16
  e.g. tessera compile examples/vector-add.ts --signature "*fp32,*fp32,*fp32,i32,1024" -o out/

Each command has --help (tessera compile --help).
Exit codes: 0 ok, 1 compile error (or a failed example), 2 usage error.
Colors only on a terminal; NO_COLOR or --no-color turns them off.`;

/** Runs the CLI on `argv` (without node and the script); `root` is the package directory. */
export async function main(argv: readonly string[], root: string): Promise<number> {
  let exitCode = 0;
  const done = (code: number): void => {
    exitCode = code;
  };
  const program = new Command('tessera')
    .description('Tessera: Triton-style tile kernels in TypeScript, compiled to WGSL')
    .version(packageVersion(root), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text), outputError: () => {} });
  program.addHelpText('after', HELP_AFTER);
  registerCompile(program, done);
  registerIr(program, done);
  registerWgsl(program, done);
  registerRun(program, root, done);
  registerBench(program, root, done);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    const reporter = new Reporter({ json: argv.includes('--json'), color: !argv.includes('--no-color') });
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      if (error.code === 'commander.help') return EXIT_USAGE; // no command: the help went to stderr
      const [first = '', ...rest] = error.message.replace(/^error: /, '').split('\n');
      const suggestion = /\(Did you mean (.+)\?\)/.exec(rest.join(' '))?.[1];
      reporter.add({ severity: 'error', kind: 'usage', message: first, hint: suggestion ? `did you mean ${suggestion}? (see --help)` : `see ${commandOf(argv)} --help` });
      return reporter.finish(EXIT_USAGE);
    }
    reporter.add(...diagnosticsOf(error));
    return reporter.finish();
  }
  return exitCode;
}

function commandOf(argv: readonly string[]): string {
  const known = ['compile', 'ir', 'wgsl', 'run', 'bench'];
  const command = argv.find((a) => known.includes(a));
  return command ? `tessera ${command}` : 'tessera';
}

function packageVersion(root: string): string {
  const pkg: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
