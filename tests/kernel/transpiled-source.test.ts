// Kernel text as bundlers and other runtimes print it: esbuild renames a
// colliding `tl` to `tl2`, `tl3`, ... when it puts modules in one scope, and
// Bun (like minifiers) prints Infinity as `1 / 0`. Both must compile to the
// same kernel as the original spelling.

import { describe, expect, it } from 'vitest';
import { kernel, printKernel } from '../../index.js';
import { testDevice } from '../runtime/device-helper.js';

const ORIGINAL = `function rowmax(x, out, n, BLOCK) {
  const offs = tl.arange(0, BLOCK);
  const v = tl.load(x + offs, { mask: offs < n, other: -Infinity });
  tl.store(out + tl.programId(0), tl.max(v, 0));
}`;

async function irOf(source: string, namespace?: string): Promise<string> {
  const device = await testDevice();
  const k = kernel(source, { constexprs: ['BLOCK'], ...(namespace ? { namespace } : {}) });
  const compiled = k.compile({ x: device.empty('f32', 1), out: device.empty('f32', 1), n: 3, BLOCK: 64 }, { device });
  return printKernel(compiled.ir);
}

describe('transpiled kernel text', () => {
  it('accepts a bundler\'s rename of tl (tl4.load) as tl', async () => {
    expect(await irOf(ORIGINAL.replaceAll('tl.', 'tl4.'))).toBe(await irOf(ORIGINAL));
  });

  it('does not guess when the text uses tl and a renamed one, or two renamed ones', async () => {
    await expect(irOf(ORIGINAL.replace('tl.store', 'tl2.store'))).rejects.toThrow(/name error: 'tl2' is not defined/);
    const twoRenamed = ORIGINAL.replaceAll('tl.', 'tl3.').replace('tl3.arange', 'tl2.arange');
    await expect(irOf(twoRenamed)).rejects.toThrow(/name error: 'tl2' is not defined/);
  });

  it('reads the literal quotient -1 / 0 as -Infinity, as JavaScript does', async () => {
    expect(await irOf(ORIGINAL.replace('-Infinity', '-1 / 0'))).toBe(await irOf(ORIGINAL));
  });

  it('still rejects a compile-time integer division by zero that is not two literals', async () => {
    await expect(irOf(ORIGINAL.replace('-Infinity', '-BLOCK / 0'))).rejects.toThrow(/constexpr error: integer division by zero/);
  });
});
