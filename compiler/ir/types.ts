// Types of Tile IR values: a dtype and a static shape (rank 0 is a scalar),
// plus, after the tiling pass, the layout that spreads the tile's elements
// over the invocations of a workgroup.

import type { Layout } from './layout.js';

export type DType = 'f32' | 'i32' | 'u32' | 'bool';
/** Element types that can live in a buffer (bool tiles must be cast first). */
export type MemDType = 'f32' | 'i32' | 'u32';

export type Shape = readonly number[];

// Types are made only by tileType, ptrType and retyped, each with every
// field present (an absent layout is undefined): one object shape per kind of
// type, so the passes' many reads of `type.shape` and `type.layout` stay
// monomorphic in V8 instead of meeting half a dozen shapes.

export interface TileType {
  readonly kind: 'tile';
  readonly dtype: DType;
  readonly shape: Shape;
  readonly layout?: Layout | undefined;
}

/** A tile of element offsets into one buffer argument (WebGPU has no pointers). */
export interface PtrType {
  readonly kind: 'ptr';
  readonly elem: MemDType;
  /**
   * Which buffer: the index of the kernel parameter. Part of the type, so a
   * variable cannot point into one buffer on one path and another on the
   * other (each buffer is its own WGSL binding).
   */
  readonly buffer: number;
  readonly shape: Shape;
  readonly layout?: Layout | undefined;
}

export type Type = TileType | PtrType;

export function tileType(dtype: DType, shape: Shape, layout?: Layout): TileType {
  return { kind: 'tile', dtype, shape: [...shape], layout };
}

export function ptrType(elem: MemDType, shape: Shape, buffer = 0, layout?: Layout): PtrType {
  return { kind: 'ptr', elem, buffer, shape: [...shape], layout };
}

/** The same type with another shape and layout. */
export function retyped(type: Type, shape: Shape, layout: Layout | undefined): Type {
  return type.kind === 'ptr' ? ptrType(type.elem, shape, type.buffer, layout) : tileType(type.dtype, shape, layout);
}

export const isFloat = (d: DType): boolean => d === 'f32';
export const isInt = (d: DType): boolean => d === 'i32' || d === 'u32';

export function numel(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function shapeToString(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** `f32[128,64]`, `*f32[128]`, `i32` (scalars print without a shape). */
export function typeToString(type: Type): string {
  const dims = type.shape.length === 0 ? '' : shapeToString(type.shape);
  return type.kind === 'ptr' ? `*${type.elem}${dims}` : `${type.dtype}${dims}`;
}

export function sameType(a: Type, b: Type): boolean {
  if (!sameShape(a.shape, b.shape)) return false;
  if (a.kind === 'ptr') return b.kind === 'ptr' && a.elem === b.elem && a.buffer === b.buffer;
  return b.kind === 'tile' && a.dtype === b.dtype;
}

/** Triton's names for dtypes, used in messages and signature strings. */
export const tritonName: Record<DType, string> = {
  f32: 'fp32',
  i32: 'int32',
  u32: 'uint32',
  bool: 'int1',
};

/**
 * Triton's binary promotion for the dtypes Tessera has: float wins over int;
 * between i32 and u32 (same width, different signedness) the unsigned wins;
 * bool promotes to the other operand's type, and bool with bool stays bool.
 */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'f32' || b === 'f32') return 'f32';
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  return 'u32';
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}
