// The builder is the only way to make IR, and it refuses ill-typed IR: each
// check throws a CompileError (kind 'type' or 'shape') at the op's span, with
// a code frame when it has the source.

import { describe, expect, it } from 'vitest';
import { CompileError, type Span } from '../../compiler/errors.js';
import { IRBuilder } from '../../compiler/ir/builder.js';
import type { Value } from '../../compiler/ir/ops.js';
import { ptrType, type DType } from '../../compiler/ir/types.js';

const source = 'function k(x) {\n  const a = broken(x);\n}';
const at: Span = { file: 'k.ts', startOffset: 28, endOffset: 37, line: 2, column: 13 };

function fails(build: (b: IRBuilder) => unknown): CompileError {
  const b = new IRBuilder(source);
  try {
    build(b);
  } catch (error) {
    expect(error).toBeInstanceOf(CompileError);
    return error as CompileError;
  }
  throw new Error('the builder accepted ill-typed IR');
}

const c = (b: IRBuilder, value: number | boolean, dtype: DType): Value => b.constant(value, dtype, at);
const tile = (b: IRBuilder, dtype: DType, shape: number[]): Value => b.splat(c(b, dtype === 'bool' ? true : 1, dtype), shape, at);
const ptr = (b: IRBuilder, shape: number[] = []): Value => {
  const base = b.argument(0, 'x', ptrType('f32', []), at);
  return shape.length ? b.splat(base, shape, at) : base;
};

const cases: [string, 'type' | 'shape', string, (b: IRBuilder) => unknown][] = [
  ['binary of f32 and i32', 'type', "'add' needs operands of one dtype, got f32 and i32", (b) => b.binary('add', c(b, 1, 'f32'), c(b, 1, 'i32'), at)],
  ['binary of [4] and [8]', 'shape', "'mul': shapes [4] and [8] differ", (b) => b.binary('mul', tile(b, 'f32', [4]), tile(b, 'f32', [8]), at)],
  ['bitwise and of floats', 'type', "bitwise 'and' is not defined on f32", (b) => b.binary('and', c(b, 1, 'f32'), c(b, 1, 'f32'), at)],
  ['a shift of bools', 'type', 'shift needs integer operands, got bool', (b) => b.binary('shl', c(b, true, 'bool'), c(b, true, 'bool'), at)],
  ['arithmetic on bools', 'type', "'add' is not defined on bool tiles", (b) => b.binary('add', c(b, true, 'bool'), c(b, false, 'bool'), at)],
  ['a binary op on pointers', 'type', "'add' expects a tile of numbers, got a pointer *f32", (b) => b.binary('add', ptr(b), ptr(b), at)],
  ['exp of an integer', 'type', 'exp expects a floating-point tile, got i32', (b) => b.unary('exp', c(b, 1, 'i32'), at)],
  ['negation of a bool', 'type', 'neg is not defined on bool', (b) => b.unary('neg', c(b, true, 'bool'), at)],
  ['fma of integers', 'type', 'fma expects f32 operands, got i32', (b) => b.fma(c(b, 1, 'i32'), c(b, 1, 'i32'), c(b, 1, 'i32'), at)],
  ['select on an integer condition', 'type', "where's condition must be bool, got i32", (b) => b.select(c(b, 1, 'i32'), c(b, 1, 'f32'), c(b, 2, 'f32'), at)],
  ['select between f32 and i32', 'type', "where's branches must have one dtype, got f32 and i32", (b) => b.select(c(b, true, 'bool'), c(b, 1, 'f32'), c(b, 2, 'i32'), at)],
  ['a bool constant with a number', 'type', 'constant 1 cannot have dtype bool', (b) => b.constant(1, 'bool', at)],
  ['an i32 constant out of range', 'type', 'constant 2147483648 does not fit in i32', (b) => b.constant(2 ** 31, 'i32', at)],
  ['a negative u32 constant', 'type', 'constant -1 does not fit in u32', (b) => b.constant(-1, 'u32', at)],
  ['a fractional i32 constant', 'type', 'constant 1.5 does not fit in i32', (b) => b.constant(1.5, 'i32', at)],
  ['a non-power-of-two arange', 'shape', 'arange(0, 12) has 12 elements', (b) => b.arange(0, 12, at)],
  ['an empty arange', 'shape', 'arange(4, 4) needs integer bounds with start < end', (b) => b.arange(4, 4, at)],
  ['a splat of a tile', 'shape', 'splat expects a scalar, got f32[4]', (b) => b.splat(tile(b, 'f32', [4]), [4, 4], at)],
  ['a splat to a non-power-of-two shape', 'shape', 'tile dimension 6 in [6] must be a power of two', (b) => b.splat(c(b, 1, 'f32'), [6], at)],
  ['a rank-3 splat', 'shape', 'tiles of rank 3 are not supported', (b) => b.splat(c(b, 1, 'f32'), [2, 2, 2], at)],
  ['a broadcast of a non-1 dimension', 'shape', 'cannot broadcast [4,2] to [4,8]', (b) => b.broadcast(tile(b, 'f32', [4, 2]), [4, 8], at)],
  ['a broadcast across ranks', 'shape', 'cannot broadcast [4] to [4,4]', (b) => b.broadcast(tile(b, 'f32', [4]), [4, 4], at)],
  ['expandDims past the rank', 'shape', 'expandDims axis 2 is out of range for a tile of rank 1', (b) => b.expandDims(tile(b, 'f32', [4]), 2, at)],
  ['a reshape that changes the element count', 'shape', 'cannot reshape [4,4] (16 elements) to [8] (8 elements)', (b) => b.reshape(tile(b, 'f32', [4, 4]), [8], at)],
  ['pointer arithmetic with a float offset', 'type', 'pointer offsets must be integers, got f32', (b) => b.addptr(ptr(b), c(b, 1, 'f32'), at)],
  ['pointer arithmetic on a tile', 'type', 'expected a pointer, got i32', (b) => b.addptr(c(b, 1, 'i32'), c(b, 1, 'i32'), at)],
  ['a load of a tile', 'type', 'tl.load expects a pointer (a buffer argument plus offsets), got f32[4]', (b) => b.load(tile(b, 'f32', [4]), undefined, undefined, at)],
  ['a load with an integer mask', 'type', "tl.load's mask must be bool, got i32[4]", (b) => b.load(ptr(b, [4]), tile(b, 'i32', [4]), undefined, at)],
  ['a load with a mask of another shape', 'shape', "tl.load's mask: shapes [4] and [8] differ", (b) => b.load(ptr(b, [4]), tile(b, 'bool', [8]), undefined, at)],
  ["a load whose other has another dtype", 'type', "tl.load's other must be f32, got i32[4]", (b) => b.load(ptr(b, [4]), tile(b, 'bool', [4]), tile(b, 'i32', [4]), at)],
  ['a store of i32 into an f32 buffer', 'type', 'tl.store of i32 into a f32 buffer; cast the value first', (b) => b.store(ptr(b, [4]), tile(b, 'i32', [4]), undefined, at)],
  ['a store of a pointer', 'type', 'tl.store expects a tile of numbers, got a pointer *f32[4]', (b) => b.store(ptr(b, [4]), ptr(b, [4]), undefined, at)],
  ['a store of another shape', 'shape', 'tl.store: shapes [4] and [8] differ', (b) => b.store(ptr(b, [4]), tile(b, 'f32', [8]), undefined, at)],
  ['a reduction of bools', 'type', 'tl.sum of a bool tile', (b) => b.reduce('sum', tile(b, 'bool', [4]), 0, at)],
  ['a reduction axis out of range', 'shape', 'tl.max axis 1 is out of range for a tile of shape [4]', (b) => b.reduce('max', tile(b, 'f32', [4]), 1, at)],
  ['a reduction of a scalar', 'shape', 'tl.sum axis 0 is out of range for a tile of shape []', (b) => b.reduce('sum', c(b, 1, 'f32'), 0, at)],
  ['a loop with f32 bounds', 'type', 'loop bounds must be int32 scalars, got f32', (b) => b.forLoop(c(b, 0, 'f32'), c(b, 4, 'f32'), c(b, 1, 'f32'), [], at, () => [])],
  [
    'a loop whose body changes a carried type',
    'type',
    'loop-carried value changes type from f32 to i32',
    (b) => b.forLoop(c(b, 0, 'i32'), c(b, 4, 'i32'), c(b, 1, 'i32'), [c(b, 0, 'f32')], at, (iv) => [iv]),
  ],
  ['an if on an i32 condition', 'type', 'an if condition must be a bool scalar, got i32', (b) => b.ifOp(c(b, 1, 'i32'), { args: [], ops: [] }, { args: [], ops: [] }, at)],
  [
    'an if whose branches yield different types',
    'type',
    'the branches of this if give a variable different types: f32 and i32',
    (b) => {
      const cond = c(b, true, 'bool');
      const yes = b.block([], () => b.yieldOp([c(b, 1, 'f32')], at));
      const no = b.block([], () => b.yieldOp([c(b, 1, 'i32')], at));
      return b.ifOp(cond, yes, no, at);
    },
  ],
];

describe('IRBuilder refuses ill-typed IR', () => {
  for (const [name, kind, message, build] of cases) {
    it(name, () => {
      const error = fails(build);
      expect(error.kind).toBe(kind);
      expect(error.detail).toContain(message);
      expect(error.span).toBe(at);
      // With the source known, the message carries the frame.
      expect(error.message).toContain('k.ts:2:13: ');
      expect(error.message).toContain('2 |   const a = broken(x);\n  |             ^^^^^^^^^');
    });
  }

  it('builds well-typed IR, inferring result types', () => {
    const b = new IRBuilder(source);
    const x = ptr(b, [4, 8]);
    const rows = b.expandDims(b.arange(0, 4, at), 1, at);
    const offs = b.broadcast(rows, [4, 8], at);
    const loaded = b.load(b.addptr(x, offs, at), undefined, undefined, at);
    const cmp = b.binary('lt', loaded, tile(b, 'f32', [4, 8]), at);
    const summed = b.reduce('sum', b.cast(cmp, 'i32', at), 1, at);
    const arg = b.argReduce('argmax', loaded, 0, at);
    expect(rows.type).toEqual({ kind: 'tile', dtype: 'i32', shape: [4, 1] });
    expect(cmp.type).toEqual({ kind: 'tile', dtype: 'bool', shape: [4, 8] });
    expect(summed.type).toEqual({ kind: 'tile', dtype: 'i32', shape: [4] });
    expect(arg.type).toEqual({ kind: 'tile', dtype: 'i32', shape: [8] });
  });
});
