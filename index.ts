// Tessera: Triton-style tile kernels in TypeScript, compiled to WGSL and run
// on any WebGPU device. This entry includes the compiler; apps that ship
// precompiled kernels import 'tessera/runtime' only.

export { kernel, Kernel, type KernelOptions, type KernelArgs, type GridSpec, type LaunchOptions } from './compiler/kernel.js';
export { tl, type Tile, type Ptr, type Mask, type DTypeToken } from './compiler/tl.js';
export { compileSource, compileFunction, pipeline, type CompileOptions, type CompileResult } from './compiler/compile.js';
export { printKernel } from './compiler/ir/printer.js';
export type { DotStrategy } from './compiler/ir/ops.js';
export { autotune, Autotuner, type AutotuneOptions, type AutotuneStats } from './compiler/autotune/autotune.js';
export type { AutotuneConfig } from './compiler/autotune/prune.js';
export type { AutotuneProgress } from './compiler/autotune/report.js';
export { TesseraError, CompileError, LaunchError, type ErrorKind, type Span } from './compiler/errors.js';
export * from './runtime/index.js';
