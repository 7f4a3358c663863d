// Pruning autotuning candidates against the device's limits before any of
// them is compiled: a config that cannot run (too many invocations, more
// workgroup memory than the device has) is dropped with a reason, and never
// reaches codegen, pipeline creation or the driver's shader compiler.
//
// Workgroup memory is estimated from the tile IR right after lowering (parse
// + semantic lowering only: no passes, no WGSL, no pipeline): a tl.dot under
// the 'workgroup' strategy stages a [M,K] and b [K,N] as f32. Other
// workgroup-memory users (reductions, layout conversions) size themselves to
// fit the device, so they never make a config impossible.

import type { ArgSpec } from '../lower/lower.js';
import { lowerKernel } from '../lower/lower.js';
import { blocksOf, type Block, type DotStrategy } from '../ir/ops.js';
import type { Kernel } from '../kernel.js';
import { DEFAULT_DOT_STRATEGY } from '../passes/dot-layouts.js';
import { TesseraError } from '../errors.js';

/** One candidate: constexpr values and launch options (Triton's triton.Config). */
export interface AutotuneConfig {
  /** Values of the kernel's constexpr parameters (block sizes, group sizes, ...). */
  readonly constexprs?: Readonly<Record<string, number | boolean>>;
  /** Invocations per workgroup (Triton's num_warps * 32). */
  readonly invocations?: number;
  /** How tl.dot is lowered. */
  readonly dotStrategy?: DotStrategy;
}

/** The device limits pruning checks (a subset of GPUSupportedLimits). */
export interface PruneLimits {
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupSizeX: number;
  readonly maxComputeWorkgroupStorageSize: number;
}

/** Bytes of workgroup memory the config's tl.dot staging needs (0 without dots or with 'registers'). */
export function dotStagingBytes(kernel: Kernel, specs: readonly ArgSpec[], config: AutotuneConfig): number {
  const strategy = config.dotStrategy ?? kernel.options.dotStrategy ?? DEFAULT_DOT_STRATEGY;
  if (strategy !== 'workgroup') return 0;
  const ir = lowerKernel(kernel.fn, kernel.source, specs, {
    file: kernel.fn.span.file,
    workgroupSize: config.invocations ?? 128,
    specializationKey: '',
    // The namespace the kernel resolved (the option, or a bundler's rename of tl), as compile uses.
    ...(kernel.namespace ? { namespace: kernel.namespace } : {}),
  });
  let words = 0;
  const visit = (block: Block): void => {
    for (const op of block.ops) {
      if (op.kind === 'dot') {
        const [m = 1, k = 1] = op.a.type.shape;
        const n = op.b.type.shape[1] ?? 1;
        words = Math.max(words, m * k + k * n);
      }
      blocksOf(op).forEach(visit);
    }
  };
  visit(ir.body);
  // The 16 bytes codegen reserves for its uniform cell (emitter.ts).
  return words === 0 ? 0 : words * 4 + 16;
}

/** Why the config cannot run on a device with these limits, or null if it can (as far as is known before compiling). */
export function pruneReason(kernel: Kernel, specs: readonly ArgSpec[], config: AutotuneConfig, limits: PruneLimits): string | null {
  const invocations = config.invocations ?? kernel.options.invocations ?? 128;
  if (invocations > limits.maxComputeInvocationsPerWorkgroup)
    return `${invocations} invocations > maxComputeInvocationsPerWorkgroup ${limits.maxComputeInvocationsPerWorkgroup}`;
  if (invocations > limits.maxComputeWorkgroupSizeX)
    return `${invocations} invocations > maxComputeWorkgroupSizeX ${limits.maxComputeWorkgroupSizeX}`;
  let bytes: number;
  try {
    bytes = dotStagingBytes(kernel, specs, config);
  } catch (error) {
    // A config the kernel rejects (a block size that is not a power of two,
    // say) cannot run either; say why.
    if (error instanceof TesseraError) return `does not compile: ${error.detail}`;
    throw error;
  }
  if (bytes > limits.maxComputeWorkgroupStorageSize)
    return `tl.dot staging needs ${bytes} bytes of workgroup memory > maxComputeWorkgroupStorageSize ${limits.maxComputeWorkgroupStorageSize}`;
  return null;
}
