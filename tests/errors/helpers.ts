// Shared by the error catalogue: compile a kernel source that must fail, and
// check everything a user sees of the failure: the error class and kind, the
// message, the exact line:column of the span, and a code frame (file:line:col,
// the source line, a caret under the span) with no stack frames in it.

import { expect } from 'vitest';
import { compileSource } from '../../compiler/compile.js';
import { CompileError, TesseraError, type ErrorKind } from '../../compiler/errors.js';
import type { ArgSpec } from '../../compiler/lower/lower.js';

/**
 * Argument specs in a short form: '*f32' is a buffer, 'i32' a scalar, and a
 * number or boolean a constexpr value.
 */
export function args(...items: readonly (string | number | boolean)[]): ArgSpec[] {
  return items.map((item): ArgSpec => {
    if (typeof item !== 'string') return { role: 'constexpr', value: item };
    const dtype = item.replace(/^\*/, '');
    if (dtype !== 'f32' && dtype !== 'i32' && dtype !== 'u32') throw new Error(`bad dtype in test: ${item}`);
    return item.startsWith('*') ? { role: 'buffer', dtype } : { role: 'scalar', dtype };
  });
}

/** The error `run` throws (fails the test when it throws none, or something else). */
export function thrown(run: () => unknown): TesseraError {
  try {
    run();
  } catch (error) {
    if (error instanceof TesseraError) return error;
    throw new Error(`expected a TesseraError, got: ${error instanceof Error ? error.stack : String(error)}`);
  }
  throw new Error('expected an error, but it compiled');
}

export const FILE = 'kernels/bad.ts';

/** Compile `source` for `specs` (with the verifier on); return the CompileError it must raise. */
export function compileError(source: string, specs: readonly ArgSpec[]): TesseraError {
  const error = thrown(() => compileSource(source, specs, { file: FILE, verify: true }));
  expect(error).toBeInstanceOf(CompileError);
  return error;
}

export interface Expected {
  readonly kind: ErrorKind;
  /** Fragments the message must contain (what went wrong, and how to fix it). */
  readonly message: string | readonly string[];
  /** 'line:column' of the span, 1-based. */
  readonly at: string;
  /** The source text the caret underlines (the span, cut at the end of its line). */
  readonly under?: string;
  /** The file name the frame shows (default FILE). */
  readonly file?: string;
}

/** Assert kind, message, position and the code frame of `error` against `source`. */
export function expectError(error: TesseraError, source: string, expected: Expected): void {
  const file = expected.file ?? FILE;
  expect(error.kind).toBe(expected.kind);
  for (const fragment of typeof expected.message === 'string' ? [expected.message] : expected.message)
    expect(error.detail).toContain(fragment);
  const span = error.span;
  expect(span, 'the error has a span').toBeDefined();
  if (!span) return;
  expect(`${span.line}:${span.column}`).toBe(expected.at);
  expect(span.file).toBe(file);

  // The frame: "file:line:col: kind error: detail", then "L | text", then "  | ^^^".
  const lines = error.message.split('\n');
  expect(lines[0]).toBe(`${file}:${expected.at}: ${expected.kind} error: ${error.detail.split('\n')[0]}`);
  const sourceLine = source.split(/\r\n|\r|\n/)[span.line - 1] ?? '';
  const gutter = String(span.line);
  const frameAt = lines.indexOf(`${gutter} | ${sourceLine}`);
  expect(frameAt, `the frame shows source line ${span.line}:\n${error.message}`).toBeGreaterThan(0);
  const caretLine = lines[frameAt + 1] ?? '';
  const prefix = `${' '.repeat(gutter.length)} | `;
  expect(caretLine.startsWith(prefix)).toBe(true);
  const carets = caretLine.slice(prefix.length);
  expect(carets.slice(0, span.column - 1).trim(), 'only spaces before the caret').toBe('');
  const marked = carets.slice(span.column - 1);
  expect(marked).toMatch(/^\^+$/);
  if (expected.under !== undefined) expect(sourceLine.slice(span.column - 1, span.column - 1 + marked.length)).toBe(expected.under);

  // No stack frames from the compiler in what the user reads.
  expect(error.message).not.toMatch(/^\s+at /m);
  expect(error.message).not.toMatch(/\.ts:\d+:\d+\)/);
}

export interface Case extends Expected {
  readonly name: string;
  readonly source: string;
  readonly args: readonly ArgSpec[];
}

/** Compile a catalogue case and check its error. */
export function checkCase(c: Case): TesseraError {
  const error = compileError(c.source, c.args);
  expectError(error, c.source, c);
  return error;
}
