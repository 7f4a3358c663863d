// Cross-invocation reductions with subgroup operations (the device's
// `subgroups` feature), used by workgroup-ops.ts when a reduction spans the
// whole workgroup. Two barriers instead of a log2(invocations) tree:
//
// 1. subgroupAdd/Max/Min of each invocation's partial: every invocation gets
//    its subgroup's total. One elected invocation per subgroup writes it to
//    scratch[tid], every other writes the identity.
// 2. After one barrier, lane l of every subgroup combines words l, l + size,
//    l + 2 size, ... and a second subgroup op totals them. That covers every
//    word only when the subgroup is full (every lane id from 0 to size - 1
//    active); WGSL promises neither full subgroups nor any relation between
//    subgroup lanes and local_invocation_index, so a subgroup that is not full
//    combines all words itself instead.
//
// The subgroup size is the `subgroup_size` builtin, read at run time: no size
// is assumed. The one exception is a workgroup no larger than the adapter's
// smallest subgroup (subgroupMinSize, known at compile time): its invocations
// are all in one subgroup, so step 1 alone gives every invocation the total,
// with no scratch and no barrier. On a CPU-backed device, where a barrier is a
// switch between fibers, that is most of a reduction's cost.
//
// Only whole-workgroup reductions take this path: when several reductions
// share a workgroup (a 2D tile reduced along one axis), nothing says
// which of them a subgroup's lanes belong to, so those use the barrier tree.

import type { Op } from '../ir/ops.js';
import type { DType } from '../ir/types.js';
import type { Emitter } from './emitter.js';
import { valueName } from './op-table.js';
import { combineExpr, fromBits, reduceIdentity, toBits, wgslType } from './wgsl-types.js';

type ReduceOp = Extract<Op, { kind: 'reduce' }>;

const SUBGROUP_FN = { sum: 'subgroupAdd', max: 'subgroupMax', min: 'subgroupMin' } as const;

/** Can this reduction (along an axis spread over `threads` invocations) use subgroup ops? */
export function subgroupReductionApplies(e: Emitter, op: Extract<Op, { kind: 'reduce' } | { kind: 'argReduce' }>, threads: number, dtype: DType): op is ReduceOp {
  return e.subgroups !== 'none' && op.kind === 'reduce' && threads === e.workgroupSize && threads > 1 && dtype !== 'bool';
}

/** Combine the partials (one WGSL variable per result slot) across the workgroup; returns the result slots. */
export function emitSubgroupReduce(e: Emitter, op: ReduceOp, partials: readonly string[], dtype: DType): string[] {
  e.subgroupsUsed = true;
  const w = e.workgroupSize;
  const vt = wgslType[dtype];
  const fn = SUBGROUP_FN[op.op];
  const identity = reduceIdentity(op.op, dtype);
  const id = op.result.id;
  const scalarResult = op.result.type.shape.length === 0;
  const resultName = (slot: number): string => valueName(op.result, scalarResult ? null : slot);
  if (e.subgroups === 'whole-workgroup') {
    return partials.map((p, slot) => {
      e.line(`let ${resultName(slot)}: ${vt} = ${fn}(${p});`);
      return resultName(slot);
    });
  }
  const capacity = Math.floor(e.scratchCapacityBytes / 4);
  const perRound = Math.max(1, Math.min(partials.length, Math.floor(capacity / w)));
  e.needScratch(perRound * w, op.span, `tl.${op.op} across ${w} invocations`);
  const full = `sgfull${id}`;
  e.line(`let ${full} = subgroupAdd(1u) == sg_size;`);
  const results: string[] = [];
  for (let start = 0; start < partials.length; start += perRound) {
    const round = partials.slice(start, start + perRound);
    e.line('workgroupBarrier();');
    round.forEach((p, k) => {
      e.line(`let sg${id}_${start + k}: ${vt} = ${fn}(${p});`);
      e.line(`scratch[${k * w}u + tid] = ${toBits(`select(${identity}, sg${id}_${start + k}, subgroupElect())`, dtype)};`);
    });
    e.line('workgroupBarrier();');
    round.forEach((_, k) => {
      const slot = start + k;
      const word = (j: string): string => fromBits(`scratch[${k * w}u + ${j}]`, dtype);
      const lanes = `sl${id}_${slot}`;
      e.line(`var ${lanes}: ${vt} = ${identity};`);
      // Loop bounds shifted by an opaque zero: LLVM-based drivers would
      // unroll a constant trip count into w copies, JIT time per reduction.
      e.line(`for (var j: u32 = sg_id; j < (${w}u >> ${e.opaqueZero}); j += sg_size) { ${lanes} = ${combineExpr(op.op, lanes, word('j'))}; }`);
      const name = resultName(slot);
      e.line(`var ${name}: ${vt} = ${fn}(${lanes});`);
      e.open(`if (!${full}) {`);
      e.line(`${name} = ${identity};`);
      e.line(`for (var j: u32 = 0u; j < (${w}u >> ${e.opaqueZero}); j++) { ${name} = ${combineExpr(op.op, name, word('j'))}; }`);
      e.close();
      results.push(name);
    });
  }
  return results;
}
