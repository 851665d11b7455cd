import { sql } from 'drizzle-orm';
import journal from '../../drizzle/meta/_journal.json' with { type: 'json' };
import { type Queryable, queryRows } from './database';

const latestMigration = journal.entries.at(-1)?.when ?? 0;

/**
 * Whether the database answers and holds the newest migration this build ships (for /readyz).
 * drizzle records each applied migration with the `when` of its journal entry.
 */
export async function isDatabaseReady(db: Queryable): Promise<boolean> {
  try {
    const rows = await queryRows<{ latest: string | number | null }>(
      db,
      sql`select max(created_at) as latest from drizzle.__drizzle_migrations`,
    );
    return Number(rows[0]?.latest ?? 0) >= latestMigration;
  } catch {
    return false;
  }
}
