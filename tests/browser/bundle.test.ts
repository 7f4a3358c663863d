// The browser bundles: built by esbuild for platform 'browser' with every Node
// built-in refused, and the kernels inside still compile although the bundler
// renamed `tl` (bundling puts every module in one scope).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BROWSER_ENTRIES, buildBrowser, noNodeBuiltins } from '../../browser/build.js';

describe('browser bundles', () => {
  it('build every entry with no Node built-in and no require()', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'tessera-bundle-'));
    try {
      const { sizes } = await buildBrowser(outdir);
      expect(Object.keys(sizes).sort()).toEqual(Object.keys(BROWSER_ENTRIES).sort());
      for (const name of Object.keys(BROWSER_ENTRIES)) {
        const text = readFileSync(join(outdir, `${name}.js`), 'utf8');
        // (lodash, inside chevrotain, probes `module.require` behind a guard; no bare require.)
        expect(text, name).not.toMatch(/(?<![.\w$])require\(|from ["']node:|import\(["']node:/);
      }
      // The runtime-only bundle carries no compiler (no parser library).
      expect(readFileSync(join(outdir, 'tessera-runtime.js'), 'utf8')).not.toMatch(/chevrotain|CstParser/);
      // Bundling renamed `tl` in the examples' kernels; kernel() accepts that.
      expect(readFileSync(join(outdir, 'examples-page.js'), 'utf8')).toMatch(/function add_kernel[^]*?\btl\d+\.programId\(0\)/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it.each(['node:fs', 'path', 'node:child_process'])('refuses a module that imports %s, naming it', async (specifier) => {
    const build = esbuild.build({
      stdin: { contents: `import * as m from '${specifier}'; console.log(m);`, resolveDir: process.cwd(), sourcefile: 'app.ts' },
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
      plugins: [noNodeBuiltins],
    });
    await expect(build).rejects.toThrow(`'${specifier}' is a Node built-in`);
  });
});
