import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/database';
import { queryRows } from '../../src/db/database';

/** Every row of every table of the service, each as JSON text: what a database dump would hold. */
export async function dumpAllRows(db: Db): Promise<Record<string, string[]>> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select table_schema || '.' || table_name as name from information_schema.tables
        where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE' order by 1`,
  );
  const dump: Record<string, string[]> = {};
  for (const { name } of tables) {
    const [schema, table] = name.split('.');
    const rows = await queryRows<{ row: string }>(
      db,
      sql`select row_to_json(t)::text as row from ${sql.identifier(schema ?? '')}.${sql.identifier(table ?? '')} t`,
    );
    dump[name] = rows.map((row) => row.row);
  }
  return dump;
}

/** The tables and rows whose text holds `needle` (case-insensitive). */
export async function findInDatabase(db: Db, needle: string): Promise<string[]> {
  const dump = await dumpAllRows(db);
  const lower = needle.toLowerCase();
  return Object.entries(dump).flatMap(([table, rows]) =>
    rows.filter((row) => row.toLowerCase().includes(lower)).map((row) => `${table}: ${row}`),
  );
}
