// Layout views: a value's layout seen as "a blocked parent layout over an
// expanded shape". A slice layout is its parent over the shape with a size-1
// axis put back where the slice removed it, so blocked and slice tiles share
// one slot enumeration, one coordinate formula and one owner test.

import { blockedSlots, dimTilings, type BlockedLayout, type DimTiling, type Layout, type Slot } from '../ir/layout.js';
import type { Type } from '../ir/types.js';

export interface View {
  /** null for scalars: one slot, held by every invocation. */
  readonly parent: BlockedLayout | null;
  readonly shape: readonly number[];
  /** The axis a slice removed (present in `shape` with size 1), or null. */
  readonly removed: number | null;
  readonly dims: readonly DimTiling[];
  readonly slots: readonly Slot[];
}

export function viewOf(type: Type): View {
  const layout: Layout = type.layout ?? { kind: 'scalar' };
  if (type.shape.length === 0 || layout.kind === 'scalar')
    return { parent: null, shape: [], removed: null, dims: [], slots: [{ rep: [], elem: [] }] };
  if (layout.kind === 'blocked') {
    if (layout.threadsPerDim.length !== type.shape.length) throw new Error(`layout rank does not match shape rank`);
    return { parent: layout, shape: type.shape, removed: null, dims: dimTilings(layout, type.shape), slots: blockedSlots(layout, type.shape) };
  }
  const shape = [...type.shape.slice(0, layout.dim), 1, ...type.shape.slice(layout.dim)];
  return { parent: layout.parent, shape, removed: layout.dim, dims: dimTilings(layout.parent, shape), slots: blockedSlots(layout.parent, shape) };
}

/** Position of a slot in a view's slot list (the order blockedSlots produces). */
export function slotIndex(view: View, slot: Slot): number {
  let index = 0;
  view.dims.forEach((dim, d) => {
    index = (index * dim.reps + (slot.rep[d] ?? 0)) * dim.elems + (slot.elem[d] ?? 0);
  });
  return index;
}

/** Expanded axis of an axis of the value's own shape. */
export function expandedAxis(view: View, axis: number): number {
  return view.removed !== null && axis >= view.removed ? axis + 1 : axis;
}

/** Names the thread-index variables of parent layouts: `t{layout}_{dim}`. */
export interface ThreadIndexNamer {
  threadIndex(parent: BlockedLayout, dim: number): string;
}

/** WGSL i32 expression for a slot's coordinate along an expanded axis. */
export function coordinate(view: View, slot: Slot, d: number, names: ThreadIndexNamer): string {
  const dim = view.dims[d];
  if (!dim || !view.parent || dim.size === 1) return '0i';
  const base = (slot.rep[d] ?? 0) * dim.coverage + (slot.elem[d] ?? 0);
  const parts: string[] = [];
  if (dim.threads > 1) {
    const t = `i32(${names.threadIndex(view.parent, d)})`;
    parts.push(dim.sizePerThread === 1 ? t : `${t} * ${dim.sizePerThread}i`);
  }
  if (base !== 0 || parts.length === 0) parts.push(`${base}i`);
  const sum = parts.join(' + ');
  return dim.wraps ? `((${sum}) & ${dim.size - 1}i)` : parts.length > 1 ? `(${sum})` : sum;
}

/** Coordinates along the value's own axes (the removed axis dropped). */
export function coordinates(view: View, slot: Slot, names: ThreadIndexNamer): string[] {
  const out: string[] = [];
  view.dims.forEach((_, d) => {
    if (d !== view.removed) out.push(coordinate(view, slot, d, names));
  });
  return out;
}

/** Row-major flat index (i32 expression) of a slot's element in its tile. */
export function flatIndex(view: View, slot: Slot, names: ThreadIndexNamer): string {
  const shape = view.shape.filter((_, d) => d !== view.removed);
  const coords = coordinates(view, slot, names);
  let stride = 1;
  const terms: string[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    const c = coords[d] ?? '0i';
    if (c !== '0i') terms.push(stride === 1 ? c : `${c} * ${stride}i`);
    stride *= shape[d] ?? 1;
  }
  return terms.length ? terms.join(' + ') : '0i';
}

/**
 * WGSL bool expression: this invocation holds the first copy of its elements
 * (where the layout covers more than the tile, other invocations hold replicas).
 * Replicas must not store twice or be counted twice in a sum.
 */
export function ownerPredicate(view: View, names: ThreadIndexNamer): string | null {
  if (!view.parent) return null;
  const terms: string[] = [];
  view.dims.forEach((dim, d) => {
    if (dim.wraps && dim.threads > 1 && view.parent) {
      const limit = Math.ceil(dim.size / dim.sizePerThread);
      terms.push(`${names.threadIndex(view.parent, d)} < ${limit}u`);
    }
  });
  return terms.length ? terms.join(' && ') : null;
}
