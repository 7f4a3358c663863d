// Coalescing and vectorize on printed IR: elements per invocation in the
// layouts, `vector=4` on accesses axis-info proves contiguous and aligned,
// `/m` when the mask is constant over each run, nothing otherwise.

import { describe, expect, it } from 'vitest';
import type { ArgSpec } from '../../compiler/lower/lower.js';
import { args, stages } from './helpers.js';

const add = `function add(x, y, out, n, off, BLOCK) {
  const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
  const a = tl.load(x + offs, { mask });
  const b = tl.load(y + off + offs, { mask });
  tl.store(out + offs, a + b, { mask });
}`;

function withDivisibility(specs: ArgSpec[], by: Readonly<Record<number, number>>): ArgSpec[] {
  return specs.map((a, i) => (by[i] !== undefined && a.role !== 'constexpr' ? { ...a, divisibility: by[i] } : a));
}

const accesses = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => / = load |^store /.test(l));

describe('coalescing and vectorize', () => {
  it('gives each invocation 4 contiguous elements and marks aligned accesses vector=4 (one mask per vector when n is %16)', () => {
    const s = stages(add, withDivisibility(args('*f32', '*f32', '*f32', 'i32', 'i32', 1024), { 3: 16, 4: 16 }));
    expect(s.printed.vectorize).toMatch(/^kernel add\(.*n: i32%16, off: i32%16, BLOCK=1024\) workgroup=128 elements=4 \{/);
    expect(s.printed.vectorize).toContain('#blocked<spt=[4] tpd=[128]>');
    expect(accesses(s.printed.vectorize ?? '')).toEqual([
      expect.stringMatching(/= load %\d+, mask=%\d+, other=%\d+, vector=4\/m : f32\[1024\]/),
      expect.stringMatching(/= load %\d+, mask=%\d+, other=%\d+, vector=4\/m : f32\[1024\]/),
      expect.stringMatching(/^store %\d+, %\d+, mask=%\d+, vector=4\/m$/),
    ]);
  });

  it('checks every lane of a vector when n is not known %4, and keeps a misaligned offset scalar', () => {
    const s = stages(add, args('*f32', '*f32', '*f32', 'i32', 'i32', 1024));
    const [a, b, st] = accesses(s.printed.vectorize ?? '');
    expect(a).toMatch(/vector=4 :/);
    expect(b).not.toContain('vector');
    expect(st).toMatch(/vector=4$/);
    // The module declares x and out as vec4 arrays, y (scalar accesses only) as f32.
    expect(s.result.wgsl).toContain('var<storage, read> b0: array<vec4<f32>>;');
    expect(s.result.wgsl).toContain('var<storage, read> b1: array<f32>;');
    expect(s.result.wgsl).toContain('var<storage, read_write> b2: array<vec4<f32>>;');
    expect(s.result.manifest.buffers.map((x) => x.vectorWidth)).toEqual([4, undefined, 4]);
  });

  it('does nothing with coalescing off, or with bounds checking', () => {
    for (const options of [{ coalesce: false }, { checkBounds: true }]) {
      const s = stages(add, withDivisibility(args('*f32', '*f32', '*f32', 'i32', 'i32', 1024), { 3: 16, 4: 16 }), options);
      expect(s.result.wgsl).not.toContain('vec4');
      if (options.coalesce === false) expect(s.printed.tiling).toContain('#blocked<spt=[1] tpd=[128]>');
    }
  });

  it('takes tl.multipleOf as proof of alignment', () => {
    const hinted = add.replace('y + off + offs', 'y + tl.multipleOf(off, 4) + offs');
    const s = stages(hinted, args('*f32', '*f32', '*f32', 'i32', 'i32', 1024));
    expect(accesses(s.printed.vectorize ?? '')[1]).toMatch(/vector=4 :/);
  });

  it('keeps gathered (non-contiguous) accesses at one element per invocation', () => {
    const gather = `function gather(x, idx, out) {
  const i = tl.load(idx + tl.arange(0, 256) * 0 + tl.arange(0, 256) % 7);
  tl.store(out + tl.arange(0, 256), tl.load(x + i));
}`;
    const s = stages(gather, args('*f32', '*i32', '*f32'));
    // out + arange is contiguous, so the kernel still gets runs of 4; the gathered load stays scalar.
    const [first, second, st] = accesses(s.printed.vectorize ?? '');
    expect(first).not.toContain('vector');
    expect(second).not.toContain('vector');
    expect(st).toMatch(/vector=4$/);
  });
});
