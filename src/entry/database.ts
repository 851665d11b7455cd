import { mkdir } from 'node:fs/promises';
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
  const database = await openPglite({ dataDir: config.DATA_DIR });
  await migratePglite(database, migrationsFolder);
  return { ...database, engine: 'pglite', vacuum: () => vacuumTables(database.db) };
}
