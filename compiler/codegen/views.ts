// Layout views: a value's layout seen as "a blocked parent layout over an
// expanded shape". A slice layout is its parent over the shape with a size-1
// axis put back where the slice removed it, so blocked and slice tiles share
// one slot enumeration, one coordinate formula and one owner test.

import { blockedSlots, dimTilings, expandedShape, replicatesAlong, type BlockedLayout, type DimTiling, type Layout, type SliceLayout, type Slot } from '../ir/layout.js';
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

const scalarView: View = { parent: null, shape: [], removed: null, dims: [], slots: [{ rep: [], elem: [] }] };

/**
 * The views made so far, by layout object and shape. A view depends on
 * nothing else, and layouts and views are immutable; passes share one layout
 * object among all the values they give it, so codegen computes the slots of
 * each (layout, shape) once instead of for every op that looks at a value.
 */
const viewsByLayout = new WeakMap<Layout, Map<string, View>>();

export function viewOf(type: Type): View {
  const layout = type.layout;
  if (type.shape.length === 0 || layout === undefined || layout.kind === 'scalar') return scalarView;
  let byShape = viewsByLayout.get(layout);
  if (!byShape) {
    byShape = new Map();
    viewsByLayout.set(layout, byShape);
  }
  const shapeKey = type.shape.join(',');
  let view = byShape.get(shapeKey);
  if (!view) {
    view = computeView(layout, type.shape);
    byShape.set(shapeKey, view);
  }
  return view;
}

function computeView(layout: BlockedLayout | SliceLayout, shape: readonly number[]): View {
  if (layout.kind === 'blocked') {
    if (layout.threadsPerDim.length !== shape.length) throw new Error(`layout rank does not match shape rank`);
    return { parent: layout, shape, removed: null, dims: dimTilings(layout, shape), slots: blockedSlots(layout, shape) };
  }
  const expanded = expandedShape(layout, shape);
  return { parent: layout.parent, shape: expanded, removed: layout.dim, dims: dimTilings(layout.parent, expanded), slots: blockedSlots(layout.parent, expanded) };
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
    if (replicatesAlong(dim) && view.parent) {
      const limit = Math.ceil(dim.size / dim.sizePerThread);
      terms.push(`${names.threadIndex(view.parent, d)} < ${limit}u`);
    }
  });
  return terms.length ? terms.join(' && ') : null;
}
