// The `tl.*` functions a kernel may call, and the methods on tiles
// (`x.to(dtype)`, `x.sum(axis)`, ...), each lowered with Triton's semantics.
// The table is the one place to add an op to the language.

import { CompileError, type Span } from '../errors.js';
import type { ReduceOp, UnaryOp, Value } from '../ir/ops.js';
import { isFloat, type DType, type Shape, typeToString } from '../ir/types.js';
import type { Semantics } from './semantics.js';
import { constant, describe, ir, type SemVal } from './values.js';
import { suggest } from './ast-utils.js';
import { dot } from './tl-dot.js';

export interface Arg {
  readonly value: SemVal;
  readonly span: Span;
  /** Set when the argument is written as a kernel parameter's name (for constexpr hints). */
  readonly param?: string;
  /** For an array literal argument (a shape), its elements as arguments. */
  readonly items?: readonly Arg[];
}

type Handler = (s: Semantics, args: readonly Arg[], span: Span) => SemVal;

/** Triton's dtype names (and short aliases) as `tl.<name>`. */
export const dtypeNames: Readonly<Record<string, DType>> = {
  float32: 'f32', fp32: 'f32', int32: 'i32', uint32: 'u32', int1: 'bool', bool: 'bool',
};

function fail(s: Semantics, kind: 'type' | 'shape' | 'constexpr' | 'unsupported' | 'name', detail: string, span: Span): never {
  throw new CompileError(kind, detail, span, s.source);
}

function arity(s: Semantics, name: string, args: readonly Arg[], min: number, max: number, span: Span): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    fail(s, 'type', `tl.${name} takes ${want} argument${max === 1 ? '' : 's'}, got ${args.length}`, span);
  }
}

function constInt(s: Semantics, arg: Arg | undefined, what: string, span: Span): number {
  const v = arg?.value;
  if (!v || v.kind !== 'const' || typeof v.value !== 'number' || !Number.isInteger(v.value))
    fail(s, 'constexpr', notConstInt(what, arg), arg?.span ?? span);
  return v.value;
}

/** Why `arg` is not a compile-time integer, and how to make it one. */
export function notConstInt(what: string, arg: Arg | undefined): string {
  const v = arg?.value;
  const need = `${what} must be a compile-time integer`;
  if (v?.kind === 'ir' && arg?.param)
    return `${need}, but '${arg.param}' is a runtime argument; make it a compile-time constant by listing it in the kernel's constexprs: kernel(fn, { constexprs: ['${arg.param}'] })`;
  if (v?.kind === 'ir')
    return `${need}, but this value is only known at run time; compute it from literals and constexpr parameters (the kernel's constexprs option)`;
  if (v?.kind === 'const') return `${need}, got ${String(v.value)}`;
  return `${need} (a literal or a constexpr parameter), got ${v ? describe(v) : 'nothing'}`;
}

function shapeArg(s: Semantics, arg: Arg | undefined, span: Span): Shape {
  const v = arg?.value;
  if (v?.kind === 'const') return [constInt(s, arg, 'a shape', span)];
  if (!v || v.kind !== 'list') return fail(s, 'constexpr', 'a shape must be a list of compile-time integers, like [BLOCK] or [BM, BN]', arg?.span ?? span);
  return v.items.map((item, i) => constInt(s, arg.items?.[i] ?? { value: item, span: arg.span }, 'each shape dimension', span));
}

function dtypeArg(s: Semantics, arg: Arg | undefined, span: Span): DType {
  const v = arg?.value;
  if (!v || v.kind !== 'dtype') return fail(s, 'type', `expected a dtype such as tl.float32 or tl.int32, got ${v ? describe(v) : 'nothing'}`, arg?.span ?? span);
  return v.dtype;
}

function tileArg(s: Semantics, arg: Arg | undefined, span: Span): Value {
  if (!arg) return fail(s, 'type', 'missing argument', span);
  return s.toIR(arg.value, arg.span);
}

function axisArg(s: Semantics, arg: Arg | undefined, rank: number, span: Span): number {
  const axis = constInt(s, arg, 'axis', span);
  const normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized >= Math.max(rank, 1))
    fail(s, 'shape', `axis ${axis} is out of range for a tile of rank ${rank}`, arg?.span ?? span);
  return normalized;
}

const mathFns: Readonly<Record<string, { op: UnaryOp; fold: (x: number) => number }>> = {
  exp: { op: 'exp', fold: Math.exp },
  exp2: { op: 'exp2', fold: (x) => 2 ** x },
  log: { op: 'log', fold: Math.log },
  log2: { op: 'log2', fold: Math.log2 },
  sqrt: { op: 'sqrt', fold: Math.sqrt },
  rsqrt: { op: 'rsqrt', fold: (x) => 1 / Math.sqrt(x) },
  sin: { op: 'sin', fold: Math.sin },
  cos: { op: 'cos', fold: Math.cos },
  floor: { op: 'floor', fold: Math.floor },
  ceil: { op: 'ceil', fold: Math.ceil },
  sigmoid: { op: 'sigmoid', fold: (x) => 1 / (1 + Math.exp(-x)) },
};

function mathHandler(name: string): Handler {
  const fn = mathFns[name];
  if (!fn) throw new Error(`no math function ${name}`);
  return (s, args, span) => {
    arity(s, name, args, 1, 1, span);
    const a = args[0];
    if (a?.value.kind === 'const' && typeof a.value.value === 'number') return constant(fn.fold(a.value.value), true);
    const x = tileArg(s, a, span);
    if (x.type.kind === 'tile' && !isFloat(x.type.dtype))
      fail(s, 'type', `tl.${name} expects a floating-point tile, got ${typeToString(x.type)}; cast with tl.cast(x, tl.float32) first`, a?.span ?? span);
    return ir(s.b.unary(fn.op, x, span));
  };
}

function reduceHandler(op: ReduceOp | 'argmax' | 'argmin'): Handler {
  return (s, args, span) => {
    arity(s, op, args, 1, 2, span);
    let x = tileArg(s, args[0], span);
    if (x.type.shape.length === 0) fail(s, 'shape', `tl.${op} needs a tile, got a scalar`, span);
    let axis: number;
    if (args[1] === undefined) {
      // No axis: reduce over every element, as Triton's axis=None does.
      if (x.type.shape.length > 1) x = s.b.reshape(x, [x.type.shape.reduce((a, b) => a * b, 1)], span);
      axis = 0;
    } else axis = axisArg(s, args[1], x.type.shape.length, span);
    if (op === 'argmax' || op === 'argmin') return ir(s.b.argReduce(op, x, axis, span));
    return ir(s.b.reduce(op, x, axis, span));
  };
}

function minMax(op: 'min' | 'max'): Handler {
  return (s, args, span) => {
    arity(s, op === 'min' ? 'minimum' : 'maximum', args, 2, 2, span);
    const [a, b] = args;
    if (!a || !b) return fail(s, 'type', 'missing argument', span);
    if (a.value.kind === 'const' && b.value.kind === 'const' && typeof a.value.value === 'number' && typeof b.value.value === 'number')
      return constant(op === 'min' ? Math.min(a.value.value, b.value.value) : Math.max(a.value.value, b.value.value), a.value.float || b.value.float);
    const [x, y] = s.unify(a.value, b.value, span);
    return ir(s.b.binary(op, x, y, span));
  };
}

function loadStoreOptions(s: Semantics, arg: Arg | undefined, allowed: readonly string[], span: Span): Map<string, Arg> {
  const out = new Map<string, Arg>();
  if (!arg) return out;
  if (arg.value.kind !== 'options') return fail(s, 'type', `expected an options object such as { mask, other: 0 }, got ${describe(arg.value)}`, arg.span);
  for (const [key, prop] of arg.value.props) {
    if (!allowed.includes(key)) fail(s, 'unsupported', `unknown option '${key}'; allowed: ${allowed.join(', ')}`, prop.span);
    out.set(key, { value: prop.value, span: prop.span });
  }
  return out;
}

/** The mask as a bool tile of the pointer's shape. */
function maskFor(s: Semantics, ptr: Value, arg: Arg | undefined): Value | undefined {
  if (!arg) return undefined;
  if (arg.value.kind === 'const' && arg.value.value === true) return undefined;
  const m = s.toIR(arg.value, arg.span);
  if (m.type.kind !== 'tile' || m.type.dtype !== 'bool')
    fail(s, 'type', `a mask must be a bool tile (a comparison like offs < n), got ${typeToString(m.type)}`, arg.span);
  return s.broadcastTo(m, ptr.type.shape, arg.span);
}

const load: Handler = (s, args, span) => {
  arity(s, 'load', args, 1, 3, span);
  const ptr = tileArg(s, args[0], span);
  if (ptr.type.kind !== 'ptr') fail(s, 'type', `tl.load expects a pointer (a buffer argument plus offsets), got ${typeToString(ptr.type)}`, args[0]?.span ?? span);
  const positional = args.length === 3 || (args[1] && args[1].value.kind !== 'options');
  const opts = positional
    ? new Map<string, Arg>([...(args[1] ? [['mask', args[1]] as const] : []), ...(args[2] ? [['other', args[2]] as const] : [])])
    : loadStoreOptions(s, args[1], ['mask', 'other'], span);
  const mask = maskFor(s, ptr, opts.get('mask'));
  const otherArg = opts.get('other');
  let other: Value | undefined;
  if (otherArg) {
    // A mask known to be all-true (maskFor drops it) still makes `other` legal.
    if (!opts.has('mask')) fail(s, 'type', `tl.load's 'other' needs a 'mask': other is the value of masked-off elements`, otherArg.span);
    other = s.broadcastTo(s.toIR(otherArg.value, otherArg.span, ptr.type.elem), ptr.type.shape, otherArg.span);
  }
  return ir(s.b.load(ptr, mask, mask ? other : undefined, span));
};

const store: Handler = (s, args, span) => {
  arity(s, 'store', args, 2, 3, span);
  const ptr = tileArg(s, args[0], span);
  if (ptr.type.kind !== 'ptr') fail(s, 'type', `tl.store expects a pointer (a buffer argument plus offsets), got ${typeToString(ptr.type)}`, args[0]?.span ?? span);
  const valueArg = args[1];
  if (!valueArg) return fail(s, 'type', 'tl.store needs a value', span);
  if (valueArg.value.kind === 'ir' && valueArg.value.value.type.kind === 'ptr')
    fail(s, 'type', `tl.store's value is a pointer (${typeToString(valueArg.value.value.type)}); buffers hold numbers, not addresses: store a tile of values (for example tl.load(ptr)) or the offsets themselves`, valueArg.span);
  const opts = args[2] && args[2].value.kind !== 'options' ? new Map([['mask', args[2]]]) : loadStoreOptions(s, args[2], ['mask'], span);
  let value = s.toIR(valueArg.value, valueArg.span, ptr.type.elem);
  if (value.type.shape.length > ptr.type.shape.length)
    fail(s, 'shape', `tl.store of a ${typeToString(value.type)} value through a ${typeToString(ptr.type)} pointer; the value must broadcast to the pointer's shape`, valueArg.span);
  value = s.broadcastTo(value, ptr.type.shape, valueArg.span);
  s.b.store(ptr, value, maskFor(s, ptr, opts.get('mask')), span);
  return constant(0);
};

export const tlFunctions: Readonly<Record<string, Handler>> = {
  programId: (s, args, span) => {
    arity(s, 'programId', args, 1, 1, span);
    const axis = constInt(s, args[0], 'programId axis', span);
    if (axis !== 0 && axis !== 1 && axis !== 2) fail(s, 'shape', `programId axis must be 0, 1 or 2, got ${axis}`, args[0]?.span ?? span);
    return ir(s.b.programId(axis, span));
  },
  numPrograms: (s, args, span) => {
    arity(s, 'numPrograms', args, 1, 1, span);
    const axis = constInt(s, args[0], 'numPrograms axis', span);
    if (axis !== 0 && axis !== 1 && axis !== 2) fail(s, 'shape', `numPrograms axis must be 0, 1 or 2, got ${axis}`, args[0]?.span ?? span);
    return ir(s.b.numPrograms(axis, span));
  },
  arange: (s, args, span) => {
    arity(s, 'arange', args, 2, 2, span);
    return ir(s.b.arange(constInt(s, args[0], 'arange start', span), constInt(s, args[1], 'arange end', span), span));
  },
  zeros: (s, args, span) => {
    arity(s, 'zeros', args, 1, 2, span);
    const shape = shapeArg(s, args[0], span);
    const dtype = args[1] ? dtypeArg(s, args[1], span) : 'f32';
    s.b.checkShape(shape, span);
    return ir(s.b.splat(s.toIR(constant(dtype === 'bool' ? false : 0), span, dtype), shape, span));
  },
  full: (s, args, span) => {
    arity(s, 'full', args, 2, 3, span);
    const shape = shapeArg(s, args[0], span);
    const value = args[1];
    if (!value) return fail(s, 'type', 'tl.full needs a value', span);
    const dtype = args[2] ? dtypeArg(s, args[2], span) : undefined;
    const scalar = s.toIR(value.value, value.span, dtype);
    if (scalar.type.shape.length !== 0) fail(s, 'shape', 'tl.full takes a scalar value', value.span);
    s.b.checkShape(shape, span);
    return ir(s.b.splat(scalar, shape, span));
  },
  load,
  store,
  where: (s, args, span) => {
    arity(s, 'where', args, 3, 3, span);
    const [c, a, b] = args;
    if (!c || !a || !b) return fail(s, 'type', 'missing argument', span);
    return s.where(c.value, a.value, b.value, span);
  },
  ...Object.fromEntries(Object.keys(mathFns).map((name) => [name, mathHandler(name)])),
  abs: (s, args, span) => {
    arity(s, 'abs', args, 1, 1, span);
    const a = args[0];
    if (a?.value.kind === 'const' && typeof a.value.value === 'number') return constant(Math.abs(a.value.value), a.value.float);
    return ir(s.b.unary('abs', tileArg(s, a, span), span));
  },
  maximum: minMax('max'),
  minimum: minMax('min'),
  fma: (s, args, span) => {
    arity(s, 'fma', args, 3, 3, span);
    const [a, b, c] = args.map((x) => s.toIR(x.value, x.span, 'f32'));
    if (!a || !b || !c) return fail(s, 'type', 'missing argument', span);
    const shape = s.broadcastShapes(s.broadcastShapes(a.type.shape, b.type.shape, span), c.type.shape, span);
    return ir(s.b.fma(s.broadcastTo(a, shape, span), s.broadcastTo(b, shape, span), s.broadcastTo(c, shape, span), span));
  },
  cdiv: (s, args, span) => {
    arity(s, 'cdiv', args, 2, 2, span);
    const [a, b] = args;
    if (!a || !b) return fail(s, 'type', 'missing argument', span);
    if (a.value.kind === 'const' && b.value.kind === 'const' && typeof a.value.value === 'number' && typeof b.value.value === 'number') {
      const [x, y] = [a.value.value, b.value.value];
      if (!Number.isInteger(x) || !Number.isInteger(y) || y === 0) return fail(s, 'constexpr', `tl.cdiv needs integers and a non-zero divisor, got ${x} and ${y}`, span);
      return constant(Math.ceil(x / y));
    }
    const sum = s.binary('-', s.binary('+', a.value, b.value, span), constant(1), span);
    return s.binary('/', sum, b.value, span);
  },
  multipleOf: hintHandler('multipleOf'),
  maxContiguous: hintHandler('maxContiguous'),
  cast: (s, args, span) => {
    arity(s, 'cast', args, 2, 2, span);
    return castTo(s, args[0], dtypeArg(s, args[1], span), span);
  },
  expandDims: (s, args, span) => {
    arity(s, 'expandDims', args, 2, 2, span);
    const x = tileArg(s, args[0], span);
    const axis = constInt(s, args[1], 'expandDims axis', span);
    return ir(s.b.expandDims(x, axis < 0 ? axis + x.type.shape.length + 1 : axis, span));
  },
  broadcastTo: (s, args, span) => {
    arity(s, 'broadcastTo', args, 2, 2, span);
    return ir(s.broadcastTo(tileArg(s, args[0], span), shapeArg(s, args[1], span), span));
  },
  reshape: (s, args, span) => {
    arity(s, 'reshape', args, 2, 2, span);
    return ir(s.b.reshape(tileArg(s, args[0], span), shapeArg(s, args[1], span), span));
  },
  sum: reduceHandler('sum'),
  max: reduceHandler('max'),
  min: reduceHandler('min'),
  argmax: reduceHandler('argmax'),
  argmin: reduceHandler('argmin'),
  dot,
};

/**
 * tl.multipleOf(x, 16) / tl.maxContiguous(x, [1, 64]): promises for the
 * axis-info analysis (Triton's multiple_of / max_contiguous). A single number
 * applies to a 1D tile (or scalar); 2D tiles take one value per dimension.
 */
function hintHandler(hint: 'multipleOf' | 'maxContiguous'): Handler {
  return (s, args, span) => {
    arity(s, hint, args, 2, 2, span);
    const x = tileArg(s, args[0], span);
    const values = shapeArg(s, args[1], span);
    return ir(s.b.hint(x, hint, values, span));
  };
}

function castTo(s: Semantics, arg: Arg | undefined, dtype: DType, span: Span): SemVal {
  if (arg?.value.kind === 'const') {
    const v = arg.value.value;
    if (dtype === 'bool') return constant(Boolean(v));
    const n = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    return dtype === 'f32' ? constant(n, true) : constant(Math.trunc(n));
  }
  const x = tileArg(s, arg, span);
  if (x.type.kind === 'ptr') return fail(s, 'type', 'pointers cannot be cast', span);
  return x.type.dtype === dtype ? ir(x) : ir(s.b.cast(x, dtype, span));
}

/** Methods on tiles: `.to(dtype)` and the tl functions that take the tile first. */
export const tileMethods: readonly string[] = ['to', 'expandDims', 'broadcastTo', 'reshape', 'sum', 'max', 'min', 'argmax', 'argmin', 'dot'];

/** `x.name(args)`: method forms of the tl functions that take the tile first. */
export function callMethod(s: Semantics, self: Arg, name: string, args: readonly Arg[], span: Span): SemVal {
  if (name === 'to') {
    arity(s, 'to', args, 1, 1, span);
    return castTo(s, self, dtypeArg(s, args[0], span), span);
  }
  const forwarded = tileMethods.filter((m) => m !== 'to');
  const handler = tlFunctions[name];
  if (!forwarded.includes(name) || !handler) {
    const hint = suggest(name, ['to', ...forwarded]);
    return fail(s, 'name', `tiles have no method '.${name}'${hint ? `; did you mean '.${hint}'?` : ''} (methods are .to(dtype), ${forwarded.map((f) => `.${f}()`).join(', ')})`, span);
  }
  return handler(s, [self, ...args], span);
}

/** Known in Triton, not (yet) in Tessera: a clearer message than "unknown". */
export const notYetSupported: ReadonlySet<string> = new Set([
  'atomicAdd', 'atomicMax', 'atomicMin', 'atomicCas', 'atomicXchg', 'cumsum', 'cumprod',
  'sort', 'histogram', 'makeBlockPtr', 'advance', 'trans', 'permute', 'join', 'split', 'rand', 'randn',
  'debugBarrier', 'inlineAsmElementwise', 'device_print', 'static_assert',
]);
