// Shape errors: tiles that do not broadcast, reshapes that change the element
// count, non-power-of-two sizes, ranks above 2 and axes out of range.

import { describe, it } from 'vitest';
import { args, checkCase, type Case } from './helpers.js';

const p = args('*f32');

const cases: Case[] = [
  {
    name: 'adding [128] and [64]',
    source: 'function k(x) {\n  const a = tl.arange(0, 128);\n  const b = tl.arange(0, 64);\n  const c = a + b;\n}',
    args: p,
    kind: 'shape',
    message: 'cannot broadcast shapes [128] and [64]: dimension 0 is 128 vs 64',
    at: '4:13',
    under: 'a + b',
  },
  {
    name: 'comparing [16,32] with [32,16]',
    source:
      'function k(x) {\n  const a = tl.zeros([16, 32], tl.float32);\n  const b = tl.zeros([32, 16], tl.float32);\n  const m = a < b;\n}',
    args: p,
    kind: 'shape',
    message: 'cannot broadcast shapes [16,32] and [32,16]',
    at: '4:13',
    under: 'a < b',
  },
  {
    name: 'a mask of another length than the pointer',
    source: 'function k(x) {\n  const o = tl.arange(0, 32);\n  const m = tl.arange(0, 16) < 4;\n  tl.store(x + o, 1.0, { mask: m });\n}',
    args: p,
    kind: 'shape',
    message: 'cannot broadcast shapes [16] and [32]',
    at: '4:26',
    under: 'mask: m',
  },
  {
    name: 'storing a 2D tile through a 1D pointer',
    source: 'function k(x) {\n  const t = tl.zeros([16, 16], tl.float32);\n  tl.store(x + tl.arange(0, 16), t);\n}',
    args: p,
    kind: 'shape',
    message: "the value must broadcast to the pointer's shape",
    at: '3:34',
    under: 't',
  },
  {
    name: 'reshape to a different element count',
    source: 'function k(x) {\n  const a = tl.arange(0, 128);\n  const b = tl.reshape(a, [8, 8]);\n}',
    args: p,
    kind: 'shape',
    message: 'cannot reshape [128] (128 elements) to [8,8] (64 elements)',
    at: '3:13',
    under: 'tl.reshape(a, [8, 8])',
  },
  {
    name: 'a non-power-of-two arange',
    source: 'function k(x) {\n  const a = tl.arange(0, 100);\n}',
    args: p,
    kind: 'shape',
    message: 'arange(0, 100) has 100 elements; the length must be a power of two',
    at: '2:13',
    under: 'tl.arange(0, 100)',
  },
  {
    name: 'a non-power-of-two arange from a constexpr',
    source: 'function k(x, BLOCK) {\n  const a = tl.arange(0, BLOCK);\n}',
    args: args('*f32', 96),
    kind: 'shape',
    message: 'arange(0, 96) has 96 elements',
    at: '2:13',
  },
  {
    name: 'an empty arange',
    source: 'function k(x) {\n  const a = tl.arange(8, 8);\n}',
    args: p,
    kind: 'shape',
    message: 'arange(8, 8) needs integer bounds with start < end',
    at: '2:13',
  },
  {
    name: 'a non-power-of-two tl.zeros',
    source: 'function k(x) {\n  const z = tl.zeros([100], tl.float32);\n}',
    args: p,
    kind: 'shape',
    message: 'tile dimension 100 in [100] must be a power of two',
    at: '2:13',
  },
  {
    name: 'a rank-3 tile',
    source: 'function k(x) {\n  const a = tl.zeros([2, 4, 8], tl.float32);\n}',
    args: p,
    kind: 'shape',
    message: 'tiles of rank 3 are not supported (at most 2 dimensions)',
    at: '2:13',
  },
  {
    name: 'expandDims of a 2D tile (rank 3)',
    source: 'function k(x) {\n  const a = tl.zeros([2, 4], tl.float32);\n  const b = tl.expandDims(a, 0);\n}',
    args: p,
    kind: 'shape',
    message: 'tiles of rank 3 are not supported',
    at: '3:13',
    under: 'tl.expandDims(a, 0)',
  },
  {
    name: 'a reduction axis out of range',
    source: 'function k(x) {\n  const a = tl.sum(tl.arange(0, 16), 1);\n}',
    args: p,
    kind: 'shape',
    message: 'axis 1 is out of range for a tile of rank 1',
    at: '2:38',
    under: '1',
  },
  {
    name: 'an expandDims axis out of range',
    source: 'function k(x) {\n  const a = tl.expandDims(tl.arange(0, 16), 5);\n}',
    args: p,
    kind: 'shape',
    message: 'expandDims axis 5 is out of range for a tile of rank 1',
    at: '2:13',
  },
  {
    name: 'programId(3)',
    source: 'function k(x) {\n  const p = tl.programId(3);\n}',
    args: p,
    kind: 'shape',
    message: 'programId axis must be 0, 1 or 2, got 3',
    at: '2:26',
    under: '3',
  },
  {
    name: 'broadcastTo a smaller shape',
    source: 'function k(x) {\n  const a = tl.broadcastTo(tl.arange(0, 16), [8]);\n}',
    args: p,
    kind: 'shape',
    message: 'cannot broadcast shapes [16] and [8]',
    at: '2:13',
  },
  {
    name: 'a tile too large for a workgroup to hold',
    source: 'function k(x) {\n  const o = tl.arange(0, 1 << 20);\n}',
    args: args('*f32'),
    kind: 'shape',
    message: ['has 1048576 elements, more than the 65536 Tessera supports', 'use a smaller block and loop'],
    at: '2:13',
  },
];

describe('shape errors', () => {
  for (const c of cases) it(c.name, () => checkCase(c));
});
