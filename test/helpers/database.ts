import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { inject } from 'vitest';
import type { Db } from '../../src/db/database';
import { openPglite, vacuumTables } from '../../src/db/pglite';
import { openPostgres } from '../../src/db/postgres';
import { databaseUrl } from './postgres-url';

const run = promisify(execFile);

export interface TestDatabase {
  db: Db;
  engine: 'pglite' | 'postgres';
  /** the connection URL, on Postgres, for processes of their own */
  url?: string;
  /** PGlite's stand-in for autovacuum, as the service wires it (Deps.vacuum) */
  vacuum?: () => Promise<number>;
  /** the database as a dump tool sees it: PGlite's data directory, or pg_dump's output */
  rawDump(): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * A migrated database of this test file's own: PGlite loaded from the template, or on the
 * `postgres` project a Postgres database copied from the migrated template.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  if (process.env.TEST_ENGINE === 'postgres') {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
    const name = `tpv_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template ${inject('postgresTemplate')}`);
    const url = databaseUrl(adminUrl, name);
    const database = openPostgres(url, { max: 4 });
    return {
      db: database.db,
      engine: 'postgres',
      url,
      rawDump: async () =>
        (
          await run('pg_dump', ['--no-owner', '--dbname', url], {
            encoding: 'buffer',
            maxBuffer: 1 << 28,
          })
        ).stdout,
      async close() {
        await database.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const template = await readFile(inject('pgliteTemplate'));
  const database = await openPglite({ loadDataDir: new Blob([template]) });
  return {
    db: database.db,
    engine: 'pglite',
    vacuum: () => vacuumTables(database.db),
    rawDump: async () =>
      Buffer.from(await (await database.client.dumpDataDir('none')).arrayBuffer()),
    close: database.close,
  };
}
