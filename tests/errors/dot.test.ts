// tl.dot errors: operands that are not 2D f32 tiles, inner dimensions that
// differ, accumulators of the wrong shape, options Tessera does not have, and
// the 'workgroup' strategy's staging exceeding the device's workgroup memory.

import { describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { args, checkCase, expectError, FILE, thrown, type Case } from './helpers.js';

const p = args('*f32');
/** A kernel whose body declares a [16,32] f32 tile `a`, a [32,8] `b`, and then `line`. */
const withTiles = (line: string): string =>
  `function k(x) {\n  const a = tl.zeros([16, 32], tl.float32);\n  const b = tl.zeros([32, 8], tl.float32);\n  ${line}\n}`;

const cases: Case[] = [
  {
    name: 'inner dimensions differ',
    source: withTiles('const c = tl.dot(b, a);'),
    args: p,
    kind: 'shape',
    message: ["tl.dot's inner dimensions differ: a is [32,8] (K = 8) but b is [16,32] (K = 16)", 'a must be [M,K] and b [K,N]'],
    at: '4:13',
    under: 'tl.dot(b, a)',
  },
  {
    name: 'a 1D operand',
    source: withTiles('const c = tl.dot(tl.arange(0, 16).to(tl.float32), b);'),
    args: p,
    kind: 'shape',
    message: ["tl.dot's a must be a 2D tile ([M,K]), got f32[16]", 'make it 2D with tl.expandDims'],
    at: '4:20',
  },
  {
    name: 'an int32 operand',
    source: withTiles('const c = tl.dot(a, tl.zeros([32, 8], tl.int32));'),
    args: p,
    kind: 'type',
    message: ['tl.dot supports f32 tiles, but b is i32[32,8]', 'b.to(tl.float32)'],
    at: '4:23',
    under: 'tl.zeros([32, 8], tl.int32)',
  },
  {
    name: 'a pointer operand',
    source: withTiles('const c = tl.dot(x + tl.expandDims(tl.arange(0, 16), 1) + tl.expandDims(tl.arange(0, 32), 0), b);'),
    args: p,
    kind: 'type',
    message: ["tl.dot's a is a pointer (*f32[16,32]); load the tile first"],
    at: '4:20',
  },
  {
    name: 'an accumulator of the wrong shape',
    source: withTiles('const c = tl.dot(a, b, tl.zeros([16, 16], tl.float32));'),
    args: p,
    kind: 'shape',
    message: ["tl.dot's accumulator must be [M,N] = [16,8]", 'got [16,16]'],
    at: '4:26',
    under: 'tl.zeros([16, 16], tl.float32)',
  },
  {
    name: 'the accumulator given twice',
    source: withTiles('const z = tl.zeros([16, 8], tl.float32);\n  const c = tl.dot(a, b, z, { acc: z });'),
    args: p,
    kind: 'type',
    message: "tl.dot's accumulator is given twice",
    at: '5:31',
  },
  {
    name: 'an unknown option',
    source: withTiles('const c = tl.dot(a, b, { precision: 1 });'),
    args: p,
    kind: 'unsupported',
    message: ["tl.dot has no option 'precision'", 'acc, outDtype, allowTf32'],
    at: '4:28',
  },
  {
    name: 'an integer outDtype',
    source: withTiles('const c = tl.dot(a, b, { outDtype: tl.int32 });'),
    args: p,
    kind: 'unsupported',
    message: 'tl.dot accumulates in f32 only: outDtype must be tl.float32',
    at: '4:28',
  },
  {
    name: 'one operand',
    source: withTiles('const c = tl.dot(a);'),
    args: p,
    kind: 'type',
    message: 'tl.dot takes (a, b), (a, b, acc) and an optional options object',
    at: '4:13',
  },
  {
    name: 'the method form with mismatched shapes',
    source: withTiles('const c = a.dot(a);'),
    args: p,
    kind: 'shape',
    message: "tl.dot's inner dimensions differ: a is [16,32] (K = 32) but b is [16,32] (K = 16)",
    at: '4:13',
  },
];

describe('tl.dot errors', () => {
  for (const c of cases) it(c.name, () => checkCase(c));

  it("the 'workgroup' strategy's staging beyond maxComputeWorkgroupStorageSize is a device error at the dot", () => {
    const source = 'function k(x) {\n  const a = tl.zeros([64, 64], tl.float32);\n  const c = tl.dot(a, a);\n  tl.store(x + tl.expandDims(tl.arange(0, 64), 1) * 64 + tl.expandDims(tl.arange(0, 64), 0), c);\n}';
    const error = thrown(() => compileSource(source, p, { file: FILE, limits: { workgroupStorageBytes: 16384 }, dotStrategy: 'workgroup' }));
    expectError(error, source, {
      kind: 'device',
      message: [
        "tl.dot with dotStrategy 'workgroup' stages a [64x64] and b [64x64] in workgroup memory: 32768 bytes, but the device allows 16368",
        'maxComputeWorkgroupStorageSize 16384',
        "dotStrategy: 'registers'",
      ],
      at: '3:13',
      under: 'tl.dot(a, a)',
    });
    // The same kernel fits with more workgroup memory, or with the 'registers' strategy.
    expect(() => compileSource(source, p, { file: FILE, limits: { workgroupStorageBytes: 65536 }, dotStrategy: 'workgroup' })).not.toThrow();
    expect(() => compileSource(source, p, { file: FILE, limits: { workgroupStorageBytes: 16384 }, dotStrategy: 'registers' })).not.toThrow();
  });

  it('an unknown dotStrategy is a launch error', () => {
    const error = thrown(() => compileSource(withTiles('const c = tl.dot(a, b);'), p, { dotStrategy: 'shared' as never }));
    expect(error.kind).toBe('launch');
    expect(error.detail).toContain("dotStrategy must be 'workgroup' or 'registers', got \"shared\"");
  });
});
