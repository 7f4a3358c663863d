// The playground in headless Chromium: it loads and runs the first example,
// compiles and runs an edited kernel (checked against the reference, with the
// IR after every stage and the WGSL shown), and shows a compile error as a code
// frame under the editor. Screenshots go to tests/artifacts/ (gitignored).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline } from '../../compiler/compile.js';
import { ARTIFACTS, startBrowser, type BrowserSession } from './chromium.js';

let session: BrowserSession;
let page: Page;
beforeAll(async () => {
  session = await startBrowser();
  page = await session.open('index.html');
});
afterAll(async () => {
  await session?.close();
});

/** Clicks "Compile & run" and waits for the run to finish; returns the final state. */
async function compileAndRun(): Promise<string | undefined> {
  await page.evaluate(() => (document.body.dataset.state = 'clicked'));
  await page.click('#run');
  await page.waitForSelector('body[data-state=done], body[data-state=error]', { timeout: 60_000 });
  return page.evaluate(() => document.body.dataset.state);
}

async function text(selector: string): Promise<string> {
  return (await page.locator(selector).textContent()) ?? '';
}

describe('playground', () => {
  it('loads, runs the first example on the page\'s device and checks it against the reference', async () => {
    await page.waitForSelector('body[data-state=done], body[data-state=error]', { timeout: 60_000 });
    expect(await text('#errors')).toBe('');
    expect(await text('#device')).toMatch(/^WebGPU device: /);
    expect(await text('#result')).toMatch(/^matches the reference: max abs error .* \(tolerance 0\.000001\); compile .* ms, kernel .* ms \(median of 5\)$/);
  });

  it('compiles an edited kernel and shows the IR after every stage and the WGSL', async () => {
    const source = await page.inputValue('#source');
    expect(source).toMatch(/^function add_kernel\(/);
    expect(source).toContain('tl.load(x_ptr + offsets'); // a bundler's rename of tl is undone for editing
    // Same arithmetic, written differently: y + x, stored through a new variable.
    const edited = source.replace('tl.store(output_ptr + offsets, x + y, { mask });', 'const sum = y + x;\n  tl.store(output_ptr + offsets, sum, { mask });');
    expect(edited).not.toBe(source);
    await page.fill('#source', edited);
    expect(await compileAndRun()).toBe('done');
    expect(await text('#result')).toMatch(/^matches the reference/);
    const stages = await page.locator('#stage option').allTextContents();
    expect(stages).toEqual(['lower', ...pipeline.map((p) => p.name)]);
    await page.selectOption('#stage', 'lower');
    expect(await text('#ir')).toMatch(/^kernel add_kernel\(/);
    expect(await text('#ir')).not.toContain('#blocked'); // layouts come with tiling
    await page.selectOption('#stage', 'tiling');
    expect(await text('#ir')).toContain('#blocked');
    expect(await text('#wgsl')).toMatch(/@compute @workgroup_size\(\d+\)/);
    expect(await text('#wgsl')).toContain('const sum = y + x;'); // source-line comments follow the edit
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });
  });

  it('reports a wrong result of an edited kernel as a mismatch with the reference', async () => {
    await page.fill('#source', (await page.inputValue('#source')).replace('const sum = y + x;', 'const sum = y - x;'));
    expect(await compileAndRun()).toBe('done');
    expect(await text('#result')).toMatch(/^does NOT match the reference/);
  });

  it('shows a compile error as a code frame under the editor', async () => {
    await page.click('#reset');
    await page.waitForSelector('body[data-state=done]');
    const source = await page.inputValue('#source');
    const broken = source.replace('tl.arange(0, BLOCK_SIZE)', 'tl.arang(0, BLOCK_SIZE)');
    const line = broken.split('\n').findIndex((l) => l.includes('tl.arang(')) + 1;
    const column = (broken.split('\n')[line - 1] ?? '').indexOf('tl.arang(') + 1;
    await page.fill('#source', broken);
    expect(await compileAndRun()).toBe('error');
    const errors = await text('#errors');
    expect(errors).toContain(`<kernel add_kernel>:${line}:${column}: name error: tl.arang is not a Tessera function; did you mean 'tl.arange'?`);
    expect(errors).toMatch(new RegExp(`\\n${line} \\| .*tl\\.arang\\(0, BLOCK_SIZE\\);\\n\\s+\\| +\\^{8}`));
    expect(await page.isVisible('#errors')).toBe(true);
    expect(await text('#result')).toBe('no result');
    await page.screenshot({ path: join(ARTIFACTS, 'playground-error.png'), fullPage: true });
  });

  it('switches examples', async () => {
    await page.selectOption('#example', 'softmax');
    await page.waitForSelector('body[data-state=done], body[data-state=error]', { timeout: 60_000 });
    expect(await page.inputValue('#source')).toMatch(/^function softmax_kernel\(/);
    expect(await text('#result')).toMatch(/^matches the reference/);
  });
});
