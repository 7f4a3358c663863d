// Vectorize: mark the loads and stores whose per-invocation runs can move as
// one vec4 (16 bytes) instead of four scalar accesses.
//
// Assumes: tiled and masked IR (every value has a layout); runs last.
// Rewrites: sets `vector` on loads and stores; nothing else changes.
// Guarantees: an access is marked only when, for every invocation and every
// run of 4 slots along the last dimension, axis-info proves that the 4
// addresses are consecutive (contiguity along the last dimension a multiple
// of 4) and that the first is a multiple of 4 elements (divisibility), which
// with the binding's own alignment (WebGPU binds at multiples of
// minStorageBufferOffsetAlignment) makes the vec4 16-byte aligned. The layout
// must hold runs of 4 along the last dimension (sizePerThread a multiple of 4,
// no wrap-around). `maskPerVector` is set when the mask is constant over each
// run (e.g. `offs < n` with n specialized as a multiple of 16), so one lane's
// mask decides the vector; otherwise codegen checks all four and falls back to
// scalar accesses for a partly masked run (a tile's edge). Accesses that are
// not marked stay scalar: a misaligned offset is never read as a vector.

import { analyzeAxisInfo, type AxisInfoMap } from '../analysis/axis-info.js';
import type { KernelIR, Op, Value, VectorAccess } from '../ir/ops.js';
import { rebuildSimple } from '../ir/rebuild.js';
import { Rewriter } from '../ir/rewriter.js';
import { dimTilings } from '../ir/layout.js';
import { MAX_VECTOR_WIDTH } from './coalescing.js';

export function vectorize(kernel: KernelIR): KernelIR {
  const v = new Vectorizer(kernel.source, analyzeAxisInfo(kernel));
  v.walk(kernel.body.ops);
  return { ...kernel, body: { args: [], ops: v.b.topLevelOps() } };
}

/** The vector access for a pointer tile (and mask), or undefined for scalar accesses. */
export function vectorAccessFor(ptr: Value, mask: Value | undefined, info: AxisInfoMap, forLoad = false): VectorAccess | undefined {
  const width = MAX_VECTOR_WIDTH;
  const shape = ptr.type.shape;
  const layout = ptr.type.layout;
  if (shape.length === 0 || layout?.kind !== 'blocked') return undefined;
  const last = shape.length - 1;
  const dim = dimTilings(layout, shape)[last];
  if (!dim || dim.sizePerThread % width !== 0 || dim.elems % width !== 0) return undefined;
  // A wrapped dimension (replicas, e.g. a dot operand's K held whole by
  // every invocation) is fine for loads when each run lies inside the tile:
  // runs start at multiples of sizePerThread modulo the size.
  if (dim.wraps && (!forLoad || dim.sizePerThread > dim.size)) return undefined;
  const facts = info.get(ptr.id);
  if (!facts) return undefined;
  const contiguity = facts.contiguity[last] ?? 1;
  const divisibility = facts.divisibility[last] ?? 1;
  if (contiguity % width !== 0 || divisibility % width !== 0) return undefined;
  const maskConstancy = mask ? (info.get(mask.id)?.constancy[last] ?? 1) : width;
  return { width, maskPerVector: maskConstancy % width === 0 };
}

class Vectorizer extends Rewriter {
  constructor(
    source: string,
    private readonly info: AxisInfoMap,
  ) {
    super(source);
  }

  walk(ops: readonly Op[]): void {
    for (const op of ops) {
      if (this.rewriteControl(op)) continue;
      switch (op.kind) {
        case 'load': {
          const vector = vectorAccessFor(op.ptr, op.mask, this.info, true);
          const r = this.b.load(this.get(op.ptr), op.mask && this.get(op.mask), op.other && this.get(op.other), op.span, op.result.type.layout, vector);
          this.map.set(op.result.id, r);
          break;
        }
        case 'store': {
          const vector = vectorAccessFor(op.ptr, op.mask, this.info);
          this.b.store(this.get(op.ptr), this.get(op.value), op.mask && this.get(op.mask), op.span, vector);
          break;
        }
        default: {
          const r = rebuildSimple(this.b, op, this.get, op.result.type.layout);
          if (r) this.map.set(op.result.id, r);
        }
      }
    }
  }
}
