// Dot layouts (an analysis for the tiling pass): which layout each value
// feeding or carrying a tl.dot should get, so that no layout conversion is
// needed around the dot, even through loops.
//
// The result (and the accumulator) of a dot [M,N] gets a "micro-tile"
// layout: each invocation holds TM x TN contiguous outputs (e.g. 8 x 4 of a
// 64 x 64 tile on 128 invocations), the register block that makes a matmul
// compute-bound rather than load-bound.
//
// Operands depend on the strategy (KernelIR.dotStrategy):
// - 'registers': a [M,K] gets the result's layout along M and the whole K
//   per invocation (its K dimension "wraps": the invocations along N hold
//   replicas), b [K,N] likewise along N. Then a tl.load of the operand loads,
//   in each invocation, exactly the rows of A and columns of B its micro-tile
//   needs, straight from global memory with the kernel's own masks, and the
//   dot itself is register arithmetic only (codegen/dot.ts).
// - 'workgroup': operands get plain coalesced layouts (no replicas: each
//   element is loaded once; runs of the kernel's elementsPerInvocation along
//   the last dimension, so contiguous loads vectorize); codegen stages them
//   in workgroup memory.
//
// The preferred layouts are propagated backwards from the dot through
// elementwise ops, loads and pointer arithmetic, and through loop-carried
// values (a_ptrs += BLOCK_K * stride_ak; acc = tl.dot(a, b, acc)) to their
// initial values, so loop-carried pointers and accumulators are created in
// the right layout in the first place.
//
// Assumes: untiled IR. Guarantees nothing by itself: tiling.ts consults the
// hints and still converts where a hint cannot be honoured, so any layout
// choice here is correct; these are the fast ones.

import { defaultBlocked, type BlockedLayout, type Layout } from '../ir/layout.js';
import { blocksOf, type Block, type DotStrategy, type KernelIR, type Op, type Value } from '../ir/ops.js';
import { numel, type Shape } from '../ir/types.js';

export const DEFAULT_DOT_STRATEGY: DotStrategy = 'workgroup';

/**
 * The micro-tile layout of a dot result [M,N] on `w` invocations: TM x TN
 * outputs per invocation with TM * TN = M * N / w, grown along N to 4 first
 * (contiguous outputs), then along M to 8, then alternately. A tile smaller
 * than the workgroup falls back to the default layout (replicas).
 */
export function dotResultLayout(shape: Shape, w: number): BlockedLayout {
  const [m = 1, n = 1] = shape;
  const perInvocation = numel(shape) / w;
  if (perInvocation < 1) return defaultBlocked(shape, w);
  let tm = 1;
  let tn = 1;
  while (tm * tn < perInvocation) {
    const growN = tn < n && (tn < 4 || (tm >= 8 && tn <= tm) || tm >= m);
    if (growN) tn *= 2;
    else tm *= 2;
  }
  return { kind: 'blocked', sizePerThread: [tm, tn], threadsPerDim: [m / tm, n / tn] };
}

/** The operand layouts of the 'registers' strategy for a result layout and inner size K. */
export function registerOperandLayouts(result: BlockedLayout, k: number): { a: BlockedLayout; b: BlockedLayout } {
  const [tm = 1, tn = 1] = result.sizePerThread;
  return {
    a: { kind: 'blocked', sizePerThread: [tm, k], threadsPerDim: [...result.threadsPerDim] },
    b: { kind: 'blocked', sizePerThread: [k, tn], threadsPerDim: [...result.threadsPerDim] },
  };
}

/** Layouts for a dot's operands given its result layout. */
export function dotOperandLayouts(strategy: DotStrategy, result: Layout, a: Shape, b: Shape, w: number, vector = 1): { a: Layout; b: Layout } {
  if (strategy === 'registers' && result.kind === 'blocked') return registerOperandLayouts(result, a[1] ?? 1);
  // Runs of `vector` along the last dimension (the coalescing choice), so
  // contiguous operand loads become vec4s, adjacent invocations adjacent runs.
  return { a: defaultBlocked(a, w, vector), b: defaultBlocked(b, w, vector) };
}

/** Preferred layout per (old) value id. */
export type LayoutHints = ReadonlyMap<number, Layout>;

export function dotLayoutHints(kernel: KernelIR): LayoutHints {
  const strategy = kernel.dotStrategy ?? DEFAULT_DOT_STRATEGY;
  const w = kernel.workgroupSize;
  const defs = new Map<number, Op>();
  /** Loop-carried value k of a loop: its init, body argument, yield value and result. */
  const carried = new Map<number, Value[]>();
  const dots: Extract<Op, { kind: 'dot' }>[] = [];
  const index = (block: Block): void => {
    for (const op of block.ops) {
      if (op.kind === 'dot') dots.push(op);
      if (op.kind === 'for') {
        const y = op.body.ops[op.body.ops.length - 1];
        op.results.forEach((r, k) => {
          const group = [r, op.body.args[k + 1], op.inits[k], y?.kind === 'yield' ? y.values[k] : undefined].filter((v): v is Value => v !== undefined);
          for (const v of group) carried.set(v.id, group);
        });
      } else if (op.kind !== 'if' && op.kind !== 'store' && op.kind !== 'yield') defs.set(op.result.id, op);
      blocksOf(op).forEach(index);
    }
  };
  index(kernel.body);

  const hints = new Map<number, Layout>();
  const prefer = (v: Value, layout: Layout): void => {
    if (v.type.shape.length !== 2 || hints.has(v.id)) return;
    hints.set(v.id, layout);
    for (const other of carried.get(v.id) ?? []) prefer(other, layout);
    const op = defs.get(v.id);
    if (!op) return;
    const same = (u: Value | undefined): void => {
      if (u && u.type.shape.length === 2 && u.type.shape[0] === v.type.shape[0] && u.type.shape[1] === v.type.shape[1]) prefer(u, layout);
    };
    switch (op.kind) {
      case 'load':
        [op.ptr, op.mask, op.other].forEach(same);
        break;
      case 'addptr':
        [op.ptr, op.offset].forEach(same);
        break;
      case 'binary':
        [op.lhs, op.rhs].forEach(same);
        break;
      case 'unary':
      case 'cast':
        same(op.operand);
        break;
      case 'select':
        [op.cond, op.onTrue, op.onFalse].forEach(same);
        break;
      case 'fma':
        [op.a, op.b, op.c].forEach(same);
        break;
      default:
        // Index math (aranges, splats, broadcasts) is rematerialized in
        // whatever layout it is needed; dots and reductions set their own.
        break;
    }
  };
  for (const d of dots) {
    const result = dotResultLayout(d.result.type.shape, w);
    const operands = dotOperandLayouts(strategy, result, d.a.type.shape, d.b.type.shape, w, kernel.elementsPerInvocation ?? 1);
    prefer(d.result, result);
    prefer(d.acc, result);
    prefer(d.a, operands.a);
    prefer(d.b, operands.b);
  }
  return hints;
}
