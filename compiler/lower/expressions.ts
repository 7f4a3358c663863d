// Expression lowering: what a kernel expression means. Identifiers resolve
// through lexical scopes (parameters, constexprs, variables, the tl
// namespace), tl.* calls go through the function table, operators through
// Triton's semantic rules, and compile-time values fold as they go. The
// statement and control-flow half builds on this class in lower.ts.

import { CompileError, type Span } from '../errors.js';
import type { AssignOperator, Expr } from '../frontend/ast.js';
import { IRBuilder } from '../ir/builder.js';
import { Scope, type Binding } from './scope.js';
import { Semantics, type SourceBinaryOp } from './semantics.js';
import { callMethod, dtypeNames, notConstInt, notYetSupported, tileMethods, tlFunctions, type Arg } from './tl-functions.js';
import { constant, describe, ir, type SemVal } from './values.js';
import { suggest } from './ast-utils.js';

/** `a op= b` is `a = a op b`. */
const compoundOperator: Record<Exclude<AssignOperator, '='>, SourceBinaryOp> = {
  '+=': '+', '-=': '-', '*=': '*', '/=': '/', '%=': '%',
  '&=': '&', '|=': '|', '^=': '^', '<<=': '<<', '>>=': '>>', '>>>=': '>>>',
};

/** Triton dtype names Tessera does not have, for a clearer error than "unknown". */
const unsupportedDTypes: ReadonlySet<string> = new Set([
  'float16', 'fp16', 'bfloat16', 'bf16', 'float64', 'fp64', 'int8', 'int16', 'int64', 'uint8', 'uint16', 'uint64',
  'float8e4nv', 'float8e5',
]);

export class ExpressionLowerer {
  readonly b: IRBuilder;
  readonly s: Semantics;
  readonly root = new Scope(null);
  protected paramNames: readonly string[] = [];
  /** Loop induction variables: the loop steps them, the body may not assign them. */
  protected readonly loopVariables = new Set<Binding>();
  /** Each runtime parameter's value as the kernel received it. */
  protected readonly paramValues = new Map<string, SemVal>();

  constructor(
    readonly source: string,
    readonly namespace: string,
    /** The kernel's own name, to recognise recursion. */
    readonly kernelName: string,
  ) {
    this.b = new IRBuilder(source);
    this.s = new Semantics(this.b, source);
  }

  fail(kind: 'unsupported' | 'name' | 'type' | 'constexpr' | 'internal', detail: string, span: Span): never {
    throw new CompileError(kind, detail, span, this.source);
  }


  /** A value a variable may hold: not a namespace, function or options object. */
  protected checkStorable(v: SemVal, span: Span): void {
    const hints: Partial<Record<SemVal['kind'], string>> = {
      range: `; use it directly as a loop: for (const i of ${this.namespace}.range(...))`,
      tlFunction: '; call it where it is needed',
      method: '; call it where it is needed',
      namespace: `; write ${this.namespace}.<function> where it is needed`,
    };
    if (v.kind === 'namespace' || v.kind === 'tlFunction' || v.kind === 'method' || v.kind === 'options' || v.kind === 'range')
      this.fail('unsupported', `cannot store ${describe(v)} in a variable${hints[v.kind] ?? ''}`, span);
  }

  expr(e: Expr, scope: Scope): SemVal {
    switch (e.kind) {
      case 'number':
        // A literal's dtype comes from its value, not its spelling: transpilers
        // (tsc, esbuild, Vite) print `1.0` as `1`, and the kernel must mean the
        // same before and after.
        return constant(e.value, !Number.isInteger(e.value));
      case 'boolean':
        return constant(e.value);
      case 'identifier':
        return this.identifier(e.name, e.span, scope);
      case 'binary': {
        // Bun's transpiler (and minifiers) print Infinity as `1 / 0` and
        // -Infinity as `-1 / 0`: a literal over the literal 0 means what it
        // means in JavaScript, not an integer division by zero.
        const literalQuotient = e.op === '/' ? literalOverZero(e.left, e.right) : undefined;
        if (literalQuotient !== undefined) return constant(literalQuotient, true);
        const op = e.op === '===' ? '==' : e.op === '!==' ? '!=' : e.op;
        return this.s.binary(op satisfies SourceBinaryOp, this.expr(e.left, scope), this.expr(e.right, scope), e.span);
      }
      case 'unary':
        return this.s.unaryOp(e.op, this.expr(e.operand, scope), e.span);
      case 'conditional': {
        const test = this.expr(e.test, scope);
        if (test.kind === 'const') return this.expr(test.value ? e.consequent : e.alternate, scope);
        return this.s.where(test, this.expr(e.consequent, scope), this.expr(e.alternate, scope), e.span);
      }
      case 'call':
        return this.call(e, scope);
      case 'member':
        if (e.object.kind === 'identifier' && e.property === this.namespace && !scope.lookup(e.object.name))
          // `__vite_ssr_import_0__.tl.load`, `import_tessera.tl.load`: a bundler rewrote the import.
          return this.fail('name', `'${e.object.name}.${this.namespace}' is how a bundler or test runner (Vite, Vitest, esbuild) rewrote the imported '${this.namespace}', so the kernel's source no longer says '${this.namespace}'; bind it to a module-level name first (import { tl as tlImport } ...; const tl = tlImport;) or pass the kernel source as a string`, e.span);
        return this.member(this.expr(e.object, scope), e.property, e.span);
      case 'index': {
        const obj = this.expr(e.object, scope);
        const index = this.expr(e.index, scope);
        if (obj.kind === 'list' && index.kind === 'const' && typeof index.value === 'number') {
          const item = obj.items[index.value < 0 ? obj.items.length + index.value : index.value];
          if (item) return item;
          return this.fail('constexpr', `index ${index.value} is out of range for a list of ${obj.items.length}`, e.index.span);
        }
        return this.fail('unsupported', 'indexing tiles with [] is not supported; use tl.load with offsets, or tl.expandDims(x, axis) for x[:, None]', e.span);
      }
      case 'array':
        return { kind: 'list', items: e.elements.map((x) => this.expr(x, scope)) };
      case 'object':
        return this.fail('unsupported', `object literals are not supported in kernels, except as the options of ${this.namespace}.load / ${this.namespace}.store ({ mask, other })`, e.span);
      case 'string':
        return this.fail('unsupported', 'strings are not supported in kernels', e.span);
      case 'function':
        return this.fail('unsupported', 'functions and closures cannot be defined inside a kernel; inline the code or use a constexpr', e.span);
      case 'update':
        return this.assign(e.target, e.op === '++' ? '+=' : '-=', { kind: 'number', value: 1, raw: '1', span: e.span }, scope, e.span);
      case 'assign':
        return this.assign(e.target, e.op, e.value, scope, e.span);
    }
  }

  /** Why a const binding cannot be assigned, and what to write instead. */
  protected constMessage(binding: Binding): string {
    if (this.loopVariables.has(binding))
      return `the loop variable '${binding.name}' cannot be assigned in the loop body: the loop steps it (use another variable)`;
    return `'${binding.name}' is declared with const and cannot be reassigned; declare it with let`;
  }

  private identifier(name: string, span: Span, scope: Scope): SemVal {
    const binding = scope.lookup(name);
    if (binding) {
      if (binding.value.kind === 'unassigned') this.fail('name', `'${name}' is used before it is assigned`, span);
      return binding.value;
    }
    if (name === this.namespace) return { kind: 'namespace' };
    if (name === 'Infinity') return constant(Infinity, true);
    if (name === 'NaN') return constant(NaN, true);
    if (name === 'Math')
      return this.fail('name', `Math is not available in kernels; use the ${this.namespace} functions instead (${this.namespace}.exp, ${this.namespace}.sqrt, ${this.namespace}.maximum, ...)`, span);
    if (tlFunctions[name] || name === 'range' || name === 'staticRange')
      return this.fail('name', `'${name}' is not defined in this kernel; did you mean '${this.namespace}.${name}'?`, span);
    const hint = suggest(name, [...scope.names(), this.namespace]);
    return this.fail('name', `'${name}' is not defined in this kernel${hint ? `; did you mean '${hint}'?` : ''} (kernels cannot use values from outside: pass them as arguments or constexprs)`, span);
  }

  private member(obj: SemVal, property: string, span: Span): SemVal {
    if (obj.kind === 'namespace') {
      const dtype = dtypeNames[property];
      if (dtype) return { kind: 'dtype', dtype };
      if (tlFunctions[property] || property === 'range' || property === 'staticRange') return { kind: 'tlFunction', name: property };
      if (notYetSupported.has(property)) this.fail('unsupported', `${this.namespace}.${property} is not supported by Tessera yet`, span);
      if (unsupportedDTypes.has(property))
        this.fail('unsupported', `${this.namespace}.${property} is not a Tessera dtype (WGSL has no 8-, 16- or 64-bit integers or 64-bit floats, and f16 is not supported yet); use ${this.namespace}.float32, ${this.namespace}.int32, ${this.namespace}.uint32 or ${this.namespace}.int1`, span);
      const hint = suggest(property, [...Object.keys(tlFunctions), 'range', 'staticRange', ...Object.keys(dtypeNames)]);
      return this.fail('name', `${this.namespace}.${property} is not a Tessera function${hint ? `; did you mean '${this.namespace}.${hint}'?` : ''}`, span);
    }
    if (obj.kind === 'ir') {
      if (property === 'shape') return { kind: 'list', items: obj.value.type.shape.map((d) => constant(d)) };
      if (property === 'dtype' && obj.value.type.kind === 'tile') return { kind: 'dtype', dtype: obj.value.type.dtype };
      if (obj.value.type.kind === 'ptr')
        return this.fail('unsupported', `pointers have no property '.${property}'; a pointer is a buffer argument plus offsets, used with ${this.namespace}.load / ${this.namespace}.store (its elements are ${obj.value.type.elem})`, span);
      if (!tileMethods.includes(property)) {
        const hint = suggest(property, [...tileMethods, 'shape', 'dtype']);
        return this.fail('name', `tiles have no property '.${property}'${hint ? `; did you mean '.${hint}'?` : ''} (tiles have .shape, .dtype and the methods ${tileMethods.map((m) => `.${m}()`).join(', ')})`, span);
      }
      return { kind: 'method', self: obj, name: property };
    }
    if (obj.kind === 'list' && property === 'length') return constant(obj.items.length);
    return this.fail('unsupported', `${describe(obj)} has no property '${property}'`, span);
  }

  private call(e: Expr & { kind: 'call' }, scope: Scope): SemVal {
    if (e.callee.kind === 'identifier' && !scope.lookup(e.callee.name) && e.callee.name !== this.namespace) {
      const name = e.callee.name;
      if (name === this.kernelName && name !== '')
        return this.fail('unsupported', `recursion is not supported: kernel '${name}' cannot call itself; GPU code has no call stack (rewrite it as a loop)`, e.callee.span);
      if (!tlFunctions[name] && name !== 'range' && name !== 'staticRange' && name !== 'Math')
        return this.fail('unsupported', `cannot call '${name}': kernels may call ${this.namespace}.* functions only, not user functions or closures; inline the function's code into the kernel`, e.callee.span);
    }
    const callee = this.expr(e.callee, scope);
    const isMemoryOp =
      (callee.kind === 'tlFunction' && (callee.name === 'load' || callee.name === 'store' || callee.name === 'dot')) ||
      (callee.kind === 'method' && callee.name === 'dot');
    // Object literals exist only as the options of tl.load / tl.store / tl.dot.
    const args: Arg[] = e.args.map((a, i) => (a.kind === 'object' && isMemoryOp && i === e.args.length - 1 ? { value: this.options(a, scope), span: a.span } : this.arg(a, scope)));
    if (callee.kind === 'tlFunction') {
      if (callee.name === 'range' || callee.name === 'staticRange') return this.range(callee.name, args, e.span);
      const handler = tlFunctions[callee.name];
      if (!handler) return this.fail('internal', `no handler for tl.${callee.name}`, e.span);
      return handler(this.s, args, e.span);
    }
    if (callee.kind === 'method') return callMethod(this.s, { value: callee.self, span: e.callee.span }, callee.name, args, e.span);
    const what = e.callee.kind === 'identifier' ? `'${e.callee.name}'` : 'this expression';
    return this.fail('unsupported', `cannot call ${what}: kernels may call ${this.namespace}.* functions only (no user functions, recursion or closures)`, e.callee.span);
  }

  /** A call argument, remembering what error messages need about how it was written. */
  private arg(a: Expr, scope: Scope): Arg {
    if (a.kind === 'array') {
      const items = a.elements.map((x) => this.arg(x, scope));
      return { value: { kind: 'list', items: items.map((x) => x.value) }, span: a.span, items };
    }
    const value = this.expr(a, scope);
    // Still the parameter's own value (parameters may be reassigned).
    const isParam = a.kind === 'identifier' && this.root.hasOwn(a.name) && this.root.lookup(a.name) === scope.lookup(a.name) && this.paramValues.get(a.name) === value;
    return isParam ? { value, span: a.span, param: a.name } : { value, span: a.span };
  }

  private options(e: Expr & { kind: 'object' }, scope: Scope): SemVal {
    const props = new Map<string, { value: SemVal; span: Span }>();
    for (const p of e.properties) props.set(p.key, { value: this.expr(p.value, scope), span: p.span });
    return { kind: 'options', props };
  }

  private range(name: 'range' | 'staticRange', args: readonly Arg[], span: Span): SemVal {
    if (args.length < 1 || args.length > 3) this.fail('type', `tl.${name} takes 1 to 3 arguments (end, or start, end[, step])`, span);
    if (name === 'staticRange')
      for (const arg of args)
        if (arg.value.kind !== 'const' || typeof arg.value.value !== 'number' || !Number.isInteger(arg.value.value))
          this.fail('constexpr', notConstInt('each tl.staticRange bound', arg), arg.span);
    const [a, b, c] = args;
    const lower = b ? (a?.value ?? constant(0)) : constant(0);
    const upper = b ? b.value : (a?.value ?? constant(0));
    const spans = [b ? (a?.span ?? span) : span, (b ?? a)?.span ?? span, c?.span ?? span];
    return { kind: 'range', isStatic: name === 'staticRange', lower, upper, step: c?.value ?? constant(1), spans };
  }

  private assign(target: Expr, op: AssignOperator, valueExpr: Expr, scope: Scope, span: Span): SemVal {
    if (target.kind === 'index')
      return this.fail('unsupported', 'assigning to an element (x[i] = v) is not supported; write to memory with tl.store(ptr + offsets, value)', target.span);
    if (target.kind === 'member')
      return this.fail('unsupported', `assigning to a property (.${target.property} = v) is not supported; only variables can be assigned, and memory is written with tl.store(ptr, value)`, target.span);
    if (target.kind !== 'identifier')
      return this.fail('unsupported', 'only variables can be assigned; write to memory with tl.store(ptr, value)', target.span);
    const binding = scope.lookup(target.name);
    if (!binding) return this.identifier(target.name, target.span, scope);
    if (binding.isConst) this.fail('type', this.constMessage(binding), span);
    let value = this.expr(valueExpr, scope);
    if (op !== '=') {
      if (binding.value.kind === 'unassigned') this.fail('name', `'${target.name}' is used before it is assigned`, target.span);
      value = this.s.binary(compoundOperator[op], binding.value, value, span);
    }
    this.checkStorable(value, valueExpr.span);
    binding.value = value;
    return value;
  }
}

/** `1 / 0`, `-1 / 0`, `0 / 0` written with number literals: their JavaScript value; else undefined. */
function literalOverZero(left: Expr, right: Expr): number | undefined {
  if (right.kind !== 'number' || right.value !== 0) return undefined;
  if (left.kind === 'number') return left.value / 0;
  if (left.kind === 'unary' && left.op === '-' && left.operand.kind === 'number') return -left.operand.value / 0;
  return undefined;
}
