import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../compiler/errors.js';
import { getDevice } from '../../runtime/device.js';
import { testDevice } from './device-helper.js';

describe('getDevice', () => {
  it('returns one shared device per process, also to concurrent callers', async () => {
    const [a, b] = await Promise.all([getDevice(), getDevice()]);
    expect(a).toBe(b);
    expect(await testDevice()).toBe(a);
    expect(a.isLost).toBe(false);
  });

  it('describes the adapter and grants the optional features it offers', async () => {
    const device = await testDevice();
    expect(device.name).not.toBe('');
    // On the CI machine this is lavapipe; anywhere else it must at least say something.
    expect(typeof device.adapterInfo.vendor).toBe('string');
    for (const feature of device.features) expect(device.gpu.features.has(feature)).toBe(true);
  });

  it('raises the limits kernels and tensors hit above the WebGPU defaults where the adapter allows', async () => {
    const device = await testDevice();
    const adapter = await device.instance?.requestAdapter();
    expect(adapter).toBeTruthy();
    const limits = adapter!.limits;
    expect(device.limits.maxStorageBufferBindingSize).toBe(limits.maxStorageBufferBindingSize);
    expect(device.limits.maxBufferSize).toBe(limits.maxBufferSize);
    expect(device.limits.maxComputeWorkgroupStorageSize).toBe(
      limits.maxComputeWorkgroupStorageSize,
    );
    expect(device.limits.maxComputeInvocationsPerWorkgroup).toBe(
      limits.maxComputeInvocationsPerWorkgroup,
    );
    for (const feature of ['shader-f16', 'subgroups', 'timestamp-query']) {
      expect(device.features.has(feature)).toBe(adapter!.features.has(feature));
    }
  });

  it('gives a private device with shared: false', async () => {
    const shared = await getDevice();
    const own = await getDevice({ shared: false });
    expect(own).not.toBe(shared);
    expect(own.instance).toBe(shared.instance); // one Dawn instance per process
    own.destroy();
    expect(own.isLost).toBe(true);
    expect(shared.isLost).toBe(false);
  });

  it('installs the WebGPU globals without touching navigator', async () => {
    await testDevice();
    expect(typeof GPUBufferUsage.STORAGE).toBe('number');
    expect(typeof GPUMapMode.READ).toBe('number');
    const navigatorGpu = (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
    expect(navigatorGpu).toBeUndefined();
  });

  it('explains how to get an adapter when there is none', async () => {
    // An environment whose navigator.gpu finds no adapter, as on a machine without a driver.
    const globals = globalThis as { navigator?: unknown };
    const original = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: { requestAdapter: () => Promise.resolve(null) } },
      configurable: true,
      writable: true,
    });
    try {
      let caught: unknown;
      try {
        await getDevice({ shared: false });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TesseraError);
      const error = caught as TesseraError;
      expect(error.kind).toBe('device');
      expect(error.message).toMatch(/no WebGPU adapter found/);
      expect(error.message).toMatch(/bash scripts\/setup\.sh/);
      expect(error.message).toMatch(/lavapipe/);
    } finally {
      if (original === undefined) delete globals.navigator;
      else Object.defineProperty(globalThis, 'navigator', original);
    }
  });
});
