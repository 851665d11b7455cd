import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { Db } from './database';
import * as schema from './schema';

export interface PgliteDatabase {
  db: Db;
  client: PGlite;
  close(): Promise<void>;
}

/** The embedded database: a PGlite in `dataDir`, or in memory when none is given. */
export async function openPglite(
  options: { dataDir?: string; loadDataDir?: Blob } = {},
): Promise<PgliteDatabase> {
  const client = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
  });
  return {
    db: drizzle({ client, schema }),
    client,
    close: () => client.close(),
  };
}

export async function migratePglite(database: PgliteDatabase, migrationsFolder: string) {
  await migrate(drizzle({ client: database.client, schema }), { migrationsFolder });
}
