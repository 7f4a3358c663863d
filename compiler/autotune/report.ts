// What the autotuner shows: a progress bar while it times configs (cli-progress
// on a terminal; a callback, or nothing, elsewhere) and a summary table of
// every candidate with its median time, the pruned ones with the reason, and
// the winner marked.

import type { AutotuneConfig } from './prune.js';
import type { TunedEntry } from './store.js';

export interface AutotuneProgress {
  /** Configs finished (timed, pruned or failed) so far, and in all, for this key. */
  readonly done: number;
  readonly total: number;
  /** The key being tuned. */
  readonly key: string;
  /** The config just finished. */
  readonly config: AutotuneConfig;
}

/** `BLOCK_SIZE_M=64 BLOCK_SIZE_N=64 invocations=128 dot=registers`. */
export function describeConfig(config: AutotuneConfig): string {
  const parts = Object.entries(config.constexprs ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  if (config.invocations !== undefined) parts.push(`invocations=${config.invocations}`);
  if (config.dotStrategy !== undefined) parts.push(`dot=${config.dotStrategy}`);
  return parts.join(' ') || '(defaults)';
}

export function summarize(kernelName: string, key: string, entry: TunedEntry): string {
  const rows = entry.table.map((t) => ({
    mark: t.config === entry.config || describeConfig(t.config) === describeConfig(entry.config) ? '*' : ' ',
    config: describeConfig(t.config),
    time: t.medianMs === null ? '-' : t.medianMs.toFixed(3),
    vs: t.medianMs === null || entry.medianMs === null ? (t.note ?? '') : `${(t.medianMs / entry.medianMs).toFixed(2)}x`,
  }));
  const width = Math.max(6, ...rows.map((r) => r.config.length));
  const lines = [
    `autotune ${kernelName} [${key}]: ${entry.table.filter((t) => t.medianMs !== null).length} of ${entry.table.length} configs timed`,
    `  ${'config'.padEnd(width)}  ${'median ms'.padStart(10)}  vs best / note`,
    ...rows.map((r) => `${r.mark} ${r.config.padEnd(width)}  ${r.time.padStart(10)}  ${r.vs}`),
  ];
  if (entry.medianMs !== null) lines.push(`  winner: ${describeConfig(entry.config)} (fastest median, ${entry.medianMs.toFixed(3)} ms)`);
  return lines.join('\n');
}

export interface ProgressSink {
  update(p: AutotuneProgress): void;
  stop(): void;
}

/** A cli-progress bar on stderr when it is a terminal; otherwise nothing. */
export async function terminalProgress(total: number, label: string): Promise<ProgressSink | null> {
  const isTty = typeof process !== 'undefined' && typeof process.stderr === 'object' && process.stderr.isTTY === true;
  if (!isTty) return null;
  const specifier = 'cli-progress';
  const mod: unknown = await import(/* @vite-ignore */ specifier).catch(() => null);
  const cli = mod && typeof mod === 'object' ? (Reflect.get(mod, 'default') ?? mod) : null;
  const Bar: unknown = cli ? Reflect.get(cli, 'SingleBar') : undefined;
  if (typeof Bar !== 'function') return null;
  const bar: unknown = Reflect.construct(Bar, [{ format: `autotune ${label} [{bar}] {value}/{total} {config}`, stream: process.stderr, clearOnComplete: true, hideCursor: false }]);
  const call = (name: string, args: unknown[]): void => {
    const f: unknown = bar && typeof bar === 'object' ? Reflect.get(bar, name) : undefined;
    if (typeof f === 'function') Reflect.apply(f, bar, args);
  };
  call('start', [total, 0, { config: '' }]);
  return {
    update: (p) => call('update', [p.done, { config: describeConfig(p.config) }]),
    stop: () => call('stop', []),
  };
}
