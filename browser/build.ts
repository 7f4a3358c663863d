// Builds the browser bundles with esbuild (`npm run build:browser`, also run by
// the playground server and the browser tests):
//
//   tessera.js          the compiler and runtime (what `import 'tessera'` gives an app)
//   tessera-runtime.js  the runtime alone, for apps that ship precompiled kernels
//   examples-page.js    + examples.html: runs examples/suite.ts on the page's device
//                       (precompiled.html loads tessera-runtime.js alone, a test hook)
//   playground.js       + index.html, playground.css: the playground
//
// Platform 'browser', ESM, and any Node built-in on the way is a build error
// (not a shim): the runtime reaches Node-only code (Dawn) through a dynamic
// import of a variable, which esbuild leaves alone. Identifiers are not
// minified, because kernels are compiled from their source text: a minifier
// would rename `tl` and the parameters the launches name.

import { builtinModules } from 'node:module';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Output name (without .js) -> entry point, relative to the repository root. */
export const BROWSER_ENTRIES: Readonly<Record<string, string>> = {
  tessera: 'index.ts',
  'tessera-runtime': 'runtime/index.ts',
  'examples-page': 'browser/examples-page.ts',
  playground: 'examples/playground/playground.ts',
};

/** Static files copied beside the bundles: output name -> source. */
const STATIC_FILES: Readonly<Record<string, string>> = {
  'examples.html': 'browser/examples.html',
  'precompiled.html': 'browser/precompiled.html',
  'index.html': 'examples/playground/index.html',
  'playground.css': 'examples/playground/playground.css',
};

export const DEFAULT_OUTDIR = join(ROOT, 'dist', 'browser');

export interface BrowserBuild {
  readonly outdir: string;
  /** Bytes of each bundle, by output name. */
  readonly sizes: Readonly<Record<string, number>>;
}

/** Fails the build on any import of a Node built-in (`node:fs`, `path`, ...). */
export const noNodeBuiltins: esbuild.Plugin = {
  name: 'no-node-builtins',
  setup(build) {
    const builtins = new Set(builtinModules);
    build.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
      if (!args.path.startsWith('node:') && !builtins.has(bare)) return undefined;
      const importer = args.importer === '' ? 'an entry point' : relative(ROOT, args.importer);
      return {
        errors: [
          {
            text: `'${args.path}' is a Node built-in, imported by ${importer}; code on the browser path must not need Node`,
          },
        ],
      };
    });
  },
};

export async function buildBrowser(outdir: string = DEFAULT_OUTDIR): Promise<BrowserBuild> {
  await mkdir(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(BROWSER_ENTRIES).map(([out, entry]) => ({ in: entry, out })),
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    metafile: true,
    logLevel: 'silent',
    plugins: [noNodeBuiltins],
  });
  await Promise.all(
    Object.entries(STATIC_FILES).map(([out, source]) => copyFile(join(ROOT, source), join(outdir, out))),
  );
  const sizes: Record<string, number> = {};
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    const name = /([^/]+)\.js$/.exec(file)?.[1];
    if (name !== undefined && name in BROWSER_ENTRIES) sizes[name] = output.bytes;
  }
  return { outdir, sizes };
}

// `npm run build:browser`
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outdir, sizes } = await buildBrowser();
  console.log(`browser bundles in ${relative(process.cwd(), outdir)}/`);
  for (const [name, bytes] of Object.entries(sizes))
    console.log(`  ${`${name}.js`.padEnd(22)} ${(bytes / 1024).toFixed(0).padStart(5)} KiB`);
}
