// Defaults that depend on what the adapter says about itself: a software
// (CPU) adapter gives kernels with reductions one subgroup per workgroup, and
// a workgroup no larger than the smallest subgroup reduces with a subgroup
// operation alone (no workgroup memory, no barrier). Compile-level checks on
// the WGSL and the specialization key; tests/ops/reductions.test.ts runs the
// single-subgroup path on the device against references.

import { describe, expect, it } from 'vitest';
import { compileSource, type CompileOptions } from '../../compiler/compile.js';
import { args } from './helpers.js';
import { vec4Reads } from '../ops/helpers.js';

const rowSum = `function row_sum(x, out, n, BLOCK) {
  const row = tl.programId(0);
  const offs = tl.arange(0, BLOCK);
  const v = tl.load(x + row * n + offs, { mask: offs < n, other: 0 });
  tl.store(out + row, tl.sum(v, 0) / tl.max(v, 0));
}`;

const specs = (block: number) => args('*f32', '*f32', 'i32', block);
const lavapipeLike: CompileOptions = { features: ['subgroups'], subgroupSize: 8, subgroupMinSize: 8, softwareAdapter: true };
const gpuLike: CompileOptions = { features: ['subgroups'], subgroupSize: 64, subgroupMinSize: 32 };

describe('defaults from the adapter', () => {
  it('gives a software adapter one subgroup per workgroup for reductions it can do without barriers', () => {
    for (const block of [1024, 64]) {
      const r = compileSource(rowSum, specs(block), lavapipeLike);
      expect(r.manifest.workgroupSize).toBe(8);
      expect(r.wgsl).not.toContain('workgroupBarrier');
    }
    // A small tile gets no idle invocations.
    expect(compileSource(rowSum, specs(16), lavapipeLike).manifest.workgroupSize).toBe(4);
  });

  it('keeps the GPU default on a software adapter where barriers would remain', () => {
    // More than 128 elements per invocation in one subgroup.
    expect(compileSource(rowSum, specs(4096), lavapipeLike).manifest.workgroupSize).toBe(128);
    // An arg reduction, and a reduction along one axis of a 2D tile, go through workgroup memory.
    const argmax = rowSum.replace('tl.sum(v, 0) / tl.max(v, 0)', 'tl.argmax(v, 0)');
    expect(compileSource(argmax, specs(1024), lavapipeLike).manifest.workgroupSize).toBe(64);
    const rows2d = `function rows2d(x, out, n, BLOCK) {
      const r = tl.arange(0, 4);
      const c = tl.arange(0, BLOCK);
      const v = tl.load(x + tl.expandDims(r, 1) * n + tl.expandDims(c, 0));
      tl.store(out + r, tl.sum(v, 1));
    }`;
    expect(compileSource(rows2d, specs(256), lavapipeLike).manifest.workgroupSize).toBe(64);
  });

  it('keeps at most 16 elements per invocation on a GPU', () => {
    expect(compileSource(rowSum, specs(1024), gpuLike).manifest.workgroupSize).toBe(64);
    expect(compileSource(rowSum, specs(4096), gpuLike).manifest.workgroupSize).toBe(128);
  });

  it('gives a software adapter one contiguous run of four vec4s per invocation where no data crosses invocations', () => {
    const add = `function add(x, y, n, BLOCK) {
      const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
      tl.store(y + offs, tl.load(x + offs, { mask: offs < n }), { mask: offs < n });
    }`;
    const n16 = args('*f32', '*f32', 'i32', 1024).map((a, i) => (i === 2 && a.role === 'scalar' ? { ...a, divisibility: 16 } : a));
    const software = compileSource(add, n16, lavapipeLike);
    expect(software.ir.elementsPerInvocation).toBe(16);
    expect(software.manifest.workgroupSize).toBe(64);
    // Four vec4 loads per invocation, in each of the full-tile and masked copies.
    expect(vec4Reads(software.wgsl, 0)).toBe(8);
    expect(vec4Reads(compileSource(add, n16, { ...lavapipeLike, fullTiles: false }).wgsl, 0)).toBe(4);
    const gpu = compileSource(add, n16, gpuLike);
    expect(gpu.ir.elementsPerInvocation).toBe(4);
    expect(gpu.manifest.workgroupSize).toBe(128);
    // Elements per invocation can differ at one workgroup size: the key tells the two builds apart.
    expect(software.manifest.specializationKey).toContain('[software]');
    expect(gpu.manifest.specializationKey).not.toContain('[software]');
  });

  it('leaves compiles without subgroups alone', () => {
    expect(compileSource(rowSum, specs(1024), { ...lavapipeLike, subgroups: false }).manifest.workgroupSize).toBe(
      compileSource(rowSum, specs(1024)).manifest.workgroupSize,
    );
  });
});

describe('a workgroup that is one subgroup', () => {
  it('reduces with subgroup operations alone: no scratch, no barrier', () => {
    const r = compileSource(rowSum, specs(1024), lavapipeLike);
    expect(r.manifest.specializationKey).toContain('[wg=8]');
    expect(r.manifest.specializationKey).toContain('[subgroups=workgroup]');
    expect(r.wgsl).toMatch(/= subgroupAdd\(r\d+_0\);/);
    expect(r.wgsl).toMatch(/= subgroupMax\(r\d+_0\);/);
    expect(r.wgsl).not.toContain('workgroupBarrier');
    expect(r.wgsl).not.toContain('var<workgroup>');
    expect(r.manifest.workgroupStorageBytes).toBe(0);
  });

  it('also when the workgroup is smaller than the smallest subgroup', () => {
    const r = compileSource(rowSum, specs(64), { ...gpuLike, invocations: 16 });
    expect(r.manifest.specializationKey).toContain('[subgroups=workgroup]');
    expect(r.wgsl).not.toContain('workgroupBarrier');
  });

  it('combines through scratch when the workgroup may hold several subgroups', () => {
    for (const options of [
      { ...lavapipeLike, invocations: 16 },
      // Without the adapter's smallest size nothing says one subgroup spans the workgroup.
      { features: ['subgroups'], invocations: 8 },
    ]) {
      const r = compileSource(rowSum, specs(1024), options);
      expect(r.manifest.specializationKey).toContain('[subgroups]');
      expect(r.wgsl).toContain('workgroupBarrier');
      expect(r.wgsl).toContain('var<workgroup> scratch');
    }
  });
});
