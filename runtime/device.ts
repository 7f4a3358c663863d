// The WebGPU device Tessera runs on, wrapped with what the runtime needs:
// a printable name, the features and limits it was granted, loss tracking,
// submission ordering and the readback pool.
//
// Where the device comes from:
// - Browser, Deno, Bun (or Node where someone already installed one): `navigator.gpu`.
// - Node: Dawn, from the npm package `webgpu`, loaded with a dynamic import so
//   that a browser bundle never sees a Node-only module.

import { LaunchError } from '../compiler/errors.js';
import { describeValue } from './dtypes.js';
import type { BufferDType } from './manifest.js';
import { SubmissionOrder } from './ordering.js';
import { StagingPool } from './staging.js';
import { createTensor, dtypeOfArray, type ArrayFor, type Tensor } from './tensor.js';

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
     * results once this object is garbage-collected.
     */
    readonly instance: GPU,
    /** 'dawn': Dawn loaded from npm `webgpu` in Node; 'navigator': the environment's `navigator.gpu`. */
    readonly source: 'dawn' | 'navigator',
  ) {
    this.name = describeAdapter(adapterInfo);
    this.features = new Set(gpu.features);
    this.limits = gpu.limits;
    this.staging = new StagingPool(gpu, gpu.limits.maxBufferSize);
    this.lost = gpu.lost.then((info) => {
      this.markLost({ reason: info.reason, message: info.message });
      return this.loss ?? { reason: info.reason, message: info.message };
    });
  }

  get isLost(): boolean {
    return this.loss !== null;
  }

  /** Throws the 'device' error every operation on a lost device gets. */
  assertAlive(): void {
    if (this.loss === null) return;
    const { reason, message } = this.loss;
    throw new LaunchError(
      'device',
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

  const requiredFeatures = OPTIONAL_FEATURES.filter((feature) => adapter.features.has(feature));
  const requiredLimits: Record<string, number> = {};
  for (const limit of BEST_LIMITS) requiredLimits[limit] = adapter.limits[limit];
  let gpu: GPUDevice;
  try {
    gpu = await adapter.requestDevice({ requiredFeatures, requiredLimits, label: 'tessera' });
  } catch (error) {
    throw new LaunchError(
      'device',
      `the WebGPU adapter refused to create a device: ${errorText(error)}`,
    );
  }
  const source = instance === dawnInstance ? 'dawn' : 'navigator';
  return new TesseraDevice(gpu, readAdapterInfo(adapter), instance, source);
}

/** `navigator.gpu` where it exists, else Dawn in Node. */
async function webgpuInstance(): Promise<GPU> {
  // Typed as always present by lib.dom, but absent in Node and older browsers.
  const navigatorGpu: GPU | undefined =
    typeof navigator === 'undefined' ? undefined : navigator.gpu;
  if (navigatorGpu !== undefined) return navigatorGpu;
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
  // A variable specifier so bundlers building for the browser do not try to
  // resolve (and bundle) the Node-only native module.
  const specifier = 'webgpu';
  let loaded: unknown;
  try {
    loaded = await import(/* @vite-ignore */ specifier);
  } catch (error) {
    throw new LaunchError(
      'device',
      `cannot load Dawn, the WebGPU implementation for Node (npm package 'webgpu'): ${errorText(error)}. ` +
        'Install it with `npm install webgpu`.',
    );
  }
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

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

function readAdapterInfo(adapter: GPUAdapter): AdapterDescription {
  // `adapter.info` is missing in older browsers; treat it as unknown there.
  const info: Partial<GPUAdapterInfo> & { readonly subgroupMinSize?: unknown; readonly subgroupMaxSize?: unknown } = adapter.info ?? {};
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
      'no WebGPU adapter found. Tessera runs on Dawn (npm `webgpu`), which needs a Vulkan driver. ' +
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

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
