// Optional native packages (Dawn for Node, bun-webgpu for Bun) are imported
// through a variable specifier, so bundlers building for the browser neither
// resolve nor bundle them; one that does not load is a 'device' error saying
// what is missing and how to install it.

import { LaunchError } from '../compiler/errors.js';

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The module `specifier` names; `explain(reason)` is the message when it does not load. */
export async function importOptionalPackage(specifier: string, explain: (reason: string) => string): Promise<unknown> {
  try {
    return await import(/* @vite-ignore */ specifier);
  } catch (error) {
    throw new LaunchError('device', explain(errorText(error)));
  }
}
