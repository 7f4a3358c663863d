// The autotuner on the device, with the tutorial matmul (tests/autotune/shared.ts):
// - configs over the device's limits (workgroup memory, invocations) are
//   pruned before anything is compiled: the kernel never sees them;
// - the survivors are timed, the fastest wins, the result is correct and the
//   summary shows every config (the pruned ones with their reason);
// - the result persists: a second process (npx tsx) over the same cache file
//   reuses it without compiling or timing anything;
// - useConfig skips tuning; exportResults / importResults carry results to
//   another tuner that then times nothing; progress is reported per config.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { autotune, type AutotuneConfig, type AutotuneProgress } from '../../index.js';
import type { KernelArgsInput } from '../../compiler/kernel.js';
import { matmulKernel } from '../../examples/matmul.js';
import { dotStagingBytes, pruneReason } from '../../compiler/autotune/prune.js';
import { browserStorage, localStorageStore } from '../../compiler/autotune/store.js';
import { testDevice } from '../runtime/device-helper.js';
import { CONFIGS, error, inputs, OVER_LIMIT } from './shared.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The BLOCK_SIZE_M / invocations pair a launch or compile used. */
function usedConfig(input: KernelArgsInput, options: unknown): string {
  const args = matmulKernel.named(input);
  const invocations = typeof options === 'object' && options !== null ? Reflect.get(options, 'invocations') : undefined;
  return `${String(args['BLOCK_SIZE_M'])}/${String(invocations)}`;
}

const key = (c: AutotuneConfig): string => `${String(c.constexprs?.['BLOCK_SIZE_M'])}/${String(c.invocations)}`;

describe('autotune', () => {
  it('prunes configs over the device limits before compiling, times the rest, keeps the fastest and persists it for a second process', async () => {
    const device = await testDevice();
    const cacheFile = join(mkdtempSync(join(tmpdir(), 'tessera-autotune-')), 'autotune.json');
    const compiled: string[] = [];
    const launched: string[] = [];
    const originalCompile = matmulKernel.compile.bind(matmulKernel);
    vi.spyOn(matmulKernel, 'compile').mockImplementation((input, options) => {
      compiled.push(usedConfig(input, options));
      return originalCompile(input, options);
    });
    const originalLaunch = matmulKernel.launch.bind(matmulKernel);
    vi.spyOn(matmulKernel, 'launch').mockImplementation((grid, input, options) => {
      launched.push(usedConfig(input, options));
      return originalLaunch(grid, input, options);
    });
    const progress: AutotuneProgress[] = [];
    const logged: string[] = [];
    const tuner = autotune(matmulKernel, {
      configs: CONFIGS,
      key: ['M', 'N', 'K'],
      cacheFile,
      warmup: 1,
      runs: 2,
      onProgress: (p) => progress.push(p),
      log: (text) => logged.push(text),
      progressBar: false,
    });
    const { a, b, c, args, grid } = inputs(device);
    try {
      await tuner.launch(grid, args, { device, wait: true });
    } finally {
      vi.restoreAllMocks();
    }

    // The over-limit configs were never compiled or launched.
    const overLimit = OVER_LIMIT.map((i) => CONFIGS[i]).filter((c): c is AutotuneConfig => c !== undefined).map(key);
    for (const k of overLimit) {
      expect(compiled).not.toContain(k);
      expect(launched).not.toContain(k);
    }
    expect(new Set(compiled)).toEqual(new Set(['16/32']));
    expect(tuner.stats.compiled).toBe(2);
    expect(tuner.stats.timedLaunches).toBe(2 * (1 + 2));
    expect(tuner.stats.tuned).toBe(1);

    // Progress per config, then a summary naming the winner and the pruning reasons.
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4]);
    expect(progress.every((p) => p.total === 4)).toBe(true);
    const summary = logged.join('\n');
    expect(summary).toContain('2 of 4 configs timed');
    expect(summary).toContain('pruned: tl.dot staging needs 65552 bytes of workgroup memory > maxComputeWorkgroupStorageSize');
    expect(summary).toContain('pruned: 2048 invocations > maxComputeInvocationsPerWorkgroup');
    expect(summary).toMatch(/winner: .*dot=(registers|workgroup) \(fastest median/);

    const { err, tolerance } = await error(a, b, c);
    expect(err).toBeLessThanOrEqual(tolerance);

    // Stored in the file, with every candidate's outcome.
    const stored = JSON.parse(readFileSync(cacheFile, 'utf8'));
    expect(stored.format).toBe('tessera-autotune/1');
    const entries = Object.values(stored.entries) as { config: AutotuneConfig; table: unknown[] }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]?.table).toHaveLength(4);
    const winner = await tuner.best(args, { device, grid });
    expect(entries[0]?.config).toEqual(winner);

    // A second process reuses the stored result: no compile for timing, no timed launch.
    const child = spawnSync('npx', ['tsx', 'tests/autotune/second-process.ts', cacheFile], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
    expect(line, `second process output:\n${child.stdout}\n${child.stderr}`).toBeDefined();
    const report = JSON.parse(line ?? '{}');
    expect(report.stats).toEqual({ compiled: 0, timedLaunches: 0, tuned: 0, reused: 2 });
    expect(report.config).toEqual(winner);
    expect(report.correct).toBe(true);
  });

  it('useConfig skips tuning', async () => {
    const device = await testDevice();
    const useConfig = CONFIGS[1];
    if (!useConfig) throw new Error('no config');
    const tuner = autotune(matmulKernel, { configs: CONFIGS, key: ['M', 'N', 'K'], cacheFile: false, useConfig, log: false });
    const { a, b, c, args, grid } = inputs(device);
    await tuner.launch(grid, args, { device, wait: true });
    expect(await tuner.best(args)).toBe(useConfig);
    expect(tuner.stats).toEqual({ compiled: 0, timedLaunches: 0, tuned: 0, reused: 0 });
    const { err, tolerance } = await error(a, b, c);
    expect(err).toBeLessThanOrEqual(tolerance);
  });

  it('exportResults / importResults carry tuned results to another tuner, which times nothing', async () => {
    const device = await testDevice();
    const configs = CONFIGS.slice(0, 2);
    const first = autotune(matmulKernel, { configs, key: ['M', 'N', 'K'], cacheFile: false, runs: 1, log: false });
    const { args, grid } = inputs(device);
    const winner = await first.best(args, { device, grid });
    const json = first.exportResults();

    const second = autotune(matmulKernel, { configs, key: ['M', 'N', 'K'], cacheFile: false, log: false });
    second.importResults(json);
    const { a, b, c, args: args2 } = inputs(device);
    await second.launch(grid, args2, { device, wait: true });
    expect(second.stats).toEqual({ compiled: 0, timedLaunches: 0, tuned: 0, reused: 1 });
    expect(await second.best(args2, { device })).toEqual(winner);
    const { err, tolerance } = await error(a, b, c);
    expect(err).toBeLessThanOrEqual(tolerance);

    // Another key (other sizes) is not covered by the import: it would tune.
    expect(() => second.importResults('{"format":"something else"}')).toThrow(/not Tessera autotuning results/);
  });

  it('in a browser, results persist in localStorage; the autotuner imports no Node built-in statically', async () => {
    const items = new Map<string, string>();
    const fake = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
    Object.defineProperty(globalThis, 'localStorage', { value: fake, configurable: true });
    try {
      const storage = browserStorage();
      expect(storage).toBeDefined();
      if (!storage) return;
      const store = localStorageStore(storage);
      expect(await store.load()).toEqual({});
      const entry = { config: { invocations: 64 }, medianMs: 1.5, table: [{ config: { invocations: 64 }, medianMs: 1.5 }], tunedAt: 'now' };
      await store.save({ k: entry });
      expect(JSON.parse(items.get('tessera-autotune') ?? '{}').format).toBe('tessera-autotune/1');
      expect(await store.load()).toEqual({ k: entry });
    } finally {
      Reflect.deleteProperty(globalThis, 'localStorage');
    }
    for (const file of ['autotune.ts', 'store.ts', 'report.ts', 'prune.ts']) {
      const text = readFileSync(join(root, 'compiler/autotune', file), 'utf8');
      expect(text, file).not.toMatch(/^import [^;]*from 'node:/m);
      expect(text, file).not.toMatch(/^import [^;]*from 'cli-progress'/m);
    }
  });

  it('pruning reasons come from the limits, without compiling', async () => {
    const device = await testDevice();
    const { args } = inputs(device);
    const specs = (c: AutotuneConfig) => matmulKernel.specialize({ ...args, ...c.constexprs });
    const limits = { maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupStorageSize: 16384 };
    const [fits, staged, huge, wide] = CONFIGS;
    if (!fits || !staged || !huge || !wide) throw new Error('configs');
    expect(pruneReason(matmulKernel, specs(fits), fits, limits)).toBeNull();
    expect(dotStagingBytes(matmulKernel, specs(staged), staged)).toBe((16 * 8 + 8 * 16) * 4 + 16);
    expect(dotStagingBytes(matmulKernel, specs(fits), fits)).toBe(0);
    expect(pruneReason(matmulKernel, specs(huge), huge, limits)).toContain('65552 bytes');
    expect(pruneReason(matmulKernel, specs(wide), wide, limits)).toContain('2048 invocations');
    // A block size that is not a power of two cannot compile: pruned with the reason.
    const odd: AutotuneConfig = { constexprs: { BLOCK_SIZE_M: 24, BLOCK_SIZE_N: 16, BLOCK_SIZE_K: 8, GROUP_SIZE_M: 1 }, dotStrategy: 'workgroup' };
    expect(pruneReason(matmulKernel, specs(odd), odd, limits)).toMatch(/does not compile: .*power of two/);
  });
});
