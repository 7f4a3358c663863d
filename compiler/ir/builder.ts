// The only way to make Tile IR. Each method checks its operands (dtypes,
// shapes, ranks) and infers the result type, so an ill-typed IR cannot be
// built: a failed check here is a CompileError at the op's source span.
// Implicit broadcasting and promotion are not done here; the semantic layer
// (lower/semantics.ts) makes them explicit first, as Triton's semantic.py does.

import { CompileError, type Span } from '../errors.js';
import type { Layout } from './layout.js';
import type { ArgReduceOp, BinaryOp, Block, Op, ReduceOp, UnaryOp, Value, VectorAccess } from './ops.js';
import {
  isFloat,
  isInt,
  isPowerOfTwo,
  numel,
  sameShape,
  sameType,
  shapeToString,
  retyped,
  tileType,
  type DType,
  type MemDType,
  type Shape,
  type TileType,
  type Type,
  typeToString,
} from './types.js';

export const MAX_RANK = 2;
/**
 * The largest tile. Every element lives in some invocation's registers (128
 * invocations would hold 512 each at this size); larger tiles give shaders
 * that drivers take minutes to compile. Loop over blocks instead.
 */
export const MAX_TILE_ELEMENTS = 1 << 16;

const compareOps: ReadonlySet<BinaryOp> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const bitwiseOps: ReadonlySet<BinaryOp> = new Set(['and', 'or', 'xor']);
const floatOnlyUnary: ReadonlySet<UnaryOp> = new Set([
  'exp', 'exp2', 'log', 'log2', 'sqrt', 'rsqrt', 'sin', 'cos', 'floor', 'ceil', 'sigmoid',
]);

export class IRBuilder {
  private nextId: number;
  private readonly stack: Op[][] = [[]];

  constructor(
    readonly source: string,
    firstId = 0,
  ) {
    this.nextId = firstId;
  }

  get idCounter(): number {
    return this.nextId;
  }

  /** Build a nested block: `args` become its arguments, `fill` emits its ops. */
  block(argTypes: readonly Type[], fill: (args: Value[]) => void): Block {
    const args = argTypes.map((t) => this.fresh(t));
    this.stack.push([]);
    try {
      fill(args);
    } catch (error) {
      this.stack.pop();
      throw error;
    }
    const ops = this.stack.pop() ?? [];
    return { args, ops };
  }

  /** Ops emitted so far at the top level. */
  topLevelOps(): Op[] {
    return this.stack[0] ?? [];
  }

  fresh(type: Type): Value {
    return { id: this.nextId++, type };
  }

  private emit<T extends Op>(op: T): T {
    const top = this.stack[this.stack.length - 1];
    if (!top) throw new Error('IRBuilder: no open block');
    top.push(op);
    return op;
  }

  private fail(kind: 'type' | 'shape', detail: string, span: Span): never {
    throw new CompileError(kind, detail, span, this.source);
  }

  private tile(dtype: DType, shape: Shape, layout?: Layout): TileType {
    return tileType(dtype, shape, layout);
  }

  private retype(type: Type, shape: Shape, layout?: Layout): Type {
    return retyped(type, shape, layout);
  }

  private checkRank(shape: Shape, span: Span): void {
    if (shape.length > MAX_RANK)
      this.fail('shape', `tiles of rank ${shape.length} are not supported (at most ${MAX_RANK} dimensions)`, span);
  }

  private sameShapes(span: Span, what: string, ...values: Value[]): void {
    const first = values[0];
    for (const v of values)
      if (first && !sameShape(v.type.shape, first.type.shape))
        this.fail('shape', `${what}: shapes ${values.map((x) => shapeToString(x.type.shape)).join(' and ')} differ`, span);
  }

  private dtypeOf(v: Value, span: Span, what: string): DType {
    if (v.type.kind === 'ptr') this.fail('type', `${what} expects a tile of numbers, got a pointer ${typeToString(v.type)}`, span);
    return v.type.dtype;
  }

  constant(value: number | boolean, dtype: DType, span: Span, layout?: Layout): Value {
    if ((dtype === 'bool') !== (typeof value === 'boolean'))
      this.fail('type', `constant ${String(value)} cannot have dtype ${dtype}`, span);
    if (typeof value === 'number' && isInt(dtype)) {
      const [lo, hi] = dtype === 'i32' ? [-(2 ** 31), 2 ** 31 - 1] : [0, 2 ** 32 - 1];
      if (!Number.isInteger(value) || value < lo || value > hi)
        this.fail('type', `constant ${value} does not fit in ${dtype}`, span);
    }
    const result = this.fresh(this.tile(dtype, [], layout));
    this.emit({ kind: 'constant', result, value, span });
    return result;
  }

  argument(index: number, param: string, type: Type, span: Span): Value {
    const result = this.fresh(type);
    this.emit({ kind: 'argument', result, index, param, span });
    return result;
  }

  programId(axis: 0 | 1 | 2, span: Span, layout?: Layout): Value {
    const result = this.fresh(this.tile('i32', [], layout));
    this.emit({ kind: 'programId', result, axis, span });
    return result;
  }

  numPrograms(axis: 0 | 1 | 2, span: Span, layout?: Layout): Value {
    const result = this.fresh(this.tile('i32', [], layout));
    this.emit({ kind: 'numPrograms', result, axis, span });
    return result;
  }

  arange(start: number, end: number, span: Span, layout?: Layout): Value {
    if (!Number.isInteger(start) || !Number.isInteger(end) || end <= start)
      this.fail('shape', `arange(${start}, ${end}) needs integer bounds with start < end`, span);
    if (!isPowerOfTwo(end - start))
      this.fail('shape', `arange(${start}, ${end}) has ${end - start} elements; the length must be a power of two`, span);
    this.checkSize([end - start], span);
    const result = this.fresh(this.tile('i32', [end - start], layout));
    this.emit({ kind: 'arange', result, start, end, span });
    return result;
  }

  splat(operand: Value, shape: Shape, span: Span, layout?: Layout): Value {
    if (operand.type.shape.length !== 0) this.fail('shape', `splat expects a scalar, got ${typeToString(operand.type)}`, span);
    this.checkShape(shape, span);
    const result = this.fresh(this.retype(operand.type, shape, layout));
    this.emit({ kind: 'splat', result, operand, span });
    return result;
  }

  broadcast(operand: Value, shape: Shape, span: Span, layout?: Layout): Value {
    const from = operand.type.shape;
    const ok = from.length === shape.length && from.every((d, i) => d === shape[i] || d === 1);
    if (!ok) this.fail('shape', `cannot broadcast ${shapeToString(from)} to ${shapeToString(shape)}`, span);
    this.checkShape(shape, span);
    const result = this.fresh(this.retype(operand.type, shape, layout));
    this.emit({ kind: 'broadcast', result, operand, span });
    return result;
  }

  expandDims(operand: Value, axis: number, span: Span, layout?: Layout): Value {
    const shape = operand.type.shape;
    if (!Number.isInteger(axis) || axis < 0 || axis > shape.length)
      this.fail('shape', `expandDims axis ${axis} is out of range for a tile of rank ${shape.length}`, span);
    const expanded = [...shape.slice(0, axis), 1, ...shape.slice(axis)];
    this.checkRank(expanded, span);
    const result = this.fresh(this.retype(operand.type, expanded, layout));
    this.emit({ kind: 'expandDims', result, operand, axis, span });
    return result;
  }

  reshape(operand: Value, shape: Shape, span: Span, layout?: Layout): Value {
    this.checkShape(shape, span);
    if (numel(shape) !== numel(operand.type.shape))
      this.fail('shape', `cannot reshape ${shapeToString(operand.type.shape)} (${numel(operand.type.shape)} elements) to ${shapeToString(shape)} (${numel(shape)} elements)`, span);
    const result = this.fresh(this.retype(operand.type, shape, layout));
    this.emit({ kind: 'reshape', result, operand, span });
    return result;
  }

  hint(operand: Value, hint: 'multipleOf' | 'maxContiguous', values: readonly number[], span: Span, layout?: Layout): Value {
    if (operand.type.kind === 'tile' && !isInt(operand.type.dtype))
      this.fail('type', `tl.${hint} applies to integer tiles or pointers, got ${typeToString(operand.type)}`, span);
    const rank = Math.max(1, operand.type.shape.length);
    if (values.length !== rank)
      this.fail('shape', `tl.${hint} needs ${rank} value${rank === 1 ? '' : 's'} (one per dimension) for a tile of shape ${shapeToString(operand.type.shape)}, got ${values.length}`, span);
    if (values.some((v) => !Number.isInteger(v) || v < 1)) this.fail('type', `tl.${hint} values must be positive integers, got [${values.join(', ')}]`, span);
    const result = this.fresh(this.retype(operand.type, operand.type.shape, layout ?? operand.type.layout));
    this.emit({ kind: 'hint', result, hint, operand, values: [...values], span });
    return result;
  }

  convertLayout(operand: Value, layout: Layout, span: Span): Value {
    const result = this.fresh(this.retype(operand.type, operand.type.shape, layout));
    this.emit({ kind: 'convertLayout', result, operand, span });
    return result;
  }

  checkShape(shape: Shape, span: Span): void {
    this.checkRank(shape, span);
    for (const d of shape)
      if (!isPowerOfTwo(d)) this.fail('shape', `tile dimension ${d} in ${shapeToString(shape)} must be a power of two`, span);
    this.checkSize(shape, span);
  }

  private checkSize(shape: Shape, span: Span): void {
    if (numel(shape) > MAX_TILE_ELEMENTS)
      this.fail('shape', `a tile of ${shapeToString(shape)} has ${numel(shape)} elements, more than the ${MAX_TILE_ELEMENTS} Tessera supports; use a smaller block and loop over the data`, span);
  }

  binary(op: BinaryOp, lhs: Value, rhs: Value, span: Span, layout?: Layout): Value {
    // The checks' messages are built only when one fails: binary ops are the commonest.
    if (!sameShape(lhs.type.shape, rhs.type.shape)) this.sameShapes(span, `'${op}'`, lhs, rhs);
    const a = lhs.type.kind === 'tile' ? lhs.type.dtype : this.dtypeOf(lhs, span, `'${op}'`);
    const b = rhs.type.kind === 'tile' ? rhs.type.dtype : this.dtypeOf(rhs, span, `'${op}'`);
    if (a !== b) this.fail('type', `'${op}' needs operands of one dtype, got ${a} and ${b}`, span);
    if (bitwiseOps.has(op) && isFloat(a)) this.fail('type', `bitwise '${op}' is not defined on ${a}; cast to an integer type first`, span);
    if ((op === 'shl' || op === 'shr') && !isInt(a)) this.fail('type', `shift needs integer operands, got ${a}`, span);
    if (!compareOps.has(op) && !bitwiseOps.has(op) && a === 'bool')
      this.fail('type', `'${op}' is not defined on bool tiles; cast to int32 first`, span);
    const dtype: DType = compareOps.has(op) ? 'bool' : a;
    const result = this.fresh(this.tile(dtype, lhs.type.shape, layout));
    this.emit({ kind: 'binary', result, op, lhs, rhs, span });
    return result;
  }

  unary(op: UnaryOp, operand: Value, span: Span, layout?: Layout): Value {
    const dtype = this.dtypeOf(operand, span, op);
    if (floatOnlyUnary.has(op) && !isFloat(dtype))
      this.fail('type', `${op} expects a floating-point tile, got ${dtype}; cast with tl.cast(x, tl.float32) first`, span);
    if ((op === 'neg' || op === 'abs') && dtype === 'bool') this.fail('type', `${op} is not defined on bool`, span);
    if (op === 'not' && isFloat(dtype)) this.fail('type', `'!'/'~' is not defined on ${dtype}`, span);
    const result = this.fresh(this.tile(dtype, operand.type.shape, layout));
    this.emit({ kind: 'unary', result, op, operand, span });
    return result;
  }

  fma(a: Value, b: Value, c: Value, span: Span, layout?: Layout): Value {
    this.sameShapes(span, 'fma', a, b, c);
    for (const v of [a, b, c])
      if (this.dtypeOf(v, span, 'fma') !== 'f32') this.fail('type', `fma expects f32 operands, got ${typeToString(v.type)}`, span);
    const result = this.fresh(this.tile('f32', a.type.shape, layout));
    this.emit({ kind: 'fma', result, a, b, c, span });
    return result;
  }

  /** a[M,K] x b[K,N] + acc[M,N], all f32 (the semantic layer checks and explains first). */
  dot(a: Value, b: Value, acc: Value, span: Span, layout?: Layout): Value {
    const [m, k] = a.type.shape;
    const [k2, n] = b.type.shape;
    if (a.type.shape.length !== 2 || b.type.shape.length !== 2 || m === undefined || k === undefined || n === undefined || k !== k2)
      this.fail('shape', `tl.dot needs a [M,K] and b [K,N], got ${typeToString(a.type)} and ${typeToString(b.type)}`, span);
    if (!sameShape(acc.type.shape, [m, n])) this.fail('shape', `tl.dot's accumulator must be [${m},${n}], got ${typeToString(acc.type)}`, span);
    for (const v of [a, b, acc])
      if (this.dtypeOf(v, span, 'tl.dot') !== 'f32') this.fail('type', `tl.dot expects f32 tiles, got ${typeToString(v.type)}`, span);
    const result = this.fresh(this.tile('f32', [m, n], layout));
    this.emit({ kind: 'dot', result, a, b, acc, span });
    return result;
  }

  select(cond: Value, onTrue: Value, onFalse: Value, span: Span, layout?: Layout): Value {
    this.sameShapes(span, 'where', cond, onTrue, onFalse);
    if (this.dtypeOf(cond, span, 'where') !== 'bool') this.fail('type', `where's condition must be bool, got ${typeToString(cond.type)}`, span);
    const t = this.dtypeOf(onTrue, span, 'where');
    const f = this.dtypeOf(onFalse, span, 'where');
    if (t !== f) this.fail('type', `where's branches must have one dtype, got ${t} and ${f}`, span);
    const result = this.fresh(this.tile(t, cond.type.shape, layout));
    this.emit({ kind: 'select', result, cond, onTrue, onFalse, span });
    return result;
  }

  cast(operand: Value, dtype: DType, span: Span, layout?: Layout): Value {
    this.dtypeOf(operand, span, 'cast');
    const result = this.fresh(this.tile(dtype, operand.type.shape, layout));
    this.emit({ kind: 'cast', result, operand, span });
    return result;
  }

  addptr(ptr: Value, offset: Value, span: Span, layout?: Layout): Value {
    this.sameShapes(span, 'pointer arithmetic', ptr, offset);
    if (ptr.type.kind !== 'ptr') this.fail('type', `expected a pointer, got ${typeToString(ptr.type)}`, span);
    const off = this.dtypeOf(offset, span, 'pointer arithmetic');
    if (!isInt(off)) this.fail('type', `pointer offsets must be integers, got ${off}`, span);
    const result = this.fresh(this.retype(ptr.type, ptr.type.shape, layout));
    this.emit({ kind: 'addptr', result, ptr, offset, span });
    return result;
  }

  private elemOf(ptr: Value, span: Span, what: string): MemDType {
    if (ptr.type.kind !== 'ptr') this.fail('type', `${what} expects a pointer (a buffer argument plus offsets), got ${typeToString(ptr.type)}`, span);
    return ptr.type.elem;
  }

  load(ptr: Value, mask: Value | undefined, other: Value | undefined, span: Span, layout?: Layout, vector?: VectorAccess): Value {
    const elem = this.elemOf(ptr, span, 'tl.load');
    if (mask) this.checkMask(ptr, mask, span, 'tl.load');
    if (other) {
      this.sameShapes(span, `tl.load's other`, ptr, other);
      if (this.dtypeOf(other, span, 'tl.load') !== elem) this.fail('type', `tl.load's other must be ${elem}, got ${typeToString(other.type)}`, span);
    }
    const result = this.fresh(this.tile(elem, ptr.type.shape, layout));
    this.emit(loadOp(result, ptr, mask, other, vector, span));
    return result;
  }

  store(ptr: Value, value: Value, mask: Value | undefined, span: Span, vector?: VectorAccess): void {
    const elem = this.elemOf(ptr, span, 'tl.store');
    this.sameShapes(span, 'tl.store', ptr, value);
    const v = this.dtypeOf(value, span, 'tl.store');
    if (v !== elem) this.fail('type', `tl.store of ${v} into a ${elem} buffer; cast the value first`, span);
    if (mask) this.checkMask(ptr, mask, span, 'tl.store');
    this.emit(storeOp(ptr, value, mask, vector, span));
  }

  private checkMask(ptr: Value, mask: Value, span: Span, what: string): void {
    this.sameShapes(span, `${what}'s mask`, ptr, mask);
    if (this.dtypeOf(mask, span, what) !== 'bool') this.fail('type', `${what}'s mask must be bool, got ${typeToString(mask.type)}`, span);
  }

  private reducedShape(operand: Value, axis: number, span: Span, what: string): Shape {
    const shape = operand.type.shape;
    if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length)
      this.fail('shape', `${what} axis ${axis} is out of range for a tile of shape ${shapeToString(shape)}`, span);
    return shape.filter((_, d) => d !== axis);
  }

  reduce(op: ReduceOp, operand: Value, axis: number, span: Span, layout?: Layout): Value {
    const dtype = this.dtypeOf(operand, span, `tl.${op}`);
    if (dtype === 'bool') this.fail('type', `tl.${op} of a bool tile; cast it to int32 first`, span);
    const result = this.fresh(this.tile(dtype, this.reducedShape(operand, axis, span, `tl.${op}`), layout));
    this.emit({ kind: 'reduce', result, op, operand, axis, span });
    return result;
  }

  argReduce(op: ArgReduceOp, operand: Value, axis: number, span: Span, layout?: Layout): Value {
    const dtype = this.dtypeOf(operand, span, `tl.${op}`);
    if (dtype === 'bool') this.fail('type', `tl.${op} of a bool tile; cast it to int32 first`, span);
    const result = this.fresh(this.tile('i32', this.reducedShape(operand, axis, span, `tl.${op}`), layout));
    this.emit({ kind: 'argReduce', result, op, operand, axis, span });
    return result;
  }

  /**
   * A counted loop. `fillBody` receives the induction variable and the carried
   * values and returns the values the iteration yields (same types as `inits`).
   */
  forLoop(
    lower: Value,
    upper: Value,
    step: Value,
    inits: readonly Value[],
    span: Span,
    fillBody: (iv: Value, carried: Value[]) => Value[],
    carriedTypes: readonly Type[] = inits.map((v) => v.type),
  ): Value[] {
    for (const b of [lower, upper, step])
      if (b.type.kind !== 'tile' || b.type.dtype !== 'i32' || b.type.shape.length !== 0)
        this.fail('type', `loop bounds must be int32 scalars, got ${typeToString(b.type)}`, span);
    const body = this.block([lower.type, ...carriedTypes], (args) => {
      const [iv, ...carried] = args;
      if (!iv) throw new Error('unreachable: loop block has an induction variable');
      const yielded = fillBody(iv, carried);
      this.yieldValues(yielded, carriedTypes, span, 'loop-carried value');
    });
    const results = carriedTypes.map((t) => this.fresh(t));
    this.emit(forOp(results, lower, upper, step, inits, body, span));
    return results;
  }

  /** Append ops to an already built block (lowering adds yields once it knows them). */
  extendBlock(block: Block, fill: () => void): Block {
    this.stack.push([...block.ops]);
    fill();
    return { args: block.args, ops: this.stack.pop() ?? [] };
  }

  /** End the current block with a yield. */
  yieldOp(values: readonly Value[], span: Span): void {
    this.emit({ kind: 'yield', values: [...values], span });
  }

  /** An if with prebuilt branches; both must end in yields of the same types. */
  ifOp(cond: Value, thenBlock: Block, elseBlock: Block, span: Span): Value[] {
    if (cond.type.kind !== 'tile' || cond.type.dtype !== 'bool' || cond.type.shape.length !== 0)
      this.fail('type', `an if condition must be a bool scalar, got ${typeToString(cond.type)}`, span);
    const yieldOf = (block: Block): readonly Value[] => {
      const last = block.ops[block.ops.length - 1];
      if (last?.kind !== 'yield') throw new Error('IRBuilder: an if branch must end with a yield');
      return last.values;
    };
    const thenValues = yieldOf(thenBlock);
    const elseValues = yieldOf(elseBlock);
    if (thenValues.length !== elseValues.length) throw new Error('IRBuilder: if branches yield different counts');
    thenValues.forEach((v, i) => {
      const e = elseValues[i];
      if (e && !sameType(e.type, v.type))
        this.fail('type', `the branches of this if give a variable different types: ${typeToString(v.type)} and ${typeToString(e.type)}`, span);
    });
    const results = thenValues.map((v) => this.fresh(v.type));
    this.emit(ifOp(results, cond, thenBlock, elseBlock, span));
    return results;
  }

  private yieldValues(values: readonly Value[], types: readonly Type[], span: Span, what: string): void {
    if (values.length !== types.length) throw new Error(`IRBuilder: ${what} count mismatch`);
    values.forEach((v, i) => {
      const t = types[i];
      if (t && !sameType(t, v.type))
        this.fail('type', `${what} changes type from ${typeToString(t)} to ${typeToString(v.type)}`, span);
    });
    this.emit({ kind: 'yield', values: [...values], span });
  }

  /** Drop the last op of the current block (lowering discards a loop it must redo). */
  discardLast(): void {
    this.stack[this.stack.length - 1]?.pop();
  }
}

type LoadOp = Extract<Op, { kind: 'load' }>;
type StoreOp = Extract<Op, { kind: 'store' }>;
type ForOp = Extract<Op, { kind: 'for' }>;
type IfOp = Extract<Op, { kind: 'if' }>;

// Op objects are made only here, each kind by one literal with every field
// present (absent optional ones undefined): one object shape per kind keeps
// the passes' and codegen's property reads monomorphic in V8.

function loadOp(result: Value, ptr: Value, mask: Value | undefined, other: Value | undefined, vector: VectorAccess | undefined, span: Span): LoadOp {
  return { kind: 'load', result, ptr, mask, other, vector, span };
}

function storeOp(ptr: Value, value: Value, mask: Value | undefined, vector: VectorAccess | undefined, span: Span): StoreOp {
  return { kind: 'store', ptr, value, mask, vector, span };
}

function forOp(results: readonly Value[], lower: Value, upper: Value, step: Value, inits: readonly Value[], body: Block, span: Span): ForOp {
  return { kind: 'for', results, lower, upper, step, inits, body, span };
}

function ifOp(results: readonly Value[], cond: Value, thenBlock: Block, elseBlock: Block, span: Span): IfOp {
  return { kind: 'if', results, cond, thenBlock, elseBlock, span };
}

/**
 * A load or store as it is, with its vector access set (the vectorize pass):
 * no check depends on the annotation, so annotating needs no rebuild of the
 * values around it.
 */
export function withVectorAccess(op: LoadOp | StoreOp, vector: VectorAccess): LoadOp | StoreOp {
  return op.kind === 'load' ? loadOp(op.result, op.ptr, op.mask, op.other, vector, op.span) : storeOp(op.ptr, op.value, op.mask, vector, op.span);
}

/** A loop or if as it is, with nested blocks that differ only by such annotations. */
export function withBlocks(op: ForOp, body: Block): ForOp;
export function withBlocks(op: IfOp, thenBlock: Block, elseBlock: Block): IfOp;
export function withBlocks(op: ForOp | IfOp, first: Block, second?: Block): ForOp | IfOp {
  if (op.kind === 'for') return forOp(op.results, op.lower, op.upper, op.step, op.inits, first, op.span);
  return ifOp(op.results, op.cond, first, second ?? op.elseBlock, op.span);
}
