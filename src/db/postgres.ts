import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Db } from './database';
import * as schema from './schema';

export interface PostgresDatabase {
  db: Db;
  client: postgres.Sql;
  close(): Promise<void>;
}

export function openPostgres(url: string, options: { max?: number } = {}): PostgresDatabase {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: 'tyopaikkavahti' },
  });
  return {
    db: drizzle({ client, schema }),
    client,
    close: () => client.end({ timeout: 5 }),
  };
}

/** A lock id of our own, so that instances starting together migrate one after another. */
const MIGRATION_LOCK = 727_001;

export async function migratePostgres(url: string, migrationsFolder: string) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle({ client }), { migrationsFolder });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}
