// Semantic lowering: kernel AST + launch specialization => Tile IR.
// Walks the AST with lexical scopes, evaluates constexprs at compile time
// (constant `if`s pick a branch, tl.staticRange unrolls), turns runtime
// control flow into structured `if`/`for` ops with explicit loop-carried and
// merged values, and rewrites early returns into if/else around the rest of
// the kernel (the continuation), since WGSL barriers need structured flow.

import { CompileError, TesseraError, type Span } from '../errors.js';
import type { Expr, KernelFunction, Stmt } from '../frontend/ast.js';
import type { Block, KernelIR, KernelParam, Value } from '../ir/ops.js';
import { ptrType, promote, sameType, tileType, typeToString, type DType, type MemDType, type Type } from '../ir/types.js';
import { Scope, restore, snapshot, type Binding, type Snapshot } from './scope.js';
import { constant, describe, ir, type SemVal } from './values.js';
import { assignments, findReturn } from './ast-utils.js';
import { ExpressionLowerer } from './expressions.js';

/**
 * One launch argument as the compiler specializes on it. `divisibility`
 * (Triton's `i32:16` signature hint / launch specialization): for a scalar,
 * its value is known to be a multiple of N; for a buffer, the element offset
 * of the binding inside its GPU buffer is a multiple of N (its alignment).
 * `equalToOne` (Triton's equal-to-1 specialization): the integer scalar is 1
 * at this launch, so it lowers to the constant 1 (a unit stride makes the
 * addresses it scales provably contiguous); the argument is still passed.
 * `wholeVectors: false`: the buffer's bound range cannot be rounded up to
 * whole vec4s inside its GPU buffer (a foreign buffer whose size is not a
 * multiple of 16 bytes), so a vec4 view would cut off its last elements:
 * its accesses stay scalar.
 */
export type ArgSpec =
  | { readonly role: 'buffer'; readonly dtype: MemDType; readonly divisibility?: number; readonly wholeVectors?: false }
  | { readonly role: 'scalar'; readonly dtype: MemDType; readonly divisibility?: number; readonly equalToOne?: boolean }
  | { readonly role: 'constexpr'; readonly value: number | boolean };

export interface LowerOptions {
  readonly file: string;
  readonly workgroupSize: number;
  readonly specializationKey: string;
  /** The identifier the kernel uses for the language namespace. */
  readonly namespace?: string;
}

interface Frame {
  readonly stmts: readonly Stmt[];
  readonly scope: Scope;
}

type Completion = 'fallthrough' | 'consumed';

export function lowerKernel(fn: KernelFunction, source: string, args: readonly ArgSpec[], options: LowerOptions): KernelIR {
  const lowerer = new Lowerer(source, options.namespace ?? 'tl', fn.name);
  const params = lowerer.bindParams(fn, args);
  const body = lowerer.lowerBody(fn);
  return {
    name: fn.name || 'kernel',
    params,
    body,
    specializationKey: options.specializationKey,
    workgroupSize: options.workgroupSize,
    source,
    file: options.file,
  };
}


class Lowerer extends ExpressionLowerer {
  private loopDepth = 0;

  bindParams(fn: KernelFunction, args: readonly ArgSpec[]): KernelParam[] {
    this.paramNames = fn.params.map((p) => p.name);
    if (args.length !== fn.params.length)
      throw new CompileError('launch', `kernel ${fn.name || '(anonymous)'} has ${fn.params.length} parameters but ${args.length} argument types were given`, fn.span, this.source);
    return fn.params.map((p, index) => {
      const arg = args[index];
      if (!arg) return this.fail('internal', 'missing argument spec', p.span);
      if (this.root.hasOwn(p.name)) this.fail('name', `duplicate parameter name '${p.name}'`, p.span);
      if (arg.role === 'constexpr') {
        const float = typeof arg.value === 'number' && !Number.isInteger(arg.value);
        this.root.declare(p.name, constant(arg.value, float), false);
        return { name: p.name, role: 'constexpr', constValue: arg.value };
      }
      const type: Type = arg.role === 'buffer' ? ptrType(arg.dtype, [], index) : tileType(arg.dtype, []);
      // Parameters may be reassigned (Triton's `X += row * stride`). A scalar
      // specialized as equal to 1 is a typed constant: same dtype, same semantics.
      const value = ir(arg.role === 'scalar' && arg.equalToOne ? this.b.constant(1, arg.dtype, p.span) : this.b.argument(index, p.name, type, p.span));
      this.paramValues.set(p.name, value);
      this.root.declare(p.name, value, false);
      return {
        name: p.name,
        role: arg.role,
        dtype: arg.dtype,
        ...(arg.divisibility !== undefined && arg.divisibility > 1 ? { divisibility: arg.divisibility } : {}),
        ...(arg.role === 'scalar' && arg.equalToOne ? { equalToOne: true } : {}),
        ...(arg.role === 'buffer' && arg.wholeVectors === false ? { wholeVectors: false as const } : {}),
      };
    });
  }

  lowerBody(fn: KernelFunction): Block {
    this.lowerSeq(fn.body, new Scope(this.root), []);
    return { args: [], ops: this.b.topLevelOps() };
  }

  // ---- statements -------------------------------------------------------

  private lowerCont(cont: readonly Frame[]): Completion {
    for (let i = 0; i < cont.length; i++) {
      const frame = cont[i];
      if (frame && this.lowerSeq(frame.stmts, frame.scope, cont.slice(i + 1)) === 'consumed') return 'consumed';
    }
    return 'consumed';
  }

  /**
   * Lower a statement list. `cont` is what follows it in enclosing blocks; a
   * runtime `if` that may return lowers the continuation inside its branches
   * and reports 'consumed' so callers stop.
   */
  lowerSeq(stmts: readonly Stmt[], scope: Scope, cont: readonly Frame[]): Completion {
    for (let i = 0; i < stmts.length; i++) {
      const stmt = stmts[i];
      if (!stmt) continue;
      const rest: Frame[] = [{ stmts: stmts.slice(i + 1), scope }, ...cont];
      switch (stmt.kind) {
        case 'return':
          if (stmt.value) this.fail('unsupported', 'kernels return nothing; write results with tl.store', stmt.value.span);
          if (this.loopDepth > 0) this.fail('unsupported', RETURN_IN_LOOP, stmt.span);
          return 'consumed';
        case 'block':
          if (this.lowerSeq(stmt.body, new Scope(scope), rest) === 'consumed') return 'consumed';
          break;
        case 'if':
          if (this.lowerIf(stmt, scope, rest) === 'consumed') return 'consumed';
          break;
        default:
          this.guarded(stmt.span, () => this.lowerSimple(stmt, scope));
      }
    }
    return 'fallthrough';
  }

  /**
   * Run `fn`; an unexpected exception (a Tessera bug, not a user error)
   * becomes an 'internal' CompileError at this statement, so the user sees
   * where it happened instead of a bare stack trace.
   */
  private guarded(span: Span, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if (error instanceof TesseraError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      this.fail('internal', `Tessera failed while compiling this statement (a Tessera bug; please report it): ${detail}`, span);
    }
  }

  private lowerSimple(stmt: Stmt, scope: Scope): void {
    switch (stmt.kind) {
      case 'declare':
        for (const d of stmt.declarations) {
          if (scope.hasOwn(d.name)) this.fail('name', `'${d.name}' is already declared in this scope`, d.span);
          const value = d.init ? this.expr(d.init, scope) : ({ kind: 'unassigned' } as const);
          this.checkStorable(value, d.init?.span ?? d.span);
          scope.declare(d.name, value, stmt.declKind === 'const');
        }
        return;
      case 'expression':
        this.expr(stmt.expr, scope);
        return;
      case 'for':
        this.lowerCFor(stmt, scope);
        return;
      case 'forOf':
        this.lowerForOf(stmt, scope);
        return;
      case 'while':
        return this.fail('unsupported', 'while loops are not supported; use a for loop over tl.range(...) with a bound', stmt.span);
      case 'break':
      case 'continue':
        return this.fail('unsupported', `'${stmt.kind}' is not supported; loops run to their bound (use masks to skip work)`, stmt.span);
      case 'empty':
        return;
      case 'return':
      case 'block':
      case 'if':
        return this.fail('internal', `statement ${stmt.kind} reached lowerSimple`, stmt.span);
    }
  }


  private lowerIf(stmt: Stmt & { kind: 'if' }, scope: Scope, rest: readonly Frame[]): Completion {
    const test = this.expr(stmt.test, scope);
    if (test.kind === 'const') {
      // A compile-time condition picks one branch; the other is never lowered.
      const chosen = test.value ? stmt.consequent : stmt.alternate;
      return chosen ? this.lowerSeq([chosen], scope, rest) : 'fallthrough';
    }
    const cond = this.s.condition(test, stmt.test.span);
    const branches = [stmt.consequent, stmt.alternate];
    const firstReturn = branches.map((s) => s && findReturn(s)).find((r) => r !== undefined);
    if (firstReturn) {
      if (this.loopDepth > 0) this.fail('unsupported', RETURN_IN_LOOP, firstReturn.span);
      // Early return: each branch continues with the rest of the kernel itself.
      const snap = snapshot(scope);
      const lowerBranch = (branch: Stmt | undefined): Block => {
        restore(snap);
        return this.b.block([], () => {
          const done = branch ? this.lowerSeq([branch], scope, rest) : 'fallthrough';
          if (done === 'fallthrough') this.lowerCont(rest);
          this.b.yieldOp([], stmt.span);
        });
      };
      const thenBlock = lowerBranch(stmt.consequent);
      const elseBlock = lowerBranch(stmt.alternate);
      this.b.ifOp(cond, thenBlock, elseBlock, stmt.span);
      return 'consumed';
    }
    const snap = snapshot(scope);
    const runBranch = (branch: Stmt | undefined): { block: Block; values: Map<Binding, SemVal> } => {
      restore(snap);
      const values = new Map<Binding, SemVal>();
      const block = this.b.block([], () => {
        if (branch) this.lowerSeq([branch], new Scope(scope), []);
        for (const binding of snap.keys()) values.set(binding, binding.value);
      });
      return { block, values };
    };
    const thenRun = runBranch(stmt.consequent);
    const elseRun = runBranch(stmt.alternate);
    restore(snap);
    const changed = [...snap.keys()].filter((bnd) => thenRun.values.get(bnd) !== snap.get(bnd) || elseRun.values.get(bnd) !== snap.get(bnd));
    const types = changed.map((bnd) => this.mergedType(bnd, [thenRun.values.get(bnd), elseRun.values.get(bnd)], stmt.span));
    const finish = (run: { block: Block; values: Map<Binding, SemVal> }): Block =>
      this.b.extendBlock(run.block, () => {
        const yielded = changed.map((bnd, i) => this.coerce(run.values.get(bnd), types[i], bnd.name, stmt.span));
        this.b.yieldOp(yielded, stmt.span);
      });
    const results = this.b.ifOp(cond, finish(thenRun), finish(elseRun), stmt.span);
    changed.forEach((bnd, i) => {
      const r = results[i];
      if (r) bnd.value = ir(r);
    });
    return 'fallthrough';
  }

  /** The IR type a variable gets when control flow merges several values of it. */
  /** A pointer variable must stay in one buffer: each buffer is its own WGSL binding. */
  private checkSameBuffer(name: string, a: Type, b: Type, span: Span): void {
    if (a.kind === 'ptr' && b.kind === 'ptr' && a.buffer !== b.buffer)
      this.fail('type', `'${name}' points into '${this.paramNames[a.buffer] ?? '?'}' on one path and '${this.paramNames[b.buffer] ?? '?'}' on another; a pointer variable must stay in one buffer (choose between buffers with separate loads or stores under the condition)`, span);
  }

  private mergedType(binding: Binding, values: readonly (SemVal | undefined)[], span: Span): Type {
    let irType: Type | undefined;
    let constType: DType | undefined;
    for (const v of values) {
      if (!v || v.kind === 'unassigned')
        this.fail('unsupported', `'${binding.name}' is assigned on only some paths; give it a value before the if`, span);
      if (v.kind === 'ir') {
        if (irType) this.checkSameBuffer(binding.name, irType, v.value.type, span);
        if (irType && !sameType(irType, v.value.type))
          this.fail('type', `'${binding.name}' gets different types on the two paths of this if: ${typeToString(irType)} and ${typeToString(v.value.type)}; a variable keeps one dtype and shape, so make both paths agree (cast with tl.cast, or initialise it with tl.zeros of the final shape)`, span);
        irType = v.value.type;
      } else if (v.kind === 'const') {
        const d = this.s.constDType(v);
        constType = constType ? promote(constType, d) : d;
      } else this.fail('unsupported', `'${binding.name}' holds ${describe(v)}, which cannot change under a runtime condition`, span);
    }
    return irType ?? tileType(constType ?? 'i32', []);
  }

  private coerce(v: SemVal | undefined, type: Type | undefined, name: string, span: Span, where: 'loop' | 'branch' = 'branch'): Value {
    if (!v || !type) return this.fail('internal', `no value for '${name}'`, span);
    if (v.kind === 'ir') {
      this.checkSameBuffer(name, type, v.value.type, span);
      if (!sameType(v.value.type, type)) {
        const before = where === 'loop' ? 'before the loop' : 'before the if';
        const inside = where === 'loop' ? 'the loop body makes it' : 'a branch makes it';
        this.fail('type', `'${name}' is ${typeToString(type)} ${before} but ${inside} ${typeToString(v.value.type)}; a variable keeps one dtype and shape across loops and branches, so initialise it with its final type: let ${name} = ${initialiserFor(v.value.type, this.namespace)}`, span);
      }
      return v.value;
    }
    if (type.kind !== 'tile') return this.fail('type', `'${name}' must stay a pointer`, span);
    const scalar = this.s.toIR(v, span, type.dtype);
    return type.shape.length ? this.b.splat(scalar, type.shape, span) : scalar;
  }

  private lowerCFor(stmt: Stmt & { kind: 'for' }, scope: Scope): void {
    const shapeHint = 'write loops as for (let i = a; i < b; i += step) or for (const i of tl.range(a, b, step))';
    const init = stmt.init;
    if (!init || init.kind !== 'declare' || init.declarations.length !== 1)
      return this.fail('unsupported', `this for loop form is not supported; ${shapeHint}`, stmt.span);
    const decl = init.declarations[0];
    if (!decl?.init) return this.fail('unsupported', `the loop variable needs a start value; ${shapeHint}`, init.span);
    const name = decl.name;
    const test = stmt.test;
    if (!test || test.kind !== 'binary' || test.left.kind !== 'identifier' || test.left.name !== name || !['<', '<=', '>', '>='].includes(test.op))
      return this.fail('unsupported', `the loop condition must compare the loop variable with a bound (${name} < end); ${shapeHint}`, test?.span ?? stmt.span);
    const step = this.loopStep(stmt.update, name, scope, shapeHint, stmt.span);
    const lower = this.expr(decl.init, scope);
    let upper = this.expr(test.right, scope);
    if (test.op === '<=') upper = this.s.binary('+', upper, constant(1), test.span);
    if (test.op === '>=') upper = this.s.binary('-', upper, constant(1), test.span);
    const descending = test.op === '>' || test.op === '>=';
    if (step.kind === 'const' && ((Number(step.value) > 0) === descending || step.value === 0))
      this.fail('unsupported', `the step ${String(step.value)} never reaches the bound with '${test.op}'`, stmt.update?.span ?? stmt.span);
    this.runtimeLoop(name, lower, upper, step, stmt.body, scope, stmt.span, [decl.init.span, test.right.span, stmt.update?.span ?? stmt.span]);
  }

  private loopStep(update: Expr | undefined, name: string, scope: Scope, hint: string, span: Span): SemVal {
    if (update?.kind === 'update' && update.target.kind === 'identifier' && update.target.name === name)
      return constant(update.op === '++' ? 1 : -1);
    if (update?.kind === 'assign' && update.target.kind === 'identifier' && update.target.name === name) {
      if (update.op === '+=') return this.expr(update.value, scope);
      if (update.op === '-=') return this.s.unaryOp('-', this.expr(update.value, scope), update.span);
      const v = update.value;
      if (update.op === '=' && v.kind === 'binary' && v.op === '+' && v.left.kind === 'identifier' && v.left.name === name)
        return this.expr(v.right, scope);
    }
    return this.fail('unsupported', `the loop update must step the loop variable (${name} += step); ${hint}`, update?.span ?? span);
  }

  private lowerForOf(stmt: Stmt & { kind: 'forOf' }, scope: Scope): void {
    const range = this.expr(stmt.iterable, scope);
    if (range.kind !== 'range')
      return this.fail('unsupported', `for...of loops iterate over tl.range(...) or tl.staticRange(...), got ${describe(range)}`, stmt.iterable.span);
    if (!range.isStatic) return this.runtimeLoop(stmt.name, range.lower, range.upper, range.step, stmt.body, scope, stmt.span, range.spans);
    const [lo, hi, st] = [range.lower, range.upper, range.step].map((v) =>
      v.kind === 'const' && typeof v.value === 'number' && Number.isInteger(v.value) ? v.value : this.fail('constexpr', 'tl.staticRange bounds must be compile-time integers', stmt.iterable.span),
    );
    if (lo === undefined || hi === undefined || st === undefined || st === 0) return this.fail('constexpr', 'tl.staticRange needs a non-zero step', stmt.iterable.span);
    const count = Math.max(0, Math.ceil((hi - lo) / st));
    if (count > 4096) this.fail('constexpr', `tl.staticRange would unroll ${count} iterations; use tl.range for long loops`, stmt.iterable.span);
    for (let i = lo; st > 0 ? i < hi : i > hi; i += st) {
      const inner = new Scope(scope);
      this.loopVariables.add(inner.declare(stmt.name, constant(i), true));
      this.loopDepth++;
      this.lowerSeq([stmt.body], inner, []);
      this.loopDepth--;
    }
  }

  /** A runtime `for` op; variables assigned in the body become loop-carried values. */
  private runtimeLoop(name: string, lowerV: SemVal, upperV: SemVal, stepV: SemVal, body: Stmt, scope: Scope, span: Span, boundSpans: readonly Span[] = []): void {
    const ret = findReturn(body);
    if (ret) this.fail('unsupported', RETURN_IN_LOOP, ret.span);
    const bound = (v: SemVal, what: string, at: Span): Value => {
      if (v.kind === 'const' && (typeof v.value !== 'number' || !Number.isInteger(v.value)))
        this.fail('type', `the loop ${what} must be an integer, got ${String(v.value)}`, at);
      const x = this.s.toIR(v, at, v.kind === 'const' ? 'i32' : undefined);
      if (x.type.kind !== 'tile' || x.type.shape.length !== 0 || (x.type.dtype !== 'i32' && x.type.dtype !== 'u32'))
        this.fail('type', `the loop ${what} must be an integer scalar, got ${typeToString(x.type)}; cast it with tl.cast(value, tl.int32), or declare a scalar parameter's type with the kernel's types option ({ types: { n: 'i32' } })`, at);
      return x.type.dtype === 'u32' ? this.b.cast(x, 'i32', at) : x;
    };
    const lower = bound(lowerV, 'start', boundSpans[0] ?? span);
    const upper = bound(upperV, 'bound', boundSpans[1] ?? span);
    const step = bound(stepV, 'step', boundSpans[2] ?? span);
    // Variables the body assigns become loop-carried; errors point at their first assignment.
    const assigned = assignments(body);
    const assignedAt = (bnd: Binding): Span => assigned.get(bnd.name) ?? span;
    const carried = [...assigned.keys()]
      .map((n) => scope.lookup(n))
      .filter((bnd): bnd is Binding => bnd !== undefined && bnd.name !== name);
    for (const bnd of carried) {
      if (bnd.isConst) this.fail('type', this.constMessage(bnd), assignedAt(bnd));
      if (bnd.value.kind === 'unassigned')
        this.fail('unsupported', `'${bnd.name}' is assigned in this loop but has no value before it; give it an initial value where it is declared (e.g. let ${bnd.name} = tl.zeros([...], tl.float32))`, assignedAt(bnd));
    }
    // A variable that enters the loop as a plain number (`let total = 0`) is
    // weakly typed: if the body makes it float (`total += x`), lower the loop
    // again with the promoted dtype, as the number would have adopted it.
    let types = carried.map((bnd) => this.mergedType(bnd, [bnd.value], span));
    for (let attempt = 0; ; attempt++) {
      const promoted = this.tryRuntimeLoop(name, [lower, upper, step], body, scope, span, carried, types, assignedAt);
      if (!promoted || attempt > carried.length) return;
      types = promoted;
    }
  }

  /** Lower the loop with the given carried types; or, without emitting it, the weak types to widen. */
  private tryRuntimeLoop(name: string, bounds: readonly [Value, Value, Value], body: Stmt, scope: Scope, span: Span, carried: readonly Binding[], types: readonly Type[], assignedAt: (bnd: Binding) => Span): Type[] | null {
    const snap = snapshot(scope);
    const [lower, upper, step] = bounds;
    const inits = carried.map((bnd, i) => this.coerce(bnd.value, types[i], bnd.name, span));
    let widened: Type[] | null = null;
    this.loopDepth++;
    const results = this.b.forLoop(lower, upper, step, inits, span, (iv, args) => {
      const inner = new Scope(scope);
      this.loopVariables.add(inner.declare(name, ir(iv), true));
      carried.forEach((bnd, i) => {
        const a = args[i];
        if (a) bnd.value = ir(a);
      });
      this.lowerSeq([body], inner, []);
      widened = this.widenedWeakTypes(carried, snap, types);
      if (widened) return inits; // this attempt is discarded
      return carried.map((bnd, i) => this.coerce(bnd.value, inits[i]?.type, bnd.name, assignedAt(bnd), 'loop'));
    });
    this.loopDepth--;
    restore(snap);
    if (widened) {
      this.b.discardLast();
      return widened;
    }
    carried.forEach((bnd, i) => {
      const r = results[i];
      if (r) bnd.value = ir(r);
    });
    return null;
  }

  /**
   * New carried types if a variable whose value before the loop was a
   * compile-time number now holds a scalar of a wider dtype (i32 -> f32).
   */
  private widenedWeakTypes(carried: readonly Binding[], before: Snapshot, types: readonly Type[]): Type[] | null {
    let changed = false;
    const next = carried.map((bnd, i) => {
      const type = types[i];
      const initial = before.get(bnd);
      const now = bnd.value;
      if (!type || type.kind !== 'tile' || initial?.kind !== 'const' || now.kind !== 'ir' || now.value.type.kind !== 'tile') return type;
      if (now.value.type.shape.length !== type.shape.length || !now.value.type.shape.every((d, k) => d === type.shape[k])) return type;
      const dtype = promote(type.dtype, now.value.type.dtype);
      if (dtype === type.dtype) return type;
      changed = true;
      return tileType(dtype, type.shape);
    });
    return changed ? next.filter((t): t is Type => t !== undefined) : null;
  }

}

const RETURN_IN_LOOP = 'return inside a loop is not supported (loops run to their bound); use a mask, or a loop bound that stops earlier';


const tlDTypeName: Readonly<Record<DType, string>> = { f32: 'float32', i32: 'int32', u32: 'uint32', bool: 'int1' };

/** Source text that creates a value of `type`, for "initialise it with ..." hints. */
function initialiserFor(type: Type, ns: string): string {
  if (type.kind === 'ptr') return 'a pointer of that shape';
  if (type.shape.length === 0) return type.dtype === 'f32' ? '0.0' : type.dtype === 'bool' ? 'false' : '0';
  return `${ns}.zeros([${type.shape.join(', ')}], ${ns}.${tlDTypeName[type.dtype]})`;
}
