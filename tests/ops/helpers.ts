// Shared by the per-op correctness tests: a seeded PRNG (fresh seed per run,
// printed on failure, fixed with TESSERA_SEED=<n>), poisoned outputs, a
// compile + validate + launch helper that requires Dawn to accept every
// emitted WGSL module with no errors and no warnings, and comparisons against
// plain TypeScript references with per-dtype tolerances.

import { expect, onTestFailed } from 'vitest';
import type { CompileResult } from '../../compiler/compile.js';
import type { GridSpec, Kernel, KernelArgsInput } from '../../compiler/kernel.js';
import type { Mask, Ptr, Shape, Tile, tl } from '../../compiler/tl.js';
import type { TesseraDevice } from '../../runtime/device.js';
import type { BufferDType } from '../../runtime/manifest.js';
import type { Tensor } from '../../runtime/tensor.js';
import { formatWgslMessages, validateWgsl } from '../../runtime/validate.js';
import { testDevice } from '../runtime/device-helper.js';

export { testDevice };

// ---- the tl namespace as the tests type it ----------------------------------

/**
 * Signatures the language accepts but compiler/tl.ts does not declare (yet):
 * the positional load/store forms, expandDims / broadcastTo of masks giving
 * masks, and numeric conditions in tl.where. Listed first so TypeScript picks
 * them before tl.ts's own signatures. Test files bind
 * `const tl = tlImport as TestTl;` (a local binding is needed anyway: vitest
 * rewrites references to imports, which would reach the kernel source).
 */
interface Undeclared {
  load(ptr: Ptr, mask: Mask, other?: number): Tile;
  store(ptr: Ptr, value: Tile | Mask, mask: Mask): void;
  expandDims(x: Mask, axis: number): Mask;
  broadcastTo(x: Mask, shape: Shape): Mask;
  where(cond: Mask | Tile, a: Tile, b: Tile): Tile;
}
export type TestTl = { readonly [K in keyof typeof tl]: K extends keyof Undeclared ? Undeclared[K] & (typeof tl)[K] : (typeof tl)[K] };

// ---- seeded randomness ------------------------------------------------------

/** mulberry32: small, fast, good enough for test inputs, reproducible from a seed. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  float(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  f32(n: number, lo = -1, hi = 1): Float32Array {
    return Float32Array.from({ length: n }, () => this.float(lo, hi));
  }
  i32(n: number, lo = -1000, hi = 1000): Int32Array {
    return Int32Array.from({ length: n }, () => this.int(lo, hi));
  }
  /** Any 32-bit pattern. */
  bits(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
  u32(n: number, lo = 0, hi = 0xffffffff): Uint32Array {
    return Uint32Array.from({ length: n }, () => (hi === 0xffffffff && lo === 0 ? this.bits() : this.int(lo, hi)));
  }
}

const envSeed = process.env['TESSERA_SEED'];

/**
 * A PRNG for one test. The seed is fresh on every run unless TESSERA_SEED is
 * set; when the test fails, the seed and the way to replay it are printed.
 */
export function seeded(): Rng {
  const seed = envSeed !== undefined && envSeed !== '' ? Number(envSeed) >>> 0 : Math.floor(Math.random() * 4294967296) >>> 0;
  onTestFailed(() => {
    console.error(`[tests/ops] failing test used seed ${seed}; replay with TESSERA_SEED=${seed} npx vitest run tests/ops`);
  });
  return new Rng(seed);
}

// ---- tensors ----------------------------------------------------------------

/** Poison pattern of unwritten outputs: NaN for f32, 0xDEADBEEF for integers. */
export const POISON_BITS = 0xdeadbeef;
export const POISON_I32 = POISON_BITS | 0;

/** An output tensor of `n` elements, poisoned so unwritten elements are caught. */
export function poisoned(device: TesseraDevice, dtype: BufferDType, n: number): Tensor {
  const t = device.empty(dtype, n);
  if (dtype === 'f32') t.fill(NaN);
  else if (dtype === 'i32') t.fill(POISON_I32);
  else t.fill(POISON_BITS);
  return t;
}

export async function readF32(t: Tensor): Promise<Float32Array> {
  const data = await t.read();
  if (!(data instanceof Float32Array)) throw new Error(`expected an f32 tensor, got ${t.dtype}`);
  return data;
}

export async function readI32(t: Tensor): Promise<Int32Array> {
  const data = await t.read();
  if (!(data instanceof Int32Array)) throw new Error(`expected an i32 tensor, got ${t.dtype}`);
  return data;
}

export async function readU32(t: Tensor): Promise<Uint32Array> {
  const data = await t.read();
  if (!(data instanceof Uint32Array)) throw new Error(`expected a u32 tensor, got ${t.dtype}`);
  return data;
}

// ---- compile, validate, launch ---------------------------------------------

const validated = new Set<string>();

export interface RunOptions {
  readonly invocations?: number;
  /** False forces the workgroup-memory reductions. */
  readonly subgroups?: boolean;
  readonly coalesce?: boolean;
  readonly elementsPerInvocation?: number;
  /** Unmasked copies for whole tiles (default: on for software adapters such as lavapipe). */
  readonly fullTiles?: boolean;
}

/**
 * Compile the kernel for these arguments (IR verified after every pass), have
 * Dawn validate the WGSL (no errors, no warnings), then launch it and wait for
 * the GPU. Returns the compile result (its WGSL and IR) for extra checks.
 */
export async function run(k: Kernel, grid: GridSpec, args: KernelArgsInput, options: RunOptions = {}): Promise<CompileResult> {
  const device = await testDevice();
  const inv = {
    ...(options.invocations !== undefined ? { invocations: options.invocations } : {}),
    ...(options.subgroups !== undefined ? { subgroups: options.subgroups } : {}),
    ...(options.coalesce !== undefined ? { coalesce: options.coalesce } : {}),
    ...(options.elementsPerInvocation !== undefined ? { elementsPerInvocation: options.elementsPerInvocation } : {}),
    ...(options.fullTiles !== undefined ? { fullTiles: options.fullTiles } : {}),
  };
  const compiled = k.compile(args, { device, verify: true, ...inv });
  await expectValidWgsl(device, compiled);
  await k.launch(grid, args, { device, wait: true, ...inv });
  return compiled;
}

/** Dawn must accept the module with no errors and no warnings. */
export async function expectValidWgsl(device: TesseraDevice, compiled: CompileResult): Promise<void> {
  if (validated.has(compiled.wgsl)) return;
  const report = await validateWgsl(device, compiled.wgsl, `${compiled.manifest.kernelName}.wgsl`);
  const problems = [...report.errors, ...report.warnings];
  if (problems.length > 0) {
    throw new Error(
      `Dawn reported ${report.errors.length} error(s) and ${report.warnings.length} warning(s) for ` +
        `${compiled.manifest.specializationKey}:\n${formatWgslMessages(problems)}\n--- WGSL ---\n${compiled.wgsl}`,
    );
  }
  validated.add(compiled.wgsl);
}

// ---- comparisons ------------------------------------------------------------

/** |actual - expected| <= abs + rel * |expected|. */
export interface Tolerance {
  readonly rel: number;
  readonly abs: number;
}

/** Tolerances per dtype and op class (the references are float64). */
export const TOL = {
  /** + - * on f32 are correctly rounded in WGSL: compare with the f32-rounded reference, exactly. */
  exact: { rel: 0, abs: 0 },
  /**
   * An f32 multiply followed by an add: drivers may contract a * b + c into
   * one fma (SPIR-V allows it, lavapipe does it), which skips one rounding:
   * up to one ULP of the product.
   */
  f32Contracted: { rel: 2.4e-7, abs: 5e-7 },
  /** f32 division: WGSL allows 2.5 ULP. */
  f32Div: { rel: 4e-7, abs: 0 },
  /** exp, exp2, log, log2, sqrt, rsqrt, sigmoid, sin, cos on moderate inputs. */
  f32Transcendental: { rel: 1e-5, abs: 1e-5 },
} as const satisfies Record<string, Tolerance>;

/** Tolerance of an f32 sum of `n` terms of magnitude up to `scale` (any order). */
export function sumTolerance(n: number, scale: number): Tolerance {
  return { rel: 1e-6, abs: Math.max(1, n) * scale * 2 ** -22 };
}

function describeNumber(x: number): string {
  return Number.isInteger(x) && Math.abs(x) >= 2 ** 24 && Math.abs(x) < 2 ** 32 ? `${x} (0x${(x >>> 0).toString(16)})` : String(x);
}

/**
 * Element-wise comparison; NaN matches only NaN, infinities match exactly.
 * The failure lists the first mismatches with their indices.
 */
export function expectClose(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, rng?: Rng): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] ?? NaN;
    const e = expected[i] ?? NaN;
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else ok = Math.abs(a - e) <= tol.abs + tol.rel * Math.abs(e);
    if (!ok) {
      count++;
      if (bad.length < 8) bad.push(`  [${i}] got ${describeNumber(a)}, expected ${describeNumber(e)}`);
    }
  }
  if (count > 0) {
    const seed = rng ? ` (seed ${rng.seed})` : '';
    throw new Error(`${label}: ${count} of ${expected.length} elements differ (tolerance rel ${tol.rel}, abs ${tol.abs})${seed}:\n${bad.join('\n')}`);
  }
}

/** Exact equality, for integers and bit patterns. */
export function expectExact(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, rng?: Rng): void {
  expectClose(label, actual, expected, TOL.exact, rng);
}

/** The f32 value of a float64 (what an exactly rounded f32 op returns). */
export const f32 = Math.fround;

/** Number of programs of `block` elements covering `n`. */
export function cdiv(n: number, block: number): number {
  return Math.ceil(n / block);
}

/** Sizes most 1D tests run at: one element, a non-power-of-two, one past a power of two. */
export const SIZES_1D = [1, 1000, 4097] as const;
/** Awkward 2D sizes (rows x cols): not multiples of any block, and the degenerate 1 x 1. */
export const SHAPES_2D = [
  [37, 781],
  [5, 300],
  [1, 1],
] as const;

/**
 * Whole-vec4 reads of binding b in generated WGSL: `b0[u32(p) >> 2u]`, or its
 * masked form `b0[min((u32(p) >> 2u), arrayLength(&b0) - 1u)]`, not followed
 * by a component index (that is a scalar read through the vec4 view).
 */
export function vec4Reads(wgsl: string, binding: number): number {
  const index = `(?:u32\\([^)]*\\) >> 2u|min\\(\\(u32\\([^)]*\\) >> 2u\\), arrayLength\\(&b${binding}\\) - 1u\\))`;
  return (wgsl.match(new RegExp(`b${binding}\\[${index}\\](?!\\[)`, 'g')) ?? []).length;
}
