// If Dawn ever rejects WGSL that Tessera generated (a compiler bug), the
// error says it is a Tessera bug and names the kernel source line that
// produced the offending WGSL line. Simulated by corrupting a compiled module.

import { describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { TesseraError } from '../../compiler/errors.js';
import { getPipeline } from '../../runtime/dispatch.js';
import { testDevice } from '../runtime/device-helper.js';

const source = `function add(x, out, n) {
  const offs = tl.arange(0, 64);
  const v = tl.load(x + offs, { mask: offs < n });
  tl.store(out + offs, v + 1.5, { mask: offs < n });
}`;

describe('WGSL rejected by Dawn', () => {
  it('is an internal error naming the kernel source line behind the bad WGSL line', async () => {
    const device = await testDevice();
    const compiled = compileSource(source, [{ role: 'buffer', dtype: 'f32' }, { role: 'buffer', dtype: 'f32' }, { role: 'scalar', dtype: 'i32' }], { file: 'add.ts' });
    // Break the code of kernel line 4 (the store): an undeclared identifier.
    const lines = compiled.wgsl.split('\n');
    const at = lines.findIndex((l) => l.includes('add.ts:4:'));
    expect(at).toBeGreaterThan(0);
    lines.splice(at + 1, 0, '  let broken: f32 = no_such_value;');
    const corrupted = { wgsl: lines.join('\n'), manifest: { ...compiled.manifest, specializationKey: compiled.manifest.specializationKey + '-corrupted' } };
    let error: unknown;
    try {
      await getPipeline(device, corrupted);
    } catch (e) {
      error = e;
    }
    if (!(error instanceof TesseraError)) throw new Error(`expected a TesseraError, got ${String(error)}`);
    const message = error.message;
    expect(error.kind).toBe('internal');
    expect(message).toContain('This is a Tessera bug');
    expect(message).toContain('no_such_value');
    expect(message).toContain('Generated from kernel source line:\n  add.ts:4: tl.store(out + offs, v + 1.5, { mask: offs < n });');
  });
});
