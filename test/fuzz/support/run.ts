import fc from 'fast-check';

/**
 * The seed of every fuzz property: fixed, so that CI runs the same cases each time, unless
 * FUZZ_SEED names another one (to reproduce a failure, or to explore new cases).
 */
export const fuzzSeed = Number.parseInt(process.env.FUZZ_SEED ?? '20260302', 10);

const onPostgres = process.env.TEST_ENGINE === 'postgres';

/**
 * How many cases a property runs: the full count on PGlite, a sample on the postgres project
 * (each request there is a few network round trips). FUZZ_SCALE multiplies both, for longer
 * exploratory runs.
 */
export function fuzzRuns(pglite: number, postgres = Math.max(20, Math.round(pglite / 20))): number {
  const scale = Number(process.env.FUZZ_SCALE ?? '1');
  return Math.max(1, Math.round((onPostgres ? postgres : pglite) * scale));
}

/**
 * Runs one property with the suite's seed and prints how many cases it ran. A failure names the
 * seed and the counterexample path, and the command that replays it.
 */
export async function checkProperty<T>(
  name: string,
  property: fc.IAsyncPropertyWithHooks<T>,
  numRuns: number,
): Promise<void> {
  const started = performance.now();
  try {
    await fc.assert(property, { numRuns, seed: fuzzSeed, endOnFailure: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `fuzz property "${name}" failed with seed ${fuzzSeed}; replay with ` +
        `FUZZ_SEED=${fuzzSeed} npx vitest run --project ${onPostgres ? 'postgres' : 'pglite'} test/fuzz\n${reason}`,
      { cause: error },
    );
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`[fuzz] ${name}: ${numRuns} cases, seed ${fuzzSeed}, ${seconds} s`);
}

/** A property runs thousands of requests: far past the per-test timeout of the ordinary tests. */
export const FUZZ_TIMEOUT_MS = 300_000;
