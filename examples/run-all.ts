// Runs every example on the default device (`npm run examples`), or only the
// ones named on the command line by file name (`tsx examples/run-all.ts
// softmax`, which `tessera run softmax` does): compiles it,
// launches it on fresh random inputs at awkward sizes, checks it against its
// float64 reference, times it, and prints one table. Exits non-zero if any
// check fails or any example throws.
//
// Compile time is a fresh compile of the specialization from source (parse
// included, no cache). Kernel time is the median of TIMED_RUNS launches after
// the checked one, each from submit to the GPU being done (wall clock).

import { getDevice } from '../index.js';
import type { ExampleResult } from './harness.js';
import * as layerNorm from './layer-norm.js';
import * as matmul from './matmul.js';
import * as softmax from './softmax.js';
import { rowsByCols, type SuiteCase } from './suite.js';
import * as vectorAdd from './vector-add.js';

const TIMED_RUNS = 5;

type Case = SuiteCase;

export const cases: readonly Case[] = [
  ...[1, 1000, 4097, 98432].map((n): Case => ({
    example: 'vector add',
    size: `${n}`,
    run: (d, o) => vectorAdd.run(d, { n }, o),
  })),
  ...rowsByCols('softmax', softmax.run, [
    [37, 781],
    [1, 1],
    [5, 1024],
    [64, 100],
    [4096, 1024],
  ]),
  ...rowsByCols('layer norm', layerNorm.run, [
    [37, 781],
    [1, 1000],
    [16, 4096],
    [1024, 768],
  ]),
  ...(
    [
      [1, 1, 1, 'row', 'row', false],
      [127, 255, 65, 'row', 'row', false],
      [300, 200, 513, 'col', 'padded', true],
      [512, 512, 512, 'row', 'row', false],
    ] as const
  ).map(
    ([m, n, k, aLayout, bLayout, activation]): Case => ({
      example: 'matmul',
      size: `${m} x ${n} x ${k}${aLayout !== 'row' || bLayout !== 'row' ? ` (A ${aLayout}, B ${bLayout})` : ''}${activation ? ' + leaky ReLU' : ''}`,
      run: (d, o) => matmul.run(d, { m, n, k, aLayout, bLayout, activation }, o),
    }),
  ),
];

type Row = readonly [string, string, string, string, string, string];

function formatRow(c: Case, r: ExampleResult): Row {
  const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(3));
  return [
    c.example,
    c.size,
    r.maxAbsErr.toExponential(2),
    r.ok ? 'ok' : `FAIL (> ${r.tolerance})`,
    ms(r.compileMs),
    ms(r.kernelMs),
  ];
}

function printTable(header: Row, rows: readonly Row[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (r: Row): string =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** `vector add` -> `vector-add`: the file name of a case's example. */
export const exampleFile = (c: Case): string => c.example.replace(/ /g, '-');

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const selected = only.length > 0 ? cases.filter((c) => only.includes(exampleFile(c))) : cases;
  if (selected.length === 0) {
    console.error(`no example named ${only.join(', ')}; examples: ${[...new Set(cases.map(exampleFile))].join(', ')}`);
    return 2;
  }
  const device = await getDevice();
  console.log(`device: ${device.name}\n`);
  const rows: Row[] = [];
  /** Error message -> the cases that threw it. */
  const errors = new Map<string, string[]>();
  let failed = 0;
  for (const c of selected) {
    try {
      const r = await c.run(device, { timedRuns: TIMED_RUNS });
      if (!r.ok) failed++;
      rows.push(formatRow(c, r));
    } catch (error) {
      failed++;
      rows.push([c.example, c.size, '-', 'ERROR', '-', '-']);
      const message = error instanceof Error ? error.message : String(error);
      errors.set(message, [...(errors.get(message) ?? []), `${c.example} ${c.size}`]);
    }
  }
  printTable(['example', 'size', 'max abs err', 'status', 'compile ms', 'kernel ms'], rows);
  for (const [message, where] of errors) console.error(`\n${where.join(', ')}:\n${message}`);
  console.log(`\n${selected.length - failed} of ${selected.length} passed`);
  device.destroy();
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
