import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../compiler/errors.js';
import { dispatch, getPipeline, packUniforms, runtimeStats } from '../../runtime/dispatch.js';
import {
  addKernel,
  cdiv,
  handWritten,
  randomF32,
  scaleKernel,
  testDevice,
} from './device-helper.js';

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<TesseraError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TesseraError);
    return error as TesseraError;
  }
  throw new Error('expected the promise to reject');
}

describe('dispatch', () => {
  it('computes scale against a TS reference on an awkward length, output poisoned first', async () => {
    const device = await testDevice();
    const n = 4097;
    const x = randomF32(n);
    const a = 2.5;
    const xs = device.tensor(x);
    const out = device.empty('f32', n + 3); // 3 extra elements the kernel must not touch
    out.fill(NaN);
    await dispatch(device, scaleKernel(), {
      tensors: { x: xs, out },
      scalars: { a, n },
      grid: [cdiv(n, 64)],
    });
    const result = await out.read();
    for (let i = 0; i < n; i++) expect(result[i]).toBe(Math.fround(x[i]! * a));
    expect(Array.from(result.subarray(n)).every(Number.isNaN)).toBe(true);
  });

  it('runs i32 and u32 kernels with scalars of that dtype', async () => {
    const device = await testDevice();
    const n = 1000;
    const i32x = Int32Array.from({ length: n }, (_, i) => i - 500);
    const i32y = Int32Array.from({ length: n }, (_, i) => -3 * i);
    const i32out = device.empty('i32', n);
    i32out.fill(-123456789);
    await dispatch(device, addKernel('i32'), {
      tensors: { x: device.tensor(i32x), y: device.tensor(i32y), out: i32out },
      scalars: { b: -7, n },
      grid: [cdiv(n, 64)],
    });
    expect(await i32out.read()).toEqual(
      Int32Array.from({ length: n }, (_, i) => i32x[i]! + i32y[i]! - 7),
    );

    const u32x = Uint32Array.from({ length: n }, (_, i) => 4_000_000_000 + i);
    const u32out = device.empty('u32', n);
    u32out.fill(0xdeadbeef);
    const u32xs = device.tensor(u32x);
    // The same buffer bound twice read-only is allowed.
    await dispatch(device, addKernel('u32'), {
      tensors: { x: u32xs, y: u32xs, out: u32out },
      scalars: { b: 3, n },
      grid: [16],
    });
    expect(await u32out.read()).toEqual(
      Uint32Array.from({ length: n }, (_, i) => (u32x[i]! * 2 + 3) >>> 0),
    );
  });

  it('packs uniforms at the manifest offsets, little-endian, and the kernel sees them', async () => {
    const device = await testDevice();
    const kernel = handWritten({
      name: 'echo_uniforms',
      wgsl: `struct Params {
  a: i32,
  b: u32,
  c: f32,
  d: i32,
  e: f32,
}

@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@group(0) @binding(1) var<uniform> p: Params;

@compute @workgroup_size(1)
fn main() {
  out[0] = bitcast<u32>(p.a);
  out[1] = p.b;
  out[2] = bitcast<u32>(p.c);
  out[3] = bitcast<u32>(p.d);
  out[4] = bitcast<u32>(p.e);
}
`,
      buffers: [{ param: 'out', binding: 0, dtype: 'u32', access: 'read_write' }],
      uniforms: [
        { param: 'a', dtype: 'i32', offset: 0 },
        { param: 'b', dtype: 'u32', offset: 4 },
        { param: 'c', dtype: 'f32', offset: 8 },
        { param: 'd', dtype: 'i32', offset: 12 },
        { param: 'e', dtype: 'f32', offset: 16 },
      ],
      uniformBinding: 1,
      workgroupSize: 1,
    });
    expect(kernel.manifest.uniformSize).toBe(32);
    const scalars = { a: -2, b: 4_294_967_295, c: 1.5, d: 2 ** 31 - 1, e: -0.1 };
    const packed = new DataView(packUniforms(kernel.manifest, scalars));
    expect(packed.byteLength).toBe(32);
    expect([
      packed.getInt32(0, true),
      packed.getUint32(4, true),
      packed.getFloat32(8, true),
    ]).toEqual([-2, 4_294_967_295, 1.5]);
    expect([packed.getInt32(12, true), packed.getFloat32(16, true)]).toEqual([
      2 ** 31 - 1,
      Math.fround(-0.1),
    ]);

    const out = device.empty('u32', 5);
    await dispatch(device, kernel, { tensors: { out }, scalars, grid: [1] });
    const expected = new Uint32Array(new Float32Array([0, 0, 1.5, 0, -0.1]).buffer);
    expected[0] = -2 >>> 0;
    expected[1] = 4_294_967_295;
    expected[3] = 2 ** 31 - 1;
    expect(await out.read()).toEqual(expected);

    expect(() => packUniforms(kernel.manifest, { ...scalars, a: 1.5 })).toThrow(
      /'a'.*must be i32: 1.5 is not an integer/,
    );
    expect(() => packUniforms(kernel.manifest, { ...scalars, b: -1 })).toThrow(
      /outside the u32 range/,
    );
    expect(() => packUniforms(kernel.manifest, { a: 1, b: 2, c: 3, d: 4 })).toThrow(
      /needs the scalar argument 'e'/,
    );
    expect(() => packUniforms(kernel.manifest, { ...scalars, typo: 1 })).toThrow(
      /no scalar parameter 'typo'/,
    );
  });

  it('dispatches a 3-D grid', async () => {
    const device = await testDevice();
    const kernel = handWritten({
      name: 'program_ids',
      wgsl: `struct Params {
  nx: u32,
  ny: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@group(0) @binding(1) var<uniform> p: Params;

@compute @workgroup_size(1)
fn main(@builtin(workgroup_id) pid: vec3<u32>) {
  out[pid.x + p.nx * (pid.y + p.ny * pid.z)] = pid.x + 100u * pid.y + 10000u * pid.z;
}
`,
      buffers: [{ param: 'out', binding: 0, dtype: 'u32', access: 'read_write' }],
      uniforms: [
        { param: 'nx', dtype: 'u32', offset: 0 },
        { param: 'ny', dtype: 'u32', offset: 4 },
      ],
      uniformBinding: 1,
      workgroupSize: 1,
    });
    const [nx, ny, nz] = [5, 3, 2];
    const out = device.empty('u32', nx * ny * nz);
    out.fill(0xffffffff);
    await dispatch(device, kernel, { tensors: { out }, scalars: { nx, ny }, grid: [nx, ny, nz] });
    const expected = new Uint32Array(nx * ny * nz);
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) expected[x + nx * (y + ny * z)] = x + 100 * y + 10000 * z;
    expect(await out.read()).toEqual(expected);
  });

  it('creates one pipeline for 20 racing launches, and keeps them in issue order', async () => {
    const device = await testDevice();
    const kernel = scaleKernel('scale:race');
    const before = { ...runtimeStats(device) };
    const n = 1000;
    const xs = device.tensor(Float32Array.from({ length: n }, (_, i) => i));
    const out = device.empty('f32', n);
    const launches = Array.from({ length: 20 }, (_, k) =>
      dispatch(device, kernel, {
        tensors: { x: xs, out },
        scalars: { a: k + 1, n },
        grid: [cdiv(n, 64)],
      }),
    );
    // Issued before any launch has been submitted (the pipeline is still being created).
    const read = out.read();
    await Promise.all(launches);
    expect(runtimeStats(device).pipelinesCreated - before.pipelinesCreated).toBe(1);
    expect(await read).toEqual(Float32Array.from({ length: n }, (_, i) => i * 20));
    expect(await getPipeline(device, kernel)).toBe(await getPipeline(device, kernel));
    expect(runtimeStats(device).pipelinesCreated - before.pipelinesCreated).toBe(1);
  });

  it('writes issued after a pending launch happen after it', async () => {
    const device = await testDevice();
    const kernel = scaleKernel('scale:write-order');
    const xs = device.tensor(new Float32Array([1, 2, 3]));
    const out = device.empty('f32', 3);
    const launch = dispatch(device, kernel, {
      tensors: { x: xs, out },
      scalars: { a: 10, n: 3 },
      grid: [1],
    });
    const data = new Float32Array([7, 8, 9]);
    xs.write(data); // must not be seen by the launch above
    data.fill(0); // and the write must have copied its data
    await launch;
    expect(await out.read()).toEqual(new Float32Array([10, 20, 30]));
    expect(await xs.read()).toEqual(new Float32Array([7, 8, 9]));
  });

  it('reuses bind groups for the same buffers, offsets and sizes', async () => {
    const device = await testDevice();
    const kernel = scaleKernel('scale:bind-groups');
    const n = 256;
    const xs = device.tensor(randomF32(n * 2));
    const out = device.empty('f32', n * 2);
    const launch = (x = xs, o = out) =>
      dispatch(device, kernel, { tensors: { x, out: o }, scalars: { a: 2, n }, grid: [4] });
    await launch();
    const created = runtimeStats(device).bindGroupsCreated;
    for (let i = 0; i < 5; i++) await launch();
    expect(runtimeStats(device).bindGroupsCreated).toBe(created);
    await launch(xs, device.empty('f32', n)); // another buffer
    await launch(xs.view(n, n)); // same buffer, another offset
    await launch(xs.view(0, n)); // same buffer and offset, another size
    expect(runtimeStats(device).bindGroupsCreated).toBe(created + 3);
    await launch(xs.view(n, n));
    expect(runtimeStats(device).bindGroupsCreated).toBe(created + 3);
  });

  it('binds aligned views and refuses misaligned ones with the alignment in the message', async () => {
    const device = await testDevice();
    const alignElements = device.limits.minStorageBufferOffsetAlignment / 4;
    const n = 100;
    const base = device.tensor(Float32Array.from({ length: alignElements * 2 + n }, (_, i) => i));
    const out = device.empty('f32', alignElements * 3 + n);
    out.fill(-1);
    await dispatch(device, scaleKernel(), {
      tensors: { x: base.view(alignElements, n), out: out.view(alignElements * 2, n) },
      scalars: { a: 1, n },
      grid: [2],
    });
    const result = await out.read();
    expect(result[alignElements * 2 - 1]).toBe(-1);
    expect(Array.from(result.subarray(alignElements * 2, alignElements * 2 + n))).toEqual(
      Array.from({ length: n }, (_, i) => i + alignElements),
    );
    expect(result[alignElements * 2 + n]).toBe(-1);

    const error = await rejection(
      dispatch(device, scaleKernel(), {
        tensors: { x: base.view(1, n), out },
        scalars: { a: 1, n },
        grid: [2],
      }),
    );
    expect(error.kind).toBe('launch');
    expect(error.message).toMatch(/'x'.*byte 4.*minStorageBufferOffsetAlignment \(\d+ bytes/);
  });

  it('rejects grids that are not positive integers or exceed the device limit', async () => {
    const device = await testDevice();
    const limit = device.limits.maxComputeWorkgroupsPerDimension;
    const args = {
      tensors: { x: device.empty('f32', 4), out: device.empty('f32', 4) },
      scalars: { a: 1, n: 4 },
    };
    const tooBig = await rejection(
      dispatch(device, scaleKernel(), { ...args, grid: [1, limit + 1] }),
    );
    expect(tooBig.kind).toBe('launch');
    expect(tooBig.message).toContain(`grid[1] of kernel 'scale' is ${limit + 1}`);
    expect(tooBig.message).toContain(`maxComputeWorkgroupsPerDimension (${limit})`);
    expect(
      (await rejection(dispatch(device, scaleKernel(), { ...args, grid: [0] }))).message,
    ).toMatch(/positive integer/);
    expect(
      (await rejection(dispatch(device, scaleKernel(), { ...args, grid: [1.5] }))).message,
    ).toMatch(/positive integer/);
  });

  it('rejects a binding larger than maxStorageBufferBindingSize as a device limit', async () => {
    const device = await testDevice();
    const maxBinding = device.limits.maxStorageBufferBindingSize;
    if (maxBinding + 4 > device.limits.maxBufferSize) return; // cannot even allocate one that big
    const huge = device.empty('f32', maxBinding / 4 + 1); // never used, so never touched by the GPU
    try {
      const error = await rejection(
        dispatch(device, scaleKernel(), {
          tensors: { x: huge, out: device.empty('f32', 4) },
          scalars: { a: 1, n: 4 },
          grid: [1],
        }),
      );
      expect(error.kind).toBe('device');
      expect(error.message).toContain(`maxStorageBufferBindingSize (${maxBinding})`);
    } finally {
      huge.destroy();
    }
  });

  it('rejects a tensor whose dtype differs from the binding', async () => {
    const device = await testDevice();
    const error = await rejection(
      dispatch(device, scaleKernel(), {
        tensors: { x: device.empty('i32', 4), out: device.empty('f32', 4) },
        scalars: { a: 1, n: 4 },
        grid: [1],
      }),
    );
    expect(error.kind).toBe('launch');
    expect(error.message).toMatch(
      /'x' of kernel 'scale' is a i32 tensor, but the kernel was compiled for f32/,
    );
  });

  it('rejects missing and unknown arguments by name', async () => {
    const device = await testDevice();
    const x = device.empty('f32', 4);
    const missing = await rejection(
      dispatch(device, scaleKernel(), { tensors: { x }, scalars: { a: 1, n: 4 }, grid: [1] }),
    );
    expect(missing.message).toMatch(/needs the tensor argument 'out' \(f32\)/);
    const unknown = await rejection(
      dispatch(device, scaleKernel(), {
        tensors: { x, out: device.empty('f32', 4), y: x },
        scalars: { a: 1, n: 4 },
        grid: [1],
      }),
    );
    expect(unknown.message).toMatch(
      /no tensor parameter 'y'; its tensor parameters are: 'x', 'out'/,
    );
  });

  it('refuses to bind one buffer writable together with another binding of it', async () => {
    const device = await testDevice();
    const buffer = device.empty('f32', 512);
    const same = await rejection(
      dispatch(device, scaleKernel(), {
        tensors: { x: buffer, out: buffer },
        scalars: { a: 1, n: 4 },
        grid: [1],
      }),
    );
    expect(same.kind).toBe('launch');
    expect(same.message).toMatch(/'x' \(read\) and 'out' \(read_write\).*share one GPU buffer/);
    // Disjoint views of one buffer still alias as far as WebGPU is concerned.
    const views = await rejection(
      dispatch(device, scaleKernel(), {
        tensors: { x: buffer.view(0, 64), out: buffer.view(256, 64) },
        scalars: { a: 1, n: 4 },
        grid: [1],
      }),
    );
    expect(views.message).toMatch(/share one GPU buffer/);
  });

  it('resolves only after the GPU finished with wait: true', async () => {
    const device = await testDevice();
    const out = device.empty('f32', 64);
    await dispatch(device, scaleKernel(), {
      tensors: { x: device.tensor(new Float32Array(64).fill(3)), out },
      scalars: { a: 2, n: 64 },
      grid: [1],
      wait: true,
    });
    expect((await out.read())[63]).toBe(6);
  });
});

describe('pipeline creation', () => {
  it('turns WGSL that Dawn rejects into an internal error quoting the offending line', async () => {
    const device = await testDevice();
    const broken = handWritten({
      name: 'broken',
      wgsl: `@group(0) @binding(0) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  out[gid.x] = undefined_value * 2.0;
}
`,
      buffers: [{ param: 'out', binding: 0, dtype: 'f32', access: 'read_write' }],
    });
    const error = await rejection(
      dispatch(device, broken, { tensors: { out: device.empty('f32', 4) }, grid: [1] }),
    );
    expect(error.kind).toBe('internal');
    expect(error.message).toContain('Tessera generated WGSL that Dawn rejected');
    expect(error.message).toContain('out[gid.x] = undefined_value * 2.0;');
    expect(error.message).toContain('5:');
    expect(error.message).toMatch(/Tessera bug/);
  });

  it('treats WGSL warnings as a Tessera bug too', async () => {
    const device = await testDevice();
    const warns = handWritten({
      name: 'unreachable',
      wgsl: `@group(0) @binding(0) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(1)
fn main() {
  return;
  out[0] = 1.0;
}
`,
      buffers: [{ param: 'out', binding: 0, dtype: 'f32', access: 'read_write' }],
      workgroupSize: 1,
    });
    const error = await rejection(getPipeline(device, warns));
    expect(error.kind).toBe('internal');
    expect(error.message).toMatch(/warning: code is unreachable/);
  });

  it('reports a manifest that disagrees with the WGSL as an internal error', async () => {
    const device = await testDevice();
    const kernel = scaleKernel('scale:bad-manifest');
    const wrongAccess = {
      ...kernel,
      manifest: {
        ...kernel.manifest,
        buffers: kernel.manifest.buffers.map((b) => ({ ...b, access: 'read_write' as const })),
      },
    };
    const error = await rejection(getPipeline(device, wrongAccess));
    expect(error.kind).toBe('internal');
    expect(error.message).toMatch(/manifest and the WGSL disagree/);
  });

  it('reports an inconsistent manifest (scalars but no uniform binding) as an internal error', async () => {
    const device = await testDevice();
    const kernel = scaleKernel('scale:no-uniform-binding');
    const broken = { ...kernel, manifest: { ...kernel.manifest, uniformBinding: null } };
    const error = await rejection(getPipeline(device, broken));
    expect(error.kind).toBe('internal');
    expect(error.message).toMatch(/scalar parameters but no uniform binding/);
  });

  it('refuses a kernel that exceeds a device limit before compiling it', async () => {
    const device = await testDevice();
    const kernel = scaleKernel('scale:too-much-shared');
    const greedy = {
      ...kernel,
      manifest: {
        ...kernel.manifest,
        workgroupStorageBytes: device.limits.maxComputeWorkgroupStorageSize + 4,
      },
    };
    const error = await rejection(getPipeline(device, greedy));
    expect(error.kind).toBe('device');
    expect(error.message).toMatch(/maxComputeWorkgroupStorageSize/);
  });
});
