// Asks the WebGPU implementation's shader compiler (Dawn's Tint here) what it
// thinks of a WGSL module. Tests require every module Tessera emits to compile
// with no errors and no warnings; the pipeline cache refuses modules that don't.

import { codeFrame } from '../compiler/errors.js';
import type { TesseraDevice } from './device.js';

export interface WgslMessage {
  readonly type: 'error' | 'warning' | 'info';
  readonly message: string;
  /** 1-based; 0 when the compiler gave no position. */
  readonly line: number;
  readonly column: number;
  /** The source line the message points at ('' without a position). */
  readonly lineText: string;
  /** `line | text` plus a caret line under the offending code ('' without a position). */
  readonly frame: string;
}

export interface WgslReport {
  readonly errors: WgslMessage[];
  readonly warnings: WgslMessage[];
  readonly infos: WgslMessage[];
  /** The module, usable for a pipeline when there are no errors. */
  readonly module: GPUShaderModule;
}

/** Compiles `code` and sorts the compiler's messages. */
export async function validateWgsl(
  device: TesseraDevice | GPUDevice,
  code: string,
  label = 'tessera',
): Promise<WgslReport> {
  const gpu = 'gpu' in device ? device.gpu : device;
  // The messages arrive through getCompilationInfo; the error scope keeps an
  // invalid module from also being reported as an uncaptured device error.
  gpu.pushErrorScope('validation');
  const module = gpu.createShaderModule({ code, label });
  const scope = gpu.popErrorScope();
  const messages = await compilationMessages(gpu, module, scope);
  const lines = code.split(/\r\n|\r|\n/);
  const report: WgslReport = { errors: [], warnings: [], infos: [], module };
  for (const raw of messages) {
    const message = toMessage(raw, lines, code, label);
    if (message.type === 'error') report.errors.push(message);
    else if (message.type === 'warning') report.warnings.push(message);
    else report.infos.push(message);
  }
  return report;
}

type RawMessage = Pick<GPUCompilationMessage, 'type' | 'message' | 'lineNum' | 'linePos' | 'offset' | 'length'>;

/** Devices whose implementation lacks getCompilationInfo (bun-webgpu 0.1), so it is not asked again. */
const withoutCompilationInfo = new WeakSet<GPUDevice>();

/**
 * The compiler's messages; where getCompilationInfo is not implemented, the
 * validation error scope's error instead (errors without positions, no warnings).
 */
async function compilationMessages(
  gpu: GPUDevice,
  module: GPUShaderModule,
  scope: Promise<GPUError | null>,
): Promise<readonly RawMessage[]> {
  if (!withoutCompilationInfo.has(gpu)) {
    try {
      const info = await module.getCompilationInfo();
      await scope;
      return info.messages;
    } catch {
      withoutCompilationInfo.add(gpu);
    }
  }
  const error = await scope;
  if (error === null) return [];
  return [{ type: 'error', message: error.message, lineNum: 0, linePos: 0, offset: 0, length: 0 }];
}

/** One line per message, each followed by its code frame. */
export function formatWgslMessages(messages: readonly WgslMessage[]): string {
  return messages
    .map((m) => {
      const where = m.line > 0 ? `${m.line}:${m.column}: ` : '';
      return `${where}${m.type}: ${m.message}${m.frame === '' ? '' : '\n' + m.frame}`;
    })
    .join('\n');
}

function toMessage(
  raw: RawMessage,
  lines: readonly string[],
  code: string,
  file: string,
): WgslMessage {
  const line = raw.lineNum;
  const column = raw.linePos;
  const lineText = line > 0 ? (lines[line - 1] ?? '') : '';
  const frame =
    line > 0
      ? codeFrame(code, {
          file,
          startOffset: raw.offset,
          endOffset: raw.offset + Math.max(1, raw.length),
          line,
          column: Math.max(1, column),
        })
      : '';
  return { type: raw.type, message: raw.message, line, column, lineText, frame };
}
