// WGSL spellings of Tessera dtypes, literals and the u32 round trip through
// the workgroup scratch array (one untyped array serves every dtype).

import type { BinaryOp, UnaryOp } from '../ir/ops.js';
import type { DType } from '../ir/types.js';

export const wgslType: Record<DType, string> = { f32: 'f32', i32: 'i32', u32: 'u32', bool: 'bool' };

export function literal(value: number | boolean, dtype: DType): string {
  if (dtype === 'bool') return String(Boolean(value));
  const n = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  switch (dtype) {
    case 'i32':
      // -2^31 has no literal form (2147483648i overflows before negation).
      if (n === -2147483648) return 'bitcast<i32>(0x80000000u)';
      return n < 0 ? `(${n}i)` : `${n}i`;
    case 'u32':
      return `${n >>> 0}u`;
    case 'f32': {
      const f = Math.fround(n);
      // WGSL rejects infinities and NaNs in constant expressions, so these
      // come from a module-scope variable, which is not constant-evaluated.
      if (Number.isNaN(f)) return 'bitcast<f32>(f32_special.z)';
      if (f === Infinity) return 'bitcast<f32>(f32_special.x)';
      if (f === -Infinity) return 'bitcast<f32>(f32_special.y)';
      const text = `${String(f)}f`;
      return f < 0 ? `(${text})` : text;
    }
  }
}

/** Declares the bit patterns of +inf, -inf and NaN used by `literal`. */
export const f32SpecialDeclaration = 'var<private> f32_special: vec3<u32> = vec3<u32>(0x7f800000u, 0xff800000u, 0x7fc00000u);';

export function toBits(expr: string, dtype: DType): string {
  if (dtype === 'u32') return expr;
  if (dtype === 'bool') return `select(0u, 1u, ${expr})`;
  return `bitcast<u32>(${expr})`;
}

export function fromBits(expr: string, dtype: DType): string {
  if (dtype === 'u32') return expr;
  if (dtype === 'bool') return `(${expr} != 0u)`;
  return `bitcast<${dtype}>(${expr})`;
}

export function binaryExpr(op: BinaryOp, a: string, b: string, dtype: DType): string {
  switch (op) {
    case 'add': return `${a} + ${b}`;
    case 'sub': return `${a} - ${b}`;
    case 'mul': return `${a} * ${b}`;
    // WGSL integer division truncates like Triton's (C semantics) and is
    // defined for a zero divisor (it yields the dividend) instead of trapping.
    case 'div': return `${a} / ${b}`;
    case 'mod': return `${a} % ${b}`;
    case 'min': return `min(${a}, ${b})`;
    case 'max': return `max(${a}, ${b})`;
    case 'and': return `${a} & ${b}`;
    case 'or': return `${a} | ${b}`;
    case 'xor': return dtype === 'bool' ? `${a} != ${b}` : `${a} ^ ${b}`;
    // The shift amount is masked so a constant >= 32 is not a WGSL compile error.
    case 'shl': return `${a} << (u32(${b}) & 31u)`;
    case 'shr': return `${a} >> (u32(${b}) & 31u)`;
    case 'eq': return `${a} == ${b}`;
    case 'ne': return `${a} != ${b}`;
    case 'lt': return `${a} < ${b}`;
    case 'le': return `${a} <= ${b}`;
    case 'gt': return `${a} > ${b}`;
    case 'ge': return `${a} >= ${b}`;
  }
}

export function unaryExpr(op: UnaryOp, a: string, dtype: DType): string {
  switch (op) {
    // WGSL has no unary minus on u32; 0u - x wraps as Triton's -x does.
    case 'neg': return dtype === 'u32' ? `(0u - (${a}))` : `-(${a})`;
    case 'not': return dtype === 'bool' ? `!(${a})` : `~(${a})`;
    case 'exp': return `exp(${a})`;
    case 'exp2': return `exp2(${a})`;
    case 'log': return `log(${a})`;
    case 'log2': return `log2(${a})`;
    case 'sqrt': return `sqrt(${a})`;
    case 'rsqrt': return `inverseSqrt(${a})`;
    case 'abs': return `abs(${a})`;
    case 'sin': return `sin(${a})`;
    case 'cos': return `cos(${a})`;
    case 'floor': return `floor(${a})`;
    case 'ceil': return `ceil(${a})`;
    case 'sigmoid': return `1.0f / (1.0f + exp(-(${a})))`;
  }
}

/** WGSL conversion between dtypes (value conversion; i32<->u32 keeps the bits). */
export function castExpr(a: string, from: DType, to: DType): string {
  if (from === to) return a;
  if (to === 'bool') return from === 'f32' ? `(${a} != 0.0f)` : `(${a} != ${from === 'i32' ? '0i' : '0u'})`;
  return `${to}(${a})`;
}

export function reduceIdentity(op: 'sum' | 'max' | 'min', dtype: DType): string {
  if (op === 'sum') return literal(0, dtype);
  const big: Record<'f32' | 'i32' | 'u32', [string, string]> = {
    f32: ['bitcast<f32>(f32_special.y)', 'bitcast<f32>(f32_special.x)'],
    i32: ['bitcast<i32>(0x80000000u)', '2147483647i'],
    u32: ['0u', '4294967295u'],
  };
  const pair = dtype === 'bool' ? big.i32 : big[dtype];
  return op === 'max' ? pair[0] : pair[1];
}

export function combineExpr(op: 'sum' | 'max' | 'min', a: string, b: string): string {
  return op === 'sum' ? `${a} + ${b}` : `${op}(${a}, ${b})`;
}
