// Name errors: unknown identifiers and tl functions, with "did you mean"
// suggestions when the name is a likely typo, and declarations that clash.

import { describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { args, checkCase, thrown, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: 'a misspelled tl function suggests the right one',
    source: 'function k(x) {\n  const o = tl.arang(0, 128);\n}',
    args: args('*f32'),
    kind: 'name',
    message: "tl.arang is not a Tessera function; did you mean 'tl.arange'?",
    at: '2:13',
    under: 'tl.arang',
  },
  {
    name: 'a wrongly cased tl function suggests the right case',
    source: 'function k(x) {\n  const p = tl.program_id(0);\n}',
    args: args('*f32'),
    kind: 'name',
    message: "did you mean 'tl.programId'?",
    at: '2:13',
    under: 'tl.program_id',
  },
  {
    name: 'a misspelled variable suggests the declared one',
    source: 'function k(x, BLOCK) {\n  const offs = tl.arange(0, BLOCK);\n  tl.store(x + ofs, 1.0);\n}',
    args: args('*f32', 128),
    kind: 'name',
    message: ["'ofs' is not defined in this kernel", "did you mean 'offs'?"],
    at: '3:16',
    under: 'ofs',
  },
  {
    name: 'a misspelled parameter suggests the parameter',
    source: 'function k(x, n_elements) {\n  const m = n_element + 1;\n}',
    args: args('*f32', 'i32'),
    kind: 'name',
    message: "did you mean 'n_elements'?",
    at: '2:13',
    under: 'n_element',
  },
  {
    name: 'a value from outside the kernel says how to pass it in',
    source: 'function k(x) {\n  tl.store(x, SCALE);\n}',
    args: args('*f32'),
    kind: 'name',
    message: ["'SCALE' is not defined in this kernel", 'pass them as arguments or constexprs'],
    at: '2:15',
    under: 'SCALE',
  },
  {
    name: 'a one-letter unknown name gets no far-fetched suggestion',
    source: 'function k(x) {\n  tl.store(x, y);\n}',
    args: args('*f32'),
    kind: 'name',
    message: "'y' is not defined in this kernel (kernels cannot use",
    at: '2:15',
    under: 'y',
  },
  {
    name: 'a tl function called without the namespace',
    source: 'function k(x) {\n  const a = arange(0, 16);\n}',
    args: args('*f32'),
    kind: 'name',
    message: "did you mean 'tl.arange'?",
    at: '2:13',
    under: 'arange',
  },
  {
    name: 'Math.* points to the tl functions',
    source: 'function k(x) {\n  const a = Math.exp(1.0);\n}',
    args: args('*f32'),
    kind: 'name',
    message: ['Math is not available in kernels', 'tl.exp'],
    at: '2:13',
    under: 'Math',
  },
  {
    name: 'a misspelled tile method suggests the right one',
    source: 'function k(x) {\n  const t = tl.load(x + tl.arange(0, 16));\n  tl.store(x, t.sun());\n}',
    args: args('*f32'),
    kind: 'name',
    message: ["tiles have no property '.sun'", "did you mean '.sum'?"],
    at: '3:15',
    under: 't.sun',
  },
  {
    name: 'a property a tile does not have lists what tiles have',
    source: 'function k(x) {\n  const t = tl.load(x + tl.arange(0, 16));\n  const n = t.length;\n}',
    args: args('*f32'),
    kind: 'name',
    message: ["tiles have no property '.length'", 'tiles have .shape, .dtype and the methods .to()'],
    at: '3:13',
    under: 't.length',
  },
  {
    name: 'a variable declared twice in one scope',
    source: 'function k(x) {\n  let a = 1;\n  let a = 2;\n}',
    args: args('*f32'),
    kind: 'name',
    message: "'a' is already declared in this scope",
    at: '3:7',
  },
  {
    name: 'a variable used before it is assigned',
    source: 'function k(x) {\n  let a;\n  tl.store(x, a);\n}',
    args: args('*f32'),
    kind: 'name',
    message: "'a' is used before it is assigned",
    at: '3:15',
    under: 'a',
  },
  {
    name: 'a Triton dtype Tessera lacks says which dtypes exist',
    source: 'function k(x) {\n  const z = tl.cast(tl.arange(0, 16), tl.float16);\n}',
    args: args('*f32'),
    kind: 'unsupported',
    message: ['tl.float16 is not a Tessera dtype', 'tl.float32, tl.int32, tl.uint32 or tl.int1'],
    at: '2:39',
    under: 'tl.float16',
  },
  {
    name: 'a Triton function Tessera does not have yet',
    source: 'function k(x) {\n  const a = tl.cumsum(x, 0);\n}',
    args: args('*f32'),
    kind: 'unsupported',
    message: 'tl.cumsum is not supported by Tessera yet',
    at: '2:13',
    under: 'tl.cumsum',
  },
];

describe('name errors', () => {
  for (const c of cases) it(c.name, () => checkCase(c));

  it('suggestions follow the namespace the kernel uses', () => {
    const error = thrown(() => compileSource('function k(x) {\n  const o = T.arang(0, 16);\n}', args('*f32'), { namespace: 'T' }));
    expect(error.detail).toBe("T.arang is not a Tessera function; did you mean 'T.arange'?");
  });
});
