import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { CompileError } from '../../compiler/errors.js';
import type { Expr, KernelFunction, Stmt } from '../../compiler/frontend/ast.js';
import { frameSource, parseKernel, parseKernelAll } from '../../compiler/frontend/parse.js';
import { AstBuilder } from '../../compiler/frontend/to-ast.js';

// ---- helpers ----------------------------------------------------------------------------

/** The AST without spans, for structural comparisons. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'span')
        .map(([key, inner]) => [key, shape(inner)]),
    );
  }
  return value;
}

/** A compact prefix form, e.g. `(&& (< a b) (! c))`, to assert tree structure. */
function sexpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return e.raw;
    case 'boolean':
      return String(e.value);
    case 'identifier':
      return e.name;
    case 'string':
      return JSON.stringify(e.value);
    case 'binary':
      return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case 'unary':
      return `(${e.op} ${sexpr(e.operand)})`;
    case 'conditional':
      return `(? ${sexpr(e.test)} ${sexpr(e.consequent)} ${sexpr(e.alternate)})`;
    case 'call':
      return `(call ${[e.callee, ...e.args].map(sexpr).join(' ')})`;
    case 'member':
      return `${sexpr(e.object)}.${e.property}`;
    case 'index':
      return `${sexpr(e.object)}[${sexpr(e.index)}]`;
    case 'array':
      return `[${e.elements.map(sexpr).join(' ')}]`;
    case 'object':
      return `{${e.properties.map((p) => `${p.key}: ${sexpr(p.value)}`).join(', ')}}`;
    case 'function':
      return '<function>';
    case 'update':
      return e.prefix ? `(${e.op}pre ${sexpr(e.target)})` : `(${e.op}post ${sexpr(e.target)})`;
    case 'assign':
      return `(${e.op} ${sexpr(e.target)} ${sexpr(e.value)})`;
  }
}

function stmt(kernel: KernelFunction, index: number): Stmt {
  const s = kernel.body[index];
  if (!s) throw new Error(`no statement ${index}`);
  return s;
}

/** The expression of `return <source>`. */
function expr(source: string): Expr {
  const s = stmt(parseKernel(`function k() { return ${source}; }`), 0);
  if (s.kind !== 'return' || !s.value) throw new Error('expected a return with a value');
  return s.value;
}

function parseError(source: string, file = '<kernel>'): CompileError {
  try {
    parseKernel(source, file);
  } catch (error) {
    if (error instanceof CompileError) return error;
    throw error;
  }
  throw new Error('expected a CompileError');
}

/** `kind @line:column: detail` of the first error, for compact assertions. */
function firstError(source: string): string {
  const e = parseError(source);
  return `${e.kind} @${e.span?.line}:${e.span?.column}: ${e.detail}`;
}

// ---- function forms -------------------------------------------------------------------------

describe('function forms', () => {
  it('parses a named function declaration', () => {
    const k = parseKernel('function add(x, y, n) { return x + y; }');
    expect(k.name).toBe('add');
    expect(k.params.map((p) => p.name)).toEqual(['x', 'y', 'n']);
    expect(shape(k.body)).toEqual([
      {
        kind: 'return',
        value: {
          kind: 'binary',
          op: '+',
          left: { kind: 'identifier', name: 'x' },
          right: { kind: 'identifier', name: 'y' },
        },
      },
    ]);
  });

  it('parses an anonymous function and names it ""', () => {
    const k = parseKernel('function (a) { }');
    expect(k.name).toBe('');
    expect(k.params.map((p) => p.name)).toEqual(['a']);
    expect(k.body).toEqual([]);
  });

  it('parses arrow functions with a block body, a single bare parameter, and an expression body', () => {
    expect(parseKernel('(a, b,) => { a = b }').params.map((p) => p.name)).toEqual(['a', 'b']);
    const single = parseKernel('x => x * 2');
    expect(single.params.map((p) => p.name)).toEqual(['x']);
    expect(
      single.body.map((s) => (s.kind === 'return' && s.value ? sexpr(s.value) : s.kind)),
    ).toEqual(['(* x 2)']);
  });

  it('parses the method shorthand that fn.toString() returns for object methods', () => {
    const k = parseKernel('add(x, y) { return x; }');
    expect(k.name).toBe('add');
    expect(k.params).toHaveLength(2);
  });

  it('skips type parameters of generic functions and methods', () => {
    const k = parseKernel("function k<T extends DType = 'f32', U>(x: Ptr<T>, y: U) {}");
    expect(k.params.map((p) => [p.name, p.typeAnnotation])).toEqual([
      ['x', 'Ptr<T>'],
      ['y', 'U'],
    ]);
    expect(parseKernel('m<T extends A<B>>(x: T) {}').name).toBe('m');
  });

  it('accepts the trailing semicolon a transpiler puts after an arrow', () => {
    expect(parseKernel('(a) => {\n  return a;\n};\n').params).toHaveLength(1);
  });

  it('rejects async kernels as unsupported', () => {
    expect(firstError('async function k() {}')).toBe(
      'unsupported @1:1: async functions cannot be kernels; remove `async`',
    );
    expect(parseError('async (a) => {}').kind).toBe('unsupported');
  });
});

// ---- TypeScript and transpiled JavaScript -----------------------------------------------------

const typedKernel = `function addKernel(
  x: Ptr, y: tl.Pointer<'f32'>, out: Ptr | null, n: number,
  shape: readonly number[], z?: Map<string, Array<number>>, BLOCK: typeof Block,
): void {
  const pid: number = tl.programId(0);
  const offs = pid * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
  const a = tl.load(x.add(offs) as Tile<'f32'>, { mask, other: 0 });
  let acc: tl.Tile<'f32'> = a!;
  for (let i = 0; i < 4; i += 1) {
    acc = acc * 2 + (a satisfies Tile) - acc.to(tl.float32);
  }
  for (const j of tl.staticRange(0, 2)) acc += j;
  if (n > 0) tl.store(out!.add(offs), acc, { mask });
  else if (n < 0) return;
  else { acc--; }
}`;

describe('TypeScript source and its transpiled JavaScript', () => {
  it('keeps parameter annotations as text, nested generics and unions included', () => {
    const k = parseKernel(typedKernel);
    expect(k.params.map((p) => [p.name, p.typeAnnotation])).toEqual([
      ['x', 'Ptr'],
      ['y', "tl.Pointer<'f32'>"],
      ['out', 'Ptr | null'],
      ['n', 'number'],
      ['shape', 'readonly number[]'],
      ['z', 'Map<string, Array<number>>'],
      ['BLOCK', 'typeof Block'],
    ]);
  });

  it('gives the same AST (modulo spans) for the TS source and the esbuild output', () => {
    const js = transformSync(typedKernel, { loader: 'ts' }).code;
    expect(js).not.toContain(': number'); // sanity: the types are gone
    const fromTs = parseKernel(typedKernel);
    const fromJs = parseKernel(js);
    const withoutAnnotations = {
      ...fromTs,
      params: fromTs.params.map(({ name, span }) => ({ name, span })),
    };
    expect(shape(fromJs)).toEqual(shape(withoutAnnotations));
  });

  it('parses fn.toString() of a kernel defined in this (transpiled) test file', () => {
    const kernel = function scale(x: number[], factor: number): number {
      const y = x[0]! * factor;
      return y as number;
    };
    const k = parseKernel(kernel.toString());
    expect(k.name).toBe('scale');
    expect(shape(k.body)).toEqual(
      shape(parseKernel('function s() { const y = x[0] * factor; return y; }').body),
    );
  });

  it('sees the number spelling the transpiler chose: values survive, raw text may not', () => {
    const js = transformSync('function k(a: number) { return a + 2.0 + 1_000 + 0x10; }', {
      loader: 'ts',
    }).code;
    const value = stmt(parseKernel(js), 0);
    expect(value.kind === 'return' && value.value ? sexpr(value.value) : '').toBe(
      '(+ (+ (+ a 2) 1e3) 16)',
    );
  });
});

// ---- expressions ------------------------------------------------------------------------------

describe('expressions', () => {
  it('follows JavaScript precedence', () => {
    expect(sexpr(expr('a + b * c < d && !e'))).toBe('(&& (< (+ a (* b c)) d) (! e))');
    expect(sexpr(expr('a || b && c | d ^ e & f == g'))).toBe(
      '(|| a (&& b (| c (^ d (& e (== f g))))))',
    );
    expect(sexpr(expr('a << b + c >= d >>> 1'))).toBe('(>= (<< a (+ b c)) (>>> d 1))');
    expect(sexpr(expr('a % b / c * d'))).toBe('(* (/ (% a b) c) d)');
  });

  it('is left-associative for binary operators and honours parentheses', () => {
    expect(sexpr(expr('a - b - c'))).toBe('(- (- a b) c)');
    expect(sexpr(expr('a - (b - c)'))).toBe('(- a (- b c))');
    expect(sexpr(expr('(a + b) * c'))).toBe('(* (+ a b) c)');
  });

  it('parses unary operators, including stacked ones', () => {
    expect(sexpr(expr('-a * ~b + +c'))).toBe('(+ (* (- a) (~ b)) (+ c))');
    expect(sexpr(expr('!!- -x'))).toBe('(! (! (- (- x))))');
  });

  it('parses conditionals right-associatively, below || and above assignment', () => {
    expect(sexpr(expr('a ? b : c ? d : e'))).toBe('(? a b (? c d e))');
    expect(sexpr(expr('m || n ? x + 1 : y'))).toBe('(? (|| m n) (+ x 1) y)');
    expect(sexpr(expr('r = c ? 1 : 2'))).toBe('(= r (? c 1 2))');
  });

  it('parses member access, calls, indexing and method-style tile ops', () => {
    expect(sexpr(expr('tl.load(x.add(offs), { mask, other: 0 })'))).toBe(
      '(call tl.load (call x.add offs) {mask: mask, other: 0})',
    );
    expect(sexpr(expr('x.expandDims(1).to(tl.float32)'))).toBe(
      '(call (call x.expandDims 1).to tl.float32)',
    );
    expect(sexpr(expr('a[i][j + 1].shape[0]'))).toBe('a[i][(+ j 1)].shape[0]');
    expect(sexpr(expr('f()(g)'))).toBe('(call (call f) g)');
    expect(sexpr(expr('x.for + x.new'))).toBe('(+ x.for x.new)'); // keywords are valid property names
  });

  it('parses object literals: shorthand, string and number keys, trailing commas', () => {
    expect(sexpr(expr("{ mask, other: -1, 'a b': 2, 3: c, }"))).toBe(
      '{mask: mask, other: (- 1), a b: 2, 3: c}',
    );
    expect(sexpr(expr('{}'))).toBe('{}');
  });

  it('parses array literals, nested and with a trailing comma', () => {
    expect(sexpr(expr('[BLOCK_M, [1, 2,], x + 1,]'))).toBe('[BLOCK_M [1 2] (+ x 1)]');
    expect(sexpr(expr('[]'))).toBe('[]');
  });

  it('decodes every numeric literal form', () => {
    const values = ['1_000', '0x1F', '0b101', '0o17', '1.5e3', '1.', '.5', '2E-2'].map((raw) => {
      const e = expr(raw);
      return e.kind === 'number' ? [e.raw, e.value] : undefined;
    });
    expect(values).toEqual([
      ['1_000', 1000],
      ['0x1F', 31],
      ['0b101', 5],
      ['0o17', 15],
      ['1.5e3', 1500],
      ['1.', 1],
      ['.5', 0.5],
      ['2E-2', 0.02],
    ]);
  });

  it('parses booleans, strings and templates (strings only so lowering can name them)', () => {
    expect(sexpr(expr('true && false'))).toBe('(&& true false)');
    expect(shape(expr("'a\\n\\'b'"))).toEqual({ kind: 'string', value: "a\n'b" });
    expect(shape(expr('`tmpl`'))).toEqual({ kind: 'string', value: 'tmpl' });
  });

  it('drops TypeScript-only forms: `as`, `satisfies` and the non-null `!`', () => {
    expect(sexpr(expr("(x as Tile<'f32'>)! + (y satisfies number) * z!.w!"))).toBe(
      '(+ x (* y z.w))',
    );
  });

  it("turns nested functions and arrows into 'function' nodes for lowering to reject", () => {
    expect(sexpr(expr('tl.reduce(x, 0, (a, b) => a + b)'))).toBe('(call tl.reduce x 0 <function>)');
    expect(sexpr(expr('function (q) { return q }'))).toBe('<function>');
    expect(sexpr(expr('(a: number): number => a'))).toBe('<function>');
  });

  it('parses prefix and postfix updates and all compound assignments', () => {
    expect(sexpr(expr('++i + j--'))).toBe('(+ (++pre i) (--post j))');
    const ops = ['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '>>>='];
    expect(ops.map((op) => sexpr(expr(`a.b ${op} c`)))).toEqual(ops.map((op) => `(${op} a.b c)`));
    expect(sexpr(expr('a = b[0] = c'))).toBe('(= a (= b[0] c))');
  });
});

// ---- statements -------------------------------------------------------------------------------

describe('statements', () => {
  it('parses declarations with several declarators and optional type annotations', () => {
    const k = parseKernel('function k() { let a: number = 1, b; var c = 2 }');
    expect(shape(k.body)).toEqual([
      {
        kind: 'declare',
        declKind: 'let',
        declarations: [{ name: 'a', init: { kind: 'number', value: 1, raw: '1' } }, { name: 'b' }],
      },
      {
        kind: 'declare',
        declKind: 'var',
        declarations: [{ name: 'c', init: { kind: 'number', value: 2, raw: '2' } }],
      },
    ]);
  });

  it('parses C-style for loops, with every part optional', () => {
    const full = stmt(parseKernel('function k() { for (let i = 0; i < n; i += 1) acc += i; }'), 0);
    expect(full.kind).toBe('for');
    if (full.kind !== 'for') return;
    expect(full.init?.kind).toBe('declare');
    expect(full.test && sexpr(full.test)).toBe('(< i n)');
    expect(full.update && sexpr(full.update)).toBe('(+= i 1)');
    expect(full.body.kind).toBe('expression');

    const empty = stmt(parseKernel('function k() { for (;;) { break; } }'), 0);
    expect(shape(empty)).toEqual({
      kind: 'for',
      body: { kind: 'block', body: [{ kind: 'break' }] },
    });

    const exprInit = stmt(parseKernel('function k() { for (i = 0; ; i++) continue }'), 0);
    expect(exprInit.kind === 'for' && exprInit.init?.kind).toBe('expression');
  });

  it('parses for-of loops over tl.range / tl.staticRange', () => {
    const s = stmt(
      parseKernel('function k() { for (const k of tl.range(0, K, BLOCK_K)) { x++ } }'),
      0,
    );
    expect(s.kind).toBe('forOf');
    if (s.kind !== 'forOf') return;
    expect([s.declKind, s.name, sexpr(s.iterable)]).toEqual([
      'const',
      'k',
      '(call tl.range 0 K BLOCK_K)',
    ]);
  });

  it('parses if / else if / else chains', () => {
    const s = stmt(
      parseKernel('function k() { if (a) x = 1; else if (b) { x = 2 } else x = 3 }'),
      0,
    );
    expect(shape(s)).toMatchObject({
      kind: 'if',
      consequent: { kind: 'expression' },
      alternate: { kind: 'if', consequent: { kind: 'block' }, alternate: { kind: 'expression' } },
    });
  });

  it("parses while and do-while as 'while' nodes (lowering rejects them)", () => {
    const k = parseKernel('function k() { while (i < n) i++; do { i-- } while (i > 0); }');
    expect(k.body.map((s) => s.kind)).toEqual(['while', 'while']);
  });

  it('parses return with and without a value, break, continue and empty statements', () => {
    const k = parseKernel('function k() { ;; return; return x }');
    expect(shape(k.body)).toEqual([
      { kind: 'empty' },
      { kind: 'empty' },
      { kind: 'return' },
      { kind: 'return', value: { kind: 'identifier', name: 'x' } },
    ]);
  });

  it('inserts semicolons at line breaks as JavaScript does', () => {
    const k = parseKernel(
      'function k() {\n  const a = 1\n  let b = a\n  b++\n  return\n  b\n  a\n  ++b\n}',
    );
    expect(k.body.map((s) => s.kind)).toEqual([
      'declare',
      'declare',
      'expression',
      'return',
      'expression',
      'expression',
      'expression',
    ]);
    expect(shape(stmt(k, 3))).toEqual({ kind: 'return' }); // `return\nb` returns nothing
    const last = stmt(k, 6);
    expect(last.kind === 'expression' && sexpr(last.expr)).toBe('(++pre b)');
  });

  it('skips line and block comments', () => {
    const k = parseKernel(
      '/* doc */ function k(/* a */ a) { // note\n  return a /* inline */ + 1 // end\n}',
    );
    expect(k.params.map((p) => p.name)).toEqual(['a']);
    expect(k.body).toHaveLength(1);
  });
});

// ---- spans -----------------------------------------------------------------------------------

describe('spans', () => {
  const source =
    'function k(x, n) {\n  const offs = tl.arange(0, 8);\n  if (n > 0) {\n    x = (offs + 1) * n;\n  }\n}';

  it('gives line, column and offsets of nodes, 1-based lines and columns', () => {
    const k = parseKernel(source, 'add.ts');
    expect(k.span).toEqual({
      file: 'add.ts',
      startOffset: 0,
      endOffset: source.length,
      line: 1,
      column: 1,
    });
    expect(k.params[1]?.span).toMatchObject({
      line: 1,
      column: 15,
      startOffset: 14,
      endOffset: 15,
    });
    const decl = stmt(k, 0);
    expect(decl.span).toMatchObject({ line: 2, column: 3 });
    if (decl.kind !== 'declare') throw new Error('expected a declaration');
    const init = decl.declarations[0]?.init;
    expect(init?.span).toMatchObject({ line: 2, column: 16 });
    expect(init && source.slice(init.span.startOffset, init.span.endOffset)).toBe(
      'tl.arange(0, 8)',
    );
  });

  it('covers both operands of a binary node, parentheses included', () => {
    const s = stmt(parseKernel(source), 1);
    if (s.kind !== 'if' || s.consequent.kind !== 'block') throw new Error('expected if + block');
    const assign = s.consequent.body[0];
    if (assign?.kind !== 'expression' || assign.expr.kind !== 'assign')
      throw new Error('expected x = ...');
    const value = assign.expr.value;
    expect(source.slice(value.span.startOffset, value.span.endOffset)).toBe('(offs + 1) * n');
    expect(value.span).toMatchObject({ line: 4, column: 9 });
  });

  it('reports file lines and columns for a function found inside a larger file', () => {
    const k = parseKernel(source, 'kernels.ts', { lineOffset: 39, columnOffset: 4 });
    expect(k.span).toMatchObject({ line: 40, column: 5, startOffset: 0 });
    expect(stmt(k, 0).span).toMatchObject({ line: 41, column: 3 }); // later lines are not shifted
    const error = parseError('function k() {\n  return a +;\n}', 'kernels.ts');
    expect(error.message).toContain('kernels.ts:2:13');
    const shifted = parseKernelAll('function k() {\n  return a +;\n}', 'kernels.ts', {
      lineOffset: 39,
    });
    expect(shifted.errors[0]?.message).toContain('kernels.ts:41:13');
    expect(shifted.errors[0]?.message).toContain('41 |   return a +;');
  });

  it('counts CRLF line breaks like LF ones', () => {
    const k = parseKernel('function k() {\r\n  let a = 1;\r\n  a++;\r\n}');
    expect(stmt(k, 1).span).toMatchObject({ line: 3, column: 3 });
  });

  it('pads the frame source so file coordinates index into it', () => {
    expect(frameSource('ab', { lineOffset: 2, columnOffset: 3 })).toBe('\n\n   ab');
  });
});

// ---- errors ------------------------------------------------------------------------------------

describe('syntax errors', () => {
  it('says what was expected and what was found, with a code frame and caret', () => {
    const error = parseError('function k(a, b {\n}', 'bad.ts');
    expect(error).toBeInstanceOf(CompileError);
    expect(error.kind).toBe('syntax');
    expect(error.detail).toBe("expected ')' to close the parameter list, found '{'");
    expect(error.span).toMatchObject({ file: 'bad.ts', line: 1, column: 17 });
    expect(String(error.message)).toBe(
      "bad.ts:1:17: syntax error: expected ')' to close the parameter list, found '{'\n" +
        '1 | function k(a, b {\n' +
        '  |                 ^',
    );
  });

  it('reports a missing expression', () => {
    expect(firstError('function k() {\n  const x = a * ;\n}')).toBe(
      "syntax @2:17: expected an expression, found ';'",
    );
  });

  it('reports the end of the input when a brace is missing', () => {
    expect(firstError('function k() {\n  if (a) {\n    b()\n  }')).toBe(
      "syntax @4:4: expected '}' to close the function body, found the end of the input",
    );
  });

  it('requires a semicolon or a line break between statements on one line', () => {
    expect(firstError('function k() { const a = 1 b = 2 }')).toBe(
      "syntax @1:28: expected ';' or a line break between statements, found 'b'",
    );
  });

  it('reports unexpected characters and unterminated literals and comments', () => {
    expect(firstError('function k() { a # b }')).toBe("syntax @1:18: unexpected character '#'");
    expect(firstError("function k() {\n  s = 'abc\n}")).toBe(
      'syntax @2:7: unterminated string literal: add the closing quote',
    );
    expect(firstError('function k() { /* never closed }')).toBe(
      "syntax @1:16: unterminated comment: add the closing '*/'",
    );
  });

  it('insists on exactly one function', () => {
    expect(firstError('function f() {} function g() {}')).toBe(
      "syntax @1:17: unexpected 'function' after the end of the kernel function; the source must contain exactly one function",
    );
    expect(firstError('const k = 1')).toMatch(
      /^syntax @1:1: expected a kernel function .*found 'const'$/,
    );
  });

  it('rejects destructuring, invalid assignment targets and const without initializer', () => {
    expect(firstError('function k() { const [a, b] = x }')).toBe(
      "syntax @1:22: expected a variable name (destructuring is not supported), found '['",
    );
    expect(firstError('function k() { a + b = c }')).toBe(
      'syntax @1:16: invalid assignment target: only a variable, `a.b` or `a[i]` can be assigned',
    );
    expect(firstError('function k() { const q; }')).toBe(
      "syntax @1:22: 'const q' needs an initializer: const q = ...",
    );
  });

  it('collects several errors with parseKernelAll, in source order', () => {
    const { kernel, errors } = parseKernelAll('function k() {\n  a = ;\n  b = );\n  c = 1\n}');
    expect(kernel).toBeUndefined();
    expect(errors.map((e) => `${e.span?.line}:${e.span?.column}`)).toEqual(['2:7', '3:7']);
    expect(parseKernelAll('function k() { return 1 }')).toMatchObject({ errors: [] });
  });
});

describe('internal errors', () => {
  it('wraps an unexpected failure as an internal CompileError at the node being built', () => {
    const builder = new AstBuilder(
      'k.ts',
      'function k() {}',
      { lineOffset: 0, columnOffset: 0 },
      '',
    );
    const broken = {
      name: 'kernel',
      children: {},
      location: { startOffset: 0, endOffset: 14, startLine: 1, startColumn: 1 },
    };
    let caught: unknown;
    try {
      builder.kernel(broken);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CompileError);
    expect(caught).toMatchObject({ kind: 'internal', span: { file: 'k.ts', line: 1, column: 1 } });
    expect(caught instanceof CompileError && caught.message).toMatch(
      /'kernel': missing CST child 'methodDefinition'.*Tessera bug/,
    );
  });
});

describe('unsupported constructs', () => {
  it('names statements kernels cannot contain', () => {
    expect(firstError('function k() {\n  switch (x) { case 1: break }\n}')).toBe(
      "unsupported @2:3: 'switch' is not supported in kernels; use if/else",
    );
    expect(parseError('function k() { try { a() } catch (e) {} }').detail).toMatch(/exceptions/);
    expect(parseError('function k() { throw 1 }').kind).toBe('unsupported');
    expect(firstError('function k() { for (const i in xs) {} }')).toBe(
      'unsupported @1:29: for...in loops are not supported; use for (const i of tl.range(n))',
    );
  });

  it('names operators that have no kernel meaning, at the operator', () => {
    expect(firstError('function k() { return a ** 2 }')).toBe(
      "unsupported @1:25: '**' is not supported in kernels; use tl.exp2/tl.log2 or repeated multiplication",
    );
    expect(firstError('function k() { return a ?? b }')).toMatch(/^unsupported @1:25: '\?\?'/);
    expect(firstError('function k() { return a?.b }')).toMatch(
      /^unsupported @1:24: optional chaining/,
    );
    expect(firstError('function k() { return new Foo(1) }')).toMatch(/^unsupported @1:23: 'new'/);
    expect(firstError('function k() { return typeof a }')).toMatch(/^unsupported @1:23: 'typeof'/);
  });

  it('rejects default and rest parameters', () => {
    expect(firstError('function k(a, BLOCK = 128) {}')).toBe(
      "unsupported @1:23: default parameter values are not supported; pass 'BLOCK' at launch instead",
    );
    expect(firstError('(...xs) => {}')).toMatch(/^unsupported @1:2: rest parameters/);
  });

  it('reports every unsupported construct through parseKernelAll', () => {
    const { kernel, errors } = parseKernelAll('function k(a = 1) { x ** 2; y?.z; }');
    expect(kernel).toBeUndefined();
    expect(errors.map((e) => e.kind)).toEqual(['unsupported', 'unsupported', 'unsupported']);
  });
});
