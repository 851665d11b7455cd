import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type Db, queryRows, withTransaction } from '../../src/db/database';
import { alerts } from '../../src/db/schema';
import { anchorTermsOf } from '../../src/matching/anchor-terms';
import { findMatches } from '../../src/matching/matcher';
import { analyseBatch } from '../../src/matching/posting';
import { setupTestContext } from '../helpers/context';
import { insertActiveAlert } from '../helpers/postings';
import { signal } from '../helpers/signal';

/**
 * Transactions adding and removing anchor terms at once (the triggers of migration 0006). One that adds a
 * term new to the set takes the set's lock before writing the term, and holds it to its commit;
 * a transaction that wrote a term first and then waited for the lock could hold that term
 * against the lock's holder, and the two would deadlock. Postgres only: PGlite has one
 * connection, on which two transactions never overlap.
 */
const ctx = setupTestContext();

describe('anchor terms added by two transactions at once', () => {
  it('waits for the set to be free, without a deadlock, and keeps each term once', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    const { fire: firstHolds, fired: holding } = signal();
    const { fire: secondWaits, fired: waiting } = signal();
    const first = withTransaction(db, async (tx) => {
      await insertActiveAlert(tx as unknown as Db, { keywords: 'sähköasentaja' }, now);
      firstHolds();
      await waiting;
      // The term the second transaction is about to add: had it written it already, this would
      // wait for it while it waits for the lock held here.
      await insertActiveAlert(tx as unknown as Db, { keywords: 'putkiasentaja' }, now);
    });
    await holding;
    let secondDone: number | undefined;
    const second = withTransaction(db, (tx) =>
      insertActiveAlert(tx as unknown as Db, { keywords: 'putkiasentaja' }, now),
    ).then(() => {
      secondDone = performance.now();
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondDone).toBeUndefined();
    const committedAt = performance.now();
    secondWaits();
    await first;
    await second;
    expect(secondDone).toBeGreaterThanOrEqual(committedAt);

    // The second found the term added and numbered nothing; each term is in the set once.
    const rows = await queryRows<{ term: string; version: string }>(
      db,
      sql`select term, version::text from anchor_terms`,
    );
    expect(new Set(rows.map((row) => row.term)).size).toBe(rows.length);
    expect(rows.some((row) => row.term.endsWith('putkiasentaj'))).toBe(true);
    const versions = await queryRows<{ version: string }>(
      db,
      sql`select version::text from anchor_terms_version`,
    );
    expect(versions.map((row) => row.version)).toEqual([
      String(Math.max(...rows.map((row) => Number(row.version)))),
    ]);
  });

  it('keeps a term that a transaction anchors on while the last alert on it is deleted', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    const old = await insertActiveAlert(db, { keywords: 'palomies' }, now);
    const { fire: anchored, fired: anchoring } = signal();
    const { fire: release, fired: released } = signal();
    let added = '';
    const adder = withTransaction(db, async (tx) => {
      added = await insertActiveAlert(tx as unknown as Db, { keywords: 'palomies' }, now);
      anchored();
      await released;
    });
    await anchoring;
    // The delete does not see the adder's anchor, but the term is locked by it: left alone.
    await db.delete(alerts).where(eq(alerts.id, old));
    release();
    await adder;
    await expectFound(added);
  });

  it('adds a term again that was removed while a transaction waited to anchor on it', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    const old = await insertActiveAlert(db, { keywords: 'palomies' }, now);
    const { fire: deleted, fired: deleting } = signal();
    const { fire: release, fired: released } = signal();
    const remover = withTransaction(db, async (tx) => {
      await tx.delete(alerts).where(eq(alerts.id, old));
      deleted();
      await released;
    });
    await deleting;
    let added: string | undefined;
    const adder = insertActiveAlert(db, { keywords: 'palomies' }, now).then((id) => {
      added = id;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(added).toBeUndefined();
    release();
    await remover;
    await adder;
    await expectFound(added ?? '');
  });
});

/** The alert is found by a batch matched now, through the set of anchor terms. */
async function expectFound(alertId: string) {
  const db = ctx.database.db;
  const later = new Date(ctx.clock.now().getTime() + 3_600_000);
  const outcome = await findMatches(
    db,
    analyseBatch([{ id: 'palo-1', title: 'Palomies, Helsinki', publishedAt: later }]),
    anchorTermsOf(db),
  );
  expect(outcome.found.map((match) => match.alertId)).toEqual([alertId]);
}
