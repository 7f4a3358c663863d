// Property tests of the frontend (no GPU): random kernels built from a small
// expression grammar -- parameter names (some of them keyword prefixes such
// as `constant` or `iffy`), number literals in every spelling the lexer
// accepts (`2.`, `.5`, `1_000`, `0x1F`, `1e-3`, ...), + - * / % < > <= >= ==
// != && || (and === !== & | ^ << >> >>>), unary - ! ~ +, ?:, parentheses, and
// tl.load / tl.where / tl.maximum calls (loads with `{ mask, other }` options,
// shorthand included) -- in const / let declarations, assignments, tl.store
// statements and if / else blocks, printed with random whitespace, comments
// and redundant parentheses.
//
// Properties:
//  1. parseKernel accepts the source and the AST is the generated tree: the
//     parser follows JavaScript precedence and associativity, whatever the
//     spacing, comments and extra parentheses.
//  2. Printing the AST back (a small precedence-aware printer below) and
//     parsing again gives the same AST modulo spans.
//  3. The source transpiled by esbuild (loader 'ts') parses to the same AST
//     modulo spans and number-literal spelling (esbuild prints 2.0 as 2,
//     0x10 as 16, .5 as 0.5).
//  4. Where the fast path (frontend/fast-parse.ts) accepts a source (nearly
//     always here; it gives up on contextual keywords such as a parameter
//     named `of`), the chevrotain grammar builds the identical AST, spans
//     included, so properties 1-3 hold for both paths.
//  5. With one token dropped (most such sources are invalid), the fast path
//     either gives up or builds exactly what the grammar builds without errors.
//
// Generator restrictions keep property 3 about Tessera, not about esbuild or
// TypeScript:
//  - esbuild folds constants even without minifying (`- -1` -> `1`, `!0` ->
//    `true`, `1 == 1` -> `true`, `0 && a` -> `0`, `a || -1 || b` ->
//    `a || -1`), so the esbuild variant never applies ! ~ + or a second - to a
//    literal, never combines two constants and never gives && / || a constant
//    operand;
//  - TypeScript reads `a < b, c > (d)` as a call with type arguments
//    (`tl.where(a < b, c > (d), e)` becomes `tl.where(a(d), e)`), so the
//    esbuild variant parenthesizes every `<`;
//  - esbuild 0.28 rejects `a << out` ("The modifier "out" is not valid here":
//    it reads `<out` as type parameters), so the esbuild variant
//    parenthesizes the right operand of every `<<`.

import fc from 'fast-check';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { Expr, KernelFunction, Stmt } from '../../compiler/frontend/ast.js';
import { isDeepStrictEqual } from 'node:util';
import { fastParseKernel } from '../../compiler/frontend/fast-parse.js';
import { kernelLexer } from '../../compiler/frontend/lexer.js';
import { parseKernel, parseKernelAllWithGrammar } from '../../compiler/frontend/parse.js';
import { fcParams } from './fc-helpers.js';

const NUM_RUNS = 300;

// ---- the generated language ----------------------------------------------------

const BINARY_OPS = [
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '===',
  '!==',
  '&',
  '|',
  '^',
  '<<',
  '>>',
  '>>>',
] as const;
const UNARY_OPS = ['-', '!', '~', '+'] as const;
type UnOp = (typeof UNARY_OPS)[number];
type BinOp = (typeof BINARY_OPS)[number];

type G =
  | { readonly k: 'num'; readonly value: number; readonly raw: string }
  | { readonly k: 'id'; readonly name: string }
  | { readonly k: 'bin'; readonly op: BinOp; readonly l: G; readonly r: G }
  | { readonly k: 'un'; readonly op: UnOp; readonly e: G }
  | { readonly k: 'cond'; readonly t: G; readonly a: G; readonly b: G }
  | {
      readonly k: 'call';
      readonly fn: 'load' | 'where' | 'maximum';
      readonly args: readonly G[];
      readonly opts?: readonly Opt[];
    };

interface Opt {
  readonly key: 'mask' | 'other';
  readonly value: G;
  /** Printed `{ mask }` (only when the value is the identifier of the same name). */
  readonly shorthand: boolean;
}

type S =
  | {
      readonly k: 'decl';
      readonly declKind: 'const' | 'let';
      readonly name: string;
      readonly init: G;
    }
  | { readonly k: 'assign'; readonly target: string; readonly value: G }
  | { readonly k: 'store'; readonly ptr: G; readonly value: G; readonly mask?: G }
  | {
      readonly k: 'if';
      readonly test: G;
      readonly then: readonly S[];
      readonly else?: readonly S[];
    };

interface GenKernel {
  readonly name: string;
  readonly params: readonly string[];
  readonly body: readonly S[];
}

/** Parameter names: plain, with $ and _, and prefixes or extensions of keywords. */
const NAME_POOL = [
  'x',
  'y',
  'out',
  'n',
  'mask',
  'other',
  'BLOCK',
  'offs',
  '_a',
  '$b',
  'x2',
  'N_1',
  'constant',
  'iffy',
  'forward',
  'newer',
  'return_',
  'trueish',
  'lets',
  'of',
  'tlx',
  'Infinityx',
] as const;

// ---- number literals ---------------------------------------------------------

const NUMBER_VALUES = fc.oneof(
  fc.integer({ min: 0, max: 20 }),
  fc.integer({ min: 0, max: 2 ** 31 }),
  fc.constantFrom(0.5, 0.25, 1.5, 3.75, 0.001, 1e-7, 2.5e10, 1e21, 2 ** 53, 123456789012, 0.1),
  fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }),
);

/** Spellings of a non-negative number the lexer, TypeScript and esbuild all accept. */
function spellings(v: number): string[] {
  const s = String(v);
  const out = [s];
  if (s.includes('e')) {
    out.push(s.replace('e+', 'e'), s.replace('e', 'E'));
  } else if (Number.isInteger(v)) {
    out.push(
      `${s}.0`,
      `${s}.`,
      `${s}e0`,
      `${s}.000E+0`,
      `0x${v.toString(16)}`,
      `0X${v.toString(16).toUpperCase()}`,
      `0b${v.toString(2)}`,
      `0o${v.toString(8)}`,
    );
    if (s.length >= 2) out.push(s.split('').join('_'), `${s.slice(0, -1)}.${s.slice(-1)}e1`);
    if (v % 10 === 0 && v > 0) out.push(`${s.slice(0, -1)}e1`);
  } else {
    out.push(`${s}0`, v.toExponential(), v.toExponential().toUpperCase());
    if (s.startsWith('0.')) out.push(s.slice(1));
  }
  return out;
}

const numberLiteral: fc.Arbitrary<G> = NUMBER_VALUES.chain((value) =>
  fc.constantFrom(...spellings(value)).map((raw): G => ({ k: 'num', value, raw })),
);

// ---- expressions ------------------------------------------------------------------

/** Trees of a few levels: beyond maxDepth, oneof picks its first (leaf-most) option. */
const DEPTH = {
  depthSize: 'small',
  maxDepth: 5,
  depthIdentifier: 'expr',
  withCrossShrink: true,
} as const;

/**
 * Expressions over the given names. With `esbuildSafe`, no subexpression is one
 * esbuild folds (see the header): `constant` is a literal or -literal, and
 * nodes that must not see constants take `nonConst` operands.
 */
function expressions(names: readonly string[], esbuildSafe: boolean): fc.Arbitrary<G> {
  const identifier = fc.constantFrom(...names).map((name): G => ({ k: 'id', name }));
  const constant = fc.oneof(
    { weight: 3, arbitrary: numberLiteral },
    { weight: 1, arbitrary: numberLiteral.map((e): G => ({ k: 'un', op: '-', e })) },
  );
  const tree = fc.letrec<{ expr: G; nonConst: G }>((tie) => {
    const expr = tie('expr');
    const nonConst = tie('nonConst');
    const operandOfNot = esbuildSafe ? nonConst : expr;
    // -literal is a constant (generated by `constant`); - -literal is folded.
    const operandOfMinus = esbuildSafe ? nonConst : expr;
    const binary = fc.constantFrom(...BINARY_OPS).chain((op) => {
      const operands: fc.Arbitrary<[G, G]> = !esbuildSafe
        ? fc.tuple(expr, expr)
        : op === '&&' || op === '||'
          ? fc.tuple(nonConst, nonConst)
          : fc.oneof(fc.tuple(nonConst, expr), fc.tuple(constant, nonConst));
      return operands.map(([l, r]): G => ({ k: 'bin', op, l, r }));
    });
    const option = (key: 'mask' | 'other'): fc.Arbitrary<Opt> =>
      names.includes(key)
        ? fc.oneof(
            fc.constant<Opt>({ key, value: { k: 'id', name: key }, shorthand: true }),
            expr.map((value): Opt => ({ key, value, shorthand: false })),
          )
        : expr.map((value): Opt => ({ key, value, shorthand: false }));
    const load = fc
      .tuple(
        expr,
        fc.option(option('mask'), { nil: undefined }),
        fc.option(option('other'), { nil: undefined }),
        fc.boolean(),
      )
      .map(([ptr, mask, other, withObject]): G => {
        const opts = [mask, other].filter((o): o is Opt => o !== undefined);
        return opts.length > 0 || withObject
          ? { k: 'call', fn: 'load', args: [ptr], opts }
          : { k: 'call', fn: 'load', args: [ptr] };
      });
    const call = fc.oneof(
      load,
      fc.tuple(expr, expr, expr).map((args): G => ({ k: 'call', fn: 'where', args })),
      fc.tuple(expr, expr).map((args): G => ({ k: 'call', fn: 'maximum', args })),
    );
    return {
      nonConst: fc.oneof(
        DEPTH,
        { weight: 4, arbitrary: identifier },
        { weight: 4, arbitrary: binary },
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.constantFrom<UnOp>('!', '~', '+'), operandOfNot)
            .map(([op, e]): G => ({ k: 'un', op, e })),
        },
        { weight: 1, arbitrary: operandOfMinus.map((e): G => ({ k: 'un', op: '-', e })) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(esbuildSafe ? nonConst : expr, expr, expr)
            .map(([t, a, b]): G => ({ k: 'cond', t, a, b })),
        },
        { weight: 2, arbitrary: call },
      ),
      expr: fc.oneof(DEPTH, { weight: 3, arbitrary: nonConst }, { weight: 1, arbitrary: constant }),
    };
  });
  return tree.expr;
}

function statements(names: readonly string[], esbuildSafe: boolean): fc.Arbitrary<S[]> {
  const expr = expressions(names, esbuildSafe);
  const simple = fc.oneof(
    fc
      .tuple(fc.constantFrom<'const' | 'let'>('const', 'let'), expr)
      .map(([declKind, init]): S => ({ k: 'decl', declKind, name: '', init })),
    fc
      .tuple(fc.constantFrom(...names), expr)
      .map(([target, value]): S => ({ k: 'assign', target, value })),
    fc
      .tuple(expr, expr, fc.option(expr, { nil: undefined }))
      .map(([ptr, value, mask]): S =>
        mask ? { k: 'store', ptr, value, mask } : { k: 'store', ptr, value },
      ),
  );
  const block = fc.array(simple, { minLength: 1, maxLength: 2 });
  const ifStmt = fc
    .tuple(expr, block, fc.option(block, { nil: undefined }))
    .map(([test, then, otherwise]): S =>
      otherwise ? { k: 'if', test, then, else: otherwise } : { k: 'if', test, then },
    );
  return fc.array(fc.oneof({ weight: 4, arbitrary: simple }, { weight: 1, arbitrary: ifStmt }), {
    minLength: 1,
    maxLength: 4,
  });
}

/** Give every declaration a fresh name, in source order (redeclaring a const is an error in TS). */
function nameDeclarations(body: readonly S[]): S[] {
  let next = 0;
  const visit = (list: readonly S[]): S[] =>
    list.map((s) => {
      if (s.k === 'decl') return { ...s, name: `v${next++}` };
      if (s.k === 'if') {
        const then = visit(s.then);
        return s.else ? { ...s, then, else: visit(s.else) } : { ...s, then };
      }
      return s;
    });
  return visit(body);
}

function kernels(esbuildSafe: boolean): fc.Arbitrary<GenKernel> {
  return fc
    .tuple(
      fc.constantFrom('k', 'add', 'kernel_1', '$K'),
      fc.uniqueArray(fc.constantFrom(...NAME_POOL), { minLength: 1, maxLength: 6 }),
    )
    .chain(([name, params]) =>
      statements(params, esbuildSafe).map((body): GenKernel => ({
        name,
        params,
        body: nameDeclarations(body),
      })),
    );
}

// ---- printing generated kernels with random formatting -------------------------

/**
 * A stream of formatting choices (whitespace between tokens, redundant
 * parentheses), consumed cyclically; shrinking moves it towards 0: no spaces
 * where none are needed and no extra parentheses.
 */
type Style = readonly number[];
const styles: fc.Arbitrary<Style> = fc.array(fc.nat({ max: 1000 }), {
  minLength: 1,
  maxLength: 64,
});

const SEPARATORS = [
  '',
  ' ',
  '',
  ' ',
  '  ',
  '\n',
  '\t',
  '\r\n',
  '\u00a0',
  '/* c */',
  '// c\n',
  '\n\n    ',
  ' /**/ ',
];

const isWord = (ch: string): boolean => /[\w$.]/.test(ch);
const isOperator = (ch: string): boolean => /[-+*/<>=!&|?%^~]/.test(ch);

/** Whether two strings would lex differently if written with nothing between them. */
function mustSeparate(left: string, right: string): boolean {
  const a = left.slice(-1);
  const b = right.slice(0, 1);
  if (a === '' || b === '') return false;
  return (isWord(a) && isWord(b)) || (isOperator(a) && isOperator(b));
}

class Printer {
  private readonly tokens: string[] = [];
  private position = 0;
  constructor(
    private readonly style: Style,
    /** Parenthesize every `<` comparison (TypeScript's type-argument ambiguity). */
    private readonly wrapLessThan: boolean,
  ) {}

  private choice(): number {
    const v = this.style[this.position % this.style.length] ?? 0;
    this.position++;
    return v;
  }

  token(...ts: string[]): void {
    this.tokens.push(...ts);
  }

  text(): string {
    let out = '';
    for (const t of this.tokens) {
      let sep = SEPARATORS[this.choice() % SEPARATORS.length] ?? ' ';
      if (out === '') sep = '';
      if (sep === '' ? mustSeparate(out, t) : mustSeparate(out, sep) || mustSeparate(sep, t))
        sep = ` ${sep} `;
      out += sep + t;
    }
    return out;
  }

  /** A redundant pair of parentheses about one node in eight. */
  private extraParens(): boolean {
    return this.choice() % 8 === 7;
  }

  expr(g: G, minPrecedence: number, forceParens = false): void {
    const needed =
      forceParens ||
      genPrecedence(g) < minPrecedence ||
      (this.wrapLessThan && g.k === 'bin' && g.op === '<');
    const parens = needed || this.extraParens();
    if (parens) this.token('(');
    switch (g.k) {
      case 'num':
        this.token(g.raw);
        break;
      case 'id':
        this.token(g.name);
        break;
      case 'bin': {
        const p = binaryPrecedence(g.op);
        this.expr(g.l, p);
        this.token(g.op);
        // esbuild's TypeScript parser reads `a << out` as the start of type
        // parameters with an `out` variance modifier, and fails.
        this.expr(g.r, p + 1, this.wrapLessThan && g.op === '<<');
        break;
      }
      case 'un':
        this.token(g.op);
        this.expr(g.e, UNARY);
        break;
      case 'cond':
        this.expr(g.t, CONDITIONAL + 1);
        this.token('?');
        this.expr(g.a, CONDITIONAL);
        this.token(':');
        this.expr(g.b, CONDITIONAL);
        break;
      case 'call':
        this.token('tl', '.', g.fn, '(');
        g.args.forEach((a, i) => {
          if (i > 0) this.token(',');
          this.expr(a, CONDITIONAL);
        });
        if (g.opts) {
          this.token(',', '{');
          g.opts.forEach((o, i) => {
            if (i > 0) this.token(',');
            if (o.shorthand) this.token(o.key);
            else {
              this.token(o.key, ':');
              this.expr(o.value, CONDITIONAL);
            }
          });
          this.token('}');
        }
        this.token(')');
        break;
    }
    if (parens) this.token(')');
  }

  stmt(s: S): void {
    switch (s.k) {
      case 'decl':
        this.token(s.declKind, s.name, '=');
        this.expr(s.init, CONDITIONAL);
        this.token(';');
        break;
      case 'assign':
        this.token(s.target, '=');
        this.expr(s.value, CONDITIONAL);
        this.token(';');
        break;
      case 'store':
        this.token('tl', '.', 'store', '(');
        this.expr(s.ptr, CONDITIONAL);
        this.token(',');
        this.expr(s.value, CONDITIONAL);
        if (s.mask) {
          this.token(',', '{', 'mask', ':');
          this.expr(s.mask, CONDITIONAL);
          this.token('}');
        }
        this.token(')', ';');
        break;
      case 'if':
        this.token('if', '(');
        this.expr(s.test, 0);
        this.token(')', '{');
        s.then.forEach((t) => this.stmt(t));
        this.token('}');
        if (s.else) {
          this.token('else', '{');
          s.else.forEach((t) => this.stmt(t));
          this.token('}');
        }
        break;
    }
  }

  kernel(k: GenKernel): string {
    this.token('function', k.name, '(');
    k.params.forEach((p, i) => {
      if (i > 0) this.token(',');
      this.token(p);
    });
    this.token(')', '{');
    k.body.forEach((s) => this.stmt(s));
    this.token('}');
    return this.text();
  }
}

function printGenerated(k: GenKernel, style: Style, wrapLessThan = false): string {
  return new Printer(style, wrapLessThan).kernel(k);
}

// ---- precedence (JavaScript's) ------------------------------------------------------

const CONDITIONAL = 2;
const UNARY = 14;
const PRIMARY = 16;

function binaryPrecedence(op: string): number {
  switch (op) {
    case '||':
      return 3;
    case '&&':
      return 4;
    case '|':
      return 5;
    case '^':
      return 6;
    case '&':
      return 7;
    case '==':
    case '!=':
    case '===':
    case '!==':
      return 8;
    case '<':
    case '>':
    case '<=':
    case '>=':
      return 9;
    case '<<':
    case '>>':
    case '>>>':
      return 10;
    case '+':
    case '-':
      return 11;
    case '*':
    case '/':
    case '%':
      return 12;
    default:
      throw new Error(`no precedence for '${op}'`);
  }
}

function genPrecedence(g: G): number {
  switch (g.k) {
    case 'bin':
      return binaryPrecedence(g.op);
    case 'un':
      return UNARY;
    case 'cond':
      return CONDITIONAL;
    default:
      return PRIMARY;
  }
}

// ---- the expected AST of a generated kernel --------------------------------------

const tlMember = (property: string): unknown => ({
  kind: 'member',
  object: { kind: 'identifier', name: 'tl' },
  property,
});

function expectedExpr(g: G): unknown {
  switch (g.k) {
    case 'num':
      return { kind: 'number', value: g.value, raw: g.raw };
    case 'id':
      return { kind: 'identifier', name: g.name };
    case 'bin':
      return { kind: 'binary', op: g.op, left: expectedExpr(g.l), right: expectedExpr(g.r) };
    case 'un':
      return { kind: 'unary', op: g.op, operand: expectedExpr(g.e) };
    case 'cond':
      return {
        kind: 'conditional',
        test: expectedExpr(g.t),
        consequent: expectedExpr(g.a),
        alternate: expectedExpr(g.b),
      };
    case 'call': {
      const args = g.args.map(expectedExpr);
      if (g.opts)
        args.push({
          kind: 'object',
          properties: g.opts.map((o) => ({ key: o.key, value: expectedExpr(o.value) })),
        });
      return { kind: 'call', callee: tlMember(g.fn), args };
    }
  }
}

function expectedStmt(s: S): unknown {
  switch (s.k) {
    case 'decl':
      return {
        kind: 'declare',
        declKind: s.declKind,
        declarations: [{ name: s.name, init: expectedExpr(s.init) }],
      };
    case 'assign':
      return {
        kind: 'expression',
        expr: {
          kind: 'assign',
          op: '=',
          target: { kind: 'identifier', name: s.target },
          value: expectedExpr(s.value),
        },
      };
    case 'store': {
      const args = [expectedExpr(s.ptr), expectedExpr(s.value)];
      if (s.mask)
        args.push({ kind: 'object', properties: [{ key: 'mask', value: expectedExpr(s.mask) }] });
      return { kind: 'expression', expr: { kind: 'call', callee: tlMember('store'), args } };
    }
    case 'if': {
      const consequent = { kind: 'block', body: s.then.map(expectedStmt) };
      return s.else
        ? {
            kind: 'if',
            test: expectedExpr(s.test),
            consequent,
            alternate: { kind: 'block', body: s.else.map(expectedStmt) },
          }
        : { kind: 'if', test: expectedExpr(s.test), consequent };
    }
  }
}

function expectedKernel(k: GenKernel): unknown {
  return {
    name: k.name,
    params: k.params.map((name) => ({ name })),
    body: k.body.map(expectedStmt),
  };
}

// ---- printing a parsed AST back --------------------------------------------------

function exprPrecedence(e: Expr): number {
  switch (e.kind) {
    case 'binary':
      return binaryPrecedence(e.op);
    case 'unary':
      return UNARY;
    case 'conditional':
      return CONDITIONAL;
    case 'assign':
      return 1;
    default:
      return PRIMARY;
  }
}

/** The source of an expression, with the parentheses precedence requires and no others. */
function printExpr(e: Expr, minPrecedence = 0): string {
  const text = ((): string => {
    switch (e.kind) {
      case 'number':
        return e.raw;
      case 'identifier':
        return e.name;
      case 'boolean':
        return String(e.value);
      case 'binary': {
        const p = binaryPrecedence(e.op);
        return `${printExpr(e.left, p)} ${e.op} ${printExpr(e.right, p + 1)}`;
      }
      case 'unary':
        return `${e.op} ${printExpr(e.operand, UNARY)}`;
      case 'conditional':
        return `${printExpr(e.test, CONDITIONAL + 1)} ? ${printExpr(e.consequent, CONDITIONAL)} : ${printExpr(e.alternate, CONDITIONAL)}`;
      case 'call':
        return `${printExpr(e.callee, PRIMARY)}(${e.args.map((a) => printExpr(a, CONDITIONAL)).join(', ')})`;
      case 'member':
        return `${printExpr(e.object, PRIMARY)}.${e.property}`;
      case 'object':
        return `{ ${e.properties.map((p) => `${p.key}: ${printExpr(p.value, CONDITIONAL)}`).join(', ')} }`;
      case 'assign':
        return `${printExpr(e.target, PRIMARY)} ${e.op} ${printExpr(e.value, 1)}`;
      default:
        throw new Error(`the test printer does not print '${e.kind}' expressions`);
    }
  })();
  return exprPrecedence(e) < minPrecedence ? `(${text})` : text;
}

function printStmt(s: Stmt, indent: string): string {
  switch (s.kind) {
    case 'declare':
      return `${indent}${s.declKind} ${s.declarations.map((d) => (d.init ? `${d.name} = ${printExpr(d.init, CONDITIONAL)}` : d.name)).join(', ')};\n`;
    case 'expression':
      return `${indent}${printExpr(s.expr)};\n`;
    case 'block':
      return `${indent}{\n${s.body.map((t) => printStmt(t, `${indent}  `)).join('')}${indent}}\n`;
    case 'if': {
      const head = `${indent}if (${printExpr(s.test)})\n${printStmt(s.consequent, indent)}`;
      return s.alternate ? `${head}${indent}else\n${printStmt(s.alternate, indent)}` : head;
    }
    default:
      throw new Error(`the test printer does not print '${s.kind}' statements`);
  }
}

function printKernelFunction(k: KernelFunction): string {
  return `function ${k.name}(${k.params.map((p) => p.name).join(', ')}) {\n${k.body.map((s) => printStmt(s, '  ')).join('')}}\n`;
}

// ---- comparisons ---------------------------------------------------------------

/** The AST without spans (and, optionally, without number spellings). */
function shape(value: unknown, dropRaw = false): unknown {
  if (Array.isArray(value)) return value.map((v) => shape(v, dropRaw));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(
          ([key, inner]) => key !== 'span' && !(dropRaw && key === 'raw') && inner !== undefined,
        )
        .map(([key, inner]) => [key, shape(inner, dropRaw)]),
    );
  }
  return value;
}

function parseOrExplain(source: string, what: string): KernelFunction {
  try {
    return parseKernel(source);
  } catch (error) {
    throw new Error(
      `${what} did not parse: ${error instanceof Error ? error.message : String(error)}\n--- source ---\n${source}`,
    );
  }
}

// ---- the properties ---------------------------------------------------------------

describe('parser properties', () => {
  it('parses random kernels to the generated tree, whatever the spacing, comments and parentheses', () => {
    fc.assert(
      fc.property(kernels(false), styles, (k, style) => {
        const source = printGenerated(k, style);
        const ast = parseOrExplain(source, 'the generated kernel');
        expect(shape(ast), source).toEqual(shape(expectedKernel(k)));
      }),
      fcParams(NUM_RUNS),
    );
  });

  it('round-trips: printing the AST and parsing it again gives the same AST', () => {
    fc.assert(
      fc.property(kernels(false), styles, (k, style) => {
        const source = printGenerated(k, style);
        const ast = parseOrExplain(source, 'the generated kernel');
        const printed = printKernelFunction(ast);
        const again = parseOrExplain(printed, 'the printed AST');
        expect(shape(again), `${source}\n--- printed ---\n${printed}`).toEqual(shape(ast));
      }),
      fcParams(NUM_RUNS),
    );
  });

  it('builds the same AST, spans included, on the fast path and through the grammar', () => {
    let runs = 0;
    let accepted = 0;
    fc.assert(
      fc.property(kernels(false), styles, (k, style) => {
        const source = printGenerated(k, style);
        const tokens = kernelLexer.tokenize(source).tokens;
        const quick = fastParseKernel(tokens, '<kernel>', { lineOffset: 0, columnOffset: 0 });
        const full = parseKernelAllWithGrammar(source);
        expect(full.errors, source).toEqual([]);
        runs++;
        if (quick === undefined) return;
        accepted++;
        expect(isDeepStrictEqual(quick, full.kernel), source).toBe(true);
      }),
      fcParams(NUM_RUNS),
    );
    // Giving up is always safe, but a fast path that gives up on most plain kernels is not one.
    expect(accepted).toBeGreaterThan(runs / 2);
  });

  it('gives up on a source with a token dropped, or agrees with the grammar', () => {
    fc.assert(
      fc.property(kernels(false), styles, fc.nat(), (k, style, pick) => {
        const source = printGenerated(k, style);
        const all = kernelLexer.tokenize(source).tokens;
        const drop = pick % all.length;
        const dropped = all[drop];
        if (!dropped) return;
        const mutated = source.slice(0, dropped.startOffset) + ' '.repeat(dropped.image.length) + source.slice(dropped.startOffset + dropped.image.length);
        const quick = fastParseKernel(kernelLexer.tokenize(mutated).tokens, '<kernel>', { lineOffset: 0, columnOffset: 0 });
        if (quick === undefined) return;
        const full = parseKernelAllWithGrammar(mutated);
        expect(full.errors.map((e) => e.message), mutated).toEqual([]);
        expect(isDeepStrictEqual(quick, full.kernel), mutated).toBe(true);
      }),
      fcParams(NUM_RUNS),
    );
  });

  it('gives the same AST for the source and its esbuild output (modulo spans and number spelling)', () => {
    fc.assert(
      fc.property(kernels(true), styles, (k, style) => {
        const source = printGenerated(k, style, true);
        const js = transformSync(source, { loader: 'ts' }).code;
        const fromSource = parseOrExplain(source, 'the generated kernel');
        const fromJs = parseOrExplain(js, 'the esbuild output');
        expect(shape(fromJs, true), `${source}\n--- esbuild ---\n${js}`).toEqual(
          shape(fromSource, true),
        );
      }),
      fcParams(NUM_RUNS),
    );
  });
});
