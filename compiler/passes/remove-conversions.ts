// Remove layout conversions: each convertLayout is a workgroup-memory round
// trip (a store, two barriers, a load), so where the converted value can be
// produced directly in the wanted layout, do that instead (Triton's
// RemoveLayoutConversions, in its simplest form).
//
// Assumes: tiled IR (every value has a layout).
// Rewrites: a convertLayout whose operand already has the wanted layout
// disappears; a conversion of a conversion converts the original once; a
// conversion of a value that is cheap to recompute (index math: constants,
// arguments, aranges, splats, broadcasts, expandDims, arithmetic), or of a
// load from a buffer the kernel never writes whose address, mask and `other`
// are such index math, recomputes (re-loads) it in the wanted layout.
// Guarantees: same values, fewer or equal conversions. A load is repeated
// only from a read-only buffer, so it reads what the original read.

import { layoutsEqual, layoutToString, scalarLayout, type Layout } from '../ir/layout.js';
import { blocksOf, resultsOf, type Block, type KernelIR, type Op, type Value } from '../ir/ops.js';
import { rebuildSimple, type SimpleOp } from '../ir/rebuild.js';
import { Rewriter } from '../ir/rewriter.js';
import { isRecomputable, ScopedCopies } from './recompute.js';

export function removeConversions(kernel: KernelIR): KernelIR {
  // Nothing to remove: the walk would rebuild the same ops with the same ids
  // (the input comes from tiling's builder, numbered in walk order).
  if (!hasConversions(kernel.body)) return kernel;
  const r = new ConversionRemover(kernel);
  r.walk(kernel.body.ops);
  return { ...kernel, body: { args: [], ops: r.b.topLevelOps() } };
}

function hasConversions(block: Block): boolean {
  return block.ops.some((op) => op.kind === 'convertLayout' || blocksOf(op).some(hasConversions));
}

/** Parameter indices of buffers that some store writes. */
function writtenBuffers(block: Block, into = new Set<number>()): Set<number> {
  for (const op of block.ops) {
    if (op.kind === 'store' && op.ptr.type.kind === 'ptr') into.add(op.ptr.type.buffer);
    blocksOf(op).forEach((b) => writtenBuffers(b, into));
  }
  return into;
}

class ConversionRemover extends Rewriter {
  private readonly defs = new Map<number, Op>();
  private readonly written: Set<number>;
  /** Values recomputed in another layout, per block. */
  private readonly copies = new ScopedCopies();

  constructor(kernel: KernelIR) {
    super(kernel.source);
    this.written = writtenBuffers(kernel.body);
    const index = (block: Block): void => {
      for (const op of block.ops) {
        for (const v of resultsOf(op)) this.defs.set(v.id, op);
        blocksOf(op).forEach(index);
      }
    };
    index(kernel.body);
  }

  /** Can the old value be recomputed in any layout (no memory traffic but a read-only load)? */
  private remat(v: Value): boolean {
    return isRecomputable(v, this.defs, (op, recomputable) =>
      op.kind === 'load' &&
      op.ptr.type.kind === 'ptr' &&
      !this.written.has(op.ptr.type.buffer) &&
      recomputable(op.ptr) &&
      (!op.mask || recomputable(op.mask)) &&
      (!op.other || recomputable(op.other)),
    );
  }

  /** The old value `v`, recomputed in `layout` (v must be remat()). */
  private rebuildIn(v: Value, layout: Layout): Value {
    const cur = this.get(v);
    if (v.type.shape.length === 0) return cur;
    if (cur.type.layout && layoutsEqual(cur.type.layout, layout)) return cur;
    const key = `${v.id}@${layoutToString(layout)}`;
    const hit = this.copies.find(key);
    if (hit) return hit;
    const op = this.defs.get(v.id);
    if (!op || op.kind === 'for' || op.kind === 'if' || op.kind === 'yield' || op.kind === 'store') throw new Error(`remove-conversions: %${v.id} cannot be recomputed`);
    const operandLayout = (operand: Value): Layout => {
      if (operand.type.shape.length === 0) return scalarLayout;
      if (op.kind === 'expandDims') {
        if (layout.kind !== 'blocked') throw new Error('remove-conversions: expandDims outside a blocked layout');
        return { kind: 'slice', parent: layout, dim: op.axis };
      }
      return layout;
    };
    const made = rebuildSimple(this.b, op, (operand) => this.rebuildIn(operand, operandLayout(operand)), layout);
    if (!made) throw new Error('remove-conversions: rebuilt op has no result');
    this.copies.remember(key, made);
    return made;
  }

  /** The value a conversion of old `v` to `layout` should become. */
  private convert(v: Value, layout: Layout, op: SimpleOp): Value {
    const source = this.get(v);
    if (source.type.layout && layoutsEqual(source.type.layout, layout)) return source;
    const def = this.defs.get(v.id);
    // A conversion of a conversion: convert the original once.
    if (def?.kind === 'convertLayout') return this.convert(def.operand, layout, op);
    if (layout.kind !== 'scalar' && this.canRebuildIn(v, layout)) return this.rebuildIn(v, layout);
    return this.b.convertLayout(source, layout, op.span);
  }

  /** expandDims needs a blocked result layout to take a slice of. */
  private canRebuildIn(v: Value, layout: Layout): boolean {
    if (!this.remat(v)) return false;
    const op = this.defs.get(v.id);
    if (op?.kind === 'expandDims' && layout.kind !== 'blocked') return false;
    return true;
  }

  walk(ops: readonly Op[]): void {
    for (const op of ops) {
      if (this.rewriteControl(op, this.copies.scoped)) continue;
      switch (op.kind) {
        case 'convertLayout': {
          const layout = op.result.type.layout ?? scalarLayout;
          this.map.set(op.result.id, this.convert(op.operand, layout, op));
          break;
        }
        default: {
          const r = rebuildSimple(this.b, op, this.get, op.kind === 'store' ? undefined : op.result.type.layout);
          if (r && op.kind !== 'store') this.map.set(op.result.id, r);
        }
      }
    }
  }
}
