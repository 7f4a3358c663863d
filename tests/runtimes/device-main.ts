// Asks for the default device and prints one line of JSON in the shape of
// examples/embedded-main.ts's report (without running the examples): what a
// runtime without WebGPU gets from getDevice(). Imports the runtime only.

import { TesseraError } from '../../compiler/errors.js';
import { getDevice } from '../../runtime/device.js';

const runtime = `node ${process.versions.node}`;
try {
  const device = await getDevice();
  console.log(JSON.stringify({ runtime, device: device.name, source: device.source, rows: [] }));
  device.destroy();
} catch (error) {
  const report = error instanceof TesseraError ? { kind: error.kind, message: error.message } : { kind: 'unexpected', message: String(error) };
  console.log(JSON.stringify({ runtime, error: report }));
}
