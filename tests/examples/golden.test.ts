// Golden WGSL for the examples: each example's kernel, compiled for one fixed
// specialization, must match examples/<name>.wgsl byte for byte, so any change
// in codegen shows up as a readable diff of those files. Every golden must also
// compile in Dawn with no errors and no warnings, and compiling twice must give
// identical bytes.
//
// Specializations (Triton-style signatures; default invocations, default limits):
//   vector-add.wgsl  add_kernel(*f32, *f32, *f32, n_elements: i32, BLOCK_SIZE=1024)
//   softmax.wgsl     softmax_kernel(*f32, *f32, i32, i32, n_cols: i32, BLOCK_SIZE=1024)
//   layer-norm.wgsl  _layer_norm_fwd_fused(6 x *f32, stride: i32, N: i32, eps: f32, BLOCK_SIZE=512)
//   matmul.wgsl      matmul_kernel(3 x *f32, 9 x i32, 64, 64, 16, GROUP_SIZE_M=8, ACTIVATION=1)
//                    (default dot strategy 'workgroup')
//
// The WGSL quotes the kernel source in comments, as the test runner transpiled
// it (vitest), so regenerate the goldens with vitest, not another runner:
//   UPDATE_GOLDEN=1 npx vitest run tests/examples/golden.test.ts

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileFunction, kernel, type Kernel } from '../../index.js';
import type { ArgSpec } from '../../compiler/lower/lower.js';
import { formatWgslMessages, validateWgsl } from '../../runtime/validate.js';
import { addKernel } from '../../examples/vector-add.js';
import { softmaxKernel } from '../../examples/softmax.js';
import { layerNormKernel } from '../../examples/layer-norm.js';
import { matmulKernel } from '../../examples/matmul.js';
import { testDevice } from '../runtime/device-helper.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** A Triton-style signature: `*f32` a buffer, `i32`/`u32`/`f32` a scalar, a number a constexpr. */
function signature(text: string): ArgSpec[] {
  return text.split(',').map((part): ArgSpec => {
    const p = part.trim();
    if (p === '*f32' || p === '*i32' || p === '*u32')
      return { role: 'buffer', dtype: p.slice(1) as 'f32' | 'i32' | 'u32' };
    if (p === 'f32' || p === 'i32' || p === 'u32') return { role: 'scalar', dtype: p };
    const value = Number(p);
    if (!Number.isFinite(value)) throw new Error(`bad signature element '${p}'`);
    return { role: 'constexpr', value };
  });
}

const goldens: readonly {
  readonly name: string;
  readonly kernel: Kernel;
  readonly signature: string;
}[] = [
  { name: 'vector-add', kernel: addKernel, signature: '*f32,*f32,*f32,i32,1024' },
  { name: 'softmax', kernel: softmaxKernel, signature: '*f32,*f32,i32,i32,i32,1024' },
  {
    name: 'layer-norm',
    kernel: layerNormKernel,
    signature: '*f32,*f32,*f32,*f32,*f32,*f32,i32,i32,f32,512',
  },
  {
    name: 'matmul',
    kernel: matmulKernel,
    signature: '*f32,*f32,*f32,i32,i32,i32,i32,i32,i32,i32,i32,i32,64,64,16,8,1',
  },
];

function compileWgsl(k: Kernel, sig: string): string {
  return compileFunction(k.fn, k.source, signature(sig)).wgsl;
}

function goldenPath(name: string): string {
  return fileURLToPath(new URL(`../../examples/${name}.wgsl`, import.meta.url));
}

describe.each(goldens)('golden WGSL: $name', ({ name, kernel: k, signature: sig }) => {
  it('matches examples/' + name + '.wgsl byte for byte', () => {
    const wgsl = compileWgsl(k, sig);
    if (UPDATE) writeFileSync(goldenPath(name), wgsl);
    expect(wgsl).toBe(readFileSync(goldenPath(name), 'utf8'));
  });

  it('is deterministic: two fresh compiles give identical bytes', () => {
    const fresh = kernel(k.source, k.options);
    expect(compileWgsl(fresh, sig)).toBe(compileWgsl(k, sig));
  });

  it('compiles in Dawn with no errors and no warnings', async () => {
    const device = await testDevice();
    const report = await validateWgsl(
      device,
      readFileSync(goldenPath(name), 'utf8'),
      `${name}.wgsl`,
    );
    const messages = [...report.errors, ...report.warnings];
    expect(messages, formatWgslMessages(messages)).toEqual([]);
  });
});
