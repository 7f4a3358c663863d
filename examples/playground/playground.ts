// The playground page (`npm run playground`): pick an example or edit its
// kernel, compile it in the page, see the IR after each stage and the WGSL,
// and run it on the page's WebGPU device on the example's own inputs, checked
// against its float64 reference and timed. Compile and launch errors appear
// under the editor with their code frames.
//
// The state of the last run is on <body data-state="...">: loading, running,
// done (results shown) or error (an error shown), which the browser tests wait for.

import { getDevice, kernel, printKernel, TesseraError, type Kernel, type TesseraDevice } from '../../index.js';
import type { ExampleResult, RunOptions } from '../harness.js';
import * as layerNorm from '../layer-norm.js';
import * as softmax from '../softmax.js';
import * as vectorAdd from '../vector-add.js';

interface PlaygroundExample {
  readonly name: string;
  /** The example's own kernel: its source is the starting text, its options are kept for edits. */
  readonly kernel: Kernel;
  readonly sizes: readonly string[];
  readonly run: (device: TesseraDevice, size: string, options: RunOptions) => Promise<ExampleResult>;
}

function rowsByCols(size: string): { rows: number; cols: number } {
  const [rows = 1, cols = 1] = size.split('x').map((part) => Number(part.trim()));
  return { rows, cols };
}

const EXAMPLES: readonly PlaygroundExample[] = [
  {
    name: 'vector add',
    kernel: vectorAdd.addKernel,
    sizes: ['98432', '4097', '1'],
    run: (d, size, o) => vectorAdd.run(d, { n: Number(size) }, o),
  },
  {
    name: 'softmax',
    kernel: softmax.softmaxKernel,
    sizes: ['37 x 781', '256 x 1000', '1 x 1'],
    run: (d, size, o) => softmax.run(d, rowsByCols(size), o),
  },
  {
    name: 'layer norm',
    kernel: layerNorm.layerNormKernel,
    sizes: ['37 x 781', '128 x 768', '1 x 1000'],
    run: (d, size, o) => layerNorm.run(d, rowsByCols(size), o),
  },
];

/** Launches timed after the checked one; the median is shown. */
const TIMED_RUNS = 5;

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`index.html has no <${type.name}> #${id}`);
  return found;
}

const ui = {
  device: element('device', HTMLElement),
  example: element('example', HTMLSelectElement),
  size: element('size', HTMLSelectElement),
  run: element('run', HTMLButtonElement),
  reset: element('reset', HTMLButtonElement),
  source: element('source', HTMLTextAreaElement),
  errors: element('errors', HTMLPreElement),
  result: element('result', HTMLElement),
  stage: element('stage', HTMLSelectElement),
  ir: element('ir', HTMLPreElement),
  wgsl: element('wgsl', HTMLPreElement),
};

/** The printed IR after each stage of the last compile, in pipeline order. */
let stages: { readonly stage: string; readonly text: string }[] = [];

/**
 * The text to edit: a bundler may have renamed `tl` (to `tl4`, say) in the
 * function's text; kernel() accepts either, and `tl` is what people write.
 */
function editableSource(k: Kernel): string {
  const lines = k.source.replace(/(?<![\w$])tl\d+(?=\s*\.)/g, 'tl').split('\n');
  // fn.toString() keeps the indentation of the lines after the first; remove what they share.
  const indents = lines.slice(1).filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const common = Math.min(...indents, Infinity);
  return lines.map((l, i) => (i === 0 || !Number.isFinite(common) ? l : l.slice(common))).join('\n');
}

function currentExample(): PlaygroundExample {
  return EXAMPLES[ui.example.selectedIndex] ?? EXAMPLES[0]!;
}

function fillOptions(select: HTMLSelectElement, labels: readonly string[]): void {
  select.replaceChildren(...labels.map((label) => new Option(label, label)));
}

function selectExample(): void {
  const example = currentExample();
  fillOptions(ui.size, example.sizes);
  ui.source.value = editableSource(example.kernel);
}

function showStage(): void {
  const chosen = stages.find((s) => s.stage === ui.stage.value) ?? stages[stages.length - 1];
  ui.ir.textContent = chosen?.text ?? '';
}

function showError(error: unknown): void {
  // A TesseraError's message has the kind, file:line:col and the code frame.
  ui.errors.textContent = error instanceof TesseraError ? error.message : `unexpected error: ${String(error)}`;
  ui.errors.hidden = false;
}

function showResult(r: ExampleResult): void {
  const err = Number.isFinite(r.maxAbsErr) ? r.maxAbsErr.toExponential(2) : '∞ (NaN, or an element written out of bounds)';
  const verdict = r.ok ? 'matches the reference' : 'does NOT match the reference';
  const kernelMs = r.kernelMs === null ? '' : `, kernel ${r.kernelMs.toFixed(3)} ms (median of ${TIMED_RUNS})`;
  ui.result.textContent = `${verdict}: max abs error ${err} (tolerance ${r.tolerance}); compile ${r.compileMs.toFixed(1)} ms${kernelMs}`;
  ui.result.className = `result ${r.ok ? 'ok' : 'fail'}`;
}

let device: Promise<TesseraDevice> | null = null;

/** The page's device; after a loss (or a failure) the next run acquires a new one. */
function pageDevice(): Promise<TesseraDevice> {
  if (device === null) {
    device = getDevice();
    device.then(
      (d) => {
        ui.device.textContent = `WebGPU device: ${d.name}`;
        void d.lost.then(() => {
          device = null;
          ui.device.textContent = 'the WebGPU device was lost; the next run acquires a new one';
        });
      },
      () => {
        device = null;
        ui.device.textContent = 'no WebGPU device';
      },
    );
  }
  return device;
}

async function compileAndRun(): Promise<void> {
  document.body.dataset.state = 'running';
  ui.run.disabled = true;
  ui.errors.hidden = true;
  ui.result.textContent = 'compiling and running…';
  ui.result.className = 'result';
  stages = [];
  let failed = false;
  try {
    const example = currentExample();
    const edited = kernel(ui.source.value, example.kernel.options);
    const result = await example.run(await pageDevice(), ui.size.value, {
      kernel: edited,
      timedRuns: TIMED_RUNS,
      onStage: (stage, ir) => stages.push({ stage, text: printKernel(ir) }),
      onCompiled: (compiled) => {
        ui.wgsl.textContent = compiled.wgsl;
      },
    });
    showResult(result);
  } catch (error) {
    failed = true;
    showError(error);
    ui.result.textContent = 'no result';
  } finally {
    const previous = ui.stage.value;
    fillOptions(ui.stage, stages.map((s) => s.stage));
    if (stages.some((s) => s.stage === previous)) ui.stage.value = previous;
    else ui.stage.selectedIndex = stages.length - 1;
    showStage();
    if (stages.length === 0) ui.wgsl.textContent = '';
    ui.run.disabled = false;
    document.body.dataset.state = failed ? 'error' : 'done';
  }
}

fillOptions(
  ui.example,
  EXAMPLES.map((e) => e.name),
);
ui.example.addEventListener('change', () => {
  selectExample();
  void compileAndRun();
});
ui.size.addEventListener('change', () => void compileAndRun());
ui.stage.addEventListener('change', showStage);
ui.run.addEventListener('click', () => void compileAndRun());
ui.reset.addEventListener('click', () => {
  ui.source.value = editableSource(currentExample().kernel);
  void compileAndRun();
});
ui.source.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void compileAndRun();
  } else if (event.key === 'Tab') {
    event.preventDefault();
    ui.source.setRangeText('  ', ui.source.selectionStart, ui.source.selectionEnd, 'end');
  }
});
selectExample();
void compileAndRun();
