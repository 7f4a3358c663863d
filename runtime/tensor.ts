// A tensor is a range of a GPU storage buffer with a dtype: `length` elements
// starting `byteOffset` bytes into the buffer. Views share the buffer, which is
// how a kernel argument can be a slice of a larger allocation.
//
// Every queue operation (write, fill, read's copy, destroy) goes through the
// device's SubmissionOrder, so it happens after launches issued before it even
// when those launches are still waiting for their pipeline.

import { LaunchError } from '../compiler/errors.js';
import type { TesseraDevice } from './device.js';
import {
  allocArray,
  BYTES_PER_ELEMENT,
  describeValue,
  dtypeOfArray,
  isNumberList,
  ownedArray,
  scalarProblem,
  viewArray,
  type ArrayFor,
  type OwnedTensorArray,
  type TensorArray,
} from './dtypes.js';
import type { BufferDType } from './manifest.js';

export type { ArrayFor, TensorArray } from './dtypes.js';
export { dtypeOfArray } from './dtypes.js';

const STORAGE_USAGE = () =>
  GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

let nextStorageId = 1;

/** Allocation granule: one vec4 of 4-byte elements. */
export const VEC4_BYTES = 16;

/** The GPU buffer behind a tensor and all of its views. */
export class TensorStorage {
  /** A small integer identity, used in bind-group cache keys. */
  readonly id = nextStorageId++;
  /** Set by destroy(): new operations are refused from then on. */
  destroyRequested = false;
  /** Set once the GPU buffer has really been destroyed (after earlier queued work). */
  freed = false;
  constructor(
    readonly buffer: GPUBuffer,
    /** false for a buffer another library owns (device.wrapBuffer): never destroyed by Tessera. */
    readonly owned: boolean = true,
  ) {}
}

export class Tensor<D extends BufferDType = BufferDType> {
  /** Use device.tensor(), device.empty() or tensor.view() instead. */
  constructor(
    readonly device: TesseraDevice,
    readonly storage: TensorStorage,
    readonly dtype: D,
    /** Number of elements. */
    readonly length: number,
    /** Where the first element sits in the buffer. */
    readonly byteOffset: number,
  ) {}

  get buffer(): GPUBuffer {
    return this.storage.buffer;
  }

  get byteLength(): number {
    return this.length * BYTES_PER_ELEMENT;
  }

  get destroyed(): boolean {
    return this.storage.destroyRequested;
  }

  /**
   * `length` elements starting `offset` elements in, sharing this buffer.
   * Reads and writes work at any offset; binding the view to a kernel needs its
   * byte offset to be a multiple of the device's minStorageBufferOffsetAlignment.
   */
  view(offset: number, length: number = this.length - offset): Tensor<D> {
    this.assertUsable('view');
    if (!isCount(offset) || !isCount(length) || offset + length > this.length) {
      throw new LaunchError(
        'launch',
        `view(${offset}, ${length}) is out of range for a tensor of ${this.length} elements: ` +
          'offset and length must be non-negative integers with offset + length <= length',
      );
    }
    return new Tensor(
      this.device,
      this.storage,
      this.dtype,
      length,
      this.byteOffset + offset * BYTES_PER_ELEMENT,
    );
  }

  /** Copies `data` into the tensor starting at element `offset`. */
  write(data: ArrayFor<D> | TensorArray | readonly number[], offset = 0): void {
    this.assertUsable('write');
    const array = toTypedArray(this.dtype, data);
    if (!isCount(offset) || offset + array.length > this.length) {
      throw new LaunchError(
        'launch',
        `write of ${array.length} elements at offset ${offset} does not fit a tensor of ${this.length} elements`,
      );
    }
    if (array.length === 0) return;
    const byteOffset = this.byteOffset + offset * BYTES_PER_ELEMENT;
    const queue = this.device.gpu.queue;
    if (this.device.order.idle) {
      queue.writeBuffer(this.buffer, byteOffset, array);
      return;
    }
    // Deferred: copy now, because the caller may change `data` after we return.
    const copy = array.slice();
    void this.device.order.schedule(() => {
      if (!this.storage.freed && !this.device.isLost)
        queue.writeBuffer(this.buffer, byteOffset, copy);
    });
  }

  /** Sets every element to `value`. */
  fill(value: number): void {
    this.assertUsable('fill');
    const problem = scalarProblem(this.dtype, value);
    if (problem !== undefined)
      throw new LaunchError(
        'launch',
        `fill(${String(value)}) on a ${this.dtype} tensor: ${problem}`,
      );
    if (this.length === 0) return;
    if (!Object.is(value, 0)) {
      const filled = allocArray(this.dtype, this.length);
      filled.fill(value);
      this.write(filled);
      return;
    }
    // All-zero bits: let the GPU clear it rather than upload zeros.
    void this.device.order.schedule(() => {
      if (this.storage.freed || this.device.isLost) return;
      const encoder = this.device.gpu.createCommandEncoder({ label: 'tessera fill' });
      encoder.clearBuffer(this.buffer, this.byteOffset, this.byteLength);
      this.device.gpu.queue.submit([encoder.finish()]);
    });
  }

  /** The tensor's contents, after every launch and write issued before this call. */
  async read(into?: ArrayFor<D>): Promise<ArrayFor<D>> {
    this.assertUsable('read');
    const out = into ?? allocArray(this.dtype, this.length);
    if (dtypeOfArray(out) !== this.dtype || out.length !== this.length) {
      throw new LaunchError(
        'launch',
        `read(into): expected a ${this.dtype} typed array of ${this.length} elements, got ${describeValue(out)} of ${out.length}`,
      );
    }
    if (this.length === 0) return out;
    const device = this.device;
    const byteLength = this.byteLength;
    const staging = device.staging.acquire(byteLength);
    try {
      await device.order.schedule(() => {
        device.assertAlive();
        if (this.storage.freed) throw destroyedError('read');
        const encoder = device.gpu.createCommandEncoder({ label: 'tessera read' });
        encoder.copyBufferToBuffer(this.buffer, this.byteOffset, staging, 0, byteLength);
        device.gpu.queue.submit([encoder.finish()]);
      });
      await staging.mapAsync(GPUMapMode.READ, 0, byteLength);
    } catch (error) {
      staging.destroy();
      device.assertAlive();
      if (error instanceof LaunchError) throw error;
      throw new LaunchError(
        'device',
        `reading a ${this.dtype} tensor back failed: ${String(error)}`,
      );
    }
    // Copy into a preallocated array: much faster in Dawn than getMappedRange().slice(0).
    out.set(viewArray(this.dtype, staging.getMappedRange(0, byteLength), this.length));
    staging.unmap();
    device.staging.release(staging);
    return out;
  }

  /**
   * Frees the GPU buffer, for this tensor and every view of it, once the work
   * issued before this call has been submitted. For a wrapped buffer (another
   * library's, see device.wrapBuffer) Tessera only stops using it; its owner frees it.
   */
  destroy(): void {
    if (this.storage.destroyRequested) return;
    this.storage.destroyRequested = true;
    void this.device.order.schedule(() => {
      this.storage.freed = true;
      if (this.storage.owned) this.buffer.destroy();
    });
  }

  /** Throws the error any use of a destroyed tensor or lost device gets. */
  assertUsable(operation: string): void {
    this.device.assertAlive();
    if (this.storage.destroyRequested) throw destroyedError(operation);
  }
}

/** Allocates a tensor's buffer, zeroed or holding a copy of `initial`. */
export function createTensor<D extends BufferDType>(
  device: TesseraDevice,
  dtype: D,
  length: number,
  initial?: ArrayFor<D> | TensorArray | readonly number[],
): Tensor<D> {
  device.assertAlive();
  if (!isCount(length)) {
    throw new LaunchError(
      'launch',
      `a tensor length must be a non-negative integer, got ${String(length)}`,
    );
  }
  const data = initial === undefined ? undefined : toTypedArray(dtype, initial);
  // WebGPU buffers cannot be empty. Sizes are rounded up to 16 bytes so a
  // kernel that views the buffer as vec4s can bind all of it (manifest vectorWidth).
  const size = Math.ceil(Math.max(BYTES_PER_ELEMENT, length * BYTES_PER_ELEMENT) / VEC4_BYTES) * VEC4_BYTES;
  const maxBufferSize = device.limits.maxBufferSize;
  if (size > maxBufferSize) {
    throw new LaunchError(
      'device',
      `a ${dtype} tensor of ${length} elements needs ${size} bytes, more than this device's ` +
        `maxBufferSize (${maxBufferSize} bytes); split it into several tensors`,
    );
  }
  const buffer = device.gpu.createBuffer({
    label: `tessera ${dtype}[${length}]`,
    size,
    usage: STORAGE_USAGE(),
    // A new buffer is not in any queued work yet, so it can be filled directly.
    mappedAtCreation: data !== undefined,
  });
  if (data !== undefined) {
    viewArray(dtype, buffer.getMappedRange(), length).set(data);
    buffer.unmap();
  }
  return new Tensor(device, new TensorStorage(buffer), dtype, length, 0);
}

/** A tensor over part of a GPUBuffer someone else owns; see TesseraDevice.wrapBuffer. */
export function wrapExternalBuffer<D extends BufferDType>(
  device: TesseraDevice,
  buffer: GPUBuffer,
  dtype: D,
  length: number,
  byteOffset: number,
): Tensor<D> {
  device.assertAlive();
  const problem = wrapProblem(buffer, dtype, length, byteOffset);
  if (problem !== undefined) throw new LaunchError('launch', `wrapBuffer: ${problem}`);
  return new Tensor(device, new TensorStorage(buffer, false), dtype, length, byteOffset);
}

function wrapProblem(buffer: GPUBuffer, dtype: string, length: number, byteOffset: number): string | undefined {
  if (typeof buffer?.size !== 'number' || typeof buffer.usage !== 'number')
    return `expected a GPUBuffer, got ${describeValue(buffer)}`;
  if (dtype !== 'f32' && dtype !== 'i32' && dtype !== 'u32') return `dtype must be 'f32', 'i32' or 'u32', got ${JSON.stringify(dtype)}`;
  if (!isCount(length) || length === 0) return `length must be a positive integer number of elements, got ${String(length)}`;
  if (!isCount(byteOffset) || byteOffset % BYTES_PER_ELEMENT !== 0)
    return `byteOffset must be a non-negative multiple of ${BYTES_PER_ELEMENT}, got ${String(byteOffset)}`;
  const end = byteOffset + length * BYTES_PER_ELEMENT;
  if (end > buffer.size)
    return `${length} ${dtype} elements from byte ${byteOffset} end at byte ${end}, past the end of the ${buffer.size}-byte buffer`;
  if ((buffer.usage & GPUBufferUsage.STORAGE) === 0)
    return 'the buffer lacks GPUBufferUsage.STORAGE, so kernels cannot bind it; create it with STORAGE usage';
  if (buffer.mapState !== 'unmapped')
    return `the buffer is ${buffer.mapState}; unmap it before handing it to Tessera`;
  return undefined;
}

function toTypedArray(dtype: BufferDType, data: TensorArray | readonly number[]): OwnedTensorArray {
  if (isNumberList(data)) {
    data.forEach((value, index) => {
      const problem = scalarProblem(dtype, value);
      if (problem !== undefined)
        throw new LaunchError(
          'launch',
          `element ${index} cannot be stored as ${dtype}: ${problem}`,
        );
    });
    const array = allocArray(dtype, data.length);
    array.set(data);
    return array;
  }
  const arrayDType = dtypeOfArray(data);
  if (arrayDType === undefined) {
    throw new LaunchError(
      'launch',
      `tensor data must be a Float32Array, Int32Array, Uint32Array or an array of numbers, got ${describeValue(data)}`,
    );
  }
  if (arrayDType !== dtype) {
    throw new LaunchError(
      'launch',
      `cannot write a ${arrayDType} array into a ${dtype} tensor; convert it first (e.g. ${constructorName(dtype)}.from(data))`,
    );
  }
  return ownedArray(data);
}

function constructorName(dtype: BufferDType): string {
  return { f32: 'Float32Array', i32: 'Int32Array', u32: 'Uint32Array' }[dtype];
}

function destroyedError(operation: string): LaunchError {
  return new LaunchError(
    'launch',
    `cannot ${operation} a tensor after destroy() (of it or of the tensor it views)`,
  );
}

function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}
