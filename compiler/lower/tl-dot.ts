// `tl.dot(a, b, acc?, options?)` and the method form `a.dot(b, ...)`:
// Triton's matrix product of 2D tiles, a [M,K] times b [K,N] (plus acc
// [M,N]), accumulated in f32. The checks here explain a mistake in the
// user's terms (which operand, which dimension, how to fix it) before the
// builder's own checks, which guard the IR.
//
// Differences from Triton, on purpose:
// - Dimensions may be any power of two (Triton wants each >= 16, a tensor-core
//   constraint WebGPU does not have); M x 1 by 1 x N is an outer product.
// - Operands are f32 (Tessera has no f16 or int8 tiles yet); integer tiles
//   are rejected with a hint to cast, rather than silently converted.
// - `allowTf32` and `maxNumImpreciseAcc` are accepted and ignored: WebGPU
//   has no TF32, so every product is an IEEE f32 fma (Triton's
//   input_precision="ieee"; kernels have no strings to spell the option).
// - `outDtype` must be tl.float32, the only accumulator Tessera has.

import type { Span } from '../errors.js';
import type { Value } from '../ir/ops.js';
import { shapeToString, typeToString } from '../ir/types.js';
import type { Semantics } from './semantics.js';
import { describe, ir, type SemVal } from './values.js';

interface DotArg {
  readonly value: SemVal;
  readonly span: Span;
}

const ignoredOptions = ['allowTf32', 'maxNumImpreciseAcc'] as const;
const dotOptions = ['acc', 'outDtype', ...ignoredOptions] as const;

/** An f32 2D operand, or an error naming the operand and the fix. */
function operand(s: Semantics, arg: DotArg | undefined, name: string, span: Span): Value {
  if (!arg) return s.fail('type', `tl.dot needs two tiles, a [M,K] and b [K,N]; ${name} is missing`, span);
  if (arg.value.kind !== 'ir' && arg.value.kind !== 'const')
    return s.fail('type', `tl.dot's ${name} must be a 2D tile, got ${describe(arg.value)}`, arg.span);
  const v = s.toIR(arg.value, arg.span);
  if (v.type.kind === 'ptr')
    s.fail('type', `tl.dot's ${name} is a pointer (${typeToString(v.type)}); load the tile first: tl.dot(tl.load(aPtrs), tl.load(bPtrs))`, arg.span);
  if (v.type.shape.length !== 2)
    s.fail('shape', `tl.dot's ${name} must be a 2D tile (${name === 'a' ? '[M,K]' : name === 'b' ? '[K,N]' : '[M,N]'}), got ${typeToString(v.type)}${v.type.shape.length === 1 ? '; make it 2D with tl.expandDims' : ''}`, arg.span);
  if (v.type.dtype !== 'f32')
    s.fail('type', `tl.dot supports f32 tiles, but ${name} is ${typeToString(v.type)}; convert it with ${name}.to(tl.float32)`, arg.span);
  return v;
}

export function dot(s: Semantics, args: readonly DotArg[], span: Span): SemVal {
  // tl.dot(a, b), tl.dot(a, b, acc), tl.dot(a, b, { acc, ... }), tl.dot(a, b, acc, { ... })
  const last = args[args.length - 1];
  const opts = last && last.value.kind === 'options' && args.length >= 3 ? last : undefined;
  const positional = opts ? args.slice(0, -1) : args;
  if (positional.length < 2 || positional.length > 3)
    s.fail('type', `tl.dot takes (a, b), (a, b, acc) and an optional options object { acc, outDtype, allowTf32 }, got ${args.length} argument${args.length === 1 ? '' : 's'}`, span);
  for (const p of positional)
    if (p.value.kind === 'options') s.fail('type', `tl.dot's options object must come last`, p.span);
  const a = operand(s, positional[0], 'a', span);
  const b = operand(s, positional[1], 'b', span);
  let accArg = positional[2];
  if (opts && opts.value.kind === 'options') {
    for (const [key, prop] of opts.value.props) {
      if (!(dotOptions as readonly string[]).includes(key))
        s.fail('unsupported', `tl.dot has no option '${key}'; its options are ${dotOptions.join(', ')}`, prop.span);
      if (key === 'acc') {
        if (accArg) s.fail('type', `tl.dot's accumulator is given twice (third argument and 'acc')`, prop.span);
        accArg = prop;
      }
      if (key === 'outDtype' && (prop.value.kind !== 'dtype' || prop.value.dtype !== 'f32'))
        s.fail('unsupported', `tl.dot accumulates in f32 only: outDtype must be tl.float32, got ${describe(prop.value)}`, prop.span);
    }
  }
  const [m = 0, k = 0] = a.type.shape;
  const [k2 = 0, n = 0] = b.type.shape;
  if (k !== k2)
    s.fail('shape', `tl.dot's inner dimensions differ: a is ${shapeToString(a.type.shape)} (K = ${k}) but b is ${shapeToString(b.type.shape)} (K = ${k2}); a must be [M,K] and b [K,N]`, span);
  let acc: Value;
  if (accArg) {
    acc = operand(s, accArg, 'acc', span);
    if (acc.type.shape[0] !== m || acc.type.shape[1] !== n)
      s.fail('shape', `tl.dot's accumulator must be [M,N] = [${m},${n}] (a is ${shapeToString(a.type.shape)}, b is ${shapeToString(b.type.shape)}), got ${shapeToString(acc.type.shape)}`, accArg.span);
  } else {
    acc = s.b.splat(s.b.constant(0, 'f32', span), [m, n], span);
  }
  return ir(s.b.dot(a, b, acc, span));
}
