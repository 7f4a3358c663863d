// Vectorize: mark the loads and stores whose per-invocation runs can move as
// one vec4 (16 bytes) instead of four scalar accesses.
//
// Assumes: tiled and masked IR (every value has a layout) with no access
// marked yet; runs last.
// Rewrites: sets `vector` on loads and stores; nothing else changes (the
// other ops, values and ids are shared with the input: there is nothing to
// rebuild, since no builder check depends on the annotation).
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
import { withBlocks, withVectorAccess } from '../ir/builder.js';
import type { Block, KernelIR, Op, Value, VectorAccess } from '../ir/ops.js';
import { dimTilings } from '../ir/layout.js';
import { MAX_VECTOR_WIDTH } from './coalescing.js';

export function vectorize(kernel: KernelIR): KernelIR {
  const body = vectorizeBlock(kernel.body, analyzeAxisInfo(kernel));
  return body === kernel.body ? kernel : { ...kernel, body };
}

/** The block with its accesses annotated; the same object when none is. */
function vectorizeBlock(block: Block, info: AxisInfoMap): Block {
  let ops: Op[] | undefined;
  for (let i = 0; i < block.ops.length; i++) {
    const op = block.ops[i];
    if (!op) continue;
    const annotated = vectorizeOp(op, info);
    if (annotated !== op) (ops ??= block.ops.slice())[i] = annotated;
  }
  return ops ? { args: block.args, ops } : block;
}

function vectorizeOp(op: Op, info: AxisInfoMap): Op {
  switch (op.kind) {
    case 'load':
    case 'store': {
      const vector = vectorAccessFor(op.ptr, op.mask, info, op.kind === 'load');
      return vector ? withVectorAccess(op, vector) : op;
    }
    case 'for': {
      const body = vectorizeBlock(op.body, info);
      return body === op.body ? op : withBlocks(op, body);
    }
    case 'if': {
      const thenBlock = vectorizeBlock(op.thenBlock, info);
      const elseBlock = vectorizeBlock(op.elseBlock, info);
      return thenBlock === op.thenBlock && elseBlock === op.elseBlock ? op : withBlocks(op, thenBlock, elseBlock);
    }
    default:
      return op;
  }
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
