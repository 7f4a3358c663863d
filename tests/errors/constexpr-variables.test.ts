// Compile-time values and variables: a runtime value where a constexpr is
// needed (the message says to add it to constexprs), const reassignment, and
// variables whose type changes across a loop or whose value exists on only
// one path of an if.

import { describe, it } from 'vitest';
import { args, checkCase, type Case } from './helpers.js';

const pn = args('*f32', 'i32');

const constexprs: Case[] = [
  {
    name: 'tl.arange(0, n) with a runtime n says to add n to constexprs',
    source: 'function k(x, n) {\n  const a = tl.arange(0, n);\n}',
    args: pn,
    kind: 'constexpr',
    message: ['arange end must be a compile-time integer', "'n' is a runtime argument", "constexprs: ['n']"],
    at: '2:26',
    under: 'n',
  },
  {
    name: 'a runtime shape dimension in tl.zeros points at the element',
    source: 'function k(x, BLOCK_N) {\n  const z = tl.zeros([16, BLOCK_N], tl.float32);\n}',
    args: pn,
    kind: 'constexpr',
    message: ['each shape dimension must be a compile-time integer', "constexprs: ['BLOCK_N']"],
    at: '2:27',
    under: 'BLOCK_N',
  },
  {
    name: 'a runtime value derived from an argument',
    source: 'function k(x, n) {\n  const m = n * 2;\n  const a = tl.arange(0, m);\n}',
    args: pn,
    kind: 'constexpr',
    message: ['arange end must be a compile-time integer', 'only known at run time', 'constexprs option'],
    at: '3:26',
    under: 'm',
  },
  {
    name: 'tl.staticRange over a runtime bound',
    source: 'function k(x, n) {\n  for (const i of tl.staticRange(0, n)) {}\n}',
    args: pn,
    kind: 'constexpr',
    message: ['each tl.staticRange bound must be a compile-time integer', "constexprs: ['n']"],
    at: '2:37',
    under: 'n',
  },
  {
    name: 'tl.staticRange that would unroll too far',
    source: 'function k(x) {\n  for (const i of tl.staticRange(0, 100000)) {}\n}',
    args: args('*f32'),
    kind: 'constexpr',
    message: 'tl.staticRange would unroll 100000 iterations; use tl.range for long loops',
    at: '2:19',
  },
  {
    name: 'a runtime reduction axis',
    source: 'function k(x, axis) {\n  const s = tl.sum(tl.arange(0, 16), axis);\n}',
    args: pn,
    kind: 'constexpr',
    message: ['axis must be a compile-time integer', "constexprs: ['axis']"],
    at: '2:38',
    under: 'axis',
  },
  {
    name: 'integer remainder by zero between constexprs',
    source: 'function k(x, B) {\n  const a = B % 0;\n}',
    args: args('*f32', 4),
    kind: 'constexpr',
    message: 'integer remainder by zero in a compile-time expression',
    at: '2:13',
    under: 'B % 0',
  },
];

const variables: Case[] = [
  {
    name: 'reassigning a const',
    source: 'function k(x) {\n  const a = 1;\n  a = 2;\n}',
    args: args('*f32'),
    kind: 'type',
    message: "'a' is declared with const and cannot be reassigned; declare it with let",
    at: '3:3',
    under: 'a = 2',
  },
  {
    name: 'updating a const with ++',
    source: 'function k(x) {\n  const a = 1;\n  a++;\n}',
    args: args('*f32'),
    kind: 'type',
    message: "'a' is declared with const",
    at: '3:3',
  },
  {
    name: 'a const assigned in a loop points at the assignment',
    source: 'function k(x, n) {\n  const a = 1;\n  for (let i = 0; i < n; i++) {\n    a = i;\n  }\n}',
    args: pn,
    kind: 'type',
    message: "'a' is declared with const and cannot be reassigned",
    at: '4:5',
    under: 'a = i',
  },
  {
    name: 'let acc = 0 then acc += tile in a loop suggests tl.zeros of the final type',
    source: [
      'function k(x, n) {',
      '  const offs = tl.arange(0, 16);',
      '  let acc = 0;',
      '  for (let i = 0; i < n; i++) {',
      '    acc += tl.load(x + offs);',
      '  }',
      '  tl.store(x + offs, acc);',
      '}',
    ].join('\n'),
    args: pn,
    kind: 'type',
    message: ["'acc' is i32 before the loop but the loop body makes it f32[16]", 'let acc = tl.zeros([16], tl.float32)'],
    at: '5:5',
    under: 'acc += tl.load(x + offs)',
  },
  {
    name: 'a loop-carried tile changing shape',
    source: [
      'function k(x, n) {',
      '  let acc = tl.zeros([16], tl.float32);',
      '  for (const i of tl.range(0, n)) {',
      '    acc = tl.expandDims(acc, 0);',
      '  }',
      '}',
    ].join('\n'),
    args: pn,
    kind: 'type',
    message: ["'acc' is f32[16] before the loop but the loop body makes it f32[1,16]", 'tl.zeros([1, 16], tl.float32)'],
    at: '4:5',
  },
  {
    // (A plain number would widen instead: `let s = 0` is weakly typed.)
    name: 'a loop-carried i32 value becoming float suggests 0.0',
    source: 'function k(x, n) {\n  let s = n;\n  for (let i = 0; i < n; i++) {\n    s = s + 0.5;\n  }\n}',
    args: pn,
    kind: 'type',
    message: ["'s' is i32 before the loop but the loop body makes it f32", 'let s = 0.0'],
    at: '4:5',
  },
  {
    name: 'a variable with no value before the loop that assigns it',
    source: 'function k(x, n) {\n  let a;\n  for (let i = 0; i < n; i++) {\n    a = i;\n  }\n}',
    args: pn,
    kind: 'unsupported',
    message: "'a' is assigned in this loop but has no value before it",
    at: '4:5',
  },
  {
    name: 'a variable assigned on only one path of a runtime if',
    source: 'function k(x, n) {\n  let a;\n  if (n > 0) {\n    a = 1.0;\n  }\n  tl.store(x, a);\n}',
    args: pn,
    kind: 'unsupported',
    message: "'a' is assigned on only some paths; give it a value before the if",
    at: '3:3',
  },
  {
    name: 'a variable getting different shapes on the two paths',
    source:
      'function k(x, n) {\n  let a = tl.zeros([16], tl.float32);\n  if (n > 0) {\n    a = tl.zeros([32], tl.float32);\n  }\n}',
    args: pn,
    kind: 'type',
    message: ["'a' gets different types on the two paths of this if: f32[32] and f32[16]", 'make both paths agree'],
    at: '3:3',
  },
  {
    name: 'assigning the loop variable in the body',
    source: 'function k(x, n) {\n  for (let i = 0; i < n; i += 1) {\n    i = 3;\n  }\n}',
    args: args('*f32', 'i32'),
    kind: 'type',
    message: "the loop variable 'i' cannot be assigned in the loop body",
    at: '3:5',
  },
];

describe('constexpr errors', () => {
  for (const c of constexprs) it(c.name, () => checkCase(c));
});

describe('variable errors', () => {
  for (const c of variables) it(c.name, () => checkCase(c));
});
