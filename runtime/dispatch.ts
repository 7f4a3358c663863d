// Launching one compiled kernel: validate the arguments against the manifest
// and the device, pack the scalars into the uniform struct, bind, encode,
// submit. Everything that can be checked is checked before anything is
// queued, so a bad launch leaves the device untouched.
//
// A launch is asynchronous: its promise settles once the work is submitted and
// WebGPU has accepted it (or, with `wait: true`, once the GPU has finished it).
// A later `tensor.read()` sees the result without awaiting the launch, because
// every queue operation is ordered by the device's SubmissionOrder.

import { LaunchError, TesseraError } from '../compiler/errors.js';
import type { TesseraDevice } from './device.js';
import { BYTES_PER_ELEMENT, describeValue, scalarProblem } from './dtypes.js';
import type { CompiledKernel, KernelManifest } from './manifest.js';
import {
  cachesFor,
  checkSameWgsl,
  getPipelineEntry,
  pipelineKey,
  type PipelineEntry,
} from './pipeline.js';
import { RecordSnapshot } from './record-snapshot.js';
import { Tensor } from './tensor.js';

export { getPipeline, runtimeStats, type RuntimeStats } from './pipeline.js';

/**
 * Workgroup (program) counts along x, y, z: 1 to 3 of them, missing trailing
 * ones are 1. A plain array rather than a tuple type, because grids are usually
 * computed (`[cdiv(n, BLOCK)]` is a number[] to TypeScript); the length is
 * checked at launch.
 */
export type Grid = readonly number[];

export interface LaunchArgs {
  /** One tensor per manifest buffer binding, by kernel parameter name. */
  readonly tensors: Readonly<Record<string, Tensor>>;
  /** One number per manifest uniform field, by kernel parameter name. */
  readonly scalars?: Readonly<Record<string, number>>;
  readonly grid: Grid;
  /** Settle only when the GPU has finished the work, not just accepted it. */
  readonly wait?: boolean;
  /** GPU timestamps written at the start and end of the compute pass (needs 'timestamp-query'; benchmarks use it). */
  readonly timestampWrites?: GPUComputePassTimestampWrites;
}

/** A validated buffer binding, ready for the bind group. */
interface BoundTensor {
  readonly binding: number;
  readonly tensor: Tensor;
  /** Bytes to bind: the tensor's, rounded up to whole vectors for a vectorized binding. */
  readonly size: number;
}

/**
 * The uniform bytes last written to each pipeline's uniform buffer. Launches
 * in a loop usually pass the same scalars; skipping the rewrite matters
 * because a queue.writeBuffer before a submit makes that submit carry a copy.
 * Only submit() writes these buffers and the queue keeps order, so equal bytes
 * mean the buffer already holds them.
 */
const lastUniforms = new WeakMap<PipelineEntry, Uint8Array>();

/** Each pipeline's most recent bind group and what it binds, checked before building a key. */
const lastBindGroups = new WeakMap<
  PipelineEntry,
  { readonly bound: readonly BoundTensor[]; readonly key: string; readonly bindGroup: GPUBindGroup }
>();

/** pipelineKey per manifest, so a warm launch does not rebuild the string. */
const pipelineKeys = new WeakMap<KernelManifest, string>();

function cachedPipelineKey(manifest: KernelManifest): string {
  let key = pipelineKeys.get(manifest);
  if (key === undefined) {
    key = pipelineKey(manifest);
    pipelineKeys.set(manifest, key);
  }
  return key;
}

const NO_SCALARS: Readonly<Record<string, number>> = Object.freeze({});

/** A launch's tensors and scalars as they were when it was validated and packed. */
class DispatchSnapshot {
  private readonly tensors: RecordSnapshot;
  private readonly scalars: RecordSnapshot;
  /** Set once WebGPU has accepted a dispatch with these arguments (its error scope came back empty). */
  accepted = false;

  constructor(
    args: LaunchArgs,
    readonly bound: readonly BoundTensor[],
  ) {
    this.tensors = new RecordSnapshot(args.tensors);
    this.scalars = new RecordSnapshot(args.scalars ?? NO_SCALARS);
  }

  matches(args: LaunchArgs): boolean {
    return this.tensors.matches(args.tensors) && this.scalars.matches(args.scalars ?? NO_SCALARS);
  }
}

/**
 * The last launch submitted on each pipeline. Its uniforms are what the
 * pipeline's uniform buffer holds, so a launch with the same arguments can
 * skip validation, packing and the write.
 */
const lastDispatches = new WeakMap<PipelineEntry, DispatchSnapshot>();
const livenessProbes = new WeakMap<TesseraDevice, Promise<void>>();

/** Bind groups kept per pipeline; the least recently used one goes first. */
const MAX_BIND_GROUPS_PER_PIPELINE = 64;

export function dispatch(
  device: TesseraDevice,
  compiled: CompiledKernel,
  args: LaunchArgs,
): Promise<void> {
  try {
    const manifest = compiled.manifest;
    device.assertAlive();
    const grid = validateGrid(device, manifest, args.grid);
    const wait = args.wait ?? false;

    const ready = cachesFor(device).ready.get(cachedPipelineKey(manifest));
    if (ready !== undefined && device.order.idle) {
      // Warm path: no await between the call and the submit.
      checkSameWgsl(ready, compiled);
      cachesFor(device).stats.pipelineCacheHits++;
      const previous = lastDispatches.get(ready);
      if (previous !== undefined && previous.matches(args)) {
        // The previous launch on this pipeline had these very tensors and
        // scalars: they passed validation then, its uniforms are in the buffer.
        // Only a destroy() since then can have made them unusable.
        for (const { tensor } of previous.bound) if (tensor.storage.destroyRequested) tensor.assertUsable('launch a kernel with');
        return submit(device, ready, previous.bound, grid, null, wait, args.timestampWrites, previous);
      }
      const bound = bindTensors(device, manifest, args.tensors);
      packUniforms(manifest, args.scalars ?? NO_SCALARS, ready.uniformScratch);
      const snapshot = new DispatchSnapshot(args, bound);
      return submit(device, ready, bound, grid, ready.uniformScratch, wait, args.timestampWrites, snapshot);
    }
    const bound = bindTensors(device, manifest, args.tensors);
    // Packed and snapshot now: the caller may change `scalars` meanwhile.
    const uniforms = packUniforms(manifest, args.scalars ?? NO_SCALARS);
    const snapshot = new DispatchSnapshot(args, bound);
    let accepted: Promise<void> = Promise.resolve();
    return device.order
      .schedule(
        (entry: PipelineEntry) => {
          // Kept out of the scheduled op's result: later queue work need not wait for validation.
          accepted = submit(device, entry, bound, grid, uniforms, wait, args.timestampWrites, snapshot);
        },
        getPipelineEntry(device, compiled),
      )
      .then(() => accepted);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Packs scalar arguments into the uniform struct the manifest describes
 * (4-byte fields at the given offsets, little-endian as WGSL expects).
 */
export function packUniforms(
  manifest: KernelManifest,
  scalars: Readonly<Record<string, number>>,
  target: ArrayBuffer = new ArrayBuffer(Math.max(16, manifest.uniformSize)),
): ArrayBuffer {
  const expected = manifest.uniforms.map((field) => field.param);
  // Counting first spares a warm launch the name lookups: with every expected
  // name present (checked below) and no more keys than names, none is unknown.
  if (keyCount(scalars) > expected.length || manifest.uniforms.some((f) => scalars[f.param] === undefined)) {
    for (const param of Object.keys(scalars)) {
      if (!expected.includes(param)) {
        throw new LaunchError(
          'launch',
          `kernel '${manifest.kernelName}' has no scalar parameter '${param}'; ` +
            `its scalar parameters are: ${listOrNone(expected)}`,
        );
      }
    }
  }
  const view = new DataView(target);
  for (const field of manifest.uniforms) {
    const value = scalars[field.param];
    if (value === undefined) {
      throw new LaunchError(
        'launch',
        `kernel '${manifest.kernelName}' needs the scalar argument '${field.param}' (${field.dtype})`,
      );
    }
    const problem = scalarProblem(field.dtype, value);
    if (problem !== undefined) {
      throw new LaunchError(
        'launch',
        `scalar argument '${field.param}' of kernel '${manifest.kernelName}' must be ${field.dtype}: ${problem}`,
      );
    }
    if (field.offset % 4 !== 0 || field.offset + 4 > target.byteLength) {
      throw new TesseraError(
        'internal',
        `uniform field '${field.param}' has offset ${field.offset} outside the ${manifest.uniformSize}-byte struct of kernel '${manifest.kernelName}'. This is a Tessera bug.`,
      );
    }
    if (field.dtype === 'f32') view.setFloat32(field.offset, value, true);
    else if (field.dtype === 'i32') view.setInt32(field.offset, value, true);
    else view.setUint32(field.offset, value, true);
  }
  return target;
}

/** The grid as three workgroup counts, each within the device's limit. */
export function validateGrid(
  device: TesseraDevice,
  manifest: KernelManifest,
  grid: Grid,
): readonly [number, number, number] {
  const limit = device.limits.maxComputeWorkgroupsPerDimension;
  const dims: readonly unknown[] = grid;
  if (!Array.isArray(dims) || dims.length < 1 || dims.length > 3) {
    throw new LaunchError(
      'launch',
      `the grid of kernel '${manifest.kernelName}' must be [x], [x, y] or [x, y, z], got ${describeValue(grid)}`,
    );
  }
  const counts: [number, number, number] = [1, 1, 1];
  dims.forEach((dim, axis) => {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) {
      throw new LaunchError(
        'launch',
        `grid[${axis}] of kernel '${manifest.kernelName}' is ${String(dim)}; every grid dimension must be a positive integer`,
      );
    }
    if (dim > limit) {
      throw new LaunchError(
        'launch',
        `grid[${axis}] of kernel '${manifest.kernelName}' is ${dim}, more than this device's ` +
          `maxComputeWorkgroupsPerDimension (${limit}); use a bigger block so fewer programs are needed, ` +
          'or spread the programs over another grid dimension',
      );
    }
    counts[axis] = dim;
  });
  return counts;
}

/** Checks each tensor against its binding and the device, in manifest order. */
function bindTensors(
  device: TesseraDevice,
  manifest: KernelManifest,
  tensors: Readonly<Record<string, Tensor>>,
): BoundTensor[] {
  const kernel = `kernel '${manifest.kernelName}'`;
  if (keyCount(tensors) > manifest.buffers.length || manifest.buffers.some((b) => tensors[b.param] === undefined)) {
    const expected = manifest.buffers.map((buffer) => buffer.param);
    for (const param of Object.keys(tensors)) {
      if (!expected.includes(param)) {
        throw new LaunchError(
          'launch',
          `${kernel} has no tensor parameter '${param}'; its tensor parameters are: ${listOrNone(expected)}`,
        );
      }
    }
  }
  const alignment = device.limits.minStorageBufferOffsetAlignment;
  const maxBinding = device.limits.maxStorageBufferBindingSize;
  const bound: BoundTensor[] = [];
  for (const binding of manifest.buffers) {
    const tensor = tensors[binding.param];
    const what = `tensor argument '${binding.param}' of ${kernel}`;
    if (tensor === undefined)
      throw new LaunchError(
        'launch',
        `${kernel} needs the tensor argument '${binding.param}' (${binding.dtype})`,
      );
    if (!(tensor instanceof Tensor))
      throw new LaunchError('launch', `${what} must be a Tensor, got ${describeValue(tensor)}`);
    if (tensor.device !== device) {
      throw new LaunchError(
        'launch',
        `${what} lives on another device ('${tensor.device.name}'); create it on the device you launch on`,
      );
    }
    tensor.assertUsable('launch a kernel with');
    if (tensor.dtype !== binding.dtype) {
      throw new LaunchError(
        'launch',
        `${what} is a ${tensor.dtype} tensor, but the kernel was compiled for ${binding.dtype} there (binding ${binding.binding}); ` +
          'pass a tensor of that dtype or compile the kernel for this one',
      );
    }
    if (tensor.length === 0)
      throw new LaunchError('launch', `${what} is empty; WebGPU cannot bind an empty buffer range`);
    if (tensor.byteOffset % alignment !== 0) {
      throw new LaunchError(
        'launch',
        `${what} is a view starting at byte ${tensor.byteOffset}, but this device binds storage buffers only at multiples of ` +
          `minStorageBufferOffsetAlignment (${alignment} bytes = ${alignment / BYTES_PER_ELEMENT} elements); start the view at a ` +
          'multiple of that, or pass the whole tensor and the offset as a scalar argument',
      );
    }
    if (tensor.byteLength > maxBinding) {
      throw new LaunchError(
        'device',
        `${what} spans ${tensor.byteLength} bytes, more than this device's maxStorageBufferBindingSize (${maxBinding}); ` +
          'split it into views no larger than that and launch once per view',
      );
    }
    bound.push({ binding: binding.binding, tensor, size: bindingSize(tensor, binding.vectorWidth) });
  }
  checkWritableAliasing(manifest, bound);
  return bound;
}

/** WebGPU refuses a dispatch that binds one buffer writable and also any other way; Tessera also refuses writable twice. */
function checkWritableAliasing(manifest: KernelManifest, bound: readonly BoundTensor[]): void {
  for (let i = 0; i < bound.length; i++) {
    for (let j = i + 1; j < bound.length; j++) {
      const a = bound[i];
      const b = bound[j];
      const accessA = manifest.buffers[i]?.access;
      const accessB = manifest.buffers[j]?.access;
      if (a === undefined || b === undefined || a.tensor.storage !== b.tensor.storage) continue;
      if (accessA !== 'read_write' && accessB !== 'read_write') continue;
      throw new LaunchError(
        'launch',
        `tensor arguments '${manifest.buffers[i]?.param}' (${accessA}) and '${manifest.buffers[j]?.param}' (${accessB}) of kernel ` +
          `'${manifest.kernelName}' share one GPU buffer, and the kernel writes to it; one dispatch cannot bind a buffer it ` +
          'writes more than once. Pass a separate tensor (e.g. a copy) for one of them',
      );
    }
  }
}

function submit(
  device: TesseraDevice,
  entry: PipelineEntry,
  bound: readonly BoundTensor[],
  grid: readonly [number, number, number],
  /** null: the uniform buffer already holds this launch's uniforms. */
  uniforms: ArrayBuffer | null,
  wait: boolean,
  timestampWrites: GPUComputePassTimestampWrites | undefined,
  snapshot: DispatchSnapshot,
): Promise<void> {
  device.assertAlive();
  for (const { tensor } of bound)
    if (tensor.storage.freed) tensor.assertUsable('launch a kernel with');
  const gpu = device.gpu;
  const stats = cachesFor(device).stats;
  stats.launches++;
  // A relaunch of arguments WebGPU already accepted on this pipeline is
  // accepted again (validation depends only on what the snapshot pins, the
  // grid limits checked above, and buffers not being destroyed, checked above),
  // so it skips the error scope and its round trip.
  const scoped = !snapshot.accepted || timestampWrites !== undefined;
  if (scoped) gpu.pushErrorScope('validation');
  if (entry.uniformBuffer !== null && uniforms !== null) writeUniformsIfChanged(gpu, entry, entry.uniformBuffer, uniforms);
  lastDispatches.set(entry, snapshot);
  const encoder = gpu.createCommandEncoder({ label: entry.manifest.kernelName });
  const pass = encoder.beginComputePass({
    label: entry.manifest.kernelName,
    ...(timestampWrites !== undefined ? { timestampWrites } : {}),
  });
  pass.setPipeline(entry.pipeline);
  pass.setBindGroup(0, bindGroupFor(device, entry, bound));
  pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
  pass.end();
  gpu.queue.submit([encoder.finish()]);
  // A device lost before the submit (destroyed in the same tick, say) drops
  // the work silently and reports no error: the scoped path learns of the loss
  // by the time its scope pops, the unscoped one from a liveness probe.
  const accepted = !scoped
    ? livenessProbe(device)
    : gpu.popErrorScope().then((error) => {
        device.assertAlive();
        if (error !== null) {
          throw new TesseraError(
            'internal',
            `WebGPU rejected the dispatch of kernel '${entry.manifest.kernelName}' (${entry.manifest.specializationKey}): ${error.message}\n` +
              'The launch arguments passed validation, so this is a Tessera bug.',
          );
        }
        snapshot.accepted = true;
      });
  if (!wait) return accepted;
  return accepted.then(async () => {
    await gpu.queue.onSubmittedWorkDone();
    device.assertAlive();
  });
}

/**
 * Resolves once the queue has done the work submitted so far, rejecting with
 * 'device-lost' if the device was lost meanwhile. Launches that skip the error
 * scope share one probe per batch, so a warm launch stays one submit.
 */
function livenessProbe(device: TesseraDevice): Promise<void> {
  let probe = livenessProbes.get(device);
  if (probe === undefined) {
    probe = device.gpu.queue.onSubmittedWorkDone().then(() => {
      livenessProbes.delete(device);
      device.assertAlive();
    });
    livenessProbes.set(device, probe);
  }
  return probe;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function writeUniformsIfChanged(
  gpu: GPUDevice,
  entry: PipelineEntry,
  buffer: GPUBuffer,
  uniforms: ArrayBuffer,
): void {
  const bytes = new Uint8Array(uniforms);
  const last = lastUniforms.get(entry);
  if (last !== undefined && sameBytes(last, bytes)) return;
  gpu.queue.writeBuffer(buffer, 0, uniforms);
  lastUniforms.set(entry, bytes.slice());
}

/** Whether two launches bind the same buffer ranges (what a bind group captures). */
function sameBindings(a: readonly BoundTensor[], b: readonly BoundTensor[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return false;
    if (x.binding !== y.binding || x.tensor.storage !== y.tensor.storage) return false;
    if (x.tensor.byteOffset !== y.tensor.byteOffset || x.size !== y.size) return false;
  }
  return true;
}

function bindGroupFor(
  device: TesseraDevice,
  entry: PipelineEntry,
  bound: readonly BoundTensor[],
): GPUBindGroup {
  const stats = cachesFor(device).stats;
  const last = lastBindGroups.get(entry);
  if (last !== undefined && (last.bound === bound || sameBindings(last.bound, bound)) && entry.bindGroups.get(last.key) === last.bindGroup) {
    // The same tensors as the previous launch: no key to build, no LRU reshuffle.
    stats.bindGroupCacheHits++;
    return last.bindGroup;
  }
  const key = bound
    .map(({ tensor, size }) => `${tensor.storage.id}@${tensor.byteOffset}+${size}`)
    .join(',');
  const cached = entry.bindGroups.get(key);
  if (cached !== undefined) {
    stats.bindGroupCacheHits++;
    // Re-insert so the Map's order stays least-recently-used first.
    entry.bindGroups.delete(key);
    entry.bindGroups.set(key, cached);
    lastBindGroups.set(entry, { bound, key, bindGroup: cached });
    return cached;
  }
  const entries: GPUBindGroupEntry[] = bound.map(({ binding, tensor, size }) => ({
    binding,
    resource: { buffer: tensor.buffer, offset: tensor.byteOffset, size },
  }));
  if (entry.uniformBuffer !== null && entry.manifest.uniformBinding !== null) {
    entries.push({
      binding: entry.manifest.uniformBinding,
      resource: { buffer: entry.uniformBuffer },
    });
  }
  const bindGroup = device.gpu.createBindGroup({
    label: entry.manifest.kernelName,
    layout: entry.bindGroupLayout,
    entries,
  });
  stats.bindGroupsCreated++;
  entry.bindGroups.set(key, bindGroup);
  lastBindGroups.set(entry, { bound, key, bindGroup });
  if (entry.bindGroups.size > MAX_BIND_GROUPS_PER_PIPELINE) {
    const oldest = entry.bindGroups.keys().next();
    if (oldest.done !== true) entry.bindGroups.delete(oldest.value);
  }
  return bindGroup;
}

/** Own enumerable keys, counted without allocating the array Object.keys would. */
function keyCount(record: object): number {
  let count = 0;
  for (const key in record) if (Object.hasOwn(record, key)) count++;
  return count;
}

/**
 * A binding the shader views as vecN covers whole vectors: the tensor's bytes
 * rounded up (tensors are allocated in 16-byte granules and views start at
 * minStorageBufferOffsetAlignment, so the rounded range stays in the buffer).
 * The extra elements are never touched: vector accesses are issued only
 * for runs whose every lane is live, partial runs go element by element.
 */
function bindingSize(tensor: Tensor, vectorWidth: number | undefined): number {
  if (vectorWidth === undefined || vectorWidth <= 1) return tensor.byteLength;
  const granule = vectorWidth * BYTES_PER_ELEMENT;
  const rounded = Math.ceil(tensor.byteLength / granule) * granule;
  return Math.min(rounded, tensor.buffer.size - tensor.byteOffset);
}

function listOrNone(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.map((name) => `'${name}'`).join(', ');
}
