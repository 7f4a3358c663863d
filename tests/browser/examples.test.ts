// The examples in headless Chromium (WebGPU on SwiftShader): the same suite
// as Node, Deno and Bun, from the browser bundle; the runtime-only bundle
// dispatching precompiled WGSL + a manifest; device loss and re-acquisition
// in the page; and a browser without WebGPU getting a clear error.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExamplesPageReport } from '../../browser/examples-page.js';
import { kernel, tl as tlImport, type CompiledKernel } from '../../index.js';
import { testDevice } from '../runtime/device-helper.js';
import { startBrowser, type BrowserSession } from './chromium.js';

type RuntimeModule = typeof import('../../runtime/index.js');
declare global {
  interface Window {
    tesseraRuntime?: RuntimeModule;
  }
}

const tl = tlImport; // a local binding: vitest rewrites imported names in the kernel's text

let session: BrowserSession;
beforeAll(async () => {
  session = await startBrowser();
});
afterAll(async () => {
  await session?.close();
});

async function report(path: string): Promise<ExamplesPageReport> {
  const page = await session.open(path);
  try {
    const result = await page.evaluate(() => window.tesseraExamples);
    if (result === undefined) throw new Error('the examples page did not start');
    return result;
  } finally {
    await page.close();
  }
}

describe('examples in Chromium', () => {
  it('every example matches its float64 reference on the page\'s WebGPU device', async () => {
    const r = await report('examples.html');
    if ('error' in r) throw new Error(`the page found no device: ${r.error.message}`);
    expect(r.device).not.toBe('');
    expect(r.rows.length).toBeGreaterThanOrEqual(7);
    for (const row of r.rows) {
      expect(row.error, `${row.example} ${row.size}`).toBeUndefined();
      expect(row.ok, `${row.example} ${row.size}: max abs err ${row.maxAbsErr}`).toBe(true);
      expect(row.maxAbsErr).not.toBeNull();
      expect(row.maxAbsErr ?? Infinity).toBeLessThanOrEqual(row.tolerance ?? 0);
    }
  });
});

/** out[i] = x[i] * a + i, compiled here in Node; the page has only the runtime bundle. */
const affine = kernel(
  function affine(x, out, a, n, BLOCK) {
    const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
    const mask = offs < n;
    tl.store(out + offs, tl.load(x + offs, { mask }) * a + tl.cast(offs, tl.float32), { mask });
  },
  { constexprs: ['BLOCK'], types: { a: 'f32' } },
);

describe('precompiled kernels with the runtime-only bundle', () => {
  it('dispatches WGSL + manifest compiled ahead of time and reads the result back', async () => {
    const device = await testDevice();
    const n = 1000;
    const BLOCK = 256;
    const compiled: CompiledKernel = affine.compile(
      { x: device.empty('f32', 1), out: device.empty('f32', 1), a: 1.5, n, BLOCK },
      { device },
    );
    const x = Array.from({ length: n }, () => Math.random() * 2 - 1);
    const page = await session.open('precompiled.html');
    try {
      await page.waitForSelector('body[data-ready=true]');
      const out = await page.evaluate(
        async ({ compiled, x, n, grid }) => {
          const runtime = window.tesseraRuntime;
          if (runtime === undefined) throw new Error('no runtime on the page');
          const device = await runtime.getDevice();
          const xs = device.tensor(Float32Array.from(x));
          const out = device.empty('f32', n + 3);
          out.fill(NaN);
          await runtime.dispatch(device, compiled, { tensors: { x: xs, out }, scalars: { a: 1.5, n }, grid: [grid] });
          return Array.from(await out.read(), (v) => (Number.isNaN(v) ? 'NaN' : v));
        },
        { compiled, x, n, grid: Math.ceil(n / BLOCK) },
      );
      expect(out.slice(n)).toEqual(['NaN', 'NaN', 'NaN']);
      for (let i = 0; i < n; i++) {
        const expected = Math.fround(x[i] ?? NaN) * 1.5 + i;
        expect(Math.abs(Number(out[i]) - expected), `element ${i}`).toBeLessThan(1e-4);
      }
    } finally {
      await page.close();
    }
  });
});

describe('device loss in the page', () => {
  it('rejects launches with a device-lost error, and getDevice() acquires a new device', async () => {
    const device = await testDevice();
    const compiled = affine.compile({ x: device.empty('f32', 1), out: device.empty('f32', 1), a: 2, n: 4, BLOCK: 4 }, { device });
    const page = await session.open('precompiled.html');
    try {
      await page.waitForSelector('body[data-ready=true]');
      const outcome = await page.evaluate(async (compiled) => {
        const runtime = window.tesseraRuntime;
        if (runtime === undefined) throw new Error('no runtime on the page');
        const first = await runtime.getDevice();
        const launch = (d: typeof first) =>
          runtime.dispatch(d, compiled, {
            tensors: { x: d.tensor(new Float32Array([1, 2, 3, 4])), out: d.empty('f32', 4) },
            scalars: { a: 2, n: 4 },
            grid: [1],
            wait: true,
          });
        await launch(first);
        first.gpu.destroy(); // as a driver reset would: Tessera learns it through gpu.lost
        let kind = 'resolved';
        let message = '';
        try {
          await launch(first);
        } catch (error) {
          kind = error instanceof Error && 'kind' in error ? String(error.kind) : `not a TesseraError: ${String(error)}`;
          message = error instanceof Error ? error.message : '';
        }
        const second = await runtime.getDevice();
        const x = second.tensor(new Float32Array([1, 2, 3, 4]));
        const out = second.empty('f32', 4);
        await runtime.dispatch(second, compiled, { tensors: { x, out }, scalars: { a: 2, n: 4 }, grid: [1] });
        return { kind, message, fresh: second !== first && !second.isLost, values: Array.from(await out.read()) };
      }, compiled);
      expect(outcome.kind).toBe('device-lost');
      expect(outcome.message).toMatch(/was lost .*call getDevice\(\) again/);
      expect(outcome.fresh).toBe(true);
      expect(outcome.values).toEqual([2, 5, 8, 11]);
    } finally {
      await page.close();
    }
  });
});

describe('a browser without WebGPU', () => {
  it('gets a device error that says what is missing and how to fix it, shown on the page', async () => {
    const plain = await startBrowser({ webgpu: false, build: session.build });
    try {
      const page = await plain.open('examples.html');
      const r = await page.evaluate(() => window.tesseraExamples);
      if (r === undefined || !('error' in r)) throw new Error(`expected no device, got ${JSON.stringify(r)}`);
      expect(r.error.kind).toBe('device');
      expect(r.error.message).toMatch(/no WebGPU adapter found/);
      expect(r.error.message).toMatch(/--enable-unsafe-webgpu/);
      expect(r.error.message).not.toMatch(/\n\s+at /); // no stack trace
      await page.waitForSelector('#error:not([hidden])');
      expect(await page.locator('#error').textContent()).toMatch(/no WebGPU adapter found/);
    } finally {
      await plain.close();
    }
  });
});
