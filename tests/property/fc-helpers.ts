// Shared by the property tests: fast-check parameters with a seed that is
// fresh on every run unless TESSERA_SEED is set (as in tests/ops/helpers.ts),
// printed with the way to replay it when a property fails.

import fc from 'fast-check';
import { onTestFailed } from 'vitest';

const envSeed = process.env['TESSERA_SEED'];
/** TESSERA_PROPERTY_SCALE=<k> multiplies every property's number of runs (for bug hunts). */
const scale = Number(process.env['TESSERA_PROPERTY_SCALE'] ?? '1') || 1;

/**
 * Time limit of a GPU property (runs and shrinking): every shrink step
 * compiles a new shader, 0.1-1 s of JIT on lavapipe. A failure found when the
 * limit hits is reported with the counterexample shrunk so far. (A property
 * that is still passing when the limit hits passes with fewer runs; the
 * limit is several times a normal run's length, scaled with the runs.)
 */
const GPU_TIME_LIMIT = 90_000 * Math.max(1, scale);

/** Timeout of a GPU property test: longer than its time limit (vitest's default here is 60 s). */
export const GPU_TEST_TIMEOUT = GPU_TIME_LIMIT + 90_000;

/**
 * fast-check parameters for one property: `numRuns` cases from a seed that is
 * printed on failure (fast-check also prints the seed and the shrink path);
 * TESSERA_PROPERTY_SCALE multiplies `numRuns`.
 */
export function fcParams<T>(numRuns: number, options: { gpu?: boolean } = {}): fc.Parameters<T> {
  const seed =
    envSeed !== undefined && envSeed !== '' ? Number(envSeed) | 0 : (Math.random() * 2 ** 31) | 0;
  onTestFailed(() => {
    console.error(
      `[tests/property] failing property used seed ${seed}; replay with TESSERA_SEED=${seed} npx vitest run tests/property`,
    );
  });
  return {
    seed,
    numRuns: Math.max(1, Math.round(numRuns * scale)),
    ...(options.gpu === true ? { interruptAfterTimeLimit: GPU_TIME_LIMIT } : {}),
  };
}

/** Attach a readable description for fast-check's counterexample report. */
export function described<T extends object>(value: T, describe: (v: T) => string): T {
  Object.defineProperty(value, fc.toStringMethod, {
    value: () => describe(value),
    enumerable: false,
  });
  return value;
}
