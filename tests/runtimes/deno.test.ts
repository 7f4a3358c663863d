// The examples under Deno, from the same TypeScript source, on Deno's own
// WebGPU (navigator.gpu, wgpu; on this machine lavapipe). --sloppy-imports
// lets Deno resolve the sources' './x.js' specifiers to './x.ts', as tsc does.
// DENO_WEBGPU_BACKEND=vulkan pins wgpu to Vulkan (lavapipe here): without it,
// a machine with no Vulkan driver silently falls back to OpenGL (llvmpipe).

import { describe, it } from 'vitest';
import { EMBEDDED_MAIN, expectAllExamplesPass, localBinary, runEmbedded } from './embedded.js';

describe('Deno', () => {
  it('runs every example on navigator.gpu and matches the references', async () => {
    const deno = localBinary('deno');
    const report = await runEmbedded(deno, ['run', '--sloppy-imports', '--allow-read', '--allow-env', EMBEDDED_MAIN], {
      DENO_WEBGPU_BACKEND: 'vulkan',
    });
    expectAllExamplesPass(report, /^deno \d/);
  }, 120_000);
});
