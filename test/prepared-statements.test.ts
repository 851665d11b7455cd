import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, withTransaction } from '../src/db/database';
import { openTestDatabase, type TestDatabase } from './helpers/database';

/**
 * On Postgres a request's small statements are prepared once per connection and then cost one
 * round trip each; batch statements are not kept. PGlite runs in-process and prepares nothing.
 */
describe('prepared statements', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  const kept = (marker: string) =>
    sql`select count(*)::int as n from pg_prepared_statements where statement like ${`%${marker}%`}`;

  it('prepares a small statement once per connection, however often it runs', async () => {
    const counts = await withTransaction(database.db, async (tx) => {
      const answers = [];
      for (const value of [1, 2, 3]) {
        answers.push(await queryRows<{ v: number }>(tx, sql`select ${value}::int as v -- small`));
      }
      const [row] = await queryRows<{ n: number }>(tx, kept('-- small'));
      return { answers: answers.map(([answer]) => answer?.v), kept: row?.n };
    });
    expect(counts.answers).toEqual([1, 2, 3]);
    expect(counts.kept).toBe(database.engine === 'postgres' ? 1 : 0);
  });

  it('leaves a statement with a row of parameters per item unprepared', async () => {
    const values = Array.from({ length: 100 }, (_, n) => sql`(${n}::int)`);
    const counts = await withTransaction(database.db, async (tx) => {
      const rows = await queryRows<{ v: number }>(
        tx,
        sql`select v from (values ${sql.join(values, sql`, `)}) as batch(v) -- batch`,
      );
      const [row] = await queryRows<{ n: number }>(tx, kept('-- batch'));
      return { rows: rows.length, kept: row?.n };
    });
    expect(counts).toEqual({ rows: 100, kept: 0 });
  });
});
