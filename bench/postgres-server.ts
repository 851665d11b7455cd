import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../src/db/database';

/**
 * The Postgres server a benchmark ran on: its version, and whether a commit waits for its WAL to
 * reach the disk (`fsync`, `synchronous_commit`). Figures from the two kinds of server are not
 * the same thing (README "Load" compares them), so every Postgres figure says which it was.
 */
export async function postgresServer(db: Db) {
  const [row] = await queryRows<{ server: string; fsync: string; synchronous_commit: string }>(
    db,
    sql`select current_setting('server_version') as server, current_setting('fsync') as fsync,
      current_setting('synchronous_commit') as synchronous_commit`,
  );
  return { server: row?.server, fsync: row?.fsync, synchronousCommit: row?.synchronous_commit };
}
