// `tessera wgsl FILE --signature "..."`: the WGSL of one kernel on stdout,
// nothing else (diagnostics go to stderr), so it can be piped or redirected.

import type { Command } from 'commander';
import { addKernelOptions, addOutputOptions, type KernelCommandOptions } from './options.js';
import { Reporter } from './reporter.js';
import { buildValidated } from './validate-wgsl.js';
import { diagnosticsOf } from './diagnostics.js';

interface WgslCommandOptions extends KernelCommandOptions {
  readonly validate: boolean;
}

export function registerWgsl(program: Command, done: (code: number) => void): void {
  const command = program
    .command('wgsl')
    .description('print the WGSL of one kernel')
    .argument('<file>', 'a .ts or .js file with kernels')
    .option('--no-validate', "skip checking the WGSL with the device's shader compiler");
  addOutputOptions(addKernelOptions(command)).action(async (file: string, options: WgslCommandOptions) => done(await wgslCommand(file, options)));
}

async function wgslCommand(path: string, options: WgslCommandOptions): Promise<number> {
  const reporter = new Reporter(options);
  try {
    const validated = await buildValidated(path, options, reporter);
    if (!validated) return reporter.finish();
    reporter.print(validated.built.result.wgsl);
    reporter.set('wgsl', validated.built.result.wgsl);
  } catch (error) {
    reporter.add(...diagnosticsOf(error));
  }
  return reporter.finish();
}
