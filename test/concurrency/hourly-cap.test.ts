import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/database';
import { alerts } from '../../src/db/schema';
import { subscribe } from '../helpers/alerts';
import { createTestContext } from '../helpers/context';

/**
 * The service-wide hourly cap on confirmation emails, counted in eight rows (migration 0009) so
 * that subscriptions do not commit one after another. Subscriptions racing at the cap on
 * different rows can pass it by at most seven; none is refused before the cap is reached.
 * Postgres only: PGlite's one connection never runs two subscriptions at once.
 */
describe('the hourly confirmation cap under concurrent subscriptions', () => {
  it('lets through at least the cap and at most seven more, storing nothing of the rest', async () => {
    const cap = 10;
    const ctx = await createTestContext({ env: { CONFIRMATION_EMAILS_PER_HOUR: String(cap) } });
    try {
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          subscribe(ctx, { email: `racer${index}@example.org` }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(40).fill(202));

      const stored = await ctx.database.db.select().from(alerts);
      expect(stored.length).toBeGreaterThanOrEqual(cap);
      expect(stored.length).toBeLessThanOrEqual(cap + 7);
      expect(ctx.mailer.sent).toHaveLength(stored.length);
      const counters = await queryRows<{ key: string; hits: number }>(
        ctx.database.db,
        sql`select key, hits from rate_counters`,
      );
      // The test database's pool has four connections: their backends count on their own rows.
      expect(counters.length).toBeGreaterThanOrEqual(1);
      expect(counters.length).toBeLessThanOrEqual(4);
      for (const { key } of counters) expect(key).toMatch(/^global:confirmation:[0-7]$/);
      expect(counters.reduce((sum, row) => sum + row.hits, 0)).toBe(stored.length);

      // Past the cap, a later subscription is refused whichever row it counts on.
      for (let index = 0; index < 8; index++) {
        await subscribe(ctx, { email: `later${index}@example.org` });
      }
      expect(await ctx.database.db.select().from(alerts)).toHaveLength(stored.length);
      expect(ctx.mailer.sent).toHaveLength(stored.length);
    } finally {
      await ctx.close();
    }
  });
});
