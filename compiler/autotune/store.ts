// Where autotuning results persist: a JSON file in Node (default
// `.tessera-cache/autotune.json` under the working directory), localStorage
// in a browser, nothing elsewhere. Results can also be exported and imported
// as JSON, so an app can ship results tuned ahead of time.
//
// Node built-ins are imported dynamically, behind an environment check, so
// this module (and the compiler) bundles for the browser unchanged.

import { isNode } from '../../runtime/device.js';
import type { AutotuneConfig } from './prune.js';

/** One config's measurement. */
export interface TimedConfig {
  readonly config: AutotuneConfig;
  /** Median milliseconds, or null when it was pruned or failed. */
  readonly medianMs: number | null;
  /** Why it was not timed (pruned against a limit, or failed to compile). */
  readonly note?: string;
}

/** The tuned result for one key. */
export interface TunedEntry {
  readonly config: AutotuneConfig;
  readonly medianMs: number | null;
  /** Every candidate's outcome, for the summary. */
  readonly table: readonly TimedConfig[];
  /** ISO time of tuning. */
  readonly tunedAt: string;
}

export const AUTOTUNE_FORMAT = 'tessera-autotune/1';

export interface ExportedResults {
  readonly format: typeof AUTOTUNE_FORMAT;
  readonly entries: Readonly<Record<string, TunedEntry>>;
}

/** Persistent storage of entries; `load` returns {} when there is nothing yet. */
export interface ResultStore {
  readonly where: string;
  load(): Promise<Record<string, TunedEntry>>;
  save(entries: Readonly<Record<string, TunedEntry>>): Promise<void>;
}

export const DEFAULT_CACHE_FILE = '.tessera-cache/autotune.json';
const LOCAL_STORAGE_KEY = 'tessera-autotune';

export function parseResults(json: string): Record<string, TunedEntry> {
  const parsed: unknown = JSON.parse(json);
  if (!isExported(parsed)) throw new Error(`not Tessera autotuning results (expected { format: '${AUTOTUNE_FORMAT}', entries })`);
  return { ...parsed.entries };
}

export function serializeResults(entries: Readonly<Record<string, TunedEntry>>): string {
  const out: ExportedResults = { format: AUTOTUNE_FORMAT, entries };
  return JSON.stringify(out, null, 2);
}

function isExported(x: unknown): x is ExportedResults {
  if (typeof x !== 'object' || x === null) return false;
  const format: unknown = Reflect.get(x, 'format');
  const entries: unknown = Reflect.get(x, 'entries');
  return format === AUTOTUNE_FORMAT && typeof entries === 'object' && entries !== null;
}

// Specifiers in variables: bundlers leave such imports alone.
const FS_MODULE = 'node:fs/promises';
const PATH_MODULE = 'node:path';

interface NodeFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  rename(from: string, to: string): Promise<void>;
}
interface NodePath {
  dirname(path: string): string;
}

function fileStore(path: string): ResultStore {
  return {
    where: path,
    async load() {
      const fs = (await import(/* @vite-ignore */ FS_MODULE)) as NodeFs;
      let text: string;
      try {
        text = await fs.readFile(path, 'utf8');
      } catch {
        return {};
      }
      try {
        return parseResults(text);
      } catch {
        // A damaged or foreign file: start over rather than fail the launch.
        return {};
      }
    },
    async save(entries) {
      const fs = (await import(/* @vite-ignore */ FS_MODULE)) as NodeFs;
      const { dirname } = (await import(/* @vite-ignore */ PATH_MODULE)) as NodePath;
      await fs.mkdir(dirname(path), { recursive: true });
      // Write then rename, so a concurrent reader never sees half a file.
      const temp = `${path}.${process.pid}.tmp`;
      await fs.writeFile(temp, serializeResults(entries));
      await fs.rename(temp, path);
    },
  };
}

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function browserStorage(): StorageLike | undefined {
  const storage: unknown = Reflect.get(globalThis, 'localStorage');
  if (typeof storage !== 'object' || storage === null) return undefined;
  const get: unknown = Reflect.get(storage, 'getItem');
  const set: unknown = Reflect.get(storage, 'setItem');
  if (typeof get !== 'function' || typeof set !== 'function') return undefined;
  return {
    getItem: (key) => {
      const v: unknown = Reflect.apply(get, storage, [key]);
      return typeof v === 'string' ? v : null;
    },
    setItem: (key, value) => void Reflect.apply(set, storage, [key, value]),
  };
}

export function localStorageStore(storage: StorageLike): ResultStore {
  return {
    where: `localStorage['${LOCAL_STORAGE_KEY}']`,
    async load() {
      const text = storage.getItem(LOCAL_STORAGE_KEY);
      if (!text) return {};
      try {
        return parseResults(text);
      } catch {
        return {};
      }
    },
    async save(entries) {
      try {
        storage.setItem(LOCAL_STORAGE_KEY, serializeResults(entries));
      } catch {
        // Quota exceeded or storage disabled: results stay in memory.
      }
    },
  };
}

/**
 * The store for this environment: `cacheFile` (or the default file) in Node,
 * localStorage in a browser; null when persistence is off or unavailable.
 */
export function defaultStore(cacheFile: string | false | undefined): ResultStore | null {
  if (cacheFile === false) return null;
  if (isNode()) return fileStore(cacheFile ?? DEFAULT_CACHE_FILE);
  const storage = browserStorage();
  return storage ? localStorageStore(storage) : null;
}
