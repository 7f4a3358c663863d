import { defineConfig } from 'vitest/config';

// GPU tests run on Dawn (npm `webgpu`). Dawn is safest with one instance per
// process, so tests run in forked processes (not worker threads) with isolation
// on: every test file gets its own process, its own Dawn instance and its own
// device. On lavapipe the first dispatch of a shader JIT-compiles it, which can
// take seconds for a large kernel, hence the generous timeouts.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
