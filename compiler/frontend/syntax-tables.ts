// Operator tables and literal decoding shared by the AST builder. The records
// are keyed by the AST's operator unions, so adding an operator to ast.ts fails
// the type check here until it gets a precedence.

import type { AssignOperator, BinaryOperator } from './ast.js';

/** JavaScript precedence (higher binds tighter) of the binary operators the AST has. */
const precedence: Record<BinaryOperator, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '===': 6,
  '!==': 6,
  '<': 7,
  '<=': 7,
  '>': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '>>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

/** Operators that parse but have no AST form; the builder reports them. */
const unsupportedPrecedence: Record<string, number> = { '??': 1, instanceof: 7, '**': 11 };

export function isBinaryOperator(image: string): image is BinaryOperator {
  return Object.hasOwn(precedence, image);
}

export function binaryPrecedence(image: string): number {
  const known = isBinaryOperator(image) ? precedence[image] : unsupportedPrecedence[image];
  if (known === undefined) throw new Error(`no precedence for operator '${image}'`);
  return known;
}

/** `a ** b ** c` is `a ** (b ** c)`; every other binary operator is left-associative. */
export function isRightAssociative(image: string): boolean {
  return image === '**';
}

/**
 * Precedence climbing over a flat `operand (operator operand)*` list, as the
 * grammar parses binary expressions; `combine` builds one operation.
 */
export function climbBinary<E, O extends { readonly image: string }>(
  operands: readonly E[],
  operators: readonly O[],
  combine: (operator: O, left: E, right: E) => E,
): E {
  return climb({ operands, operators, combine, next: 0 }, 0);
}

interface Climb<E, O> {
  readonly operands: readonly E[];
  readonly operators: readonly O[];
  readonly combine: (operator: O, left: E, right: E) => E;
  /** Index of the next operator; operand `next` is the one before it. */
  next: number;
}

function climb<E, O extends { readonly image: string }>(c: Climb<E, O>, minPrecedence: number): E {
  let left = c.operands[c.next];
  if (left === undefined) throw new Error('binary expression without an operand');
  for (let op = c.operators[c.next]; op && binaryPrecedence(op.image) >= minPrecedence; op = c.operators[c.next]) {
    const precedence = binaryPrecedence(op.image);
    c.next++;
    const right = climb(c, isRightAssociative(op.image) ? precedence : precedence + 1);
    left = c.combine(op, left, right);
  }
  return left;
}

const assignOperators: Record<AssignOperator, true> = {
  '=': true,
  '+=': true,
  '-=': true,
  '*=': true,
  '/=': true,
  '%=': true,
  '&=': true,
  '|=': true,
  '^=': true,
  '<<=': true,
  '>>=': true,
  '>>>=': true,
};

export function isAssignOperator(image: string): image is AssignOperator {
  return Object.hasOwn(assignOperators, image);
}

/** Why an operator that parses is rejected, with what to write instead. */
export function unsupportedOperatorMessage(image: string): string {
  switch (image) {
    case '**':
    case '**=':
      return `'${image}' is not supported in kernels; use tl.exp2/tl.log2 or repeated multiplication`;
    case '??':
    case '??=':
      return `'${image}' is not supported in kernels: there is no null or undefined on the GPU`;
    case '&&=':
    case '||=':
      return `'${image}' is not supported in kernels; write 'x = x ${image.slice(0, 2)} y'`;
    case 'instanceof':
      return "'instanceof' is not supported in kernels: there are no objects on the GPU";
    default:
      return `the operator '${image}' is not supported in kernels`;
  }
}

/** An object literal key's name: a name as written, a string's value, a number's canonical text. */
export function keyText(token: { readonly image: string }): string {
  const first = token.image[0];
  if (first === "'" || first === '"') return unescapeString(token.image.slice(1, -1));
  if (first !== undefined && /[\d.]/.test(first)) {
    return String(Number(token.image.replace(/_/g, '')));
  }
  return token.image;
}

/** The value of a string or template literal body (quotes removed), with JS escapes decoded. */
export function unescapeString(body: string): string {
  return body.replace(
    /\\(?:x([\da-fA-F]{2})|u\{([\da-fA-F]+)\}|u([\da-fA-F]{4})|(\r\n|[\s\S]))/g,
    (_match, hex?: string, codePoint?: string, unit?: string, char?: string) => {
      const code = hex ?? codePoint ?? unit;
      const value = code === undefined ? undefined : parseInt(code, 16);
      // An out-of-range `\u{...}` is a JS syntax error; the literal is rejected later anyway.
      if (value !== undefined) return value <= 0x10ffff ? String.fromCodePoint(value) : '\ufffd';
      return (
        simpleEscapes[char ?? ''] ??
        (char === '\n' || char === '\r\n' || char === '\r' ? '' : (char ?? ''))
      );
    },
  );
}

const simpleEscapes: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};
