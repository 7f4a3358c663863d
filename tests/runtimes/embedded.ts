// Runs examples/embedded-main.ts in another JavaScript runtime (Deno, Bun,
// Node) as a subprocess and returns its one-line JSON report. A runtime that
// is not installed is a test failure that says how to install it.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { SuiteRow } from '../../examples/suite.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const EMBEDDED_MAIN = join(ROOT, 'examples', 'embedded-main.ts');

export type EmbeddedReport =
  | { readonly runtime: string; readonly device: string; readonly source: string; readonly rows: readonly SuiteRow[] }
  | { readonly runtime: string; readonly error: { readonly kind: string; readonly message: string } };

/** A runtime's executable from node_modules/.bin (npm `deno`, `bun`). */
export function localBinary(name: string): string {
  const path = join(ROOT, 'node_modules', '.bin', name);
  if (!existsSync(path))
    throw new Error(`${name} is not installed (expected ${path}); run \`bash scripts/setup.sh\` (npm ci installs it as a devDependency)`);
  return path;
}

export async function runEmbedded(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<EmbeddedReport> {
  const child = spawn(command, [...args], {
    cwd: ROOT,
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? `/tmp/xdg-runtime-${process.getuid?.() ?? 0}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{'))
    throw new Error(`${command} ${args.join(' ')} exited with ${String(code)}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  const report: EmbeddedReport = JSON.parse(last);
  return report;
}

/** Every example ran and matched its reference, on a real (not Dawn's null) adapter. */
export function expectAllExamplesPass(report: EmbeddedReport, runtime: RegExp): void {
  expect(report.runtime).toMatch(runtime);
  if ('error' in report) throw new Error(`${report.runtime} found no device: ${report.error.message}`);
  expect(report.device).not.toMatch(/null-backend|^unknown$/);
  expect(report.rows.length).toBeGreaterThanOrEqual(7);
  for (const row of report.rows) {
    expect(row.error, `${row.example} ${row.size}`).toBeUndefined();
    expect(row.ok, `${row.example} ${row.size}: max abs err ${row.maxAbsErr}`).toBe(true);
    expect(row.maxAbsErr ?? Infinity).toBeLessThanOrEqual(row.tolerance ?? 0);
  }
}
