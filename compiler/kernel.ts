// `kernel(fn, options)`: the just-in-time API. It reads the kernel's source
// (fn.toString() or a string), specializes it on each launch's arguments as
// Triton does (buffer dtypes, scalar dtypes, constexpr values, invocations),
// compiles each specialization once, and launches it through the runtime.

import { getDevice, type TesseraDevice } from '../runtime/device.js';
import { dispatch } from '../runtime/dispatch.js';
import type { BufferDType } from '../runtime/manifest.js';
import { Tensor, VEC4_BYTES } from '../runtime/tensor.js';
import { BYTES_PER_ELEMENT } from '../runtime/dtypes.js';
import { compileFunction, useSubgroups, type CompileOptions, type CompileResult } from './compile.js';
import { LaunchError, TesseraError } from './errors.js';
import type { KernelFunction } from './frontend/ast.js';
import { parseKernel } from './frontend/parse.js';
import { LaunchMemo } from './launch-memo.js';
import type { ArgSpec } from './lower/lower.js';
import { isPowerOfTwo } from './ir/types.js';
import type { DotStrategy } from './ir/ops.js';

export type ScalarType = 'f32' | 'i32' | 'u32';

export interface KernelOptions {
  /** Parameters whose values are compile-time constants (Triton's tl.constexpr). */
  readonly constexprs?: readonly string[];
  /**
   * Scalar parameter types. Without one, a JS number that is an integer is
   * i32 and any other number is f32 (so pass `eps: 1e-5` safely, but declare
   * `scale: 'f32'` if it may be a whole number).
   */
  readonly types?: Readonly<Record<string, ScalarType>>;
  /** Default invocations per workgroup (Triton's num_warps * 32). */
  readonly invocations?: number;
  /** Name used in error messages instead of the function's own. */
  readonly file?: string;
  /** The identifier the kernel uses for the tl namespace (default 'tl'). */
  readonly namespace?: string;
  /**
   * Parameter names to use instead of the ones in the source. Bundlers and
   * minifiers may rename a function's parameters (esbuild turns `x` into `x2`
   * when a module-level `x` exists); naming them here keeps launches by name
   * working. Positional launches need no names at all.
   */
  readonly params?: readonly string[];
  /** Check every access against its tensor's length (see LaunchOptions.checkBounds). */
  readonly checkBounds?: boolean;
  /** How tl.dot is lowered (see LaunchOptions.dotStrategy). */
  readonly dotStrategy?: DotStrategy;
  /** Memory coalescing and vectorization (default true; see CompileOptions.coalesce). */
  readonly coalesce?: boolean;
  /** Default contiguous elements per invocation (a tunable beside `invocations`). */
  readonly elementsPerInvocation?: number;
  /** Use subgroup reductions when the device has them (default true; false forces workgroup memory). */
  readonly subgroups?: boolean;
  /** Unmasked copies of masked regions for whole tiles (see CompileOptions.fullTiles). */
  readonly fullTiles?: boolean;
  /**
   * Specialize on integer scalars divisible by 16 and on buffer alignment, as
   * Triton does (default true). False, or a list of parameter names (Triton's
   * do_not_specialize), turns it off for all or those parameters.
   */
  readonly specialize?: boolean | readonly string[];
}

export type KernelArgValue = Tensor | number | boolean;
/**
 * A kernel function as TypeScript sees it. Inside a kernel every parameter is
 * a tile, pointer or constexpr, all typed `number` (see compiler/tl.ts), so
 * `x + offs`, `X += row * stride` and `offs < n` type-check unannotated.
 */
export type KernelBody = (...params: number[]) => void;
export type KernelArgs = Readonly<Record<string, KernelArgValue>>;
/** Arguments by parameter name, or all of them in parameter order (as Triton launches). */
export type KernelArgsInput = KernelArgs | readonly KernelArgValue[];
export type GridSpec = number | readonly number[] | ((meta: KernelArgs) => number | readonly number[]);

export interface LaunchOptions {
  readonly device?: TesseraDevice;
  readonly invocations?: number;
  /** Resolve only when the GPU has finished. */
  readonly wait?: boolean;
  /**
   * Debugging mode: every load and store checks its index against the bound
   * tensor's length; the first out-of-bounds access is skipped and the launch
   * rejects with a LaunchError pointing at its source line. The launch waits
   * for the GPU. Unchecked kernels rely on WebGPU, which clamps such an index
   * to some element of the buffer: no memory is corrupted, but results are wrong.
   */
  readonly checkBounds?: boolean;
  /**
   * How tl.dot is lowered: 'workgroup' (default) stages operand tiles in
   * workgroup memory; 'registers' has each invocation load its rows and
   * columns straight from global memory. The autotuner can pick.
   */
  readonly dotStrategy?: DotStrategy;
  /** See KernelOptions.coalesce. */
  readonly coalesce?: boolean;
  /** See KernelOptions.elementsPerInvocation. */
  readonly elementsPerInvocation?: number;
  /** See KernelOptions.subgroups. */
  readonly subgroups?: boolean;
  /** See KernelOptions.fullTiles. */
  readonly fullTiles?: boolean;
  /** GPU timestamps at the start and end of the launch's compute pass (benchmarks; needs 'timestamp-query'). */
  readonly timestampWrites?: GPUComputePassTimestampWrites;
}

type KernelCompileOptions = Omit<CompileOptions, 'file' | 'namespace'> & { readonly device?: TesseraDevice };

export class Kernel {
  readonly source: string;
  readonly fn: KernelFunction;
  readonly name: string;
  /** Parameter names in order, as launches use them (the `params` option, else the source's). */
  readonly params: readonly string[];
  /** The launch name of each parameter, by its name in the source (which the manifest uses). */
  private readonly launchName: ReadonlyMap<string, string>;
  private readonly constexprs: ReadonlySet<string>;
  private readonly types: Readonly<Record<string, ScalarType>>;
  private readonly cache = new Map<string, CompileResult>();
  /** The identifier the source uses for `tl` (the option, else 'tl' or a bundler's rename of it). */
  readonly namespace: string | undefined;
  /** What the last unchecked launch resolved to (see compiler/launch-memo.ts). */
  private lastLaunch: LaunchMemo<KernelArgs> | undefined;

  constructor(
    source: string | KernelBody,
    readonly options: KernelOptions = {},
  ) {
    this.source = typeof source === 'string' ? source : source.toString();
    this.fn = parseKernel(this.source, options.file ?? kernelFileLabel(this.source));
    this.name = this.fn.name || 'kernel';
    this.namespace = options.namespace ?? renamedNamespace(this.source);
    if (options.params && options.params.length !== this.fn.params.length)
      throw new LaunchError('launch', `params lists ${options.params.length} name${options.params.length === 1 ? '' : 's'}, but kernel ${this.name} has ${this.fn.params.length} parameters (${this.fn.params.map((p) => p.name).join(', ')}); give one name per parameter, in order`);
    this.params = options.params ? [...options.params] : this.fn.params.map((p) => p.name);
    this.launchName = new Map(this.fn.params.map((p, i) => [p.name, this.params[i] ?? p.name]));
    const resolve = (name: string, what: string): string => {
      const param = this.paramFor(name);
      if (param === undefined)
        throw new LaunchError('launch', `${what} names '${name}', but kernel ${this.name} has no such parameter (parameters: ${this.params.join(', ')}); if a bundler renamed them, give the names with the 'params' option`);
      return param;
    };
    this.constexprs = new Set((options.constexprs ?? []).map((c) => resolve(c, 'constexprs')));
    this.types = Object.fromEntries(Object.entries(options.types ?? {}).map(([t, d]) => [resolve(t, 'types'), d]));
  }

  /**
   * The parameter a user-given name refers to. Besides exact names this
   * accepts esbuild's renaming (tsx, Vite): a parameter that shadows a
   * module-level name gets a number appended (`x` becomes `x2`).
   */
  private paramFor(name: string): string | undefined {
    if (this.params.includes(name)) return name;
    const renamed = this.params.filter((p) => p.replace(/\d+$/, '') === name);
    return renamed.length === 1 ? renamed[0] : undefined;
  }

  /** Arguments keyed by parameter name, from a name map or a positional list. */
  named(args: KernelArgsInput): KernelArgs {
    const names = this.params;
    if (isPositional(args)) {
      if (args.length !== names.length)
        throw new LaunchError('launch', `${this.name} takes ${names.length} arguments (${names.join(', ')}), got ${args.length}`);
      const named: Record<string, KernelArgValue> = {};
      args.forEach((value, i) => {
        const name = names[i];
        if (name !== undefined) named[name] = value;
      });
      return named;
    }
    const unknown = Object.keys(args).filter((k) => this.paramFor(k) === undefined);
    if (unknown.length)
      throw new LaunchError('launch', `${this.name} has no parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')}; its parameters are ${names.join(', ')} (if a bundler renamed them, pass the arguments positionally or name them with the 'params' option)`);
    return Object.fromEntries(Object.entries(args).map(([k, v]) => [this.paramFor(k) ?? k, v]));
  }

  /** The argument specialization for a launch's arguments (checks count and kinds). */
  specialize(input: KernelArgsInput): ArgSpec[] {
    return this.specsOf(this.named(input));
  }

  private specsOf(args: KernelArgs): ArgSpec[] {
    const names = this.params;
    const missing = names.filter((n) => !(n in args));
    if (missing.length) throw new LaunchError('launch', `${this.name} is missing argument${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} (expected ${names.join(', ')})`);
    return names.map((name) => this.specOf(name, args[name]));
  }

  private specOf(name: string, value: KernelArgValue | undefined): ArgSpec {
    if (this.constexprs.has(name)) {
      if (typeof value !== 'number' && typeof value !== 'boolean')
        throw new LaunchError('launch', `constexpr '${name}' must be a number or boolean known at launch, got ${describe(value)}`);
      return { role: 'constexpr', value };
    }
    const specialize = this.specializes(name);
    if (value instanceof Tensor) {
      const divisibility = specialize ? divisibilityOf(value.byteOffset / BYTES_PER_ELEMENT) : 1;
      // Not a specialization that can be opted out of: binding a partial last
      // vec4 is impossible, so such a buffer must be accessed element by element.
      const wholeVectors = value.byteOffset + Math.ceil(value.byteLength / VEC4_BYTES) * VEC4_BYTES <= value.buffer.size;
      return {
        role: 'buffer',
        dtype: value.dtype,
        ...(divisibility > 1 ? { divisibility } : {}),
        ...(wholeVectors ? {} : { wholeVectors: false as const }),
      };
    }
    if (typeof value === 'number') {
      const dtype = this.types[name] ?? (Number.isInteger(value) ? 'i32' : 'f32');
      // Triton's specialization: an integer argument equal to 1 (a unit
      // stride: contiguity becomes provable) or divisible by 16 compiles to its own variant.
      if (specialize && dtype !== 'f32' && value === 1) return { role: 'scalar', dtype, equalToOne: true };
      if (specialize && dtype !== 'f32' && Number.isInteger(value) && value % SPECIALIZE_DIVISOR === 0)
        return { role: 'scalar', dtype, divisibility: SPECIALIZE_DIVISOR };
      return { role: 'scalar', dtype };
    }
    if (typeof value === 'boolean')
      throw new LaunchError('launch', `argument '${name}' is a boolean; booleans are compile-time values: add '${name}' to constexprs, or pass 0/1`);
    throw new LaunchError('launch', `argument '${name}' must be a Tensor, a number, or (for constexprs) a boolean; got ${describe(value)}`);
  }

  private specializes(name: string): boolean {
    const option = this.options.specialize ?? true;
    if (typeof option === 'boolean') return option;
    return !option.some((p) => this.paramFor(p) === name);
  }

  /** Compile (or fetch from the cache) the specialization for these arguments. */
  compile(input: KernelArgsInput, options: KernelCompileOptions = {}): CompileResult {
    return this.compileNamed(this.named(input), options);
  }

  private compileNamed(args: KernelArgs, options: KernelCompileOptions): CompileResult {
    const specs = this.specsOf(args);
    const invocations = options.invocations ?? this.options.invocations;
    if (invocations !== undefined && (!isPowerOfTwo(invocations) || invocations > 1024))
      throw new LaunchError('launch', `invocations must be a power of two from 1 to 1024 (Triton's num_warps * 32), got ${invocations}`);
    const limits = options.limits ?? (options.device ? { workgroupStorageBytes: options.device.limits.maxComputeWorkgroupStorageSize } : undefined);
    const checkBounds = options.checkBounds ?? this.options.checkBounds ?? false;
    const dotStrategy = options.dotStrategy ?? this.options.dotStrategy;
    const coalesce = options.coalesce ?? this.options.coalesce ?? true;
    const elementsPerInvocation = options.elementsPerInvocation ?? this.options.elementsPerInvocation;
    const features = options.features ?? options.device?.features;
    const requested = options.subgroups ?? this.options.subgroups;
    const subgroups = useSubgroups({ ...(requested !== undefined ? { subgroups: requested } : {}), ...(features ? { features } : {}) });
    const adapter = options.device?.adapterInfo;
    const subgroupSize = options.subgroupSize ?? adapter?.subgroupMaxSize;
    const subgroupMinSize = options.subgroupMinSize ?? adapter?.subgroupMinSize;
    const softwareAdapter = options.softwareAdapter ?? adapter?.isFallbackAdapter ?? false;
    const fullTiles = options.fullTiles ?? this.options.fullTiles;
    const key = `${JSON.stringify(specs)}|${invocations ?? ''}|${limits?.workgroupStorageBytes ?? ''}|${checkBounds}|${coalesce}|${elementsPerInvocation ?? ''}|${subgroups}|${subgroupSize ?? ''}|${subgroupMinSize ?? ''}|${softwareAdapter}|${fullTiles ?? ''}|${dotStrategy ?? ''}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const result = compileFunction(this.fn, this.source, specs, {
      ...options,
      ...(invocations !== undefined ? { invocations } : {}),
      ...(limits ? { limits } : {}),
      checkBounds,
      ...(dotStrategy ? { dotStrategy } : {}),
      coalesce,
      ...(elementsPerInvocation !== undefined ? { elementsPerInvocation } : {}),
      subgroups,
      ...(features ? { features } : {}),
      ...(subgroupSize !== undefined ? { subgroupSize } : {}),
      ...(subgroupMinSize !== undefined ? { subgroupMinSize } : {}),
      softwareAdapter,
      ...(fullTiles !== undefined ? { fullTiles } : {}),
      ...(this.options.file ? { file: this.options.file } : {}),
      ...(this.namespace ? { namespace: this.namespace } : {}),
    });
    this.cache.set(key, result);
    return result;
  }

  /** Compile if needed, then launch on the grid. */
  launch(grid: GridSpec, input: KernelArgsInput, options: LaunchOptions = {}): Promise<void> {
    const memo = this.lastLaunch;
    if (memo === undefined || !memo.matches(input, options)) return this.launchFully(grid, input, options);
    try {
      const { device, compiled, tensors, scalars, args } = memo;
      const dims = resolveGrid(grid, args, this.name);
      return dispatch(device, compiled, { tensors, scalars, grid: dims, ...(options.wait ? { wait: true } : {}), ...(options.timestampWrites ? { timestampWrites: options.timestampWrites } : {}) });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async launchFully(grid: GridSpec, input: KernelArgsInput, options: LaunchOptions): Promise<void> {
    const args = this.named(input);
    const device = options.device ?? firstTensorDevice(args) ?? (await getDevice());
    const compiled = this.compileNamed(args, {
      device,
      ...(options.invocations !== undefined ? { invocations: options.invocations } : {}),
      ...(options.checkBounds !== undefined ? { checkBounds: options.checkBounds } : {}),
      ...(options.dotStrategy !== undefined ? { dotStrategy: options.dotStrategy } : {}),
      ...(options.coalesce !== undefined ? { coalesce: options.coalesce } : {}),
      ...(options.elementsPerInvocation !== undefined ? { elementsPerInvocation: options.elementsPerInvocation } : {}),
      ...(options.subgroups !== undefined ? { subgroups: options.subgroups } : {}),
      ...(options.fullTiles !== undefined ? { fullTiles: options.fullTiles } : {}),
    });
    // The manifest names parameters as the source does; args use this.params.
    const argOf = (param: string): KernelArgValue | undefined => args[this.launchName.get(param) ?? param];
    const tensors: Record<string, Tensor> = {};
    const scalars: Record<string, number> = {};
    for (const b of compiled.manifest.buffers) {
      const t = argOf(b.param);
      if (t instanceof Tensor) tensors[b.param] = t;
    }
    for (const u of compiled.manifest.uniforms) {
      const v = argOf(u.param);
      if (typeof v === 'number') scalars[u.param] = v;
    }
    const check = compiled.manifest.boundsCheck;
    // A report buffer per checked launch, so concurrent launches cannot mix reports.
    const bounds = check ? device.empty('u32', 2) : undefined;
    if (check && bounds) tensors[check.param] = bounds;
    const wait = options.wait === true || bounds !== undefined;
    // Checked launches need a fresh report buffer each time, so only unchecked ones are remembered.
    this.lastLaunch = check ? undefined : new LaunchMemo(input, options, args, device, compiled, tensors, scalars);
    await dispatch(device, compiled, { tensors, scalars, grid: resolveGrid(grid, args, this.name), ...(wait ? { wait: true } : {}), ...(options.timestampWrites ? { timestampWrites: options.timestampWrites } : {}) });
    if (check && bounds) {
      const [site = 0, index = 0] = await bounds.read();
      bounds.destroy();
      const where = check.sites[site - 1];
      if (where) {
        const tensor = argOf(where.buffer);
        const length = tensor instanceof Tensor ? tensor.length : 0;
        const at = index | 0; // the report holds the index's bits as u32
        throw new LaunchError(
          'launch',
          `out-of-bounds ${where.kind}: element ${at} of '${where.buffer}', which has ${length} elements (the access was skipped). Mask it (tl.${where.kind}(ptr, ${where.kind === 'load' ? '{ mask, other }' : 'value, { mask }'})) or pass a larger tensor`,
          where,
          this.source,
        );
      }
    }
  }
}

/** Integer arguments and buffer offsets are specialized on divisibility by this (Triton's 16). */
const SPECIALIZE_DIVISOR = 16;

/** The largest power of two up to 16 dividing an element offset (0 counts as 16). */
function divisibilityOf(elementOffset: number): number {
  let d = 1;
  while (d < SPECIALIZE_DIVISOR && elementOffset % (d * 2) === 0) d *= 2;
  return d;
}

export function kernel(fn: string | KernelBody, options: KernelOptions = {}): Kernel {
  return new Kernel(fn, options);
}

function isPositional(args: KernelArgsInput): args is readonly KernelArgValue[] {
  return Array.isArray(args);
}

function resolveGrid(grid: GridSpec, args: KernelArgs, name: string): number[] {
  let g: number | readonly number[];
  try {
    g = typeof grid === 'function' ? grid(args) : grid;
  } catch (error) {
    if (error instanceof TesseraError) throw error;
    throw new LaunchError('launch', `the grid function of kernel ${name} threw: ${error instanceof Error ? error.message : String(error)}`);
  }
  const dims = typeof g === 'number' ? [g] : [...g];
  if (dims.length < 1 || dims.length > 3)
    throw new LaunchError('launch', `the grid of kernel ${name} must have 1 to 3 dimensions (a number, [x], [x, y] or [x, y, z]), got ${dims.length}: [${dims.join(', ')}]`);
  return dims;
}

export function firstTensorDevice(args: KernelArgs): TesseraDevice | undefined {
  for (const v of Object.values(args)) if (v instanceof Tensor) return v.device;
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (value instanceof Tensor) return `a tensor of dtype ${value.dtype}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} (upload it with device.tensor(...) first)`;
  if (Array.isArray(value)) return 'an array (upload it with device.tensor(...) first)';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/**
 * The name a bundler gave `tl`, if it renamed it. Bundling flattens modules
 * into one scope, so esbuild (Vite, tsx) renames a module-level `tl` that
 * collides with another module's to `tl2`, `tl3`, ...; the kernel's source text
 * then says `tl4.load(...)`. Accepted only when the source never says `tl.`
 * and uses exactly one such name.
 */
function renamedNamespace(source: string): string | undefined {
  if (/(?<![\w$])tl\s*\./.test(source)) return undefined;
  const names = new Set(Array.from(source.matchAll(/(?<![\w$])(tl\d+)\s*\./g), (m) => m[1]));
  return names.size === 1 ? [...names][0] : undefined;
}

/** A label for errors in kernels given as functions, where no file is known. */
function kernelFileLabel(source: string): string {
  const name = /function\s*\*?\s*([A-Za-z_$][\w$]*)/.exec(source)?.[1];
  return `<kernel ${name ?? 'anonymous'}>`;
}

export type { BufferDType };
