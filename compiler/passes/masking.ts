// Masking: make every predicated memory access explicit and settle the
// statically known ones, so codegen has one form to emit: "if the element's
// mask is on, touch memory; else yield `other`".
//
// Assumes: tiled IR (every value has a layout).
// Guarantees: every masked load has an explicit `other` (zero of its dtype
// when the kernel gave none, where Triton leaves it undefined); a mask known
// to be all-true is dropped; a load whose mask is all-false becomes its
// `other` and a store whose mask is all-false is removed: neither touches memory.
// Out-of-bounds protection itself is codegen's: a masked-off lane never issues
// the access (WGSL would clamp an out-of-bounds index to some real element).

import { blocksOf, type Block, type KernelIR, type Op, type Value } from '../ir/ops.js';
import { rebuildSimple } from '../ir/rebuild.js';
import { Rewriter } from '../ir/rewriter.js';

export function masking(kernel: KernelIR): KernelIR {
  const m = new Masker(kernel);
  m.walk(kernel.body.ops);
  return { ...kernel, body: { args: [], ops: m.b.topLevelOps() } };
}

class Masker extends Rewriter {
  /** Old ids of masks whose value is known everywhere: a splat (or scalar) constant. */
  private readonly known = new Map<number, boolean>();

  constructor(kernel: KernelIR) {
    super(kernel.source);
    this.index(kernel.body);
  }

  private index(block: Block): void {
    const consts = new Map<number, boolean>();
    const visit = (b: Block): void => {
      for (const op of b.ops) {
        if (op.kind === 'constant' && typeof op.value === 'boolean') consts.set(op.result.id, op.value);
        if ((op.kind === 'splat' || op.kind === 'broadcast' || op.kind === 'convertLayout' || op.kind === 'expandDims') && consts.has(op.operand.id)) {
          const c = consts.get(op.operand.id);
          if (c !== undefined) consts.set(op.result.id, c);
        }
        blocksOf(op).forEach(visit);
      }
    };
    visit(block);
    for (const [id, v] of consts) this.known.set(id, v);
  }

  walk(ops: readonly Op[]): void {
    for (const op of ops) {
      if (this.rewriteControl(op)) continue;
      switch (op.kind) {
        case 'load':
          this.map.set(op.result.id, this.load(op));
          break;
        case 'store': {
          const known = op.mask ? this.known.get(op.mask.id) : true;
          if (known === false) break; // never writes
          this.b.store(this.get(op.ptr), this.get(op.value), known === true || !op.mask ? undefined : this.get(op.mask), op.span);
          break;
        }
        default: {
          const r = rebuildSimple(this.b, op, this.get, op.result.type.layout);
          if (r) this.map.set(op.result.id, r);
        }
      }
    }
  }

  private load(op: Op & { kind: 'load' }): Value {
    const ptr = this.get(op.ptr);
    const layout = op.result.type.layout;
    const known = op.mask ? this.known.get(op.mask.id) : true;
    if (known === true || !op.mask) return this.b.load(ptr, undefined, undefined, op.span, layout);
    const other = op.other ? this.get(op.other) : this.zeros(op, ptr);
    if (known === false) return other;
    return this.b.load(ptr, this.get(op.mask), other, op.span, layout);
  }

  private zeros(op: Op & { kind: 'load' }, ptr: Value): Value {
    if (ptr.type.kind !== 'ptr') throw new Error('masking: load of a non-pointer');
    const zero = this.b.constant(0, ptr.type.elem, op.span, { kind: 'scalar' });
    if (ptr.type.shape.length === 0) return zero;
    return this.b.splat(zero, ptr.type.shape, op.span, op.result.type.layout);
  }
}
