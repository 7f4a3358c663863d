// Property tests of reductions on the device: tl.sum / max / min / argmax /
// argmin of random 1D tiles [B] (B a power of two up to 1024) and 2D tiles
// [BM, BN] (powers of two up to 64, at most 1024 elements), along axis 0,
// axis 1 (2D) or over all elements, with invocations in {32, 64, 128, 256},
// over inputs whose sizes the tile does not divide. Masked-off elements become
// the op's identity, either through the load's `other` or through tl.where;
// the call is the function form (tl.max(v, 1)) or the method form (v.max(1)).
//
// Inputs are f32 or i32, either small integers (many ties: argmax / argmin
// must return the first index, in row-major order for a whole-tile
// reduction; f32 sums are then exact) or spread values (f32 in [-1, 1], sums
// compared with a tolerance scaled by the number of terms; i32 over the whole
// range, sums wrapping). i32 inputs never equal the identities (INT_MIN,
// INT_MAX), so a masked-off element can never tie with a real one.
//
// Every output slot is poisoned first and must be written; a guard region
// after the outputs must stay poisoned. Each case compiles a new shader, so
// the number of runs is small; TESSERA_SEED replays a run and
// TESSERA_PROPERTY_SCALE multiplies the number of runs.

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { kernel } from '../../index.js';
import {
  cdiv,
  POISON_I32,
  poisoned,
  readF32,
  readI32,
  Rng,
  run,
  sumTolerance,
  testDevice,
} from '../ops/helpers.js';
import { described, fcParams, GPU_TEST_TIMEOUT } from './fc-helpers.js';

const RUNS_1D = 20;
const RUNS_2D = 25;
const GUARD = 24;

const OPS = ['sum', 'max', 'min', 'argmax', 'argmin'] as const;
type Op = (typeof OPS)[number];
type Axis = 0 | 1 | 'all';
type DType = 'f32' | 'i32';

interface ReductionCase {
  readonly dtype: DType;
  readonly op: Op;
  readonly axis: Axis;
  /** 1D cases have rank 1 and bm = 1. */
  readonly rank: 1 | 2;
  readonly bm: number;
  readonly bn: number;
  /** Matrix rows and columns (1D: rows = 1, cols = n). */
  readonly rows: number;
  readonly cols: number;
  readonly invocations: number;
  readonly methodForm: boolean;
  readonly maskWithWhere: boolean;
  readonly ties: boolean;
  readonly dataSeed: number;
  readonly source: string;
}

// ---- generated kernels -----------------------------------------------------------

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

function identity(op: Op, dtype: DType): string {
  if (op === 'sum') return '0';
  const low = op === 'max' || op === 'argmax';
  if (dtype === 'f32') return low ? '-Infinity' : 'Infinity';
  return String(low ? INT_MIN : INT_MAX);
}

function reduceCall(c: Omit<ReductionCase, 'source'>, value: string, axis: Axis): string {
  const arg = axis === 'all' ? '' : String(axis);
  return c.methodForm
    ? `${value}.${c.op}(${arg})`
    : `tl.${c.op}(${value}${arg === '' ? '' : `, ${arg}`})`;
}

function loadExpr(c: Omit<ReductionCase, 'source'>, ptr: string): string {
  const id = identity(c.op, c.dtype);
  return c.maskWithWhere
    ? `tl.where(mask, tl.load(${ptr}, { mask }), ${id})`
    : `tl.load(${ptr}, { mask, other: ${id} })`;
}

function source(c: Omit<ReductionCase, 'source'>): string {
  if (c.rank === 1) {
    return `function reduce1(x, out, n, BLOCK) {
  const pid = tl.programId(0);
  const offs = pid * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
  const v = ${loadExpr(c, 'x + offs')};
  tl.store(out + pid, ${reduceCall(c, 'v', c.axis)});
}`;
  }
  const store =
    c.axis === 1
      ? `tl.store(out + pn * R + r, ${reduceCall(c, 'v', 1)}, { mask: r < R });`
      : c.axis === 0
        ? `tl.store(out + pm * C + c, ${reduceCall(c, 'v', 0)}, { mask: c < C });`
        : `tl.store(out + pm * tl.numPrograms(1) + pn, ${reduceCall(c, 'v', 'all')});`;
  return `function reduce2(x, out, R, C, BM, BN) {
  const pm = tl.programId(0);
  const pn = tl.programId(1);
  const r = pm * BM + tl.arange(0, BM);
  const c = pn * BN + tl.arange(0, BN);
  const mask = tl.expandDims(r < R, 1) && tl.expandDims(c < C, 0);
  const v = ${loadExpr(c, 'x + tl.expandDims(r, 1) * C + tl.expandDims(c, 0)')};
  ${store}
}`;
}

// ---- cases -------------------------------------------------------------------------

/** A size in [1, limit] that `block` does not divide (any size when block is 1). */
function sizes(block: number, limit: number): fc.Arbitrary<number> {
  return fc.integer({ min: 1, max: limit }).map((n) => (block > 1 && n % block === 0 ? n - 1 : n));
}

const common = fc.record({
  dtype: fc.constantFrom<DType>('f32', 'i32'),
  op: fc.constantFrom(...OPS),
  invocations: fc.constantFrom(32, 64, 128, 256),
  methodForm: fc.boolean(),
  maskWithWhere: fc.boolean(),
  ties: fc.boolean(),
  dataSeed: fc.nat(),
});

function describeCase(c: ReductionCase): string {
  const grid =
    c.rank === 1 ? `[${cdiv(c.cols, c.bn)}]` : `[${cdiv(c.rows, c.bm)}, ${cdiv(c.cols, c.bn)}]`;
  const sizesText =
    c.rank === 1 ? `n=${c.cols} BLOCK=${c.bn}` : `R=${c.rows} C=${c.cols} BM=${c.bm} BN=${c.bn}`;
  return `${c.dtype} ${c.ties ? 'small integers' : 'spread values'}, ${sizesText}, grid ${grid}, invocations=${c.invocations}, dataSeed=${c.dataSeed}\n${c.source}`;
}

function withSource(c: Omit<ReductionCase, 'source'>): ReductionCase {
  return described({ ...c, source: source(c) }, describeCase);
}

const cases1D: fc.Arbitrary<ReductionCase> = fc
  .tuple(common, fc.integer({ min: 0, max: 10 }), fc.constantFrom<Axis>(0, 'all'))
  .chain(([base, log, axis]) => {
    const block = 2 ** log;
    return sizes(block, Math.max(3 * block, 40)).map((n) =>
      withSource({ ...base, axis, rank: 1, bm: 1, bn: block, rows: 1, cols: n }),
    );
  });

const cases2D: fc.Arbitrary<ReductionCase> = fc
  .tuple(
    common,
    fc.integer({ min: 0, max: 6 }),
    fc.integer({ min: 0, max: 6 }),
    fc.constantFrom<Axis>(0, 1, 'all'),
  )
  .filter(([, i, j]) => i + j <= 10)
  .chain(([base, i, j, axis]) => {
    const [bm, bn] = [2 ** i, 2 ** j];
    return fc
      .tuple(sizes(bm, 2 * bm + 5), sizes(bn, 2 * bn + 5))
      .map(([rows, cols]) => withSource({ ...base, axis, rank: 2, bm, bn, rows, cols }));
  });

// ---- inputs and reference ------------------------------------------------------------

function inputs(c: ReductionCase): Float32Array | Int32Array {
  const rng = new Rng(c.dataSeed);
  const n = c.rows * c.cols;
  if (c.dtype === 'f32')
    return Float32Array.from({ length: n }, () => (c.ties ? rng.int(-4, 4) : rng.float(-1, 1)));
  return Int32Array.from({ length: n }, () => {
    if (c.ties) return rng.int(-4, 4);
    const r = rng.next();
    if (r < 0.05) return rng.next() < 0.5 ? INT_MIN + 1 : INT_MAX - 1;
    const v = r < 0.6 ? rng.bits() | 0 : rng.int(-100000, 100000);
    return v === INT_MIN || v === INT_MAX ? 0 : v;
  });
}

/** The reduction of (index, value) pairs in order: sum, or the first extreme value or its index. */
function reduce(op: Op, items: readonly [number, number][]): number {
  if (op === 'sum') return items.reduce((s, [, v]) => s + v, 0);
  const better =
    op === 'max' || op === 'argmax'
      ? (a: number, b: number) => a > b
      : (a: number, b: number) => a < b;
  let best: [number, number] | undefined;
  for (const item of items) if (!best || better(item[1], best[1])) best = item;
  if (!best) throw new Error('empty reduction');
  return op === 'argmax' || op === 'argmin' ? best[0] : best[1];
}

/** One reference output per output slot, with the number of terms (for sum tolerances). */
function reference(c: ReductionCase, x: ArrayLike<number>): { value: number; terms: number }[] {
  const at = (r: number, col: number): number => x[r * c.cols + col] ?? NaN;
  const gm = cdiv(c.rows, c.bm);
  const gn = cdiv(c.cols, c.bn);
  const slots: [number, number][][] = [];
  if (c.rank === 1) {
    for (let p = 0; p < gn; p++) {
      const items: [number, number][] = [];
      for (let i = p * c.bn; i < Math.min(c.cols, (p + 1) * c.bn); i++)
        items.push([i - p * c.bn, at(0, i)]);
      slots.push(items);
    }
  } else if (c.axis === 1) {
    for (let pn = 0; pn < gn; pn++)
      for (let r = 0; r < c.rows; r++) {
        const items: [number, number][] = [];
        for (let col = pn * c.bn; col < Math.min(c.cols, (pn + 1) * c.bn); col++)
          items.push([col - pn * c.bn, at(r, col)]);
        slots.push(items);
      }
  } else if (c.axis === 0) {
    for (let pm = 0; pm < gm; pm++)
      for (let col = 0; col < c.cols; col++) {
        const items: [number, number][] = [];
        for (let r = pm * c.bm; r < Math.min(c.rows, (pm + 1) * c.bm); r++)
          items.push([r - pm * c.bm, at(r, col)]);
        slots.push(items);
      }
  } else {
    for (let pm = 0; pm < gm; pm++)
      for (let pn = 0; pn < gn; pn++) {
        const items: [number, number][] = [];
        for (let i = 0; i < c.bm; i++)
          for (let j = 0; j < c.bn; j++) {
            const [r, col] = [pm * c.bm + i, pn * c.bn + j];
            if (r < c.rows && col < c.cols) items.push([i * c.bn + j, at(r, col)]);
          }
        slots.push(items);
      }
  }
  return slots.map((items) => {
    const v = reduce(c.op, items);
    return { value: c.dtype === 'i32' && c.op === 'sum' ? v | 0 : v, terms: items.length };
  });
}

// ---- running a case ------------------------------------------------------------------

const kernels = new Map<string, ReturnType<typeof kernel>>();
function compiled(c: ReductionCase): ReturnType<typeof kernel> {
  let k = kernels.get(c.source);
  if (!k) {
    k = kernel(c.source, { constexprs: c.rank === 1 ? ['BLOCK'] : ['BM', 'BN'] });
    kernels.set(c.source, k);
  }
  return k;
}

async function check(c: ReductionCase): Promise<void> {
  const device = await testDevice();
  const x = inputs(c);
  const ref = reference(c, x);
  const outType = c.op === 'argmax' || c.op === 'argmin' ? 'i32' : c.dtype;
  const out = poisoned(device, outType, ref.length + GUARD);
  const xt = x instanceof Float32Array ? device.tensor(x) : device.tensor(x);
  if (c.rank === 1)
    await run(compiled(c), cdiv(c.cols, c.bn), [xt, out, c.cols, c.bn], {
      invocations: c.invocations,
    });
  else
    await run(
      compiled(c),
      [cdiv(c.rows, c.bm), cdiv(c.cols, c.bn)],
      [xt, out, c.rows, c.cols, c.bm, c.bn],
      { invocations: c.invocations },
    );
  const got = outType === 'f32' ? await readF32(out) : await readI32(out);
  const bad: string[] = [];
  let count = 0;
  for (let s = 0; s < ref.length + GUARD; s++) {
    const a = got[s] ?? NaN;
    let ok: boolean;
    let expected: string;
    const slot = ref[s];
    if (!slot) {
      ok = outType === 'f32' ? Number.isNaN(a) : a === POISON_I32;
      expected = 'the poison (past the outputs)';
    } else if (c.op === 'sum' && c.dtype === 'f32' && !c.ties) {
      const tol = sumTolerance(slot.terms, 1);
      ok = Math.abs(a - slot.value) <= tol.abs + tol.rel * Math.abs(slot.value);
      expected = `${slot.value} ± ${tol.abs} (${slot.terms} terms)`;
    } else {
      ok = a === slot.value;
      expected = `${slot.value} (${slot.terms} terms)`;
    }
    if (!ok) {
      count++;
      if (bad.length < 6) bad.push(`  out[${s}]: got ${a}, expected ${expected}`);
    }
  }
  if (count > 0)
    throw new Error(
      `${count} of ${ref.length} outputs wrong:\n${bad.join('\n')}\n--- case ---\n${describeCase(c)}`,
    );
}

// ---- the properties ----------------------------------------------------------------------

describe('reduction properties (GPU)', () => {
  it(
    'reduces random 1D tiles like the reference',
    async () => {
      await testDevice();
      await fc.assert(fc.asyncProperty(cases1D, check), fcParams(RUNS_1D, { gpu: true }));
    },
    GPU_TEST_TIMEOUT,
  );

  it(
    'reduces random 2D tiles along either axis or over all elements like the reference',
    async () => {
      await testDevice();
      await fc.assert(fc.asyncProperty(cases2D, check), fcParams(RUNS_2D, { gpu: true }));
    },
    GPU_TEST_TIMEOUT,
  );
});
