// The WGSL codegen table: one entry per IR op kind. The mapped type makes it
// total: adding an op kind to the IR fails the type check here until the
// backend handles it.
//
// Every tile value is a list of per-slot WGSL expressions (see views.ts);
// elementwise ops work slot by slot because tiling gave their operands the
// result's layout. Values are named v<id>_<slot> (v<id> for scalars): no user
// identifier ever reaches the WGSL.

import type { Op, OpKind, Value } from '../ir/ops.js';
import { bindingOfParam, type Emitter } from './emitter.js';
import { emitConvert, emitReduce } from './workgroup-ops.js';
import { emitDot } from './dot.js';
import { emitLoad, emitStore } from './memory-ops.js';
import { binaryExpr, castExpr, literal, unaryExpr, wgslType } from './wgsl-types.js';
import { coordinates, ownerPredicate, slotIndex } from './views.js';

type OpOf<K extends OpKind> = Extract<Op, { kind: K }>;
export type OpEmitters = { readonly [K in OpKind]: (e: Emitter, op: OpOf<K>) => void };

export function valueName(v: Value, slot: number | null): string {
  return slot === null ? `v${v.id}` : `v${v.id}_${slot}`;
}

/** Bind each slot of `result` to a `let` of the given expressions. */
export function defineSlots(e: Emitter, result: Value, exprs: readonly string[], uniform: boolean, binding?: number): void {
  const scalar = result.type.shape.length === 0;
  const type = wgslType[e.dtype(result)];
  const slots: string[] = [];
  for (let i = 0; i < exprs.length; i++) {
    const name = valueName(result, scalar ? null : i);
    e.line(`let ${name}: ${type} = ${exprs[i]};`);
    slots.push(name);
  }
  e.set(result, { slots, uniform, binding });
}

/** `count` copies of one expression (a scalar's value in every slot of a tile). */
function repeated(expr: string, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(expr);
  return out;
}

/**
 * The slot expressions of operand `v` for a result of `count` slots: a
 * scalar's one expression serves every slot (scalars meet tiles of every
 * size). Looked up once per op: elementwise ops run over many slots.
 */
export function operandSlots(e: Emitter, v: Value, count: number): readonly string[] {
  const slots = e.get(v).slots;
  if (v.type.shape.length === 0) return count === 1 && slots.length === 1 ? slots : repeated(e.slot(v, 0), count);
  if (slots.length < count) throw new Error(`codegen: %${v.id} has no slot ${slots.length}`);
  return slots;
}

/** Elementwise ops: the result's slot i combines slot i of each operand. */
function elementwise1(e: Emitter, result: Value, x: Value, f: (a: string) => string): void {
  const count = e.view(result).slots.length;
  const xs = operandSlots(e, x, count);
  const exprs: string[] = [];
  for (let i = 0; i < count; i++) exprs.push(f(xs[i] ?? ''));
  defineSlots(e, result, exprs, e.get(x).uniform);
}

function elementwise2(e: Emitter, result: Value, x: Value, y: Value, f: (a: string, b: string) => string): void {
  const count = e.view(result).slots.length;
  const xs = operandSlots(e, x, count);
  const ys = operandSlots(e, y, count);
  const exprs: string[] = [];
  for (let i = 0; i < count; i++) exprs.push(f(xs[i] ?? '', ys[i] ?? ''));
  defineSlots(e, result, exprs, e.get(x).uniform && e.get(y).uniform);
}

function elementwise3(e: Emitter, result: Value, x: Value, y: Value, z: Value, f: (a: string, b: string, c: string) => string): void {
  const count = e.view(result).slots.length;
  const xs = operandSlots(e, x, count);
  const ys = operandSlots(e, y, count);
  const zs = operandSlots(e, z, count);
  const exprs: string[] = [];
  for (let i = 0; i < count; i++) exprs.push(f(xs[i] ?? '', ys[i] ?? '', zs[i] ?? ''));
  defineSlots(e, result, exprs, e.get(x).uniform && e.get(y).uniform && e.get(z).uniform);
}

const axisName = ['x', 'y', 'z'] as const;

export const opEmitters: OpEmitters = {
  constant: (e, op) => e.set(op.result, { slots: [literal(op.value, e.dtype(op.result))], uniform: true }),
  argument: (e, op) => {
    const param = e.kernel.params[op.index];
    if (op.result.type.kind === 'ptr') {
      const binding = bindingOfParam(e.kernel, op.index);
      e.set(op.result, { slots: ['0i'], uniform: true, binding });
    } else e.set(op.result, { slots: [`params.a${op.index}`], uniform: param !== undefined });
  },
  programId: (e, op) => e.set(op.result, { slots: [`i32(wid.${axisName[op.axis]})`], uniform: true }),
  numPrograms: (e, op) => e.set(op.result, { slots: [`i32(nwg.${axisName[op.axis]})`], uniform: true }),
  arange: (e, op) => {
    const view = e.view(op.result);
    const exprs = view.slots.map((slot) => {
      const c = coordinates(view, slot, e)[0] ?? '0i';
      return op.start === 0 ? c : `${literal(op.start, 'i32')} + ${c}`;
    });
    defineSlots(e, op.result, exprs, false);
  },
  splat: (e, op) => {
    const src = e.get(op.operand);
    const count = e.view(op.result).slots.length;
    e.set(op.result, { ...src, slots: repeated(src.slots[0] ?? '', count) });
  },
  broadcast: (e, op) => {
    const from = e.view(op.operand);
    const to = e.view(op.result);
    const src = e.get(op.operand);
    const slots = to.slots.map((slot) => {
      const mapped = {
        rep: slot.rep.map((r, d) => ((from.shape[d] ?? 1) === 1 ? 0 : r)),
        elem: slot.elem.map((x, d) => ((from.shape[d] ?? 1) === 1 ? 0 : x)),
      };
      return src.slots[slotIndex(from, mapped)] ?? '';
    });
    e.set(op.result, { ...src, slots });
  },
  expandDims: (e, op) => {
    // The operand is a slice of the result's layout: same slots, same order.
    const src = e.get(op.operand);
    const count = e.view(op.result).slots.length;
    const slots = op.operand.type.shape.length === 0 ? repeated(src.slots[0] ?? '', count) : src.slots;
    e.set(op.result, { ...src, slots });
  },
  reshape: (e, op) => emitConvert(e, op.operand, op.result, op.span, 'a reshape'),
  // A hint only informs axis-info; the value is its operand's.
  hint: (e, op) => e.set(op.result, e.get(op.operand)),
  convertLayout: (e, op) => emitConvert(e, op.operand, op.result, op.span, 'a layout conversion'),
  binary: (e, op) => {
    const dtype = e.dtype(op.lhs);
    elementwise2(e, op.result, op.lhs, op.rhs, (a, b) => binaryExpr(op.op, a, b, dtype));
  },
  unary: (e, op) => {
    const dtype = e.dtype(op.operand);
    elementwise1(e, op.result, op.operand, (a) => unaryExpr(op.op, a, dtype));
  },
  fma: (e, op) => elementwise3(e, op.result, op.a, op.b, op.c, (a, b, c) => `fma(${a}, ${b}, ${c})`),
  dot: (e, op) => emitDot(e, op),
  select: (e, op) => elementwise3(e, op.result, op.cond, op.onTrue, op.onFalse, (c, t, f) => `select(${f}, ${t}, ${c})`),
  cast: (e, op) => {
    const from = e.dtype(op.operand);
    const to = e.dtype(op.result);
    elementwise1(e, op.result, op.operand, (a) => castExpr(a, from, to));
  },
  addptr: (e, op) => {
    const offsetIsU32 = e.dtype(op.offset) === 'u32';
    const count = e.view(op.result).slots.length;
    const ptrs = operandSlots(e, op.ptr, count);
    const offsets = operandSlots(e, op.offset, count);
    const exprs: string[] = [];
    for (let i = 0; i < count; i++) {
      const p = ptrs[i] ?? '';
      const o = offsets[i] ?? '';
      exprs.push(p === '0i' ? (offsetIsU32 ? `i32(${o})` : o) : `${p} + ${offsetIsU32 ? `i32(${o})` : o}`);
    }
    const ptr = e.get(op.ptr);
    defineSlots(e, op.result, exprs, ptr.uniform && e.get(op.offset).uniform, ptr.binding);
  },
  load: (e, op) => emitLoad(e, op),
  store: (e, op) => emitStore(e, op),
  reduce: (e, op) => emitReduce(e, op),
  argReduce: (e, op) => emitReduce(e, op),
  for: (e, op) => emitFor(e, op),
  if: (e, op) => emitIf(e, op),
  yield: (e, op) => {
    const targets = e.yieldTargets[e.yieldTargets.length - 1];
    if (!targets) throw new Error('codegen: yield without a target');
    op.values.forEach((v, k) => {
      const target = targets[k];
      if (!target) return;
      e.get(target).slots.forEach((name, i) => e.line(`${name} = ${e.slotAt(v, i)};`));
    });
  },
};

export function emitOps(e: Emitter, ops: readonly Op[]): void {
  for (const op of ops) {
    // Ops that emit no WGSL of their own do not need a comment.
    if (op.kind !== 'yield' && op.kind !== 'argument' && op.kind !== 'constant') e.sourceComment(op.span);
    emitOne(e, op);
  }
}

function emitOne<K extends OpKind>(e: Emitter, op: OpOf<K>): void {
  // TypeScript cannot correlate the table's key with the op's type (a known
  // limitation with unions), so the lookup is widened once here; the table's
  // mapped type still checks every entry against its own kind.
  const emit = opEmitters[op.kind] as (e: Emitter, op: OpOf<K>) => void;
  emit(e, op);
}

/** Declare a mutable `var` per slot for values assigned by yields. */
function declareVars(e: Emitter, values: readonly Value[], init?: readonly Value[]): void {
  values.forEach((v, k) => {
    const count = e.view(v).slots.length;
    const scalar = v.type.shape.length === 0;
    const type = wgslType[e.dtype(v)];
    const from = init?.[k];
    const inits = from ? operandSlots(e, from, count) : undefined;
    const slots: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = valueName(v, scalar ? null : i);
      e.line(inits ? `var ${name}: ${type} = ${inits[i] ?? ''};` : `var ${name}: ${type};`);
      slots.push(name);
    }
    const binding = from ? e.get(from).binding : undefined;
    e.set(v, { slots, uniform: false, binding });
  });
}

function emitFor(e: Emitter, op: OpOf<'for'>): void {
  declareVars(e, op.results, op.inits);
  const [iv, ...args] = op.body.args;
  if (!iv) throw new Error('codegen: loop without induction variable');
  const uniformLoop = e.controlIsUniform([op.lower, op.upper, op.step], [op.body]);
  const lower = e.uniformScalar(op.lower, [op.body]);
  const upper = e.uniformScalar(op.upper, [op.body]);
  const step = e.uniformScalar(op.step, [op.body]);
  // Not `i<id>`: `i32` would shadow the type.
  const loopVar = `loop${iv.id}`;
  const stepConst = /^\(?(-?\d+)i\)?$/.exec(step);
  const stepValue = stepConst ? Number(stepConst[1]) : null;
  const cond = stepValue === null ? `select((${loopVar} > ${upper}), (${loopVar} < ${upper}), (${step} > 0i))` : stepValue > 0 ? `${loopVar} < ${upper}` : `${loopVar} > ${upper}`;
  e.open(`for (var ${loopVar}: i32 = ${lower}; ${cond}; ${loopVar} += ${step}) {`);
  e.set(iv, { slots: [loopVar], uniform: e.get(op.lower).uniform && e.isUniform(op.upper) && e.isUniform(op.step) });
  args.forEach((a, k) => {
    const r = op.results[k];
    if (!r) return;
    // Snapshot the carried values: yields assign the vars at the end of the
    // body, and a swap (yield b, a) must read the old values.
    const src = e.get(r);
    const type = wgslType[e.dtype(a)];
    const slots = src.slots.map((name, i) => {
      const snap = valueName(a, a.type.shape.length === 0 ? null : i);
      e.line(`let ${snap}: ${type} = ${name};`);
      return snap;
    });
    e.set(a, { slots, uniform: false, binding: src.binding });
  });
  e.yieldTargets.push(op.results);
  e.resetComment();
  if (!uniformLoop) e.nonUniformControl++;
  emitOps(e, op.body.ops);
  if (!uniformLoop) e.nonUniformControl--;
  e.yieldTargets.pop();
  e.close();
  e.resetComment();
}

function emitIf(e: Emitter, op: OpOf<'if'>): void {
  declareVars(e, op.results);
  const uniformBranch = e.controlIsUniform([op.cond], [op.thenBlock, op.elseBlock]);
  const cond = e.uniformScalar(op.cond, [op.thenBlock, op.elseBlock]);
  if (!uniformBranch) e.nonUniformControl++;
  e.yieldTargets.push(op.results);
  e.open(`if (${cond}) {`);
  e.resetComment();
  emitOps(e, op.thenBlock.ops);
  if (op.elseBlock.ops.some((o) => o.kind !== 'yield' || o.values.length > 0)) {
    e.close('} else {');
    e.depthIn();
    e.resetComment();
    emitOps(e, op.elseBlock.ops);
  }
  e.close();
  e.yieldTargets.pop();
  if (!uniformBranch) e.nonUniformControl--;
  e.resetComment();
  // Results are vars; bindings of pointer results follow the then-branch.
  op.results.forEach((r, k) => {
    const y = op.thenBlock.ops[op.thenBlock.ops.length - 1];
    const v = y?.kind === 'yield' ? y.values[k] : undefined;
    const binding = v ? e.get(v).binding : undefined;
    if (binding !== undefined) e.set(r, { ...e.get(r), binding });
  });
}
