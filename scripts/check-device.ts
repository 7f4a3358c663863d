// Prints the WebGPU adapter the tests and examples will use, or fails with a
// message that says how to get one. scripts/setup.sh runs it last, so a CI
// machine without a working adapter fails at set-up with a clear reason.
import { getDevice } from '../runtime/device.js';

try {
  const device = await getDevice();
  console.log(`setup: WebGPU device: ${device.name}`);
  device.destroy();
} catch (error) {
  console.error(`setup: no usable WebGPU adapter.\n${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
