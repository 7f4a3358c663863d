// Signature strings (Triton's AOT convention) in, argument specs out; the
// error cases live in the catalogue, with their positions.

import { describe, expect, it } from 'vitest';
import { CliError } from '../../cli/diagnostics.js';
import { formatSignature, parseSignature, suggestedSignature } from '../../cli/signature.js';

const params = (...names: string[]): { name: string; constexpr: boolean }[] => names.map((name) => ({ name, constexpr: name === name.toUpperCase() }));

describe('signature strings', () => {
  it('reads buffers, scalars, constexpr values and hints, with aliases and spaces', () => {
    const signature = ' *fp32:16, *i32 ,*uint32,f32,int32:8,u32,1024,-0.5,true,0x10';
    const entries = parseSignature(signature, params('a', 'b', 'c', 'd', 'e', 'f', 'BLOCK', 'EPS', 'FLAG', 'HEX'), 'k');
    expect(entries.map((e) => e.spec)).toEqual([
      { role: 'buffer', dtype: 'f32', divisibility: 16 },
      { role: 'buffer', dtype: 'i32' },
      { role: 'buffer', dtype: 'u32' },
      { role: 'scalar', dtype: 'f32' },
      { role: 'scalar', dtype: 'i32', divisibility: 8 },
      { role: 'scalar', dtype: 'u32' },
      { role: 'constexpr', value: 1024 },
      { role: 'constexpr', value: -0.5 },
      { role: 'constexpr', value: true },
      { role: 'constexpr', value: 16 },
    ]);
    let from = 0;
    const offsets = signature.split(',').map((piece) => {
      const at = signature.indexOf(piece.trim(), from);
      from = at + piece.trim().length;
      return at;
    });
    expect(entries.map((e) => e.offset)).toEqual(offsets);
    expect(formatSignature(entries.map((e) => e.spec))).toBe('*fp32:16,*i32,*u32,fp32,i32:8,u32,1024,-0.5,true,16');
  });

  it('reports every problem at once, each at its position', () => {
    let error: unknown;
    try {
      parseSignature('*fp64,i32:0,bogus', params('x', 'n', 'm'), 'k');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    const problems = error instanceof CliError ? error.diagnostics : [];
    expect(problems.map((d) => [d.span?.column, d.message.split(':')[0]])).toEqual([
      [2, "type 'fp64' of x is not supported"],
      [11, 'divisibility hint 0 on n must be a power of two (Triton uses 16)'],
      [13, "unknown type 'bogus' for m"],
    ]);
  });

  it('suggests a signature from parameter names and constexprs', () => {
    expect(suggestedSignature(params('x_ptr', 'y_ptr', 'n_elements', 'BLOCK'))).toBe('*fp32,*fp32,i32,1024');
  });
});
