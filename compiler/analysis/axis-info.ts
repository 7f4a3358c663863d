// Axis-info analysis (Triton's AxisInfo): for every integer or pointer value,
// per dimension, what is known about the elements' values, which is what
// coalescing and vectorization need to prove that a group of addresses is
// consecutive and aligned.
//
// Per dimension d of a tile (scalars count as one dimension of size 1):
// - contiguity[d] = c: along d, the elements come in groups of c (groups start
//   at tile indices that are multiples of c) whose values go up by 1.
// - divisibility[d] = k: the first element of every such group is a multiple of k.
// - constancy[d] = c: along d, the elements come in groups of c equal values.
//
// An analysis, not a rewrite: the IR is unchanged. Facts come from constants,
// aranges, the launch specialization (scalar arguments divisible by 16, see
// ArgSpec.divisibility) and tl.multipleOf / tl.maxContiguous hints, and flow
// through arithmetic, broadcasts, expandDims and splats. Loop-carried values
// start from their inits and are joined (gcd) with what the body yields until
// nothing changes; `x % n` keeps runs that n's divisibility proves do not
// cross a multiple of n; anything unknown (loaded data, division, ...) is "nothing
// known" (1, 1, 1), so the facts are always safe to act on.

import { blocksOf, type Block, type KernelIR, type Op, type Value } from '../ir/ops.js';

export interface AxisInfo {
  readonly contiguity: readonly number[];
  readonly divisibility: readonly number[];
  readonly constancy: readonly number[];
}

/**
 * Divisibility of 0 (every power of two divides it), capped to stay a small
 * integer: 2^29 is the largest power of two V8 stores unboxed (a Smi), so the
 * fact arrays keep one elements kind and the analysis's code stays
 * monomorphic (2^30 made some arrays hold doubles, which deoptimized it).
 * Only divisibility by 4 (vectors) and small powers of two are ever used.
 */
export const MAX_DIVISIBILITY = 1 << 29;

export type AxisInfoMap = ReadonlyMap<number, AxisInfo>;

export function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    const r = x % y;
    x = y;
    y = r;
  }
  return x || MAX_DIVISIBILITY;
}

/** The largest power of two dividing n (capped; 0 is divisible by everything). */
export function divisibilityOfConstant(n: number): number {
  if (!Number.isInteger(n)) return 1;
  if (n === 0) return MAX_DIVISIBILITY;
  let d = 1;
  while (d < MAX_DIVISIBILITY && n % (d * 2) === 0) d *= 2;
  return d;
}

const dims = (v: Value): number[] => (v.type.shape.length === 0 ? [1] : [...v.type.shape]);

function uniform(v: Value, divisibility: number): AxisInfo {
  const shape = dims(v);
  return { contiguity: shape.map(() => 1), divisibility: shape.map(() => divisibility), constancy: shape };
}

function unknown(v: Value): AxisInfo {
  const shape = dims(v);
  return { contiguity: shape.map(() => 1), divisibility: shape.map(() => 1), constancy: shape.map(() => 1) };
}

// Helpers are module-level functions rather than closures made per call:
// the analysis runs them for every op (and tsx, which runs the benchmarks,
// names every closure it creates, at a cost).

function gcds(x: readonly number[], y: readonly number[]): number[] {
  return x.map((n, d) => gcd(n, y[d] ?? 1));
}

function join(a: AxisInfo, b: AxisInfo): AxisInfo {
  return {
    contiguity: gcds(a.contiguity, b.contiguity),
    divisibility: gcds(a.divisibility, b.divisibility),
    constancy: gcds(a.constancy, b.constancy),
  };
}

function sameNumbers(x: readonly number[], y: readonly number[]): boolean {
  return x.length === y.length && x.every((n, i) => n === y[i]);
}

function same(a: AxisInfo, b: AxisInfo): boolean {
  return sameNumbers(a.contiguity, b.contiguity) && sameNumbers(a.divisibility, b.divisibility) && sameNumbers(a.constancy, b.constancy);
}

function insertAt<T>(xs: readonly T[], axis: number, x: T): T[] {
  return [...xs.slice(0, axis), x, ...xs.slice(axis)];
}

/** Within a contiguous run only the first element has the run's divisibility ([8, 9, 10, ...] counts as 1). */
function elementDivisibility(x: AxisInfo, d: number): number {
  return (x.contiguity[d] ?? 1) > 1 ? 1 : (x.divisibility[d] ?? 1);
}

const MAX_LOOP_ROUNDS = 8;

export function analyzeAxisInfo(kernel: KernelIR): AxisInfoMap {
  const info = new Map<number, AxisInfo>();
  const get = (v: Value): AxisInfo => info.get(v.id) ?? unknown(v);

  const visitBlock = (block: Block): void => {
    for (const op of block.ops) visitOp(op);
  };

  const visitOp = (op: Op): void => {
    switch (op.kind) {
      case 'for': {
        const [iv, ...carried] = op.body.args;
        if (iv) {
          const div = gcd(get(op.lower).divisibility[0] ?? 1, get(op.step).divisibility[0] ?? 1);
          info.set(iv.id, uniform(iv, div));
        }
        carried.forEach((a, i) => {
          const init = op.inits[i];
          info.set(a.id, init ? get(init) : unknown(a));
        });
        // Join the yielded facts into the carried ones until they are stable.
        let stable = false;
        for (let round = 0; round < MAX_LOOP_ROUNDS && !stable; round++) {
          visitBlock(op.body);
          stable = true;
          const y = op.body.ops[op.body.ops.length - 1];
          carried.forEach((a, i) => {
            const yielded = y?.kind === 'yield' ? y.values[i] : undefined;
            const before = get(a);
            const after = yielded ? join(before, get(yielded)) : unknown(a);
            if (!same(before, after)) {
              info.set(a.id, after);
              stable = false;
            }
          });
        }
        if (!stable) carried.forEach((a) => info.set(a.id, unknown(a)));
        if (!stable) visitBlock(op.body);
        op.results.forEach((r, i) => {
          const a = carried[i];
          info.set(r.id, a ? get(a) : unknown(r));
        });
        return;
      }
      case 'if': {
        visitBlock(op.thenBlock);
        visitBlock(op.elseBlock);
        const yt = op.thenBlock.ops[op.thenBlock.ops.length - 1];
        const ye = op.elseBlock.ops[op.elseBlock.ops.length - 1];
        op.results.forEach((r, i) => {
          const a = yt?.kind === 'yield' ? yt.values[i] : undefined;
          const b = ye?.kind === 'yield' ? ye.values[i] : undefined;
          info.set(r.id, a && b ? join(get(a), get(b)) : unknown(r));
        });
        return;
      }
      case 'store':
      case 'yield':
        return;
      default:
        info.set(op.result.id, transfer(op, get, kernel));
    }
  };

  visitBlock(kernel.body);
  return info;
}

type ValueOp = Exclude<Op, { kind: 'for' } | { kind: 'if' } | { kind: 'store' } | { kind: 'yield' }>;

/** The facts about one op's result from its operands' facts. */
function transfer(op: ValueOp, get: (v: Value) => AxisInfo, kernel: KernelIR): AxisInfo {
  const r = op.result;
  switch (op.kind) {
    case 'constant':
      return uniform(r, typeof op.value === 'number' ? divisibilityOfConstant(op.value) : 1);
    case 'argument': {
      // A buffer's base pointer is element 0 of its binding, and WebGPU binds
      // buffers only at offsets that are multiples of minStorageBufferOffsetAlignment
      // (at least 32 bytes), so the base is always aligned. A buffer that cannot
      // be viewed as whole vec4s claims no divisibility, so it is never vectorized.
      if (r.type.kind === 'ptr') return uniform(r, kernel.params[op.index]?.wholeVectors === false ? 1 : MAX_DIVISIBILITY);
      return uniform(r, kernel.params[op.index]?.divisibility ?? 1);
    }
    case 'programId':
    case 'numPrograms':
      return uniform(r, 1);
    case 'arange': {
      const n = op.end - op.start;
      return { contiguity: [n], divisibility: [divisibilityOfConstant(op.start)], constancy: [1] };
    }
    case 'splat': {
      const d = get(op.operand).divisibility[0] ?? 1;
      return uniform(r, d);
    }
    case 'broadcast': {
      const a = get(op.operand);
      const from = dims(op.operand);
      const to = dims(r);
      return {
        contiguity: to.map((_, d) => ((from[d] ?? 1) === 1 ? 1 : (a.contiguity[d] ?? 1))),
        divisibility: to.map((_, d) => a.divisibility[d] ?? 1),
        constancy: to.map((size, d) => ((from[d] ?? 1) === 1 ? size : (a.constancy[d] ?? 1))),
      };
    }
    case 'expandDims': {
      const a = get(op.operand);
      if (op.operand.type.shape.length === 0) return { contiguity: [1, 1], divisibility: [a.divisibility[0] ?? 1, a.divisibility[0] ?? 1], constancy: [1, 1] };
      // Every element of the new size-1 dimension starts a group: only an
      // operand with no contiguity has all its elements divisible.
      const elementDiv = a.contiguity.every((c) => c === 1) ? Math.min(...a.divisibility) : 1;
      return { contiguity: insertAt(a.contiguity, op.axis, 1), divisibility: insertAt(a.divisibility, op.axis, elementDiv), constancy: insertAt(a.constancy, op.axis, 1) };
    }
    case 'hint': {
      const a = get(op.operand);
      const values = op.values;
      if (op.hint === 'multipleOf') return { ...a, divisibility: a.divisibility.map((d, i) => Math.max(d, values[i] ?? 1)) };
      return { ...a, contiguity: a.contiguity.map((c, i) => Math.max(c, values[i] ?? 1)) };
    }
    case 'convertLayout':
      return get(op.operand);
    case 'cast':
      // i32 <-> u32 keeps the bits of every value we reason about (non-negative offsets).
      return op.operand.type.kind === 'tile' && op.operand.type.dtype !== 'f32' && op.operand.type.dtype !== 'bool' && r.type.kind === 'tile' && r.type.dtype !== 'f32' ? get(op.operand) : unknown(r);
    case 'addptr':
      return addLike(get(op.ptr), get(op.offset));
    case 'binary':
      return binary(op.op, get(op.lhs), get(op.rhs), r);
    case 'select': {
      const c = get(op.cond);
      const t = get(op.onTrue);
      const f = get(op.onFalse);
      const both = join(t, f);
      return { contiguity: both.contiguity.map(() => 1), divisibility: both.divisibility.map(() => 1), constancy: both.constancy.map((n, d) => gcd(n, c.constancy[d] ?? 1)) };
    }
    default:
      return unknown(r);
  }
}

function addLike(a: AxisInfo, b: AxisInfo): AxisInfo {
  return {
    // A contiguous run plus a value constant over it stays contiguous.
    contiguity: a.contiguity.map((ca, d) => Math.max(gcd(ca, b.constancy[d] ?? 1), gcd(a.constancy[d] ?? 1, b.contiguity[d] ?? 1))),
    divisibility: a.divisibility.map((da, d) => gcd(da, b.divisibility[d] ?? 1)),
    constancy: a.constancy.map((ca, d) => gcd(ca, b.constancy[d] ?? 1)),
  };
}

function binary(op: string, a: AxisInfo, b: AxisInfo, r: Value): AxisInfo {
  const constancy = a.constancy.map((ca, d) => gcd(ca, b.constancy[d] ?? 1));
  const ones = constancy.map(() => 1);
  switch (op) {
    case 'add':
      return addLike(a, b);
    case 'sub':
      return {
        contiguity: a.contiguity.map((ca, d) => gcd(ca, b.constancy[d] ?? 1)),
        divisibility: a.divisibility.map((da, d) => gcd(da, b.divisibility[d] ?? 1)),
        constancy,
      };
    case 'mul': {
      // Each element is scaled: the elements' own divisibilities multiply.
      return { contiguity: ones, divisibility: a.divisibility.map((_, d) => Math.min(MAX_DIVISIBILITY, elementDivisibility(a, d) * elementDivisibility(b, d))), constancy };
    }
    case 'mod': {
      // x % n, n constant over a run and a multiple of its length, the run
      // starting at a multiple of it: [k g, k g + g) never crosses a multiple
      // of n, so it stays contiguous (offsets are non-negative, as Triton
      // assumes: WGSL's % truncates). Triton's `(pid * BLOCK + arange) % N`.
      const run = (d: number): number => gcd(gcd(a.contiguity[d] ?? 1, a.divisibility[d] ?? 1), gcd(b.divisibility[d] ?? 1, b.constancy[d] ?? 1));
      return {
        contiguity: a.contiguity.map((_, d) => Math.min(a.contiguity[d] ?? 1, run(d))),
        divisibility: a.divisibility.map((da, d) => gcd(da, b.divisibility[d] ?? 1)),
        constancy,
      };
    }
    case 'lt':
    case 'ge':
      return { contiguity: ones, divisibility: ones, constancy: constancy.map((c, d) => Math.max(c, comparedGroup(a, b, d))) };
    case 'gt':
    case 'le':
      // b > a is a < b: the contiguous side is on the right.
      return { contiguity: ones, divisibility: ones, constancy: constancy.map((c, d) => Math.max(c, comparedGroup(b, a, d))) };
    case 'and':
    case 'or':
    case 'eq':
    case 'ne':
    case 'min':
    case 'max':
      return { contiguity: ones, divisibility: ones, constancy };
    default:
      return unknown(r);
  }
}

/**
 * `x < y` with x contiguous and y constant over aligned groups of g, both
 * multiples of g: x's group is [k g, k g + g) and y = m g, so every element
 * of the group compares alike. Returns g (1 when nothing is proven).
 */
function comparedGroup(x: AxisInfo, y: AxisInfo, d: number): number {
  const g = gcd(gcd(x.contiguity[d] ?? 1, y.constancy[d] ?? 1), gcd(x.divisibility[d] ?? 1, y.divisibility[d] ?? 1));
  return g;
}

/** `c=[1,64] d=[16,16] k=[1,1]`: one value's facts, for printed IR and tests. */
export function axisInfoToString(info: AxisInfo): string {
  const list = (xs: readonly number[]): string => `[${xs.map((x) => (x >= MAX_DIVISIBILITY ? 'inf' : String(x))).join(',')}]`;
  return `contig=${list(info.contiguity)} div=${list(info.divisibility)} const=${list(info.constancy)}`;
}

/** Every op's result facts, one line each in program order: `%12 = addptr: contig=[1024] div=[16] const=[1]`. */
export function printAxisInfo(kernel: KernelIR, info: AxisInfoMap = analyzeAxisInfo(kernel)): string {
  const lines: string[] = [];
  const visit = (block: Block, depth: number): void => {
    for (const op of block.ops) {
      const pad = '  '.repeat(depth);
      if (op.kind === 'for' || op.kind === 'if') {
        lines.push(`${pad}${op.kind} {`);
        if (op.kind === 'for') op.body.args.forEach((a) => pushValue(a, 'arg', pad + '  '));
        blocksOf(op).forEach((b) => visit(b, depth + 1));
        lines.push(`${pad}}`);
        op.results.forEach((r) => pushValue(r, op.kind, pad));
        continue;
      }
      if (op.kind === 'store' || op.kind === 'yield') continue;
      pushValue(op.result, op.kind, pad);
    }
  };
  const pushValue = (v: Value, what: string, pad: string): void => {
    const isIndex = v.type.kind === 'ptr' || v.type.dtype === 'i32' || v.type.dtype === 'u32' || v.type.dtype === 'bool';
    const facts = info.get(v.id);
    if (isIndex && facts) lines.push(`${pad}%${v.id} = ${what}: ${axisInfoToString(facts)}`);
  };
  visit(kernel.body, 0);
  return lines.join('\n') + '\n';
}
