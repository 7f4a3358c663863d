// Which values are index math: computable in any layout from scalars,
// constants and program ids alone, with no memory traffic. Tiling
// rematerializes such values instead of converting their layout, and
// remove-conversions recomputes them instead of a workgroup-memory round trip.

import type { Op, Value } from '../ir/ops.js';

/**
 * Is `v` recomputable index math? `leaf` decides op kinds the walk does not
 * know (remove-conversions also accepts loads from read-only buffers); it gets
 * the same test for the op's operands.
 */
export function isRecomputable(
  v: Value,
  defs: ReadonlyMap<number, Op>,
  leaf: (op: Op, recomputable: (v: Value) => boolean) => boolean = () => false,
): boolean {
  const recomputable = (x: Value): boolean => {
    // Scalars are held by every invocation, so they never need moving.
    if (x.type.shape.length === 0) return true;
    const op = defs.get(x.id);
    if (!op) return false;
    switch (op.kind) {
      case 'constant':
      case 'argument':
      case 'programId':
      case 'numPrograms':
      case 'arange':
      case 'splat':
        return true;
      case 'broadcast':
      case 'expandDims':
      case 'unary':
      case 'cast':
      case 'hint':
        return recomputable(op.operand);
      case 'binary':
        return recomputable(op.lhs) && recomputable(op.rhs);
      case 'addptr':
        return recomputable(op.ptr) && recomputable(op.offset);
      case 'select':
        return recomputable(op.cond) && recomputable(op.onTrue) && recomputable(op.onFalse);
      case 'fma':
        return recomputable(op.a) && recomputable(op.b) && recomputable(op.c);
      default:
        return leaf(op, recomputable);
    }
  };
  return recomputable(v);
}
