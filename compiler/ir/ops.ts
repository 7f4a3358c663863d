// The Tile IR: structured SSA. A kernel is a block of ops; `for` and `if` own
// nested blocks (block arguments carry loop state, `yield` ends a block).
// Every op has a span pointing at the kernel source that produced it, and
// every value a type (dtype + static shape, and a layout once tiled).
// Ops are discriminated on `kind`; build them only through builder.ts.

import type { Span } from '../errors.js';
import type { Layout } from './layout.js';
import type { DType, MemDType, Type } from './types.js';

export interface Value {
  readonly id: number;
  readonly type: Type;
}

export interface Block {
  readonly args: readonly Value[];
  readonly ops: readonly Op[];
}

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'mod'
  | 'min' | 'max'
  | 'and' | 'or' | 'xor' | 'shl' | 'shr'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type UnaryOp =
  | 'neg' | 'not'
  | 'exp' | 'exp2' | 'log' | 'log2' | 'sqrt' | 'rsqrt' | 'abs'
  | 'sin' | 'cos' | 'floor' | 'ceil' | 'sigmoid';

export type ReduceOp = 'sum' | 'max' | 'min';
export type ArgReduceOp = 'argmax' | 'argmin';

interface Base {
  readonly span: Span;
}
interface WithResult extends Base {
  readonly result: Value;
}

export type Op =
  | (WithResult & { readonly kind: 'constant'; readonly value: number | boolean })
  /** A scalar kernel argument (from the uniform struct) or a buffer's base pointer. */
  | (WithResult & { readonly kind: 'argument'; readonly index: number; readonly param: string })
  | (WithResult & { readonly kind: 'programId'; readonly axis: 0 | 1 | 2 })
  | (WithResult & { readonly kind: 'numPrograms'; readonly axis: 0 | 1 | 2 })
  | (WithResult & { readonly kind: 'arange'; readonly start: number; readonly end: number })
  /** Scalar to tile: every element equals the operand. */
  | (WithResult & { readonly kind: 'splat'; readonly operand: Value })
  /** Same rank; size-1 dimensions of the operand stretch to the result's. */
  | (WithResult & { readonly kind: 'broadcast'; readonly operand: Value })
  | (WithResult & { readonly kind: 'expandDims'; readonly operand: Value; readonly axis: number })
  | (WithResult & { readonly kind: 'reshape'; readonly operand: Value })
  | (WithResult & { readonly kind: 'convertLayout'; readonly operand: Value })
  /**
   * The operand, unchanged, with a fact the user promises (Triton's
   * tl.multiple_of / tl.max_contiguous): per dimension, the first element of
   * every group is a multiple of values[d], or elements are contiguous in
   * groups of values[d]. Only axis-info reads it; codegen passes the value through.
   */
  | (WithResult & {
      readonly kind: 'hint';
      readonly hint: 'multipleOf' | 'maxContiguous';
      readonly operand: Value;
      readonly values: readonly number[];
    })
  | (WithResult & { readonly kind: 'binary'; readonly op: BinaryOp; readonly lhs: Value; readonly rhs: Value })
  | (WithResult & { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: Value })
  | (WithResult & { readonly kind: 'fma'; readonly a: Value; readonly b: Value; readonly c: Value })
  | (WithResult & {
      readonly kind: 'select';
      readonly cond: Value;
      readonly onTrue: Value;
      readonly onFalse: Value;
    })
  /** Value conversion to the result's dtype (not a bitcast). */
  | (WithResult & { readonly kind: 'cast'; readonly operand: Value })
  | (WithResult & { readonly kind: 'addptr'; readonly ptr: Value; readonly offset: Value })
  /**
   * Masked-off elements never touch memory and yield `other` (0 when absent).
   * (The builder sets absent fields to undefined, so every load has one
   * object shape and code reading them stays monomorphic in V8.)
   */
  | (WithResult & {
      readonly kind: 'load';
      readonly ptr: Value;
      readonly mask?: Value | undefined;
      readonly other?: Value | undefined;
      /** Set by the vectorize pass: how codegen groups this access into vector loads. */
      readonly vector?: VectorAccess | undefined;
    })
  | (Base & {
      readonly kind: 'store';
      readonly ptr: Value;
      readonly value: Value;
      readonly mask?: Value | undefined;
      readonly vector?: VectorAccess | undefined;
    })
  /** Matrix product a[M,K] x b[K,N] + acc[M,N], accumulated in f32 (see passes/dot-layouts.ts, codegen/dot.ts). */
  | (WithResult & { readonly kind: 'dot'; readonly a: Value; readonly b: Value; readonly acc: Value })
  | (WithResult & { readonly kind: 'reduce'; readonly op: ReduceOp; readonly operand: Value; readonly axis: number })
  /** Index (i32) of the first max/min along the axis. */
  | (WithResult & {
      readonly kind: 'argReduce';
      readonly op: ArgReduceOp;
      readonly operand: Value;
      readonly axis: number;
    })
  | (Base & {
      readonly kind: 'for';
      readonly results: readonly Value[];
      readonly lower: Value;
      readonly upper: Value;
      readonly step: Value;
      readonly inits: readonly Value[];
      /** args[0] is the induction variable; args[1..] the carried values. */
      readonly body: Block;
    })
  | (Base & {
      readonly kind: 'if';
      readonly results: readonly Value[];
      readonly cond: Value;
      readonly thenBlock: Block;
      readonly elseBlock: Block;
    })
  | (Base & { readonly kind: 'yield'; readonly values: readonly Value[] });

export type OpKind = Op['kind'];

/**
 * A vectorized access (decided by passes/vectorize.ts from axis-info): each
 * invocation's `width` consecutive slots along the last dimension address
 * `width` consecutive elements, the first a multiple of `width`, so they move
 * as one vecN. `maskPerVector`: the mask is constant over each such group, so
 * one lane's mask decides the whole vector (else each lane is checked and a
 * partly masked group falls back to scalar accesses).
 */
export interface VectorAccess {
  readonly width: number;
  readonly maskPerVector: boolean;
}

export interface KernelParam {
  readonly name: string;
  readonly role: 'buffer' | 'scalar' | 'constexpr';
  /** Element dtype for buffers, value dtype for scalars; absent for constexprs. */
  readonly dtype?: MemDType;
  readonly constValue?: number | boolean;
  /** From the launch specialization (ArgSpec.divisibility): scalar value, or buffer element offset, divisible by this. */
  readonly divisibility?: number;
  /** From the launch specialization (ArgSpec.equalToOne): the integer scalar is 1; the body uses the constant. */
  readonly equalToOne?: boolean;
  /** From the launch specialization (ArgSpec.wholeVectors): the buffer cannot be viewed as vec4s. */
  readonly wholeVectors?: false;
}

export interface KernelIR {
  readonly name: string;
  readonly params: readonly KernelParam[];
  readonly body: Block;
  readonly specializationKey: string;
  /** Invocations per workgroup (Triton's num_warps * 32). */
  readonly workgroupSize: number;
  /** Contiguous elements per invocation along the last dimension (set by the coalescing pass; tiling's vector width). */
  readonly elementsPerInvocation?: number;
  /** Source text and file, for comments and error frames. */
  readonly source: string;
  readonly file: string;
  /** How tl.dot is lowered (a compile option; see passes/dot-layouts.ts). Default 'workgroup'. */
  readonly dotStrategy?: DotStrategy;
}

/**
 * 'workgroup': operand tiles are staged in workgroup memory and each
 * invocation computes a register micro-tile of the result from there.
 * 'registers': each invocation loads the rows of A and columns of B its
 * micro-tile needs straight from global memory; no workgroup memory.
 */
export type DotStrategy = 'workgroup' | 'registers';
export const dotStrategies: readonly DotStrategy[] = ['workgroup', 'registers'];

/** The values an op defines, in order. */
export function resultsOf(op: Op): readonly Value[] {
  switch (op.kind) {
    case 'for':
    case 'if':
      return op.results;
    case 'store':
    case 'yield':
      return [];
    default:
      return [op.result];
  }
}

/** The values an op reads (not counting nested blocks' own uses). */
export function operandsOf(op: Op): readonly Value[] {
  switch (op.kind) {
    case 'constant':
    case 'argument':
    case 'programId':
    case 'numPrograms':
    case 'arange':
      return [];
    case 'splat':
    case 'broadcast':
    case 'expandDims':
    case 'reshape':
    case 'convertLayout':
    case 'hint':
    case 'unary':
    case 'cast':
    case 'reduce':
    case 'argReduce':
      return [op.operand];
    case 'binary':
      return [op.lhs, op.rhs];
    case 'fma':
      return [op.a, op.b, op.c];
    case 'dot':
      return [op.a, op.b, op.acc];
    case 'select':
      return [op.cond, op.onTrue, op.onFalse];
    case 'addptr':
      return [op.ptr, op.offset];
    // One array literal per case (no spreads of temporary arrays): passes ask for every op's operands.
    case 'load':
      if (op.mask) return op.other ? [op.ptr, op.mask, op.other] : [op.ptr, op.mask];
      return op.other ? [op.ptr, op.other] : [op.ptr];
    case 'store':
      return op.mask ? [op.ptr, op.value, op.mask] : [op.ptr, op.value];
    case 'for':
      return [op.lower, op.upper, op.step, ...op.inits];
    case 'if':
      return [op.cond];
    case 'yield':
      return op.values;
  }
}

export function blocksOf(op: Op): readonly Block[] {
  if (op.kind === 'for') return [op.body];
  if (op.kind === 'if') return [op.thenBlock, op.elseBlock];
  return [];
}

export type { DType, Layout };
