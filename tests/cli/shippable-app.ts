// The test app of the shippable-artifact test, as text: a plain-Node ES module
// that imports ONLY the loaders `tessera compile` generated and the `webgpu`
// package (Dawn, for a device in Node): no compiler, no runtime. It launches
// vector add and softmax on fresh random data of awkward sizes, with outputs
// poisoned first, and prints the largest error against float64 references.

export const APP_SOURCE = `import { create, globals } from 'webgpu';
import * as add from './add_kernel.js';
import * as softmax from './softmax_kernel.js';

const gpuInstance = create([]); // kept alive for as long as the device is used
const adapter = await gpuInstance.requestAdapter();
if (!adapter) throw new Error('no WebGPU adapter');
const device = await adapter.requestDevice();
const STORAGE = globals.GPUBufferUsage.STORAGE | globals.GPUBufferUsage.COPY_SRC | globals.GPUBufferUsage.COPY_DST;

function upload(data) {
  // The loaders may read buffers as vec4s: sizes in multiples of 16 bytes.
  const buffer = device.createBuffer({ size: Math.ceil(data.byteLength / 16) * 16, usage: STORAGE });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

async function download(buffer, length) {
  const staging = device.createBuffer({ size: length * 4, usage: globals.GPUBufferUsage.MAP_READ | globals.GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, length * 4);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(globals.GPUMapMode.READ);
  const out = new Float32Array(length);
  out.set(new Float32Array(staging.getMappedRange()));
  staging.unmap();
  return out;
}

const random = (n, lo, hi) => Float32Array.from({ length: n }, () => lo + Math.random() * (hi - lo));
const GUARD = 5;

// max |actual - expected| where expected is defined; NaN anywhere, or a touched guard, is Infinity.
function maxError(actual, expected) {
  let err = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i];
    if (e === undefined) { if (!Number.isNaN(actual[i])) return Infinity; continue; }
    const d = Math.abs(actual[i] - e);
    if (Number.isNaN(d)) return Infinity;
    err = Math.max(err, d);
  }
  return err;
}

// Vector add: n not a multiple of the 1024 block.
const n = 5000;
const x = random(n, -1, 1), y = random(n, -1, 1);
const addOut = upload(new Float32Array(n + GUARD).fill(NaN));
const addArgs = { x_ptr: upload(x), y_ptr: upload(new Float32Array(n)), output_ptr: addOut, n_elements: n };
await add.launch(device, [Math.ceil(n / 1024)], addArgs);
// The second launch binds the same buffers (cached pipeline and bind group) after y changed.
device.queue.writeBuffer(addArgs.y_ptr, 0, y);
await add.launch(device, Math.ceil(n / 1024), addArgs);
const addExpected = Array.from(x, (v, i) => v + y[i]);
const addErr = maxError(await download(addOut, n + GUARD), addExpected);

// Softmax: 37 rows of 781 columns in rows of stride 784 (NaN padding the mask must skip).
const rows = 37, cols = 781, stride = 784;
const input = random(rows * stride, -4, 4);
for (let r = 0; r < rows; r++) input.fill(NaN, r * stride + cols, (r + 1) * stride);
const smOut = upload(new Float32Array(rows * cols + GUARD).fill(NaN));
await softmax.launch(device, rows, { output_ptr: smOut, input_ptr: upload(input), input_row_stride: stride, output_row_stride: cols, n_cols: cols });
const smExpected = [];
for (let r = 0; r < rows; r++) {
  const row = Array.from(input.subarray(r * stride, r * stride + cols));
  const max = Math.max(...row);
  const exps = row.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  exps.forEach((e, c) => (smExpected[r * cols + c] = e / sum));
}
const smErr = maxError(await download(smOut, rows * cols + GUARD), smExpected);

// A bad argument is a clear error, not a crash.
let badArgument = '';
try {
  await add.launch(device, 1, { x_ptr: upload(x), y_ptr: upload(y), output_ptr: addOut, n_elements: 1.5 });
} catch (error) {
  badArgument = error.message;
}
console.log(JSON.stringify({ addErr, smErr, badArgument }));
device.destroy();
`;
