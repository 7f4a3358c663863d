// The manifest `tessera compile` writes next to the .wgsl: the runtime's
// KernelManifest (entry point, bindings with dtypes and access, the uniform
// struct's layout, workgroup size, features, specialization key, compiler
// version) plus what an ahead-of-time build adds: the signature, every
// parameter's role, the device limits the kernel needs, and where it came from.

import type { ArgSpec } from '../compiler/lower/lower.js';
import type { KernelFunction } from '../compiler/frontend/ast.js';
import type { KernelManifest } from '../runtime/manifest.js';
import type { Built } from './build.js';
import type { TargetSettings } from './options.js';
import { formatSignature } from './signature.js';

export const MANIFEST_FORMAT = 'tessera-aot-manifest/1';

export type AotParam =
  | { readonly name: string; readonly role: 'buffer'; readonly dtype: string; readonly binding: number; readonly access: 'read' | 'read_write'; readonly divisibility?: number }
  | { readonly name: string; readonly role: 'scalar'; readonly dtype: string; readonly offset: number; readonly divisibility?: number }
  | { readonly name: string; readonly role: 'constexpr'; readonly value: number | boolean };

export interface AotManifest extends KernelManifest {
  readonly format: typeof MANIFEST_FORMAT;
  /** The signature, normalized (`*fp32,*fp32,*fp32,i32,1024`). */
  readonly signature: string;
  /** Every kernel parameter in order, with how a launch passes it. */
  readonly params: readonly AotParam[];
  /** Device limits the kernel needs (what to request in requestDevice's requiredLimits). */
  readonly requiredLimits: Readonly<Record<string, number>>;
  /** Features the build was allowed to use (requiredFeatures lists the ones it does use). */
  readonly allowedFeatures: readonly string[];
  readonly source: { readonly file: string; readonly line: number; readonly column: number };
  readonly files: { readonly wgsl: string; readonly loader: string; readonly types: string };
}

export function aotManifest(built: Built, target: TargetSettings, sourcePath: string): AotManifest {
  const m = built.result.manifest;
  const name = m.kernelName;
  return {
    format: MANIFEST_FORMAT,
    ...m,
    signature: formatSignature(built.specs),
    params: paramsOf(built.fn, built.specs, m),
    requiredLimits: {
      maxComputeWorkgroupStorageSize: Math.max(m.workgroupStorageBytes, 0),
      maxComputeInvocationsPerWorkgroup: m.workgroupSize,
      maxComputeWorkgroupSizeX: m.workgroupSize,
      maxStorageBuffersPerShaderStage: m.buffers.length,
      maxUniformBuffersPerShaderStage: m.uniformBinding === null ? 0 : 1,
    },
    allowedFeatures: target.features,
    source: { file: sourcePath, line: built.fn.span.line, column: built.fn.span.column },
    files: { wgsl: `${name}.wgsl`, loader: `${name}.js`, types: `${name}.d.ts` },
  };
}

function paramsOf(fn: KernelFunction, specs: readonly ArgSpec[], m: KernelManifest): AotParam[] {
  return fn.params.map((p, i): AotParam => {
    const spec = specs[i];
    if (!spec || spec.role === 'constexpr') return { name: p.name, role: 'constexpr', value: spec?.value ?? 0 };
    const hint = spec.divisibility !== undefined ? { divisibility: spec.divisibility } : {};
    if (spec.role === 'buffer') {
      const b = m.buffers.find((x) => x.param === p.name);
      return { name: p.name, role: 'buffer', dtype: spec.dtype, binding: b?.binding ?? -1, access: b?.access ?? 'read', ...hint };
    }
    const u = m.uniforms.find((x) => x.param === p.name);
    return { name: p.name, role: 'scalar', dtype: spec.dtype, offset: u?.offset ?? -1, ...hint };
  });
}
