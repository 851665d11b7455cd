import { and, inArray, lte, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { addressBlocks, alerts, messages, rateCounters, rateEvents } from '../db/schema';
import type { Deps } from '../deps';
import { addDays, addHours } from '../time';

/** Rows per delete statement: small enough that no statement holds its locks for long. */
export const RETENTION_BATCH = 5000;

/**
 * Deletes, in batches, `table` rows whose `column` is at or before `cutoff` (and that meet
 * `extra`), until none is left. Each batch is a statement of its own, so a large purge never
 * holds long locks and other requests go on between batches.
 */
async function deleteInBatches(
  db: Deps['db'],
  table: PgTable,
  key: PgColumn,
  column: PgColumn,
  cutoff: Date,
  batchSize: number,
  extra?: ReturnType<typeof sql>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const doomed = db
      .select({ key })
      .from(table)
      .where(extra ? and(lte(column, cutoff), extra) : lte(column, cutoff))
      .limit(batchSize);
    const deleted = await db.delete(table).where(inArray(key, doomed)).returning({ key });
    total += deleted.length;
    if (deleted.length < batchSize) return total;
  }
}

/**
 * The retention rules of SPEC.md §1: an alert is deleted at its expiry (three months after
 * confirmation or renewal; for a pending alert, PENDING_TTL_HOURS after subscribing), with its
 * address, tokens, matches and messages; rate-limit records and not-me blocks when they lapse;
 * sent or failed messages (already without payload) after a week.
 */
export async function runRetention({
  deps,
  now,
  batchSize = RETENTION_BATCH,
}: {
  deps: Pick<Deps, 'db'>;
  now: Date;
  batchSize?: number;
}) {
  const { db } = deps;
  return {
    alerts: await deleteInBatches(db, alerts, alerts.id, alerts.expiresAt, now, batchSize),
    rateEvents: await deleteInBatches(
      db,
      rateEvents,
      rateEvents.id,
      rateEvents.at,
      addHours(now, -24),
      batchSize,
    ),
    rateCounters: (
      await db
        .delete(rateCounters)
        .where(lte(rateCounters.windowStart, addHours(now, -24)))
        .returning({ key: rateCounters.key })
    ).length,
    addressBlocks: await deleteInBatches(
      db,
      addressBlocks,
      addressBlocks.emailHash,
      addressBlocks.blockedUntil,
      now,
      batchSize,
    ),
    messages: await deleteInBatches(
      db,
      messages,
      messages.id,
      messages.createdAt,
      addDays(now, -7),
      batchSize,
      sql`${messages.status} <> 'queued'`,
    ),
  };
}
