// Element types as the runtime sees them: the typed array for each, and the
// checks that keep a JS number from silently changing value when it is stored
// as one (1.5 into an i32, -1 into a u32, 2**31 into an i32).

import type { BufferDType, ScalarArgDType } from './manifest.js';

/** Every dtype the runtime stores is 4 bytes wide. */
export const BYTES_PER_ELEMENT = 4;

/** Any typed array a tensor can be made from or written with. */
export type TensorArray = Float32Array | Int32Array | Uint32Array;
/** A typed array over a plain ArrayBuffer, which is what GPUQueue.writeBuffer takes. */
export type OwnedTensorArray =
  Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>;

/** `data` itself when it views an ArrayBuffer, else a copy (SharedArrayBuffer-backed input). */
export function ownedArray(data: TensorArray): OwnedTensorArray {
  return isOverArrayBuffer(data) ? data : data.slice();
}

function isOverArrayBuffer(data: TensorArray): data is OwnedTensorArray {
  return data.buffer instanceof ArrayBuffer;
}

/** The typed array `read()` returns for a dtype. */
export type ArrayFor<D extends BufferDType> = D extends 'f32'
  ? Float32Array<ArrayBuffer>
  : D extends 'i32'
    ? Int32Array<ArrayBuffer>
    : Uint32Array<ArrayBuffer>;

/** A new zeroed typed array of `length` elements for `dtype`. */
export function allocArray<D extends BufferDType>(dtype: D, length: number): ArrayFor<D>;
export function allocArray(dtype: BufferDType, length: number): TensorArray {
  switch (dtype) {
    case 'f32':
      return new Float32Array(length);
    case 'i32':
      return new Int32Array(length);
    case 'u32':
      return new Uint32Array(length);
  }
}

/** A typed array of `dtype` viewing `buffer` (no copy). */
export function viewArray(dtype: BufferDType, buffer: ArrayBuffer, length: number): TensorArray {
  switch (dtype) {
    case 'f32':
      return new Float32Array(buffer, 0, length);
    case 'i32':
      return new Int32Array(buffer, 0, length);
    case 'u32':
      return new Uint32Array(buffer, 0, length);
  }
}

/** The dtype a typed array holds, or undefined for any other array type. */
export function dtypeOfArray(data: unknown): BufferDType | undefined {
  if (data instanceof Float32Array) return 'f32';
  if (data instanceof Int32Array) return 'i32';
  if (data instanceof Uint32Array) return 'u32';
  return undefined;
}

/**
 * Why `value` cannot be stored as `dtype` without changing, or undefined if it
 * can. f32 takes every number (rounding to f32 is what the user asked for).
 */
export function scalarProblem(dtype: ScalarArgDType, value: unknown): string | undefined {
  if (typeof value !== 'number') return `expected a number, got ${describeValue(value)}`;
  if (dtype === 'f32') return undefined;
  if (!Number.isInteger(value))
    return `${value} is not an integer, and ${dtype} holds only integers`;
  const [min, max] = dtype === 'i32' ? [-(2 ** 31), 2 ** 31 - 1] : [0, 2 ** 32 - 1];
  if (value < min || value > max) return `${value} is outside the ${dtype} range [${min}, ${max}]`;
  return undefined;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return `${typeof value} ${String(value)}`;
}

export function isNumberList(value: unknown): value is readonly number[] {
  return Array.isArray(value);
}
