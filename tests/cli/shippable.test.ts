// The shippable artifact: `tessera compile` (the real binary) turns
// examples/vector-add.ts and examples/softmax.ts into WGSL, manifests and
// loaders; a plain-Node app that imports only those loaders (and `webgpu` for
// a device) launches them on the real device and checks the results. The
// manifests match the goldens in tests/cli/golden (compiler version
// normalized; UPDATE_GOLDEN=1 rewrites them), and the .d.ts type-checks.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDevice } from '../runtime/device-helper.js';
import { artifactDir, expectNoStackTrace, ROOT, runBinary, type CliRun } from './helpers.js';
import { APP_SOURCE } from './shippable-app.js';

const OUT = artifactDir('shippable');
const builds = [
  { example: 'vector-add', kernel: 'add_kernel', signature: '*fp32,*fp32,*fp32,i32,1024' },
  { example: 'softmax', kernel: 'softmax_kernel', signature: '*fp32,*fp32,i32,i32,i32,1024' },
] as const;
const runs = new Map<string, CliRun>();

beforeAll(async () => {
  rmSync(join(ROOT, OUT), { recursive: true, force: true });
  for (const b of builds) runs.set(b.kernel, await runBinary(['compile', `examples/${b.example}.ts`, '--signature', b.signature, '-o', OUT]));
}, 120_000);

const read = (name: string): string => readFileSync(join(ROOT, OUT, name), 'utf8');

function run(command: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(command, args, { cwd: join(ROOT, OUT), maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });
}

describe('tessera compile: the shippable artifact', () => {
  it('writes the WGSL, manifest, loader and types of each kernel', () => {
    for (const b of builds) {
      const result = runs.get(b.kernel);
      expect(result?.code, result?.stderr).toBe(0);
      if (!result) continue;
      expectNoStackTrace(result);
      for (const ext of ['wgsl', 'manifest.json', 'js', 'd.ts']) {
        expect(existsSync(join(ROOT, OUT, `${b.kernel}.${ext}`))).toBe(true);
        expect(result.stdout).toContain(join(OUT, `${b.kernel}.${ext}`));
      }
    }
  });

  it('emits the same WGSL code as the examples\' golden modules (source comments aside)', () => {
    const code = (wgsl: string): string =>
      wgsl
        .split('\n')
        .filter((l) => !/^\s*\/\//.test(l))
        .map((l) => l.replace(/\s*\/\/.*$/, ''))
        .join('\n');
    for (const b of builds) expect(code(read(`${b.kernel}.wgsl`))).toBe(code(readFileSync(join(ROOT, 'examples', `${b.example}.wgsl`), 'utf8')));
  });

  it('matches the golden manifests', () => {
    for (const b of builds) {
      const manifest = read(`${b.kernel}.manifest.json`).replace(/"compilerVersion": "[^"]*"/, '"compilerVersion": "<version>"');
      const golden = join(ROOT, 'tests', 'cli', 'golden', `${b.kernel}.manifest.json`);
      if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, manifest);
      expect(manifest).toBe(readFileSync(golden, 'utf8'));
    }
  });

  it('loaders import nothing', () => {
    for (const b of builds) {
      const loader = read(`${b.kernel}.js`);
      expect(loader).not.toMatch(/^\s*import\b/m);
      expect(loader).not.toMatch(/\bimport\s*\(/);
      expect(loader).not.toMatch(/\brequire\s*\(/);
    }
  });

  it('a plain-Node app using only the loaders runs both kernels correctly on the device', async () => {
    const app = join(ROOT, OUT, 'app.mjs');
    writeFileSync(app, APP_SOURCE);
    const imports = [...APP_SOURCE.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(imports).toEqual(['webgpu', './add_kernel.js', './softmax_kernel.js']);
    const result = await run(process.execPath, [app]);
    expect(result.code, result.stderr).toBe(0);
    const { addErr, smErr, badArgument } = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}');
    expect(addErr).toBeLessThanOrEqual(1e-6);
    expect(smErr).toBeLessThanOrEqual(1e-5);
    expect(badArgument).toContain("kernel add_kernel: argument 'n_elements' must be an integer");
  }, 120_000);

  it('a loader also takes Tessera tensors, and rejects a wrong dtype', async () => {
    const device = await testDevice();
    const add: unknown = await import(join(ROOT, OUT, 'add_kernel.js'));
    if (typeof add !== 'object' || add === null || !('launch' in add) || typeof add.launch !== 'function') throw new Error('no launch export');
    const n = 1500;
    const x = Float32Array.from({ length: n }, () => Math.random());
    const y = Float32Array.from({ length: n }, () => Math.random());
    const out = device.empty('f32', n);
    out.fill(NaN);
    await add.launch(device, Math.ceil(n / 1024), { x_ptr: device.tensor(x), y_ptr: device.tensor(y), output_ptr: out, n_elements: n });
    const got = await out.read();
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs((got[i] ?? NaN) - ((x[i] ?? 0) + (y[i] ?? 0))));
    expect(err).toBeLessThanOrEqual(1e-6);
    await expect(add.launch(device, 1, { x_ptr: device.empty('i32', 4), y_ptr: device.tensor(y), output_ptr: out, n_elements: n })).rejects.toThrow("argument 'x_ptr' holds i32, but the kernel was compiled for f32");
  });

  it('the .d.ts types launch arguments', async () => {
    writeFileSync(
      join(ROOT, OUT, 'typed.ts'),
      `import { launch, type LaunchArgs } from './add_kernel.js';
declare const device: GPUDevice;
declare const buffer: GPUBuffer;
const ok: LaunchArgs = { x_ptr: buffer, y_ptr: buffer, output_ptr: { buffer, offset: 0 }, n_elements: 10 };
void launch(device, [1], ok);
// @ts-expect-error n_elements is a number
void launch(device, 1, { ...ok, n_elements: 'ten' });
// @ts-expect-error output_ptr is missing
void launch(device, 1, { x_ptr: buffer, y_ptr: buffer, n_elements: 10 });
// @ts-expect-error the constexpr was compiled in as 1024
void launch(device, 1, { ...ok, BLOCK_SIZE: 512 });
`,
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', '@webgpu/types', '--typeRoots', join(ROOT, 'node_modules', '@types') + ',' + join(ROOT, 'node_modules'), 'typed.ts']);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);
});
