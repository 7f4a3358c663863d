// The pipeline cache: one compute pipeline per (device, kernel, specialization
// key), created asynchronously, with everything a launch reuses hanging off it:
// the bind-group layout, the uniform buffer and the bind-group cache.
//
// Why an explicit bind-group layout built from the manifest rather than
// layout: 'auto': 'auto' drops bindings the shader never reads, which would
// make a bind group with every manifest binding invalid; and a mismatch between
// the manifest and the WGSL then fails loudly at pipeline creation.

import { LaunchError, TesseraError } from '../compiler/errors.js';
import type { TesseraDevice } from './device.js';
import { errorText } from './optional-import.js';
import type { CompiledKernel, KernelManifest } from './manifest.js';
import { formatWgslMessages, validateWgsl } from './validate.js';

export interface PipelineEntry {
  readonly key: string;
  readonly wgsl: string;
  readonly manifest: KernelManifest;
  readonly pipeline: GPUComputePipeline;
  readonly bindGroupLayout: GPUBindGroupLayout;
  /** Written with queue.writeBuffer before each launch; queue order keeps launches apart. */
  readonly uniformBuffer: GPUBuffer | null;
  /** Reused to pack a launch's scalars when the launch is submitted at once. */
  readonly uniformScratch: ArrayBuffer;
  /** Bind groups by the identities, offsets and sizes of their buffers (most recent last). */
  readonly bindGroups: Map<string, GPUBindGroup>;
}

export interface RuntimeStats {
  pipelinesCreated: number;
  pipelineCacheHits: number;
  bindGroupsCreated: number;
  bindGroupCacheHits: number;
  launches: number;
}

interface DeviceCaches {
  /** In-flight and finished creations; concurrent requests share one promise. */
  readonly pending: Map<string, Promise<PipelineEntry>>;
  /** Finished entries, so a warm launch needs no await at all. */
  readonly ready: Map<string, PipelineEntry>;
  readonly stats: RuntimeStats;
}

const cachesByDevice = new WeakMap<GPUDevice, DeviceCaches>();

export function cachesFor(device: TesseraDevice): DeviceCaches {
  let caches = cachesByDevice.get(device.gpu);
  if (caches === undefined) {
    caches = {
      pending: new Map(),
      ready: new Map(),
      stats: {
        pipelinesCreated: 0,
        pipelineCacheHits: 0,
        bindGroupsCreated: 0,
        bindGroupCacheHits: 0,
        launches: 0,
      },
    };
    cachesByDevice.set(device.gpu, caches);
  }
  return caches;
}

/** Counters for tests and benchmarks (live object; copy it to snapshot). */
export function runtimeStats(device: TesseraDevice): Readonly<RuntimeStats> {
  return cachesFor(device).stats;
}

/** The cache key; the kernel name and entry point guard against keys that forget them. */
export function pipelineKey(manifest: KernelManifest): string {
  return `${manifest.kernelName}\u0000${manifest.entryPoint}\u0000${manifest.specializationKey}`;
}

/** The compiled pipeline for `compiled` on `device`, created once per key. */
export async function getPipeline(
  device: TesseraDevice,
  compiled: CompiledKernel,
): Promise<GPUComputePipeline> {
  return (await getPipelineEntry(device, compiled)).pipeline;
}

export function getPipelineEntry(
  device: TesseraDevice,
  compiled: CompiledKernel,
): Promise<PipelineEntry> {
  const caches = cachesFor(device);
  const key = pipelineKey(compiled.manifest);
  const existing = caches.pending.get(key);
  if (existing !== undefined) {
    caches.stats.pipelineCacheHits++;
    return existing.then((entry) => checkSameWgsl(entry, compiled));
  }
  const created = createEntry(device, compiled, key, caches.stats);
  caches.pending.set(key, created);
  created.then(
    (entry) => caches.ready.set(key, entry),
    // Not cached on failure, so a later launch tries again and reports the error again.
    () => caches.pending.delete(key),
  );
  return created;
}

/** Same key, different WGSL: the specialization key misses something that changes codegen. */
export function checkSameWgsl(entry: PipelineEntry, compiled: CompiledKernel): PipelineEntry {
  if (entry.wgsl !== compiled.wgsl) {
    throw new TesseraError(
      'internal',
      `two different WGSL modules for kernel '${compiled.manifest.kernelName}' share the specialization key ` +
        `'${compiled.manifest.specializationKey}'; the key must capture everything that changes the code. This is a Tessera bug.`,
    );
  }
  return entry;
}

async function createEntry(
  device: TesseraDevice,
  compiled: CompiledKernel,
  key: string,
  stats: RuntimeStats,
): Promise<PipelineEntry> {
  const { manifest, wgsl } = compiled;
  device.assertAlive();
  checkManifestConsistent(manifest);
  checkKernelFitsDevice(device, manifest);
  stats.pipelinesCreated++;

  const report = await validateWgsl(device, wgsl, `${manifest.kernelName}.wgsl`);
  const problems = [...report.errors, ...report.warnings];
  if (problems.length > 0) {
    throw new TesseraError(
      'internal',
      `Tessera generated WGSL that ${device.source === 'dawn' ? 'Dawn' : 'the WebGPU implementation'} rejected for kernel '${manifest.kernelName}' ` +
        `(${manifest.specializationKey}):\n${formatWgslMessages(problems)}${kernelLinesOf(wgsl, problems)}\nThis is a Tessera bug; please report it with the kernel source.`,
    );
  }

  const gpu = device.gpu;
  gpu.pushErrorScope('validation');
  const bindGroupLayout = gpu.createBindGroupLayout({
    label: `${manifest.kernelName} bindings`,
    entries: bindGroupLayoutEntries(manifest),
  });
  const layout = gpu.createPipelineLayout({
    label: manifest.kernelName,
    bindGroupLayouts: [bindGroupLayout],
  });
  let pipeline: GPUComputePipeline;
  try {
    pipeline = await gpu.createComputePipelineAsync({
      label: manifest.kernelName,
      layout,
      compute: { module: report.module, entryPoint: manifest.entryPoint },
    });
  } catch (error) {
    await gpu.popErrorScope();
    throw pipelineBug(manifest, errorText(error));
  }
  const scopeError = await gpu.popErrorScope();
  if (scopeError !== null) throw pipelineBug(manifest, scopeError.message);

  const uniformBuffer =
    manifest.uniformBinding === null
      ? null
      : gpu.createBuffer({
          label: `${manifest.kernelName} uniforms`,
          size: Math.max(16, manifest.uniformSize),
          usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
        });
  return {
    key,
    wgsl,
    manifest,
    pipeline,
    bindGroupLayout,
    uniformBuffer,
    uniformScratch: new ArrayBuffer(Math.max(16, manifest.uniformSize)),
    bindGroups: new Map(),
  };
}

function bindGroupLayoutEntries(manifest: KernelManifest): GPUBindGroupLayoutEntry[] {
  const entries: GPUBindGroupLayoutEntry[] = manifest.buffers.map((buffer) => ({
    binding: buffer.binding,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type: buffer.access === 'read' ? 'read-only-storage' : 'storage' },
  }));
  if (manifest.uniformBinding !== null) {
    entries.push({
      binding: manifest.uniformBinding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: 'uniform' },
    });
  }
  return entries;
}

/** What the compiler promised about its manifest; a broken promise is a Tessera bug. */
function checkManifestConsistent(manifest: KernelManifest): void {
  const problems: string[] = [];
  if (manifest.uniforms.length > 0 && manifest.uniformBinding === null)
    problems.push('it has scalar parameters but no uniform binding');
  if (manifest.uniformBinding !== null && manifest.uniformSize % 16 !== 0)
    problems.push(`its uniform size ${manifest.uniformSize} is not a multiple of 16`);
  const bindings = [...manifest.buffers.map((b) => b.binding), manifest.uniformBinding];
  const used = bindings.filter((binding) => binding !== null);
  if (new Set(used).size !== used.length)
    problems.push(`binding numbers repeat: ${used.join(', ')}`);
  if (problems.length > 0) {
    throw new TesseraError(
      'internal',
      `the manifest of kernel '${manifest.kernelName}' (${manifest.specializationKey}) is inconsistent: ` +
        `${problems.join('; ')}. This is a Tessera bug.`,
    );
  }
}

/** Device limits and features a kernel needs, checked before the driver gets a say. */
function checkKernelFitsDevice(device: TesseraDevice, manifest: KernelManifest): void {
  const name = `kernel '${manifest.kernelName}' (${manifest.specializationKey})`;
  const limits = device.limits;
  for (const feature of manifest.requiredFeatures) {
    if (!device.features.has(feature)) {
      throw new LaunchError(
        'device',
        `${name} needs the WebGPU feature '${feature}', which the device '${device.name}' does not offer`,
      );
    }
  }
  const invocationLimit = Math.min(
    limits.maxComputeInvocationsPerWorkgroup,
    limits.maxComputeWorkgroupSizeX,
  );
  if (manifest.workgroupSize > invocationLimit) {
    throw new LaunchError(
      'device',
      `${name} uses ${manifest.workgroupSize} invocations per workgroup, but this device allows at most ${invocationLimit} ` +
        '(maxComputeInvocationsPerWorkgroup / maxComputeWorkgroupSizeX); use fewer warps or a smaller block',
    );
  }
  if (manifest.workgroupStorageBytes > limits.maxComputeWorkgroupStorageSize) {
    throw new LaunchError(
      'device',
      `${name} needs ${manifest.workgroupStorageBytes} bytes of workgroup memory, but this device has ` +
        `maxComputeWorkgroupStorageSize = ${limits.maxComputeWorkgroupStorageSize}; use smaller blocks`,
    );
  }
  if (manifest.buffers.length > limits.maxStorageBuffersPerShaderStage) {
    throw new LaunchError(
      'device',
      `${name} binds ${manifest.buffers.length} storage buffers, but this device allows ` +
        `maxStorageBuffersPerShaderStage = ${limits.maxStorageBuffersPerShaderStage}`,
    );
  }
}

function pipelineBug(manifest: KernelManifest, detail: string): TesseraError {
  return new TesseraError(
    'internal',
    `creating the pipeline for kernel '${manifest.kernelName}' (${manifest.specializationKey}) failed: ${detail}\n` +
      'The WGSL compiled, so the manifest and the WGSL disagree (bindings, access modes, entry point). This is a Tessera bug.',
  );
}

/**
 * The kernel source lines the offending WGSL lines came from: the compiler
 * puts a `// file:line: source text` comment before the code of each kernel
 * line, so the nearest such comment above a WGSL line names its origin.
 */
export function kernelLinesOf(wgsl: string, problems: readonly { readonly line: number }[]): string {
  const lines = wgsl.split('\n');
  const origins = new Set<string>();
  for (const p of problems) {
    const origin = wgslOrigin(lines, p.line);
    if (origin) origins.add(`${origin.file}:${origin.line}: ${origin.text}`);
  }
  return origins.size ? `\nGenerated from kernel source line${origins.size > 1 ? 's' : ''}:\n  ${[...origins].join('\n  ')}` : '';
}


/** The kernel source line (from the nearest `// file:line: text` comment) at or above 1-based WGSL line `line`. */
export function wgslOrigin(
  wgslLines: readonly string[],
  line: number,
): { readonly file: string; readonly line: number; readonly text: string } | undefined {
  for (let i = Math.min(line, wgslLines.length) - 1; i >= 0; i--) {
    const m = /^\s*\/\/ (.+):(\d+): (.*)$/.exec(wgslLines[i] ?? '');
    if (m && m[1] !== undefined && m[2] !== undefined) return { file: m[1], line: Number(m[2]), text: m[3] ?? '' };
  }
  return undefined;
}
