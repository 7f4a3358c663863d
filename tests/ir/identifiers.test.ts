// User identifiers never become WGSL identifiers: a kernel whose parameters
// and variables are named like WGSL keywords, builtins or the names codegen
// itself uses compiles, passes Dawn's validator with no messages, and
// computes the right values. (`let` and `var` are reserved words in
// JavaScript too, so no kernel can use them as names.)

import { describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { kernel } from '../../compiler/kernel.js';
import { formatWgslMessages, validateWgsl } from '../../runtime/validate.js';
import { testDevice } from '../runtime/device-helper.js';
import { args } from './helpers.js';

// Parameters: fn (input), array (output), loop (one extra output element),
// main (n), workgroupBarrier (a scale). Variables: struct, ptr, bitcast, u32,
// f32, select, params, tid, wid, scratch, b0, a0, v3, t0_0, r5, override,
// storage. Several shadow what the generated WGSL declares (b0, params, tid,
// scratch, main) or are WGSL keywords and builtin functions.
const hostile = `function fn_kernel(fn, array, loop, main, workgroupBarrier) {
  const tid = tl.programId(0);
  const b0 = tid * 64 + tl.arange(0, 64);
  const params = b0 < main;
  const struct = tl.load(fn + b0, { mask: params, other: 0.0 });
  const ptr = struct * workgroupBarrier;
  const bitcast = tl.sum(ptr, 0);
  let u32 = 0;
  for (let f32 = 0; f32 < 3; f32++) {
    u32 += f32;
  }
  const select = params ? ptr + u32 : -1.0;
  const scratch = tl.max(select, 0);
  const wid = tl.where(ptr > scratch, 1.0, 0.0);
  let override = wid;
  if (main > 1000000) {
    override = override + 1.0;
  }
  const a0 = override + bitcast * 0.0;
  const v3 = a0;
  const t0_0 = v3;
  const r5 = t0_0;
  const storage = r5;
  tl.store(array + b0, storage + select, { mask: params });
  tl.store(loop + tid, bitcast);
}`;

describe('user identifiers', () => {
  it('never appear in the WGSL code (only in comments)', () => {
    const source = `function myKernel(inputBuffer, outputBuffer, elementCount, scaleFactor) {
  const blockOffsets = tl.programId(0) * 64 + tl.arange(0, 64);
  const inBounds = blockOffsets < elementCount;
  let runningTotal = tl.load(inputBuffer + blockOffsets, { mask: inBounds });
  for (let stepIndex = 0; stepIndex < elementCount; stepIndex++) {
    runningTotal = runningTotal * scaleFactor;
  }
  tl.store(outputBuffer + blockOffsets, runningTotal, { mask: inBounds });
}`;
    const { wgsl } = compileSource(source, args('*f32', '*f32', 'i32', 'f32'));
    const code = wgsl
      .split('\n')
      .map((line) => line.replace(/\/\/.*$/, ''))
      .join('\n');
    for (const name of ['myKernel', 'inputBuffer', 'outputBuffer', 'elementCount', 'scaleFactor', 'blockOffsets', 'inBounds', 'runningTotal', 'stepIndex'])
      expect(code, name).not.toContain(name);
    // The comments keep them, for a reader of the WGSL.
    expect(wgsl).toContain('// inputBuffer');
  });

  it('names like WGSL keywords and generated names compile, validate cleanly and compute the right values', async () => {
    const device = await testDevice();
    const n = 150; // 3 programs of 64, the last one partial
    const scale = 1.5;
    const input = Float32Array.from({ length: n }, (_, i) => ((i * 37) % 101) / 10 - 5);
    const k = kernel(hostile, { types: { workgroupBarrier: 'f32' } });
    const specs = k.specialize({ fn: device.tensor(input), array: device.empty('f32', n), loop: device.empty('f32', 3), main: n, workgroupBarrier: scale });
    const compiled = compileSource(hostile, specs, { verify: true });
    const report = await validateWgsl(device, compiled.wgsl);
    expect(formatWgslMessages([...report.errors, ...report.warnings])).toBe('');

    const fn = device.tensor(input);
    const array = device.empty('f32', n + 1);
    const loop = device.empty('f32', 3);
    array.fill(NaN);
    loop.fill(NaN);
    await k.launch([3], { fn, array, loop, main: n, workgroupBarrier: scale }, { wait: true });

    // The same computation in plain TypeScript, per program of 64 elements.
    const expected = new Float32Array(n + 1).fill(NaN);
    const sums: number[] = [];
    for (let pid = 0; pid < 3; pid++) {
      const ptr: number[] = [];
      const inb: boolean[] = [];
      for (let j = 0; j < 64; j++) {
        const i = pid * 64 + j;
        inb.push(i < n);
        ptr.push(Math.fround((i < n ? input[i]! : 0) * scale));
      }
      const bitcast = ptr.reduce((s, x) => s + x, 0);
      sums.push(bitcast);
      const select = ptr.map((p, j) => (inb[j] ? p + 3 : -1)); // u32 = 0 + 1 + 2
      const scratch = Math.max(...select);
      for (let j = 0; j < 64; j++) {
        const i = pid * 64 + j;
        if (!inb[j]) continue;
        const wid = ptr[j]! > scratch ? 1 : 0;
        expected[i] = wid + select[j]!;
      }
    }
    const got = await array.read();
    for (let i = 0; i <= n; i++) {
      if (Number.isNaN(expected[i]!)) expect(Number.isNaN(got[i]!), `element ${i} must stay unwritten`).toBe(true);
      else expect(got[i]).toBeCloseTo(expected[i]!, 4);
    }
    const totals = await loop.read();
    for (let p = 0; p < 3; p++) expect(totals[p]).toBeCloseTo(sums[p]!, 3);
  });
});
