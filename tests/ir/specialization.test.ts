// The specialization key (what a compiled kernel is cached under) for a few
// argument sets, and determinism: the same input gives byte-identical WGSL
// and IR, whatever was compiled before.

import { describe, expect, it } from 'vitest';
import { compileSource, sourceHash, specializationKey } from '../../compiler/compile.js';
import { parseKernel } from '../../compiler/frontend/parse.js';
import { printKernel } from '../../compiler/ir/printer.js';
import { args } from './helpers.js';

const source = `function add(x, y, out, n, BLOCK) {
  const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
  tl.store(out + offs, tl.load(x + offs, { mask }) + tl.load(y + offs, { mask }), { mask });
}`;

const hash = sourceHash(source);

describe('specialization key', () => {
  it('names every parameter with its dtype or constexpr value, the workgroup size and the source hash', () => {
    const keyOf = (...a: (string | number | boolean)[]): string => compileSource(source, args(...a)).manifest.specializationKey;
    expect(hash).toMatch(/^[0-9a-f]{8}$/);
    // The default workgroup gives each invocation 4 contiguous elements of the block.
    expect(keyOf('*f32', '*f32', '*f32', 'i32', 256)).toBe(`add(x:*f32,y:*f32,out:*f32,n:i32,BLOCK=256)[wg=64]#${hash}`);
    expect(keyOf('*i32', '*i32', '*i32', 'u32', 64)).toBe(`add(x:*i32,y:*i32,out:*i32,n:u32,BLOCK=64)[wg=16]#${hash}`);
    expect(keyOf('*f32', '*u32', '*f32', 'i32', 1024)).toBe(`add(x:*f32,y:*u32,out:*f32,n:i32,BLOCK=1024)[wg=128]#${hash}`);
  });

  it('records divisibility specialization and the coalescing, elements and subgroup choices', () => {
    const specs = args('*f32', '*f32', '*f32', 'i32', 256);
    const n16 = specs.map((a, i) => (i === 3 && a.role === 'scalar' ? { ...a, divisibility: 16 } : a));
    expect(compileSource(source, n16).manifest.specializationKey).toBe(`add(x:*f32,y:*f32,out:*f32,n:i32%16,BLOCK=256)[wg=64]#${hash}`);
    expect(compileSource(source, specs, { coalesce: false }).manifest.specializationKey).toBe(`add(x:*f32,y:*f32,out:*f32,n:i32,BLOCK=256)[wg=128]#${hash}[uncoalesced]`);
    expect(compileSource(source, specs, { elementsPerInvocation: 2 }).manifest.specializationKey).toBe(`add(x:*f32,y:*f32,out:*f32,n:i32,BLOCK=256)[wg=128]#${hash}[epi=2]`);
    expect(compileSource(source, specs, { features: ['subgroups'] }).manifest.specializationKey).toContain('[subgroups]');
    expect(compileSource(source, specs, { features: ['subgroups'], subgroups: false }).manifest.specializationKey).not.toContain('subgroups');
  });

  it('includes the invocations asked for', () => {
    const r = compileSource(source, args('*f32', '*f32', '*f32', 'i32', 256), { invocations: 32 });
    expect(r.manifest.specializationKey).toBe(`add(x:*f32,y:*f32,out:*f32,n:i32,BLOCK=256)[wg=32]#${hash}`);
    expect(r.manifest.workgroupSize).toBe(32);
  });

  it('shows boolean and fractional constexprs, and an anonymous kernel', () => {
    const fn = parseKernel('(x, EVEN, SCALE) => { tl.store(x, SCALE); }');
    const key = specializationKey(fn, 'src', [...args('*f32', true, 0.5)], 1);
    expect(key).toBe(`kernel(x:*f32,EVEN=true,SCALE=0.5)[wg=1]#${sourceHash('src')}`);
  });

  it('differs when the source differs, even by one character', () => {
    expect(sourceHash(source)).not.toBe(sourceHash(source.replace('offs < n', 'offs <= n')));
    expect(sourceHash('a')).toBe('e40c292c'); // FNV-1a 32-bit of "a"
  });

  it('is written into the WGSL header', () => {
    const r = compileSource(source, args('*f32', '*f32', '*f32', 'i32', 256));
    expect(r.wgsl).toContain(`// Specialization: ${r.manifest.specializationKey}\n`);
  });
});

describe('determinism', () => {
  const specs = args('*f32', '*f32', '*f32', 'i32', 256);

  it('the same kernel and arguments give byte-identical WGSL and IR', () => {
    const a = compileSource(source, specs);
    const b = compileSource(source, specs);
    expect(b.wgsl).toBe(a.wgsl);
    expect(printKernel(b.ir, { locations: true })).toBe(printKernel(a.ir, { locations: true }));
    expect(JSON.stringify(b.manifest)).toBe(JSON.stringify(a.manifest));
  });

  it('does not depend on what was compiled before', () => {
    const first = compileSource(source, specs).wgsl;
    // Other kernels and specializations in between must leave no trace.
    compileSource(source, args('*i32', '*i32', '*i32', 'u32', 64));
    compileSource(`function other(p, n) {\n  for (let i = 0; i < n; i++) tl.store(p + i, tl.load(p + i) * 2.0);\n}`, args('*f32', 'i32'));
    expect(compileSource(source, specs).wgsl).toBe(first);
  });

  it('different specializations give different WGSL', () => {
    const a = compileSource(source, specs).wgsl;
    const b = compileSource(source, args('*f32', '*f32', '*f32', 'i32', 512)).wgsl;
    expect(b).not.toBe(a);
  });
});
