// The examples as one portable suite: each example at a few awkward sizes, on
// fresh random inputs, checked against its float64 reference, on whatever
// device it is handed. It imports nothing from Node, so the browser page
// (browser/examples-page.ts), Deno and Bun (examples/embedded-main.ts) run
// exactly this code; tests/browser and tests/runtimes check what it returns.

import type { TesseraDevice } from '../index.js';
import type { ExampleResult, RunOptions } from './harness.js';
import * as layerNorm from './layer-norm.js';
import * as softmax from './softmax.js';
import * as vectorAdd from './vector-add.js';

export interface SuiteCase {
  readonly example: string;
  readonly size: string;
  readonly run: (device: TesseraDevice, options: RunOptions) => Promise<ExampleResult>;
}

/** One row of the suite's report; plain data, so it survives JSON and page boundaries. */
export interface SuiteRow {
  readonly example: string;
  readonly size: string;
  readonly ok: boolean;
  /** null when the error is not finite (NaN output or a clobbered guard), or the case threw. */
  readonly maxAbsErr: number | null;
  readonly tolerance: number | null;
  readonly compileMs: number | null;
  readonly kernelMs: number | null;
  /** The thrown error's message, when the case threw. */
  readonly error?: string;
}

/** One case per [rows, cols] size of a row-wise example. */
export const rowsByCols = (
  example: string,
  run: (d: TesseraDevice, s: { rows: number; cols: number }, o: RunOptions) => Promise<ExampleResult>,
  sizes: readonly (readonly [number, number])[],
): SuiteCase[] =>
  sizes.map(([rows, cols]) => ({
    example,
    size: `${rows} x ${cols}`,
    run: (d, o) => run(d, { rows, cols }, o),
  }));

/** Sizes that are not multiples of the block, plus a single element or row. */
export const SUITE_CASES: readonly SuiteCase[] = [
  ...[1, 4097, 98432].map(
    (n): SuiteCase => ({ example: 'vector add', size: `${n}`, run: (d, o) => vectorAdd.run(d, { n }, o) }),
  ),
  ...rowsByCols('softmax', softmax.run, [
    [37, 781],
    [1, 1],
  ]),
  ...rowsByCols('layer norm', layerNorm.run, [
    [37, 781],
    [1, 1000],
  ]),
];

/** Runs every case in order; a case that throws becomes a failed row carrying the message. */
export async function runSuite(
  device: TesseraDevice,
  options: RunOptions = {},
  cases: readonly SuiteCase[] = SUITE_CASES,
): Promise<SuiteRow[]> {
  const rows: SuiteRow[] = [];
  for (const c of cases) {
    try {
      const r = await c.run(device, options);
      rows.push({
        example: c.example,
        size: c.size,
        ok: r.ok,
        maxAbsErr: Number.isFinite(r.maxAbsErr) ? r.maxAbsErr : null,
        tolerance: r.tolerance,
        compileMs: r.compileMs,
        kernelMs: r.kernelMs,
      });
    } catch (error) {
      rows.push({
        example: c.example,
        size: c.size,
        ok: false,
        maxAbsErr: null,
        tolerance: null,
        compileMs: null,
        kernelMs: null,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return rows;
}
