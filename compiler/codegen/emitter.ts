// Shared state of WGSL emission: the output lines, what each IR value is in
// WGSL (one expression per slot the invocation holds), thread-index
// variables, and the workgroup scratch array used by layout conversions and
// cross-invocation reductions. The per-op code lives in op-table.ts.

import { CompileError, type Span } from '../errors.js';
import { invocations, layoutToString, threadStrides, type BlockedLayout } from '../ir/layout.js';
import { blocksOf, type Block, type KernelIR, type Value } from '../ir/ops.js';
import { fromBits, toBits, wgslType } from './wgsl-types.js';
import type { DType, Type } from '../ir/types.js';
import { viewOf, type ThreadIndexNamer, type View } from './views.js';

export interface Emitted {
  /** One WGSL expression per slot of the value's layout view. */
  readonly slots: readonly string[];
  /** For pointer values: the binding index of the buffer they point into. */
  readonly binding?: number | undefined;
  /** True when WGSL's uniformity analysis will also see this value as uniform. */
  readonly uniform: boolean;
}

/** Reserved for `uniform_cell` (one u32, rounded up to WGSL's 16-byte granule). */
const UNIFORM_CELL_BYTES = 16;

export interface CodegenLimits {
  /** maxComputeWorkgroupStorageSize in bytes. */
  readonly workgroupStorageBytes: number;
}

/**
 * How reductions may use subgroup operations: not at all; with subgroups of
 * any size (partials combined through scratch); or 'whole-workgroup', when the
 * adapter's smallest subgroup is at least the workgroup, so one subgroup holds
 * every invocation and a subgroup operation alone reduces across the
 * workgroup, with no workgroup memory and no barrier.
 */
export type SubgroupUse = 'none' | 'any-size' | 'whole-workgroup';

/** An access that bounds checking watches; its id in WGSL is its index + 1. */
export interface AccessSite {
  readonly kind: 'load' | 'store';
  readonly binding: number;
  readonly span: Span;
}

export class Emitter implements ThreadIndexNamer {
  private readonly out: string[] = [];
  private depth = 1;
  private readonly values = new Map<number, Emitted>();
  private readonly layoutIds = new Map<string, { id: number; parent: BlockedLayout }>();
  private readonly usedThreadIndex = new Set<string>();
  private lastCommentLine = -1;
  /** The kernel source split into lines, on the first comment that quotes one. */
  private sourceLines: readonly string[] | undefined;
  /** Words of `scratch` any op needs (the array is sized to the maximum). */
  scratchWords = 0;
  uniformCellUsed = false;
  private uniformCount = 0;
  readonly storedBindings = new Set<number>();
  /** Targets that a `yield` assigns, innermost last. */
  readonly yieldTargets: (readonly Value[])[] = [];

  /** Accesses that check their index (only with bounds checking on). */
  readonly accessSites: AccessSite[] = [];
  /** Bindings declared as arrays of vec4 (some access to them is vectorized). */
  readonly vectorBindings: ReadonlySet<number>;
  /** Set when emitted code calls subgroup builtins (the module then enables `subgroups`). */
  subgroupsUsed = false;
  /**
   * How many enclosing ifs and loops WGSL's uniformity analysis sees as
   * non-uniform; subgroup builtins (cooperative-load.ts) need it to be 0.
   */
  nonUniformControl = 0;

  constructor(
    readonly kernel: KernelIR,
    readonly limits: CodegenLimits,
    readonly boundsCheck = false,
    /** Whether reductions may use subgroup operations (the device has the `subgroups` feature and the compile allows it). */
    readonly subgroups: SubgroupUse = 'none',
    /** The subgroup size generated code is specialized for (cooperative-load.ts checks it at run time). */
    readonly subgroupSize?: number,
  ) {
    this.vectorBindings = boundsCheck ? new Set() : vectorizedBindings(kernel);
  }

  /**
   * `access(index)` guarded by the index check when bounds checking is on:
   * an out-of-bounds index skips the access and reports the site instead.
   */
  checkedAccess(kind: 'load' | 'store', binding: number, pointer: string, span: Span, access: (index: string) => string): string {
    if (!this.boundsCheck) return access(`u32(${pointer})`);
    this.accessSites.push({ kind, binding, span });
    const site = this.accessSites.length;
    return `if (u32(${pointer}) < arrayLength(&b${binding})) { ${access(`u32(${pointer})`)} } else { report_out_of_bounds(${site}u, u32(${pointer})); }`;
  }

  get workgroupSize(): number {
    return this.kernel.workgroupSize;
  }

  line(text: string): void {
    this.out.push((indents[this.depth] ??= '  '.repeat(this.depth)) + text);
  }

  open(text: string): void {
    this.line(text);
    this.depth++;
  }

  close(text = '}'): void {
    this.depth--;
    this.line(text);
  }

  /** A comment quoting the kernel source line an op came from, once per line. */
  sourceComment(span: Span): void {
    if (span.line === this.lastCommentLine) return;
    this.lastCommentLine = span.line;
    this.sourceLines ??= this.kernel.source.split(/\r\n|\r|\n/);
    const text = this.sourceLines[span.line - 1] ?? '';
    this.line(`// ${printable(span.file)}:${span.line}: ${printable(text.trim())}`);
  }

  resetComment(): void {
    this.lastCommentLine = -1;
  }

  set(v: Value, emitted: Emitted): void {
    // Stored in one object shape whatever the op built (some spread another
    // value's), so reads of slots, uniform and binding stay monomorphic in V8.
    this.values.set(v.id, { slots: emitted.slots, uniform: emitted.uniform, binding: emitted.binding });
  }

  get(v: Value): Emitted {
    const e = this.values.get(v.id);
    if (!e) throw new Error(`codegen: %${v.id} has no WGSL value`);
    return e;
  }

  slot(v: Value, index: number): string {
    const s = this.get(v).slots[index];
    if (s === undefined) throw new Error(`codegen: %${v.id} has no slot ${index}`);
    return s;
  }

  /** Slot `index` of a tile, or the one value of a scalar (scalars meet tiles of every size). */
  slotAt(v: Value, index: number): string {
    return this.slot(v, v.type.shape.length === 0 ? 0 : index);
  }

  view(v: Value | Type): View {
    return viewOf('type' in v ? v.type : v);
  }

  dtype(v: Value): DType {
    // Pointers are i32 element offsets in WGSL.
    return v.type.kind === 'ptr' ? 'i32' : v.type.dtype;
  }

  threadIndex(parent: BlockedLayout, dim: number): string {
    const key = layoutToString(parent);
    let entry = this.layoutIds.get(key);
    if (!entry) {
      entry = { id: this.layoutIds.size, parent };
      this.layoutIds.set(key, entry);
    }
    const name = `t${entry.id}_${dim}`;
    this.usedThreadIndex.add(name);
    return name;
  }

  /** `let t0_1 = (tid / 1u) % 128u;` for every thread index used. */
  threadIndexDeclarations(): string[] {
    const lines: string[] = [];
    for (const { id, parent } of this.layoutIds.values()) {
      const strides = threadStrides(parent);
      const total = invocations(parent);
      parent.threadsPerDim.forEach((threads, d) => {
        const name = `t${id}_${d}`;
        if (!this.usedThreadIndex.has(name)) return;
        const div = strides[d] === 1 ? 'tid' : `(tid / ${strides[d] ?? 1}u)`;
        lines.push(`  let ${name} = ${total === threads ? div : `${div} % ${threads}u`};  // ${layoutToString(parent)} dim ${d}`);
      });
    }
    return lines;
  }

  /** Workgroup memory scratch may use: the device's, less the uniform cell's word (and padding). */
  get scratchCapacityBytes(): number {
    return this.limits.workgroupStorageBytes - UNIFORM_CELL_BYTES;
  }

  /** Reserve scratch words, or explain why the tile does not fit the device. */
  needScratch(words: number, span: Span, what: string): void {
    const bytes = words * 4;
    if (bytes > this.scratchCapacityBytes)
      throw new CompileError(
        'device',
        `${what} needs ${bytes} bytes of workgroup memory, but the device allows ${this.scratchCapacityBytes} for it (maxComputeWorkgroupStorageSize ${this.limits.workgroupStorageBytes}, less ${UNIFORM_CELL_BYTES} reserved); use smaller block sizes (or fewer invocations per workgroup)`,
        span,
        this.kernel.source,
      );
    this.scratchWords = Math.max(this.scratchWords, words);
  }

  depthIn(): void {
    this.depth++;
  }

  /**
   * A u32 zero that WGSL sees as uniform but a driver's optimizer cannot fold:
   * num_workgroups.z is at most 65535 (maxComputeWorkgroupsPerDimension), so
   * shifting it right by 16 gives 0. Used to keep loops around barriers rolled.
   */
  readonly opaqueZero = '(nwg.z >> 16u)';

  isUniform(v: Value): boolean {
    return this.get(v).uniform;
  }

  /** Will uniformScalar(v, controlled) give an expression WGSL sees as uniform? */
  controlIsUniform(values: readonly Value[], controlled: readonly Block[]): boolean {
    return values.every((v) => this.get(v).uniform) || controlled.some(containsBarrier);
  }

  /**
   * The scalar's WGSL expression, made uniform for WGSL first when the blocks
   * it controls contain barriers: invocation 0 publishes its value (every
   * invocation computed the same scalar) and workgroupUniformLoad reads it back.
   */
  uniformScalar(v: Value, controlled: readonly Block[]): string {
    const e = this.get(v);
    const expr = e.slots[0] ?? '';
    if (e.uniform || !controlled.some(containsBarrier)) return expr;
    const dtype = this.dtype(v);
    this.uniformCellUsed = true;
    const name = `u${v.id}_${this.uniformCount++}`;
    this.line(`workgroupBarrier();`);
    this.line(`if (tid == 0u) { uniform_cell = ${toBits(expr, dtype)}; }`);
    this.line(`let ${name}: ${wgslType[dtype]} = ${fromBits('workgroupUniformLoad(&uniform_cell)', dtype)};`);
    return name;
  }

  lines(): string[] {
    return this.out;
  }
}

/** Indentation by depth, made once per depth instead of per line. */
const indents: string[] = [];

/**
 * Only printable ASCII reaches the WGSL: no line breaks or other characters
 * can end a comment early and inject code.
 */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

/** The binding index of each buffer parameter: buffers are bound in parameter order. */
export function bindingOfParam(kernel: KernelIR, paramIndex: number): number {
  return kernel.params.slice(0, paramIndex).filter((p) => p.role === 'buffer').length;
}

function vectorizedBindings(kernel: KernelIR): Set<number> {
  const found = new Set<number>();
  const visit = (block: Block): void => {
    for (const op of block.ops) {
      if ((op.kind === 'load' || op.kind === 'store') && op.vector && op.ptr.type.kind === 'ptr')
        found.add(bindingOfParam(kernel, op.ptr.type.buffer));
      blocksOf(op).forEach(visit);
    }
  };
  visit(kernel.body);
  return found;
}

/** Does code in these blocks synchronize the workgroup (scratch traffic)? */
export function containsBarrier(block: Block): boolean {
  return block.ops.some(
    (op) =>
      op.kind === 'reduce' || op.kind === 'argReduce' || op.kind === 'convertLayout' || op.kind === 'reshape' ||
      // Conservative: only the 'workgroup' dot strategy has barriers.
      op.kind === 'dot' ||
      blocksOf(op).some(containsBarrier),
  );
}
