// Command-line options shared by compile, ir and wgsl: which kernel and
// signature, the launch settings (invocations, elements per invocation), the
// features a build may use and the limits of the devices it targets (WebGPU's
// defaults unless raised), plus output settings (--json, --no-color).

import { Option, type Command } from 'commander';
import { closestName, usageError } from './diagnostics.js';

/** WebGPU's default limits: what every device offers. */
export const DEFAULT_LIMITS = {
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxStorageBuffersPerShaderStage: 8,
} as const;

/** Optional WebGPU features a build may be allowed to use. */
export const KNOWN_FEATURES = ['subgroups', 'shader-f16'] as const;

export interface TargetSettings {
  readonly invocations?: number;
  readonly elementsPerInvocation?: number;
  /** Features the generated code may require of the device. */
  readonly features: readonly string[];
  readonly maxWorkgroupStorage: number;
  readonly maxInvocations: number;
  readonly maxStorageBuffers: number;
}

export interface KernelCommandOptions {
  readonly kernel?: string;
  readonly signature?: string;
  readonly invocations?: string;
  readonly elementsPerInvocation?: string;
  readonly features?: string;
  readonly maxWorkgroupStorage?: string;
  readonly maxInvocations?: string;
  readonly json?: boolean;
  readonly color?: boolean;
}

export function addKernelOptions(command: Command): Command {
  return command
    .option('-k, --kernel <name>', 'the kernel to use when the file has several (function or variable name)')
    .option('-s, --signature <types>', 'one entry per parameter: *fp32 a buffer, i32 a scalar, 1024 a constexpr; hints as i32:16')
    .option('--invocations <n>', "invocations per workgroup, a power of two (Triton's num_warps * 32)")
    .option('--elements-per-invocation <n>', 'contiguous elements each invocation handles (a tuning knob)')
    .option('--features <list>', `WebGPU features the code may use, comma-separated (${KNOWN_FEATURES.join(', ')})`)
    .addOption(new Option('--max-workgroup-storage <bytes>', "the target devices' maxComputeWorkgroupStorageSize").default(String(DEFAULT_LIMITS.maxComputeWorkgroupStorageSize)))
    .addOption(new Option('--max-invocations <n>', "the target devices' maxComputeInvocationsPerWorkgroup").default(String(DEFAULT_LIMITS.maxComputeInvocationsPerWorkgroup)));
}

export function addOutputOptions(command: Command): Command {
  return command.option('--json', 'print diagnostics (and results) as JSON, for editors').option('--no-color', 'no colors (also off when not a terminal or NO_COLOR is set)');
}

export function targetSettings(options: KernelCommandOptions): TargetSettings {
  const invocations = integerOption('--invocations', options.invocations, 1, 1024);
  if (invocations !== undefined && (invocations & (invocations - 1)) !== 0)
    throw usageError(`--invocations must be a power of two from 1 to 1024, got ${invocations}`, `try --invocations ${2 ** Math.round(Math.log2(invocations))}`);
  const elementsPerInvocation = integerOption('--elements-per-invocation', options.elementsPerInvocation, 1, 64);
  if (elementsPerInvocation !== undefined && (elementsPerInvocation & (elementsPerInvocation - 1)) !== 0)
    throw usageError(`--elements-per-invocation must be a power of two, got ${elementsPerInvocation}`);
  return {
    ...(invocations !== undefined ? { invocations } : {}),
    ...(elementsPerInvocation !== undefined ? { elementsPerInvocation } : {}),
    features: parseFeatures(options.features),
    maxWorkgroupStorage: integerOption('--max-workgroup-storage', options.maxWorkgroupStorage, 1024, 1 << 24) ?? DEFAULT_LIMITS.maxComputeWorkgroupStorageSize,
    maxInvocations: integerOption('--max-invocations', options.maxInvocations, 1, 1024) ?? DEFAULT_LIMITS.maxComputeInvocationsPerWorkgroup,
    maxStorageBuffers: DEFAULT_LIMITS.maxStorageBuffersPerShaderStage,
  };
}

function integerOption(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value)) throw usageError(`${flag} takes a whole number, got '${text}'`);
  if (value < min || value > max) throw usageError(`${flag} must be from ${min} to ${max}, got ${value}`);
  return value;
}

function parseFeatures(text: string | undefined): string[] {
  if (text === undefined) return [];
  const names = text
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  for (const name of names) {
    if ((KNOWN_FEATURES as readonly string[]).includes(name)) continue;
    const close = closestName(name, KNOWN_FEATURES);
    throw usageError(`unknown feature '${name}' in --features${close ? `; did you mean '${close}'?` : ''}`, `features: ${KNOWN_FEATURES.join(', ')}`);
  }
  return [...new Set(names)];
}
