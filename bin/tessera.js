#!/usr/bin/env node
// The `tessera` command. Reserved for the ahead-of-time CLI (compile, ir,
// wgsl, run, bench); until it lands only --version and --help work.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const arg = process.argv[2];
if (arg === '--version' || arg === '-v') {
  console.log(pkg.version);
} else {
  console.log(`tessera ${pkg.version}

Usage: tessera --version | --help

The ahead-of-time commands (compile, ir, wgsl, run, bench) are not built yet.
Compile kernels at run time with kernel(fn, options) from 'tessera'.`);
  process.exit(arg === '--help' || arg === '-h' ? 0 : 2);
}
