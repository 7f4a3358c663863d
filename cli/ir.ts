// `tessera ir FILE --signature "..." --dump-after PASS|all`: the tile IR after
// lowering ('lower') and after each pass of the pipeline, in order, each under
// a header naming the stage. Several stages: --dump-after tiling,masking.

import type { Command } from 'commander';
import { pipeline } from '../compiler/compile.js';
import { printKernel } from '../compiler/ir/printer.js';
import { buildKernel, pickKernel, readSourceFile } from './build.js';
import { closestName, usageError, diagnosticsOf } from './diagnostics.js';
import { addKernelOptions, addOutputOptions, targetSettings, type KernelCommandOptions } from './options.js';
import { Reporter } from './reporter.js';

interface IrCommandOptions extends KernelCommandOptions {
  readonly dumpAfter: string;
  readonly locations?: boolean;
}

/** Every stage whose IR can be dumped, in pipeline order. */
export function stageNames(): string[] {
  return ['lower', ...pipeline.map((p) => p.name)];
}

export function registerIr(program: Command, done: (code: number) => void): void {
  const command = program
    .command('ir')
    .description('print the tile IR after lowering and after each compiler pass')
    .argument('<file>', 'a .ts or .js file with kernels')
    .option('--dump-after <stages>', `stage(s) to print, comma-separated, or 'all' (${stageNames().join(', ')})`, 'all')
    .option('--locations', 'end each op with the file line:column it came from');
  addOutputOptions(addKernelOptions(command)).action((file: string, options: IrCommandOptions) => done(irCommand(file, options)));
}

function irCommand(path: string, options: IrCommandOptions): number {
  const reporter = new Reporter(options);
  try {
    const wanted = selectedStages(options.dumpAfter);
    const target = targetSettings(options);
    const file = readSourceFile(path);
    const found = pickKernel(file, options.kernel);
    const stages: { stage: string; ir: string }[] = [];
    const built = buildKernel(file, found, options.signature, target, (stage, ir) => {
      if (!wanted.has(stage)) return;
      const text = printKernel(ir, { locations: options.locations === true });
      stages.push({ stage, ir: text });
      reporter.print(`// ---- IR after ${stage} ----\n${text}`);
    });
    reporter.add(...built.warnings);
    reporter.set('stages', stages);
  } catch (error) {
    reporter.add(...diagnosticsOf(error));
  }
  return reporter.finish();
}

function selectedStages(text: string): Set<string> {
  const all = stageNames();
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0 || names.includes('all')) return new Set(all);
  for (const name of names) {
    if (all.includes(name)) continue;
    const close = closestName(name, all);
    throw usageError(`unknown stage '${name}' in --dump-after${close ? `; did you mean '${close}'?` : ''}`, `stages, in order: ${all.join(', ')} (or 'all')`);
  }
  return new Set(names);
}
