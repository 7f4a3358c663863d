// What the CLI tells a person (or an editor) when something is wrong: one
// Diagnostic per problem, with a kind, a message, a position in the user's own
// file (or in the --signature string), a code frame cut from that text, and a
// hint where the CLI knows how to fix it. Rendered as text (colored on a
// terminal only) or as JSON (--json). Exit codes: 0 ok, 1 a compile error,
// 2 a usage error (bad flags, signature, file or kernel name).

import pc from 'picocolors';
import { codeFrame, TesseraError, type ErrorKind, type Span } from '../compiler/errors.js';
import { suggest } from '../compiler/lower/ast-utils.js';

export type Colors = ReturnType<typeof pc.createColors>;

/** The compiler's kinds, plus the CLI's own. */
export type DiagnosticKind = ErrorKind | 'usage' | 'signature' | 'file';

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly kind: DiagnosticKind;
  /** What went wrong and how to fix it, without the location. */
  readonly message: string;
  /** Where, in the user's file or in '--signature'; absent for problems without a place. */
  readonly span?: Span;
  /** The text `span` points into (the file, or the signature string). */
  readonly text?: string;
  readonly hint?: string;
}

export const EXIT_OK = 0;
export const EXIT_COMPILE_ERROR = 1;
export const EXIT_USAGE = 2;

/** Kinds that mean the command line (not the kernel) was wrong: exit code 2. */
const USAGE_KINDS: ReadonlySet<DiagnosticKind> = new Set(['usage', 'signature', 'file']);

export function exitCodeFor(diagnostics: readonly Diagnostic[]): number {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return EXIT_OK;
  return errors.some((d) => USAGE_KINDS.has(d.kind)) ? EXIT_USAGE : EXIT_COMPILE_ERROR;
}

/** A problem the CLI finds itself; thrown to abort the command with its diagnostics. */
export class CliError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: Diagnostic | readonly Diagnostic[]) {
    const list = isList(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => d.message).join('\n'));
    this.diagnostics = list;
  }
}

function isList(d: Diagnostic | readonly Diagnostic[]): d is readonly Diagnostic[] {
  return Array.isArray(d);
}

export function usageError(message: string, hint?: string): CliError {
  return new CliError({ severity: 'error', kind: 'usage', message, ...(hint ? { hint } : {}) });
}

/**
 * A compiler error as a diagnostic. `fileText` is the whole user file: spans
 * from the CLI's parse are in file coordinates, so the frame is cut from the
 * file itself, not from the kernel text the compiler saw.
 */
export function fromTesseraError(error: TesseraError, fileText?: string, hint?: string): Diagnostic {
  const text = fileText ?? error.source;
  return {
    severity: 'error',
    kind: error.kind,
    message: error.detail,
    ...(error.span ? { span: error.span } : {}),
    ...(error.span && text !== undefined ? { text } : {}),
    ...(hint ? { hint } : {}),
  };
}

/**
 * Whatever a command throws, as diagnostics: the CLI's own errors carry them,
 * compiler errors become one, and anything else is a Tessera bug, reported
 * without its stack trace.
 */
export function diagnosticsOf(error: unknown): readonly Diagnostic[] {
  if (error instanceof CliError) return error.diagnostics;
  if (error instanceof TesseraError) return [fromTesseraError(error)];
  const detail = error instanceof Error ? error.message : String(error);
  return [{
    severity: 'error',
    kind: 'internal',
    message: `${detail}. This is a Tessera bug; please report it with the command line and the kernel source`,
  }];
}

/** `file:line:col: error[kind]: message`, the code frame, and the hint. */
export function renderDiagnostic(d: Diagnostic, c: Colors): string {
  const label = d.severity === 'error' ? c.red(c.bold(`${d.severity}[${d.kind}]`)) : c.yellow(c.bold(`${d.severity}[${d.kind}]`));
  const where = d.span ? c.bold(`${d.span.file}:${d.span.line}:${d.span.column}`) + ': ' : '';
  const lines = [`${where}${label}: ${d.message}`];
  if (d.span && d.text !== undefined) {
    const frame = codeFrame(d.text, d.span).split('\n');
    const [source = '', caret = ''] = frame;
    lines.push(c.dim(gutterOf(source)) + source.slice(gutterOf(source).length), c.dim(gutterOf(caret)) + c.red(caret.slice(gutterOf(caret).length)));
  }
  if (d.hint) lines.push(`${c.cyan('hint')}: ${d.hint}`);
  return lines.join('\n');
}

function gutterOf(frameLine: string): string {
  return /^\s*\d* \| /.exec(frameLine)?.[0] ?? '';
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], c: Colors): string {
  const body = diagnostics.map((d) => renderDiagnostic(d, c)).join('\n\n');
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors < 2) return body;
  return `${body}\n\n${c.red(`${errors} errors`)}`;
}

/** The JSON form for editors: positions 1-based, end exclusive, plus the plain frame. */
export interface JsonDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly kind: DiagnosticKind;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly hint?: string;
  readonly frame?: string;
}

export function toJson(d: Diagnostic): JsonDiagnostic {
  const span = d.span;
  if (!span) return { severity: d.severity, kind: d.kind, message: d.message, ...(d.hint ? { hint: d.hint } : {}) };
  const end = endOf(span, d.text);
  return {
    severity: d.severity,
    kind: d.kind,
    message: d.message,
    file: span.file,
    line: span.line,
    column: span.column,
    endLine: end.line,
    endColumn: end.column,
    ...(d.hint ? { hint: d.hint } : {}),
    ...(d.text !== undefined ? { frame: codeFrame(d.text, span) } : {}),
  };
}

/** Where a span ends: its length walked through the text from its start. */
function endOf(span: Span, text: string | undefined): { line: number; column: number } {
  const length = Math.max(0, span.endOffset - span.startOffset);
  if (text === undefined) return { line: span.line, column: span.column + length };
  const lines = text.split(/\r\n|\r|\n/);
  let line = span.line;
  let column = span.column;
  let left = length;
  while (left > 0) {
    const rest = (lines[line - 1]?.length ?? 0) + 1 - column;
    if (left <= rest || line >= lines.length) return { line, column: column + left };
    left -= rest + 1;
    line++;
    column = 1;
  }
  return { line, column };
}

/** The known name `name` is probably a typo of: a close edit, or the same letters swapped. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const sorted = (s: string): string => [...s.toLowerCase()].sort().join('');
  return suggest(name, known) ?? known.find((k) => k.length === name.length && sorted(k) === sorted(name));
}
