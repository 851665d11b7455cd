import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Two projects: `pglite` runs every test in-process on PGlite; `postgres` runs the database tests
 * (test/**) again on real Postgres when TEST_DATABASE_URL is set, as CI does.
 */
const postgres = process.env.TEST_DATABASE_URL
  ? [
      {
        test: {
          name: 'postgres',
          include: ['test/**/*.test.{ts,tsx}'],
          // test/browser runs once, on PGlite: it tests pages and the widget, not the engine.
          exclude: ['test/e2e/**', 'test/browser/**'],
          // test/crash kills processes mid-write: only a real Postgres server survives that.
          globalSetup: ['test/setup/postgres-template.ts'],
          setupFiles: ['test/setup/log-privacy.ts'],
          env: { TEST_ENGINE: 'postgres' },
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
    ]
  : [];

export default defineConfig({
  test: {
    // A test file per core. Vitest's default leaves one core out (one file at a time on CI's two
    // cores), yet the longest files mostly wait: on leases, child processes, restarted servers,
    // a paced load. Two at a time took the suite from 526 s to 314 s on two cores.
    maxWorkers: availableParallelism(),
    projects: [
      {
        test: {
          name: 'pglite',
          include: [
            'test/**/*.test.{ts,tsx}',
            'src/**/*.test.{ts,tsx}',
            'emails/**/*.test.{ts,tsx}',
          ],
          // test/crash kills processes mid-write, test/faults stops and starts Postgres servers of
          // its own: only real Postgres survives that. test/concurrency overlaps transactions,
          // which PGlite's one connection never does.
          exclude: ['test/crash/**', 'test/faults/**', 'test/workers/**', 'test/concurrency/**'],
          // test/browser drives Chromium: chromium.ts finds it (or installs it, as .ci/run does).
          globalSetup: ['test/setup/pglite-template.ts', 'test/setup/chromium.ts'],
          setupFiles: ['test/setup/log-privacy.ts'],
          env: { TEST_ENGINE: 'pglite' },
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      ...postgres,
    ],
  },
});
