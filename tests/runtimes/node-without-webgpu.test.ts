// Node without the `webgpu` package (simulated with a resolve hook that makes
// it unresolvable): getDevice() fails with a device error saying what is
// missing and how to install it, not an exception from deep inside.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, runEmbedded } from './embedded.js';

const HIDE_WEBGPU = join(ROOT, 'tests', 'runtimes', 'hide-webgpu.mjs');
const DEVICE_MAIN = join(ROOT, 'tests', 'runtimes', 'device-main.ts');

describe('Node without WebGPU', () => {
  it('explains that Dawn is missing and how to install it', async () => {
    const report = await runEmbedded(process.execPath, ['--import', 'tsx', '--import', pathToFileURL(HIDE_WEBGPU).href, DEVICE_MAIN]);
    if (!('error' in report)) throw new Error(`expected no device, got ${report.device}`);
    expect(report.runtime).toMatch(/^node /);
    expect(report.error.kind).toBe('device');
    expect(report.error.message).toMatch(/cannot load Dawn, the WebGPU implementation for Node \(npm package 'webgpu'\)/);
    expect(report.error.message).toMatch(/npm install webgpu/);
  }, 60_000);
});
