// Parser error wording. Every message here says what was EXPECTED; parse.ts
// appends ", found <token>" uniformly (the grammar's ERR_MSG texts replace
// chevrotain's message wholesale, so appending in one place keeps them alike).

import {
  tokenLabel,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from 'chevrotain';
import { RCurly } from './lexer.js';

export const parserErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, ruleName }) {
    // Reached by in-repetition recovery, when a body's statement list stops at a
    // token that cannot start a statement (the grammar's own ERR_MSG is bypassed).
    if (expected === RCurly && (ruleName === 'functionBody' || ruleName === 'block')) {
      return "expected a statement or '}'";
    }
    return `expected ${tokenLabel(expected)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)} after the end of the kernel function; the source must contain exactly one function`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, customUserDescription }) {
    if (customUserDescription !== undefined) return `expected ${customUserDescription}`;
    return `expected ${firstTokens(expectedPathsPerAlt.flat())}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, customUserDescription }) {
    if (customUserDescription !== undefined) return `expected ${customUserDescription}`;
    return `expected ${firstTokens(expectedIterationPaths)}`;
  },
};

/** `'{'`, `'x'`, or "the end of the input" for chevrotain's EOF token. */
export function describeToken(token: IToken): string {
  if (token.tokenType.name === 'EOF') return 'the end of the input';
  const image = token.image.length > 20 ? `${token.image.slice(0, 17)}...` : token.image;
  return `'${image}'`;
}

/** "')', ',' or ';'" from the first token of each possible path. */
function firstTokens(paths: readonly (readonly TokenType[])[]): string {
  const labels = [...new Set(paths.flatMap((path) => (path[0] ? [tokenLabel(path[0])] : [])))];
  if (labels.length === 0) return 'something else';
  if (labels.length === 1) return labels[0] ?? '';
  return `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1] ?? ''}`;
}
