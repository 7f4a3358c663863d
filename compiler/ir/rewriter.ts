// The common frame of a rewriting pass: walk the old IR and build the new one
// through the checking builder, remembering which new value stands for each
// old one. Loops and ifs are rebuilt here once, so each pass only says what
// it does to the ops inside them.

import { IRBuilder } from './builder.js';
import type { Op, Value } from './ops.js';
import type { Type } from './types.js';

/** The ops that give a kernel its structure. */
type ControlOp = Extract<Op, { kind: 'for' | 'if' | 'yield' }>;

type ForOp = Extract<Op, { kind: 'for' }>;
type IfOp = Extract<Op, { kind: 'if' }>;

export abstract class Rewriter {
  readonly b: IRBuilder;
  protected readonly map = new Map<number, Value>();

  constructor(source: string) {
    this.b = new IRBuilder(source);
  }

  /** Rewrite a list of ops (a block's, including its yield) into the current block. */
  abstract walk(ops: readonly Op[]): void;

  protected readonly get = (v: Value): Value => {
    const mapped = this.map.get(v.id);
    if (!mapped) throw new Error(`${this.constructor.name}: %${v.id} used before its definition`);
    return mapped;
  };

  protected bind(old: readonly Value[], fresh: readonly Value[]): void {
    old.forEach((r, i) => {
      const n = fresh[i];
      if (n) this.map.set(r.id, n);
    });
  }

  /**
   * Rebuild a loop with the same carried types as its (rewritten) inits.
   * `inBody` wraps the walk of the body (a pass may open a scope there);
   * `yielded` gives the new value of each yielded one (default: its mapping),
   * for a pass that must make it match the carried type; `initial` gives the
   * new value of each init (default: its mapping), for a pass that picks the
   * carried value's type (layout) itself.
   */
  protected rewriteFor(
    op: ForOp,
    inBody: <T>(walkBody: () => T) => T = (f) => f(),
    yielded: (old: Value, carried: Type) => Value = this.get,
    initial: (old: Value, k: number) => Value = this.get,
  ): void {
    const inits = op.inits.map((v, k) => initial(v, k));
    const results = this.b.forLoop(this.get(op.lower), this.get(op.upper), this.get(op.step), inits, op.span, (iv, carried) => {
      const [oldIv, ...oldArgs] = op.body.args;
      this.bind(oldIv ? [oldIv] : [], [iv]);
      this.bind(oldArgs, carried);
      return inBody(() => {
        this.walk(op.body.ops.slice(0, -1));
        const last = op.body.ops[op.body.ops.length - 1];
        return last?.kind === 'yield' ? last.values.map((v, i) => yielded(v, inits[i]?.type ?? v.type)) : [];
      });
    }, inits.map((v) => v.type));
    this.bind(op.results, results);
  }

  /**
   * Rebuild a `for`, `if` or `yield` as they are (nested bodies walked inside
   * `scoped`, as in rewriteFor/rewriteIf); false for any other op. The
   * structure every pass that only rewrites the ops inside keeps.
   */
  protected rewriteControl(op: Op, scoped: <T>(walk: () => T) => T = (f) => f()): op is ControlOp {
    switch (op.kind) {
      case 'for':
        this.rewriteFor(op, scoped);
        return true;
      case 'if':
        this.rewriteIf(op, scoped);
        return true;
      case 'yield':
        this.b.yieldOp(op.values.map(this.get), op.span);
        return true;
      default:
        return false;
    }
  }

  /** Rebuild an if; each branch is walked whole (its yield included). */
  protected rewriteIf(op: IfOp, inBranch: <T>(walkBranch: () => T) => T = (f) => f()): void {
    const branch = (ops: readonly Op[]) => this.b.block([], () => inBranch(() => this.walk(ops)));
    const results = this.b.ifOp(this.get(op.cond), branch(op.thenBlock.ops), branch(op.elseBlock.ops), op.span);
    this.bind(op.results, results);
  }
}
