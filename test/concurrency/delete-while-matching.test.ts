import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows, withTransaction } from '../../src/db/database';
import { alerts } from '../../src/db/schema';
import { anchorTermsOf } from '../../src/matching/anchor-terms';
import { matchPostings } from '../../src/matching/matcher';
import { analyseBatch } from '../../src/matching/posting';
import { setupTestContext } from '../helpers/context';
import { insertActiveAlert } from '../helpers/postings';
import { signal } from '../helpers/signal';

/**
 * Deleting an alert while a batch of postings is being matched to it. `matches` has no foreign
 * keys: the delete's trigger removes the alert's matches, and the matcher locks the alerts it
 * reads as a foreign key check would, so that the delete waits for the batch and then finds its
 * matches. Without that lock the batch's matches would outlive the alert that a user deleted.
 * Postgres only: PGlite has one connection, on which two transactions never overlap.
 */
const ctx = setupTestContext();

const HOUR = 3_600_000;

describe('an alert deleted while a batch is matched to it', () => {
  it('waits for the batch, then deletes the matches it recorded', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    const id = await insertActiveAlert(db, { keywords: 'kehittäjä' }, now);
    const posting = {
      id: 'while-deleting',
      title: 'Ohjelmistokehittäjä',
      publishedAt: new Date(now.getTime() + HOUR),
    };
    await db.execute(sql`
      insert into postings (id, title, url, published_at, municipalities, regions, occupations,
        received_at, updated_at)
      values (${posting.id}, ${posting.title}, 'https://jobs.example.org/1',
        ${posting.publishedAt.toISOString()}::timestamptz, '{}', '{}', '{}',
        ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)`);

    const { fire: release, fired: released } = signal();
    const { fire: matched, fired: matchedInBatch } = signal();
    const batch = withTransaction(db, async (tx) => {
      const outcome = await matchPostings({
        db: tx,
        batch: analyseBatch([posting]),
        anchorTerms: anchorTermsOf(db),
        now,
      });
      matched();
      await released;
      return outcome;
    });
    await matchedInBatch;

    let deletedAt: number | undefined;
    const deletion = db
      .delete(alerts)
      .where(eq(alerts.id, id))
      .then(() => {
        deletedAt = performance.now();
      });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deletedAt).toBeUndefined();

    const committedAt = performance.now();
    release();
    expect((await batch).recorded).toBe(1);
    await deletion;
    expect(deletedAt).toBeGreaterThanOrEqual(committedAt);
    const left = await queryRows<{ count: number }>(
      db,
      sql`select count(*)::int as count from matches where alert_id = ${id}`,
    );
    expect(left[0]?.count).toBe(0);
    expect(await db.select().from(alerts).where(eq(alerts.id, id))).toHaveLength(0);
  });
});
