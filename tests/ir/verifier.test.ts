// The verifier: silent on the IR after every pass for a set of kernels
// (compile with verify: true throws otherwise), and specific about each kind
// of problem in IR broken by hand (which the builder would refuse to make).

import { describe, expect, it } from 'vitest';
import type { Span } from '../../compiler/errors.js';
import { defaultBlocked, scalarLayout } from '../../compiler/ir/layout.js';
import type { Block, KernelIR, Op, Value } from '../../compiler/ir/ops.js';
import { tileType } from '../../compiler/ir/types.js';
import { verify } from '../../compiler/ir/verifier.js';
import { pipeline } from '../../compiler/compile.js';
import { args, stages } from './helpers.js';

const kernels: Record<string, { source: string; args: ReturnType<typeof args> }> = {
  vectorAdd: {
    source: `function add(x, y, out, n, BLOCK) {
  const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
  tl.store(out + offs, tl.load(x + offs, { mask }) + tl.load(y + offs, { mask }), { mask });
}`,
    args: args('*f32', '*f32', '*f32', 'i32', 256),
  },
  softmaxRow: {
    source: `function softmax(x, out, n, BLOCK) {
  const row = tl.programId(0);
  const cols = tl.arange(0, BLOCK);
  const mask = cols < n;
  const v = tl.load(x + row * n + cols, { mask, other: -Infinity });
  const e = tl.exp(v - tl.max(v, 0));
  tl.store(out + row * n + cols, e / tl.sum(e, 0), { mask });
}`,
    args: args('*f32', '*f32', 'i32', 128),
  },
  matrixTile: {
    source: `function tile(x, b, out, M, N, BM, BN) {
  const rm = tl.programId(0) * BM + tl.arange(0, BM);
  const rn = tl.arange(0, BN);
  const mask = tl.expandDims(rm < M, 1) && tl.expandDims(rn < N, 0);
  const offs = tl.expandDims(rm, 1) * N + tl.expandDims(rn, 0);
  const t = tl.load(x + offs, { mask, other: 0.0 }) + tl.expandDims(tl.load(b + rn, { mask: rn < N }), 0);
  tl.store(out + offs, t, { mask });
  tl.store(out + rm, tl.sum(t, 1), { mask: rm < M });
}`,
    args: args('*f32', '*f32', '*f32', 'i32', 'i32', 16, 32),
  },
  loopsAndBranches: {
    source: `function loops(x, out, n, K) {
  const offs = tl.arange(0, 32);
  let acc = tl.zeros([32], tl.float32);
  let count = 0;
  for (let k = 0; k < n; k += 2) {
    const v = tl.load(x + k * 32 + offs, { mask: offs < n });
    if (k % 4 == 0) {
      acc = acc + v;
    } else {
      acc = tl.maximum(acc, v);
    }
    count += 1;
  }
  for (const j of tl.staticRange(0, K)) acc = acc * 0.5;
  tl.store(out + offs, acc + count);
}`,
    args: args('*f32', '*f32', 'i32', 3),
  },
  earlyReturn: {
    source: `function early(x, n) {
  const pid = tl.programId(0);
  if (pid * 64 >= n) return;
  const offs = pid * 64 + tl.arange(0, 64);
  tl.store(x + offs, tl.load(x + offs, { mask: offs < n }) * 2.0, { mask: offs < n });
}`,
    args: args('*f32', 'i32'),
  },
  integers: {
    source: `function ints(x, out, n) {
  const offs = tl.arange(0, 64);
  const v = tl.load(x + offs, { mask: offs < n, other: 0 });
  const w = (v >>> 3) ^ (v << 2) | (v & 255);
  tl.store(out + offs, tl.where(v > 7, w, -w) % 1000, { mask: offs < n });
  tl.store(out + 64 + tl.arange(0, 1), tl.argmax(v, 0) + tl.min(v, 0));
}`,
    args: args('*i32', '*i32', 'i32'),
  },
};

describe('verifier on compiled kernels', () => {
  for (const [name, k] of Object.entries(kernels)) {
    it(`${name}: no problems after lowering and after each pass`, () => {
      // stages() compiles with verify: true, which throws on any problem;
      // check explicitly as well, so a silent verifier would be noticed.
      const s = stages(k.source, k.args);
      expect(Object.keys(s.ir)).toEqual(['lower', ...pipeline.map((p) => p.name)]);
      for (const pass of pipeline) expect(verify(s.ir[pass.name]!, { requireLayouts: pass.tiled }), pass.name).toEqual([]);
      expect(verify(s.ir.lower!)).toEqual([]);
    });
  }

  it('lowered IR has no layouts, so requiring them reports every value', () => {
    const s = stages(kernels.vectorAdd!.source, kernels.vectorAdd!.args);
    const problems = verify(s.ir.lower!, { requireLayouts: true });
    expect(problems.length).toBeGreaterThan(10);
    expect(problems[0]).toBe('%0 (*f32) has no layout');
  });
});

// ---- hand-made broken IR ----------------------------------------------------------

const at: Span = { file: 't', startOffset: 0, endOffset: 1, line: 3, column: 5 };
const f32 = tileType('f32', []);

function kernelOf(ops: Op[]): KernelIR {
  return {
    name: 'broken',
    params: [{ name: 'x', role: 'buffer', dtype: 'f32' }],
    body: { args: [], ops },
    specializationKey: 'broken',
    workgroupSize: 32,
    source: '',
    file: 't',
  };
}

const v = (id: number, type = f32): Value => ({ id, type });

describe('verifier on broken IR', () => {
  it('a use before the definition', () => {
    const ops: Op[] = [
      { kind: 'constant', value: 0, result: v(0), span: at },
      { kind: 'binary', op: 'add', lhs: v(0), rhs: v(1), result: v(2), span: at },
      { kind: 'constant', value: 1, result: v(1), span: at },
    ];
    expect(verify(kernelOf(ops))).toEqual(['binary at 3:5 uses %1 before its definition']);
  });

  it('a value defined twice', () => {
    const ops: Op[] = [
      { kind: 'constant', value: 1, result: v(1), span: at },
      { kind: 'constant', value: 2, result: v(1), span: at },
    ];
    expect(verify(kernelOf(ops))).toEqual(['%1 is defined twice (constant)']);
  });

  it('a value used outside the block that defines it', () => {
    const cond: Value = { id: 0, type: tileType('bool', []) };
    const thenBlock: Block = { args: [], ops: [{ kind: 'constant', value: 1, result: v(1), span: at }, { kind: 'yield', values: [], span: at }] };
    const elseBlock: Block = { args: [], ops: [{ kind: 'yield', values: [], span: at }] };
    const ops: Op[] = [
      { kind: 'constant', value: true, result: cond, span: at },
      { kind: 'if', results: [], cond, thenBlock, elseBlock, span: at },
      { kind: 'unary', op: 'neg', operand: v(1), result: v(2), span: at },
    ];
    expect(verify(kernelOf(ops))).toEqual(['unary at 3:5 uses %1 before its definition']);
  });

  it('a loop body without a yield, and a yield of the wrong type', () => {
    const i32 = tileType('i32', []);
    const lower: Value = { id: 0, type: i32 };
    const init = v(1);
    const iv: Value = { id: 2, type: i32 };
    const carried = v(3);
    const noYield: Op = { kind: 'for', results: [v(4)], lower, upper: lower, step: lower, inits: [init], body: { args: [iv, carried], ops: [] }, span: at };
    const ops: Op[] = [{ kind: 'constant', value: 0, result: lower, span: at }, { kind: 'constant', value: 0, result: init, span: at }, noYield];
    expect(verify(kernelOf(ops))).toEqual(['a loop or if block does not end with yield']);

    const wrongYield: Op = {
      kind: 'for',
      results: [v(4)],
      lower,
      upper: lower,
      step: lower,
      inits: [init],
      body: { args: [iv, carried], ops: [{ kind: 'yield', values: [iv], span: at }] },
      span: at,
    };
    expect(verify(kernelOf([ops[0]!, ops[1]!, wrongYield]))).toEqual(['yield %2: i32 for a result of type f32']);
  });

  it('a loop with the wrong number of block arguments, and a yield of the wrong count', () => {
    const i32 = tileType('i32', []);
    const lower: Value = { id: 0, type: i32 };
    const iv: Value = { id: 2, type: i32 };
    const bad: Op = { kind: 'for', results: [v(4)], lower, upper: lower, step: lower, inits: [v(1)], body: { args: [iv], ops: [{ kind: 'yield', values: [], span: at }] }, span: at };
    expect(verify(kernelOf([{ kind: 'constant', value: 0, result: lower, span: at }, { kind: 'constant', value: 0, result: v(1), span: at }, bad]))).toEqual([
      'yield of 0 values for 1 results',
      'for at 3: 1 block args for 1 inits',
    ]);
  });

  it('a yield that is not last, and a yield at the top level', () => {
    const ops: Op[] = [{ kind: 'yield', values: [], span: at }, { kind: 'constant', value: 1, result: v(1), span: at }];
    expect(verify(kernelOf(ops))).toEqual(['yield at 3 is not the last op of its block', 'yield outside a loop or if']);
  });

  it('after tiling: a value without a layout, and elementwise operands in different layouts', () => {
    const a = defaultBlocked([64], 32);
    const b = defaultBlocked([64], 64);
    const x: Value = { id: 1, type: { ...tileType('f32', [64]), layout: a } };
    const y: Value = { id: 2, type: { ...tileType('f32', [64]), layout: b } };
    const bare: Value = { id: 3, type: tileType('f32', [64]) };
    const ops: Op[] = [
      { kind: 'arange', start: 0, end: 64, result: x, span: at },
      { kind: 'arange', start: 0, end: 64, result: y, span: at },
      { kind: 'binary', op: 'add', lhs: x, rhs: y, result: bare, span: at },
    ];
    expect(verify(kernelOf(ops), { requireLayouts: true })).toEqual(['%3 (f32[64]) has no layout']);
    const sum: Value = { id: 3, type: { ...tileType('f32', [64]), layout: a } };
    const ops2: Op[] = [ops[0]!, ops[1]!, { kind: 'binary', op: 'add', lhs: x, rhs: y, result: sum, span: at }];
    expect(verify(kernelOf(ops2), { requireLayouts: true })).toEqual([
      'binary at 3:5: operand %2 has layout #blocked<spt=[1] tpd=[64]>, expected #blocked<spt=[1] tpd=[32]>',
    ]);
    // Without requireLayouts (before tiling) the same IR is fine.
    expect(verify(kernelOf(ops2))).toEqual([]);
  });

  it('scalars are exempt from layout agreement', () => {
    const a = defaultBlocked([64], 32);
    const s: Value = { id: 1, type: { ...tileType('f32', []), layout: scalarLayout } };
    const t: Value = { id: 2, type: { ...tileType('f32', [64]), layout: a } };
    const ops: Op[] = [
      { kind: 'constant', value: 1, result: s, span: at },
      { kind: 'splat', operand: s, result: t, span: at },
    ];
    expect(verify(kernelOf(ops), { requireLayouts: true })).toEqual([]);
  });
});
