// TensorFlow.js's WebGPU backend as a baseline, running on OUR device: the
// same Dawn GPUDevice Tessera launches on, so both share one queue, one driver
// and one clock. Reusable by any suite (softmax, add, layer norm here; matmul
// elsewhere): `createTfjs(device)` once, then `timeTfjs(tfjs, fn)` per run.
//
// Set-up on Node: the backend's constructor refuses to run unless
// `navigator.gpu` exists. Node 20 has no `navigator`; Node 21+ has one that
// belongs to Node. So `gpu` is defined on it (or a stand-in navigator is
// created) just for the constructor and removed again, because a lingering
// reference to the Dawn instance keeps the process alive and would also make
// tfjs's own auto-registration grab a second device on a later import.
//
// Timing: with `timestamp-query`, tf.time() puts timestampWrites on every
// compute pass it runs and reports their sum as kernelMs (no readback).
// Without it, wall clock from the call, through tfjs's deferred submit
// (flushed here), to queue.onSubmittedWorkDone.

import * as tf from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { TesseraDevice } from '../index.js';
import { summarize, type Summary } from './stats.js';
import type { Clock } from './timing.js';

export interface Tfjs {
  readonly tf: typeof tf;
  readonly backend: WebGPUBackend;
  readonly device: TesseraDevice;
  readonly clock: Clock;
}

const BACKEND_NAME = 'webgpu';
const created = new WeakMap<GPUDevice, Tfjs>();

/** Runs `construct` while `navigator.gpu` is `gpu`, then restores navigator as it was. */
function withNavigatorGpu<T>(gpu: GPU, construct: () => T): T {
  const holder: { navigator?: object } = globalThis;
  const hadNavigator = holder.navigator !== undefined;
  if (!hadNavigator) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  }
  const navigator = holder.navigator;
  if (navigator === undefined) throw new Error('tfjs set-up: could not define globalThis.navigator');
  const previous = Object.getOwnPropertyDescriptor(navigator, 'gpu');
  Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
  try {
    return construct();
  } finally {
    if (previous) Object.defineProperty(navigator, 'gpu', previous);
    else Reflect.deleteProperty(navigator, 'gpu');
    if (!hadNavigator) Reflect.deleteProperty(globalThis, 'navigator');
  }
}

/**
 * TensorFlow.js with its WebGPU backend on `device`, made the active backend.
 * `wallClock` makes timeTfjs use the wall clock even when timestamps exist
 * (to match a benchmark timer that was forced onto the wall clock).
 */
export async function createTfjs(
  device: TesseraDevice,
  options: { readonly wallClock?: boolean } = {},
): Promise<Tfjs> {
  const clock: Clock =
    options.wallClock !== true && device.features.has('timestamp-query') ? 'gpu-timestamps' : 'wall-clock';
  const existing = created.get(device.gpu);
  if (existing !== undefined) {
    await activate(existing.backend);
    return { ...existing, clock };
  }
  const instance = device.instance;
  if (instance === null) throw new Error('tfjs set-up: the device has no GPU instance (made by fromGPUDevice); use getDevice()');
  const backend = withNavigatorGpu(instance, () => new WebGPUBackend(device.gpu));
  await activate(backend);
  const tfjs: Tfjs = { tf, backend, device, clock };
  created.set(device.gpu, tfjs);
  return tfjs;
}

async function activate(backend: WebGPUBackend): Promise<void> {
  // tfjs registers its kernels for the backend name 'webgpu', so ours must take that name.
  if (tf.findBackend(BACKEND_NAME) !== backend) {
    if (tf.findBackendFactory(BACKEND_NAME) !== null) tf.removeBackend(BACKEND_NAME);
    tf.registerBackend(BACKEND_NAME, () => backend);
  }
  if (!(await tf.setBackend(BACKEND_NAME)))
    throw new Error('tfjs set-up: the WebGPU backend on our device failed to initialize');
  await tf.ready();
}

/** What a timed tfjs computation returns; it is disposed after timing. */
export type TfjsResult = tf.Tensor | readonly tf.Tensor[] | void;

function dispose(result: TfjsResult): void {
  if (result === undefined) return;
  if (result instanceof tf.Tensor) result.dispose();
  else for (const t of result) t.dispose();
}

/**
 * Submits what tfjs has recorded but not yet submitted (it batches dispatches
 * into one open compute pass). The pass must be ended first: finishing an
 * encoder with an open pass is invalid, and the whole submission would be dropped.
 */
function flush(backend: WebGPUBackend): void {
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
}

/** Milliseconds of GPU work of one call of `fn` (kernel time, no readback). */
export async function timeTfjsOnce(tfjs: Tfjs, fn: () => TfjsResult): Promise<number> {
  let result: TfjsResult = undefined;
  if (tfjs.clock === 'gpu-timestamps') {
    const info = await tfjs.tf.time(() => {
      result = fn();
    });
    dispose(result);
    if (typeof info.kernelMs !== 'number')
      throw new Error(`tfjs could not time its kernels: ${info.kernelMs.error}`);
    return info.kernelMs;
  }
  const start = performance.now();
  result = fn();
  flush(tfjs.backend);
  await tfjs.device.gpu.queue.onSubmittedWorkDone();
  const ms = performance.now() - start;
  dispose(result);
  return ms;
}

/** Warm-up calls, then the summary of `runs` timed calls of `fn`. */
export async function timeTfjs(
  tfjs: Tfjs,
  fn: () => TfjsResult,
  { runs, warmup = 2 }: { readonly runs: number; readonly warmup?: number },
): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await timeTfjsOnce(tfjs, fn);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeTfjsOnce(tfjs, fn));
  return summarize(samples);
}

/** Layer norm over the last axis, composed (tfjs has no fused layer norm op): moments, then batchNorm. */
export function tfjsLayerNorm(
  x: tf.Tensor2D,
  weight: tf.Tensor1D,
  bias: tf.Tensor1D,
  eps: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [rows, cols] = x.shape;
    const { mean, variance } = tf.moments(x, -1, true);
    // batchNorm wants every operand of one rank; it broadcasts [rows, 1] and [1, cols].
    const column = (t: tf.Tensor): tf.Tensor2D => tf.reshape<tf.Rank.R2>(t, [rows, 1]);
    const row = (t: tf.Tensor): tf.Tensor2D => tf.reshape<tf.Rank.R2>(t, [1, cols]);
    return tf.batchNorm2d(x, column(mean), column(variance), row(bias), row(weight), eps);
  });
}
