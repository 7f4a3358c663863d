// The benchmark's pure pieces: statistics, timestamp conversion, table and
// report formatting, and the ratio arithmetic of the kernel tables. No test
// here (or anywhere) asserts a time.

import { describe, expect, it } from 'vitest';
import { summarize, gbPerSecond, gflopPerSecond } from '../../bench/stats.js';
import { timestampsToMs } from '../../bench/timing.js';
import { markdownTable, renderReport, verdict, type RunInfo } from '../../bench/report.js';
import { kernelRows, ratiosOf } from '../../bench/suites/kernels.js';
import type { BenchCandidate, Measured, Role } from '../../bench/suite.js';

describe('summarize', () => {
  it('gives the median, min and max of an odd count, in any order', () => {
    expect(summarize([5, 1, 3, 9, 7])).toEqual({ median: 5, min: 1, max: 9, runs: 5 });
  });
  it('averages the middle two of an even count', () => {
    expect(summarize([4, 1, 10, 2])).toEqual({ median: 3, min: 1, max: 10, runs: 4 });
  });
  it('does not reorder the caller’s array', () => {
    const samples = [3, 1, 2];
    summarize(samples);
    expect(samples).toEqual([3, 1, 2]);
  });
  it('refuses no samples, and samples that are not finite numbers', () => {
    expect(() => summarize([])).toThrow(/no samples/);
    expect(() => summarize([1, NaN, 2])).toThrow(/not a finite number/);
    expect(() => summarize([1, Infinity])).toThrow(/not a finite number/);
  });
  it('converts bytes and FLOPs per millisecond to GB/s and GFLOP/s', () => {
    expect(gbPerSecond(2e9, 1000)).toBeCloseTo(2);
    expect(gbPerSecond(3e6, 1)).toBeCloseTo(3);
    expect(gflopPerSecond(5e9, 500)).toBeCloseTo(10);
  });
});

describe('timestampsToMs', () => {
  it('converts nanosecond GPU timestamps to milliseconds', () => {
    expect(timestampsToMs(1_000_000n, 3_500_000n)).toBe(2.5);
    expect(timestampsToMs(594283855872n, 594924404736n)).toBeCloseTo(640.548864, 6);
    expect(timestampsToMs(7n, 7n)).toBe(0);
  });
  it('keeps precision for timestamps beyond 2^53 ns', () => {
    const base = 2n ** 60n;
    expect(timestampsToMs(base, base + 123_456_789n)).toBeCloseTo(123.456789, 9);
  });
  it('reports an end before the start as NaN, which summarize then refuses', () => {
    expect(timestampsToMs(10n, 5n)).toBeNaN();
    expect(() => summarize([timestampsToMs(10n, 5n)])).toThrow();
  });
});

describe('markdownTable', () => {
  it('lays out a header, a separator and the rows', () => {
    expect(markdownTable(['a', 'b'], [['1', '2'], ['3', '4']])).toEqual([
      '| a | b |',
      '| --- | --- |',
      '| 1 | 2 |',
      '| 3 | 4 |',
    ]);
  });
  it('escapes pipes inside cells', () => {
    expect(markdownTable(['x'], [['a|b']])[2]).toBe('| a\\|b |');
  });
  it('refuses a row with the wrong number of cells', () => {
    expect(() => markdownTable(['a', 'b'], [['1']])).toThrow(/row 0 has 1 cells, the header 2/);
  });
});

describe('report', () => {
  const info: RunInfo = {
    device: 'test device',
    date: '2026-01-01T00:00:00Z',
    load: '2 CPUs, load 0.5',
    clock: 'GPU timestamps',
    runs: 15,
    warmup: 3,
    node: 'Node v20',
  };
  it('renders the run header, every section, the targets with verdicts, and failures', () => {
    const text = renderReport(
      info,
      [
        {
          sections: [{ title: 'Things', header: ['k', 'v'], rows: [['copy', '1.00']], notes: ['a note'] }],
          targets: [
            { target: 'fast', measured: '90%', met: true },
            { target: 'faster', measured: '10%', met: false },
            { target: 'other', measured: 'n/a', met: null },
          ],
        },
      ],
      ['launch: boom'],
    );
    for (const piece of ['Device: test device', 'Clock: GPU timestamps', 'median of 15 timed runs after 3 warm-up', '## Things', '| copy | 1.00 |', 'a note', '| fast | 90% | met |', '| faster | 10% | MISSED |', '| other | n/a | not measured |', '- launch: boom'])
      expect(text).toContain(piece);
  });
  it('verdicts', () => {
    expect([true, false, null].map((met) => verdict({ target: '', measured: '', met }))).toEqual(['met', 'MISSED', 'not measured']);
  });
});

describe('kernel table ratios', () => {
  const m = (role: Role, median: number, bytes?: number, flops?: number): Measured => {
    const candidate: BenchCandidate = {
      name: role,
      size: 's',
      role,
      run: () => Promise.resolve(median),
      ...(bytes !== undefined ? { bytes } : {}),
      ...(flops !== undefined ? { flops } : {}),
    };
    return { candidate, summary: { median, min: median / 2, max: median * 2, runs: 3 } };
  };
  // copy: 8e6 bytes in 2 ms = 4 GB/s; tessera: 12e6 bytes in 4 ms = 3 GB/s (75%).
  const measured = [m('copy', 2, 8e6), m('fma', 1, undefined, 1e8), m('tessera', 4, 12e6, 1e6), m('uncoalesced', 6, 12e6, 1e6), m('tfjs', 10, 12e6, 1e6)];
  it('computes the ratios against copy, FMA, tfjs and the uncoalesced build', () => {
    const r = ratiosOf(measured);
    expect(r.ofCopy).toBeCloseTo(0.75);
    expect(r.ofFma).toBeCloseTo(0.0025);
    expect(r.vsTfjs).toBeCloseTo(2.5);
    expect(r.vsUncoalesced).toBeCloseTo(1.5);
  });
  it('gives NaN ratios for baselines that were not measured', () => {
    const r = ratiosOf([m('tessera', 4, 12e6, 1e6)]);
    expect([r.ofCopy, r.ofFma, r.vsTfjs, r.vsUncoalesced].every(Number.isNaN)).toBe(true);
  });
  it('formats one row per measurement with GB/s, percentages and Tessera’s speedup over each baseline', () => {
    const rows = kernelRows(measured);
    expect(rows[0]).toEqual(['copy', 's', '2.00', '1.00-4.00', '4.00', 'ceiling', 'n/a', '', '']);
    expect(rows[2]).toEqual(['tessera', 's', '4.00', '2.00-8.00', '3.00', '75%', '0.3', '0%', '']);
    expect(rows[3]?.[8]).toBe('1.50x');
    expect(rows[4]?.[8]).toBe('2.50x');
  });
});
