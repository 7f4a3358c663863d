// A pool of MAP_READ staging buffers for readback, grouped by size class.
//
// Why pool: creating a buffer is cheap, but its first use is not (Dawn and the
// drivers zero-fill fresh pages lazily), and reads of the same size repeat in
// every test, benchmark and training loop. A buffer is taken out of the pool for
// the whole copy/map/unmap of one read, so concurrent reads never share one.

/** Sizes up to this are rounded up to a power of two; larger ones to a multiple of it. */
const POWER_OF_TWO_CLASSES_UP_TO = 1 << 20;
const MIN_CLASS_BYTES = 256;
/** Free buffers beyond this many bytes are destroyed instead of kept. */
const DEFAULT_MAX_FREE_BYTES = 256 << 20;

export interface StagingStats {
  /** Staging buffers created so far (a pool hit creates none). */
  readonly created: number;
  /** Bytes currently held by free (pooled) buffers. */
  readonly freeBytes: number;
}

export class StagingPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private freeBytes = 0;
  private created = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxBufferSize: number,
    private readonly maxFreeBytes = DEFAULT_MAX_FREE_BYTES,
  ) {}

  /** A mappable buffer of at least `byteLength` bytes (a multiple of 4), unmapped. */
  acquire(byteLength: number): GPUBuffer {
    const size = this.sizeClass(byteLength);
    const pooled = this.free.get(size)?.pop();
    if (pooled !== undefined) {
      this.freeBytes -= size;
      return pooled;
    }
    this.created++;
    return this.device.createBuffer({
      label: `tessera staging ${size}`,
      size,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }

  /** Returns an unmapped buffer obtained from `acquire`. */
  release(buffer: GPUBuffer): void {
    if (this.freeBytes + buffer.size > this.maxFreeBytes) {
      buffer.destroy();
      return;
    }
    const list = this.free.get(buffer.size);
    if (list === undefined) this.free.set(buffer.size, [buffer]);
    else list.push(buffer);
    this.freeBytes += buffer.size;
  }

  /** Destroys every free buffer (buffers out on loan are released as usual). */
  clear(): void {
    for (const list of this.free.values()) for (const buffer of list) buffer.destroy();
    this.free.clear();
    this.freeBytes = 0;
  }

  get stats(): StagingStats {
    return { created: this.created, freeBytes: this.freeBytes };
  }

  private sizeClass(byteLength: number): number {
    const exact = Math.max(MIN_CLASS_BYTES, Math.ceil(byteLength / 4) * 4);
    const rounded =
      exact <= POWER_OF_TWO_CLASSES_UP_TO
        ? 2 ** Math.ceil(Math.log2(exact))
        : Math.ceil(exact / POWER_OF_TWO_CLASSES_UP_TO) * POWER_OF_TWO_CLASSES_UP_TO;
    // Never round past what the device can allocate; the exact size still fits.
    return rounded <= this.maxBufferSize ? rounded : exact;
  }
}
