import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { type Db, queryRows } from './database';
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

/**
 * Vacuums and analyses each table, a statement each so that requests go on in between. PGlite
 * runs Postgres as a single backend, without autovacuum: unless the service does this itself
 * (after each retention run), deleted and updated rows keep their space, and the planner keeps
 * judging every table by the size it had when first queried. Answers how many tables it did.
 */
export async function vacuumTables(db: Db): Promise<number> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select tablename as name from pg_tables where schemaname = 'public' order by tablename`,
  );
  for (const { name } of tables) await db.execute(sql`vacuum (analyze) ${sql.identifier(name)}`);
  return tables.length;
}

export async function migratePglite(database: PgliteDatabase, migrationsFolder: string) {
  await migrate(drizzle({ client: database.client, schema }), { migrationsFolder });
}
