// Tiling: give every value a layout (how its elements spread over the
// workgroup's invocations) and make the layouts agree.
//
// Assumes: canonical IR from lowering (no layouts yet).
// Guarantees: every value has a layout; operands of elementwise ops, loads and
// stores share their result's layout; expandDims operands are slices of their
// result's layout; broadcast operands have the result's layout; loop-carried
// and if-merged values keep one layout. Where an expensive value (a load, a
// reduction, a loop value) is needed in another layout, a convertLayout op
// (a workgroup-memory round trip) is inserted; cheap index math (aranges,
// splats and arithmetic on them) is rematerialized in the needed layout
// instead, as Triton's layout-conversion removal does.
// Values that feed or carry a tl.dot follow the layouts dot-layouts.ts
// prefers for them (micro-tiles, per-strategy operand layouts).

import { defaultBlocked, layoutsEqual, layoutToString, scalarLayout, type BlockedLayout, type Layout } from '../ir/layout.js';
import { resultsOf, type Block, type KernelIR, type Op, type Value } from '../ir/ops.js';
import { rebuildSimple, type SimpleOp } from '../ir/rebuild.js';
import { Rewriter } from '../ir/rewriter.js';
import { numel, type Shape } from '../ir/types.js';
import { isRecomputable, ScopedCopies } from './recompute.js';
import { DEFAULT_DOT_STRATEGY, dotLayoutHints, dotOperandLayouts, type LayoutHints } from './dot-layouts.js';

export interface TilingOptions {
  /** Contiguous elements per invocation along the last dimension (vector width). */
  readonly vector?: number;
}

export function tiling(kernel: KernelIR, options: TilingOptions = {}): KernelIR {
  return new Tiler(kernel, options.vector ?? kernel.elementsPerInvocation ?? 1).run();
}

/** The largest rank-2 shape in the kernel; all 2D tiles share its layout. */
function mainShape2D(block: Block): Shape | undefined {
  let best: Shape | undefined;
  const visit = (b: Block): void => {
    for (const op of b.ops) {
      for (const v of resultsAndArgs(op)) if (v.type.shape.length === 2 && (!best || numel(v.type.shape) > numel(best))) best = v.type.shape;
      if (op.kind === 'for') visit(op.body);
      if (op.kind === 'if') [op.thenBlock, op.elseBlock].forEach(visit);
    }
  };
  visit(block);
  return best;
}

/** Values an op defines, counting a loop body's arguments. */
function resultsAndArgs(op: Op): Value[] {
  return [...resultsOf(op), ...(op.kind === 'for' ? op.body.args : [])];
}


class Tiler extends Rewriter {
  /** Old defining op of every value, to decide whether it is cheap to recompute. */
  private readonly defs = new Map<number, Op>();
  /** isCheap answers by old value id. */
  private readonly cheap = new Map<number, boolean>();
  /** Rematerialized or converted copies, per block. */
  private readonly copies = new ScopedCopies();
  private readonly layout1D: BlockedLayout;
  private readonly layout2D: BlockedLayout;
  private readonly hints: LayoutHints;

  constructor(
    private readonly kernel: KernelIR,
    vector: number,
  ) {
    super(kernel.source);
    const w = kernel.workgroupSize;
    this.layout1D = defaultBlocked([w * vector], w, vector);
    this.layout2D = defaultBlocked(mainShape2D(kernel.body) ?? [1, w * vector], w, vector);
    this.hints = dotLayoutHints(kernel);
  }

  run(): KernelIR {
    this.indexDefs(this.kernel.body);
    this.walk(this.kernel.body.ops);
    return { ...this.kernel, body: { args: [], ops: this.b.topLevelOps() } };
  }

  private indexDefs(block: Block): void {
    for (const op of block.ops) {
      for (const v of resultsAndArgs(op)) this.defs.set(v.id, op);
      if (op.kind === 'for') this.indexDefs(op.body);
      if (op.kind === 'if') [op.thenBlock, op.elseBlock].forEach((b) => this.indexDefs(b));
    }
  }

  private defaultLayout(shape: Shape): Layout {
    if (shape.length === 0) return scalarLayout;
    return shape.length === 1 ? this.layout1D : this.layout2D;
  }

  private layoutOf(v: Value): Layout {
    return v.type.layout ?? scalarLayout;
  }

  /** Is the old value cheap index math, worth recomputing rather than moving? */
  private isCheap(v: Value): boolean {
    // Asked for every operand of every op; the answer only depends on the old IR.
    let cheap = this.cheap.get(v.id);
    if (cheap === undefined) {
      cheap = isRecomputable(v, this.defs);
      this.cheap.set(v.id, cheap);
    }
    return cheap;
  }

  /** The old value `old` (already tiled as this.get(old)) in layout `want`. */
  private inLayout(old: Value, want: Layout): Value {
    const cur = this.get(old);
    if (layoutsEqual(this.layoutOf(cur), want)) return cur;
    const key = `${old.id}@${layoutToString(want)}`;
    const hit = this.copies.find(key);
    if (hit) return hit;
    const def = this.defs.get(old.id);
    let made: Value;
    if (def && this.isCheap(old) && def.kind !== 'for' && def.kind !== 'if' && def.kind !== 'yield' && def.kind !== 'store')
      made = this.emitSimple(def, want);
    else if (cur.type.shape.length === 0) made = cur; // scalars are everywhere already
    else if (def) made = this.b.convertLayout(cur, want, def.span);
    else throw new Error(`tiling: no definition for %${old.id}`);
    this.copies.remember(key, made);
    return made;
  }

  /** Operand layouts an op needs when its result has layout `out`. */
  private operandLayout(op: SimpleOp, operand: Value, out: Layout): Layout {
    if (operand.type.shape.length === 0) return scalarLayout;
    if (op.kind === 'expandDims') {
      if (out.kind !== 'blocked') return this.defaultLayout(operand.type.shape);
      return operand.type.shape.length === 0 ? scalarLayout : { kind: 'slice', parent: out, dim: op.axis };
    }
    if (op.kind === 'reshape' || op.kind === 'reduce' || op.kind === 'argReduce' || op.kind === 'convertLayout')
      return this.layoutOf(this.get(operand));
    return out;
  }

  /** Pick the result layout of a simple op from its (already tiled) operands. */
  private resultLayout(op: SimpleOp): Layout {
    const shape = op.kind === 'store' ? [] : op.result.type.shape;
    const hinted = op.kind === 'store' ? undefined : this.hints.get(op.result.id);
    if (hinted) return hinted;
    switch (op.kind) {
      case 'constant':
      case 'argument':
      case 'programId':
      case 'numPrograms':
        return scalarLayout;
      case 'arange':
      case 'splat':
      case 'reshape':
        return this.defaultLayout(shape);
      case 'expandDims':
        return op.operand.type.shape.length === 0 ? this.defaultLayout(shape) : this.layout2D;
      case 'reduce':
      case 'argReduce': {
        const l = this.layoutOf(this.get(op.operand));
        if (shape.length === 0) return scalarLayout;
        return l.kind === 'blocked' ? { kind: 'slice', parent: l, dim: op.axis } : this.defaultLayout(shape);
      }
      case 'convertLayout':
        return op.result.type.layout ?? this.defaultLayout(shape);
      default: {
        // Elementwise: follow an operand that is expensive to move, else the first.
        const operands = elementwiseOperands(op).filter((v) => v.type.shape.length > 0);
        const anchor = operands.find((v) => !this.isCheap(v)) ?? operands[0];
        return anchor ? this.layoutOf(this.get(anchor)) : this.defaultLayout(shape);
      }
    }
  }

  private emitSimple(op: SimpleOp, want?: Layout): Value {
    const layout = want ?? this.resultLayout(op);
    if (op.kind === 'dot') {
      // Operands by position (a and b may be one value, needed in two layouts).
      const operands = dotOperandLayouts(this.kernel.dotStrategy ?? DEFAULT_DOT_STRATEGY, layout, op.a.type.shape, op.b.type.shape, this.kernel.workgroupSize, this.kernel.elementsPerInvocation ?? 1);
      return this.b.dot(this.inLayout(op.a, operands.a), this.inLayout(op.b, operands.b), this.inLayout(op.acc, layout), op.span, layout);
    }
    const result = rebuildSimple(this.b, op, (v) => this.inLayout(v, this.operandLayout(op, v, layout)), layout);
    if (!result) throw new Error('tiling: rebuilt op has no result');
    return result;
  }

  walk(ops: readonly Op[]): void {
    for (const op of ops) {
      switch (op.kind) {
        case 'for':
          this.walkFor(op);
          break;
        case 'if':
          this.walkIf(op);
          break;
        case 'yield':
          throw new Error('tiling: yield handled by its parent');
        case 'store': {
          const layout = this.resultLayoutForStore(op);
          rebuildSimple(this.b, op, (v) => this.inLayout(v, v.type.shape.length === 0 ? scalarLayout : layout));
          break;
        }
        default:
          this.map.set(op.result.id, this.emitSimple(op));
      }
    }
  }

  private resultLayoutForStore(op: Op & { kind: 'store' }): Layout {
    const operands = [op.value, op.ptr, ...(op.mask ? [op.mask] : [])];
    const anchor = operands.find((v) => !this.isCheap(v)) ?? operands[0];
    return anchor ? this.layoutOf(this.get(anchor)) : this.defaultLayout(op.ptr.type.shape);
  }

  private walkFor(op: Op & { kind: 'for' }): void {
    // Carried values keep their init's layout (a dot's preferred one, if
    // any: the init is converted once, before the loop); yields are
    // converted to it.
    this.rewriteFor(
      op,
      this.copies.scoped,
      (v, carried) => this.inLayout(v, carried.layout ?? scalarLayout),
      (init, k) => {
        const arg = op.body.args[k + 1];
        const hinted = arg && this.hints.get(arg.id);
        return hinted ? this.inLayout(init, hinted) : this.get(init);
      },
    );
  }

  private walkIf(op: Op & { kind: 'if' }): void {
    let layouts: Layout[] = [];
    const branch = (block: Block, decide: boolean): Block =>
      this.b.block([], () =>
        this.copies.scoped(() => {
          this.walk(block.ops.slice(0, -1));
          const y = block.ops[block.ops.length - 1];
          if (y?.kind !== 'yield') throw new Error('tiling: if branch must end with yield');
          if (decide) layouts = y.values.map((v) => this.layoutOf(this.get(v)));
          this.b.yieldOp(y.values.map((v, i) => this.inLayout(v, layouts[i] ?? scalarLayout)), y.span);
        }),
      );
    const thenBlock = branch(op.thenBlock, true);
    const elseBlock = branch(op.elseBlock, false);
    this.bind(op.results, this.b.ifOp(this.get(op.cond), thenBlock, elseBlock, op.span));
  }
}

function elementwiseOperands(op: SimpleOp): Value[] {
  switch (op.kind) {
    case 'binary':
      return [op.lhs, op.rhs];
    case 'unary':
    case 'cast':
    case 'broadcast':
    case 'hint':
      return [op.operand];
    case 'fma':
      return [op.a, op.b, op.c];
    case 'dot':
      return [op.acc];
    case 'select':
      return [op.cond, op.onTrue, op.onFalse];
    case 'addptr':
      return [op.ptr, op.offset];
    case 'load':
      return [op.ptr, ...(op.mask ? [op.mask] : []), ...(op.other ? [op.other] : [])];
    default:
      return [];
  }
}
