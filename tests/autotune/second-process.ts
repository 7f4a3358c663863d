// Run by tests/autotune/autotune.test.ts as a second process (npx tsx): the
// same tuner over the same cache file. It must find the stored result and
// launch with it without timing anything; it prints what it did as JSON.

import { autotune, getDevice } from '../../index.js';
import { matmulKernel } from '../../examples/matmul.js';
import { CONFIGS, error, inputs } from './shared.js';

const cacheFile = process.argv[2];
if (!cacheFile) throw new Error('usage: second-process.ts <cache file>');
const device = await getDevice();
const tuner = autotune(matmulKernel, { configs: CONFIGS, key: ['M', 'N', 'K'], cacheFile, log: false, progressBar: false });
const { a, b, c, args, grid } = inputs(device);
const config = await tuner.best(args, { device, grid });
await tuner.launch(grid, args, { device, wait: true });
const { err, tolerance } = await error(a, b, c);
console.log(JSON.stringify({ stats: tuner.stats, config, correct: err <= tolerance }));
device.destroy();
