// The examples under Bun, from the same TypeScript source. Bun has no WebGPU
// of its own: getDevice() loads npm `bun-webgpu` (Dawn over FFI) and calls its
// setupGlobals(). Without Vulkan, bun-webgpu falls back to Dawn's null
// backend, which computes nothing; getDevice() refuses it with a clear error.

import { describe, expect, it } from 'vitest';
import { EMBEDDED_MAIN, expectAllExamplesPass, localBinary, runEmbedded } from './embedded.js';

describe('Bun', () => {
  it('runs every example on bun-webgpu and matches the references', async () => {
    const report = await runEmbedded(localBinary('bun'), [EMBEDDED_MAIN]);
    expectAllExamplesPass(report, /^bun \d/);
  }, 120_000);

  it('refuses the null backend it gets without a Vulkan driver, saying how to get one', async () => {
    const report = await runEmbedded(localBinary('bun'), [EMBEDDED_MAIN], { VK_ICD_FILENAMES: '/nonexistent/icd.json' });
    if (!('error' in report)) throw new Error(`expected no device, got ${report.device}`);
    expect(report.error.kind).toBe('device');
    expect(report.error.message).toMatch(/no WebGPU adapter found.*bun-webgpu.*bash scripts\/setup\.sh/);
    expect(report.error.message).toMatch(/null backend/);
  }, 120_000);
});
