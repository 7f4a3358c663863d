// Property tests of elementwise code generation on the device: random
// expression trees over 2-3 input tiles, compiled into
//
//   const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
//   const mask = offs < n;
//   const x0 = tl.load(a0 + offs, { mask, other: 0 }); ...
//   tl.store(out + offs, <expr>, { mask });
//
// with BLOCK in {16, 64, 256, 1024}, invocations in {32, 64, 128} (so tiles
// smaller than the workgroup, with replicas, too) and n not a multiple of
// BLOCK, compared with a plain TypeScript evaluation of the same tree.
//
// Both kinds have tl.where(cond, a, b) (also written `cond ? a : b`) with
// conditions built from < <= > >= == != on subtrees, && || and !, and a
// branch that may be a literal.
//
// f32 trees: + - *, tl.maximum, tl.minimum (also with a literal, e.g. ReLU's
// tl.maximum(x, 0)), tl.abs, unary -, tl.fma, multiplication by small
// literals, and where. The reference rounds with Math.fround after every op and
// also carries an interval that contains every result a conforming device may
// return: each rounding may be skipped (lavapipe contracts a * b + c into an
// fma) or land on either neighbour, and a where whose condition the
// intervals do not decide may take either branch. This is the 1-2 ULP allowance made exact:
// under cancellation (a * b - c * d) a fixed relative tolerance is not enough.
//
// i32 trees: + - * (wrapping), & | ^, << and >> by small constants and by
// tiles (the shift amount taken modulo 32, as WGSL and JS both do), ~, unary -,
// tl.abs, tl.minimum / tl.maximum, where, multiplication by literals, and
// / and % (C truncation and remainder) by a tile made nonzero with `b | 1` or
// `tl.where(b == 0, 1, b)`. Compared exactly.
//
// Outputs are poisoned and have a guard region past n that must stay
// poisoned. Each case compiles a new shader (0.1-1 s of JIT on lavapipe), so
// the number of runs is small; TESSERA_SEED replays a run and
// TESSERA_PROPERTY_SCALE multiplies the number of runs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kernel } from '../../index.js';
import {
  cdiv,
  POISON_I32,
  poisoned,
  readF32,
  readI32,
  Rng,
  run,
  testDevice,
} from '../ops/helpers.js';
import { described, fcParams, GPU_TEST_TIMEOUT } from './fc-helpers.js';

const RUNS_F32 = 25;
const RUNS_I32 = 25;
/** Elements past n that must keep their poison. */
const GUARD = 40;

const BLOCKS = [16, 64, 256, 1024] as const;
const INVOCATIONS = [32, 64, 128] as const;

// ---- launch shapes ----------------------------------------------------------------

interface Launch {
  readonly block: number;
  readonly invocations: number;
  readonly n: number;
}

const launches: fc.Arbitrary<Launch> = fc
  .tuple(
    fc.constantFrom(...BLOCKS),
    fc.constantFrom(...INVOCATIONS),
    fc.integer({ min: 1, max: 3000 }),
  )
  .map(([block, invocations, n]) => ({ block, invocations, n: n % block === 0 ? n - 1 || 1 : n }));

// ---- conditions (shared by both kinds of tree) -------------------------------------

const COMPARISONS = ['<', '<=', '>', '>=', '==', '!='] as const;
type Comparison = (typeof COMPARISONS)[number];

type Cond<T> =
  | { readonly k: 'cmp'; readonly op: Comparison; readonly p: T; readonly q: T }
  | { readonly k: 'and' | 'or'; readonly a: Cond<T>; readonly b: Cond<T> }
  | { readonly k: 'not'; readonly a: Cond<T> };

/** A where branch: a subtree or a literal (never both branches literals, so the result stays a tile of the tree's dtype). */
type Branch<T> = { readonly tree: T } | { readonly literal: number };

function conditions<T>(tree: fc.Arbitrary<T>): fc.Arbitrary<Cond<T>> {
  const cmp = fc
    .tuple(fc.constantFrom(...COMPARISONS), tree, tree)
    .map(([op, p, q]): Cond<T> => ({ k: 'cmp', op, p, q }));
  return fc.oneof(
    { weight: 4, arbitrary: cmp },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), cmp, cmp)
        .map(([k, a, b]): Cond<T> => ({ k, a, b })),
    },
    { weight: 1, arbitrary: cmp.map((a): Cond<T> => ({ k: 'not', a })) },
  );
}

function branches<T>(
  tree: fc.Arbitrary<T>,
  literals: readonly number[],
): fc.Arbitrary<[Branch<T>, Branch<T>]> {
  const t = tree.map((x): Branch<T> => ({ tree: x }));
  const lit = fc.constantFrom(...literals).map((literal): Branch<T> => ({ literal }));
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(t, t) },
    { weight: 1, arbitrary: fc.tuple(t, lit) },
    { weight: 1, arbitrary: fc.tuple(lit, t) },
  );
}

function printCond<T>(c: Cond<T>, print: (t: T) => string): string {
  switch (c.k) {
    case 'cmp':
      return `(${print(c.p)} ${c.op} ${print(c.q)})`;
    case 'and':
      return `(${printCond(c.a, print)} && ${printCond(c.b, print)})`;
    case 'or':
      return `(${printCond(c.a, print)} || ${printCond(c.b, print)})`;
    case 'not':
      return `!${printCond(c.a, print)}`;
  }
}

function printWhere<T>(
  c: Cond<T>,
  a: Branch<T>,
  b: Branch<T>,
  ternary: boolean,
  print: (t: T) => string,
): string {
  const branch = (x: Branch<T>): string => ('tree' in x ? print(x.tree) : String(x.literal));
  return ternary
    ? `(${printCond(c, print)} ? ${branch(a)} : ${branch(b)})`
    : `tl.where(${printCond(c, print)}, ${branch(a)}, ${branch(b)})`;
}

function compare(op: Comparison, p: number, q: number): boolean {
  switch (op) {
    case '<':
      return p < q;
    case '<=':
      return p <= q;
    case '>':
      return p > q;
    case '>=':
      return p >= q;
    case '==':
      return p === q;
    case '!=':
      return p !== q;
  }
}

// ---- f32 trees ----------------------------------------------------------------------

type F =
  | { readonly k: 'leaf'; readonly i: number }
  | { readonly k: 'add' | 'sub' | 'mul' | 'max' | 'min'; readonly a: F; readonly b: F }
  | { readonly k: 'abs' | 'neg'; readonly a: F }
  | { readonly k: 'fma'; readonly a: F; readonly b: F; readonly c: F }
  | { readonly k: 'mulc'; readonly a: F; readonly c: number; readonly constFirst: boolean }
  | { readonly k: 'maxc' | 'minc'; readonly a: F; readonly c: number }
  | {
      readonly k: 'where';
      readonly c: Cond<F>;
      readonly a: Branch<F>;
      readonly b: Branch<F>;
      readonly ternary: boolean;
    };

const DEPTH = {
  depthSize: 'small',
  maxDepth: 4,
  depthIdentifier: 'tree',
  withCrossShrink: true,
} as const;

function f32Trees(inputs: number): fc.Arbitrary<F> {
  return fc.letrec<{ f: F }>((tie) => {
    const f = tie('f');
    return {
      f: fc.oneof(
        DEPTH,
        {
          weight: 3,
          arbitrary: fc.integer({ min: 0, max: inputs - 1 }).map((i): F => ({ k: 'leaf', i })),
        },
        {
          weight: 4,
          arbitrary: fc
            .tuple(
              fc.constantFrom('add', 'sub', 'mul', 'max', 'min') as fc.Arbitrary<
                'add' | 'sub' | 'mul' | 'max' | 'min'
              >,
              f,
              f,
            )
            .map(([k, a, b]): F => ({ k, a, b })),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.constantFrom('abs', 'neg') as fc.Arbitrary<'abs' | 'neg'>, f)
            .map(([k, a]): F => ({ k, a })),
        },
        { weight: 1, arbitrary: fc.tuple(f, f, f).map(([a, b, c]): F => ({ k: 'fma', a, b, c })) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(f, fc.constantFrom(2, 3, -1, 0.5, -0.25, 1.5, 0, 1), fc.boolean())
            .map(([a, c, constFirst]): F => ({ k: 'mulc', a, c, constFirst })),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(
              fc.constantFrom('maxc', 'minc') as fc.Arbitrary<'maxc' | 'minc'>,
              f,
              fc.constantFrom(0, 1, -0.5),
            )
            .map(([k, a, c]): F => ({ k, a, c })),
        },
        {
          weight: 2,
          arbitrary: fc
            .tuple(conditions(f), branches(f, [0, 1, -1, 0.5, 2.5]), fc.boolean())
            .map(([c, [a, b], ternary]): F => ({ k: 'where', c, a, b, ternary })),
        },
      ),
    };
  }).f;
}

function printF(e: F): string {
  switch (e.k) {
    case 'leaf':
      return `x${e.i}`;
    case 'add':
      return `(${printF(e.a)} + ${printF(e.b)})`;
    case 'sub':
      return `(${printF(e.a)} - ${printF(e.b)})`;
    case 'mul':
      return `(${printF(e.a)} * ${printF(e.b)})`;
    case 'max':
      return `tl.maximum(${printF(e.a)}, ${printF(e.b)})`;
    case 'min':
      return `tl.minimum(${printF(e.a)}, ${printF(e.b)})`;
    case 'abs':
      return `tl.abs(${printF(e.a)})`;
    case 'neg':
      return `-(${printF(e.a)})`;
    case 'fma':
      return `tl.fma(${printF(e.a)}, ${printF(e.b)}, ${printF(e.c)})`;
    case 'mulc':
      return e.constFirst ? `(${e.c} * ${printF(e.a)})` : `(${printF(e.a)} * ${e.c})`;
    case 'maxc':
      return `tl.maximum(${printF(e.a)}, ${e.c})`;
    case 'minc':
      return `tl.minimum(${printF(e.a)}, ${e.c})`;
    case 'where':
      return printWhere(e.c, e.a, e.b, e.ternary, printF);
  }
}

/** The f32-rounded reference value and an interval holding every acceptable device result. */
interface Interval {
  readonly v: number;
  readonly lo: number;
  readonly hi: number;
}

/** One rounding (to either neighbour, or none): a relative ULP each way, plus flushed denormals. */
const ULP = 2 ** -23;
const DENORMAL = 2 ** -126;
function rounded(v: number, lo: number, hi: number): Interval {
  return { v, lo: lo - ULP * Math.abs(lo) - DENORMAL, hi: hi + ULP * Math.abs(hi) + DENORMAL };
}

function product(a: Interval, b: Interval): [number, number] {
  const ps = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return [Math.min(...ps), Math.max(...ps)];
}

function evalF(e: F, xs: readonly number[]): Interval {
  const fr = Math.fround;
  switch (e.k) {
    case 'leaf': {
      const v = xs[e.i] ?? NaN;
      return { v, lo: v, hi: v };
    }
    case 'add': {
      const [a, b] = [evalF(e.a, xs), evalF(e.b, xs)];
      return rounded(fr(a.v + b.v), a.lo + b.lo, a.hi + b.hi);
    }
    case 'sub': {
      const [a, b] = [evalF(e.a, xs), evalF(e.b, xs)];
      return rounded(fr(a.v - b.v), a.lo - b.hi, a.hi - b.lo);
    }
    case 'mul': {
      const [a, b] = [evalF(e.a, xs), evalF(e.b, xs)];
      return rounded(fr(a.v * b.v), ...product(a, b));
    }
    case 'mulc': {
      const a = evalF(e.a, xs);
      return rounded(fr(a.v * e.c), ...product(a, { v: e.c, lo: e.c, hi: e.c }));
    }
    case 'fma': {
      const [a, b, c] = [evalF(e.a, xs), evalF(e.b, xs), evalF(e.c, xs)];
      const ab = rounded(a.v * b.v, ...product(a, b)); // the product may be rounded or not
      return rounded(fr(a.v * b.v + c.v), ab.lo + c.lo, ab.hi + c.hi);
    }
    case 'max':
    case 'min': {
      const [a, b] = [evalF(e.a, xs), evalF(e.b, xs)];
      const m = e.k === 'max' ? Math.max : Math.min;
      return { v: m(a.v, b.v), lo: m(a.lo, b.lo), hi: m(a.hi, b.hi) };
    }
    case 'abs': {
      const a = evalF(e.a, xs);
      const hi = Math.max(Math.abs(a.lo), Math.abs(a.hi));
      const lo = a.lo <= 0 && a.hi >= 0 ? 0 : Math.min(Math.abs(a.lo), Math.abs(a.hi));
      return { v: Math.abs(a.v), lo, hi };
    }
    case 'neg': {
      const a = evalF(e.a, xs);
      return { v: -a.v, lo: -a.hi, hi: -a.lo };
    }
    case 'maxc':
    case 'minc': {
      const a = evalF(e.a, xs);
      const m = e.k === 'maxc' ? Math.max : Math.min;
      return { v: m(a.v, e.c), lo: m(a.lo, e.c), hi: m(a.hi, e.c) };
    }
    case 'where': {
      const [a, b] = [branchF(e.a, xs), branchF(e.b, xs)];
      const { v: taken, known } = condF(e.c, xs);
      const v = taken ? a.v : b.v;
      if (known) return { ...(taken ? a : b), v };
      return { v, lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) }; // either branch
    }
  }
}

function branchF(b: Branch<F>, xs: readonly number[]): Interval {
  return 'tree' in b ? evalF(b.tree, xs) : { v: b.literal, lo: b.literal, hi: b.literal };
}

/** The reference's truth value, and whether every result in the intervals agrees with it. */
function condF(c: Cond<F>, xs: readonly number[]): { v: boolean; known: boolean } {
  switch (c.k) {
    case 'cmp': {
      const [p, q] = [evalF(c.p, xs), evalF(c.q, xs)];
      const v = compare(c.op, p.v, q.v);
      // Decided when the comparison gives v at every pair of interval ends and
      // (for == and !=) the intervals are single points or disjoint.
      const corners = [
        compare(c.op, p.lo, q.lo),
        compare(c.op, p.lo, q.hi),
        compare(c.op, p.hi, q.lo),
        compare(c.op, p.hi, q.hi),
      ];
      const points = p.lo === p.hi && q.lo === q.hi;
      const disjoint = p.hi < q.lo || q.hi < p.lo;
      const known =
        corners.every((x) => x === v) &&
        (c.op === '==' || c.op === '!=' ? points || disjoint : true);
      return { v, known };
    }
    case 'and':
    case 'or': {
      const [a, b] = [condF(c.a, xs), condF(c.b, xs)];
      const v = c.k === 'and' ? a.v && b.v : a.v || b.v;
      // A known operand that decides the result on its own (false for &&, true for ||) is enough.
      const decisive =
        c.k === 'and'
          ? (x: { v: boolean; known: boolean }) => x.known && !x.v
          : (x: { v: boolean; known: boolean }) => x.known && x.v;
      return { v, known: (a.known && b.known) || decisive(a) || decisive(b) };
    }
    case 'not': {
      const a = condF(c.a, xs);
      return { v: !a.v, known: a.known };
    }
  }
}

// ---- i32 trees ------------------------------------------------------------------------

type I =
  | { readonly k: 'leaf'; readonly i: number }
  | {
      readonly k: 'add' | 'sub' | 'mul' | 'and' | 'or' | 'xor' | 'max' | 'min' | 'shl' | 'shr';
      readonly a: I;
      readonly b: I;
    }
  | { readonly k: 'div' | 'rem'; readonly a: I; readonly b: I; readonly guard: 'or1' | 'where' }
  | { readonly k: 'shlc' | 'shrc'; readonly a: I; readonly s: number }
  | { readonly k: 'mulc'; readonly a: I; readonly c: number }
  | { readonly k: 'neg' | 'not' | 'abs'; readonly a: I }
  | {
      readonly k: 'where';
      readonly c: Cond<I>;
      readonly a: Branch<I>;
      readonly b: Branch<I>;
      readonly ternary: boolean;
    };

type IBinary = 'add' | 'sub' | 'mul' | 'and' | 'or' | 'xor' | 'max' | 'min' | 'shl' | 'shr';

function i32Trees(inputs: number): fc.Arbitrary<I> {
  return fc.letrec<{ t: I }>((tie) => {
    const t = tie('t');
    const binary = fc.constantFrom<IBinary>(
      'add',
      'sub',
      'mul',
      'and',
      'or',
      'xor',
      'max',
      'min',
      'shl',
      'shr',
    );
    return {
      t: fc.oneof(
        DEPTH,
        {
          weight: 3,
          arbitrary: fc.integer({ min: 0, max: inputs - 1 }).map((i): I => ({ k: 'leaf', i })),
        },
        { weight: 4, arbitrary: fc.tuple(binary, t, t).map(([k, a, b]): I => ({ k, a, b })) },
        {
          weight: 2,
          arbitrary: fc
            .tuple(
              fc.constantFrom<'div' | 'rem'>('div', 'rem'),
              t,
              t,
              fc.constantFrom<'or1' | 'where'>('or1', 'where'),
            )
            .map(([k, a, b, guard]): I => ({ k, a, b, guard })),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(
              fc.constantFrom<'shlc' | 'shrc'>('shlc', 'shrc'),
              t,
              fc.integer({ min: 0, max: 31 }),
            )
            .map(([k, a, s]): I => ({ k, a, s })),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(t, fc.constantFrom(2, 3, -1, 7, -5, 0, 65536))
            .map(([a, c]): I => ({ k: 'mulc', a, c })),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.constantFrom<'neg' | 'not' | 'abs'>('neg', 'not', 'abs'), t)
            .map(([k, a]): I => ({ k, a })),
        },
        {
          weight: 2,
          arbitrary: fc
            .tuple(conditions(t), branches(t, [0, 1, -1, 7]), fc.boolean())
            .map(([c, [a, b], ternary]): I => ({ k: 'where', c, a, b, ternary })),
        },
      ),
    };
  }).t;
}

const I_OPS: Record<IBinary, string> = {
  add: '+',
  sub: '-',
  mul: '*',
  and: '&',
  or: '|',
  xor: '^',
  max: '',
  min: '',
  shl: '<<',
  shr: '>>',
};

function printI(e: I): string {
  switch (e.k) {
    case 'leaf':
      return `x${e.i}`;
    case 'max':
      return `tl.maximum(${printI(e.a)}, ${printI(e.b)})`;
    case 'min':
      return `tl.minimum(${printI(e.a)}, ${printI(e.b)})`;
    case 'add':
    case 'sub':
    case 'mul':
    case 'and':
    case 'or':
    case 'xor':
    case 'shl':
    case 'shr':
      return `(${printI(e.a)} ${I_OPS[e.k]} ${printI(e.b)})`;
    case 'div':
    case 'rem': {
      const b = printI(e.b);
      const divisor = e.guard === 'or1' ? `(${b} | 1)` : `tl.where(${b} == 0, 1, ${b})`;
      return `(${printI(e.a)} ${e.k === 'div' ? '/' : '%'} ${divisor})`;
    }
    case 'shlc':
      return `(${printI(e.a)} << ${e.s})`;
    case 'shrc':
      return `(${printI(e.a)} >> ${e.s})`;
    case 'mulc':
      return `(${printI(e.a)} * ${e.c})`;
    case 'neg':
      return `-(${printI(e.a)})`;
    case 'not':
      return `~(${printI(e.a)})`;
    case 'abs':
      return `tl.abs(${printI(e.a)})`;
    case 'where':
      return printWhere(e.c, e.a, e.b, e.ternary, printI);
  }
}

/** The i32 reference: wrapping arithmetic, C division, shift amounts modulo 32 (JS and WGSL agree). */
function evalI(e: I, xs: readonly number[]): number {
  switch (e.k) {
    case 'leaf':
      return xs[e.i] ?? NaN;
    case 'add':
      return (evalI(e.a, xs) + evalI(e.b, xs)) | 0;
    case 'sub':
      return (evalI(e.a, xs) - evalI(e.b, xs)) | 0;
    case 'mul':
      return Math.imul(evalI(e.a, xs), evalI(e.b, xs));
    case 'and':
      return evalI(e.a, xs) & evalI(e.b, xs);
    case 'or':
      return evalI(e.a, xs) | evalI(e.b, xs);
    case 'xor':
      return evalI(e.a, xs) ^ evalI(e.b, xs);
    case 'max':
      return Math.max(evalI(e.a, xs), evalI(e.b, xs));
    case 'min':
      return Math.min(evalI(e.a, xs), evalI(e.b, xs));
    case 'shl':
      return evalI(e.a, xs) << evalI(e.b, xs);
    case 'shr':
      return evalI(e.a, xs) >> evalI(e.b, xs);
    case 'div':
    case 'rem': {
      const a = evalI(e.a, xs);
      const b0 = evalI(e.b, xs);
      const b = e.guard === 'or1' ? b0 | 1 : b0 === 0 ? 1 : b0;
      // INT_MIN / -1 wraps to INT_MIN and INT_MIN % -1 is 0, as WGSL defines them.
      return e.k === 'div' ? Math.trunc(a / b) | 0 : (a % b) | 0;
    }
    case 'shlc':
      return evalI(e.a, xs) << e.s;
    case 'shrc':
      return evalI(e.a, xs) >> e.s;
    case 'mulc':
      return Math.imul(evalI(e.a, xs), e.c);
    case 'neg':
      return -evalI(e.a, xs) | 0;
    case 'not':
      return ~evalI(e.a, xs);
    case 'abs':
      return Math.abs(evalI(e.a, xs)) | 0;
    case 'where': {
      const branch = (b: Branch<I>): number => ('tree' in b ? evalI(b.tree, xs) : b.literal);
      return condI(e.c, xs) ? branch(e.a) : branch(e.b);
    }
  }
}

function condI(c: Cond<I>, xs: readonly number[]): boolean {
  switch (c.k) {
    case 'cmp':
      return compare(c.op, evalI(c.p, xs), evalI(c.q, xs));
    case 'and':
      return condI(c.a, xs) && condI(c.b, xs);
    case 'or':
      return condI(c.a, xs) || condI(c.b, xs);
    case 'not':
      return !condI(c.a, xs);
  }
}

// ---- kernels and inputs ------------------------------------------------------------------

function kernelSource(name: string, inputs: number, expr: string): string {
  const params = Array.from({ length: inputs }, (_, i) => `a${i}`);
  const loads = params
    .map((p, i) => `  const x${i} = tl.load(${p} + offs, { mask, other: 0 });\n`)
    .join('');
  return `function ${name}(${params.join(', ')}, out, n, BLOCK) {
  const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
${loads}  tl.store(out + offs, ${expr}, { mask });
}`;
}

interface Case<T> {
  readonly tree: T;
  readonly inputs: number;
  readonly launch: Launch;
  readonly dataSeed: number;
  readonly source: string;
}

/** A case: a tree that is not a bare input (those test nothing), a launch shape and a data seed. */
function cases<T extends { readonly k: string }>(
  trees: (inputs: number) => fc.Arbitrary<T>,
  print: (t: T) => string,
  name: string,
): fc.Arbitrary<Case<T>> {
  return fc
    .constantFrom(2, 3)
    .chain((inputs) =>
      fc.tuple(
        fc.constant(inputs),
        trees(inputs).filter((t) => t.k !== 'leaf'),
        launches,
        fc.nat(),
      ),
    )
    .map(([inputs, tree, launch, dataSeed]) =>
      described(
        { tree, inputs, launch, dataSeed, source: kernelSource(name, inputs, print(tree)) },
        (c) =>
          `BLOCK=${c.launch.block} invocations=${c.launch.invocations} n=${c.launch.n} dataSeed=${c.dataSeed}\n${c.source}`,
      ),
    );
}

/** f32 inputs: mostly uniform in [-2, 2], some small integers and zeros, some copies of another input (ties for where). */
function f32Inputs(rng: Rng, inputs: number, n: number): Float32Array[] {
  const xs = Array.from({ length: inputs }, () => new Float32Array(n));
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < inputs; i++) {
      const r = rng.next();
      const col = xs[i] as Float32Array;
      if (r < 0.7) col[j] = rng.float(-2, 2);
      else if (r < 0.85) col[j] = rng.int(-3, 3);
      else col[j] = i > 0 ? ((xs[rng.int(0, i - 1)] as Float32Array)[j] ?? 0) : 0;
    }
  }
  return xs;
}

/** i32 inputs: any bit pattern, small values, extremes, and copies of another input. */
function i32Inputs(rng: Rng, inputs: number, n: number): Int32Array[] {
  const xs = Array.from({ length: inputs }, () => new Int32Array(n));
  const extremes = [-2147483648, 2147483647, 0, -1, 1, 31, 32, -32];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < inputs; i++) {
      const r = rng.next();
      const col = xs[i] as Int32Array;
      if (r < 0.35) col[j] = rng.bits() | 0;
      else if (r < 0.75) col[j] = rng.int(-100, 100);
      else if (r < 0.9) col[j] = extremes[rng.int(0, extremes.length - 1)] ?? 0;
      else col[j] = i > 0 ? ((xs[rng.int(0, i - 1)] as Int32Array)[j] ?? 0) : rng.int(-40, 40);
    }
  }
  return xs;
}

const kernels = new Map<string, ReturnType<typeof kernel>>();
function compiled(source: string): ReturnType<typeof kernel> {
  let k = kernels.get(source);
  if (!k) {
    k = kernel(source, { constexprs: ['BLOCK'] });
    kernels.set(source, k);
  }
  return k;
}

function mismatchReport(c: Case<unknown>, lines: string[], count: number): string {
  return `${count} of ${c.launch.n} elements wrong (BLOCK=${c.launch.block}, invocations=${c.launch.invocations}, n=${c.launch.n}):\n${lines.join('\n')}\n--- kernel ---\n${c.source}`;
}

// ---- the properties ------------------------------------------------------------------------

describe('elementwise properties (GPU)', () => {
  it(
    'f32 expression trees match the rounded reference, up to contraction',
    async () => {
      const device = await testDevice();
      await fc.assert(
        fc.asyncProperty(cases(f32Trees, printF, 'ewF32'), async (c) => {
          const { n, block, invocations } = c.launch;
          const xs = f32Inputs(new Rng(c.dataSeed), c.inputs, n);
          const out = poisoned(device, 'f32', n + GUARD);
          await run(
            compiled(c.source),
            cdiv(n, block),
            [...xs.map((x) => device.tensor(x)), out, n, block],
            { invocations },
          );
          const got = await readF32(out);
          const bad: string[] = [];
          let count = 0;
          for (let j = 0; j < n; j++) {
            const args = xs.map((x) => x[j] ?? NaN);
            const ref = evalF(c.tree, args);
            const a = got[j] ?? NaN;
            if (!(a >= ref.lo && a <= ref.hi)) {
              count++;
              if (bad.length < 6)
                bad.push(
                  `  [${j}] inputs (${args.join(', ')}): got ${a}, expected ${ref.v} (allowed [${ref.lo}, ${ref.hi}])`,
                );
            }
          }
          for (let j = n; j < n + GUARD; j++) {
            const a = got[j] ?? 0;
            if (!Number.isNaN(a)) {
              count++;
              if (bad.length < 6) bad.push(`  [${j}] past n was written: ${a}`);
            }
          }
          if (count > 0) throw new Error(mismatchReport(c, bad, count));
        }),
        fcParams(RUNS_F32, { gpu: true }),
      );
    },
    GPU_TEST_TIMEOUT,
  );

  it(
    'i32 expression trees match the wrapping reference exactly',
    async () => {
      const device = await testDevice();
      await fc.assert(
        fc.asyncProperty(cases(i32Trees, printI, 'ewI32'), async (c) => {
          const { n, block, invocations } = c.launch;
          const xs = i32Inputs(new Rng(c.dataSeed), c.inputs, n);
          const out = poisoned(device, 'i32', n + GUARD);
          await run(
            compiled(c.source),
            cdiv(n, block),
            [...xs.map((x) => device.tensor(x)), out, n, block],
            { invocations },
          );
          const got = await readI32(out);
          const bad: string[] = [];
          let count = 0;
          for (let j = 0; j < n + GUARD; j++) {
            const args = xs.map((x) => x[j] ?? NaN);
            const expected = j < n ? evalI(c.tree, args) : POISON_I32;
            const a = got[j];
            if (a !== expected) {
              count++;
              if (bad.length < 6)
                bad.push(
                  j < n
                    ? `  [${j}] inputs (${args.join(', ')}): got ${a}, expected ${expected}`
                    : `  [${j}] past n was written: ${a}`,
                );
            }
          }
          if (count > 0) throw new Error(mismatchReport(c, bad, count));
        }),
        fcParams(RUNS_I32, { gpu: true }),
      );
    },
    GPU_TEST_TIMEOUT,
  );

  it('evaluates the references as documented (sanity checks of the test itself)', () => {
    // C division and WGSL's INT_MIN / -1.
    const div = (a: number, b: number): number =>
      evalI({ k: 'div', a: { k: 'leaf', i: 0 }, b: { k: 'leaf', i: 1 }, guard: 'where' }, [a, b]);
    const rem = (a: number, b: number): number =>
      evalI({ k: 'rem', a: { k: 'leaf', i: 0 }, b: { k: 'leaf', i: 1 }, guard: 'where' }, [a, b]);
    expect([div(-7, 2), div(7, -2), div(-2147483648, -1), div(5, 0)]).toEqual([
      -3, -3, -2147483648, 5,
    ]);
    expect([rem(-7, 2), rem(7, -2), rem(-2147483648, -1), rem(5, 0)]).toEqual([-1, 1, 0, 0]);
    // a * b + c: both the rounded (0) and the contracted (2^-25) results are
    // in the interval; anything a few ULPs of the product away is not.
    const [a, b, c] = [Math.fround(1 / 3), 3, -1];
    const tree: F = {
      k: 'add',
      a: { k: 'mul', a: { k: 'leaf', i: 0 }, b: { k: 'leaf', i: 1 } },
      b: { k: 'leaf', i: 2 },
    };
    const iv = evalF(tree, [a, b, c]);
    const inside = (x: number): boolean => x >= iv.lo && x <= iv.hi;
    expect([
      inside(0),
      inside(Math.fround(a * b + c)),
      inside(4 * 2 ** -23),
      inside(-4 * 2 ** -23),
    ]).toEqual([true, true, false, false]);
  });
});
