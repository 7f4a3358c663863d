// Loads and stores. A binding that any access reads or writes as vec4 is
// declared `array<vec4<T>>` (one declaration per buffer: WebGPU forbids
// binding a writable buffer twice), and every access to it goes through
// `element(...)`: whole vec4s for vectorized runs, one component
// (`b[i >> 2][i & 3]`) for scalar ones. The runtime binds such buffers with
// their size rounded up to 16 bytes (see manifest `vectorWidth`), so every
// element of the tensor is inside the array.
//
// A masked-off lane never issues its access: WGSL would clamp an
// out-of-bounds index to some real element and read or overwrite it.

import type { Op, VectorAccess } from '../ir/ops.js';
import type { Emitter } from './emitter.js';
import { operandSlots, valueName } from './op-table.js';
import { cooperativeLoadApplies, emitCooperativeLoad } from './cooperative-load.js';
import { ownerPredicate } from './views.js';
import { literal, wgslType } from './wgsl-types.js';

type LoadOp = Extract<Op, { kind: 'load' }>;
type StoreOp = Extract<Op, { kind: 'store' }>;

const LANES = ['x', 'y', 'z', 'w'] as const;

/** The scalar element at i32 index `pointer` of binding b, as a WGSL reference. */
export function elementRef(e: Emitter, binding: number, pointer: string): string {
  if (!e.vectorBindings.has(binding)) return `b${binding}[u32(${pointer})]`;
  return `b${binding}[u32(${pointer}) >> 2u][u32(${pointer}) & 3u]`;
}

/** The vec4 starting at i32 index `pointer` (a multiple of 4) of binding b. */
function vectorRef(binding: number, pointer: string): string {
  return `b${binding}[u32(${pointer}) >> 2u]`;
}

/**
 * A masked read as a select over a read that always happens, at an index
 * clamped into the binding: `other` where the mask is off. The result is the
 * same as reading under `if (mask)`, but a masked-off lane reads (and
 * discards) the binding's last element instead of branching around the read.
 * On lavapipe every lane's read is a scalar access either way, and the branch
 * was the dearer part: the normalize loop of layer norm (3 masked vec4 loads
 * per run) ran 1.23x as fast this way. `index` is a u32 WGSL expression in
 * the binding's units (elements, or vec4s for a vec4 view).
 */
function maskedRead(binding: number, index: string, rest: string, other: string, mask: string): string {
  return `select(${other}, b${binding}[min(${index}, arrayLength(&b${binding}) - 1u)]${rest}, ${mask})`;
}

/** maskedRead of the scalar element at i32 index `pointer` of binding b. */
function maskedElement(e: Emitter, binding: number, pointer: string, other: string, mask: string): string {
  if (!e.vectorBindings.has(binding)) return maskedRead(binding, `u32(${pointer})`, '', other, mask);
  return maskedRead(binding, `(u32(${pointer}) >> 2u)`, `[u32(${pointer}) & 3u]`, other, mask);
}

function vectorUsable(e: Emitter, vector: VectorAccess | undefined, binding: number, count: number): vector is VectorAccess {
  return vector !== undefined && vector.width === 4 && e.vectorBindings.has(binding) && count % vector.width === 0 && !e.boundsCheck;
}

export function emitLoad(e: Emitter, op: LoadOp): void {
  const b = e.get(op.ptr).binding ?? 0;
  const count = e.view(op.result).slots.length;
  const dtype = e.dtype(op.result);
  const type = wgslType[dtype];
  const scalar = op.result.type.shape.length === 0;
  if (op.mask && !op.other) throw new Error('codegen: a masked load without other (the masking pass adds it)');
  // A tile every invocation holds whole: subgroup lanes share the loading.
  const vectorWidth = !scalar && vectorUsable(e, op.vector, b, count) && (!op.mask || op.vector.maskPerVector) ? op.vector.width : 1;
  if (cooperativeLoadApplies(e, op, count, vectorWidth)) {
    emitCooperativeLoad(e, op, b, count, vectorWidth);
    return;
  }
  if (!scalar && vectorUsable(e, op.vector, b, count)) {
    emitVectorLoad(e, op, b, count, op.vector);
    return;
  }
  const slots: string[] = [];
  const ptrs = operandSlots(e, op.ptr, count);
  const masks = op.mask ? operandSlots(e, op.mask, count) : undefined;
  const others = op.other ? operandSlots(e, op.other, count) : undefined;
  const zero = literal(0, dtype);
  for (let i = 0; i < count; i++) {
    const name = valueName(op.result, scalar ? null : i);
    const pointer = ptrs[i] ?? '';
    const mask = masks ? (masks[i] ?? '') : null;
    const other = others ? (others[i] ?? '') : zero;
    if (e.boundsCheck) {
      // Only live lanes read, so only they are checked (the checked read registers its site).
      const read = e.checkedAccess('load', b, pointer, op.span, (index) => `${name} = b${b}[${index}];`);
      e.line(`var ${name}: ${type} = ${other};`);
      e.line(mask ? `if (${mask}) { ${read} }` : read);
    } else if (mask) {
      e.line(`let ${name}: ${type} = ${maskedElement(e, b, pointer, other, mask)};`);
    } else e.line(`let ${name}: ${type} = ${elementRef(e, b, pointer)};`);
    slots.push(name);
  }
  e.set(op.result, { slots, uniform: false });
}

function emitVectorLoad(e: Emitter, op: LoadOp, b: number, count: number, vector: VectorAccess): void {
  const type = wgslType[e.dtype(op.result)];
  const vec = `vec4<${type}>`;
  const id = op.result.id;
  const ptrs = operandSlots(e, op.ptr, count);
  const masks = op.mask && op.other ? operandSlots(e, op.mask, count) : undefined;
  const others = op.mask && op.other ? operandSlots(e, op.other, count) : undefined;
  const slots: string[] = [];
  const width = vector.width;
  for (let first = 0, g = 0; first < count; first += width, g++) {
    const name = `v${id}v${g}`;
    const base = ptrs[first] ?? '';
    if (!masks || !others) {
      e.line(`let ${name}: ${vec} = ${vectorRef(b, base)};`);
    } else {
      const otherVector = `${vec}(${others.slice(first, first + width).join(', ')})`;
      if (vector.maskPerVector) e.line(`let ${name}: ${vec} = ${maskedRead(b, `(u32(${base}) >> 2u)`, '', otherVector, masks[first] ?? '')};`);
      else {
        e.line(`var ${name}: ${vec} = ${otherVector};`);
        // A partly masked run (a tile's edge) reads only its live lanes.
        const all = masks.slice(first, first + width).join(' && ');
        const lanes: string[] = [];
        for (let k = 0; k < width; k++) lanes.push(`if (${masks[first + k] ?? ''}) { ${name}.${LANES[k]} = ${elementRef(e, b, ptrs[first + k] ?? '')}; }`);
        e.line(`if (${all}) { ${name} = ${vectorRef(b, base)}; } else { ${lanes.join(' ')} }`);
      }
    }
    for (let k = 0; k < width; k++) slots.push(`${name}.${LANES[k]}`);
  }
  e.set(op.result, { slots, uniform: false });
}

export function emitStore(e: Emitter, op: StoreOp): void {
  const binding = e.get(op.ptr).binding ?? 0;
  e.storedBindings.add(binding);
  const view = e.view(op.value);
  const count = view.slots.length;
  const scalar = op.value.type.shape.length === 0;
  // Every invocation holds a scalar; one store is enough.
  const owner = scalar ? 'tid == 0u' : ownerPredicate(view, e);
  const ptrs = operandSlots(e, op.ptr, count);
  const values = operandSlots(e, op.value, count);
  const masks = op.mask ? operandSlots(e, op.mask, count) : undefined;
  if (!scalar && vectorUsable(e, op.vector, binding, count)) {
    const vec = `vec4<${wgslType[e.dtype(op.value)]}>`;
    const vector = op.vector;
    const width = vector.width;
    for (let first = 0; first < count; first += width) {
      const write = `${vectorRef(binding, ptrs[first] ?? '')} = ${vec}(${values.slice(first, first + width).join(', ')});`;
      if (!masks) {
        e.line(owner ? `if (${owner}) { ${write} }` : write);
      } else if (vector.maskPerVector) {
        const mask = masks[first] ?? '';
        e.line(`if (${owner ? `${owner} && ${mask}` : mask}) { ${write} }`);
      } else {
        const all = masks.slice(first, first + width).join(' && ');
        const lanes: string[] = [];
        for (let i = first; i < first + width; i++) lanes.push(`if (${masks[i] ?? ''}) { ${elementRef(e, binding, ptrs[i] ?? '')} = ${values[i] ?? ''}; }`);
        e.line(`${owner ? `if (${owner}) { ` : ''}if (${all}) { ${write} } else { ${lanes.join(' ')} }${owner ? ' }' : ''}`);
      }
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    const value = values[i] ?? '';
    const mask = masks ? (masks[i] ?? '') : null;
    const cond = owner !== null && mask !== null ? `${owner} && ${mask}` : (owner ?? mask);
    const write = e.boundsCheck
      ? e.checkedAccess('store', binding, ptrs[i] ?? '', op.span, (index) => `b${binding}[${index}] = ${value};`)
      : `${elementRef(e, binding, ptrs[i] ?? '')} = ${value};`;
    e.line(cond !== null ? `if (${cond}) { ${write} }` : write);
  }
}
