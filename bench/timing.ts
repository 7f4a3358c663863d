// How one run of a kernel is timed. With the `timestamp-query` feature the
// GPU itself writes a timestamp at the start and at the end of the compute
// pass (WebGPU's `timestampWrites`); the two are resolved into a buffer and
// read back, and their difference in nanoseconds is the kernel time. Without
// it, the time is wall clock from the launch call to
// `queue.onSubmittedWorkDone`, which also counts submission and the wake-up.
//
// Runs of several candidates are interleaved in rounds (each candidate once per
// round, the starting candidate rotating), so load from other processes falls on all of them alike and the
// ratios between them stay fair even when absolute times wander.

import type { TesseraDevice } from '../index.js';
import { summarize, type Summary } from './stats.js';

export type Clock = 'gpu-timestamps' | 'wall-clock';

export function describeClock(clock: Clock, hasTimestamps: boolean): string {
  if (clock === 'gpu-timestamps')
    return 'GPU timestamp queries (timestampWrites at the start and end of each compute pass)';
  const why = hasTimestamps ? 'asked for with --wall-clock' : 'the device has no timestamp-query';
  return `wall clock from the launch call to queue.onSubmittedWorkDone (${why})`;
}

/**
 * Milliseconds between two GPU timestamps in nanoseconds (WebGPU's unit).
 * An end before the start (a timestamp reset or a driver quirk) is no time at
 * all: NaN, which the statistics reject rather than averaging a lie.
 */
export function timestampsToMs(begin: bigint, end: bigint): number {
  if (end < begin) return NaN;
  return Number(end - begin) / 1e6;
}

/** Starts one launch; it must encode exactly one compute pass carrying `writes` (undefined on the wall clock). */
export type TimedLaunch = (writes: GPUComputePassTimestampWrites | undefined) => Promise<void>;

/** Launch or dispatch options plus the timer's timestamp writes (none on the wall clock). */
export function withWrites<T extends object>(options: T, writes: GPUComputePassTimestampWrites | undefined): T & { readonly timestampWrites?: GPUComputePassTimestampWrites } {
  return writes ? { ...options, timestampWrites: writes } : options;
}

export class PassTimer {
  readonly clock: Clock;
  private readonly querySet: GPUQuerySet | null;
  private readonly resolveBuffer: GPUBuffer | null;
  private readonly readBuffer: GPUBuffer | null;

  /** `wallClock` forces the fallback (to compare the two clocks, or on a device without the feature). */
  constructor(
    private readonly device: TesseraDevice,
    wallClock = false,
  ) {
    const timestamps = !wallClock && device.features.has('timestamp-query');
    this.clock = timestamps ? 'gpu-timestamps' : 'wall-clock';
    const gpu = device.gpu;
    this.querySet = timestamps ? gpu.createQuerySet({ type: 'timestamp', count: 2 }) : null;
    this.resolveBuffer = timestamps
      ? gpu.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC })
      : null;
    this.readBuffer = timestamps
      ? gpu.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST })
      : null;
  }

  /** Milliseconds of one launch on this timer's clock. */
  async time(launch: TimedLaunch): Promise<number> {
    const { querySet, resolveBuffer, readBuffer } = this;
    const queue = this.device.gpu.queue;
    if (querySet === null || resolveBuffer === null || readBuffer === null) {
      const start = performance.now();
      await launch(undefined);
      await queue.onSubmittedWorkDone();
      return performance.now() - start;
    }
    await launch({ querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 });
    // Queue order puts the resolve after the launch's pass.
    const encoder = this.device.gpu.createCommandEncoder({ label: 'bench timestamps' });
    encoder.resolveQuerySet(querySet, 0, 2, resolveBuffer, 0);
    encoder.copyBufferToBuffer(resolveBuffer, 0, readBuffer, 0, 16);
    queue.submit([encoder.finish()]);
    await readBuffer.mapAsync(GPUMapMode.READ);
    const [begin = 0n, end = 0n] = new BigUint64Array(readBuffer.getMappedRange().slice(0));
    readBuffer.unmap();
    return timestampsToMs(begin, end);
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolveBuffer?.destroy();
    this.readBuffer?.destroy();
  }
}

/** Something to time: one run resolves to its milliseconds on the suite's clock. */
export interface Candidate {
  readonly name: string;
  readonly run: () => Promise<number>;
}

export interface MeasureOptions {
  readonly warmup: number;
  readonly runs: number;
}

/** Warm-up runs, then `runs` interleaved rounds; one summary per candidate, in order. */
export async function measureInterleaved(
  candidates: readonly Candidate[],
  { warmup, runs }: MeasureOptions,
): Promise<Summary[]> {
  for (let i = 0; i < warmup; i++) for (const c of candidates) await c.run();
  const samples = candidates.map((): number[] => []);
  for (let round = 0; round < runs; round++) {
    // Each round starts one candidate later, so none always runs right after the same neighbour.
    for (let k = 0; k < candidates.length; k++) {
      const i = (k + round) % candidates.length;
      const c = candidates[i];
      if (c !== undefined) samples[i]?.push(await c.run());
    }
  }
  return samples.map((s) => summarize(s));
}
