// The --validate step of compile and wgsl: the device's shader compiler checks
// the emitted module. Without a device it is skipped with a warning (an
// ahead-of-time build may run where there is no GPU).

import type { Built } from './build.js';
import type { Reporter } from './reporter.js';
import { validateEmitted, validationDevice } from './validate-wgsl.js';

/** Adds the validation diagnostics to `reporter`; false when the WGSL was rejected. */
export async function validateBuilt(built: Built, reporter: Reporter): Promise<boolean> {
  const acquired = await validationDevice();
  if (!('device' in acquired)) {
    reporter.add({ severity: 'warning', kind: 'device', message: `the WGSL was not validated: no WebGPU device (${acquired.reason})`, hint: 'pass --no-validate to skip validation on machines without a GPU' });
    return true;
  }
  const problems = await validateEmitted(acquired.device, built.result.manifest.kernelName, built.result.wgsl, built.file.text);
  reporter.add(...problems);
  return problems.length === 0;
}
