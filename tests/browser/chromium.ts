// Headless Chromium for the browser tests: Debian's `chromium` package, driven
// by playwright-core (which never downloads a browser of its own here). WebGPU
// in headless Chromium runs on SwiftShader and needs --enable-unsafe-webgpu.
// A missing browser is a test failure that says how to install it, never a skip.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildBrowser, type BrowserBuild } from '../../browser/build.js';
import { serveStatic, type StaticServer } from '../../browser/static-server.js';

export const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';

/** Where tests leave artifacts (screenshots); gitignored. */
export const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

export interface BrowserSession {
  readonly browser: Browser;
  readonly server: StaticServer;
  readonly build: BrowserBuild;
  /** A new page at `path` of the served bundles, logging the page's console errors. */
  open(path: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Builds the browser bundles into a fresh directory, serves them on a random
 * port and launches Chromium, with WebGPU (the default) or without it.
 */
export async function startBrowser(
  options: { readonly webgpu?: boolean; /** Serve these bundles instead of building afresh. */ readonly build?: BrowserBuild } = {},
): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser tests need headless Chromium at ${CHROMIUM} and it is not installed. ` +
        'Run `bash scripts/setup.sh` (it installs Debian\'s `chromium` package), or set TESSERA_CHROMIUM to a Chromium binary.',
    );
  }
  const work = mkdtempSync(join(tmpdir(), 'tessera-browser-'));
  const build = options.build ?? (await buildBrowser(join(work, 'bundles')));
  const server = await serveStatic(build.outdir);
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${join(work, 'profile')}`,
    // playwright-core talks to the browser over this pipe; with ignoreDefaultArgs it must be asked for.
    '--remote-debugging-pipe',
    ...(options.webgpu === false ? [] : ['--enable-unsafe-webgpu']),
    'about:blank',
  ];
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, ignoreDefaultArgs: true, args, timeout: 30_000 });
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    browser,
    server,
    build,
    async open(path) {
      const page = await browser.newPage();
      page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
      await page.goto(`${server.url}/${path}`);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
