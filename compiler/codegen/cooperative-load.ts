// Cooperative loads of replicated tiles, with subgroup operations (the
// device's `subgroups` feature).
//
// Some layouts give every invocation every element of a tile: a 'registers'
// dot whose per-invocation micro-tile spans all of BLOCK_M holds the whole
// a tile [BLOCK_M, BLOCK_K] in each invocation (passes/dot-layouts.ts). A
// plain load of such a tile makes every invocation read all of it. On a SIMD
// device that runs invocations as lanes (lavapipe: 8 lanes per subgroup),
// every load whose address is computed per invocation is carried out lane by
// lane, so the replicated tile costs S times the memory accesses it needs.
// Measured on lavapipe, a 8 x 64 x 8 matmul block on 16 invocations: 1.9x
// less CPU time per product with the a tile loaded this way.
//
// Here the tile's load units (runs of 4 slots read as one vec4 where the
// access is vectorized, single slots otherwise) are dealt out over the lanes
// of each subgroup: in round j, lane l loads unit j*S + l (its pointer and
// mask picked out of the slots with `select`, which is cheap lane-parallel
// arithmetic), and subgroupBroadcast(x, l) hands unit j*S + l to every lane.
// A masked-off unit reads nothing and takes `other`, as in emitLoad.
//
// Correctness does not depend on how invocations map to subgroup lanes:
// every invocation holds the same slots with the same values (the tile is
// replicated), so any lane may load any unit. The broadcasts need every lane
// of the subgroup active and exactly the S lanes the code was generated for
// (the device's subgroupMaxSize); both are checked at run time
// (`sg_size == S` and `subgroupAdd(1u) == S`, the same in every lane of a
// subgroup), and a subgroup that fails the check loads every unit itself, as
// without this path. On lavapipe sg_size is a constant and the size half of
// the check folds away. WGSL also wants subgroup builtins in control flow its
// uniformity analysis sees as uniform, so loads under a non-uniform if or loop
// (Emitter.nonUniformControl) keep the plain path.

import type { Op } from '../ir/ops.js';
import type { DType } from '../ir/types.js';
import type { Emitter } from './emitter.js';
import { elementRef } from './memory-ops.js';
import { valueName } from './op-table.js';
import type { View } from './views.js';
import { wgslType } from './wgsl-types.js';

type LoadOp = Extract<Op, { kind: 'load' }>;

const LANES = ['x', 'y', 'z', 'w'] as const;

/** subgroupBroadcast takes these (f16 would need the shader-f16 extension too). */
const BROADCASTABLE: ReadonlySet<DType> = new Set<DType>(['f32', 'i32', 'u32']);

/** Every invocation holds every element of the tile, in the same slot order. */
export function isReplicated(view: View): boolean {
  if (!view.parent) return false;
  return view.dims.every((dim) => dim.size === 1 || dim.threads === 1 || dim.sizePerThread % dim.size === 0);
}

/**
 * Does a load of `count` slots in units of `width` (4: vec4 runs, 1: single
 * slots) take the cooperative path? Needs subgroups, a known subgroup size,
 * a replicated tile of a broadcastable type and at least two units.
 */
export function cooperativeLoadApplies(e: Emitter, op: LoadOp, count: number, width: number): boolean {
  const size = e.subgroupSize;
  // WGSL rejects subgroup builtins where its uniformity analysis sees non-uniform control flow.
  if (e.subgroups === 'none' || e.boundsCheck || size === undefined || size < 2 || e.nonUniformControl > 0) return false;
  if (op.result.type.shape.length === 0 || !BROADCASTABLE.has(e.dtype(op.result))) return false;
  if (count / width < 2 || count % width !== 0) return false;
  return isReplicated(e.view(op.result));
}

/** `select(...)` chain: expression i of `perLane` in lane i (the first for lanes past the end). */
function byLane(perLane: readonly string[]): string {
  let expr = perLane[0] ?? 'false';
  for (let lane = 1; lane < perLane.length; lane++) expr = `select(${expr}, ${perLane[lane]}, sg_id == ${lane}u)`;
  return expr;
}

/**
 * Emits the load: vars named like emitLoad's (`v<id>v<unit>` for vec4 units,
 * `v<id>_<slot>` for single slots), filled cooperatively when the subgroup
 * passes the check and by each invocation itself otherwise.
 */
export function emitCooperativeLoad(e: Emitter, op: LoadOp, binding: number, count: number, width: number): void {
  const size = e.subgroupSize ?? 1;
  e.subgroupsUsed = true;
  const dtype = e.dtype(op.result);
  const scalarType = wgslType[dtype];
  const type = width === 4 ? `vec4<${scalarType}>` : scalarType;
  const id = op.result.id;
  const units = count / width;
  const mask = op.mask;
  const other = op.other;
  if (mask && !other) throw new Error('codegen: a masked load without other (the masking pass adds it)');
  const names = Array.from({ length: units }, (_, u) => (width === 4 ? `v${id}v${u}` : valueName(op.result, u)));
  const pointer = (u: number): string => e.slotAt(op.ptr, u * width);
  const live = (u: number): string => (mask ? e.slotAt(mask, u * width) : 'true');
  const otherValue = (u: number): string =>
    other ? (width === 4 ? `${type}(${[0, 1, 2, 3].map((k) => e.slotAt(other, u * width + k)).join(', ')})` : e.slotAt(other, u)) : `${type}()`;
  const read = (p: string): string => (width === 4 ? `b${binding}[u32(${p}) >> 2u]` : elementRef(e, binding, p));

  for (const name of names) e.line(`var ${name}: ${type};`);
  e.open(`if (sg_size == ${size}u && subgroupAdd(1u) == ${size}u) {`);
  for (let first = 0; first < units; first += size) {
    const round = names.slice(first, first + size).map((_, l) => first + l);
    const x = `coop${id}_${first / size}`;
    e.line(`var ${x}: ${type} = ${type}();`);
    const perLane = round.map(pointer);
    const liveLanes = round.map(live);
    // Lanes past the last unit of a short round load nothing.
    const guard = round.length < size ? `${byLane(liveLanes)} && sg_id < ${round.length}u` : byLane(liveLanes);
    e.line(`if (${guard}) { ${x} = ${read(byLane(perLane))}; }`);
    round.forEach((u, lane) => {
      const value = `subgroupBroadcast(${x}, ${lane}u)`;
      e.line(`${names[u]} = ${mask ? `select(${otherValue(u)}, ${value}, ${live(u)})` : value};`);
    });
  }
  e.close('} else {');
  e.depthIn();
  names.forEach((name, u) => {
    if (mask) e.line(`if (${live(u)}) { ${name} = ${read(pointer(u))}; } else { ${name} = ${otherValue(u)}; }`);
    else e.line(`${name} = ${read(pointer(u))};`);
  });
  e.close();
  const slots = width === 4 ? names.flatMap((name) => LANES.map((lane) => `${name}.${lane}`)) : names;
  e.set(op.result, { slots, uniform: false });
}
