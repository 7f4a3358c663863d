// Running the `tessera` CLI in tests: as the real binary in a child process
// (bin/tessera.js, exactly what a user runs), or in-process through `main`
// with its output captured (much faster; same code path after argv).

import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { io } from '../../cli/io.js';
import { main } from '../../cli/main.js';
import type { JsonDiagnostic } from '../../cli/diagnostics.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin', 'tessera.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs bin/tessera.js with plain `node` (stdout/stderr are pipes: no TTY). */
export function runBinary(args: readonly string[], env: Readonly<Record<string, string>> = {}, cwd = ROOT): Promise<CliRun> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') childEnv[k] = v;
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...childEnv, ...env }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      done({ code, stdout, stderr });
    });
  });
}

/** Runs `main` in this process with its output captured (not a TTY, so no colors). */
export async function runInProcess(args: readonly string[]): Promise<CliRun> {
  const saved = { ...io };
  let stdout = '';
  let stderr = '';
  io.out = (text) => {
    stdout += text;
  };
  io.err = (text) => {
    stderr += text;
  };
  io.errIsTTY = () => false;
  try {
    const code = await main(args, ROOT);
    return { code, stdout, stderr };
  } finally {
    Object.assign(io, saved);
  }
}

/** The diagnostics of a --json run. */
export function diagnosticsOf(run: CliRun): JsonDiagnostic[] {
  const parsed: unknown = JSON.parse(run.stdout);
  if (typeof parsed !== 'object' || parsed === null || !('diagnostics' in parsed) || !Array.isArray(parsed.diagnostics))
    throw new Error(`not a --json result:\n${run.stdout}`);
  return parsed.diagnostics;
}

/** No internal stack trace reaches the user, on either stream. */
export function expectNoStackTrace(run: CliRun): void {
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toMatch(/^\s+at /m);
    expect(text).not.toMatch(/\.(ts|js|mjs):\d+:\d+\)/);
  }
}

/** A scratch directory under tests/artifacts (gitignored), as a path relative to the repository. */
export function artifactDir(name: string): string {
  const dir = join(ROOT, 'tests', 'artifacts', 'cli', name);
  mkdirSync(dir, { recursive: true });
  return relative(ROOT, dir);
}

/** Writes `text` to `dir/name` and returns that path (relative to the repository). */
export function writeFixture(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(join(ROOT, path), text);
  return path;
}

/** 'line:column' (1-based) of the first occurrence of `needle` in `text` at or after `from`. */
export function positionOf(text: string, needle: string, from = 0): string {
  const offset = text.indexOf(needle, from);
  if (offset < 0) throw new Error(`fixture does not contain ${JSON.stringify(needle)}`);
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${(before[before.length - 1]?.length ?? 0) + 1}`;
}
