import { getTableColumns, type SQL, type Table } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema';

/** The database, whichever driver is behind it (PGlite on Node by default, postgres.js otherwise). */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the database or an open transaction: domain functions that only read take this. */
export type Queryable = Db | Tx;

/** Runs `work` in one transaction: every write in it is stored, or none is. */
export function withTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(work);
}

/** Rows of a raw `execute`: postgres.js answers an array, PGlite an object holding `rows`. */
export async function queryRows<Row extends Record<string, unknown>>(
  db: Queryable,
  query: SQL,
): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as Row[];
  return (result as { rows: Row[] }).rows;
}

/**
 * A row of `table` as the JSON object `jsonb_populate_record` reads (once stringified): column
 * names for keys, instants as ISO strings, JSON columns as they are.
 */
export function rowRecord<T extends Table>(
  table: T,
  values: Partial<T['$inferInsert']>,
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(getTableColumns(table))) {
    const value = (values as Record<string, unknown>)[field];
    if (value !== undefined) row[column.name] = value instanceof Date ? value.toISOString() : value;
  }
  return row;
}

/** The SQLSTATE of a database error, through the wrappers drizzle and the drivers put round it. */
export function sqlState(error: unknown): string | undefined {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A Postgres array literal of texts, each quoted, so that any value survives. */
export function textArray(values: string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"`).join(',')}}`;
}
