// What the compiler hands the runtime (and, later, what the CLI writes next to
// the .wgsl): everything needed to bind and dispatch one specialized kernel,
// with nothing that needs the compiler at run time.

/** Element types a buffer can hold. */
export type BufferDType = 'f32' | 'i32' | 'u32';
/** Types a scalar argument can have. */
export type ScalarArgDType = 'f32' | 'i32' | 'u32';

export interface BufferBinding {
  readonly kind: 'buffer';
  /** Kernel parameter name (never emitted into WGSL). */
  readonly param: string;
  readonly binding: number;
  readonly dtype: BufferDType;
  readonly access: 'read' | 'read_write';
  /**
   * The shader views this binding as an array of vecN (vectorized accesses):
   * bind it with its size rounded up to N elements, so the array covers every
   * element (tensors' GPU buffers are allocated in 16-byte granules for this).
   */
  readonly vectorWidth?: number;
}

export interface UniformField {
  readonly param: string;
  readonly dtype: ScalarArgDType;
  /** Byte offset inside the uniform struct. */
  readonly offset: number;
}

export interface KernelManifest {
  readonly kernelName: string;
  readonly entryPoint: string;
  /** The explicit, printable specialization key this module was compiled for. */
  readonly specializationKey: string;
  readonly workgroupSize: number;
  readonly buffers: readonly BufferBinding[];
  /** The scalar arguments, packed into one uniform struct at `uniformBinding`. */
  readonly uniforms: readonly UniformField[];
  readonly uniformBinding: number | null;
  /** Size of the uniform struct in bytes (a multiple of 16), 0 if there is none. */
  readonly uniformSize: number;
  readonly workgroupStorageBytes: number;
  readonly requiredFeatures: readonly string[];
  readonly compilerVersion: string;
  /** Present when compiled with bounds checking (a debugging mode). */
  readonly boundsCheck?: BoundsCheck;
}

/**
 * Bounds checking: every access compares its index with the bound tensor's
 * length; the first one out of bounds is skipped and recorded in a small u32
 * buffer bound as `param`: [site + 1, index]. Sites point at the kernel source.
 */
export interface BoundsCheck {
  /** Name of the extra buffer binding in `buffers` (not a kernel parameter). */
  readonly param: string;
  readonly sites: readonly BoundsSite[];
}

export interface BoundsSite {
  readonly kind: 'load' | 'store';
  /** The kernel parameter (buffer) accessed. */
  readonly buffer: string;
  readonly line: number;
  readonly column: number;
  readonly file: string;
  readonly startOffset: number;
  readonly endOffset: number;
}

export interface CompiledKernel {
  readonly wgsl: string;
  readonly manifest: KernelManifest;
}
