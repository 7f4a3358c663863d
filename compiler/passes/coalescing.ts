// Coalescing: choose how many contiguous elements each invocation handles
// along the fastest-varying (last) dimension, so that adjacent invocations
// touch adjacent memory and each invocation's elements can move as one vector,
// and from it the default workgroup size (the kernel's two tunables).
//
// Assumes: untiled IR (the compiler calls it right after lowering, since the
// workgroup size is part of the specialization key).
// Rewrites: nothing but the kernel's `elementsPerInvocation` E and
// `workgroupSize`. Tiling turns E into every blocked layout's sizePerThread
// along the last dimension; threads are laid out along the last dimension
// first, so invocation t covers elements [E t, E t + E) of a row: a
// coalesced, vectorizable run.
// Guarantees: E is a power of two, at most 4 (a 16-byte vec4 of 4-byte
// elements, as Triton's 128-bit accesses; 16, four vec4s, on a software
// adapter for kernels that move no data between invocations), at most the smallest last
// dimension that memory is accessed with, and no more than axis-info proves
// contiguous for those accesses; 1 when no access is contiguous (strided
// or gathered addresses gain nothing from a run per invocation) or when
// coalescing is turned off. An explicit elementsPerInvocation option wins.
//
// Layouts are row-major only (the last dimension is the fastest): a tile whose
// memory is contiguous along dimension 0 (a transposed access) keeps the
// row-major layout and gets E = 1.

import { analyzeAxisInfo, divisibilityOfConstant } from '../analysis/axis-info.js';
import { blocksOf, resultsOf, type Block, type KernelIR, type Value } from '../ir/ops.js';
import { CompileError } from '../errors.js';
import { isPowerOfTwo, numel } from '../ir/types.js';

/** 16 bytes of 4-byte elements: the widest WGSL vector access. */
export const MAX_VECTOR_WIDTH = 4;

export interface CoalescingOptions {
  /** False: one element per invocation (the uncoalesced baseline). */
  readonly coalesce?: boolean;
  /** The user's choice, used as given (a power of two). */
  readonly elementsPerInvocation?: number;
  /** The user's invocations per workgroup; without it the pass picks the default. */
  readonly invocations?: number;
  /** Subgroup reductions will be used, and the device's largest subgroup size (for the default workgroup). */
  readonly subgroups?: boolean;
  readonly subgroupSize?: number;
  /** The adapter's smallest subgroup size, where known (one subgroup is the smallest default workgroup on a software adapter). */
  readonly subgroupMinSize?: number;
  /** The adapter runs on the CPU (isFallbackAdapter): see MAX_ELEMENTS_PER_INVOCATION_SOFTWARE. */
  readonly softwareAdapter?: boolean;
}

export function coalescing(kernel: KernelIR, options: CoalescingOptions = {}): KernelIR {
  const requested = options.elementsPerInvocation;
  if (requested !== undefined && (!isPowerOfTwo(requested) || requested > 64))
    throw new CompileError('launch', `elementsPerInvocation must be a power of two up to 64, got ${requested}`);
  // A software adapter moves memory fastest when each invocation has one
  // contiguous run of several vec4s (see SOFTWARE_RUN); only where no data
  // crosses invocations, since a reduction wants a one-subgroup workgroup.
  const crossInvocation = hasCrossInvocationOps(kernel.body);
  const longRuns = options.softwareAdapter === true && !crossInvocation;
  const elements = requested ?? (options.coalesce === false ? 1 : chooseElements(kernel, longRuns ? SOFTWARE_RUN : MAX_VECTOR_WIDTH));
  return { ...kernel, elementsPerInvocation: elements, workgroupSize: options.invocations ?? defaultInvocations(kernel.body, elements, crossInvocation, options) };
}

/**
 * Elements per invocation on a software adapter for kernels that move no data
 * between invocations: one run of four vec4s each. There an invocation is a
 * SIMD lane of a CPU thread, and the lanes' accesses are cache-line streams:
 * the copy ceilings measured 'contiguous' per-invocation runs well ahead of
 * 'strided' ones (vec4 rounds across invocations), and vector add with
 * BLOCK_SIZE 1024 ran fastest at 64 invocations of 16 elements.
 */
const SOFTWARE_RUN = 16;

/** The default cap on invocations per workgroup (Triton's num_warps=4; every device allows at least 256). */
export const DEFAULT_MAX_INVOCATIONS = 128;
/** Elements per invocation that kernels with cross-invocation steps (reductions, layout conversions) aim for. */
export const ELEMENTS_PER_INVOCATION_WITH_BARRIERS = 16;
/** Most elements the subgroup-based default gives one invocation (GPU registers are few). */
const MAX_ELEMENTS_PER_INVOCATION = 16;
/**
 * The same on a software adapter (lavapipe, SwiftShader), for a kernel one
 * subgroup can run without barriers. There a workgroup runs on one CPU
 * thread, a subgroup is one SIMD register's lanes, a barrier is a switch
 * between the subgroups' fibers, and an invocation's registers are plain
 * memory, so a reduction costs least when one subgroup does the whole tile.
 * Measured on lavapipe (8-lane subgroups), fused softmax 4096 x 1024: 8
 * invocations of 128 elements ran 2.3x as fast as 64 of 16, and JIT-compiled
 * in ~0.1 s. Only without barriers: values live across a barrier are saved
 * and restored around the fiber switch, and the driver's JIT time explodes
 * with them (a kernel with argmax reductions at 64 elements per invocation:
 * 35 s, against 0.2 s at 16).
 */
const MAX_ELEMENTS_PER_INVOCATION_SOFTWARE = 128;
/** Fewest invocations the default gives a large tile (one warp on most GPUs). */
const MIN_DEFAULT_INVOCATIONS = 32;

/**
 * The default workgroup size: enough invocations for the largest tile to give
 * each its E elements, capped at DEFAULT_MAX_INVOCATIONS. A kernel that moves
 * data between invocations (a reduction, a layout conversion) pays per
 * invocation at every barrier, so it aims for 16 elements each, but keeps at
 * least a warp's worth: fewer, busier invocations measured faster for
 * softmax (64 invocations for a 1024-wide row) on the reference device, and
 * subgroup reductions need fewer rounds with fewer subgroups.
 */
function defaultInvocations(body: Block, elements: number, crossInvocation: boolean, options: CoalescingOptions): number {
  const tile = largestTile(body);
  const oneSubgroup = options.subgroupMinSize;
  if (
    options.softwareAdapter === true && options.subgroups === true && oneSubgroup !== undefined && crossInvocation &&
    tile <= oneSubgroup * MAX_ELEMENTS_PER_INVOCATION_SOFTWARE && reducesWithoutBarriers(body)
  ) {
    return Math.max(1, Math.min(oneSubgroup, Math.floor(tile / elements)));
  }
  const subgroupSize = options.subgroups ? options.subgroupSize : undefined;
  if (subgroupSize !== undefined && isPowerOfTwo(subgroupSize) && crossInvocation) {
    // With subgroup reductions: as few invocations as keep each at most 16
    // elements, and at least one subgroup. More elements per invocation cost
    // a GPU registers; pass `invocations` to choose otherwise.
    const wanted = Math.max(subgroupSize, Math.floor(tile / MAX_ELEMENTS_PER_INVOCATION));
    return Math.max(1, Math.min(DEFAULT_MAX_INVOCATIONS, wanted, Math.floor(tile / elements)));
  }
  const perInvocation = crossInvocation ? Math.max(elements, ELEMENTS_PER_INVOCATION_WITH_BARRIERS) : elements;
  const wanted = Math.floor(tile / perInvocation);
  const floor = Math.min(MIN_DEFAULT_INVOCATIONS, Math.max(1, Math.floor(tile / elements)));
  return Math.max(1, floor, Math.min(DEFAULT_MAX_INVOCATIONS, wanted));
}

/**
 * Every cross-invocation step is a sum/max/min reduction of a 1D tile: in a
 * workgroup that is one subgroup, each is a single subgroup operation
 * (codegen/subgroup-ops.ts), with no barrier. Arg reductions, reshapes (a
 * reduction of a whole 2D tile flattens it first), dots and reductions along
 * one axis of a 2D tile go through workgroup memory.
 */
function reducesWithoutBarriers(block: Block): boolean {
  return block.ops.every((op) => {
    if (op.kind === 'argReduce' || op.kind === 'reshape' || op.kind === 'dot') return false;
    if (op.kind === 'reduce' && op.operand.type.shape.length > 1) return false;
    return blocksOf(op).every(reducesWithoutBarriers);
  });
}

function hasCrossInvocationOps(block: Block): boolean {
  return block.ops.some((op) => op.kind === 'reduce' || op.kind === 'argReduce' || op.kind === 'reshape' || blocksOf(op).some(hasCrossInvocationOps));
}

/** Largest tile (elements) anywhere in the kernel. */
function largestTile(block: Block): number {
  let best = 1;
  for (const op of block.ops) {
    for (const v of resultsOf(op)) best = Math.max(best, numel(v.type.shape));
    for (const b of blocksOf(op)) best = Math.max(best, largestTile(b));
  }
  return best;
}

function chooseElements(kernel: KernelIR, widest: number): number {
  const info = analyzeAxisInfo(kernel);
  let best = 0;
  let smallestLast = Infinity;
  const consider = (ptr: Value): void => {
    const shape = ptr.type.shape;
    if (shape.length === 0) return;
    const last = shape.length - 1;
    const size = shape[last] ?? 1;
    smallestLast = Math.min(smallestLast, size);
    const contiguity = info.get(ptr.id)?.contiguity[last] ?? 1;
    best = Math.max(best, Math.min(widest, divisibilityOfConstant(contiguity), size));
  };
  const visit = (block: Block): void => {
    for (const op of block.ops) {
      if (op.kind === 'load' || op.kind === 'store') consider(op.ptr);
      blocksOf(op).forEach(visit);
    }
  };
  visit(kernel.body);
  if (best === 0) return 1;
  // Every accessed tile must still hold whole runs along its last dimension.
  return Math.max(1, Math.min(best, divisibilityOfConstant(smallestLast)));
}
