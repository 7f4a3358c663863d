// WGSL for tl.dot: d[M,N] = a[M,K] x b[K,N] + acc, one f32 fma per product,
// accumulated in the order k = 0, 1, ..., K-1 for every output.
//
// Each invocation computes the output slots it holds in the result's layout
// (a micro-tile of TM x TN outputs, chosen by passes/dot-layouts.ts). Where
// the operands come from depends on the kernel's dot strategy:
// - 'registers': tiling gave a the result's layout along M with all of K per
//   invocation, and b likewise along N, so the products need no data from
//   other invocations: the dot is TM * TN * K fmas on values the invocation
//   already loaded (straight from global memory, with the kernel's masks).
// - 'workgroup': both operands (in any layout) are written once to
//   workgroup memory (row-major a, then b), and after a barrier each
//   invocation loops over K reading the TM rows of a and TN columns of b its
//   micro-tile needs: TM + TN reads per TM * TN fmas.
//
// Barriers are in uniform control flow: containsBarrier (emitter.ts) counts
// dots, so loop bounds and if conditions around them are made uniform first.

import { CompileError } from '../errors.js';
import { layoutsEqual, type Slot } from '../ir/layout.js';
import type { Op } from '../ir/ops.js';
import { DEFAULT_DOT_STRATEGY, registerOperandLayouts } from '../passes/dot-layouts.js';
import type { Emitter } from './emitter.js';
import { valueName } from './op-table.js';
import { stageInScratch } from './workgroup-ops.js';
import { coordinate, slotIndex } from './views.js';
import { fromBits } from './wgsl-types.js';

type DotOp = Extract<Op, { kind: 'dot' }>;

export function emitDot(e: Emitter, op: DotOp): void {
  const strategy = e.kernel.dotStrategy ?? DEFAULT_DOT_STRATEGY;
  if (strategy === 'registers') emitRegisterDot(e, op);
  else emitWorkgroupDot(e, op);
}

/** `var` accumulators, one per result slot, starting from acc's slots. */
function accumulators(e: Emitter, op: DotOp): string[] {
  const out = e.view(op.result);
  return out.slots.map((_, i) => {
    const name = valueName(op.result, i);
    e.line(`var ${name}: f32 = ${e.slotAt(op.acc, i)};`);
    return name;
  });
}

function emitRegisterDot(e: Emitter, op: DotOp): void {
  const out = e.view(op.result);
  const layout = op.result.type.layout;
  const k = op.a.type.shape[1] ?? 1;
  if (!layout || layout.kind !== 'blocked') throw new Error('codegen: a dot result needs a blocked layout');
  const want = registerOperandLayouts(layout, k);
  if (!op.a.type.layout || !layoutsEqual(op.a.type.layout, want.a) || !op.b.type.layout || !layoutsEqual(op.b.type.layout, want.b))
    throw new Error('codegen: register dot operands are not in the layouts tiling gives them');
  const aView = e.view(op.a);
  const bView = e.view(op.b);
  const names = accumulators(e, op);
  for (let kk = 0; kk < k; kk++) {
    out.slots.forEach((slot, i) => {
      const a = e.slot(op.a, slotIndex(aView, { rep: [slot.rep[0] ?? 0, 0], elem: [slot.elem[0] ?? 0, kk] }));
      const b = e.slot(op.b, slotIndex(bView, { rep: [0, slot.rep[1] ?? 0], elem: [kk, slot.elem[1] ?? 0] }));
      e.line(`${names[i]} = fma(${a}, ${b}, ${names[i]});`);
    });
  }
  e.set(op.result, { slots: names, uniform: false });
}

function emitWorkgroupDot(e: Emitter, op: DotOp): void {
  const [m = 1, k = 1] = op.a.type.shape;
  const n = op.b.type.shape[1] ?? 1;
  const words = m * k + k * n;
  const bytes = words * 4;
  if (bytes > e.scratchCapacityBytes)
    throw new CompileError(
      'device',
      `tl.dot with dotStrategy 'workgroup' stages a [${m}x${k}] and b [${k}x${n}] in workgroup memory: ${bytes} bytes, but the device allows ${e.scratchCapacityBytes} (maxComputeWorkgroupStorageSize ${e.limits.workgroupStorageBytes}, less 16 reserved); use smaller block sizes, or dotStrategy: 'registers' (no workgroup memory)`,
      op.span,
      e.kernel.source,
    );
  e.needScratch(words, op.span, 'tl.dot');
  const out = e.view(op.result);
  const id = op.result.id;
  e.line('workgroupBarrier();');
  stageInScratch(e, e.view(op.a), e.get(op.a).slots, 'f32');
  stageInScratch(e, e.view(op.b), e.get(op.b).slots, 'f32', m * k);
  e.line('workgroupBarrier();');
  const names = accumulators(e, op);
  const kk = `k${id}`;
  e.open(`for (var ${kk}: i32 = 0i; ${kk} < ${k}i; ${kk}++) {`);
  // One read per distinct row of a and column of b this invocation needs.
  const rows = new Map<string, string>();
  const cols = new Map<string, string>();
  const read = (cache: Map<string, string>, key: string, prefix: string, index: () => string): string => {
    const hit = cache.get(key);
    if (hit) return hit;
    const name = `${prefix}${id}_${cache.size}`;
    e.line(`let ${name}: f32 = ${fromBits(`scratch[${index()}]`, 'f32')};`);
    cache.set(key, name);
    return name;
  };
  const coord = (slot: Slot, d: number): string => coordinate(out, slot, d, e);
  const products = out.slots.map((slot) => {
    const a = read(rows, `${slot.rep[0]}.${slot.elem[0]}`, 'da', () => `${coord(slot, 0)} * ${k}i + ${kk}`);
    const b = read(cols, `${slot.rep[1]}.${slot.elem[1]}`, 'db', () => `${m * k}i + ${kk} * ${n}i + ${coord(slot, 1)}`);
    return [a, b] as const;
  });
  products.forEach(([a, b], i) => e.line(`${names[i]} = fma(${a}, ${b}, ${names[i]});`));
  e.close();
  e.set(op.result, { slots: names, uniform: false });
}
