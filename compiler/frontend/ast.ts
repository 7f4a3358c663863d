// The kernel AST: what the CST visitor produces from the TypeScript subset.
// It is syntax only (no types, no shapes); semantic lowering gives it meaning.
// Every node carries the span of the source it came from, so any later error
// can point at the kernel line.

import type { Span } from '../errors.js';

export type BinaryOperator =
  | '+' | '-' | '*' | '/' | '%'
  | '<' | '<=' | '>' | '>=' | '==' | '!=' | '===' | '!=='
  | '&&' | '||'
  | '&' | '|' | '^' | '<<' | '>>' | '>>>';

export type UnaryOperator = '-' | '+' | '!' | '~';

export type AssignOperator =
  | '=' | '+=' | '-=' | '*=' | '/=' | '%='
  | '&=' | '|=' | '^=' | '<<=' | '>>=' | '>>>=';

export type Expr =
  | { readonly kind: 'number'; readonly value: number; readonly raw: string; readonly span: Span }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'identifier'; readonly name: string; readonly span: Span }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOperator;
      readonly left: Expr;
      readonly right: Expr;
      readonly span: Span;
    }
  | { readonly kind: 'unary'; readonly op: UnaryOperator; readonly operand: Expr; readonly span: Span }
  | {
      readonly kind: 'conditional';
      readonly test: Expr;
      readonly consequent: Expr;
      readonly alternate: Expr;
      readonly span: Span;
    }
  | { readonly kind: 'call'; readonly callee: Expr; readonly args: readonly Expr[]; readonly span: Span }
  | { readonly kind: 'member'; readonly object: Expr; readonly property: string; readonly span: Span }
  | { readonly kind: 'index'; readonly object: Expr; readonly index: Expr; readonly span: Span }
  | { readonly kind: 'array'; readonly elements: readonly Expr[]; readonly span: Span }
  | { readonly kind: 'object'; readonly properties: readonly ObjectProperty[]; readonly span: Span }
  /** Parsed so that the error can name them precisely; lowering rejects them. */
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'function'; readonly span: Span }
  | {
      readonly kind: 'update'; // i++ / --i
      readonly op: '++' | '--';
      readonly prefix: boolean;
      readonly target: Expr;
      readonly span: Span;
    }
  | {
      readonly kind: 'assign'; // assignment used as an expression (`a = b` inside a for header)
      readonly op: AssignOperator;
      readonly target: Expr;
      readonly value: Expr;
      readonly span: Span;
    };

/** `{ mask }` is shorthand for `{ mask: mask }`; `value` is then the identifier. */
export interface ObjectProperty {
  readonly key: string;
  readonly value: Expr;
  readonly span: Span;
}

export type Stmt =
  | {
      readonly kind: 'declare';
      readonly declKind: 'const' | 'let' | 'var';
      readonly declarations: readonly { readonly name: string; readonly init?: Expr; readonly span: Span }[];
      readonly span: Span;
    }
  | { readonly kind: 'expression'; readonly expr: Expr; readonly span: Span }
  | {
      readonly kind: 'if';
      readonly test: Expr;
      readonly consequent: Stmt;
      readonly alternate?: Stmt;
      readonly span: Span;
    }
  | {
      /** C-style `for (init; test; update) body`; each part optional. */
      readonly kind: 'for';
      readonly init?: Stmt; // a 'declare' or 'expression' statement
      readonly test?: Expr;
      readonly update?: Expr;
      readonly body: Stmt;
      readonly span: Span;
    }
  | {
      /** `for (const i of tl.range(...))` / `tl.staticRange(...)`. */
      readonly kind: 'forOf';
      readonly declKind: 'const' | 'let' | 'var';
      readonly name: string;
      readonly iterable: Expr;
      readonly body: Stmt;
      readonly span: Span;
    }
  | { readonly kind: 'while'; readonly span: Span } // rejected by lowering with a clear error
  | { readonly kind: 'block'; readonly body: readonly Stmt[]; readonly span: Span }
  | { readonly kind: 'return'; readonly value?: Expr; readonly span: Span }
  | { readonly kind: 'break' | 'continue'; readonly span: Span }
  | { readonly kind: 'empty'; readonly span: Span };

export interface Param {
  readonly name: string;
  /** The annotation's source text, if any (`Ptr`, `tl.constexpr`); informational. */
  readonly typeAnnotation?: string;
  readonly span: Span;
}

export interface KernelFunction {
  /** The function's own name, or '' for an anonymous function or arrow. */
  readonly name: string;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly span: Span;
}
