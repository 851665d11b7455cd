import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type Db, queryRows, withTransaction } from '../../src/db/database';
import { alerts } from '../../src/db/schema';
import { anchorTermsOf } from '../../src/matching/anchor-terms';
import { matchPostings } from '../../src/matching/matcher';
import { analyseBatch } from '../../src/matching/posting';
import { setupTestContext } from '../helpers/context';
import { pausedAt } from '../helpers/paused';
import { insertActiveAlert } from '../helpers/postings';
import { signal } from '../helpers/signal';

/**
 * Deleting an alert while a batch of postings is being matched to it. `matches` has no foreign
 * keys and the matcher locks no alert: the delete's trigger removes the matches it can see, and
 * the batch, at its end, those of its own that the delete could not see (drizzle/0008). Whichever
 * way the two overlap, no match outlives the alert a user deleted. Postgres only: PGlite has one
 * connection, on which two transactions never overlap.
 */
const ctx = setupTestContext();

const HOUR = 3_600_000;

/** An alert that the posting matches, and the posting, stored. */
async function alertAndPosting(db: Db) {
  const now = ctx.clock.now();
  const alertId = await insertActiveAlert(db, { keywords: 'kehittäjä' }, now);
  const posting = {
    id: `posting-${alertId}`,
    title: 'Ohjelmistokehittäjä',
    publishedAt: new Date(now.getTime() + HOUR),
  };
  await db.execute(sql`
    insert into postings (id, title, url, published_at, municipalities, regions, occupations,
      received_at, updated_at)
    values (${posting.id}, ${posting.title}, 'https://jobs.example.org/1',
      ${posting.publishedAt.toISOString()}::timestamptz, '{}', '{}', '{}',
      ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)`);
  return { alertId, posting, now };
}

/**
 * Matches the posting in a transaction of its own. `before` is awaited right before the first
 * statement whose text holds `at`; `after` once the matching is done, before the commit.
 */
function matchInTransaction(
  db: Db,
  { posting, now }: Awaited<ReturnType<typeof alertAndPosting>>,
  hold: { at?: string; before?: () => Promise<void>; after?: () => Promise<void> },
) {
  return withTransaction(db, async (tx) => {
    const outcome = await matchPostings({
      db: hold.at ? pausedAt(tx, hold.at, hold.before ?? (async () => {})) : tx,
      batch: analyseBatch([posting]),
      anchorTerms: anchorTermsOf(db),
      now,
    });
    await hold.after?.();
    return outcome;
  });
}

/** The batch of `matchInTransaction`, held right before its end check until `release`. */
function heldAtEndCheck(db: Db, setup: Awaited<ReturnType<typeof alertAndPosting>>) {
  const { fire: reachEnd, fired: atEnd } = signal();
  const { fire: release, fired: released } = signal();
  const batch = matchInTransaction(db, setup, {
    at: 'alert_buckets_deleted_since',
    before: async () => {
      reachEnd();
      await released;
    },
  });
  return { batch, atEnd, release };
}

/** Deletes the alert, once (a drizzle query runs again each time it is awaited). */
const deleteAlert = (db: Db, alertId: string): Promise<void> =>
  db
    .delete(alerts)
    .where(eq(alerts.id, alertId))
    .then(() => undefined);

async function matchesOf(db: Db, alertId: string): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    db,
    sql`select count(*)::int as count from matches where alert_id = ${alertId}`,
  );
  return row?.count ?? -1;
}

/** Whether `promise` is still pending after `ms`. */
async function stillPending(promise: Promise<unknown>, ms = 300): Promise<boolean> {
  const pending = Symbol('pending');
  const first = await Promise.race([
    promise.then(() => undefined),
    new Promise((resolve) => setTimeout(() => resolve(pending), ms)),
  ]);
  return first === pending;
}

describe('an alert deleted while a batch is matched to it', () => {
  it('is deleted at once, and the batch forgets the match it recorded for it', async () => {
    const db = ctx.database.db;
    const setup = await alertAndPosting(db);
    const { batch, atEnd, release } = heldAtEndCheck(db, setup);
    await atEnd;

    // The batch has recorded its match and not committed; the delete does not wait for it.
    const deletion = deleteAlert(db, setup.alertId);
    expect(await stillPending(deletion, 2_000)).toBe(false);
    await deletion;

    release();
    expect((await batch).recorded).toBe(0);
    expect(await matchesOf(db, setup.alertId)).toBe(0);
  });

  it('keeps the matches of alerts still there, in a bucket where another was deleted', async () => {
    const db = ctx.database.db;
    const kept = await alertAndPosting(db);
    // An alert of the same bucket as the kept one (the first three hex digits of its id).
    const neighbour = await insertActiveAlert(
      db,
      { keywords: 'sairaanhoitaja' },
      kept.now,
      `${kept.alertId.slice(0, 3)}${crypto.randomUUID().slice(3)}`,
    );
    const { batch, atEnd, release } = heldAtEndCheck(db, kept);
    await atEnd;
    await deleteAlert(db, neighbour);

    release();
    expect((await batch).recorded).toBe(1);
    expect(await matchesOf(db, kept.alertId)).toBe(1);
  });

  it('waits for a batch at its end to commit, then deletes the match it recorded', async () => {
    const db = ctx.database.db;
    const setup = await alertAndPosting(db);
    const { fire: reachCommit, fired: atCommit } = signal();
    const { fire: release, fired: released } = signal();
    const batch = matchInTransaction(db, setup, {
      after: async () => {
        reachCommit();
        await released;
      },
    });
    await atCommit;

    const deletion = deleteAlert(db, setup.alertId);
    expect(await stillPending(deletion)).toBe(true);

    release();
    expect((await batch).recorded).toBe(1);
    await deletion;
    expect(await matchesOf(db, setup.alertId)).toBe(0);
    expect(await db.select().from(alerts).where(eq(alerts.id, setup.alertId))).toHaveLength(0);
  });

  it('is seen by a batch that starts before the delete commits', async () => {
    const db = ctx.database.db;
    const setup = await alertAndPosting(db);
    const { fire: deleted, fired: deletedUncommitted } = signal();
    const { fire: commit, fired: committing } = signal();
    const deletion = withTransaction(db, async (tx) => {
      await tx.delete(alerts).where(eq(alerts.id, setup.alertId));
      deleted();
      await committing;
    });
    await deletedUncommitted;

    // The batch waits for the delete before it reads any alert, so it never sees this one.
    const batch = matchInTransaction(db, setup, {});
    expect(await stillPending(batch)).toBe(true);

    commit();
    await deletion;
    expect((await batch).recorded).toBe(0);
    expect(await matchesOf(db, setup.alertId)).toBe(0);
  });
});
