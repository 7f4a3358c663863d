// The device's own ceilings, measured in the same run as the kernels they
// judge: a copy kernel for memory bandwidth and an FMA kernel for arithmetic.
// Both are hand-written WGSL generated here with a few shapes each; the
// benchmark tries every shape once and keeps the fastest, so the ceiling is
// the best this code can get from the device rather than one guess.

import type { CompiledKernel, KernelManifest, TesseraDevice } from '../index.js';
import { dispatch } from '../index.js';
import { randomF32 } from '../examples/harness.js';
import { grid2d } from './baselines.js';
import type { BenchCandidate, Workload } from './suite.js';
import type { PassTimer } from './timing.js';
import { withWrites } from './timing.js';

export interface CopyShape {
  /** Invocations per workgroup. */
  readonly workgroup: number;
  /** vec4s each invocation copies. */
  readonly vecs: number;
  /**
   * 'strided': the k-th vec4 of all invocations of a workgroup are adjacent
   * (a GPU's coalesced pattern); 'contiguous': each invocation copies `vecs`
   * consecutive vec4s (what a CPU-backed device like lavapipe may prefer).
   */
  readonly order: 'strided' | 'contiguous';
}

export const COPY_SHAPES: readonly CopyShape[] = [
  { workgroup: 256, vecs: 4, order: 'strided' },
  { workgroup: 64, vecs: 8, order: 'contiguous' },
  { workgroup: 128, vecs: 8, order: 'contiguous' },
  { workgroup: 256, vecs: 4, order: 'contiguous' },
  { workgroup: 256, vecs: 8, order: 'contiguous' },
  { workgroup: 64, vecs: 16, order: 'contiguous' },
];

export const describeCopyShape = (s: CopyShape): string =>
  `vec4 x${s.vecs}/invocation ${s.order}, ${s.workgroup}/workgroup`;

function manifest(name: string, workgroupSize: number, buffers: KernelManifest['buffers']): KernelManifest {
  return {
    kernelName: name,
    entryPoint: 'main',
    specializationKey: `bench:${name}`,
    workgroupSize,
    buffers,
    uniforms: [],
    uniformBinding: null,
    uniformSize: 0,
    workgroupStorageBytes: 0,
    requiredFeatures: [],
    compilerVersion: 'hand-written',
  };
}

/** dst = src over arrays of vec4 (the element count is a multiple of 4). */
export function copyKernel(shape: CopyShape): CompiledKernel {
  const { workgroup: wg, vecs, order } = shape;
  const index =
    order === 'strided' ? `base + k * ${wg}u` : `base + k`;
  const base =
    order === 'strided'
      ? `group * ${wg * vecs}u + lid`
      : `(group * ${wg}u + lid) * ${vecs}u`;
  const wgsl = `// Copy ceiling: ${describeCopyShape(shape)}.
@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let group = wid.y * nwg.x + wid.x;
  let base = ${base};
  let n = arrayLength(&src);
  for (var k = 0u; k < ${vecs}u; k++) {
    let i = ${index};
    if (i < n) {
      dst[i] = src[i];
    }
  }
}
`;
  const name = `copy_${order}_${wg}x${vecs}`;
  return {
    wgsl,
    manifest: manifest(name, wg, [
      { kind: 'buffer', param: 'src', binding: 0, dtype: 'f32', access: 'read' },
      { kind: 'buffer', param: 'dst', binding: 1, dtype: 'f32', access: 'read_write' },
    ]),
  };
}

/**
 * Copies `floats` f32 (a multiple of 4) with one copy shape; checks the copy
 * afterwards. By default it is the copy ceiling; `as` names another use of the
 * same kernel (a reference row with another role).
 */
export function copyWorkload(
  device: TesseraDevice,
  timer: PassTimer,
  floats: number,
  shape: CopyShape,
  as: { readonly name: string; readonly role: BenchCandidate['role'] } = { name: `copy ceiling (${describeCopyShape(shape)})`, role: 'copy' },
): Workload {
  if (floats % 4 !== 0) throw new Error(`copy ceiling: ${floats} floats is not a multiple of 4`);
  const data = randomF32(floats);
  const src = device.tensor(data);
  const dst = device.empty('f32', floats);
  const compiled = copyKernel(shape);
  const perGroup = shape.workgroup * shape.vecs * 4;
  const grid = grid2d(Math.ceil(floats / perGroup), device.limits.maxComputeWorkgroupsPerDimension);
  const candidate: BenchCandidate = {
    name: as.name,
    size: `${floats} f32`,
    bytes: 2 * 4 * floats,
    role: as.role,
    run: () =>
      timer.time((writes) =>
        dispatch(device, compiled, withWrites({
          tensors: { src, dst },
          grid,
        }, writes)),
      ),
  };
  return {
    candidates: [candidate],
    verify: async () => {
      const out = await dst.read();
      for (let i = 0; i < floats; i++)
        if (out[i] !== data[i]) throw new Error(`copy ceiling: element ${i} is ${out[i]}, expected ${data[i]}`);
    },
    destroy: () => [src, dst].forEach((t) => t.destroy()),
  };
}

export interface FmaShape {
  readonly workgroup: number;
  /** Independent vec4 accumulator chains per invocation (hides FMA latency). */
  readonly chains: number;
  /** fma() builtin, or a*b+c written out (which the driver may or may not contract). */
  readonly form: 'fma' | 'mul-add';
}

export const FMA_SHAPES: readonly FmaShape[] = [
  { workgroup: 64, chains: 8, form: 'fma' },
  { workgroup: 256, chains: 4, form: 'fma' },
  { workgroup: 256, chains: 4, form: 'mul-add' },
  { workgroup: 256, chains: 2, form: 'fma' },
  { workgroup: 128, chains: 4, form: 'fma' },
];

/** Loop trips per invocation; with FMA_INVOCATIONS this sets the work per launch. */
export const FMA_ITERATIONS = 256;
export const FMA_INVOCATIONS = 64 * 1024;

export const describeFmaShape = (s: FmaShape): string =>
  `${s.chains} vec4 chains, ${s.form}, ${s.workgroup}/workgroup`;

/** FLOPs of one launch: 2 per lane per fused multiply-add. */
export const fmaFlops = (shape: FmaShape): number =>
  FMA_INVOCATIONS * shape.chains * 4 * 2 * FMA_ITERATIONS;

/**
 * Each invocation runs `chains` independent multiply-add chains on vec4s
 * seeded from its index (so nothing folds), then stores their sum (so nothing
 * is dead). x -> x * m + c with |m| < 1 stays finite.
 */
export function fmaKernel(shape: FmaShape): CompiledKernel {
  const { workgroup: wg, chains, form } = shape;
  const chainIds = Array.from({ length: chains }, (_, i) => i);
  const step = (acc: string): string =>
    form === 'fma' ? `${acc} = fma(${acc}, m, c);` : `${acc} = ${acc} * m + c;`;
  const wgsl = `// FMA ceiling: ${describeFmaShape(shape)}, ${FMA_ITERATIONS} iterations.
@group(0) @binding(0) var<storage, read_write> out: array<vec4<f32>>;

@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let seed = f32(gid.x) * 1e-6;
  let m = vec4<f32>(0.999, 0.998, 0.997, 0.996) - vec4<f32>(seed * 1e-3);
  let c = vec4<f32>(seed, 0.5, 0.25, 0.125);
${chainIds.map((i) => `  var a${i} = vec4<f32>(seed + ${i}.0);`).join('\n')}
  for (var k = 0u; k < ${FMA_ITERATIONS}u; k++) {
${chainIds.map((i) => `    ${step(`a${i}`)}`).join('\n')}
  }
  out[gid.x] = ${chainIds.map((i) => `a${i}`).join(' + ')};
}
`;
  return {
    wgsl,
    manifest: manifest(`fma_${form}_${wg}x${chains}`, wg, [
      { kind: 'buffer', param: 'out', binding: 0, dtype: 'f32', access: 'read_write' },
    ]),
  };
}

/** A float32 rendition of what one FMA invocation stores, to check the kernel ran. */
export function fmaReference(shape: FmaShape, invocation: number): number[] {
  const f = Math.fround;
  const seed = f(f(invocation) * f(1e-6));
  const m = [0.999, 0.998, 0.997, 0.996].map((v) => f(f(v) - f(seed * f(1e-3))));
  const c = [seed, 0.5, 0.25, 0.125];
  const sum = [0, 0, 0, 0];
  for (let chain = 0; chain < shape.chains; chain++) {
    for (let lane = 0; lane < 4; lane++) {
      let a = f(seed + chain);
      for (let k = 0; k < FMA_ITERATIONS; k++) a = f(a * (m[lane] ?? NaN) + (c[lane] ?? NaN));
      sum[lane] = f((sum[lane] ?? NaN) + a);
    }
  }
  return sum;
}

export function fmaWorkload(device: TesseraDevice, timer: PassTimer, shape: FmaShape): Workload {
  const out = device.empty('f32', FMA_INVOCATIONS * 4);
  const compiled = fmaKernel(shape);
  const grid = grid2d(FMA_INVOCATIONS / shape.workgroup, device.limits.maxComputeWorkgroupsPerDimension);
  if (grid.length > 1) throw new Error('FMA ceiling: the grid must be 1D (global_invocation_id.x indexes)');
  const candidate: BenchCandidate = {
    name: `FMA ceiling (${describeFmaShape(shape)})`,
    size: `${FMA_INVOCATIONS} invocations x ${FMA_ITERATIONS} iterations`,
    flops: fmaFlops(shape),
    role: 'fma',
    run: () =>
      timer.time((writes) =>
        dispatch(device, compiled, withWrites({
          tensors: { out },
          grid,
        }, writes)),
      ),
  };
  return {
    candidates: [candidate],
    verify: async () => {
      const result = await out.read();
      for (const inv of [0, 12345, FMA_INVOCATIONS - 1]) {
        const expected = fmaReference(shape, inv);
        expected.forEach((e, lane) => {
          const actual = result[inv * 4 + lane] ?? NaN;
          // fma rounds once where the reference rounds twice: a loose relative bound.
          if (!(Math.abs(actual - e) <= 1e-3 * Math.abs(e) + 1e-3))
            throw new Error(`FMA ceiling: invocation ${inv} lane ${lane} is ${actual}, expected about ${e}`);
        });
      }
    },
    destroy: () => out.destroy(),
  };
}
