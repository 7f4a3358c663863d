// WebGPU in Bun, which has none of its own: npm `bun-webgpu` (Dawn over FFI)
// installs it as navigator.gpu when its setupGlobals() is called. Imported
// through a variable specifier, as Dawn for Node is, so bundlers leave it out.

import { LaunchError } from '../compiler/errors.js';
import { importOptionalPackage } from './optional-import.js';

export function isBun(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.bun === 'string';
}

export function currentNavigatorGpu(): GPU | undefined {
  // Typed as always present by lib.dom, but absent in Node, Bun and older browsers.
  return typeof navigator === 'undefined' ? undefined : navigator.gpu;
}

/** Loads bun-webgpu, installs its globals and returns the navigator.gpu it installed. */
export async function bunNavigatorGpu(): Promise<GPU> {
  const loaded = await importOptionalPackage(
    'bun-webgpu',
    (reason) => `Bun has no built-in WebGPU and the npm package 'bun-webgpu' did not load: ${reason}. Install it with \`bun add bun-webgpu\`.`,
  );
  const setup: unknown =
    typeof loaded === 'object' && loaded !== null && 'setupGlobals' in loaded
      ? loaded.setupGlobals
      : undefined;
  if (typeof setup !== 'function')
    throw new LaunchError('device', "the npm package 'bun-webgpu' does not export setupGlobals()");
  setup();
  const installed = currentNavigatorGpu();
  if (installed === undefined)
    throw new LaunchError('device', "bun-webgpu's setupGlobals() did not install navigator.gpu");
  return installed;
}
