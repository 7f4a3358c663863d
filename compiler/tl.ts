// The `tl` namespace as TypeScript sees it: declarations so kernel bodies
// type-check in an editor. Kernels are compiled from their source text, never
// run as JavaScript, so every function here only throws if called directly.
//
// Tiles are typed as `number` (and masks as `boolean`) on purpose: that is what
// lets `ptr + offs`, `a * b`, `offs < n` and `mask && other` type-check with
// TypeScript's own operators, which is how Triton kernels are written.

/** A tile (or scalar) of numbers inside a kernel. */
export type Tile = number;
/** A pointer argument, or a tile of pointers (buffer + offsets). */
export type Ptr = number;
/** A tile of booleans: a comparison like `offs < n`, or `&&`/`||`/`!` of masks. */
export type Mask = boolean;
/** `tl.float32`, `tl.int32`, `tl.uint32`, `tl.int1`. */
export interface DTypeToken {
  readonly tesseraDType: 'f32' | 'i32' | 'u32' | 'bool';
}
export type Shape = readonly number[];

/**
 * Masks may also be typed as tiles: tl functions that reshape a mask
 * (expandDims, broadcastTo) return `Tile` in these declarations.
 */
export interface LoadOptions {
  readonly mask?: Mask | Tile;
  /** Value of masked-off elements (0 when omitted). */
  readonly other?: number;
}

export interface DotOptions {
  readonly acc?: Tile;
  readonly outDtype?: DTypeToken;
  readonly allowTf32?: boolean;
  readonly maxNumImpreciseAcc?: number;
}

export interface StoreOptions {
  readonly mask?: Mask | Tile;
}

function outside(name: string): never {
  throw new Error(`tl.${name} can only be used inside a kernel compiled by Tessera (kernel(fn, ...)); it does not run as JavaScript`);
}

const dtype = (d: DTypeToken['tesseraDType']): DTypeToken => ({ tesseraDType: d });

/** Index of this program (workgroup) along a grid axis. */
export const tl = {
  programId: (axis: 0 | 1 | 2): number => outside('programId'),
  numPrograms: (axis: 0 | 1 | 2): number => outside('numPrograms'),
  /** Integers start..end-1; the length must be a power of two. */
  arange: (start: number, end: number): Tile => outside('arange'),
  zeros: (shape: Shape, dtype?: DTypeToken): Tile => outside('zeros'),
  full: (shape: Shape, value: number, dtype?: DTypeToken): Tile => outside('full'),
  /** `tl.load(p, { mask, other })`, or Triton's positional `tl.load(p, mask, other)`. */
  load: (ptr: Ptr, maskOrOptions?: LoadOptions | Mask, other?: number): Tile => outside('load'),
  /** `tl.store(p, v, { mask })`, or Triton's positional `tl.store(p, v, mask)`. */
  store: (ptr: Ptr, value: Tile | Mask, maskOrOptions?: StoreOptions | Mask): void => outside('store'),
  where: (cond: Mask | Tile, a: Tile, b: Tile): Tile => outside('where'),
  exp: (x: Tile): Tile => outside('exp'),
  exp2: (x: Tile): Tile => outside('exp2'),
  log: (x: Tile): Tile => outside('log'),
  log2: (x: Tile): Tile => outside('log2'),
  sqrt: (x: Tile): Tile => outside('sqrt'),
  rsqrt: (x: Tile): Tile => outside('rsqrt'),
  abs: (x: Tile): Tile => outside('abs'),
  sin: (x: Tile): Tile => outside('sin'),
  cos: (x: Tile): Tile => outside('cos'),
  floor: (x: Tile): Tile => outside('floor'),
  ceil: (x: Tile): Tile => outside('ceil'),
  sigmoid: (x: Tile): Tile => outside('sigmoid'),
  maximum: (a: Tile, b: Tile): Tile => outside('maximum'),
  minimum: (a: Tile, b: Tile): Tile => outside('minimum'),
  fma: (a: Tile, b: Tile, c: Tile): Tile => outside('fma'),
  /** Ceiling division: (a + b - 1) / b. */
  cdiv: (a: number, b: number): number => Math.ceil(a / b),
  cast: (x: Tile | Mask, dtype: DTypeToken): Tile => outside('cast'),
  /** A promise for the compiler (Triton's multiple_of): x's first element (per contiguous group) is a multiple of `values`. */
  multipleOf: (x: Tile, values: number | Shape): Tile => outside('multipleOf'),
  /** A promise for the compiler (Triton's max_contiguous): x is contiguous in groups of `values`. */
  maxContiguous: (x: Tile, values: number | Shape): Tile => outside('maxContiguous'),
  /** Triton's x[:, None] is expandDims(x, 1); x[None, :] is expandDims(x, 0). */
  expandDims: (x: Tile | Mask, axis: number): Tile => outside('expandDims'),
  broadcastTo: (x: Tile | Mask, shape: Shape): Tile => outside('broadcastTo'),
  reshape: (x: Tile, shape: Shape): Tile => outside('reshape'),
  /**
   * Matrix product of 2D tiles a [M,K] and b [K,N], plus acc [M,N], in f32
   * (Triton's tl.dot). `allowTf32` is accepted and ignored (always IEEE f32).
   */
  dot: (a: Tile, b: Tile, accOrOptions?: Tile | DotOptions, options?: DotOptions): Tile => outside('dot'),
  sum: (x: Tile, axis?: number): Tile => outside('sum'),
  max: (x: Tile, axis?: number): Tile => outside('max'),
  min: (x: Tile, axis?: number): Tile => outside('min'),
  argmax: (x: Tile, axis?: number): Tile => outside('argmax'),
  argmin: (x: Tile, axis?: number): Tile => outside('argmin'),
  /** A runtime loop range, for `for (const i of tl.range(a, b, step))`. */
  range: (startOrEnd: number, end?: number, step?: number): Iterable<number> => outside('range'),
  /** A range unrolled at compile time (Triton's tl.static_range); bounds must be constexprs. */
  staticRange: (startOrEnd: number, end?: number, step?: number): Iterable<number> =>
    outside('staticRange'),
  float32: dtype('f32'),
  int32: dtype('i32'),
  uint32: dtype('u32'),
  int1: dtype('bool'),
} as const;
