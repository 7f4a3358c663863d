// Which values are index math: computable in any layout from scalars,
// constants and program ids alone, with no memory traffic. Tiling
// rematerializes such values instead of converting their layout, and
// remove-conversions recomputes them instead of a workgroup-memory round trip;
// both remember the copies they made per block (ScopedCopies).

import type { Op, Value } from '../ir/ops.js';

/**
 * Is `v` recomputable index math? `leaf` decides op kinds the walk does not
 * know (remove-conversions also accepts loads from read-only buffers); it gets
 * the same test for the op's operands.
 */
export function isRecomputable(
  v: Value,
  defs: ReadonlyMap<number, Op>,
  leaf: (op: Op, recomputable: (v: Value) => boolean) => boolean = noOtherLeaves,
): boolean {
  // Scalars are held by every invocation, so they never need moving.
  if (v.type.shape.length === 0) return true;
  const op = defs.get(v.id);
  if (!op) return false;
  // Recursion on the function itself, not through a closure made per call:
  // tiling asks about every operand.
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
      return isRecomputable(op.operand, defs, leaf);
    case 'binary':
      return isRecomputable(op.lhs, defs, leaf) && isRecomputable(op.rhs, defs, leaf);
    case 'addptr':
      return isRecomputable(op.ptr, defs, leaf) && isRecomputable(op.offset, defs, leaf);
    case 'select':
      return isRecomputable(op.cond, defs, leaf) && isRecomputable(op.onTrue, defs, leaf) && isRecomputable(op.onFalse, defs, leaf);
    case 'fma':
      return isRecomputable(op.a, defs, leaf) && isRecomputable(op.b, defs, leaf) && isRecomputable(op.c, defs, leaf);
    default:
      return leaf(op, (x) => isRecomputable(x, defs, leaf));
  }
}

function noOtherLeaves(): boolean {
  return false;
}

/**
 * Values made again in another layout, keyed by old value id + layout. A copy
 * made inside a block is visible there and in its nested blocks only (it does
 * not dominate code after the block).
 */
export class ScopedCopies {
  private readonly scopes: Map<string, Value>[] = [new Map()];

  find(key: string): Value | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const hit = this.scopes[i]?.get(key);
      if (hit) return hit;
    }
    return undefined;
  }

  remember(key: string, value: Value): void {
    this.scopes[this.scopes.length - 1]?.set(key, value);
  }

  /** Runs `fn` (the rewrite of a nested block) in a scope of its own. */
  readonly scoped = <T>(fn: () => T): T => {
    this.scopes.push(new Map());
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  };
}
