import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../compiler/errors.js';
import { testDevice } from './device-helper.js';

const AWKWARD_LENGTHS = [1, 1000, 4097];

describe('tensor upload and readback', () => {
  for (const length of AWKWARD_LENGTHS) {
    it(`round-trips f32, i32 and u32 data of length ${length}`, async () => {
      const device = await testDevice();
      const f32 = Float32Array.from({ length }, (_, i) => i * 0.25 - 7.5);
      const i32 = Int32Array.from({ length }, (_, i) => (i % 2 === 0 ? -i : i) * 12345);
      const u32 = Uint32Array.from({ length }, (_, i) => 0xffffffff - i);
      const tensors = [device.tensor(f32), device.tensor(i32), device.tensor(u32)] as const;
      expect(tensors.map((t) => t.dtype)).toEqual(['f32', 'i32', 'u32']);
      expect(await tensors[0].read()).toEqual(f32);
      expect(await tensors[1].read()).toEqual(i32);
      expect(await tensors[2].read()).toEqual(u32);
      for (const tensor of tensors) tensor.destroy();
    });
  }

  it('keeps special f32 values bit-exact (NaN, -0, infinities, subnormals)', async () => {
    const device = await testDevice();
    const values = new Float32Array([NaN, -0, Infinity, -Infinity, 1e-45, 3.4e38]);
    const back = await device.tensor(values).read();
    expect(new Uint32Array(back.buffer)).toEqual(new Uint32Array(values.buffer));
  });

  it('creates tensors from number arrays with an explicit dtype, checking the values fit', async () => {
    const device = await testDevice();
    expect(await device.tensor([1, -2, 3], 'i32').read()).toEqual(new Int32Array([1, -2, 3]));
    expect(() => device.tensor([1.5], 'i32')).toThrow(/not an integer/);
    expect(() => device.tensor([-1], 'u32')).toThrow(/outside the u32 range/);
    // Plain JS callers can pass other arrays; they get told what to do.
    const wrongArray: unknown = new Float64Array(2);
    expect(() => device.tensor(wrongArray as Float32Array)).toThrow(
      /got Float64Array; convert it first/,
    );
  });

  it('empty() is zero-filled; fill() and write() replace contents in order', async () => {
    const device = await testDevice();
    const tensor = device.empty('i32', 1000);
    expect(await tensor.read()).toEqual(new Int32Array(1000));
    tensor.fill(-7);
    tensor.write(new Int32Array([1, 2, 3]), 997);
    const expected = new Int32Array(1000).fill(-7);
    expected.set([1, 2, 3], 997);
    expect(await tensor.read()).toEqual(expected);
    tensor.fill(0);
    expect(await tensor.read()).toEqual(new Int32Array(1000));
    const poisoned = device.empty('f32', 5);
    poisoned.fill(NaN);
    expect(Array.from(await poisoned.read()).every(Number.isNaN)).toBe(true);
  });

  it('reads into a caller-provided array and rejects one of the wrong dtype or length', async () => {
    const device = await testDevice();
    const tensor = device.tensor(new Float32Array([1, 2, 3]));
    const into = new Float32Array(3);
    expect(await tensor.read(into)).toBe(into);
    expect(into).toEqual(new Float32Array([1, 2, 3]));
    await expect(tensor.read(new Float32Array(2))).rejects.toThrow(
      /expected a f32 typed array of 3 elements/,
    );
  });

  it('refuses to write data of another dtype instead of reinterpreting it', async () => {
    const device = await testDevice();
    const tensor = device.empty('f32', 4);
    expect(() => tensor.write(new Int32Array(4))).toThrow(
      /cannot write a i32 array into a f32 tensor/,
    );
    expect(() => tensor.write(new Float32Array(5))).toThrow(/does not fit/);
  });

  it('handles a zero-length tensor', async () => {
    const device = await testDevice();
    const tensor = device.empty('u32', 0);
    expect(await tensor.read()).toEqual(new Uint32Array(0));
  });

  it('reuses staging buffers across reads of the same size', async () => {
    const device = await testDevice();
    const tensor = device.tensor(new Float32Array(3000));
    await tensor.read();
    const created = device.staging.stats.created;
    for (let i = 0; i < 5; i++) await tensor.read();
    expect(device.staging.stats.created).toBe(created);
    // Concurrent reads each get their own staging buffer.
    const results = await Promise.all([tensor.read(), tensor.read(), tensor.read()]);
    expect(results.every((r) => r.length === 3000)).toBe(true);
  });

  it('reports a tensor larger than maxBufferSize as a device limit', async () => {
    const device = await testDevice();
    const length = Math.floor(device.limits.maxBufferSize / 4) + 1;
    let caught: unknown;
    try {
      device.empty('f32', length);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TesseraError);
    expect((caught as TesseraError).kind).toBe('device');
    expect((caught as TesseraError).message).toMatch(/maxBufferSize/);
  });

  it('refuses any use after destroy(), for the tensor and its views', async () => {
    const device = await testDevice();
    const tensor = device.tensor(new Float32Array(512));
    const view = tensor.view(256, 10);
    tensor.destroy();
    await expect(tensor.read()).rejects.toThrow(/after destroy\(\)/);
    await expect(view.read()).rejects.toThrow(/after destroy\(\)/);
    expect(() => view.write(new Float32Array(1))).toThrow(/after destroy\(\)/);
  });
});

describe('tensor views', () => {
  it('read and write through views at any offset, sharing the buffer', async () => {
    const device = await testDevice();
    const base = device.tensor(Float32Array.from({ length: 4097 }, (_, i) => i));
    const aligned = base.view(64, 100);
    const misaligned = base.view(3, 5);
    expect(aligned.buffer).toBe(base.buffer);
    expect(aligned.byteOffset).toBe(256);
    expect(await aligned.read()).toEqual(Float32Array.from({ length: 100 }, (_, i) => i + 64));
    expect(await misaligned.read()).toEqual(new Float32Array([3, 4, 5, 6, 7]));
    misaligned.write(new Float32Array([-1, -2]), 1);
    const back = await base.read();
    expect([back[3], back[4], back[5], back[6]]).toEqual([3, -1, -2, 6]);
    // A view of a view adds the offsets.
    const nested = aligned.view(10, 2);
    expect(nested.byteOffset).toBe(256 + 40);
    expect(await nested.read()).toEqual(new Float32Array([74, 75]));
  });

  it('rejects views out of range', async () => {
    const device = await testDevice();
    const base = device.empty('f32', 10);
    expect(() => base.view(8, 3)).toThrow(/out of range/);
    expect(() => base.view(-1, 2)).toThrow(/out of range/);
    expect(() => base.view(1.5, 2)).toThrow(/out of range/);
    expect(base.view(8).length).toBe(2);
  });
});
