// Syntax errors: the text does not parse (or uses syntax kernels reject at
// parse time). Each names what was expected and points at the offending token.

import { describe, expect, it } from 'vitest';
import { kernel } from '../../compiler/kernel.js';
import { args, checkCase, expectError, thrown, type Case } from './helpers.js';

const p = args('*f32');

const cases: Case[] = [
  {
    name: 'a missing closing parenthesis',
    source: 'function k(x) {\n  const a = tl.load(x;\n}',
    args: p,
    kind: 'syntax',
    message: ["expected ')' to close the argument list", "found ';'"],
    at: '2:22',
    under: ';',
  },
  {
    name: 'a missing closing brace, reported at the end of the input',
    source: 'function k(x) {\n  const a = 1;\n',
    args: p,
    kind: 'syntax',
    message: ["expected '}' to close the function body", 'found the end of the input'],
    at: '2:15',
  },
  {
    name: 'a character that is not TypeScript',
    source: 'function k(x) {\n  const a = 1 @ 2;\n}',
    args: p,
    kind: 'syntax',
    message: "unexpected character '@'",
    at: '2:15',
    under: '@',
  },
  {
    name: 'an operator where an operand belongs',
    source: 'function k(x) {\n  const a = 1 + * 2;\n}',
    args: p,
    kind: 'syntax',
    message: ['expected an expression', "found '*'"],
    at: '2:17',
    under: '*',
  },
  {
    name: 'an unterminated block comment',
    source: 'function k(x) {\n  /* hi\n  const a = 1;\n}',
    args: p,
    kind: 'syntax',
    message: "unterminated comment: add the closing '*/'",
    at: '2:3',
  },
  {
    name: 'an unterminated string',
    source: "function k(x) {\n  const s = 'abc;\n}",
    args: p,
    kind: 'syntax',
    message: 'unterminated string literal',
    at: '2:13',
  },
  {
    name: 'a second function after the kernel',
    source: 'function k(x) {\n}\nfunction j() {}',
    args: p,
    kind: 'syntax',
    message: ["unexpected 'function' after the end of the kernel function", 'exactly one function'],
    at: '3:1',
    under: 'function',
  },
  {
    name: 'a keyword as a variable name',
    source: 'function k(x) {\n  const if = 1;\n}',
    args: p,
    kind: 'syntax',
    message: ['expected a variable name', "found 'if'"],
    at: '2:9',
    under: 'if',
  },
  {
    name: 'destructuring',
    source: 'function k(x) {\n  const [a, b] = [1, 2];\n}',
    args: p,
    kind: 'syntax',
    message: 'destructuring is not supported',
    at: '2:9',
    under: '[',
  },
  {
    name: 'a class declaration (a keyword kernels reject)',
    source: 'function k(x) {\n  class A {}\n}',
    args: p,
    kind: 'unsupported',
    message: 'classes are not supported in kernels',
    at: '2:3',
    under: 'class',
  },
  {
    name: 'try/catch',
    source: 'function k(x) {\n  try { tl.store(x, 1.0); } catch (e) {}\n}',
    args: p,
    kind: 'unsupported',
    message: 'GPU code cannot throw',
    at: '2:3',
    under: 'try',
  },
  {
    name: 'the ** operator',
    source: 'function k(x) {\n  const a = 2 ** 3;\n}',
    args: p,
    kind: 'unsupported',
    message: "'**' is not supported in kernels",
    at: '2:15',
    under: '**',
  },
  {
    name: 'a default parameter value',
    source: 'function k(x = 1) {\n}',
    args: p,
    kind: 'unsupported',
    message: "default parameter values are not supported; pass 'x' at launch instead",
    at: '1:16',
  },
  {
    name: 'a legacy octal-like literal (017)',
    source: 'function k(x) {\n  tl.store(x, 017);\n}',
    args: p,
    kind: 'syntax',
    message: "legacy octal-like literal '017' is not allowed; write 0o17",
    at: '2:15',
    under: '017',
  },
];

describe('syntax errors', () => {
  for (const c of cases) it(c.name, () => checkCase(c));

  it('kernel() labels a kernel given as source text with its name', () => {
    const source = 'function scale(x, n) {\n  const a = tl.load(x;\n}';
    const error = thrown(() => kernel(source));
    expectError(error, source, { kind: 'syntax', message: "expected ')'", at: '2:22', file: '<kernel scale>' });
  });

  it('kernel() labels an anonymous arrow kernel', () => {
    const source = '(x) => {\n  const a = 1 +;\n}';
    const error = thrown(() => kernel(source));
    expectError(error, source, { kind: 'syntax', message: 'expected an expression', at: '2:16', file: '<kernel anonymous>' });
  });

  it("kernel(fn, { file }) uses the given file name in the frame", () => {
    const source = 'function k(x) {\n  const a = 1 @ 2;\n}';
    const error = thrown(() => kernel(source, { file: 'src/my-kernels.ts' }));
    expectError(error, source, { kind: 'syntax', message: "unexpected character '@'", at: '2:15', file: 'src/my-kernels.ts' });
  });

  it('the message is one line of detail, a source line and a caret line', () => {
    const source = 'function k(x) {\n  const a = tl.load(x;\n}';
    const error = thrown(() => kernel(source, { file: 'f.ts' }));
    expect(error.message).toBe(
      [
        "f.ts:2:22: syntax error: expected ')' to close the argument list, found ';'",
        '2 |   const a = tl.load(x;',
        '  |                      ^',
      ].join('\n'),
    );
  });
});
