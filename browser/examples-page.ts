// The page tests/browser opens (dist/browser/examples.html): it acquires the
// page's WebGPU device, runs examples/suite.ts (the same code Node, Deno and
// Bun run), shows a table, and leaves the report on `window.tesseraExamples`
// for the test to await. With no usable WebGPU the report carries getDevice()'s
// TesseraError, which the page also shows.

import { getDevice, TesseraError } from '../index.js';
import { runSuite, type SuiteRow } from '../examples/suite.js';

export type ExamplesPageReport =
  | { readonly device: string; readonly rows: readonly SuiteRow[] }
  | { readonly error: { readonly kind: string; readonly message: string } };

declare global {
  interface Window {
    tesseraExamples?: Promise<ExamplesPageReport>;
  }
}

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`examples.html has no #${id}`);
  return found;
}

function cell(row: HTMLTableRowElement, text: string, className?: string): void {
  const td = row.insertCell();
  td.textContent = text;
  if (className !== undefined) td.className = className;
}

function show(report: ExamplesPageReport): void {
  if ('error' in report) {
    element('status').textContent = `no device (${report.error.kind} error)`;
    const pre = element('error');
    pre.textContent = report.error.message;
    pre.hidden = false;
    return;
  }
  const failed = report.rows.filter((r) => !r.ok).length;
  element('status').textContent = `device: ${report.device} — ${report.rows.length - failed} of ${report.rows.length} passed`;
  const table = element('results');
  const body = table.querySelector('tbody');
  for (const r of report.rows) {
    const row = body?.insertRow();
    if (row === undefined) break;
    cell(row, r.example);
    cell(row, r.size);
    cell(row, r.maxAbsErr === null ? '∞' : r.maxAbsErr.toExponential(2));
    cell(row, r.ok ? 'ok' : (r.error ?? `over ${r.tolerance}`), r.ok ? undefined : 'fail');
    cell(row, r.compileMs === null ? '-' : r.compileMs.toFixed(1));
  }
  table.hidden = false;
}

async function run(): Promise<ExamplesPageReport> {
  let report: ExamplesPageReport;
  try {
    const device = await getDevice();
    report = { device: device.name, rows: await runSuite(device) };
  } catch (error) {
    report =
      error instanceof TesseraError
        ? { error: { kind: error.kind, message: error.message } }
        : { error: { kind: 'unexpected', message: String(error) } };
  }
  show(report);
  return report;
}

window.tesseraExamples = run();
