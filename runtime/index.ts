// The runtime alone: devices, tensors, and dispatch of precompiled kernels.
// Nothing here imports the compiler, so an app that ships WGSL + manifests
// built ahead of time bundles only this.

export { getDevice, TesseraDevice, type DeviceOptions } from './device.js';
export { Tensor, type ArrayFor, type TensorArray } from './tensor.js';
export { dispatch, getPipeline, runtimeStats, type Grid, type LaunchArgs } from './dispatch.js';
export { validateWgsl, type WgslMessage } from './validate.js';
export type { CompiledKernel, KernelManifest, BufferBinding, UniformField, BufferDType } from './manifest.js';
