import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config';
import type { Db } from '../db/database';
import { migratePglite, openPglite, vacuumTables } from '../db/pglite';
import { migratePostgres, openPostgres } from '../db/postgres';

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface OpenDatabase {
  db: Db;
  engine: 'pglite' | 'postgres';
  /** PGlite's stand-in for autovacuum (Deps.vacuum) */
  vacuum?: () => Promise<number>;
  close(): Promise<void>;
}

/** Opens the configured database (Postgres with DATABASE_URL, else PGlite) and migrates it. */
export async function openMigratedDatabase(config: Config): Promise<OpenDatabase> {
  if (config.DATABASE_URL) {
    await migratePostgres(config.DATABASE_URL, migrationsFolder);
    return { ...openPostgres(config.DATABASE_URL), engine: 'postgres' };
  }
  await mkdir(config.DATA_DIR, { recursive: true });
  const release = await lockDataDir(config.DATA_DIR);
  try {
    const database = await openPglite({ dataDir: config.DATA_DIR });
    await migratePglite(database, migrationsFolder);
    return {
      ...database,
      engine: 'pglite',
      vacuum: () => vacuumTables(database.db),
      close: () => database.close().finally(release),
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * PGlite is Postgres in one process, with no server to share it: two processes on one DATA_DIR
 * (`npm run job` beside `npm start`) each write the files as their own, and rows are lost. The
 * first to open it holds `<DATA_DIR>.lock` with its process id; another is refused, naming the
 * holder. A lock left by a process that has died is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = `${dataDir.replace(/\/+$/, '')}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600);
      await file.writeFile(String(process.pid));
      await file.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(path, 'utf8').catch(() => ''));
      if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
        throw new Error(
          `DATA_DIR ${dataDir} is in use by process ${holder}: the embedded database serves one ` +
            'process at a time. Stop that process first (or use DATABASE_URL for Postgres).',
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`DATA_DIR ${dataDir}: could not take ${path}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
