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
    expect(launch.kind).toBe('device');
    expect(launch.message).toMatch(/was lost \(destroyed.*call getDevice\(\) again/);
    expect((await rejection(out.read())).kind).toBe('device');
    expect(() => device.empty('f32', 4)).toThrow(/was lost/);
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
