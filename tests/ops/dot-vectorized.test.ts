// Vectorized operand loads of tl.dot (the matmul tutorial) on the device.
// With unit strides (specialized as the constant 1 at launch) and row strides
// known to be multiples of 16, axis-info proves a_ptrs contiguous along K and
// b_ptrs along N (through `% N`), so both strategies load operands as vec4s
// (whole-vector mask check, scalar fallback at a tile's edge). Transposed or
// padded (misaligned rows) operands keep scalar loads. Every case is checked
// against the float64 reference on shapes no block divides; outputs are
// poisoned first (examples/matmul.ts run()).

import { describe, expect, it } from 'vitest';
import type { CompileResult, DotStrategy } from '../../index.js';
import * as matmul from '../../examples/matmul.js';
import { testDevice, vec4Reads } from './helpers.js';
import { runMatmulAndCompile } from './matmul-helpers.js';

const strategies: readonly DotStrategy[] = ['workgroup', 'registers'];

const vectorLoads = vec4Reads;

const config = (dotStrategy: DotStrategy): matmul.MatmulConfig => ({
  BLOCK_SIZE_M: 32,
  BLOCK_SIZE_N: 32,
  BLOCK_SIZE_K: 8,
  GROUP_SIZE_M: 4,
  invocations: 64,
  dotStrategy,
});

describe.each(strategies)('vectorized dot operands, dotStrategy %s', (strategy) => {
  it.each([
    // All multiples of 16: masks are uniform per vector.
    [96, 64, 80],
    // N, K multiples of 16 but not of the blocks; M odd.
    [37, 48, 112],
  ] as const)('%i x %i x %i row-major: vec4 loads of a and b, correct', async (m, n, k) => {
    const { r, compiled } = await runMatmulAndCompile({ m, n, k, config: config(strategy) });
    expect(compiled.manifest.specializationKey).toContain('stride_ak:i32=1');
    expect(compiled.manifest.specializationKey).toContain('stride_bn:i32=1');
    expect(vectorLoads(compiled.wgsl, 0), 'a loads').toBeGreaterThan(0);
    expect(vectorLoads(compiled.wgsl, 1), 'b loads').toBeGreaterThan(0);
    expect(r.maxAbsErr, `max abs error ${r.maxAbsErr} > ${r.tolerance}`).toBeLessThanOrEqual(r.tolerance);
  });

  it('N not a multiple of 16: b_ptrs % N is not provably contiguous, b stays scalar; a still vec4', async () => {
    const { r, compiled } = await runMatmulAndCompile({ m: 40, n: 50, k: 64, config: config(strategy) });
    expect(vectorLoads(compiled.wgsl, 0)).toBeGreaterThan(0);
    expect(vectorLoads(compiled.wgsl, 1)).toBe(0);
    expect(r.maxAbsErr).toBeLessThanOrEqual(r.tolerance);
  });

  it('K = 45: rows of A (stride 45) are misaligned, a stays scalar; b vec4', async () => {
    const { r, compiled } = await runMatmulAndCompile({ m: 64, n: 80, k: 45, config: config(strategy) });
    expect(vectorLoads(compiled.wgsl, 0)).toBe(0);
    expect(vectorLoads(compiled.wgsl, 1)).toBeGreaterThan(0);
    expect(r.maxAbsErr).toBeLessThanOrEqual(r.tolerance);
  });

  it('padded rows (stride K + 3: misaligned) and transposed operands fall back to scalar loads', async () => {
    const padded = await runMatmulAndCompile({ m: 48, n: 64, k: 64, aLayout: 'padded', bLayout: 'padded', config: config(strategy) });
    expect(vectorLoads(padded.compiled.wgsl, 0)).toBe(0);
    expect(vectorLoads(padded.compiled.wgsl, 1)).toBe(0);
    expect(padded.r.maxAbsErr).toBeLessThanOrEqual(padded.r.tolerance);
    const transposed = await runMatmulAndCompile({ m: 48, n: 64, k: 64, aLayout: 'col', bLayout: 'col', config: config(strategy) });
    expect(vectorLoads(transposed.compiled.wgsl, 0)).toBe(0);
    expect(vectorLoads(transposed.compiled.wgsl, 1)).toBe(0);
    expect(transposed.r.maxAbsErr).toBeLessThanOrEqual(transposed.r.tolerance);
  });
});

describe('equal-to-1 specialization', () => {
  it('opts out with specialize: false (no constant strides, no vec4 operand loads), same results', async () => {
    const { kernel } = await import('../../index.js');
    const plain = kernel(matmul.matmulKernel.source, {
      constexprs: ['BLOCK_SIZE_M', 'BLOCK_SIZE_N', 'BLOCK_SIZE_K', 'GROUP_SIZE_M', 'ACTIVATION'],
      specialize: false,
    });
    let compiled: CompileResult | undefined;
    const r = await matmul.run(await testDevice(), { m: 64, n: 64, k: 64, config: config('registers') }, { kernel: plain, onCompiled: (c) => (compiled = c) });
    expect(compiled?.manifest.specializationKey).not.toContain('=1,');
    expect(vectorLoads(compiled?.wgsl ?? '', 0)).toBe(0);
    expect(r.maxAbsErr).toBeLessThanOrEqual(r.tolerance);
  });
});
