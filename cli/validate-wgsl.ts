// Checks emitted WGSL with the WebGPU implementation's own shader compiler
// (Dawn in Node) when a device is available. A module it rejects is a Tessera
// bug, never the user's: the diagnostic says so and points at the kernel
// source line that produced the offending WGSL line (the compiler writes a
// `// file:line: source` comment before the code of each kernel line).
// Without a device the check is skipped with a warning (an ahead-of-time
// build may run where there is no GPU).

import type { Span } from '../compiler/errors.js';
import { getDevice, type TesseraDevice } from '../runtime/device.js';
import { kernelLinesOf, wgslOrigin } from '../runtime/pipeline.js';
import { formatWgslMessages, validateWgsl, type WgslMessage } from '../runtime/validate.js';
import { buildKernel, pickKernel, readSourceFile, type Built } from './build.js';
import type { Diagnostic } from './diagnostics.js';
import { targetSettings, type KernelCommandOptions, type TargetSettings } from './options.js';
import type { Reporter } from './reporter.js';

export type DeviceOrReason = { readonly device: TesseraDevice } | { readonly reason: string };

/** The default device, or why there is none (validation is then skipped with a warning). */
export async function validationDevice(): Promise<DeviceOrReason> {
  try {
    return { device: await getDevice() };
  } catch (error) {
    return { reason: error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error) };
  }
}

/** Diagnostics for a module the device's compiler rejects or warns about; [] when it is clean. */
export async function validateEmitted(device: TesseraDevice, kernelName: string, wgsl: string, fileText?: string): Promise<Diagnostic[]> {
  const report = await validateWgsl(device, wgsl, `${kernelName}.wgsl`);
  const problems: WgslMessage[] = [...report.errors, ...report.warnings];
  if (problems.length === 0) return [];
  const origin = originSpan(wgsl, problems[0]?.line ?? 0, fileText);
  return [
    {
      severity: 'error',
      kind: 'internal',
      message:
        `${device.source === 'dawn' ? 'Dawn' : 'The WebGPU implementation'} rejected the WGSL Tessera generated for kernel ${kernelName}:\n` +
        `${formatWgslMessages(problems)}${kernelLinesOf(wgsl, problems)}\nThis is a Tessera bug; please report it with the kernel source`,
      ...(origin ? { span: origin } : {}),
      ...(origin && fileText !== undefined ? { text: fileText } : {}),
    },
  ];
}

/** The kernel source line above WGSL line `line`, from the nearest `// file:line: text` comment. */
function originSpan(wgsl: string, line: number, fileText: string | undefined): Span | undefined {
  const origin = wgslOrigin(wgsl.split('\n'), line);
  if (!origin) return undefined;
  const fileLine = fileText?.split(/\r\n|\r|\n/)[origin.line - 1] ?? origin.text;
  const column = fileLine.length - fileLine.trimStart().length + 1;
  return { file: origin.file, line: origin.line, column, startOffset: 0, endOffset: Math.max(1, fileLine.trim().length) };
}

/** Adds the validation diagnostics to `reporter`; false when the WGSL was rejected. */
export async function validateBuilt(built: Built, reporter: Reporter): Promise<boolean> {
  const acquired = await validationDevice();
  if (!('device' in acquired)) {
    reporter.add({ severity: 'warning', kind: 'device', message: `the WGSL was not validated: no WebGPU device (${acquired.reason})`, hint: 'pass --no-validate to skip validation on machines without a GPU' });
    return true;
  }
  const problems = await validateEmitted(acquired.device, built.result.manifest.kernelName, built.result.wgsl, built.file.text);
  reporter.add(...problems);
  return problems.length === 0;
}

/**
 * The shared first half of `compile` and `wgsl`: read the file, pick and
 * compile its kernel, then validate the WGSL unless `--no-validate`.
 * Undefined when the device rejected the WGSL (the reporter says why).
 */
export async function buildValidated(
  path: string,
  options: KernelCommandOptions & { readonly validate: boolean },
  reporter: Reporter,
): Promise<{ readonly built: Built; readonly target: TargetSettings } | undefined> {
  const target = targetSettings(options);
  const file = readSourceFile(path);
  const built = buildKernel(file, pickKernel(file, options.kernel), options.signature, target);
  reporter.add(...built.warnings);
  if (options.validate && !(await validateBuilt(built, reporter))) return undefined;
  return { built, target };
}
