import { and, asc, eq, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { limits } from '../alerts/limits';
import { queryRows, withTransaction } from '../db/database';
import {
  addressBlocks,
  alerts,
  matches,
  messages,
  postings,
  purgedPostings,
  rateCounters,
  rateEvents,
  webhookDeliveries,
} from '../db/schema';
import type { Deps } from '../deps';
import { DELIVERY_RETENTION_DAYS } from '../postings/service';
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
 * Expired alerts are deleted by this many statements at a time, each on its own share of the
 * alerts (by the first byte of the id). Deleting an alert deletes its tokens, anchors, messages
 * and matches too (by trigger, migrations 0003 and 0008): some 20 rows for an alert with 60 days
 * of matches, most of them on pages of their own, and one statement at a time left a core of
 * the database idle. The shares never mark the same deletion buckets (the first three hex
 * digits of the id, migration 0008), so their statements never wait for each other. On two
 * cores three or four lanes were no faster than two (README "Retention").
 */
export const RETENTION_LANES = 2;

async function deleteExpiredAlerts(
  db: Deps['db'],
  now: Date,
  batchSize: number,
  lanes: number,
): Promise<number> {
  const deleted = await Promise.all(
    Array.from({ length: lanes }, (_, lane) =>
      deleteInBatches(
        db,
        alerts,
        alerts.id,
        alerts.expiresAt,
        now,
        batchSize,
        sql`get_byte(uuid_send(${alerts.id}), 0) % ${lanes} = ${lane}`,
      ),
    ),
  );
  return deleted.reduce((sum, count) => sum + count, 0);
}

/**
 * A sent or failed message (its payload already gone) is kept this long, and so is an email the
 * outbox transport wrote to its folder, where it holds the address and the links in plain text.
 */
export const SENT_MESSAGE_DAYS = 7;

/** A posting is kept at most this long after it was received, whatever its deadline. */
export const POSTING_MAX_AGE_DAYS = 60;

/**
 * Deletes postings past their deadline that no digest is still waiting for, and every posting
 * received more than 60 days ago, with their matches, in batches, keeping their ids in
 * `purged_postings`.
 */
async function purgePostings(db: Deps['db'], now: Date, batchSize: number): Promise<number> {
  const purgeable = or(
    lte(postings.receivedAt, addDays(now, -POSTING_MAX_AGE_DAYS)),
    and(
      lte(postings.deadline, now),
      notExists(
        db
          .select({ one: sql`1` })
          .from(matches)
          .where(and(eq(matches.postingId, postings.id), isNull(matches.mailedAt))),
      ),
    ),
  );
  let total = 0;
  for (;;) {
    const doomed = await db
      .select({ id: postings.id })
      .from(postings)
      .where(purgeable)
      .limit(batchSize);
    if (doomed.length === 0) return total;
    await withTransaction(db, async (tx) => {
      // The postings are locked first, in the order of their ids, as the match webhook upserts
      // them (src/postings/service.ts): a call that holds a posting sent again and records its
      // matches waited for the matches this deleted, while this waited for the posting (a
      // deadlock, which failed the run or the call). Locked, each is checked again: one whose
      // deadline a call has just moved on is kept.
      const ids = (
        await tx
          .select({ id: postings.id })
          .from(postings)
          .where(
            and(
              inArray(
                postings.id,
                doomed.map((row) => row.id),
              ),
              purgeable,
            ),
          )
          .orderBy(asc(postings.id))
          .for('update', { of: postings })
      ).map((row) => row.id);
      if (ids.length === 0) return;
      await tx
        .insert(purgedPostings)
        .values(ids.map((id) => ({ id, purgedAt: now })))
        .onConflictDoUpdate({ target: purgedPostings.id, set: { purgedAt: now } });
      await tx.delete(matches).where(inArray(matches.postingId, ids));
      await tx.delete(postings).where(inArray(postings.id, ids));
      total += ids.length;
    });
    if (doomed.length < batchSize) return total;
  }
}

/**
 * Forgets the ids of postings deleted before every alert that exists was confirmed: none of those
 * alerts can have had them. (An alert confirmed later receives only postings published after
 * its confirmation, and a posting sent again after its deletion is not matched at all.)
 */
async function forgetPurgedPostings(db: Deps['db'], now: Date): Promise<number> {
  const forgotten = await db
    .delete(purgedPostings)
    .where(
      lt(
        purgedPostings.purgedAt,
        sql`coalesce((select min(${alerts.confirmedAt}) from ${alerts}),
          ${now.toISOString()}::timestamptz)`,
      ),
    )
    .returning({ id: purgedPostings.id });
  return forgotten.length;
}

/**
 * The retention rules of SPEC.md §1: an alert is deleted at its expiry (three months after
 * confirmation or renewal; for a pending alert, PENDING_TTL_HOURS after subscribing), with its
 * address, tokens, matches and messages; rate-limit records and not-me blocks when they lapse;
 * sent or failed messages (already without payload) after a week; postings past their deadline
 * once no digest waits for them (at the latest 60 days after they arrived); processed webhook ids
 * after 7 days; anchor terms no alert is anchored on any more.
 */
export async function runRetention({
  deps,
  now,
  batchSize = RETENTION_BATCH,
  lanes = RETENTION_LANES,
}: {
  deps: Pick<Deps, 'db'>;
  now: Date;
  batchSize?: number;
  lanes?: number;
}) {
  const { db } = deps;
  return {
    alerts: await deleteExpiredAlerts(db, now, batchSize, lanes),
    rateEvents:
      (await deleteInBatches(
        db,
        rateEvents,
        rateEvents.id,
        rateEvents.at,
        addHours(now, -24),
        batchSize,
      )) +
      // A client's events hold a keyed hash of its IP at the instant of each subscription, the
      // instant its alert records too: kept to the longest window (the address's day), a dump
      // would join alerts to an IP pseudonym (SPEC §1.1). They go once past their own window.
      (await deleteInBatches(
        db,
        rateEvents,
        rateEvents.id,
        rateEvents.at,
        new Date(now.getTime() - limits.perClient('').windowMs),
        batchSize,
        sql`${rateEvents.key} like 'ip:%'`,
      )),
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
    postings: await purgePostings(db, now, batchSize),
    purgedPostings: await forgetPurgedPostings(db, now),
    webhookDeliveries: await deleteInBatches(
      db,
      webhookDeliveries,
      webhookDeliveries.id,
      webhookDeliveries.receivedAt,
      addDays(now, -DELIVERY_RETENTION_DAYS),
      batchSize,
    ),
    messages: await deleteInBatches(
      db,
      messages,
      messages.id,
      messages.createdAt,
      addDays(now, -SENT_MESSAGE_DAYS),
      batchSize,
      sql`${messages.status} <> 'queued'`,
    ),
    // A term goes from the set of anchor terms with the last anchor on it, by trigger; this
    // removes those two concurrent deletes each left to the other (migration 0006).
    anchorTerms: await removeUnanchoredTerms(db),
  };
}

async function removeUnanchoredTerms(db: Deps['db']): Promise<number> {
  const rows = await queryRows<{ removed: number }>(
    db,
    sql`select remove_unanchored_terms(null) as removed`,
  );
  return Number(rows[0]?.removed ?? 0);
}
