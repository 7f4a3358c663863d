// Bounds checking (`checkBounds: true`), the answer to "buffer too small":
// kernels index freely, so Tessera cannot know before a launch how much of a
// tensor a kernel touches; a checked launch compares every access with the
// bound tensor's length, skips the first one out of bounds, and rejects with a
// LaunchError at the kernel line. Checked modules must validate in Dawn too.

import { describe, expect, it } from 'vitest';
import { LaunchError, TesseraError } from '../../compiler/errors.js';
import { kernel, tl as tlImport } from '../../index.js';
import { validateWgsl } from '../../runtime/validate.js';
import { testDevice } from '../runtime/device-helper.js';
import { expectError } from './helpers.js';

// Vitest rewrites imported bindings in function sources; a local keeps `tl`.
const tl = tlImport;
void tl;

const FILE = 'kernels/bounds.ts';

const unmaskedLoad = `function copy(src, dst, n, BLOCK) {
  const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
  const v = tl.load(src + offs);
  tl.store(dst + offs, v, { mask: offs < n });
}`;

const unmaskedStore = `function fill(dst, n, BLOCK) {
  const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
  tl.store(dst + offs - 3, tl.full([BLOCK], 7, tl.float32));
}`;

const masked = `function copy(src, dst, n, BLOCK) {
  const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
  tl.store(dst + offs, tl.load(src + offs, { mask }), { mask });
}`;

async function rejection(run: () => Promise<void>): Promise<TesseraError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof TesseraError) return error;
    throw error;
  }
  throw new Error('expected the launch to reject');
}

/** The element an out-of-bounds report names for `param` of `length` elements. */
function reportedElement(error: TesseraError, param: string, length: number): number {
  const match = new RegExp(`element (-?\\d+) of '${param}', which has ${length} elements`).exec(error.detail);
  if (!match) throw new Error(`no out-of-bounds element for '${param}' in: ${error.detail}`);
  return Number(match[1]);
}

describe('bounds checking', () => {
  it('reports an unmasked load past the end at its source line, and skips it', async () => {
    const device = await testDevice();
    const k = kernel(unmaskedLoad, { constexprs: ['BLOCK'], file: FILE });
    const src = device.tensor(new Float32Array(1000).fill(1));
    const dst = device.tensor(new Float32Array(1000).fill(NaN));
    const error = await rejection(() => k.launch(8, [src, dst, 1000, 128], { checkBounds: true }));
    expect(error).toBeInstanceOf(LaunchError);
    // Several lanes are out of bounds at once; the first to report wins
    // (which one depends on the layout the device's defaults chose).
    expect(reportedElement(error, 'src', 1000)).toBeGreaterThanOrEqual(1000);
    expect(reportedElement(error, 'src', 1000)).toBeLessThan(8 * 128);
    expectError(error, unmaskedLoad, {
      kind: 'launch',
      message: ['out-of-bounds load: element ', 'Mask it'],
      at: '3:13',
      under: 'tl.load(src + offs)',
      file: FILE,
    });
    // Every in-bounds element was still copied.
    expect([...(await dst.read())].every((x) => x === 1)).toBe(true);
  });

  it('reports a store before the start (a negative index), without writing it', async () => {
    const device = await testDevice();
    const k = kernel(unmaskedStore, { constexprs: ['BLOCK'], file: FILE });
    const whole = device.tensor(new Float32Array(64 + 16).fill(-1));
    const align = device.limits.minStorageBufferOffsetAlignment / 4;
    const view = whole.view(Math.max(16, align), 16);
    const error = await rejection(() => k.launch(1, [view, 16, 16], { checkBounds: true }));
    // Three lanes are out of bounds at once; the first to report wins.
    expectError(error, unmaskedStore, { kind: 'launch', message: 'out-of-bounds store: element -', at: '3:3', file: FILE });
    expect(error.detail).toMatch(/element -[123] of 'dst', which has 16 elements/);
    // The canaries before the view are untouched.
    const all = await whole.read();
    expect([...all.subarray(0, Math.max(16, align))].every((x) => x === -1)).toBe(true);
  });

  it('reports an access past the end of a view even when the buffer continues', async () => {
    const device = await testDevice();
    const k = kernel(unmaskedLoad, { constexprs: ['BLOCK'], file: FILE });
    const src = device.tensor(new Float32Array(512).fill(2));
    const dst = device.tensor(new Float32Array(128).fill(NaN));
    const error = await rejection(() => k.launch(1, [src.view(0, 100), dst, 128, 128], { checkBounds: true }));
    const element = reportedElement(error, 'src', 100);
    expect(element).toBeGreaterThanOrEqual(100);
    expect(element).toBeLessThan(128);
  });

  it('lets a correctly masked kernel through, with correct results, at an awkward size', async () => {
    const device = await testDevice();
    const k = kernel(masked, { constexprs: ['BLOCK'], file: FILE });
    const n = 4097;
    const data = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 7);
    const src = device.tensor(data);
    const dst = device.tensor(new Float32Array(n).fill(NaN));
    await k.launch(Math.ceil(n / 256), [src, dst, n, 256], { checkBounds: true });
    expect([...(await dst.read())]).toEqual([...data]);
    const compiled = k.compile([src, dst, n, 256], { device, checkBounds: true });
    expect(compiled.manifest.specializationKey).toContain('[bounds-checked]');
    const report = await validateWgsl(device, compiled.wgsl);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it('is off by default: unchecked modules carry no checks', async () => {
    const device = await testDevice();
    const k = kernel(masked, { constexprs: ['BLOCK'] });
    const src = device.tensor(new Float32Array(8));
    const compiled = k.compile([src, src, 8, 8], { device });
    expect(compiled.wgsl).not.toContain('arrayLength');
    expect(compiled.manifest.boundsCheck).toBeUndefined();
  });
});
