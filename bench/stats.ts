// Summaries of timed samples: the median (robust to the stragglers a loaded
// machine produces) with the min and max beside it, so a reader sees the spread.

import { median } from '../examples/harness.js';

export interface Summary {
  /** Milliseconds. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many samples the summary is of. */
  readonly runs: number;
}

/** Median, min and max of `samples`; the median of an even count is the mean of the middle two. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: no samples');
  if (samples.some((s) => !Number.isFinite(s)))
    throw new Error(`summarize: a sample is not a finite number (${samples.join(', ')})`);
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: median(sorted), min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN, runs: sorted.length };
}

/** Gigabytes per second for `bytes` moved in `ms` milliseconds. */
export const gbPerSecond = (bytes: number, ms: number): number => bytes / (ms * 1e6);

/** GFLOP/s for `flops` floating-point operations in `ms` milliseconds. */
export const gflopPerSecond = (flops: number, ms: number): number => flops / (ms * 1e6);
