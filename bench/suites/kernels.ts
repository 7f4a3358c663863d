// What the three example suites (vector add, softmax, layer norm) share: the
// Tessera candidates (the default build and, where it differs, the build with
// coalescing/vectorization off), the row and ratio arithmetic, and the checks
// against the targets.

import type { Kernel, KernelArgs, LaunchOptions } from '../../index.js';
import { copyWorkload, describeCopyShape, fmaWorkload } from '../ceilings.js';
import { gbPerSecond, gflopPerSecond } from '../stats.js';
import type { BenchCandidate, BenchContext, Measured, Section, TargetResult, Workload } from '../suite.js';
import { byRole } from '../suite.js';
import { withWrites } from '../timing.js';

export interface TesseraSpec {
  readonly label: string;
  readonly kernel: Kernel;
  readonly grid: number | readonly number[];
  readonly args: KernelArgs;
  readonly size: string;
  readonly bytes: number;
  readonly flops: number;
  readonly options?: LaunchOptions;
}

/**
 * The default build, and the uncoalesced one if its WGSL differs (if it does
 * not, timing it would only measure noise, so it is left out and the report says so).
 */
export function tesseraCandidates(ctx: BenchContext, spec: TesseraSpec): BenchCandidate[] {
  const { kernel, grid, args, options = {} } = spec;
  const build = (coalesce: boolean): BenchCandidate => {
    const launchOptions: LaunchOptions = { ...options, coalesce };
    return {
      name: coalesce ? `${spec.label} (Tessera)` : `${spec.label} (Tessera, coalescing off)`,
      size: spec.size,
      bytes: spec.bytes,
      flops: spec.flops,
      role: coalesce ? 'tessera' : 'uncoalesced',
      run: () => ctx.timer.time((writes) => kernel.launch(grid, args, withWrites(launchOptions, writes))),
    };
  };
  return uncoalescedDiffers(ctx, spec) ? [build(true), build(false)] : [build(true)];
}

function uncoalescedDiffers(ctx: BenchContext, spec: TesseraSpec): boolean {
  const compileOptions = { device: ctx.device, ...(spec.options?.invocations !== undefined ? { invocations: spec.options.invocations } : {}) };
  const on = spec.kernel.compile(spec.args, { ...compileOptions, coalesce: true });
  const off = spec.kernel.compile(spec.args, { ...compileOptions, coalesce: false });
  return on.wgsl !== off.wgsl;
}

/**
 * A hand-written copy of `floats` f32 with `perWorkgroup` of them per
 * workgroup (perWorkgroup / 16 invocations, 4 contiguous vec4s each): the grid
 * of a kernel whose programs each handle one block (a row of softmax, a
 * BLOCK_SIZE of vector add). Beside the copy ceiling it shows what that grid
 * alone costs on the device (per-workgroup overhead), before any math.
 */
export function gridCopyWorkload(ctx: BenchContext, floats: number, perWorkgroup: number): Workload {
  const shape = { workgroup: Math.max(1, perWorkgroup / 16), vecs: 4, order: 'contiguous' } as const;
  return copyWorkload(ctx.device, ctx.timer, floats, shape, {
    name: `copy with the kernel's grid, ${perWorkgroup} f32 per workgroup (hand-written, ${describeCopyShape(shape)})`,
    role: 'baseline',
  });
}

/** Note for a section with a gridCopyWorkload row. */
export const GRID_COPY_NOTE =
  "The copy with the kernel's grid moves the same bytes with as many workgroups as the kernel, checking each vec4 against the length: its % of copy is what that grid allows a kernel with a check per access on this device (Tessera's unmasked copy for whole tiles, passes/full-tiles.ts, can pass it).";

/** The copy ceiling for `floats` f32 and the FMA ceiling, to interleave with a suite's kernels. */
export function ceilingWorkloads(ctx: BenchContext, floats: number): Workload[] {
  return [
    copyWorkload(ctx.device, ctx.timer, floats, ctx.copyShape),
    fmaWorkload(ctx.device, ctx.timer, ctx.fmaShape),
  ];
}

const fmt = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(0)}%` : 'n/a');
const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}x` : 'n/a');

export const gbpsOf = (m: Measured): number =>
  m.candidate.bytes !== undefined ? gbPerSecond(m.candidate.bytes, m.summary.median) : NaN;
export const gflopsOf = (m: Measured): number =>
  m.candidate.flops !== undefined ? gflopPerSecond(m.candidate.flops, m.summary.median) : NaN;

/** Ratios of a suite's measurements against its ceilings and baselines. */
export interface Ratios {
  /** Fraction of the copy ceiling's GB/s. */
  readonly ofCopy: number;
  readonly ofFma: number;
  /** tfjs median / Tessera median (> 1: Tessera is faster). */
  readonly vsTfjs: number;
  /** Uncoalesced median / coalesced median. */
  readonly vsUncoalesced: number;
}

export function ratiosOf(measured: readonly Measured[]): Ratios {
  const tessera = byRole(measured, 'tessera');
  const copy = byRole(measured, 'copy');
  const fma = byRole(measured, 'fma');
  const tfjs = byRole(measured, 'tfjs');
  const uncoalesced = byRole(measured, 'uncoalesced');
  const t = tessera?.summary.median ?? NaN;
  return {
    ofCopy: tessera && copy ? gbpsOf(tessera) / gbpsOf(copy) : NaN,
    ofFma: tessera && fma ? gflopsOf(tessera) / gflopsOf(fma) : NaN,
    vsTfjs: tfjs ? tfjs.summary.median / t : NaN,
    vsUncoalesced: uncoalesced ? uncoalesced.summary.median / t : NaN,
  };
}

export const KERNEL_HEADER = ['kernel', 'size', 'median ms', 'min-max ms', 'GB/s', '% of copy', 'GFLOP/s', '% of FMA', 'Tessera speedup'];

/** One table row per measurement; the last column says how much faster Tessera's default build is than this row. */
export function kernelRows(measured: readonly Measured[]): string[][] {
  const copy = byRole(measured, 'copy');
  const fma = byRole(measured, 'fma');
  const tessera = byRole(measured, 'tessera');
  return measured.map((m) => {
    const { candidate: c, summary: s } = m;
    const isCeiling = c.role === 'copy' || c.role === 'fma';
    const speedup = tessera && m !== tessera && !isCeiling ? times(s.median / tessera.summary.median) : '';
    return [
      c.name,
      c.size,
      fmt(s.median),
      `${fmt(s.min)}-${fmt(s.max)}`,
      fmt(gbpsOf(m)),
      c.role === 'copy' ? 'ceiling' : copy && c.bytes !== undefined ? pct(gbpsOf(m) / gbpsOf(copy)) : '',
      fmt(gflopsOf(m), 1),
      c.role === 'fma' ? 'ceiling' : fma && c.flops !== undefined ? pct(gflopsOf(m) / gflopsOf(fma)) : '',
      speedup,
    ];
  });
}

export function kernelSection(title: string, measured: readonly Measured[], notes: readonly string[]): Section {
  return { title, header: KERNEL_HEADER, rows: kernelRows(measured), notes };
}

/** ≥ `goal` of the copy ceiling. */
export function copyTarget(label: string, goal: number, ratios: Ratios): TargetResult {
  return {
    target: `${label}: >= ${pct(goal)} of the copy ceiling`,
    measured: `${pct(ratios.ofCopy)} of copy`,
    met: Number.isFinite(ratios.ofCopy) ? ratios.ofCopy >= goal : null,
  };
}

/** A "visible gain" of the coalesced build: at least this factor on the medians. */
export const VISIBLE_GAIN = 1.1;

export function coalescingTarget(label: string, measured: readonly Measured[], ratios: Ratios): TargetResult {
  // tesseraCandidates leaves the uncoalesced build out when its WGSL is the same.
  if (byRole(measured, 'uncoalesced') === undefined)
    return {
      target: `${label}: coalesced build visibly faster than uncoalesced`,
      measured: 'not measured: coalesce: false yields the same WGSL for this kernel',
      met: null,
    };
  return {
    target: `${label}: coalesced build visibly faster than uncoalesced (>= ${VISIBLE_GAIN}x)`,
    measured: `${times(ratios.vsUncoalesced)} faster`,
    met: Number.isFinite(ratios.vsUncoalesced) ? ratios.vsUncoalesced >= VISIBLE_GAIN : null,
  };
}

/** Rows spread over the matrix (first, middle, last, and a few between) that outputs are checked on. */
export function sampleRows(rows: number): number[] {
  return [...new Set([0, 1, rows >> 2, rows >> 1, rows - 2, rows - 1].filter((r) => r >= 0 && r < rows))];
}

/** |actual - expected| <= tolerance on `row` of a row-major matrix, else throws naming the element. */
export function checkRow(
  what: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  row: number,
  cols: number,
  tolerance: number,
): void {
  for (let c = 0; c < cols; c++) {
    const a = actual[row * cols + c] ?? NaN;
    const e = expected[c] ?? NaN;
    if (!(Math.abs(a - e) <= tolerance))
      throw new Error(`${what}: row ${row} column ${c} is ${a}, expected ${e} (tolerance ${tolerance})`);
  }
}
