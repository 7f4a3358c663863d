// The one error family. Every mistake a user can make (in a kernel, a launch
// or a device limit) surfaces as a TesseraError with a kind, a message that
// says what and how to fix it, and, where there is source, a span and a code
// frame. Internal bugs are wrapped as kind 'internal' at the nearest span so a
// user never sees a bare stack trace from the compiler.

/** A half-open source range. Lines and columns are 1-based; offsets 0-based. */
export interface Span {
  readonly file: string;
  readonly startOffset: number;
  readonly endOffset: number;
  readonly line: number;
  readonly column: number;
}

export type ErrorKind =
  | 'syntax' // the text does not parse
  | 'unsupported' // parses as TypeScript, but Tessera kernels do not allow it
  | 'name' // unknown identifier or tl function
  | 'type' // dtype mismatch or an op applied to the wrong dtype
  | 'shape' // incompatible shapes, non-power-of-two aranges, bad axes
  | 'constexpr' // a value must be known at compile time and is not
  | 'launch' // wrong launch arguments: count, dtype, buffer size, grid
  | 'device' // no adapter, a device limit or feature is missing
  | 'device-lost' // the device was lost (destroyed, driver reset): call getDevice() again
  | 'internal'; // a Tessera bug; the message says so

export class TesseraError extends Error {
  override readonly name = 'TesseraError';
  constructor(
    readonly kind: ErrorKind,
    /** What went wrong and how to fix it, without the location. */
    readonly detail: string,
    readonly span?: Span,
    /** The whole source text the span points into, for the code frame. */
    readonly source?: string,
  ) {
    super(formatMessage(kind, detail, span, source));
  }
}

/** Thrown by compiler phases; a TesseraError with a kind from the compile-time kinds. */
export class CompileError extends TesseraError {}

/** Thrown by the runtime for bad launches and devices. */
export class LaunchError extends TesseraError {}

function formatMessage(kind: ErrorKind, detail: string, span?: Span, source?: string): string {
  const head = `${kind} error: ${detail}`;
  if (!span) return head;
  const where = `${span.file}:${span.line}:${span.column}`;
  const frame = source === undefined ? '' : '\n' + codeFrame(source, span);
  return `${where}: ${head}${frame}`;
}

/** `  4 | const x = tl.foo(1);` followed by a caret line under the span. */
export function codeFrame(source: string, span: Span): string {
  const lines = source.split(/\r\n|\r|\n/);
  const full = lines[span.line - 1] ?? '';
  const gutter = String(span.line);
  const spanLength = Math.max(1, span.endOffset - span.startOffset);
  // A long line (minified or transpiled source: fn.toString() may be one
  // line) is shown as a window around the span, marked with ellipses.
  const start = full.length > MAX_FRAME_WIDTH ? Math.max(0, span.column - 1 - FRAME_CONTEXT) : 0;
  const end = full.length > MAX_FRAME_WIDTH ? Math.min(full.length, span.column - 1 + Math.min(spanLength, MAX_FRAME_WIDTH - FRAME_CONTEXT)) : full.length;
  const before = start > 0 ? '…' : '';
  const text = before + full.slice(start, end) + (end < full.length ? '…' : '');
  const column = span.column - start + before.length;
  const width = Math.max(1, Math.min(spanLength, end - (span.column - 1)));
  const pad = ' '.repeat(gutter.length);
  const leading = text.slice(0, column - 1).replace(/[^\t]/g, ' ');
  return `${gutter} | ${text}\n${pad} | ${leading}${'^'.repeat(width)}`;
}

const MAX_FRAME_WIDTH = 120;
/** Characters shown before the span in a windowed line. */
const FRAME_CONTEXT = 40;

/** Span covering from the start of `a` to the end of `b`. */
export function joinSpans(a: Span, b: Span): Span {
  return { ...a, endOffset: Math.max(a.endOffset, b.endOffset) };
}
