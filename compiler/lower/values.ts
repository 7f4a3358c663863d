// What a kernel expression evaluates to during lowering. Most are IR values;
// the rest exist only at compile time (Triton's constexprs and friends) and
// never reach the IR unless an op needs them as a constant.

import type { Span } from '../errors.js';
import type { Value } from '../ir/ops.js';
import type { DType } from '../ir/types.js';

export type SemVal =
  /** A compile-time number or boolean: a literal, a constexpr parameter, or folded arithmetic. */
  | { readonly kind: 'const'; readonly value: number | boolean; readonly float: boolean }
  | { readonly kind: 'ir'; readonly value: Value }
  | { readonly kind: 'dtype'; readonly dtype: DType }
  | { readonly kind: 'list'; readonly items: readonly SemVal[] }
  | { readonly kind: 'options'; readonly props: ReadonlyMap<string, { readonly value: SemVal; readonly span: Span }> }
  /** The `tl` namespace itself, and `tl.name` before it is called. */
  | { readonly kind: 'namespace' }
  | { readonly kind: 'tlFunction'; readonly name: string }
  /** `x.method` before it is called (x.to(...), x.sum(...)). */
  | { readonly kind: 'method'; readonly self: SemVal; readonly name: string }
  /** `tl.range(...)` / `tl.staticRange(...)`, only meaningful as a for-of iterable. */
  | {
      readonly kind: 'range';
      readonly isStatic: boolean;
      readonly lower: SemVal;
      readonly upper: SemVal;
      readonly step: SemVal;
      /** Where the start, end and step were written (the call when implicit). */
      readonly spans: readonly Span[];
    }
  /** A declared variable that has no value yet (`let x;`). */
  | { readonly kind: 'unassigned' };

export const constant = (value: number | boolean, float = false): SemVal => ({ kind: 'const', value, float });
export const ir = (value: Value): SemVal => ({ kind: 'ir', value });

export function describe(v: SemVal): string {
  switch (v.kind) {
    case 'const':
      return `the constant ${String(v.value)}`;
    case 'ir':
      return 'a tile';
    case 'dtype':
      return `the dtype ${v.dtype}`;
    case 'list':
      return 'a list';
    case 'options':
      return 'an options object';
    case 'namespace':
      return 'the tl namespace';
    case 'tlFunction':
      return `the function tl.${v.name}`;
    case 'method':
      return `the method .${v.name}`;
    case 'range':
      return 'a range';
    case 'unassigned':
      return 'an unassigned variable';
  }
}
