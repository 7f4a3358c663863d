// Runs one of the repository's TypeScript programs (the examples, the
// benchmarks) in a child Node process with tsx as its loader, streaming its
// output; resolves with its exit code. These programs exist only in a source
// checkout, where tsx (a devDependency) is installed.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from './diagnostics.js';

export function runTsProgram(root: string, script: string, args: readonly string[]): Promise<number> {
  const path = join(root, script);
  if (!existsSync(path))
    throw usageError(`${script} is not here: the examples and benchmarks are part of Tessera's source checkout, not of the installed package`, 'clone the repository, run npm install, and run the command there');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
