// The shape every benchmark suite shares, so `npm run bench` is a list of
// suites (bench/run.ts) and a new one (e.g. a matmul suite) plugs in by
// exporting a `Suite`. A suite gets the context (device, timer, run counts, the
// tuned ceilings) and returns sections of a report plus its target checks.

import type { TesseraDevice } from '../index.js';
import type { Summary } from './stats.js';
import { measureInterleaved, type Candidate, type PassTimer } from './timing.js';
import type { CopyShape, FmaShape } from './ceilings.js';
import type { Tfjs } from './tfjs.js';

/** What a candidate is, for the ratios the report computes. */
export type Role = 'copy' | 'fma' | 'tessera' | 'uncoalesced' | 'tfjs' | 'baseline';

export interface BenchCandidate extends Candidate {
  readonly size: string;
  /** Bytes the kernel must move at least (for GB/s and the copy ratio). */
  readonly bytes?: number;
  /** Floating-point operations, by a stated convention (for GFLOP/s and the FMA ratio). */
  readonly flops?: number;
  readonly role: Role;
}

/** Candidates sharing data, a check of their outputs after timing, and a cleanup. */
export interface Workload {
  readonly candidates: readonly BenchCandidate[];
  readonly verify: () => Promise<void>;
  readonly destroy: () => void;
}

export interface Measured {
  readonly candidate: BenchCandidate;
  readonly summary: Summary;
}

export interface BenchContext {
  readonly device: TesseraDevice;
  readonly timer: PassTimer;
  readonly warmup: number;
  readonly runs: number;
  /** The fastest copy and FMA shapes, chosen by the ceilings suite (run first). */
  copyShape: CopyShape;
  fmaShape: FmaShape;
  /** TensorFlow.js on the same device, or why it could not be set up. */
  readonly tfjs: Tfjs | { readonly problem: string };
}

export function tfjsOf(ctx: BenchContext): Tfjs | null {
  return 'problem' in ctx.tfjs ? null : ctx.tfjs;
}

/** A Markdown table with a title and notes under it. */
export interface Section {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly notes?: readonly string[];
}

export interface TargetResult {
  /** The target, in its words. */
  readonly target: string;
  /** What was measured, with the numbers behind it. */
  readonly measured: string;
  /** null: not measured in this run (say why in `measured`). */
  readonly met: boolean | null;
}

export interface SuiteResult {
  readonly sections: readonly Section[];
  readonly targets: readonly TargetResult[];
}

export interface Suite {
  readonly name: string;
  /** Measures against the copy/FMA ceilings (so the ceilings suite must run first). */
  readonly usesCeilings?: boolean;
  readonly run: (ctx: BenchContext) => Promise<SuiteResult>;
}

/**
 * Times every candidate of the workloads in interleaved rounds, then checks
 * each workload's outputs and frees it (also when timing fails).
 */
export async function measureWorkloads(
  ctx: BenchContext,
  workloads: readonly Workload[],
): Promise<Measured[]> {
  try {
    const candidates = workloads.flatMap((w) => w.candidates);
    const summaries = await measureInterleaved(candidates, ctx);
    for (const w of workloads) await w.verify();
    return candidates.map((candidate, i) => {
      const summary = summaries[i];
      if (summary === undefined) throw new Error(`no summary for ${candidate.name}`);
      return { candidate, summary };
    });
  } finally {
    for (const w of workloads) w.destroy();
  }
}

/** The measurement of the first candidate with this role. */
export function byRole(measured: readonly Measured[], role: Role): Measured | undefined {
  return measured.find((m) => m.candidate.role === role);
}
