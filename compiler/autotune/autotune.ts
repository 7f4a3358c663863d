// `autotune(kernel, { configs, key })`: Triton's @triton.autotune for Tessera.
//
// On a launch whose key (the values of the arguments named in `key`, the
// dtypes of every tensor argument, and the device) has no result yet, the
// tuner
//   1. prunes the configs against the device's limits, before compiling any
//      (prune.ts): a config that cannot run is never compiled;
//   2. compiles and times each survivor on the device: `warmup` launches
//      (the first also JIT-compiles the shader), then the median of `runs`
//      launches, each from submit to the GPU being done;
//   3. keeps the fastest, in memory and persistently (store.ts: a JSON file in
//      Node, localStorage in a browser), and prints a summary (report.ts).
// Later launches with that key, in this process or another one, use the
// stored config without timing anything. `useConfig` skips tuning entirely.
//
// Tuning runs the kernel several times with the caller's arguments, so it
// must be safe to repeat (as Triton requires); name tensors it updates in
// place in `restoreValue` and they are restored after tuning.

import type { TesseraDevice } from '../../runtime/device.js';
import { getDevice } from '../../runtime/device.js';
import { Tensor } from '../../runtime/tensor.js';
import { sourceHash } from '../compile.js';
import { LaunchError, TesseraError } from '../errors.js';
import { firstTensorDevice, type GridSpec, type Kernel, type KernelArgs, type KernelArgsInput, type KernelArgValue, type LaunchOptions } from '../kernel.js';
import { pruneReason, type AutotuneConfig } from './prune.js';
import { describeConfig, summarize, terminalProgress, type AutotuneProgress } from './report.js';
import { defaultStore, parseResults, serializeResults, type ResultStore, type TimedConfig, type TunedEntry } from './store.js';

export interface AutotuneOptions {
  readonly configs: readonly AutotuneConfig[];
  /** Argument names whose values select a tuned result (Triton's key), e.g. ['M', 'N', 'K']. */
  readonly key: readonly string[];
  /** Launches before timing each config (the first JIT-compiles the shader). Default 1. */
  readonly warmup?: number;
  /** Timed launches per config; the median counts. Default 3. */
  readonly runs?: number;
  /** Node: the JSON file of results (default .tessera-cache/autotune.json); false: memory only. */
  readonly cacheFile?: string | false;
  /** Skip tuning: always launch with this config. */
  readonly useConfig?: AutotuneConfig;
  /** Called after each config is timed or pruned (a progress bar is drawn on a terminal regardless). */
  readonly onProgress?: (p: AutotuneProgress) => void;
  /** Draw a progress bar when stderr is a terminal (default true). */
  readonly progressBar?: boolean;
  /** Where the summary goes: a function, false for nowhere, or console.log (default). */
  readonly log?: ((text: string) => void) | false;
  /** Tensors the kernel updates in place: saved before tuning and restored after it. */
  readonly restoreValue?: readonly string[];
}

/** What the tuner has done in this process (tests and tools read it). */
export interface AutotuneStats {
  /** Configs compiled for timing. */
  compiled: number;
  /** Launches made while timing (warm-up included). */
  timedLaunches: number;
  /** Keys tuned here. */
  tuned: number;
  /** Keys answered by stored results (memory, file, import). */
  reused: number;
}

export class Autotuner {
  private readonly entries = new Map<string, TunedEntry>();
  private readonly store: ResultStore | null;
  private loaded: Promise<void> | null = null;
  /** Tuning in flight per key, so concurrent launches tune once. */
  private readonly inFlight = new Map<string, Promise<TunedEntry>>();
  readonly stats: AutotuneStats = { compiled: 0, timedLaunches: 0, tuned: 0, reused: 0 };

  constructor(
    readonly kernel: Kernel,
    readonly options: AutotuneOptions,
  ) {
    if (options.configs.length === 0 && !options.useConfig)
      throw new LaunchError('launch', `autotune(${kernel.name}) needs at least one config`);
    for (const name of options.key)
      if (!kernel.params.includes(name))
        throw new LaunchError('launch', `autotune key names '${name}', but kernel ${kernel.name} has no such parameter (parameters: ${kernel.params.join(', ')})`);
    this.store = defaultStore(options.cacheFile);
    this.kernelHash = sourceHash(JSON.stringify(kernel.fn, structural));
  }

  /** Where results persist ('memory only' without a store). */
  get storage(): string {
    return this.store?.where ?? 'memory only';
  }

  /**
   * The kernel's identity in keys: a hash of its syntax tree without source
   * positions and literal spellings, so the same kernel keeps its key however
   * a transpiler printed it (tsx minifies function text, vitest does not).
   */
  private readonly kernelHash: string;

  /** The key of a launch: kernel (structure), device, key argument values and tensor dtypes. */
  keyOf(args: KernelArgs, device: TesseraDevice): string {
    const values = this.options.key.map((k) => `${k}=${describeArg(args[k])}`);
    const dtypes = this.kernel.params.flatMap((p) => {
      const v = args[p];
      return v instanceof Tensor ? [`${p}:${v.dtype}`] : [];
    });
    return `${this.kernel.name}#${this.kernelHash}|${device.name}|${values.join(',')}|${dtypes.join(',')}`;
  }

  /** The config a launch with these arguments uses, tuning first if needed. */
  async best(input: KernelArgsInput, options: { readonly device?: TesseraDevice; readonly grid?: GridSpec } = {}): Promise<AutotuneConfig> {
    if (this.options.useConfig) return this.options.useConfig;
    const args = this.kernel.named(input);
    const device = options.device ?? firstTensorDevice(args) ?? (await getDevice());
    return this.configFor(args, device, options.grid);
  }

  /** Launch with the best config for these arguments (the config's constexprs are merged in). */
  async launch(grid: GridSpec, input: KernelArgsInput, options: LaunchOptions = {}): Promise<void> {
    const args = this.kernel.named(input);
    const device = options.device ?? firstTensorDevice(args) ?? (await getDevice());
    const config = await this.configFor(args, device, grid);
    await this.kernel.launch(grid, withConfig(args, config), launchOptions(options, config, device));
  }

  /** The given config, or the tuned one for these (already named) arguments' key. */
  private async configFor(args: KernelArgs, device: TesseraDevice, grid: GridSpec | undefined): Promise<AutotuneConfig> {
    if (this.options.useConfig) return this.options.useConfig;
    return (await this.entryFor(this.keyOf(args, device), args, device, grid)).config;
  }

  /** Every result known to this tuner, as JSON an app can ship and import. */
  exportResults(): string {
    return serializeResults(Object.fromEntries(this.entries));
  }

  /** Add results (from exportResults, possibly of another process); they win over stored ones. */
  importResults(json: string): void {
    for (const [key, entry] of Object.entries(parseResults(json))) this.entries.set(key, entry);
  }

  /** The summary of a tuned key (see report.ts), or undefined. */
  summary(input: KernelArgsInput, device: TesseraDevice): string | undefined {
    const key = this.keyOf(this.kernel.named(input), device);
    const entry = this.entries.get(key);
    return entry ? summarize(this.kernel.name, key, entry) : undefined;
  }

  private async entryFor(key: string, args: KernelArgs, device: TesseraDevice, grid: GridSpec | undefined): Promise<TunedEntry> {
    const known = this.entries.get(key);
    if (known) {
      this.stats.reused++;
      return known;
    }
    await this.loadStore();
    const stored = this.entries.get(key);
    if (stored) {
      this.stats.reused++;
      return stored;
    }
    const running = this.inFlight.get(key);
    if (running) return running;
    if (!grid) throw new LaunchError('launch', `autotune(${this.kernel.name}): no tuned result for this key yet; tune it with a launch (which knows the grid)`);
    const tuning = this.tune(key, args, device, grid).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, tuning);
    return tuning;
  }

  private loadStore(): Promise<void> {
    if (!this.loaded) {
      this.loaded = (async () => {
        if (!this.store) return;
        const stored = await this.store.load();
        // Entries already in memory (imported) win over stored ones.
        for (const [key, entry] of Object.entries(stored)) if (!this.entries.has(key)) this.entries.set(key, entry);
      })();
    }
    return this.loaded;
  }

  private async tune(key: string, args: KernelArgs, device: TesseraDevice, grid: GridSpec): Promise<TunedEntry> {
    const configs = this.options.configs;
    const specsFor = (config: AutotuneConfig) => this.kernel.specialize(withConfig(args, config));
    const bar = this.options.progressBar === false ? null : await terminalProgress(configs.length, this.kernel.name);
    const saved = await this.saveRestored(args);
    const table: TimedConfig[] = [];
    const warmup = Math.max(0, this.options.warmup ?? 1);
    const runs = Math.max(1, this.options.runs ?? 3);
    try {
      for (const [i, config] of configs.entries()) {
        let outcome: TimedConfig;
        const reason = pruneReason(this.kernel, specsFor(config), config, device.limits);
        if (reason !== null) outcome = { config, medianMs: null, note: `pruned: ${reason}` };
        else outcome = await this.time(config, args, device, grid, warmup, runs);
        table.push(outcome);
        const progress: AutotuneProgress = { done: i + 1, total: configs.length, key, config };
        bar?.update(progress);
        this.options.onProgress?.(progress);
      }
    } finally {
      bar?.stop();
      await this.restore(saved);
    }
    const timed = table.filter((t): t is TimedConfig & { medianMs: number } => t.medianMs !== null);
    if (timed.length === 0)
      throw new LaunchError('launch', `autotune(${this.kernel.name}): no config can run on this device:\n${table.map((t) => `  ${describeConfig(t.config)}: ${t.note ?? ''}`).join('\n')}`);
    const winner = timed.reduce((a, b) => (b.medianMs < a.medianMs ? b : a));
    const entry: TunedEntry = { config: winner.config, medianMs: winner.medianMs, table, tunedAt: new Date().toISOString() };
    this.entries.set(key, entry);
    this.stats.tuned++;
    if (this.store) {
      // Merge with what another process may have stored meanwhile.
      const latest = await this.store.load();
      await this.store.save({ ...latest, [key]: entry });
    }
    const log = this.options.log === undefined ? (text: string) => console.log(text) : this.options.log;
    if (log) log(summarize(this.kernel.name, key, entry));
    return entry;
  }

  private async time(config: AutotuneConfig, args: KernelArgs, device: TesseraDevice, grid: GridSpec, warmup: number, runs: number): Promise<TimedConfig> {
    const launchArgs = withConfig(args, config);
    const options = launchOptions({ wait: true }, config, device);
    try {
      this.kernel.compile(launchArgs, { device, ...(config.invocations !== undefined ? { invocations: config.invocations } : {}), ...(config.dotStrategy ? { dotStrategy: config.dotStrategy } : {}) });
      this.stats.compiled++;
      for (let i = 0; i < warmup; i++) {
        this.stats.timedLaunches++;
        await this.kernel.launch(grid, launchArgs, options);
      }
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        this.stats.timedLaunches++;
        const start = performance.now();
        await this.kernel.launch(grid, launchArgs, options);
        times.push(performance.now() - start);
      }
      return { config, medianMs: median(times) };
    } catch (error) {
      // A config that fails to compile (a limit only codegen sees) loses; others still run.
      if (error instanceof TesseraError) return { config, medianMs: null, note: `failed: ${error.detail}` };
      throw error;
    }
  }

  private async saveRestored(args: KernelArgs): Promise<Map<Tensor, Float32Array | Int32Array | Uint32Array>> {
    const saved = new Map<Tensor, Float32Array | Int32Array | Uint32Array>();
    for (const name of this.options.restoreValue ?? []) {
      const t = args[name];
      if (t instanceof Tensor) saved.set(t, await t.read());
    }
    return saved;
  }

  private async restore(saved: Map<Tensor, Float32Array | Int32Array | Uint32Array>): Promise<void> {
    for (const [t, data] of saved) t.write(data);
  }
}

export function autotune(kernel: Kernel, options: AutotuneOptions): Autotuner {
  return new Autotuner(kernel, options);
}

function withConfig(args: KernelArgs, config: AutotuneConfig): KernelArgs {
  return { ...args, ...(config.constexprs ?? {}) };
}

function launchOptions(options: LaunchOptions, config: AutotuneConfig, device: TesseraDevice): LaunchOptions {
  return {
    ...options,
    device,
    ...(config.invocations !== undefined ? { invocations: config.invocations } : {}),
    ...(config.dotStrategy !== undefined ? { dotStrategy: config.dotStrategy } : {}),
  };
}

/** JSON replacer: drop what transpilers change without changing meaning (positions, literal spellings, empty statements). */
function structural(key: string, value: unknown): unknown {
  if (key === 'span' || key === 'raw') return undefined;
  if (Array.isArray(value)) return value.filter((item: unknown) => !(typeof item === 'object' && item !== null && Reflect.get(item, 'kind') === 'empty'));
  return value;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

function describeArg(v: KernelArgValue | undefined): string {
  if (v instanceof Tensor) return `tensor(${v.dtype},${v.length})`;
  return String(v);
}

