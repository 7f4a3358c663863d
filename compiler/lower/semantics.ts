// Triton's semantic rules on top of the checking builder: constant folding of
// compile-time values, dtype promotion (float over int, unsigned over signed,
// weakly-typed literals adopt the tile's dtype) and numpy broadcasting, made
// explicit as splat / expandDims / broadcast / cast ops.

import { CompileError, type Span } from '../errors.js';
import type { IRBuilder } from '../ir/builder.js';
import type { BinaryOp, Value } from '../ir/ops.js';
import { isFloat, promote, shapeToString, typeToString, type DType, type Shape } from '../ir/types.js';
import { constant, describe, ir, type SemVal } from './values.js';

export type SourceBinaryOp =
  | '+' | '-' | '*' | '/' | '%'
  | '<' | '<=' | '>' | '>=' | '==' | '!='
  | '&' | '|' | '^' | '<<' | '>>' | '>>>'
  | '&&' | '||';

export class Semantics {
  constructor(
    readonly b: IRBuilder,
    readonly source: string,
  ) {}

  fail(kind: 'type' | 'shape' | 'constexpr' | 'unsupported', detail: string, span: Span): never {
    throw new CompileError(kind, detail, span, this.source);
  }

  /** The dtype a compile-time constant gets when it has to become IR on its own. */
  constDType(c: SemVal & { kind: 'const' }): DType {
    if (typeof c.value === 'boolean') return 'bool';
    return c.float || !Number.isInteger(c.value) ? 'f32' : 'i32';
  }

  /** Make any numeric SemVal an IR value, optionally of a given dtype. */
  toIR(v: SemVal, span: Span, dtype?: DType): Value {
    if (v.kind === 'ir') return dtype && v.value.type.kind === 'tile' && v.value.type.dtype !== dtype ? this.b.cast(v.value, dtype, span) : v.value;
    if (v.kind === 'const') {
      const target = dtype ?? this.constDType(v);
      let value: number | boolean = v.value;
      if (target === 'bool') value = typeof value === 'boolean' ? value : value !== 0;
      else if (typeof value === 'boolean') value = value ? 1 : 0;
      else if (target !== 'f32' && !Number.isInteger(value)) value = Math.trunc(value);
      if (target === 'u32' && typeof value === 'number' && value < 0) value = value >>> 0;
      return this.b.constant(value, target, span);
    }
    return this.fail('type', `expected a number or a tile here, got ${describe(v)}`, span);
  }

  dtypeOf(v: Value): DType | 'ptr' {
    return v.type.kind === 'ptr' ? 'ptr' : v.type.dtype;
  }

  /** Numpy broadcasting of two shapes, or a shape error that names both. */
  broadcastShapes(a: Shape, b: Shape, span: Span): Shape {
    const rank = Math.max(a.length, b.length);
    const out: number[] = [];
    for (let i = 0; i < rank; i++) {
      const da = a[a.length - rank + i] ?? 1;
      const db = b[b.length - rank + i] ?? 1;
      if (da !== db && da !== 1 && db !== 1)
        this.fail('shape', `cannot broadcast shapes ${shapeToString(a)} and ${shapeToString(b)}: dimension ${i} is ${da} vs ${db}`, span);
      out.push(Math.max(da, db));
    }
    return out;
  }

  /** Stretch a value to `shape` (splat scalars, prepend axes, broadcast size-1 axes). */
  broadcastTo(v: Value, shape: Shape, span: Span): Value {
    const from = v.type.shape;
    if (from.length === shape.length && from.every((d, i) => d === shape[i])) return v;
    if (from.length === 0) return this.b.splat(v, shape, span);
    if (from.length > shape.length)
      this.fail('shape', `cannot broadcast ${typeToString(v.type)} to the smaller rank ${shapeToString(shape)}`, span);
    let cur = v;
    while (cur.type.shape.length < shape.length) cur = this.b.expandDims(cur, 0, span);
    this.broadcastShapes(cur.type.shape, shape, span);
    return cur.type.shape.every((d, i) => d === shape[i]) ? cur : this.b.broadcast(cur, shape, span);
  }

  /**
   * Promote two operands to one dtype and one shape. A compile-time constant
   * is weakly typed: it takes the other side's dtype, except that a float
   * literal next to an integer tile makes the result float (as in Triton).
   */
  unify(a: SemVal, b: SemVal, span: Span): [Value, Value] {
    const da = a.kind === 'ir' ? this.dtypeOf(a.value) : null;
    const db = b.kind === 'ir' ? this.dtypeOf(b.value) : null;
    if (da === 'ptr' || db === 'ptr') this.fail('type', `this operator is not defined on pointers (only ptr + int and ptr - int are)`, span);
    let target: DType;
    if (da && db) target = promote(da, db);
    else if (da || db) {
      const tileType = da ?? db;
      if (tileType === null) throw new Error('unreachable: one side is a tile');
      const other = a.kind === 'const' ? a : b;
      const c = other.kind === 'const' ? other : null;
      if (c && typeof c.value === 'boolean') target = tileType;
      else if (c && (c.float || !Number.isInteger(c.value)) && !isFloat(tileType)) target = 'f32';
      else if (tileType === 'bool') target = 'i32';
      else target = tileType;
    } else {
      const ca = a.kind === 'const' ? a : null;
      const cb = b.kind === 'const' ? b : null;
      if (!ca || !cb) return this.fail('type', `expected numbers or tiles, got ${describe(a)} and ${describe(b)}`, span);
      target = promote(this.constDType(ca), this.constDType(cb));
    }
    const va = this.toIR(a, span, target);
    const vb = this.toIR(b, span, target);
    const shape = this.broadcastShapes(va.type.shape, vb.type.shape, span);
    return [this.broadcastTo(va, shape, span), this.broadcastTo(vb, shape, span)];
  }

  /** Fold two compile-time constants with JavaScript semantics, integers truncating. */
  foldBinary(op: SourceBinaryOp, x: number | boolean, y: number | boolean, isFloat: boolean, span: Span): SemVal {
    const a = asNumber(x);
    const c = asNumber(y);
    switch (op) {
      case '+': return constant(a + c, isFloat);
      case '-': return constant(a - c, isFloat);
      case '*': return constant(a * c, isFloat);
      case '/': {
        if (isFloat) return constant(a / c, true);
        // Integers divide with truncation on the GPU; a compile-time quotient
        // must agree, or making a parameter constexpr would change results.
        // JavaScript readers (and transpilers, which print 1.0 as 1) expect a
        // fraction, so an inexact integer quotient is an error, not a guess.
        if (c !== 0 && a % c !== 0)
          this.fail('constexpr', `${a} / ${c} divides two integers, which truncates (as integer tiles do) to ${Math.trunc(a / c)}; write a non-integer operand for a fraction, tl.cdiv(${a}, ${c}) to round up, or (a - a % b) / b to truncate`, span);
        if (c === 0) this.fail('constexpr', 'integer division by zero in a compile-time expression', span);
        return constant(a / c);
      }
      case '%':
        if (!isFloat && c === 0) this.fail('constexpr', 'integer remainder by zero in a compile-time expression', span);
        return constant(a % c, isFloat);
      case '<': return constant(a < c);
      case '<=': return constant(a <= c);
      case '>': return constant(a > c);
      case '>=': return constant(a >= c);
      case '==': return constant(a === c);
      case '!=': return constant(a !== c);
      case '&': return typeof x === 'boolean' && typeof y === 'boolean' ? constant(x && y) : constant(a & c);
      case '|': return typeof x === 'boolean' && typeof y === 'boolean' ? constant(x || y) : constant(a | c);
      case '^': return typeof x === 'boolean' && typeof y === 'boolean' ? constant(x !== y) : constant(a ^ c);
      case '<<': return constant(a << c);
      case '>>': return constant(a >> c);
      case '>>>': return constant(a >>> c);
      case '&&': return typeof x === 'boolean' ? (x ? constant(y, isFloat) : constant(false)) : constant(a && c, isFloat);
      case '||': return typeof x === 'boolean' ? (x ? constant(true) : constant(y, isFloat)) : constant(a || c, isFloat);
    }
  }

  binary(op: SourceBinaryOp, a: SemVal, b: SemVal, span: Span): SemVal {
    if (a.kind === 'const' && b.kind === 'const') {
      const float = a.float || b.float || (typeof a.value === 'number' && !Number.isInteger(a.value)) || (typeof b.value === 'number' && !Number.isInteger(b.value));
      return this.foldBinary(op, a.value, b.value, float, span);
    }
    if (op === '+' || op === '-') {
      const ptrSide = this.pointerOperand(a, b);
      if (ptrSide) return ir(this.pointerArith(op, ptrSide.ptr, ptrSide.offset, ptrSide.ptrOnLeft, span));
    }
    if (op === '&&' || op === '||') return this.logical(op, a, b, span);
    const [x, y] = this.unify(a, b, span);
    const dtype = this.dtypeOf(x);
    if (op === '>>>') {
      // Logical shift: reinterpreting through u32 keeps the bits, and WGSL's
      // u32 >> is logical.
      if (dtype !== 'i32' && dtype !== 'u32') this.fail('type', `'>>>' needs integer operands, got ${dtype}`, span);
      if (dtype === 'u32') return ir(this.b.binary('shr', x, y, span));
      const shifted = this.b.binary('shr', this.b.cast(x, 'u32', span), this.b.cast(y, 'u32', span), span);
      return ir(this.b.cast(shifted, 'i32', span));
    }
    const irOp: Record<Exclude<SourceBinaryOp, '&&' | '||' | '>>>'>, BinaryOp> = {
      '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod',
      '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne',
      '&': 'and', '|': 'or', '^': 'xor', '<<': 'shl', '>>': 'shr',
    };
    if (dtype === 'f32' && ['&', '|', '^', '<<', '>>'].includes(op))
      this.fail('type', `'${op}' needs integer operands, got ${typeToString(x.type)}; cast with tl.cast(x, tl.int32) first (for masks, compare first: a < b)`, span);
    // WGSL has no arithmetic or ordering on bool; Triton computes in int32.
    if (dtype === 'bool' && ['+', '-', '*', '/', '%', '<', '<=', '>', '>='].includes(op)) {
      return ir(this.b.binary(irOp[op], this.b.cast(x, 'i32', span), this.b.cast(y, 'i32', span), span));
    }
    return ir(this.b.binary(irOp[op], x, y, span));
  }

  private pointerOperand(a: SemVal, b: SemVal): { ptr: Value; offset: SemVal; ptrOnLeft: boolean } | null {
    if (a.kind === 'ir' && a.value.type.kind === 'ptr') return { ptr: a.value, offset: b, ptrOnLeft: true };
    if (b.kind === 'ir' && b.value.type.kind === 'ptr') return { ptr: b.value, offset: a, ptrOnLeft: false };
    return null;
  }

  private pointerArith(op: '+' | '-', ptr: Value, offsetVal: SemVal, ptrOnLeft: boolean, span: Span): Value {
    if (op === '-' && !ptrOnLeft) this.fail('type', 'int - pointer is not defined; write pointer - int', span);
    if (offsetVal.kind === 'ir' && offsetVal.value.type.kind === 'ptr')
      this.fail('type', 'adding two pointers is not defined; add integer offsets to one pointer', span);
    if (offsetVal.kind === 'const' && (typeof offsetVal.value !== 'number' || !Number.isInteger(offsetVal.value)))
      this.fail('type', `pointer offsets must be integers, got ${String(offsetVal.value)}`, span);
    let offset = this.toIR(offsetVal, span, offsetVal.kind === 'const' ? 'i32' : undefined);
    const offDType = this.dtypeOf(offset);
    if (offDType !== 'i32' && offDType !== 'u32')
      this.fail('type', `pointer offsets must be integers, got ${typeToString(offset.type)}; cast with tl.cast(x, tl.int32)`, span);
    if (op === '-') offset = this.b.unary('neg', offDType === 'u32' ? this.b.cast(offset, 'i32', span) : offset, span);
    const shape = this.broadcastShapes(ptr.type.shape, offset.type.shape, span);
    return this.b.addptr(this.broadcastTo(ptr, shape, span), this.broadcastTo(offset, shape, span), span);
  }

  private logical(op: '&&' | '||', a: SemVal, b: SemVal, span: Span): SemVal {
    // A compile-time boolean on one side folds the other away.
    for (const [c, other] of [[a, b], [b, a]] as const) {
      if (c.kind === 'const' && typeof c.value === 'boolean') {
        if (op === '&&') return c.value ? other : constant(false);
        return c.value ? constant(true) : other;
      }
    }
    const [x, y] = this.unify(a, b, span);
    if (this.dtypeOf(x) !== 'bool')
      this.fail('type', `'${op}' combines masks (bool tiles), got ${typeToString(x.type)}; use '${op === '&&' ? '&' : '|'}' for bitwise integer ops`, span);
    return ir(this.b.binary(op === '&&' ? 'and' : 'or', x, y, span));
  }

  /** `-x`, `!x`, `~x`, `+x`. */
  unaryOp(op: '-' | '+' | '!' | '~', v: SemVal, span: Span): SemVal {
    if (v.kind === 'const') {
      const n = typeof v.value === 'boolean' ? (v.value ? 1 : 0) : v.value;
      if (op === '-') return constant(-n, v.float);
      if (op === '+') return constant(n, v.float);
      if (op === '!') return constant(!v.value);
      return constant(~n);
    }
    const x = this.toIR(v, span);
    const dtype = this.dtypeOf(x);
    if (dtype === 'ptr') return this.fail('type', `unary '${op}' is not defined on pointers`, span);
    switch (op) {
      case '+':
        return ir(x);
      case '-':
        return ir(this.b.unary('neg', dtype === 'bool' ? this.b.cast(x, 'i32', span) : x, span));
      case '!':
        if (dtype === 'bool') return ir(this.b.unary('not', x, span));
        // The zero is splat to the tile's shape: the builder wants equal shapes.
        return ir(this.b.binary('eq', x, this.broadcastTo(this.toIR(constant(0), span, dtype), x.type.shape, span), span));
      case '~':
        if (dtype !== 'i32' && dtype !== 'u32') this.fail('type', `'~' needs an integer tile, got ${dtype}; use '!' on masks`, span);
        return ir(this.b.unary('not', x, span));
    }
  }

  /** `where(c, a, b)` with broadcasting of all three; c becomes bool. */
  where(c: SemVal, a: SemVal, b: SemVal, span: Span): SemVal {
    if (c.kind === 'const') return c.value ? a : b;
    if ([a, b].some((x) => x.kind === 'ir' && x.value.type.kind === 'ptr'))
      this.fail('type', 'tl.where (and c ? a : b on tiles) chooses between values, not pointers; select the offsets instead (ptr + tl.where(c, i, j)), or load both and select the loaded values', span);
    let cond = this.toIR(c, span);
    if (cond.type.kind === 'ptr') this.fail('type', 'a pointer cannot be a condition; compare offsets or loaded values instead', span);
    // A numeric condition means `!= 0`; the zero is splat to the condition's shape.
    if (cond.type.dtype !== 'bool') {
      const zero = this.broadcastTo(this.toIR(constant(0), span, cond.type.dtype), cond.type.shape, span);
      cond = this.b.binary('ne', cond, zero, span);
    }
    const [x, y] = this.unify(a, b, span);
    const shape = this.broadcastShapes(cond.type.shape, x.type.shape, span);
    return ir(this.b.select(this.broadcastTo(cond, shape, span), this.broadcastTo(x, shape, span), this.broadcastTo(y, shape, span), span));
  }

  /** A scalar condition for `if` / loops, as bool. */
  condition(v: SemVal, span: Span): Value {
    const x = this.toIR(v, span);
    if (x.type.shape.length !== 0)
      this.fail('type', `a condition must be a scalar, got the tile ${typeToString(x.type)}; for per-element choices use tl.where(c, a, b) or c ? a : b`, span);
    const dtype = this.dtypeOf(x);
    if (dtype === 'ptr') return this.fail('type', 'a pointer cannot be a condition', span);
    return dtype === 'bool' ? x : this.b.binary('ne', x, this.toIR(constant(0), span, dtype), span);
  }
}

function asNumber(v: number | boolean): number {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}
