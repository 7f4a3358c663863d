// The IR verifier, run after every pass in the tests (and by the pipeline in
// debug mode). It checks what the builder cannot see op by op: SSA dominance
// (every operand is defined earlier in an enclosing scope), block structure
// (loop and if bodies end in a yield that matches the results), unique ids,
// and, after tiling, that every value carries a layout and elementwise ops
// agree on theirs.

import { layoutsEqual, layoutToString } from './layout.js';
import { blocksOf, operandsOf, resultsOf, type Block, type KernelIR, type Op, type Value } from './ops.js';
import { sameType, typeToString } from './types.js';

export interface VerifyOptions {
  readonly requireLayouts?: boolean;
}

export function verify(kernel: KernelIR, options: VerifyOptions = {}): string[] {
  const problems: string[] = [];
  const defined = new Set<number>();
  const seen = new Set<number>();
  const define = (v: Value, where: string): void => {
    if (seen.has(v.id)) problems.push(`%${v.id} is defined twice (${where})`);
    seen.add(v.id);
    defined.add(v.id);
    if (options.requireLayouts && !v.type.layout) problems.push(`%${v.id} (${typeToString(v.type)}) has no layout`);
  };
  const visitBlock = (block: Block, expectYield: readonly Value[] | null): void => {
    const scope: number[] = [];
    for (const a of block.args) {
      define(a, 'block argument');
      scope.push(a.id);
    }
    block.ops.forEach((op, i) => {
      for (const v of operandsOf(op)) if (!defined.has(v.id)) problems.push(`${op.kind} at ${op.span.line}:${op.span.column} uses %${v.id} before its definition`);
      if (options.requireLayouts) checkLayouts(op, problems);
      for (const b of blocksOf(op)) visitBlock(b, resultsOf(op));
      if (op.kind === 'for') {
        if (op.body.args.length !== op.inits.length + 1) problems.push(`for at ${op.span.line}: ${op.body.args.length} block args for ${op.inits.length} inits`);
      }
      for (const r of resultsOf(op)) {
        define(r, op.kind);
        scope.push(r.id);
      }
      const isLast = i === block.ops.length - 1;
      if (op.kind === 'yield') {
        if (!isLast) problems.push(`yield at ${op.span.line} is not the last op of its block`);
        if (!expectYield) problems.push('yield outside a loop or if');
        else if (expectYield.length !== op.values.length) problems.push(`yield of ${op.values.length} values for ${expectYield.length} results`);
        else op.values.forEach((v, k) => {
          const r = expectYield[k];
          if (r && !sameType(r.type, v.type)) problems.push(`yield %${v.id}: ${typeToString(v.type)} for a result of type ${typeToString(r.type)}`);
          if (options.requireLayouts && r?.type.layout && v.type.layout && !layoutsEqual(r.type.layout, v.type.layout))
            problems.push(`yield %${v.id} has layout ${layoutToString(v.type.layout)}, result wants ${layoutToString(r.type.layout)}`);
        });
      }
    });
    if (expectYield && block.ops[block.ops.length - 1]?.kind !== 'yield') problems.push('a loop or if block does not end with yield');
    for (const id of scope) defined.delete(id);
  };
  visitBlock(kernel.body, null);
  return problems;
}

/** Elementwise ops, loads and stores need every non-scalar operand in the result's layout. */
function checkLayouts(op: Op, problems: string[]): void {
  const elementwise = ['binary', 'unary', 'fma', 'select', 'cast', 'addptr', 'load', 'store', 'broadcast'];
  if (!elementwise.includes(op.kind)) return;
  const target = op.kind === 'store' ? op.value.type.layout : resultsOf(op)[0]?.type.layout;
  for (const v of operandsOf(op)) {
    if (v.type.shape.length === 0 || !target || !v.type.layout) continue;
    if (!layoutsEqual(v.type.layout, target))
      problems.push(`${op.kind} at ${op.span.line}:${op.span.column}: operand %${v.id} has layout ${layoutToString(v.type.layout)}, expected ${layoutToString(target)}`);
  }
}
