// Ops that move data between invocations through workgroup memory: layout
// conversions (and reshapes, which are conversions between shapes with the
// same row-major order) and reductions across invocations.
//
// Every barrier here must be reached by all invocations: op-table.ts makes
// the control flow around barrier-containing code uniform first.

import type { Span } from '../errors.js';
import type { Op, Value } from '../ir/ops.js';
import type { Emitter } from './emitter.js';
import { defineSlots, valueName } from './op-table.js';
import { expandedAxis, flatIndex, ownerPredicate, coordinate, type View } from './views.js';
import type { DType } from '../ir/types.js';
import { combineExpr, fromBits, reduceIdentity, toBits, wgslType } from './wgsl-types.js';
import { emitSubgroupReduce, subgroupReductionApplies } from './subgroup-ops.js';

/**
 * Write every element an invocation owns (one owner per replicated element)
 * to scratch at `base` + its row-major index in the view's tile.
 */
export function stageInScratch(e: Emitter, view: View, slots: readonly string[], dtype: DType, base = 0): void {
  const owner = ownerPredicate(view, e);
  if (owner) e.open(`if (${owner}) {`);
  view.slots.forEach((slot, i) => {
    const index = flatIndex(view, slot, e);
    e.line(`scratch[${base === 0 ? index : `${base}i + ${index}`}] = ${toBits(slots[i] ?? '', dtype)};`);
  });
  if (owner) e.close();
}

/** Write every element to scratch at its row-major index, then read it back in the new layout. */
export function emitConvert(e: Emitter, operand: Value, result: Value, span: Span, what: string): void {
  const from = e.view(operand);
  const to = e.view(result);
  const dtype = e.dtype(operand);
  const elements = result.type.shape.reduce((a, b) => a * b, 1);
  e.needScratch(elements, span, `${what} of a ${elements}-element tile`);
  const src = e.get(operand);
  e.line('workgroupBarrier();');
  stageInScratch(e, from, src.slots, dtype);
  e.line('workgroupBarrier();');
  const exprs = to.slots.map((slot) => fromBits(`scratch[${flatIndex(to, slot, e)}]`, dtype));
  defineSlots(e, result, exprs, false, src.binding);
}

const REDUCTION_SCRATCH_BYTES = 8192;

type ReduceLike = Extract<Op, { kind: 'reduce' } | { kind: 'argReduce' }>;

/**
 * Reduce along one axis: first each invocation combines the elements it
 * holds, then invocations along the axis combine through a tree in scratch
 * (log2(threads) barrier steps), several result slots at a time.
 */
export function emitReduce(e: Emitter, op: ReduceLike): void {
  const src = e.view(op.operand);
  const axis = expandedAxis(src, op.axis);
  const dim = src.dims[axis];
  if (!dim || !src.parent) throw new Error('codegen: reduction of a scalar');
  const dtype = e.dtype(op.operand);
  const isArg = op.kind === 'argReduce';
  const combineOp: 'sum' | 'max' | 'min' = op.kind === 'reduce' ? op.op : op.op === 'argmax' ? 'max' : 'min';
  const vt = wgslType[dtype];
  const id = op.result.id;

  // 1. In-invocation partials, one per result slot.
  const groups = new Map<string, number[]>();
  src.slots.forEach((slot, i) => {
    const key = slot.rep.map((r, d) => (d === axis ? 'x' : `${r}.${slot.elem[d] ?? 0}`)).join('|');
    const list = groups.get(key) ?? [];
    list.push(i);
    groups.set(key, list);
  });
  const operand = e.get(op.operand);
  const partials: { value: string; index: string }[] = [];
  let g = 0;
  for (const members of groups.values()) {
    const value = `r${id}_${g}`;
    const index = `ri${id}_${g}`;
    const first = members[0] ?? 0;
    e.line(`var ${value}: ${vt} = ${operand.slots[first] ?? ''};`);
    if (isArg) e.line(`var ${index}: i32 = ${coordinate(src, src.slots[first] ?? { rep: [], elem: [] }, axis, e)};`);
    for (const m of members.slice(1)) {
      const x = operand.slots[m] ?? '';
      if (!isArg) e.line(`${value} = ${combineExpr(combineOp, value, x)};`);
      else {
        // Elements come in increasing index order, so a strict compare keeps the first.
        const cmp = op.op === 'argmax' ? '>' : '<';
        e.line(`if (${x} ${cmp} ${value}) { ${value} = ${x}; ${index} = ${coordinate(src, src.slots[m] ?? { rep: [], elem: [] }, axis, e)}; }`);
      }
    }
    partials.push({ value, index });
    g++;
  }

  // Replicas (the layout covers more than the axis) must not count twice.
  if (dim.wraps && dim.threads > 1) {
    const t = e.threadIndex(src.parent, axis);
    const limit = Math.ceil(dim.size / dim.sizePerThread);
    for (const p of partials) {
      e.line(`if (${t} >= ${limit}u) { ${p.value} = ${reduceIdentity(combineOp, dtype)};${isArg ? ` ${p.index} = 2147483647i;` : ''} }`);
    }
  }

  const scalarResult = op.result.type.shape.length === 0;
  const resultType = wgslType[e.dtype(op.result)];
  const finals: string[] = [];
  if (dim.threads === 1) {
    partials.forEach((p) => finals.push(isArg ? p.index : p.value));
    defineSlots(e, op.result, finals, false);
    return;
  }

  // 2. Across invocations along the axis: subgroup operations where they
  // apply, else a tree in scratch.
  if (subgroupReductionApplies(e, op, dim.threads, dtype)) {
    const slots = emitSubgroupReduce(e, op, partials.map((p) => p.value), dtype);
    e.set(op.result, { slots, uniform: false });
    return;
  }
  const w = e.workgroupSize;
  const t = e.threadIndex(src.parent, axis);
  const stride = dim.threadStride;
  const arrays = isArg ? 2 : 1;
  // Rounds of at most REDUCTION_SCRATCH_BYTES: more partials at once save
  // barriers, but workgroup memory held limits how many workgroups a real GPU
  // keeps resident.
  const capacity = Math.floor(Math.min(REDUCTION_SCRATCH_BYTES, e.scratchCapacityBytes) / 4);
  const perRound = Math.max(1, Math.min(partials.length, Math.floor(capacity / (w * arrays))));
  e.needScratch(perRound * w * arrays, op.span, `tl.${op.op} across ${w} invocations`);
  const results: string[] = [];
  for (let start = 0; start < partials.length; start += perRound) {
    const round = partials.slice(start, start + perRound);
    e.line('workgroupBarrier();');
    round.forEach((p, k) => {
      e.line(`scratch[${k * w}u + tid] = ${toBits(p.value, dtype)};`);
      if (isArg) e.line(`scratch[${(perRound + k) * w}u + tid] = bitcast<u32>(${p.index});`);
    });
    e.line('workgroupBarrier();');
    // The start is shifted by an opaque zero (see Emitter.opaqueZero) so
    // LLVM-based drivers keep the loop: lavapipe unrolls a constant trip
    // count and JIT-compiles each unrolled barrier as a coroutine suspend
    // point, which took seconds to minutes per kernel.
    e.open(`for (var s: u32 = ${dim.threads / 2}u >> ${e.opaqueZero}; s > 0u; s = s >> 1u) {`);
    e.open(`if (${t} < s) {`);
    round.forEach((_, k) => {
      const here = `${k * w}u + tid`;
      const there = `${k * w}u + tid + s${stride === 1 ? '' : ` * ${stride}u`}`;
      const a = fromBits(`scratch[${here}]`, dtype);
      const b = fromBits(`scratch[${there}]`, dtype);
      if (!isArg) e.line(`scratch[${here}] = ${toBits(combineExpr(combineOp, a, b), dtype)};`);
      else {
        const ia = `bitcast<i32>(scratch[${(perRound + k) * w}u + tid])`;
        const ib = `bitcast<i32>(scratch[${(perRound + k) * w}u + tid + s${stride === 1 ? '' : ` * ${stride}u`}])`;
        const cmp = op.op === 'argmax' ? '>' : '<';
        e.line(`let a${k}: ${vt} = ${a}; let b${k}: ${vt} = ${b};`);
        e.open(`if (b${k} ${cmp} a${k} || (b${k} == a${k} && ${ib} < ${ia})) {`);
        e.line(`scratch[${here}] = ${toBits(`b${k}`, dtype)};`);
        e.line(`scratch[${(perRound + k) * w}u + tid] = bitcast<u32>(${ib});`);
        e.close();
      }
    });
    e.close();
    e.line('workgroupBarrier();');
    e.close();
    round.forEach((_, k) => {
      const name = valueName(op.result, scalarResult ? null : start + k);
      const base = isArg ? (perRound + k) * w : k * w;
      const bits = scalarResult
        ? // Every group computed the same total; the uniform load makes it
          // uniform for WGSL, so it can steer later control flow.
          `workgroupUniformLoad(&scratch[${base}])`
        : `scratch[${base}u + tid - ${t}${stride === 1 ? '' : ` * ${stride}u`}]`;
      e.line(`let ${name}: ${resultType} = ${isArg ? `bitcast<i32>(${bits})` : fromBits(bits, dtype)};`);
      results.push(name);
    });
  }
  e.set(op.result, { slots: results, uniform: scalarResult });
}
