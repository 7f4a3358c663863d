// Layouts: how a tile's elements are spread over a workgroup's invocations
// (Triton's "blocked" and "slice" encodings, without warps: WebGPU has no
// portable warp notion, so threads are counted per workgroup).
//
// A blocked layout gives each dimension d a number of contiguous elements per
// invocation (sizePerThread[d]) and a number of invocations (threadsPerDim[d]);
// dimensions are ordered row-major (the last dimension varies fastest, both in
// memory and in the invocation index). The layout covers
// sizePerThread[d] * threadsPerDim[d] elements along d; a larger tile repeats
// the pattern, a smaller one wraps around (several invocations then hold the
// same element: replicas).
//
// A slice layout is the layout of a tile obtained by removing dimension `dim`
// from a tile in the parent blocked layout (a reduction result, or the input
// of expandDims). Every invocation holds the elements its parent elements
// would need, so expandDims + broadcast back to the parent costs nothing.

import type { Shape } from './types.js';

export interface BlockedLayout {
  readonly kind: 'blocked';
  readonly sizePerThread: readonly number[];
  readonly threadsPerDim: readonly number[];
}

export interface SliceLayout {
  readonly kind: 'slice';
  readonly parent: BlockedLayout;
  readonly dim: number;
}

/** Rank-0 values: every invocation holds the one element. */
export interface ScalarLayout {
  readonly kind: 'scalar';
}

export type Layout = BlockedLayout | SliceLayout | ScalarLayout;

export const scalarLayout: ScalarLayout = { kind: 'scalar' };

export function invocations(layout: BlockedLayout): number {
  return layout.threadsPerDim.reduce((a, b) => a * b, 1);
}

/**
 * The default blocked layout for a shape: `vector` contiguous elements per
 * invocation along the last dimension, invocations along the last dimension
 * first (adjacent invocations touch adjacent elements), the rest down dim 0.
 */
export function defaultBlocked(shape: Shape, workgroupSize: number, vector = 1): BlockedLayout {
  const rank = shape.length;
  const last = shape[rank - 1] ?? 1;
  const spt = Math.min(vector, last);
  const threadsLast = Math.max(1, Math.min(workgroupSize, last / spt));
  const sizePerThread = shape.map((_, d) => (d === rank - 1 ? spt : 1));
  const threadsPerDim = shape.map((_, d) => (d === rank - 1 ? threadsLast : 1));
  if (rank > 1) threadsPerDim[0] = workgroupSize / threadsLast;
  else threadsPerDim[0] = workgroupSize;
  return { kind: 'blocked', sizePerThread, threadsPerDim };
}

/** One element slot an invocation holds: an index per dimension of the pattern. */
export interface Slot {
  /** Which repetition of the layout's coverage, per dimension. */
  readonly rep: readonly number[];
  /** Which of the invocation's contiguous elements, per dimension. */
  readonly elem: readonly number[];
}

/** Per dimension of a blocked layout over a concrete shape. */
export interface DimTiling {
  readonly size: number;
  readonly sizePerThread: number;
  readonly threads: number;
  /** Multiplier of this dimension's thread index in the flat invocation index. */
  readonly threadStride: number;
  readonly coverage: number;
  readonly reps: number;
  readonly elems: number;
  /** Coverage exceeds the size: coordinates wrap and some invocations are replicas. */
  readonly wraps: boolean;
}

/** Per dimension, the multiplier of its thread index in the flat invocation index (row-major). */
export function threadStrides(layout: BlockedLayout): number[] {
  let stride = 1;
  const strides: number[] = [];
  for (let d = layout.threadsPerDim.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= layout.threadsPerDim[d] ?? 1;
  }
  return strides;
}

/** Several invocations hold each element along this dimension (one of them owns it). */
export function replicatesAlong(dim: DimTiling): boolean {
  return dim.wraps && dim.threads > 1;
}

/** A slice tile's shape in its parent layout: the removed dimension back, with size 1. */
export function expandedShape(layout: SliceLayout, shape: Shape): Shape {
  return [...shape.slice(0, layout.dim), 1, ...shape.slice(layout.dim)];
}

export function dimTilings(layout: BlockedLayout, shape: Shape): DimTiling[] {
  const strides = threadStrides(layout);
  return shape.map((size, d) => {
    const sizePerThread = layout.sizePerThread[d] ?? 1;
    const threads = layout.threadsPerDim[d] ?? 1;
    const coverage = sizePerThread * threads;
    return {
      size,
      sizePerThread,
      threads,
      threadStride: strides[d] ?? 1,
      coverage,
      reps: Math.max(1, size / coverage),
      elems: Math.min(sizePerThread, size),
      wraps: coverage > size,
    };
  });
}

/** The slots of a blocked layout over a shape, in a fixed row-major order. */
export function blockedSlots(layout: BlockedLayout, shape: Shape): Slot[] {
  const dims = dimTilings(layout, shape);
  let slots: Slot[] = [{ rep: [], elem: [] }];
  for (const dim of dims) {
    const next: Slot[] = [];
    for (const s of slots)
      for (let r = 0; r < dim.reps; r++)
        for (let e = 0; e < dim.elems; e++) next.push({ rep: [...s.rep, r], elem: [...s.elem, e] });
    slots = next;
  }
  return slots;
}

export function layoutsEqual(a: Layout, b: Layout): boolean {
  if (a === b) return true;
  if (a.kind === 'scalar' || b.kind === 'scalar') return a.kind === b.kind;
  if (a.kind === 'slice') return b.kind === 'slice' && a.dim === b.dim && layoutsEqual(a.parent, b.parent);
  if (b.kind !== 'blocked') return false;
  return sameNumbers(a.sizePerThread, b.sizePerThread) && sameNumbers(a.threadsPerDim, b.threadsPerDim);
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The text of each layout printed so far. Layouts are immutable and passes
 * share one object among all the values they give a layout, so passes and
 * codegen that key maps by the text print each layout once per compile.
 */
const printedLayouts = new WeakMap<Layout, string>();

/** `#blocked<spt=[1,4] tpd=[8,16]>`, `#slice<dim=1, #blocked<...>>`, `#scalar`. */
export function layoutToString(layout: Layout): string {
  let text = printedLayouts.get(layout);
  if (text === undefined) {
    text = printLayout(layout);
    printedLayouts.set(layout, text);
  }
  return text;
}

function printLayout(layout: Layout): string {
  switch (layout.kind) {
    case 'scalar':
      return '#scalar';
    case 'blocked':
      return `#blocked<spt=[${layout.sizePerThread.join(',')}] tpd=[${layout.threadsPerDim.join(',')}]>`;
    case 'slice':
      return `#slice<dim=${layout.dim}, ${layoutToString(layout.parent)}>`;
  }
}
