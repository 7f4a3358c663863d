// Full tiles: give each masked region an unmasked copy, taken when one scalar
// test proves every mask in it true. Most programs of a launch work on whole
// tiles (every block of a vector add but the last; every row of a softmax
// whose BLOCK_SIZE equals n_cols), and there a mask is work for nothing: on a
// CPU-backed device each masked lane pays a select and a clamped index, and
// each masked store a branch (measured on lavapipe: vector add 1.1x faster
// without them).
//
// For a block outside loops, the comparisons defined in it that tile-bounds
// can prove (analysis/tile-bounds.ts) and that masks of loads or stores use
// become a guard; from the first such comparison or access to the end of the
// block the ops are emitted twice, under `if (guard)` with those masks (and
// everything derived from them) replaced by true, and under `else` as they
// were. Only straight-line elementwise regions are copied (no loops,
// reductions, dots or layout conversions, nothing the block yields): see
// plan() for what copying more cost on lavapipe. The guard only reads
// uniform scalars, so the branch is uniform.
//
// Assumes: tiled IR after remove-conversions (a conversion left is a real
// workgroup-memory round trip), before masking (which drops the all-true masks).
// Guarantees: the same values in every element as the input kernel.

import { tileBounds, type ProvableComparison, type TileBounds, type UniformPlusRange } from '../analysis/tile-bounds.js';
import type { Span } from '../errors.js';
import { dimTilings, expandedShape, replicatesAlong, scalarLayout } from '../ir/layout.js';
import { blocksOf, operandsOf, resultsOf, type Block, type KernelIR, type Op, type Value } from '../ir/ops.js';
import { rebuildSimple } from '../ir/rebuild.js';
import type { Type } from '../ir/types.js';
import { Rewriter } from '../ir/rewriter.js';

const I32_MAX = 2 ** 31 - 1;
const I32_MIN = -(2 ** 31);

export function fullTiles(kernel: KernelIR): KernelIR {
  // Most kernels have nothing to copy: keep them as they are, and skip the analysis when nothing could qualify.
  if (!maskedAccessOutsideLoops(kernel.body)) return kernel;
  const bounds = tileBounds(kernel);
  if (bounds.provenBy.size === 0) return kernel;
  const v = new Versioner(kernel, bounds);
  if (!v.hasWork(kernel.body)) return kernel;
  v.walk(kernel.body.ops);
  return { ...kernel, body: { args: [], ops: v.b.topLevelOps() } };
}

/** Where a region starts in its block (it runs to the block's end) and which comparisons guard it. */
interface Plan {
  readonly start: number;
  readonly guarded: readonly ProvableComparison[];
  /** Values the unmasked copy replaces by all-true tiles. */
  readonly alwaysTrue: ReadonlySet<number>;
  /** Of those, the ones defined before the region (already mapped when it starts). */
  readonly trueBefore: readonly number[];
  readonly span: Span;
}

class Versioner extends Rewriter {
  /** The block each op sits in, and each value's defining block and position there. */
  private readonly blockOf = new Map<Op, Block>();
  private readonly defs = new Map<number, { readonly block: Block; readonly index: number }>();
  /** Blocks inside a loop body: copying code there explodes lavapipe's JIT time (see plan). */
  private readonly inLoop = new Set<Block>();
  /** Each block's plan, made once (hasWork asks before walk). */
  private readonly plans = new Map<Block, Plan | undefined>();
  /** Values mapped to all-true in the copy being built (nested guards prove disjoint sets). */
  private readonly forced = new Set<number>();

  constructor(
    kernel: KernelIR,
    private readonly bounds: TileBounds,
  ) {
    super(kernel.source);
    this.index(kernel.body);
  }

  private index(block: Block, inLoop = false): void {
    if (inLoop) this.inLoop.add(block);
    block.ops.forEach((op, index) => {
      this.blockOf.set(op, block);
      for (const r of resultsOf(op)) this.defs.set(r.id, { block, index });
      blocksOf(op).forEach((b) => this.index(b, inLoop || op.kind === 'for'));
    });
  }

  walk(ops: readonly Op[]): void {
    const block = ops[0] && this.blockOf.get(ops[0]);
    const plan = block && this.planOf(block);
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (!op) continue;
      if (block && plan && i === plan.start) {
        const end = regionEnd(block);
        this.version(ops.slice(plan.start, end), plan);
        i = end - 1;
        continue;
      }
      this.rewriteOne(op);
    }
  }

  /** Some block outside loops, this one or one nested in its ifs, has a region to copy. */
  hasWork(block: Block): boolean {
    if (this.planOf(block)) return true;
    return block.ops.some((op) => op.kind === 'if' && (this.hasWork(op.thenBlock) || this.hasWork(op.elseBlock)));
  }

  private planOf(block: Block): Plan | undefined {
    if (!this.plans.has(block)) this.plans.set(block, this.inLoop.has(block) ? undefined : this.plan(block));
    return this.plans.get(block);
  }

  private rewriteOne(op: Op): void {
    if (this.rewriteControl(op)) return;
    if (op.kind === 'store') {
      rebuildSimple(this.b, op, this.get);
      return;
    }
    const r = this.forced.has(op.result.id) ? this.allTrue(op.result, op.span) : rebuildSimple(this.b, op, this.get, op.result.type.layout);
    if (r) this.map.set(op.result.id, r);
  }

  private plan(block: Block): Plan | undefined {
    const ops = block.ops;
    const end = regionEnd(block);
    // Per op, the comparisons of this block that some mask in it (at any depth) needs.
    const needed = ops.slice(0, end).map((op) => this.maskRoots(op).filter((c) => this.defs.get(c.id)?.block === block));
    const firstUse = needed.findIndex((cs) => cs.length > 0);
    if (firstUse < 0) return undefined;
    const readyAt = (index: number) => (v: Value): boolean => {
      const d = this.defs.get(v.id);
      return !d || d.block !== block || d.index < index;
    };
    const guarded = [...new Map(needed.slice(firstUse).flat().map((c) => [c.id, c])).values()]
      // A guard is computed before the region: its scalars must be defined there.
      .filter((c) => [...c.lesser.terms, ...c.greater.terms].every(readyAt(firstUse)))
      // Extremes must be i32 constants in the guard.
      .filter((c) => [c.lesser, c.greater].every((r) => Math.abs(r.lo) <= I32_MAX && Math.abs(r.hi) <= I32_MAX))
      // With no scalar on either side the comparison is settled at compile time; nothing to guard.
      .filter((c) => c.lesser.terms.length + c.greater.terms.length > 0);
    if (guarded.length === 0) return undefined;
    // Start at the first guarded comparison, so the unmasked copy does not
    // compute it, if every scalar of the guard is defined before that point.
    const earliest = Math.min(firstUse, ...guarded.map((c) => this.defs.get(c.id)?.index ?? firstUse));
    const start = guarded.every((c) => [...c.lesser.terms, ...c.greater.terms].every(readyAt(earliest))) ? earliest : firstUse;
    const region = ops.slice(start, end);
    const first = region[0];
    if (!first) return undefined;
    const read = new Set<number>();
    const defined = new Set<number>();
    region.forEach((op) => collectIds(op, read, defined));
    // An if branch ends with a yield; a region it reads from would have to yield through the new if.
    const blockYield = ops[ops.length - 1];
    const yieldsFromRegion = blockYield?.kind === 'yield' && blockYield.values.some((v) => defined.has(v.id));
    // Only straight-line elementwise regions outside loops whose copy is
    // branch-free: measured on lavapipe, copying anything more costs more
    // than the masks save. Copies in or of a loop body exploded the driver's
    // JIT time (layer norm's normalize loop: 0.6 s to 40 s), and so did
    // copies holding workgroup-memory round trips (conversions, reshapes: a
    // 64x64-tile kernel 1 s to 48 s) or per-element ownership branches
    // (tests/ops/elementwise-int at BLOCK 16 on 64 invocations: 0.9 s to
    // 42 s; at BLOCK 512, with no such branches, 0.36 s to 0.5 s); a region
    // with a reduction ran 1.4x slower (softmax).
    if (yieldsFromRegion || region.some(costlyToCopy)) return undefined;
    const proven = new Set(guarded.map((c) => c.id));
    const alwaysTrue = new Set([...read, ...defined].filter((id) => this.bounds.provenBy.get(id)?.every((c) => proven.has(c.id))));
    const trueBefore = [...alwaysTrue].filter((id) => !defined.has(id));
    return { start, guarded, alwaysTrue, trueBefore, span: first.span };
  }

  /** Comparisons whose proof would unmask a load or store in op (nested blocks included). */
  private maskRoots(op: Op): readonly ProvableComparison[] {
    if (op.kind === 'load' || op.kind === 'store') return (op.mask && this.bounds.provenBy.get(op.mask.id)) || [];
    return blocksOf(op).flatMap((b) => b.ops.flatMap((o) => this.maskRoots(o)));
  }

  private version(region: readonly Op[], plan: Plan): void {
    const span = plan.span;
    const guard = plan.guarded.map((c) => this.guardOf(c, span)).reduce((a, b) => this.b.binary('and', a, b, span, scalarLayout));
    const unmasked = this.b.block([], () => {
      for (const id of plan.alwaysTrue) this.forced.add(id);
      const saved = plan.trueBefore.flatMap((id) => {
        const before = this.map.get(id);
        if (!before) return [];
        this.map.set(id, this.allTrue(before, span));
        return [[id, before] as const];
      });
      region.forEach((op) => this.rewriteOne(op));
      this.b.yieldOp([], span);
      for (const id of plan.alwaysTrue) this.forced.delete(id);
      for (const [id, before] of saved) this.map.set(id, before);
    });
    const masked = this.b.block([], () => {
      region.forEach((op) => this.rewriteOne(op));
      this.b.yieldOp([], span);
    });
    this.b.ifOp(guard, unmasked, masked, span);
  }

  /** max(lesser) < min(greater), with neither side leaving the i32 range. */
  private guardOf(c: ProvableComparison, span: Span): Value {
    const conditions: Value[] = [];
    const extreme = (side: UniformPlusRange, k: number): Value => {
      const sum = this.sumOf(side.terms, span);
      if (!sum) return this.int(k, span);
      if (side.hi > 0) conditions.push(this.b.binary('le', sum, this.int(I32_MAX - side.hi, span), span, scalarLayout));
      if (side.lo < 0) conditions.push(this.b.binary('ge', sum, this.int(I32_MIN - side.lo, span), span, scalarLayout));
      return k === 0 ? sum : this.b.binary('add', sum, this.int(k, span), span, scalarLayout);
    };
    const max = extreme(c.lesser, c.lesser.hi);
    const min = extreme(c.greater, c.greater.lo);
    conditions.push(this.b.binary(c.strict ? 'lt' : 'le', max, min, span, scalarLayout));
    return conditions.reduce((a, b) => this.b.binary('and', a, b, span, scalarLayout));
  }

  private sumOf(terms: readonly Value[], span: Span): Value | undefined {
    return terms.map(this.get).reduce<Value | undefined>((acc, t) => (acc ? this.b.binary('add', acc, t, span, scalarLayout) : t), undefined);
  }

  private int(value: number, span: Span): Value {
    return this.b.constant(value, 'i32', span, scalarLayout);
  }

  private allTrue(like: Value, span: Span): Value {
    const t = this.b.constant(true, 'bool', span, scalarLayout);
    return like.type.shape.length === 0 ? t : this.b.splat(t, like.type.shape, span, like.type.layout);
  }
}

function costlyToCopy(op: Op): boolean {
  // After remove-conversions a remaining conversion or reshape goes through workgroup memory: barriers.
  if (op.kind === 'reduce' || op.kind === 'argReduce' || op.kind === 'dot' || op.kind === 'for' || op.kind === 'convertLayout' || op.kind === 'reshape') return true;
  // A store of a tile smaller than its layout keeps a branch per element (only the owner of a replica stores) even unmasked.
  if (op.kind === 'store' && replicated(op.value.type)) return true;
  return blocksOf(op).some((b) => b.ops.some(costlyToCopy));
}

function maskedAccessOutsideLoops(block: Block): boolean {
  return block.ops.some((op) =>
    op.kind === 'load' || op.kind === 'store'
      ? op.mask !== undefined
      : op.kind === 'if' && (maskedAccessOutsideLoops(op.thenBlock) || maskedAccessOutsideLoops(op.elseBlock)),
  );
}

/** The layout covers more than the tile: other invocations hold replicas of its elements. */
function replicated(type: Type): boolean {
  const layout = type.layout;
  if (layout === undefined || layout.kind === 'scalar' || type.shape.length === 0) return false;
  const tilings = layout.kind === 'blocked' ? dimTilings(layout, type.shape) : dimTilings(layout.parent, expandedShape(layout, type.shape));
  return tilings.some(replicatesAlong);
}

/** Ids an op reads and defines, nested blocks included. */
function collectIds(op: Op, read: Set<number>, defined: Set<number>): void {
  for (const v of operandsOf(op)) read.add(v.id);
  for (const v of resultsOf(op)) defined.add(v.id);
  for (const b of blocksOf(op)) b.ops.forEach((o) => collectIds(o, read, defined));
}

/** Where a block's region ends: before its yield, if it has one. */
function regionEnd(block: Block): number {
  return block.ops[block.ops.length - 1]?.kind === 'yield' ? block.ops.length - 1 : block.ops.length;
}
