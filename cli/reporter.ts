// Where a command's output goes. Text mode: results on stdout, diagnostics on
// stderr, colored only when stderr is a terminal, NO_COLOR is unset and
// --no-color was not given (FORCE_COLOR forces it, for tests). JSON mode
// (--json): nothing but one JSON object on stdout at the end, holding the
// diagnostics and the command's result.

import pc from 'picocolors';
import { io } from './io.js';
import { exitCodeFor, renderDiagnostics, toJson, type Colors, type Diagnostic } from './diagnostics.js';

export interface OutputSettings {
  readonly json?: boolean;
  /** false after --no-color. */
  readonly color?: boolean;
}

export class Reporter {
  readonly json: boolean;
  readonly colors: Colors;
  private readonly diagnostics: Diagnostic[] = [];
  private readonly result: Record<string, unknown> = {};

  constructor(settings: OutputSettings) {
    this.json = settings.json === true;
    this.colors = pc.createColors(colorEnabled(settings));
  }

  /** A line of the command's result (text mode only). */
  print(text: string): void {
    if (!this.json) io.out(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A progress or summary note for people (stderr, text mode only). */
  note(text: string): void {
    if (!this.json) io.err(`${text}\n`);
  }

  /** A field of the JSON result. */
  set(key: string, value: unknown): void {
    this.result[key] = value;
  }

  add(...diagnostics: readonly Diagnostic[]): void {
    this.diagnostics.push(...diagnostics);
  }

  /** Writes the diagnostics (or the JSON object) and returns the exit code. */
  finish(code = exitCodeFor(this.diagnostics)): number {
    if (this.json) {
      io.out(JSON.stringify({ ok: code === 0, exitCode: code, diagnostics: this.diagnostics.map(toJson), ...this.result }, null, 2) + '\n');
    } else if (this.diagnostics.length > 0) {
      io.err(renderDiagnostics(this.diagnostics, this.colors) + '\n');
    }
    return code;
  }
}

function colorEnabled(settings: OutputSettings): boolean {
  if (settings.color === false || settings.json) return false;
  const env = process.env;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return io.errIsTTY() && env['TERM'] !== 'dumb';
}
