// Re-emit an op through the checking builder with remapped operands (and,
// optionally, a result layout). Passes are written as "walk the old IR, build
// the new one"; this keeps them from constructing op objects by hand, so the
// builder's checks hold for every pass's output too.

import type { IRBuilder } from './builder.js';
import type { Layout } from './layout.js';
import type { Op, Value } from './ops.js';
import { retyped } from './types.js';

export type SimpleOp = Exclude<Op, { kind: 'for' } | { kind: 'if' } | { kind: 'yield' }>;

export function isSimple(op: Op): op is SimpleOp {
  return op.kind !== 'for' && op.kind !== 'if' && op.kind !== 'yield';
}

/** Rebuild a non-control-flow op. Returns its result (undefined for store). */
export function rebuildSimple(b: IRBuilder, op: SimpleOp, get: (v: Value) => Value, layout?: Layout): Value | undefined {
  const s = op.span;
  switch (op.kind) {
    case 'constant':
      return b.constant(op.value, op.result.type.kind === 'tile' ? op.result.type.dtype : 'i32', s, layout);
    case 'argument':
      return b.argument(op.index, op.param, layout ? retyped(op.result.type, op.result.type.shape, layout) : op.result.type, s);
    case 'programId':
      return b.programId(op.axis, s, layout);
    case 'numPrograms':
      return b.numPrograms(op.axis, s, layout);
    case 'arange':
      return b.arange(op.start, op.end, s, layout);
    case 'splat':
      return b.splat(get(op.operand), op.result.type.shape, s, layout);
    case 'broadcast':
      return b.broadcast(get(op.operand), op.result.type.shape, s, layout);
    case 'expandDims':
      return b.expandDims(get(op.operand), op.axis, s, layout);
    case 'reshape':
      return b.reshape(get(op.operand), op.result.type.shape, s, layout);
    case 'hint':
      return b.hint(get(op.operand), op.hint, op.values, s, layout);
    case 'convertLayout':
      return b.convertLayout(get(op.operand), layout ?? op.result.type.layout ?? { kind: 'scalar' }, s);
    case 'binary':
      return b.binary(op.op, get(op.lhs), get(op.rhs), s, layout);
    case 'unary':
      return b.unary(op.op, get(op.operand), s, layout);
    case 'fma':
      return b.fma(get(op.a), get(op.b), get(op.c), s, layout);
    case 'dot':
      return b.dot(get(op.a), get(op.b), get(op.acc), s, layout);
    case 'select':
      return b.select(get(op.cond), get(op.onTrue), get(op.onFalse), s, layout);
    case 'cast':
      return b.cast(get(op.operand), op.result.type.kind === 'tile' ? op.result.type.dtype : 'i32', s, layout);
    case 'addptr':
      return b.addptr(get(op.ptr), get(op.offset), s, layout);
    case 'load':
      return b.load(get(op.ptr), op.mask && get(op.mask), op.other && get(op.other), s, layout, op.vector);
    case 'store':
      b.store(get(op.ptr), get(op.value), op.mask && get(op.mask), s, op.vector);
      return undefined;
    case 'reduce':
      return b.reduce(op.op, get(op.operand), op.axis, s, layout);
    case 'argReduce':
      return b.argReduce(op.op, get(op.operand), op.axis, s, layout);
  }
}

/** Operands of a simple op, as the fields rebuildSimple reads. */
export function isPure(op: Op): boolean {
  return op.kind !== 'store' && op.kind !== 'for' && op.kind !== 'if' && op.kind !== 'yield';
}
