// Turning whatever a command throws into diagnostics: the CLI's own errors
// carry them, compiler errors become one, anything else is a Tessera bug
// reported without its stack.

import { TesseraError } from '../compiler/errors.js';
import { CliError, fromTesseraError, fromUnknown, type Diagnostic } from './diagnostics.js';

export function diagnosticsOf(error: unknown): readonly Diagnostic[] {
  if (error instanceof CliError) return error.diagnostics;
  if (error instanceof TesseraError) return [fromTesseraError(error)];
  return [fromUnknown(error)];
}
