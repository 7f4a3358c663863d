// The frontend's entry points: kernel source text in, KernelFunction out.
//
// The source is one function, as written in a .ts file or as returned by
// `fn.toString()` after tsc/esbuild/Vite stripped the types. Lexer, parser and
// AST-builder errors all become CompileErrors with a span and a code frame.

import { tokenMatcher, type IToken } from 'chevrotain';
import { CompileError, type Span } from '../errors.js';
import type { KernelFunction } from './ast.js';
import {
  kernelLexer,
  INVALID_GROUP,
  UnsupportedKeyword,
  UnterminatedComment,
  UnterminatedString,
} from './lexer.js';
import { fastParseKernel } from './fast-parse.js';
import { describeToken } from './parser-messages.js';
import { kernelParser } from './parser.js';
import { spanAt, type SourcePosition } from './cst-access.js';
import { AstBuilder } from './to-ast.js';

export interface ParseOptions {
  /**
   * Lines in the file before the source text: a function found at line 40 of a
   * file is parsed with `lineOffset: 39`, and spans then report file lines.
   */
  readonly lineOffset?: number;
  /** Columns before the source text on its first line (later lines are unaffected). */
  readonly columnOffset?: number;
}

export interface ParseResult {
  /** Present exactly when `errors` is empty. */
  readonly kernel?: KernelFunction;
  /** Every problem found, in source order. */
  readonly errors: readonly CompileError[];
}

/** Parse one kernel function; throws the first CompileError (kind 'syntax' or 'unsupported'). */
export function parseKernel(
  source: string,
  file = '<kernel>',
  options: ParseOptions = {},
): KernelFunction {
  const { kernel, errors } = parseKernelAll(source, file, options);
  const first = errors[0];
  if (first) throw first;
  if (!kernel)
    throw new CompileError('internal', 'the parser produced neither a kernel nor an error');
  return kernel;
}

/** Parse one kernel function and report every error instead of the first (for tools). */
export function parseKernelAll(
  source: string,
  file = '<kernel>',
  options: ParseOptions = {},
): ParseResult {
  return parseWith(source, file, options, true);
}

/** parseKernelAll without the fast path: the grammar parses every source (tests compare the two). */
export function parseKernelAllWithGrammar(
  source: string,
  file = '<kernel>',
  options: ParseOptions = {},
): ParseResult {
  return parseWith(source, file, options, false);
}

function parseWith(source: string, file: string, options: ParseOptions, fastPath: boolean): ParseResult {
  const position: SourcePosition = {
    lineOffset: options.lineOffset ?? 0,
    columnOffset: options.columnOffset ?? 0,
  };
  const frame = frameSource(source, options);
  const at = (startOffset: number, endOffset: number): Span => {
    const { line, column } = lineAndColumn(source, startOffset);
    return spanAt(file, position, startOffset, endOffset, line, column);
  };
  const errors: CompileError[] = [];
  // Errors at the end of the input (a missing `}`) are usually the echo of an
  // earlier problem such as an unterminated comment, so they sort last.
  const atEnd = new Set<CompileError>();

  const lexed = kernelLexer.tokenize(source);
  for (const error of lexed.errors) {
    const char = source.slice(error.offset, error.offset + 1);
    const span = at(error.offset, error.offset + 1);
    errors.push(new CompileError('syntax', `unexpected character '${char}'`, span, frame));
  }
  for (const token of lexed.groups[INVALID_GROUP] ?? []) {
    const span = at(token.startOffset, token.startOffset + 1);
    errors.push(new CompileError('syntax', invalidTokenMessage(token), span, frame));
  }

  // Most kernels are plain JavaScript the fast path builds the AST for
  // directly; it gives up on anything else, which the grammar below handles.
  if (fastPath && errors.length === 0) {
    const kernel = fastParseKernel(lexed.tokens, file, position);
    if (kernel) return { kernel, errors: [] };
  }

  const parser = kernelParser();
  const cst = parser.parseKernel(lexed.tokens);
  const last = lexed.tokens[lexed.tokens.length - 1];
  const endOfInput = last ? (last.endOffset ?? last.startOffset) + 1 : source.length;
  for (const error of parser.errors) {
    const token = error.token;
    const isEnd = token.tokenType.name === 'EOF';
    const span = isEnd
      ? at(endOfInput, endOfInput)
      : at(token.startOffset, (token.endOffset ?? token.startOffset) + 1);
    if (!isEnd && tokenMatcher(token, UnsupportedKeyword)) {
      errors.push(
        new CompileError('unsupported', unsupportedKeywordMessage(token.image), span, frame),
      );
    } else {
      // Grammar messages say what was expected; the token found is added here for all of them.
      const message =
        error.name === 'NotAllInputParsedException'
          ? error.message
          : `${error.message}, found ${describeToken(token)}`;
      const compileError = new CompileError('syntax', message, span, frame);
      if (isEnd) atEnd.add(compileError);
      errors.push(compileError);
    }
  }

  // A CST with syntax errors has holes; building an AST from it would only add noise.
  if (errors.length === 0) {
    const builder = new AstBuilder(file, source, position, frame);
    try {
      const kernel = builder.kernel(cst);
      if (builder.errors.length === 0) return { kernel, errors: [] };
    } catch (error) {
      if (!(error instanceof CompileError)) throw error;
      builder.errors.push(error);
    }
    errors.push(...builder.errors);
  }
  const order = (error: CompileError): number =>
    atEnd.has(error) ? Number.POSITIVE_INFINITY : (error.span?.startOffset ?? 0);
  return {
    errors: dedupe(errors).sort((a, b) => order(a) - order(b)),
  };
}

/**
 * The text code frames should index into: the source moved down by
 * `lineOffset` lines and right by `columnOffset` columns, so that spans in
 * file coordinates land on the right line of it. Later phases that build
 * CompileErrors for a kernel parsed with offsets should pass this as `source`.
 */
export function frameSource(source: string, options: ParseOptions = {}): string {
  return '\n'.repeat(options.lineOffset ?? 0) + ' '.repeat(options.columnOffset ?? 0) + source;
}

/** 1-based line and column of `offset`, counting `\n`, `\r\n` and `\r` as chevrotain does. */
function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const terminator = /\r\n?|\n/g;
  for (
    let match = terminator.exec(source);
    match && match.index < offset;
    match = terminator.exec(source)
  ) {
    line++;
    lineStart = match.index + match[0].length;
  }
  return { line, column: offset - lineStart + 1 };
}

function invalidTokenMessage(token: IToken): string {
  if (tokenMatcher(token, UnterminatedComment)) return "unterminated comment: add the closing '*/'";
  if (tokenMatcher(token, UnterminatedString))
    return 'unterminated string literal: add the closing quote';
  return 'unterminated template literal: add the closing backquote';
}

const keywordMessages: Record<string, string> = {
  class: 'classes are not supported in kernels',
  extends: 'classes are not supported in kernels',
  super: 'classes are not supported in kernels',
  switch: "'switch' is not supported in kernels; use if/else",
  case: "'switch' is not supported in kernels; use if/else",
  default: "'switch' is not supported in kernels; use if/else",
  try: "exceptions ('try', 'catch', 'throw') are not supported in kernels: GPU code cannot throw",
  catch: "exceptions ('try', 'catch', 'throw') are not supported in kernels: GPU code cannot throw",
  finally:
    "exceptions ('try', 'catch', 'throw') are not supported in kernels: GPU code cannot throw",
  throw: "exceptions ('try', 'catch', 'throw') are not supported in kernels: GPU code cannot throw",
  yield: "generators ('yield') are not supported in kernels",
  import: "'import' cannot appear in a kernel; the source must be a single function",
  export: "'export' cannot appear in a kernel; the source must be a single function",
  enum: 'enums are not supported in kernels; use numeric constants',
};

function unsupportedKeywordMessage(word: string): string {
  return keywordMessages[word] ?? `'${word}' is not supported in kernels`;
}

/** Recovery can report the same problem twice at one place; keep the first. */
function dedupe(errors: readonly CompileError[]): CompileError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.span?.startOffset ?? -1}:${error.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
