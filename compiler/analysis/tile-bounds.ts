// Tile bounds: which boolean tiles are integer comparisons that one scalar
// test, computed once per workgroup, can prove true in every element. The
// full-tiles pass reads it; it rewrites nothing.
//
// A comparison qualifies when both sides are "uniform plus a bounded
// constant": every element is wrap(S + k), where S is a sum of scalars that
// every invocation computes alike (arguments, program ids and integer
// arithmetic on them) and k an integer in a range known at compile time. `pid * BLOCK + tl.arange(0, BLOCK)` is
// S = pid * BLOCK, k in [0, BLOCK - 1]; `n_elements` is S = n_elements, k = 0.
// Then `a < b` holds everywhere when max(a) < min(b) and neither side wraps:
// S_a + hi_a < S_b + lo_b with S + k inside the i32 range on both sides. The
// kernel computes each element modulo 2^32 in whatever order it likes; the
// no-wrap test is what makes its value equal the exact S + k.

import type { Block, KernelIR, Op, Value } from '../ir/ops.js';
import { isSimple } from '../ir/rebuild.js';

/** Every element of the tile is wrap(sum(terms) + k) for an integer k in [lo, hi]. */
export interface UniformPlusRange {
  readonly terms: readonly Value[];
  readonly lo: number;
  readonly hi: number;
}

/** A comparison that is all-true when max(lesser) < min(greater) (<= unless strict). */
export interface ProvableComparison {
  /** The comparison's result. */
  readonly id: number;
  readonly lesser: UniformPlusRange;
  readonly greater: UniformPlusRange;
  readonly strict: boolean;
}

export interface TileBounds {
  /**
   * Bool tile id -> the comparisons that, all proven, make every element of
   * it true: the comparison itself, or the comparisons under an `and`,
   * broadcast, expandDims or layout conversion of proven tiles.
   */
  readonly provenBy: ReadonlyMap<number, readonly ProvableComparison[]>;
}

/** Beyond this a bound might not be an exact JavaScript integer after adding terms' ranges. */
const RANGE_LIMIT = 2 ** 40;
/** More terms than this buy nothing in practice and grow the guard. */
const MAX_TERMS = 4;

/** The analysis of the blocks outside loops (the only ones full-tiles copies). */
export function tileBounds(kernel: KernelIR): TileBounds {
  const uniform = new Set<number>();
  const ranges = new Map<number, UniformPlusRange>();
  const provenBy = new Map<number, readonly ProvableComparison[]>();
  const rangeOf = (v: Value): UniformPlusRange | undefined => ranges.get(v.id);

  const visit = (block: Block): void => {
    for (const op of block.ops) {
      if (op.kind === 'if') [op.thenBlock, op.elseBlock].forEach(visit);
      if (!isSimple(op) || op.kind === 'store') continue;
      const r = op.result;
      if (r.type.kind !== 'tile') continue;
      if (r.type.shape.length === 0) {
        if (isUniformScalar(op, uniform)) {
          uniform.add(r.id);
          if (isI32(r))
            ranges.set(r.id, op.kind === 'constant' && typeof op.value === 'number' ? { terms: [], lo: op.value, hi: op.value } : { terms: [r], lo: 0, hi: 0 });
        }
        continue;
      }
      const range = tileRange(op, rangeOf);
      if (range && isI32(r)) ranges.set(r.id, range);
      const proof = comparison(op, rangeOf);
      const roots = proof ? [proof] : derivedProof(op, provenBy);
      if (roots) provenBy.set(r.id, roots);
    }
  };
  visit(kernel.body);
  return { provenBy };
}

function isI32(v: Value): boolean {
  return v.type.kind === 'tile' && v.type.dtype === 'i32';
}

/** A scalar every invocation computes alike, from launch-uniform inputs only (no loads, no reductions). */
function isUniformScalar(op: Op, uniform: ReadonlySet<number>): boolean {
  switch (op.kind) {
    case 'constant':
    case 'argument':
    case 'programId':
    case 'numPrograms':
      return true;
    case 'binary':
      return uniform.has(op.lhs.id) && uniform.has(op.rhs.id);
    case 'unary':
    case 'cast':
    case 'hint':
      return uniform.has(op.operand.id);
    case 'select':
      return uniform.has(op.cond.id) && uniform.has(op.onTrue.id) && uniform.has(op.onFalse.id);
    default:
      return false;
  }
}

function tileRange(op: Op, rangeOf: (v: Value) => UniformPlusRange | undefined): UniformPlusRange | undefined {
  switch (op.kind) {
    case 'arange':
      return bounded({ terms: [], lo: op.start, hi: op.end - 1 });
    case 'splat':
    case 'broadcast':
    case 'expandDims':
    case 'reshape':
    case 'convertLayout':
    case 'hint':
      return rangeOf(op.operand);
    case 'binary': {
      const a = rangeOf(op.lhs);
      const b = rangeOf(op.rhs);
      if (!a || !b) return undefined;
      if (op.op === 'add' && a.terms.length + b.terms.length <= MAX_TERMS)
        return bounded({ terms: [...a.terms, ...b.terms], lo: a.lo + b.lo, hi: a.hi + b.hi });
      if (op.op === 'sub' && b.terms.length === 0) return bounded({ terms: a.terms, lo: a.lo - b.hi, hi: a.hi - b.lo });
      if (op.op === 'mul' && a.terms.length === 0 && b.terms.length === 0) {
        const products = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
        return bounded({ terms: [], lo: Math.min(...products), hi: Math.max(...products) });
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function bounded(r: UniformPlusRange): UniformPlusRange | undefined {
  return Math.abs(r.lo) <= RANGE_LIMIT && Math.abs(r.hi) <= RANGE_LIMIT ? r : undefined;
}

function comparison(op: Op, rangeOf: (v: Value) => UniformPlusRange | undefined): ProvableComparison | undefined {
  if (op.kind !== 'binary') return undefined;
  const a = rangeOf(op.lhs);
  const b = rangeOf(op.rhs);
  if (!a || !b) return undefined;
  const id = op.result.id;
  switch (op.op) {
    case 'lt':
      return { id, lesser: a, greater: b, strict: true };
    case 'le':
      return { id, lesser: a, greater: b, strict: false };
    case 'gt':
      return { id, lesser: b, greater: a, strict: true };
    case 'ge':
      return { id, lesser: b, greater: a, strict: false };
    default:
      return undefined;
  }
}

function derivedProof(op: Op, provenBy: ReadonlyMap<number, readonly ProvableComparison[]>): readonly ProvableComparison[] | undefined {
  switch (op.kind) {
    case 'binary': {
      if (op.op !== 'and') return undefined;
      const a = provenBy.get(op.lhs.id);
      const b = provenBy.get(op.rhs.id);
      return a && b ? [...a, ...b] : undefined;
    }
    case 'broadcast':
    case 'expandDims':
    case 'reshape':
    case 'convertLayout':
      return provenBy.get(op.operand.id);
    default:
      return undefined;
  }
}
