// The compiler driver: source text + argument specialization => WGSL and a
// manifest. The pass pipeline is an explicit, readonly list so tools (tests,
// the CLI's --dump-after) can see the IR after every named pass.

import type { CompiledKernel } from '../runtime/manifest.js';
import type { CodegenLimits, SubgroupUse } from './codegen/emitter.js';
import { defaultLimits, generateWgsl } from './codegen/wgsl.js';
import { CompileError, TesseraError } from './errors.js';
import type { KernelFunction } from './frontend/ast.js';
import { parseKernel } from './frontend/parse.js';
import { dotStrategies, type DotStrategy, type KernelIR } from './ir/ops.js';
import { isPowerOfTwo } from './ir/types.js';
import { verify } from './ir/verifier.js';
import { lowerKernel, type ArgSpec } from './lower/lower.js';
import { canonicalize } from './passes/canonicalize.js';
import { coalescing } from './passes/coalescing.js';
import { fullTiles } from './passes/full-tiles.js';
import { masking } from './passes/masking.js';
import { removeConversions } from './passes/remove-conversions.js';
import { vectorize } from './passes/vectorize.js';
import { tiling } from './passes/tiling.js';

export interface Pass {
  readonly name: string;
  /** Passes that depend on compile options (coalescing, vectorization) read them here. */
  readonly run: (kernel: KernelIR, options: CompileOptions) => KernelIR;
  /** Passes from this one on require every value to carry a layout. */
  readonly tiled: boolean;
}

export const pipeline: readonly Pass[] = [
  { name: 'canonicalize', run: (k) => canonicalize(k), tiled: false },
  { name: 'tiling', run: (k) => tiling(k), tiled: true },
  { name: 'remove-conversions', run: (k) => removeConversions(k), tiled: true },
  { name: 'full-tiles', run: (k, o) => (fullTilesOn(o) ? fullTiles(k) : k), tiled: true },
  { name: 'masking', run: (k) => masking(k), tiled: true },
  // Tiling rematerializes index math per layout and masking adds constants:
  // merge what became duplicate.
  { name: 'canonicalize-tiled', run: (k) => canonicalize(k), tiled: true },
  // Bounds checking compares scalar indices with the binding's length: no vectors there.
  { name: 'vectorize', run: (k, o) => (o.coalesce === false || o.checkBounds ? k : vectorize(k)), tiled: true },
];

export interface CompileOptions {
  /** File name for error messages and comments. */
  readonly file?: string;
  /** Invocations per workgroup (Triton's num_warps * 32). Default: 128, or fewer for small tiles. */
  readonly invocations?: number;
  readonly limits?: CodegenLimits;
  /** The identifier the kernel uses for the tl namespace (default 'tl'). */
  readonly namespace?: string;
  /** Called with the IR after lowering ('lower') and after each pass. */
  readonly onStage?: (stage: string, kernel: KernelIR) => void;
  /** Run the IR verifier after every pass (tests turn this on). */
  readonly verify?: boolean;
  /**
   * Check every memory access against its tensor's length (a debugging mode):
   * an out-of-bounds access is skipped and reported, with its source line,
   * when the launch finishes. Slower; part of the specialization key.
   */
  readonly checkBounds?: boolean;
  /** How tl.dot is lowered: operands staged in workgroup memory (default) or loaded per invocation. */
  readonly dotStrategy?: DotStrategy;
  /**
   * Memory coalescing and vectorization (default true). False compiles the
   * plain layout with one element per access: the benchmark's 'uncoalesced'
   * baseline. Part of the specialization key when false.
   */
  readonly coalesce?: boolean;
  /** Contiguous elements each invocation handles along the fastest dimension (a tunable; default from the tile shape). */
  readonly elementsPerInvocation?: number;
  /**
   * Use subgroup operations for reductions (default: when the device has the
   * `subgroups` feature). False forces the workgroup-memory fallback.
   */
  readonly subgroups?: boolean;
  /**
   * The device's largest subgroup size (adapter info subgroupMaxSize). Tunes
   * the default workgroup of kernels with reductions, and the size
   * cooperative loads of replicated tiles are generated for (they check the
   * real size, the subgroup_size builtin, at run time and fall back).
   */
  readonly subgroupSize?: number;
  /**
   * The adapter's smallest subgroup size (adapter info subgroupMinSize). A
   * workgroup no larger than it is one subgroup: its reductions are a single
   * subgroup operation, with no workgroup memory and no barrier.
   */
  readonly subgroupMinSize?: number;
  /**
   * The adapter is a software implementation running on the CPU (adapter info
   * isFallbackAdapter: lavapipe, SwiftShader). Tunes defaults only: there an
   * invocation is a SIMD lane of one CPU thread, a barrier switches between
   * fibers, and registers are plentiful, so barrier-free reductions get one
   * subgroup per workgroup and other kernels runs of four vec4s per
   * invocation (see coalescing.ts). `[software]` in the key.
   */
  readonly softwareAdapter?: boolean;
  /**
   * Give masked regions an unmasked copy, taken when a uniform test proves
   * every mask in them true (passes/full-tiles.ts). Default: on for software
   * adapters, where it was measured to pay (vector add 1.1x); off elsewhere.
   * `[full-tiles]` in the key.
   */
  readonly fullTiles?: boolean;
  /** Features of the target device (the runtime passes device.features); subgroup ops need 'subgroups'. */
  readonly features?: ReadonlySet<string> | readonly string[];
}

export interface CompileResult extends CompiledKernel {
  readonly ir: KernelIR;
}

/** FNV-1a, enough to tell kernel sources apart in a cache key. */
export function sourceHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function specializationKey(fn: KernelFunction, source: string, args: readonly ArgSpec[], invocations: number): string {
  const parts = fn.params.map((p, i) => {
    const a = args[i];
    if (!a) return `${p.name}:?`;
    if (a.role === 'constexpr') return `${p.name}=${String(a.value)}`;
    const divisible = a.divisibility !== undefined && a.divisibility > 1 ? `%${a.divisibility}` : '';
    const one = a.role === 'scalar' && a.equalToOne ? '=1' : '';
    const scalarOnly = a.role === 'buffer' && a.wholeVectors === false ? '!vec' : '';
    return `${p.name}:${a.role === 'buffer' ? '*' : ''}${a.dtype}${divisible}${one}${scalarOnly}`;
  });
  return `${fn.name || 'kernel'}(${parts.join(',')})[wg=${invocations}]#${sourceHash(source)}`;
}

/** Subgroup reductions: requested (default yes) and the target device has the feature. */
export function useSubgroups(options: CompileOptions): boolean {
  if (options.subgroups === false || options.features === undefined) return false;
  const f = options.features;
  return 'has' in f ? f.has('subgroups') : f.includes('subgroups');
}

export function fullTilesOn(options: CompileOptions): boolean {
  return options.fullTiles ?? options.softwareAdapter ?? false;
}

/** How reductions may use subgroups: one subgroup spans the workgroup when the smallest subgroup is at least its size. */
function subgroupUseFor(subgroups: boolean, workgroupSize: number, subgroupMinSize: number | undefined): SubgroupUse {
  if (!subgroups) return 'none';
  return subgroupMinSize !== undefined && workgroupSize <= subgroupMinSize ? 'whole-workgroup' : 'any-size';
}

export function compileFunction(fn: KernelFunction, source: string, args: readonly ArgSpec[], options: CompileOptions = {}): CompileResult {
  const file = options.file ?? fn.span.file;
  const requested = options.invocations;
  if (requested !== undefined && (!isPowerOfTwo(requested) || requested > 1024))
    throw new CompileError('launch', `invocations must be a power of two up to 1024, got ${requested}`);
  // Lower with a provisional size; coalescing picks the tunables (elements
  // per invocation, and the default size from them and the tile shape).
  let ir = lowerKernel(fn, source, args, { file, workgroupSize: requested ?? 128, specializationKey: '', ...(options.namespace ? { namespace: options.namespace } : {}) });
  if (options.dotStrategy !== undefined && !dotStrategies.includes(options.dotStrategy))
    throw new CompileError('launch', `dotStrategy must be ${dotStrategies.map((d) => `'${d}'`).join(' or ')}, got ${JSON.stringify(options.dotStrategy)}`);
  const lowered = ir;
  const subgroups = useSubgroups(options);
  // Coalescing reads axis-info on canonicalized IR (an argument specialized
  // as 1 is a constant there, and `offs * stride` with it is `offs`); it only
  // chooses the tunables, which the lowered IR takes.
  const tunables = internalErrorsAt('coalescing', () => coalescing(canonicalize(lowered), { ...options, subgroups }));
  ir = { ...lowered, workgroupSize: tunables.workgroupSize, ...(tunables.elementsPerInvocation !== undefined ? { elementsPerInvocation: tunables.elementsPerInvocation } : {}) };
  ir = { ...ir, ...(options.dotStrategy ? { dotStrategy: options.dotStrategy } : {}) };
  const subgroupUse = subgroupUseFor(subgroups, ir.workgroupSize, options.subgroupMinSize);
  check(ir, 'lower', false, options);
  options.onStage?.('lower', ir);
  for (const pass of pipeline) {
    ir = internalErrorsAt(pass.name, () => pass.run(ir, options));
    check(ir, pass.name, pass.tiled, options);
    options.onStage?.(pass.name, ir);
  }
  // Everything that can change the WGSL is in the key: the runtime caches pipelines by it.
  const storage = options.limits?.workgroupStorageBytes;
  const key =
    specializationKey(fn, source, args, ir.workgroupSize) +
    (storage !== undefined && storage !== defaultLimits.workgroupStorageBytes ? `[smem=${storage}]` : '') +
    (options.checkBounds ? '[bounds-checked]' : '') +
    (options.coalesce === false ? '[uncoalesced]' : '') +
    (options.elementsPerInvocation !== undefined ? `[epi=${options.elementsPerInvocation}]` : '') +
    // The subgroup sizes pick default tunables, which [wg=] records, and
    // whether one subgroup spans the workgroup; a software adapter's elements
    // per invocation can differ at the same workgroup size.
    (options.softwareAdapter ? '[software]' : '') +
    (fullTilesOn(options) ? '[full-tiles]' : '') +
    (subgroupUse === 'any-size' ? '[subgroups]' : subgroupUse === 'whole-workgroup' ? '[subgroups=workgroup]' : '') +
    // Cooperative loads (codegen/cooperative-load.ts) are generated for this subgroup size.
    (subgroups && options.subgroupSize !== undefined ? `[sg=${options.subgroupSize}]` : '') +
    (options.dotStrategy && options.dotStrategy !== 'workgroup' ? `[dot=${options.dotStrategy}]` : '');
  ir = { ...ir, specializationKey: key };
  const final = ir;
  const compiled = internalErrorsAt('codegen', () => generateWgsl(final, options.limits ?? defaultLimits, options.checkBounds ?? false, subgroupUse, subgroups ? options.subgroupSize : undefined));
  return { ...compiled, ir };
}

/**
 * A user error from a pass (a device limit, say) passes through; anything
 * else thrown by a pass or codegen is a Tessera bug, reported as one instead
 * of a bare stack trace from our internals.
 */
function internalErrorsAt<T>(stage: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof TesseraError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new TesseraError('internal', `the ${stage} stage failed: ${detail}. This is a Tessera bug; please report it with the kernel source`);
  }
}

function check(ir: KernelIR, stage: string, tiled: boolean, options: CompileOptions): void {
  if (!options.verify) return;
  const problems = verify(ir, { requireLayouts: tiled });
  if (problems.length) throw new TesseraError('internal', `IR verification failed after ${stage} (a Tessera bug):\n  ${problems.join('\n  ')}`);
}

/** Parse and compile kernel source text for one specialization. */
export function compileSource(source: string, args: readonly ArgSpec[], options: CompileOptions = {}): CompileResult {
  const fn = parseKernel(source, options.file ?? '<kernel>');
  return compileFunction(fn, source, args, options);
}
