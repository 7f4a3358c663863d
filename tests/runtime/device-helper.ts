// Shared by every GPU test: the device, and small helpers for hand-written
// kernels. A missing adapter is a test failure carrying getDevice()'s message
// (which says how to get one), never a silent skip.

import { getDevice, type TesseraDevice } from '../../runtime/device.js';
import type {
  BufferBinding,
  CompiledKernel,
  KernelManifest,
  UniformField,
} from '../../runtime/manifest.js';

/** The process-wide test device; throws (failing the test) when there is none. */
export async function testDevice(): Promise<TesseraDevice> {
  try {
    return await getDevice();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`GPU tests need a WebGPU adapter and none is available.\n${detail}`);
  }
}

export interface HandWrittenKernel {
  readonly name: string;
  readonly wgsl: string;
  readonly buffers: readonly Omit<BufferBinding, 'kind'>[];
  readonly uniforms?: readonly UniformField[];
  readonly uniformBinding?: number;
  readonly workgroupSize?: number;
  /** Defaults to the name; make it unique to get a pipeline nobody else has created. */
  readonly specializationKey?: string;
}

/** A CompiledKernel for WGSL written by hand, as the compiler would describe it. */
export function handWritten(kernel: HandWrittenKernel): CompiledKernel {
  const uniforms = kernel.uniforms ?? [];
  const uniformEnd = Math.max(0, ...uniforms.map((field) => field.offset + 4));
  const manifest: KernelManifest = {
    kernelName: kernel.name,
    entryPoint: 'main',
    specializationKey: kernel.specializationKey ?? kernel.name,
    workgroupSize: kernel.workgroupSize ?? 64,
    buffers: kernel.buffers.map((buffer) => ({ kind: 'buffer', ...buffer })),
    uniforms,
    uniformBinding: kernel.uniformBinding ?? null,
    uniformSize: uniforms.length === 0 ? 0 : Math.ceil(uniformEnd / 16) * 16,
    workgroupStorageBytes: 0,
    requiredFeatures: [],
    compilerVersion: 'hand-written',
  };
  return { wgsl: kernel.wgsl, manifest };
}

/** out[i] = x[i] * p.a for i < p.n; the specialization key can be made unique per test. */
export function scaleKernel(specializationKey = 'scale:f32'): CompiledKernel {
  return handWritten({
    name: 'scale',
    specializationKey,
    wgsl: `struct Params {
  a: f32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < p.n) {
    out[i] = x[i] * p.a;
  }
}
`,
    buffers: [
      { param: 'x', binding: 0, dtype: 'f32', access: 'read' },
      { param: 'out', binding: 1, dtype: 'f32', access: 'read_write' },
    ],
    uniforms: [
      { param: 'a', dtype: 'f32', offset: 0 },
      { param: 'n', dtype: 'u32', offset: 4 },
    ],
    uniformBinding: 2,
  });
}

/** out[i] = x[i] + y[i] + p.b for i < p.n, in `dtype` (i32 or u32). */
export function addKernel(dtype: 'i32' | 'u32' | 'f32'): CompiledKernel {
  return handWritten({
    name: `add_${dtype}`,
    wgsl: `struct Params {
  b: ${dtype},
  n: u32,
}

@group(0) @binding(0) var<storage, read> x: array<${dtype}>;
@group(0) @binding(1) var<storage, read> y: array<${dtype}>;
@group(0) @binding(2) var<storage, read_write> out: array<${dtype}>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < p.n) {
    out[i] = x[i] + y[i] + p.b;
  }
}
`,
    buffers: [
      { param: 'x', binding: 0, dtype, access: 'read' },
      { param: 'y', binding: 1, dtype, access: 'read' },
      { param: 'out', binding: 2, dtype, access: 'read_write' },
    ],
    uniforms: [
      { param: 'b', dtype, offset: 0 },
      { param: 'n', dtype: 'u32', offset: 4 },
    ],
    uniformBinding: 3,
  });
}

/** Random f32 values in [-1, 1). */
export function randomF32(length: number): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = Math.random() * 2 - 1;
  return values;
}

/** Number of workgroups of `size` invocations covering `n` elements. */
export function cdiv(n: number, size: number): number {
  return Math.ceil(n / size);
}
