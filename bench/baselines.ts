// The hand-written naive WGSL vector add (naive-add.wgsl), described with
// the manifests the runtime dispatches, as the compiler would describe them.

import { readFileSync } from 'node:fs';
import type { BufferBinding, CompiledKernel, UniformField } from '../index.js';

function handWritten(
  file: string,
  buffers: readonly Omit<BufferBinding, 'kind'>[],
  uniforms: readonly UniformField[] = [],
): CompiledKernel {
  const wgsl = readFileSync(new URL(file, import.meta.url), 'utf8');
  return {
    wgsl,
    manifest: {
      kernelName: file.replace('.wgsl', ''),
      entryPoint: 'main',
      specializationKey: `bench:${file}`,
      workgroupSize: 256,
      buffers: buffers.map((b) => ({ kind: 'buffer', ...b })),
      uniforms,
      uniformBinding: uniforms.length ? buffers.length : null,
      uniformSize: uniforms.length ? 16 : 0,
      workgroupStorageBytes: 0,
      requiredFeatures: [],
      compilerVersion: 'hand-written',
    },
  };
}

/** out = x + y, one element per invocation, 256 per workgroup. */
export const NAIVE_ADD_WORKGROUP = 256;
export const naiveAddKernel = handWritten(
  'naive-add.wgsl',
  [
    { param: 'x', binding: 0, dtype: 'f32', access: 'read' },
    { param: 'y', binding: 1, dtype: 'f32', access: 'read' },
    { param: 'out', binding: 2, dtype: 'f32', access: 'read_write' },
  ],
  [{ param: 'n', dtype: 'u32', offset: 0 }],
);

/** A grid of `count` workgroups, folded into 2D when it exceeds one dimension's limit. */
export function grid2d(count: number, limit: number): number[] {
  if (count <= limit) return [count];
  const y = Math.ceil(count / limit);
  return [Math.ceil(count / y), y];
}
