// Shared by the pass tests: compile a kernel source and capture the printed
// IR after lowering and after each pass of the pipeline.

import { compileSource, type CompileOptions, type CompileResult } from '../../compiler/compile.js';
import { printKernel } from '../../compiler/ir/printer.js';
import type { KernelIR } from '../../compiler/ir/ops.js';
import type { ArgSpec } from '../../compiler/lower/lower.js';

export { args } from '../errors/helpers.js';

export interface Stages {
  /** Printed IR by stage name: 'lower', then each pass's name. */
  readonly printed: Readonly<Record<string, string>>;
  readonly ir: Readonly<Record<string, KernelIR>>;
  readonly result: CompileResult;
}

/** Compile with the verifier on and keep the IR after every stage. */
export function stages(source: string, specs: readonly ArgSpec[], options: Omit<CompileOptions, 'onStage'> = {}): Stages {
  const printed: Record<string, string> = {};
  const ir: Record<string, KernelIR> = {};
  const result = compileSource(source, specs, {
    verify: true,
    ...options,
    onStage: (stage, kernel) => {
      printed[stage] = printKernel(kernel);
      ir[stage] = kernel;
    },
  });
  return { printed, ir, result };
}

/** Printed IR after one stage (throws if the stage did not run). */
export function after(source: string, specs: readonly ArgSpec[], stage: string, options: Omit<CompileOptions, 'onStage'> = {}): string {
  const text = stages(source, specs, options).printed[stage];
  if (text === undefined) throw new Error(`no stage '${stage}'`);
  return text;
}

/** Ops lines only (no header/braces), for counting and searching. */
export function opLines(printed: string): string[] {
  return printed.split('\n').filter((l) => /^\s+(%|store|yield|if|for)/.test(l)).map((l) => l.trim());
}
