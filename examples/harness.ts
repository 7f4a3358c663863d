// What every example shares: fresh random inputs, poisoned outputs, error
// measurement against a float64 reference, and timing.
//
// Outputs are filled with NaN before a launch, and examples allocate a few
// guard elements past what the kernel should write, so an element the kernel
// forgot to write (NaN) or one it wrote out of bounds (guard no longer NaN)
// both show up as an infinite error.

import {
  kernel,
  type CompileResult,
  type Kernel,
  type KernelArgs,
  type LaunchOptions,
  type Tensor,
  type TesseraDevice,
} from '../index.js';
import type { KernelIR } from '../compiler/ir/ops.js';

export interface ExampleResult {
  /** Largest |gpu - reference| over every checked output (Infinity for NaN or a clobbered guard). */
  readonly maxAbsErr: number;
  /** The bound maxAbsErr must stay within. */
  readonly tolerance: number;
  readonly ok: boolean;
  /** Milliseconds to compile this specialization from source, without any cache. */
  readonly compileMs: number;
  /** Median milliseconds of the timed launches (submit -> GPU done); null unless asked for. */
  readonly kernelMs: number | null;
}

export interface RunOptions {
  /** Launches to time after the checked one (which doubles as warm-up); 0 = no timing. */
  readonly timedRuns?: number;
  /** Run this kernel instead of the example's own (the playground's edited source); same parameters. */
  readonly kernel?: Kernel;
  /** Called with the fresh compile's IR after lowering and after each pass (the playground shows it). */
  readonly onStage?: (stage: string, ir: KernelIR) => void;
  /** Called with the fresh compile's result: WGSL and manifest. */
  readonly onCompiled?: (compiled: CompileResult) => void;
}

/** Elements past the end of every output that the kernel must leave alone. */
export const GUARD = 5;

/** Uniform random f32 values in [lo, hi). */
export function randomF32(length: number, lo = -1, hi = 1): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = lo + Math.random() * (hi - lo);
  return values;
}

/** A NaN-filled f32 tensor of `length` elements plus GUARD guard elements. */
export function poisoned(device: TesseraDevice, length: number): Tensor<'f32'> {
  const t = device.empty('f32', length + GUARD);
  t.fill(NaN);
  return t;
}

/**
 * max |actual[i] - expected(i)| over the indices `expected` gives a value for;
 * every other element (padding, guards) must still be NaN. Any NaN where a
 * value was expected, or any non-NaN elsewhere, makes the error Infinity.
 */
export function maxAbsErr(
  actual: Float32Array,
  expected: (i: number) => number | undefined,
): number {
  let err = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] ?? NaN;
    const e = expected(i);
    if (e === undefined) {
      if (!Number.isNaN(a)) return Infinity;
      continue;
    }
    const d = Math.abs(a - e);
    if (Number.isNaN(d)) return Infinity;
    err = Math.max(err, d);
  }
  return err;
}

export function nextPowerOf2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** Compile time of `k` for these arguments, measured on a fresh kernel (parse included, no cache). */
export function freshCompileMs(
  k: Kernel,
  args: KernelArgs,
  device: TesseraDevice,
  options: Pick<RunOptions, 'onStage' | 'onCompiled'> & { readonly launch?: LaunchOptions } = {},
): number {
  const start = performance.now();
  const onStage = options.onStage;
  const compiled = kernel(k.source, k.options).compile(args, { device, ...(options.launch ?? {}), ...(onStage ? { onStage } : {}) });
  const ms = performance.now() - start;
  options.onCompiled?.(compiled);
  return ms;
}

/** Median wall-clock milliseconds of `runs` calls of `launch` (each awaits the GPU). */
export async function timeLaunches(
  launch: () => Promise<void>,
  runs: number,
): Promise<number | null> {
  if (runs <= 0) return null;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await launch();
    times.push(performance.now() - start);
  }
  return median(times);
}

export function result(
  maxErr: number,
  tolerance: number,
  compileMs: number,
  kernelMs: number | null,
): ExampleResult {
  return { maxAbsErr: maxErr, tolerance, ok: maxErr <= tolerance, compileMs, kernelMs };
}
