// Canonicalize: fold constants, merge common subexpressions, drop dead code.
//
// Assumes: a well-formed kernel (layouts optional).
// Guarantees: no pure op whose result is unused; no two pure ops with the same
// kind, attributes and operands in one scope; binary/unary/cast/select ops on
// scalar constants are replaced by constants (integer math wraps to 32 bits,
// division and remainder truncate, as in WGSL); an integer `x * 1` whose result
// has x's type is x (a stride specialized to 1 must not hide contiguity from
// axis-info).

import { layoutsEqual, layoutToString, type Layout } from '../ir/layout.js';
import { blocksOf, operandsOf, type Block, type KernelIR, type Op, type Value } from '../ir/ops.js';
import { isPure, isSimple, rebuildSimple, type SimpleOp } from '../ir/rebuild.js';
import { Rewriter } from '../ir/rewriter.js';
import { sameType, typeToString, type DType, type Type } from '../ir/types.js';

/**
 * The canonical body of each body canonicalized so far, with the source its
 * errors quote. The result depends on nothing else, and bodies are immutable,
 * so a hit is exact: the compiler canonicalizes the lowered body once to pick
 * the tunables and again as the first pipeline pass (with the tunables set in
 * the kernel around the same body).
 */
const canonicalBodies = new WeakMap<Block, { readonly source: string; readonly body: Block }>();

export function canonicalize(kernel: KernelIR): KernelIR {
  const known = canonicalBodies.get(kernel.body);
  if (known && known.source === kernel.source) return { ...kernel, body: known.body };
  // One walk folds every constant chain (operands are folded before their
  // users) and merges duplicates, but dead code is found before the walk, so
  // the operands that folding or merging made unused survive it; a second
  // walk drops them (and merges the constants folding made). Without such
  // leftovers the second walk would rebuild the same ops with the same ids,
  // so it is skipped.
  const first = canonicalizeOnce(kernel.body, kernel.source, deadOps(kernel.body));
  const dead = deadOps(first.body);
  const body = first.folded || dead.size > 0 ? canonicalizeOnce(first.body, kernel.source, dead).body : first.body;
  canonicalBodies.set(kernel.body, { source: kernel.source, body });
  return { ...kernel, body };
}

function canonicalizeOnce(body: Block, source: string, dead: Set<Op>): { readonly body: Block; readonly folded: boolean } {
  const c = new Canonicalizer(source, dead);
  c.walk(body.ops);
  return { body: { args: [], ops: c.b.topLevelOps() }, folded: c.folded };
}

/**
 * Pure, non-control-flow ops whose results nothing uses, found to a fixpoint
 * (removing one can make its operands dead). Loops and ifs are kept whole.
 */
function deadOps(body: Block): Set<Op> {
  const dead = new Set<Op>();
  for (;;) {
    const used = new Set<number>();
    collectUses(body, dead, used);
    if (!sweepUnused(body, dead, used)) return dead;
  }
}

/** Ids of the values that live (not dead) ops read. */
function collectUses(block: Block, dead: ReadonlySet<Op>, used: Set<number>): void {
  for (const op of block.ops) {
    if (dead.has(op)) continue;
    for (const v of operandsOf(op)) used.add(v.id);
    for (const inner of blocksOf(op)) collectUses(inner, dead, used);
  }
}

/** Adds the pure simple ops no live op reads to `dead`; true if it found any. */
function sweepUnused(block: Block, dead: Set<Op>, used: ReadonlySet<number>): boolean {
  let found = false;
  for (const op of block.ops) {
    // A pure simple op has exactly one result.
    if (!dead.has(op) && isSimple(op) && isPure(op) && op.kind !== 'store' && !used.has(op.result.id)) {
      dead.add(op);
      found = true;
    }
    for (const inner of blocksOf(op)) if (sweepUnused(inner, dead, used)) found = true;
  }
  return found;
}

/** Attributes that distinguish two ops of one kind with the same operands. */
function attributes(op: SimpleOp): string {
  switch (op.kind) {
    case 'constant':
      return String(op.value);
    case 'argument':
      return String(op.index);
    case 'programId':
    case 'numPrograms':
      return String(op.axis);
    case 'arange':
      return `${op.start},${op.end}`;
    case 'expandDims':
      return String(op.axis);
    case 'binary':
    case 'unary':
      return op.op;
    case 'reduce':
    case 'argReduce':
      return `${op.op},${op.axis}`;
    case 'load':
      return `${op.mask ? 'm' : ''}${op.other ? 'o' : ''}`;
    case 'hint':
      return `${op.hint}=${op.values.join(',')}`;
    default:
      return '';
  }
}

/** A folded number as a value of `dtype`: 32-bit integer math wraps, f32 rounds. */
function wrapTo(dtype: DType, x: number): number {
  return dtype === 'i32' ? x | 0 : dtype === 'u32' ? x >>> 0 : Math.fround(x);
}

function foldConstant(op: SimpleOp, constOf: (v: Value) => number | boolean | undefined): number | boolean | undefined {
  if (op.kind === 'store' || op.result.type.kind !== 'tile') return undefined;
  const dtype = op.result.type.dtype;
  if (op.kind === 'binary') {
    const a = constOf(op.lhs);
    const b = constOf(op.rhs);
    if (typeof a !== 'number' || typeof b !== 'number') return undefined;
    const isIntOp = dtype !== 'f32' && dtype !== 'bool';
    switch (op.op) {
      case 'add': return wrapTo(dtype, a + b);
      case 'sub': return wrapTo(dtype, a - b);
      case 'mul': return isIntOp ? wrapTo(dtype, Math.imul(a, b)) : wrapTo(dtype, a * b);
      // Integer x / 0 is x and x % 0 is 0, as WGSL defines them at run time
      // (WGSL rejects them in constant expressions, so they must be folded).
      case 'div': return isIntOp ? (b === 0 ? a : wrapTo(dtype, Math.trunc(a / b))) : wrapTo(dtype, a / b);
      case 'mod': return isIntOp ? (b === 0 ? 0 : wrapTo(dtype, a % b)) : undefined;
      case 'min': return Math.min(a, b);
      case 'max': return Math.max(a, b);
      case 'eq': return a === b;
      case 'ne': return a !== b;
      case 'lt': return a < b;
      case 'le': return a <= b;
      case 'gt': return a > b;
      case 'ge': return a >= b;
      default: return undefined;
    }
  }
  if (op.kind === 'unary' && op.op === 'neg') {
    const a = constOf(op.operand);
    return typeof a === 'number' ? wrapTo(dtype, -a) : undefined;
  }
  if (op.kind === 'unary' && op.op === 'not' && dtype === 'bool') {
    const a = constOf(op.operand);
    return typeof a === 'boolean' ? !a : undefined;
  }
  if (op.kind === 'cast') {
    const a = constOf(op.operand);
    if (a === undefined) return undefined;
    const n = typeof a === 'boolean' ? (a ? 1 : 0) : a;
    if (dtype === 'bool') return n !== 0;
    if (dtype === 'f32') return Math.fround(n);
    // WGSL: float -> int truncates (left to the GPU when out of range or NaN);
    // i32 <-> u32 reinterprets the bits, which wrapTo does.
    const t = Math.trunc(n);
    if (op.operand.type.kind === 'tile' && op.operand.type.dtype === 'f32' && (!Number.isFinite(t) || wrapTo(dtype, t) !== t)) return undefined;
    return wrapTo(dtype, t);
  }
  if (op.kind === 'select') {
    const c = constOf(op.cond);
    return typeof c === 'boolean' ? constOf(c ? op.onTrue : op.onFalse) : undefined;
  }
  return undefined;
}

function sameTypeAndLayout(x: Type, y: Type): boolean {
  const [a, b] = [x.layout, y.layout];
  return sameType(x, y) && (a && b ? layoutsEqual(a, b) : a === b);
}

class Canonicalizer extends Rewriter {
  private readonly consts = new Map<number, number | boolean>();
  private readonly scopes: Map<string, Value>[] = [new Map()];
  private readonly layoutIds = new Map<string, number>();
  /** Some op was folded to a constant (whose constant ops are not merged yet). */
  folded = false;

  constructor(
    source: string,
    private readonly dead: Set<Op>,
  ) {
    super(source);
  }

  /** Equal keys mean interchangeable ops (loads excluded: memory may change). */
  private key(op: SimpleOp): string | undefined {
    if (!isPure(op) || op.kind === 'load' || op.kind === 'store') return undefined;
    const type = op.result.type;
    let operands = '';
    for (const v of operandsOf(op)) operands += `${this.get(v).id},`;
    return `${op.kind}|${attributes(op)}|${operands}|${typeToString(type)}#${type.layout ? this.layoutId(type.layout) : ''}`;
  }

  /**
   * A small number per distinct layout, so keys stay short (a key is hashed
   * whole on every lookup, and a layout's text is most of it otherwise).
   */
  private layoutId(layout: Layout): number {
    const text = layoutToString(layout);
    let id = this.layoutIds.get(text);
    if (id === undefined) {
      id = this.layoutIds.size;
      this.layoutIds.set(text, id);
    }
    return id;
  }

  private lookup(key: string): Value | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const hit = this.scopes[i]?.get(key);
      if (hit) return hit;
    }
    return undefined;
  }

  walk(ops: readonly Op[]): void {
    for (const op of ops) {
      if (op.kind === 'yield') {
        this.b.yieldOp(op.values.map(this.get), op.span);
        continue;
      }
      if (this.dead.has(op)) continue;
      if (op.kind === 'for') {
        this.rewriteFor(op, this.scoped);
        continue;
      }
      if (op.kind === 'if') {
        this.rewriteIf(op, this.scoped);
        continue;
      }
      if (!isSimple(op)) continue;
      const folded = foldConstant(op, this.constOf);
      if (folded !== undefined && op.kind !== 'store') {
        // A tile of equal constants folds too: a constant splat to its shape.
        const dtype = op.result.type.kind === 'tile' ? op.result.type.dtype : 'i32';
        const { shape, layout } = op.result.type;
        const scalar = this.b.constant(folded, dtype, op.span, layout && shape.length ? { kind: 'scalar' } : layout);
        const value = shape.length ? this.b.splat(scalar, shape, op.span, layout) : scalar;
        this.consts.set(scalar.id, folded);
        this.consts.set(value.id, folded);
        this.map.set(op.result.id, value);
        this.folded = true;
        continue;
      }
      const identity = this.multipliedByOne(op);
      if (identity && op.kind !== 'store') {
        this.map.set(op.result.id, identity);
        continue;
      }
      const key = this.key(op);
      const existing = key ? this.lookup(key) : undefined;
      if (existing && op.kind !== 'store') {
        this.map.set(op.result.id, existing);
        continue;
      }
      const result = rebuildSimple(this.b, op, this.get, op.kind === 'store' ? undefined : op.result.type.layout);
      if (result && op.kind !== 'store') {
        this.map.set(op.result.id, result);
        if (op.kind === 'constant') this.consts.set(result.id, op.value);
        // Splats and shape changes of a constant are that constant everywhere.
        if (op.kind === 'splat' || op.kind === 'broadcast' || op.kind === 'expandDims' || op.kind === 'convertLayout') {
          const c = this.consts.get(this.get(op.operand).id);
          if (c !== undefined) this.consts.set(result.id, c);
        }
        if (key) this.scopes[this.scopes.length - 1]?.set(key, result);
      }
    }
  }

  /** The constant the new value for `v` is known to be, if any. */
  private readonly constOf = (v: Value): number | boolean | undefined => this.consts.get(this.get(v).id);

  /** The other operand of an integer multiplication by 1, when it already has the result's type and layout. */
  private multipliedByOne(op: SimpleOp): Value | undefined {
    if (op.kind !== 'binary' || op.op !== 'mul' || op.result.type.kind !== 'tile') return undefined;
    const dtype = op.result.type.dtype;
    if (dtype !== 'i32' && dtype !== 'u32') return undefined;
    const lhs = this.get(op.lhs);
    const rhs = this.get(op.rhs);
    if (this.consts.get(rhs.id) === 1 && sameTypeAndLayout(lhs.type, op.result.type)) return lhs;
    if (this.consts.get(lhs.id) === 1 && sameTypeAndLayout(rhs.type, op.result.type)) return rhs;
    return undefined;
  }

  /** Merged expressions are visible inside the block they were defined in only. */
  private readonly scoped = <T>(fn: () => T): T => {
    this.scopes.push(new Map());
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  };
}
