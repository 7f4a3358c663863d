// In a file of its own: it destroys the process's shared device.
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../compiler/errors.js';
import { getDevice } from '../../runtime/device.js';
import { dispatch } from '../../runtime/dispatch.js';
import { scaleKernel } from './device-helper.js';

async function rejection(promise: Promise<unknown>): Promise<TesseraError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TesseraError);
    return error as TesseraError;
  }
  throw new Error('expected the promise to reject');
}

describe('device loss', () => {
  it('makes later launches, reads and allocations fail with a device error', async () => {
    const device = await getDevice({ shared: false });
    const x = device.tensor(new Float32Array([1, 2, 3]));
    const out = device.empty('f32', 3);
    await dispatch(device, scaleKernel(), {
      tensors: { x, out },
      scalars: { a: 2, n: 3 },
      grid: [1],
    });
    expect(await out.read()).toEqual(new Float32Array([2, 4, 6]));

    device.gpu.destroy(); // as if the driver had reset: the wrapper learns it through gpu.lost
    const loss = await device.lost;
    expect(loss.reason).toBe('destroyed');
    expect(device.isLost).toBe(true);

    const launch = await rejection(
      dispatch(device, scaleKernel(), { tensors: { x, out }, scalars: { a: 2, n: 3 }, grid: [1] }),
    );
    expect(launch.kind).toBe('device-lost');
    expect(launch.message).toMatch(/was lost \(destroyed.*call getDevice\(\) again/);
    expect((await rejection(out.read())).kind).toBe('device-lost');
    expect(() => device.empty('f32', 4)).toThrow(/was lost/);
  });

  it('rejects launches and reads in flight, or issued in the same tick, when the device is lost mid-run', async () => {
    const device = await getDevice({ shared: false });
    const n = 1 << 20;
    const x = device.tensor(new Float32Array(n).fill(1));
    const out = device.empty('f32', n);
    const args = { tensors: { x, out }, scalars: { a: 3, n }, grid: [Math.ceil(n / 64)] };
    await dispatch(device, scaleKernel('scale:mid-run'), { ...args, wait: true }); // pipeline ready
    const inFlight = [1, 2, 3].map(() => rejection(dispatch(device, scaleKernel('scale:mid-run'), { ...args, wait: true })));
    const reading = rejection(out.read());
    device.gpu.destroy(); // no Tessera call: the loss arrives only through gpu.lost
    // Issued before the loss is reported: WebGPU drops the work silently, Tessera must not.
    const sameTick = rejection(dispatch(device, scaleKernel('scale:mid-run'), args));
    for (const error of [...(await Promise.all(inFlight)), await reading, await sameTick]) {
      expect(error.kind).toBe('device-lost');
      expect(error.message).toMatch(/was lost \(destroyed/);
    }
  });

  it('re-acquires the shared device after it is lost', async () => {
    const first = await getDevice();
    first.gpu.destroy();
    await first.lost;
    const second = await getDevice();
    expect(second).not.toBe(first);
    expect(second.isLost).toBe(false);
    expect(await second.tensor(new Int32Array([5, -6])).read()).toEqual(new Int32Array([5, -6]));
    expect(await getDevice()).toBe(second);
  });
});
