#!/usr/bin/env node
// The `tessera` command. The CLI lives in cli/ (TypeScript); this file only
// finds and starts it, with no build step required:
// - installed package (no cli/ sources, only dist/): import dist/cli/main.js;
// - source checkout: bundle cli/main.ts with esbuild (a devDependency) into
//   node_modules/.cache/tessera-cli/, keyed by the sources' sizes and mtimes,
//   so it is rebuilt only after an edit (2-3x faster to start than
//   loading every module through tsx); without esbuild, load it through tsx.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(root, 'cli', 'main.ts');
const built = join(root, 'dist', 'cli', 'main.js');

async function loadMain() {
  if (!existsSync(source)) return import(pathToFileURL(built).href);
  let bundle = null;
  try {
    bundle = await bundled();
  } catch {
    // No esbuild, or a cache directory we cannot write: load the sources through tsx.
  }
  if (bundle !== null) return import(pathToFileURL(bundle).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(source).href);
}

/** The cached bundle of cli/main.ts for the current sources (built when missing). */
async function bundled() {
  let stamp = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts')) {
        const { size, mtimeMs } = statSync(path);
        stamp = (Math.imul(stamp ^ size, 31) + Math.floor(mtimeMs)) >>> 0;
        for (const ch of path) stamp = (Math.imul(stamp, 33) + ch.charCodeAt(0)) >>> 0;
      }
    }
  };
  for (const dir of ['cli', 'compiler', 'runtime']) visit(join(root, dir));
  const cache = join(root, 'node_modules', '.cache', 'tessera-cli');
  const out = join(cache, `main-${stamp.toString(16)}.mjs`);
  if (existsSync(out)) return out;
  const { build } = await import('esbuild');
  mkdirSync(cache, { recursive: true });
  const temp = `${out}.${process.pid}.tmp`;
  await build({ entryPoints: [source], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: temp, logLevel: 'error', sourcemap: 'inline' });
  renameSync(temp, out); // atomic: concurrent starts never see half a bundle
  for (const old of readdirSync(cache)) if (old !== `main-${stamp.toString(16)}.mjs` && !old.endsWith('.tmp')) rmSync(join(cache, old), { force: true });
  return out;
}

const { main } = await loadMain();
process.exit(await main(process.argv.slice(2), root));
