// The WebGPU device Tessera runs on, wrapped with what the runtime needs:
// a printable name, the features and limits it was granted, loss tracking,
// submission ordering and the readback pool.
//
// Where the device comes from:
// - Browser, Deno (or Node/Bun where someone already installed one): `navigator.gpu`.
// - Bun: Dawn through npm `bun-webgpu`, whose setupGlobals() installs `navigator.gpu` (bun.ts).
// - Node: Dawn, from the npm package `webgpu`.
// Both packages are loaded with a dynamic import of a variable specifier, so
// that a browser bundle never sees a runtime-specific module.
// - Another library's GPUDevice: TesseraDevice.fromGPUDevice() (see interop in the README).

import { LaunchError } from '../compiler/errors.js';
import { describeValue } from './dtypes.js';
import type { BufferDType } from './manifest.js';
import { SubmissionOrder } from './ordering.js';
import { bunNavigatorGpu, currentNavigatorGpu, isBun } from './bun.js';
import { errorText, importOptionalPackage } from './optional-import.js';
import { StagingPool } from './staging.js';
import {
  createTensor,
  dtypeOfArray,
  wrapExternalBuffer,
  type ArrayFor,
  type Tensor,
} from './tensor.js';

export interface DeviceOptions {
  readonly powerPreference?: GPUPowerPreference;
  /**
   * true (default): the process-wide device for these options, created once and
   * cached (concurrent callers share it). false: a private device nobody else
   * sees, e.g. for a test that destroys it.
   */
  readonly shared?: boolean;
}

/** What the adapter says about itself; empty strings where it says nothing. */
export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** The adapter's subgroup sizes where it reports them (with the `subgroups` feature); tunes defaults only. */
  readonly subgroupMinSize?: number;
  readonly subgroupMaxSize?: number;
  /** The adapter is a software implementation on the CPU (lavapipe, SwiftShader), where it says so; tunes defaults only. */
  readonly isFallbackAdapter?: boolean;
}

export interface DeviceLoss {
  readonly reason: string;
  readonly message: string;
}

/** Features Tessera can use when the adapter offers them; requested automatically. */
const OPTIONAL_FEATURES: readonly GPUFeatureName[] = ['shader-f16', 'subgroups', 'timestamp-query'];

/**
 * Limits requested at the adapter's best value (its maximum, or for the
 * alignments its minimum), because kernels, tensors and views hit the defaults.
 */
const BEST_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxStorageBuffersPerShaderStage',
  'minStorageBufferOffsetAlignment',
] as const satisfies readonly (keyof GPUSupportedLimits)[];

export class TesseraDevice {
  /** e.g. "mesa software llvmpipe (llvmpipe: Mesa 25.0.7 ...)", or "unknown". */
  readonly name: string;
  readonly features: ReadonlySet<string>;
  readonly limits: GPUSupportedLimits;
  /** Resolves when the device is lost (destroyed, driver reset, ...). */
  readonly lost: Promise<DeviceLoss>;
  /** Orders writes, launches and reads whose submission had to wait. */
  readonly order = new SubmissionOrder();
  readonly staging: StagingPool;
  private loss: DeviceLoss | null = null;

  constructor(
    readonly gpu: GPUDevice,
    readonly adapterInfo: AdapterDescription,
    /**
     * The `navigator.gpu` (or Dawn instance) the device came from. Held here
     * because Dawn in Node stops delivering `mapAsync` / `onSubmittedWorkDone`
     * results once this object is garbage-collected. null for a device from
     * fromGPUDevice(), whose owner keeps its instance alive.
     */
    readonly instance: GPU | null,
    /**
     * 'dawn': Dawn loaded from npm `webgpu` in Node; 'navigator': the
     * environment's `navigator.gpu` (bun-webgpu's, in Bun); 'external': a
     * GPUDevice someone else created, given to fromGPUDevice().
     */
    readonly source: 'dawn' | 'navigator' | 'external',
  ) {
    this.name = describeAdapter(adapterInfo);
    this.features = new Set(gpu.features);
    this.limits = gpu.limits;
    this.staging = new StagingPool(gpu, gpu.limits.maxBufferSize);
    wrappers.set(gpu, this);
    this.lost = gpu.lost.then((info) => {
      this.markLost({ reason: info.reason, message: info.message });
      return this.loss ?? { reason: info.reason, message: info.message };
    });
  }

  /**
   * The TesseraDevice for a GPUDevice created elsewhere (by the app, or by
   * another library such as TensorFlow.js), so Tessera kernels run on the
   * same device and its buffers (see wrapBuffer). The same GPUDevice always
   * gives the same TesseraDevice, so pipelines are cached once. Tessera
   * neither requests features nor raises limits on such a device: it uses what
   * its creator asked for. destroy() on the wrapper destroys the GPUDevice.
   */
  static fromGPUDevice(gpu: GPUDevice, adapterInfo?: AdapterDescription): TesseraDevice {
    const existing = wrappers.get(gpu);
    if (existing !== undefined) return existing;
    if (typeof gpu?.createBuffer !== 'function' || typeof gpu.queue?.submit !== 'function') {
      throw new LaunchError(
        'device',
        `TesseraDevice.fromGPUDevice() takes a GPUDevice, got ${describeValue(gpu)}`,
      );
    }
    const info = adapterInfo ?? readAdapterInfo(gpu.adapterInfo);
    return new TesseraDevice(gpu, info, null, 'external');
  }

  /**
   * A tensor over `length` elements of a GPUBuffer owned by someone else (on
   * this device), starting `byteOffset` bytes in. Give the length explicitly:
   * libraries round buffer sizes up (TensorFlow.js pads them), so the buffer
   * may be larger than the data. The tensor never destroys the buffer: its
   * destroy() only stops Tessera from using it; the owner frees it. The buffer
   * needs STORAGE usage to be bound to kernels, COPY_SRC for read() and
   * COPY_DST for write() and fill().
   */
  wrapBuffer<D extends BufferDType>(
    buffer: GPUBuffer,
    options: { readonly dtype: D; readonly length: number; readonly byteOffset?: number },
  ): Tensor<D> {
    return wrapExternalBuffer(this, buffer, options.dtype, options.length, options.byteOffset ?? 0);
  }

  get isLost(): boolean {
    return this.loss !== null;
  }

  /** Throws the 'device' error every operation on a lost device gets. */
  assertAlive(): void {
    if (this.loss === null) return;
    const { reason, message } = this.loss;
    throw new LaunchError(
      'device-lost',
      `the WebGPU device '${this.name}' was lost (${reason}${message ? `: ${message}` : ''}); ` +
        'call getDevice() again for a new device and re-create its tensors on it',
    );
  }

  /** A tensor holding a copy of `data`, with the dtype of its typed array. */
  tensor(data: Float32Array): Tensor<'f32'>;
  tensor(data: Int32Array): Tensor<'i32'>;
  tensor(data: Uint32Array): Tensor<'u32'>;
  tensor<D extends BufferDType>(data: readonly number[] | ArrayFor<D>, dtype: D): Tensor<D>;
  tensor(
    data: Float32Array | Int32Array | Uint32Array | readonly number[],
    dtype?: BufferDType,
  ): Tensor {
    const arrayDType = Array.isArray(data) ? undefined : dtypeOfArray(data);
    const resolved = dtype ?? arrayDType;
    if (resolved === undefined) {
      throw new LaunchError(
        'launch',
        Array.isArray(data)
          ? 'device.tensor(numbers, dtype) needs a dtype for a plain array'
          : `device.tensor() takes a Float32Array, Int32Array or Uint32Array, got ${describeValue(data)}; ` +
              'convert it first (e.g. Float32Array.from(data))',
      );
    }
    return createTensor(this, resolved, data.length, data);
  }

  /** A zero-filled tensor of `length` elements. */
  empty<D extends BufferDType>(dtype: D, length: number): Tensor<D> {
    return createTensor(this, dtype, length);
  }

  /** Destroys the device; later operations throw a 'device' error. */
  destroy(): void {
    this.markLost({ reason: 'destroyed', message: 'TesseraDevice.destroy() was called' });
    this.gpu.destroy();
  }

  private markLost(loss: DeviceLoss): void {
    if (this.loss !== null) return;
    this.loss = loss;
    this.staging.clear();
    forgetSharedDevice(this);
  }
}

/** The wrapper of each GPUDevice, so wrapping one twice gives the same TesseraDevice. */
const wrappers = new WeakMap<GPUDevice, TesseraDevice>();

// ---------------------------------------------------------------------------
// Acquiring the device

/** A shared device per options key: the pending acquisition, then the device. */
interface SharedSlot {
  readonly pending: Promise<TesseraDevice>;
  device?: TesseraDevice;
}
const sharedDevices = new Map<string, SharedSlot>();
/** Dawn's instance in Node, created once per process and never released. */
let dawnInstance: GPU | undefined;

/**
 * The WebGPU device Tessera uses. Shared (cached per options) unless
 * `shared: false`; after the shared device is lost, the next call acquires a
 * new one.
 */
export function getDevice(options: DeviceOptions = {}): Promise<TesseraDevice> {
  if (options.shared === false) return acquireDevice(options);
  const key = options.powerPreference ?? 'default';
  const cached = sharedDevices.get(key);
  // Belt and braces: a lost device is also dropped from the cache when it is lost.
  if (cached !== undefined && cached.device?.isLost !== true) return cached.pending;
  const pending = acquireDevice(options);
  const slot: SharedSlot = { pending };
  sharedDevices.set(key, slot);
  pending.then(
    (device) => {
      slot.device = device;
    },
    // A failed acquisition is not cached: the next call retries (e.g. after setup).
    () => {
      if (sharedDevices.get(key) === slot) sharedDevices.delete(key);
    },
  );
  return pending;
}

function forgetSharedDevice(device: TesseraDevice): void {
  for (const [key, slot] of sharedDevices) if (slot.device === device) sharedDevices.delete(key);
}

async function acquireDevice(options: DeviceOptions): Promise<TesseraDevice> {
  const instance = await webgpuInstance();
  const adapterOptions: GPURequestAdapterOptions = {};
  if (options.powerPreference !== undefined)
    adapterOptions.powerPreference = options.powerPreference;
  let adapter: GPUAdapter | null;
  try {
    adapter = await instance.requestAdapter(adapterOptions);
  } catch (error) {
    throw new LaunchError(
      'device',
      `${noAdapterMessage()} (requestAdapter failed: ${errorText(error)})`,
    );
  }
  if (adapter === null) throw new LaunchError('device', noAdapterMessage());
  if (isNullBackend(adapter)) {
    // Dawn (bun-webgpu, for one) falls back to its null backend when it cannot
    // load Vulkan: a device that accepts work and computes nothing.
    throw new LaunchError(
      'device',
      `${noAdapterMessage()} (the only adapter is Dawn's null backend, which computes nothing: Vulkan did not load)`,
    );
  }

  const requiredFeatures = OPTIONAL_FEATURES.filter((feature) => adapter.features.has(feature));
  const requiredLimits: Record<string, number> = {};
  for (const limit of BEST_LIMITS) requiredLimits[limit] = adapter.limits[limit];
  let gpu: GPUDevice;
  try {
    gpu = await adapter.requestDevice({ requiredFeatures, requiredLimits, label: 'tessera' });
  } catch (error) {
    // Some implementations reject any requiredLimits (bun-webgpu 0.1 validates
    // the limits it fills in itself against the adapter's): the default limits
    // are a smaller device, not no device.
    try {
      gpu = await adapter.requestDevice({ requiredFeatures, label: 'tessera' });
    } catch {
      throw new LaunchError(
        'device',
        `the WebGPU adapter refused to create a device: ${errorText(error)}`,
      );
    }
  }
  const source = instance === dawnInstance ? 'dawn' : 'navigator';
  return new TesseraDevice(gpu, readAdapterInfo(adapter.info), instance, source);
}

function isNullBackend(adapter: GPUAdapter): boolean {
  return adapter.info?.device === 'null-backend';
}

/** `navigator.gpu` where it exists, else bun-webgpu's in Bun, else Dawn in Node. */
async function webgpuInstance(): Promise<GPU> {
  const navigatorGpu = currentNavigatorGpu();
  if (navigatorGpu !== undefined) return navigatorGpu;
  if (isBun()) return await bunNavigatorGpu();
  if (!isNode()) throw new LaunchError('device', noAdapterMessage());
  if (dawnInstance !== undefined) return dawnInstance;
  const dawn = await importDawn();
  installWebGpuGlobals(dawn.globals);
  // Deliberately not assigned to navigator.gpu: on Node 21+ `navigator` exists
  // and belongs to Node, and a reference there keeps the process from exiting.
  try {
    dawnInstance = dawn.create([]);
  } catch (error) {
    throw new LaunchError(
      'device',
      `${noAdapterMessage()} (Dawn failed to start: ${errorText(error)})`,
    );
  }
  return dawnInstance;
}

interface DawnModule {
  create(flags: string[]): GPU;
  globals: object;
}

async function importDawn(): Promise<DawnModule> {
  const loaded = await importOptionalPackage(
    'webgpu',
    (reason) => `cannot load Dawn, the WebGPU implementation for Node (npm package 'webgpu'): ${reason}. Install it with \`npm install webgpu\`.`,
  );
  if (!isDawnModule(loaded)) {
    throw new LaunchError(
      'device',
      "the npm package 'webgpu' does not export create() and globals",
    );
  }
  return loaded;
}

function isDawnModule(value: unknown): value is DawnModule {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { create?: unknown; globals?: unknown };
  return typeof candidate.create === 'function' && typeof candidate.globals === 'object';
}

/** GPUBufferUsage, GPUMapMode, ... as globals, without replacing existing ones. */
function installWebGpuGlobals(globals: object): void {
  for (const [name, value] of Object.entries(globals)) {
    if (name in globalThis) continue;
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
  }
}

export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

function readAdapterInfo(adapterInfo: GPUAdapterInfo | undefined): AdapterDescription {
  // `adapter.info` / `device.adapterInfo` are missing in older browsers; unknown there.
  const info: Partial<GPUAdapterInfo> & { readonly subgroupMinSize?: unknown; readonly subgroupMaxSize?: unknown; readonly isFallbackAdapter?: unknown } = adapterInfo ?? {};
  const size = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
  const min = size(info.subgroupMinSize);
  const max = size(info.subgroupMaxSize);
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    ...(min !== undefined ? { subgroupMinSize: min } : {}),
    ...(max !== undefined ? { subgroupMaxSize: max } : {}),
    ...(typeof info.isFallbackAdapter === 'boolean' ? { isFallbackAdapter: info.isFallbackAdapter } : {}),
  };
}

function describeAdapter(info: AdapterDescription): string {
  const head = [info.vendor, info.architecture, info.device]
    .filter((part) => part !== '')
    .join(' ');
  if (head === '') return info.description === '' ? 'unknown' : info.description;
  return info.description === '' ? head : `${head} (${info.description})`;
}

function noAdapterMessage(): string {
  if (isNode()) {
    return (
      `no WebGPU adapter found. Tessera runs on Dawn (npm \`${isBun() ? 'bun-webgpu' : 'webgpu'}\`), which needs a Vulkan driver. ` +
      "On a machine without a GPU (Debian 12) run `bash scripts/setup.sh`: it installs Mesa's " +
      "lavapipe (software Vulkan) from bookworm-backports, since Debian 12's own Mesa is too old for Dawn. " +
      "Elsewhere install your GPU's Vulkan driver (or `mesa-vulkan-drivers`), and set XDG_RUNTIME_DIR if it is unset."
    );
  }
  return (
    'no WebGPU adapter found: this environment has no `navigator.gpu` or it returned no adapter. ' +
    'Use a browser with WebGPU enabled (Chrome or Edge 113+, or a recent Safari or Firefox; headless ' +
    'Chromium needs --enable-unsafe-webgpu), or run under Node with the `webgpu` package.'
  );
}
