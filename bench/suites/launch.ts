// Launch overhead: the host cost of launching a cached kernel. The same WGSL
// (Tessera's vector add on a small vector, so GPU time stays small) is
// launched LAUNCHES times back to back, several ways, interleaved per round:
//   - Kernel.launch without waiting, with the same argument object each time
//     and with a fresh object literal each time (the user-facing path; equal
//     arguments take its warm shortcuts, see compiler/launch-memo.ts),
//   - the runtime's dispatch() with a compiled kernel (no Kernel layer),
//   - raw Dawn: createCommandEncoder / beginComputePass / setPipeline /
//     setBindGroup / dispatchWorkgroups / end / submit per launch, with the
//     pipeline, bind group and uniforms made once beforehand.
// "issue" is the synchronous loop (what the launching code spends on the CPU);
// "end-to-end" adds settling every launch's promise and the GPU finishing.

import { type CompiledKernel, dispatch, type Tensor } from '../../index.js';
import { packUniforms } from '../../runtime/dispatch.js';
import { addKernel, VECTOR_ADD_BLOCK } from '../../examples/vector-add.js';
import { summarize, type Summary } from '../stats.js';
import type { BenchContext, Suite } from '../suite.js';

const LAUNCHES = 50;
const N = 4 * VECTOR_ADD_BLOCK + 3;
/** The issue's target: a cached kernel's launch at most this many times a raw Dawn dispatch. */
const TARGET_RATIO = 1.25;

interface Sample {
  readonly issueUs: number;
  readonly totalUs: number;
}

type Launcher = () => Promise<void> | void;

/**
 * Short samples (about a millisecond each) and many of them: on a loaded
 * machine a long sample almost always contains a preemption, a short one
 * often does not, so the median stays near the real cost.
 */
const samplesPerPath = (ctx: BenchContext): number => Math.max(80, 4 * ctx.runs);

async function sample(ctx: BenchContext, launch: Launcher): Promise<Sample> {
  const pending: (Promise<void> | void)[] = [];
  const start = performance.now();
  for (let i = 0; i < LAUNCHES; i++) pending.push(launch());
  const issued = performance.now();
  await Promise.all(pending);
  await ctx.device.gpu.queue.onSubmittedWorkDone();
  const done = performance.now();
  return { issueUs: ((issued - start) * 1000) / LAUNCHES, totalUs: ((done - start) * 1000) / LAUNCHES };
}

/** A raw Dawn launcher for `compiled`, everything but the per-launch encoding made once. */
function rawLauncher(ctx: BenchContext, compiled: CompiledKernel, tensors: Readonly<Record<string, Tensor>>, scalars: Record<string, number>): Launcher {
  const gpu = ctx.device.gpu;
  const { manifest } = compiled;
  const layoutEntries: GPUBindGroupLayoutEntry[] = manifest.buffers.map((b) => ({
    binding: b.binding,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type: b.access === 'read' ? 'read-only-storage' : 'storage' },
  }));
  const entries: GPUBindGroupEntry[] = manifest.buffers.map((b) => {
    const t = tensors[b.param];
    if (t === undefined) throw new Error(`raw launch: no tensor for '${b.param}'`);
    // A vectorized binding covers whole vectors, as the runtime binds it.
    const granule = 4 * (b.vectorWidth ?? 1);
    return { binding: b.binding, resource: { buffer: t.buffer, offset: t.byteOffset, size: Math.ceil(t.byteLength / granule) * granule } };
  });
  if (manifest.uniformBinding !== null) {
    const uniform = gpu.createBuffer({ size: Math.max(16, manifest.uniformSize), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    gpu.queue.writeBuffer(uniform, 0, packUniforms(manifest, scalars));
    layoutEntries.push({ binding: manifest.uniformBinding, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
    entries.push({ binding: manifest.uniformBinding, resource: { buffer: uniform } });
  }
  const layout = gpu.createBindGroupLayout({ entries: layoutEntries });
  const pipeline = gpu.createComputePipeline({
    layout: gpu.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module: gpu.createShaderModule({ code: compiled.wgsl }), entryPoint: manifest.entryPoint },
  });
  const bindGroup = gpu.createBindGroup({ layout, entries });
  const workgroups = Math.ceil(N / VECTOR_ADD_BLOCK);
  return () => {
    const encoder = gpu.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(workgroups);
    pass.end();
    gpu.queue.submit([encoder.finish()]);
  };
}

const us = (s: Summary): string => `${s.median.toFixed(1)} (${s.min.toFixed(1)}-${s.max.toFixed(1)})`;

export const launchSuite: Suite = {
  name: 'launch',
  run: async (ctx) => {
    const { device } = ctx;
    const [x, y, out] = [device.tensor(new Float32Array(N).fill(1)), device.tensor(new Float32Array(N).fill(2)), device.empty('f32', N)];
    const args = { x_ptr: x, y_ptr: y, output_ptr: out, n_elements: N, BLOCK_SIZE: VECTOR_ADD_BLOCK };
    const grid = Math.ceil(N / VECTOR_ADD_BLOCK);
    const compiled = addKernel.compile(args, { device });
    const tensors = Object.fromEntries(compiled.manifest.buffers.map((b) => [b.param, b.param === 'x_ptr' ? x : b.param === 'y_ptr' ? y : out]));
    const scalars = Object.fromEntries(compiled.manifest.uniforms.map((u) => [u.param, N]));
    const launchers: Record<string, Launcher> = {
      'Kernel.launch (Tessera)': () => addKernel.launch(grid, args),
      // A new argument object per launch, as Triton-style code writes it (compared by value).
      'Kernel.launch, new args object literal each launch': () => addKernel.launch(grid, { ...args }),
      'dispatch() (Tessera runtime, compiled kernel)': () => dispatch(device, compiled, { tensors, scalars, grid: [grid] }),
      'raw Dawn dispatch (same WGSL)': rawLauncher(ctx, compiled, tensors, scalars),
    };
    const names = Object.keys(launchers);
    const samples = new Map<string, Sample[]>(names.map((n) => [n, []]));
    for (let round = -1; round < samplesPerPath(ctx); round++) {
      // The starting path rotates, so none always runs right after the same neighbour.
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + names.length + round) % names.length] ?? '';
        const launcher = launchers[name];
        if (launcher === undefined) continue;
        const s = await sample(ctx, launcher);
        if (round >= 0) samples.get(name)?.push(s);
      }
    }
    const result = await out.read();
    for (let i = 0; i < N; i++) if (result[i] !== 3) throw new Error(`launch overhead: element ${i} is ${result[i]}, expected 3`);
    [x, y, out].forEach((t) => t.destroy());
    const stats = names.map((name) => {
      const s = samples.get(name) ?? [];
      return { name, issue: summarize(s.map((v) => v.issueUs)), total: summarize(s.map((v) => v.totalUs)) };
    });
    const raw = stats.find((s) => s.name.startsWith('raw'));
    const tessera = stats[0];
    if (raw === undefined || tessera === undefined) throw new Error('launch overhead: missing measurements');
    const ratio = tessera.issue.median / raw.issue.median;
    return {
      sections: [
        {
          title: `Launch overhead (cached kernel, ${LAUNCHES} launches per sample, ${samplesPerPath(ctx)} samples per path)`,
          header: ['launch path', 'issue us/launch: median (min-max)', 'end-to-end us/launch: median (min-max)', 'issue vs raw (medians)', 'issue vs raw (minimums)'],
          rows: stats.map((s) => [
            s.name,
            us(s.issue),
            us(s.total),
            `${(s.issue.median / raw.issue.median).toFixed(2)}x`,
            `${(s.issue.min / raw.issue.min).toFixed(2)}x`,
          ]),
          notes: [
            `Kernel: Tessera's vector add on ${N} f32 (${grid} workgroups), the same WGSL on every path. The target compares the first row with the raw one.`,
            'Issue: the synchronous loop of launch calls (wall clock). End-to-end: until every launch promise settled and the GPU finished.',
          ],
        },
      ],
      targets: [
        {
          target: `launch overhead of a cached kernel: <= ${TARGET_RATIO}x a raw Dawn dispatch`,
          measured: `${ratio.toFixed(2)}x (medians: ${tessera.issue.median.toFixed(1)} vs ${raw.issue.median.toFixed(1)} us per launch issued; minimums: ${(tessera.issue.min / raw.issue.min).toFixed(2)}x)`,
          met: ratio <= TARGET_RATIO,
        },
      ],
    };
  },
};
