// Interop with TensorFlow.js's WebGPU backend on one device: TF.js runs on
// Tessera's GPUDevice, a Tessera kernel reads a TF.js tensor's GPU buffer and
// writes into a buffer TF.js created, and TF.js reads the result back. Checked
// against float64 references; outputs poisoned (NaN) first.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraDevice, TesseraError } from '../../index.js';
import { getDevice } from '../../runtime/device.js';
import { nextPowerOf2, randomF32 } from '../../examples/harness.js';
import { softmaxKernel, softmaxReference } from '../../examples/softmax.js';

// TF.js's type declarations pull in an older @webgpu/types (0.1.38) whose
// global GPU types clash with the project's, so TF.js is loaded through
// variable specifiers and typed here, by what the test uses.
type TfData = Float32Array | Int32Array | Uint8Array;
interface TfTensor {
  dataToGPU(): { readonly buffer?: GPUBuffer; readonly tensorRef: TfTensor };
  data(): Promise<TfData>;
  dispose(): void;
}
interface TfCore {
  tensor(values: { buffer: GPUBuffer }, shape: number[], dtype: 'float32'): TfTensor;
  tensor2d(values: Float32Array, shape: [number, number]): TfTensor;
  fill(shape: number[], value: number): TfTensor;
  mul(a: TfTensor, b: number): TfTensor;
  sum(x: TfTensor, axis: number): TfTensor;
  dispose(tensors: TfTensor[]): void;
  backend(): { readonly device?: GPUDevice };
  findBackendFactory(name: string): unknown;
  removeBackend(name: string): void;
  registerBackend(name: string, factory: () => unknown): boolean;
  setBackend(name: string): Promise<boolean>;
}
interface TfWebGpu {
  WebGPUBackend: new (device: GPUDevice) => object;
}
const TFJS_CORE = '@tensorflow/tfjs-core';
const TFJS_WEBGPU = '@tensorflow/tfjs-backend-webgpu';

let tf: TfCore;
let device: TesseraDevice;
let restoreNavigator: () => void;

beforeAll(async () => {
  tf = await import(TFJS_CORE);
  const { WebGPUBackend }: TfWebGpu = await import(TFJS_WEBGPU);
  device = await getDevice({ shared: false });
  // TF.js checks navigator.gpu before it accepts a device; Node 20 has no
  // navigator (Node 21+ has one, without gpu). Give it Dawn's instance.
  const original = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  const navigatorLike = typeof navigator === 'undefined' ? {} : navigator;
  Object.defineProperty(navigatorLike, 'gpu', { value: device.instance, configurable: true });
  if (original === undefined) Object.defineProperty(globalThis, 'navigator', { value: navigatorLike, configurable: true, writable: true });
  restoreNavigator = () => {
    if (original === undefined) Reflect.deleteProperty(globalThis, 'navigator');
    else Reflect.deleteProperty(navigatorLike, 'gpu');
  };
  // TF.js's WebGPU kernels are registered under the backend name 'webgpu'.
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device.gpu));
  expect(await tf.setBackend('webgpu')).toBe(true);
});

afterAll(() => {
  tf.removeBackend('webgpu');
  restoreNavigator?.();
  device?.destroy();
});

function backendDevice(): GPUDevice {
  const gpu = tf.backend().device;
  if (gpu === undefined) throw new Error('TF.js is not on its WebGPU backend');
  return gpu;
}

function gpuBuffer(data: { readonly buffer?: GPUBuffer }): GPUBuffer {
  if (data.buffer === undefined) throw new Error('dataToGPU gave a texture, not a buffer');
  return data.buffer;
}

describe('TensorFlow.js WebGPU backend on the Tessera device', () => {
  it('shares one GPUDevice: fromGPUDevice gives back the same TesseraDevice', () => {
    expect(backendDevice()).toBe(device.gpu);
    expect(TesseraDevice.fromGPUDevice(backendDevice())).toBe(device);
  });

  it('runs a Tessera kernel from a TF.js tensor into a TF.js-created output, read back through TF.js', async () => {
    const rows = 37;
    const cols = 101;
    const x = randomF32(rows * cols, -4, 4);
    // TF.js computes the input on the GPU (x * 2) ...
    const input = tf.mul(tf.tensor2d(x, [rows, cols]), 2);
    const output = tf.fill([rows, cols], NaN);
    const inData = input.dataToGPU();
    const outData = output.dataToGPU();
    try {
      // ... Tessera's softmax reads and writes TF.js's buffers (explicit lengths:
      // TF.js may pad a buffer past its data) ...
      const inT = device.wrapBuffer(gpuBuffer(inData), { dtype: 'f32', length: rows * cols });
      const outT = device.wrapBuffer(gpuBuffer(outData), { dtype: 'f32', length: rows * cols });
      await softmaxKernel.launch(rows, {
        output_ptr: outT,
        input_ptr: inT,
        input_row_stride: cols,
        output_row_stride: cols,
        n_cols: cols,
        BLOCK_SIZE: nextPowerOf2(cols),
      });
      // ... and TF.js reads the result.
      const got = await outData.tensorRef.data();
      const expected = softmaxReference(Float32Array.from(x, (v) => v * 2), rows, cols, cols);
      expect(got.length).toBe(rows * cols);
      let maxErr = 0;
      for (let i = 0; i < got.length; i++) maxErr = Math.max(maxErr, Math.abs((got[i] ?? NaN) - (expected[i] ?? NaN)));
      expect(maxErr).toBeLessThanOrEqual(1e-5); // NaN (an unwritten element) fails too
      // Tessera never frees a wrapped buffer: TF.js can still use it afterwards.
      outT.destroy();
      inT.destroy();
      expect(Array.from(await outData.tensorRef.data())).toEqual(Array.from(got));
    } finally {
      inData.tensorRef.dispose();
      outData.tensorRef.dispose();
      tf.dispose([input, output]);
    }
  });

  it('hands a Tessera output to TF.js as a tensor', async () => {
    const rows = 5;
    const cols = 300;
    const x = randomF32(rows * cols);
    const inT = device.tensor(x);
    const outT = device.empty('f32', rows * cols);
    outT.fill(NaN);
    await softmaxKernel.launch(rows, [outT, inT, cols, cols, cols, nextPowerOf2(cols)]);
    // TF.js copies the buffer into one of its own (zeroCopy is off by default).
    const fromTessera = tf.tensor({ buffer: outT.buffer }, [rows, cols], 'float32');
    const rowSums = await tf.sum(fromTessera, 1).data();
    expect(Array.from(rowSums, (s) => Math.abs(s - 1) < 1e-5)).toEqual(new Array(rows).fill(true));
    fromTessera.dispose();
    inT.destroy();
    outT.destroy();
  });

  it('refuses buffers a kernel cannot use, saying why', () => {
    const mappable = device.gpu.createBuffer({ size: 64, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const storage = device.gpu.createBuffer({ size: 64, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const refusal = (run: () => unknown): TesseraError => {
      try {
        run();
      } catch (error) {
        if (error instanceof TesseraError) return error;
        throw error;
      }
      throw new Error('expected wrapBuffer to refuse');
    };
    expect(refusal(() => device.wrapBuffer(mappable, { dtype: 'f32', length: 4 })).message).toMatch(/lacks GPUBufferUsage\.STORAGE/);
    expect(refusal(() => device.wrapBuffer(storage, { dtype: 'f32', length: 17 })).message).toMatch(/17 f32 elements from byte 0 end at byte 68, past the end of the 64-byte buffer/);
    expect(refusal(() => device.wrapBuffer(storage, { dtype: 'i32', length: 4, byteOffset: 2 })).message).toMatch(/byteOffset must be a non-negative multiple of 4/);
    expect(refusal(() => device.wrapBuffer(storage, { dtype: 'u32', length: 0 })).kind).toBe('launch');
    mappable.destroy();
    storage.destroy();
  });
});
