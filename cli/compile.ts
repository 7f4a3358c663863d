// `tessera compile FILE --signature "..." -o DIR`: one kernel, ahead of time.
// Writes NAME.wgsl, NAME.manifest.json, NAME.js (a self-contained loader with
// a typed launch()) and NAME.d.ts. The WGSL is checked by the device's shader
// compiler first when a device is available (--no-validate skips that).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loaderModule, loaderTypes } from './loader.js';
import { aotManifest } from './manifest.js';
import { addKernelOptions, addOutputOptions, type KernelCommandOptions } from './options.js';
import { Reporter } from './reporter.js';
import { buildValidated } from './validate-wgsl.js';
import { diagnosticsOf } from './diagnostics.js';

interface CompileCommandOptions extends KernelCommandOptions {
  readonly outDir: string;
  readonly validate: boolean;
}

export function registerCompile(program: Command, done: (code: number) => void): void {
  const command = program
    .command('compile')
    .description('compile one kernel ahead of time: NAME.wgsl, NAME.manifest.json and a loader (NAME.js + NAME.d.ts)')
    .argument('<file>', 'a .ts or .js file with kernels (read as is: no build step)')
    .option('-o, --out-dir <dir>', 'directory for the outputs', '.')
    .option('--no-validate', "skip checking the WGSL with the device's shader compiler");
  addOutputOptions(addKernelOptions(command)).action(async (file: string, options: CompileCommandOptions) => done(await compile(file, options)));
}

async function compile(path: string, options: CompileCommandOptions): Promise<number> {
  const reporter = new Reporter(options);
  try {
    const validated = await buildValidated(path, options, reporter);
    if (!validated) return reporter.finish();
    const { built, target } = validated;
    const manifest = aotManifest(built, target, path);
    const outputs: [string, string][] = [
      [manifest.files.wgsl, built.result.wgsl],
      [`${manifest.kernelName}.manifest.json`, JSON.stringify(manifest, null, 2) + '\n'],
      [manifest.files.loader, loaderModule(manifest, built.result.wgsl)],
      [manifest.files.types, loaderTypes(manifest)],
    ];
    mkdirSync(options.outDir, { recursive: true });
    const written: { path: string; bytes: number }[] = [];
    for (const [name, text] of outputs) {
      const out = join(options.outDir, name);
      writeFileSync(out, text);
      written.push({ path: out, bytes: Buffer.byteLength(text) });
      reporter.print(`${out} (${Buffer.byteLength(text)} bytes)`);
    }
    reporter.set('kernel', manifest.kernelName);
    reporter.set('signature', manifest.signature);
    reporter.set('outputs', written);
  } catch (error) {
    reporter.add(...diagnosticsOf(error));
  }
  return reporter.finish();
}
