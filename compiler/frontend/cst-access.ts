// Where CST positions land in the file, and typed access to chevrotain's
// untyped CST children (`Record<string, (CstNode | IToken)[]>`). A missing
// child means the grammar and the AST builder disagree: that is a Tessera bug,
// so the accessors throw and the builder reports it as an internal error.

import type { CstChildrenDictionary, CstElement, CstNode, IToken } from 'chevrotain';
import type { Span } from '../errors.js';

/** Where the parsed text sits in its file, so spans report file lines and columns. */
export interface SourcePosition {
  /** Lines before the text in its file: the text's first line is file line `lineOffset + 1`. */
  readonly lineOffset: number;
  /** Columns before the text on its first line. */
  readonly columnOffset: number;
}

/** A span for text at `line:column` of the parsed string, moved to its place in the file. */
export function spanAt(
  file: string,
  position: SourcePosition,
  startOffset: number,
  endOffset: number,
  line: number,
  column: number,
): Span {
  return {
    file,
    startOffset,
    endOffset,
    line: line + position.lineOffset,
    column: line === 1 ? column + position.columnOffset : column,
  };
}

export function isNode(element: CstElement): element is CstNode {
  return 'children' in element;
}

export function nodes(children: CstChildrenDictionary, key: string): CstNode[] {
  return (children[key] ?? []).filter(isNode);
}

export function tokens(children: CstChildrenDictionary, key: string): IToken[] {
  return (children[key] ?? []).filter((e): e is IToken => !isNode(e));
}

export function optionalNode(children: CstChildrenDictionary, key: string): CstNode | undefined {
  const elements = children[key];
  if (elements) for (const element of elements) if (isNode(element)) return element;
  return undefined;
}

export function requiredNode(children: CstChildrenDictionary, key: string): CstNode {
  const node = optionalNode(children, key);
  if (!node) throw new Error(`missing CST child '${key}'`);
  return node;
}

export function optionalToken(children: CstChildrenDictionary, key: string): IToken | undefined {
  const elements = children[key];
  if (elements) for (const element of elements) if (!isNode(element)) return element;
  return undefined;
}

export function requiredToken(children: CstChildrenDictionary, key: string): IToken {
  const token = optionalToken(children, key);
  if (!token) throw new Error(`missing CST token '${key}'`);
  return token;
}

/** The one child of an alternation node (`statement`, `primaryExpression`). */
export function onlyElement(children: CstChildrenDictionary): [string, CstElement] {
  for (const key in children) {
    const element = children[key]?.[0];
    if (element) return [key, element];
  }
  throw new Error('empty CST node');
}

export function onlyChild(children: CstChildrenDictionary): [string, CstNode] {
  const [key, element] = onlyElement(children);
  if (!isNode(element)) throw new Error(`expected a rule under '${key}', found a token`);
  return [key, element];
}
