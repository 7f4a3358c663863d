// Runs examples/suite.ts on the default device of whichever runtime executes
// this file (`deno run`, `bun`, or Node) and prints one line of JSON:
// { runtime, device, source, rows } or { runtime, error: { kind, message } }.
// tests/runtimes runs it under Deno and Bun and checks every row.

import { getDevice, TesseraError } from '../index.js';
import { runSuite } from './suite.js';

function runtimeName(): string {
  const versions: Record<string, string | undefined> =
    typeof process === 'undefined' ? {} : { ...process.versions };
  if ('Deno' in globalThis) return `deno ${versions.deno ?? ''}`.trim();
  if (versions.bun !== undefined) return `bun ${versions.bun}`;
  return `node ${versions.node ?? ''}`.trim();
}

const runtime = runtimeName();
try {
  const device = await getDevice();
  const rows = await runSuite(device);
  console.log(JSON.stringify({ runtime, device: device.name, source: device.source, rows }));
  device.destroy();
} catch (error) {
  const report =
    error instanceof TesseraError
      ? { kind: error.kind, message: error.message }
      : { kind: 'unexpected', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  console.log(JSON.stringify({ runtime, error: report }));
}
