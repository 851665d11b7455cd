import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows, withTransaction } from '../src/db/database';
import { alerts } from '../src/db/schema';
import { anchorTermsOf } from '../src/matching/anchor-terms';
import { findMatches } from '../src/matching/matcher';
import { analyseBatch } from '../src/matching/posting';
import { runRetention } from '../src/retention/retention';
import { setupTestContext } from './helpers/context';
import { insertActiveAlert } from './helpers/postings';

/**
 * The set of anchor terms the matcher keeps in memory (src/matching/anchor-terms.ts) and the
 * trigger that keeps `anchor_terms` (migration 0006): an alert anchored on a term new to the set
 * is found by the next batch, and versions are numbered only for new terms.
 */
const ctx = setupTestContext();

const HOUR = 3_600_000;

const versionRows = () =>
  queryRows<{ term: string; version: string }>(
    ctx.database.db,
    sql`select term, version::text from anchor_terms order by term`,
  );
const currentVersion = async () =>
  (
    await queryRows<{ version: string | null }>(
      ctx.database.db,
      sql`select max(version)::text as version from anchor_terms_version`,
    )
  )[0]?.version;

describe('the anchor terms', () => {
  it('finds an alert anchored on a term that was new since the last batch', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    const later = new Date(now.getTime() + HOUR);
    const posting = (id: string, title: string) => ({ id, title, publishedAt: later });
    const python = await insertActiveAlert(db, { keywords: 'python' }, now);
    const first = await findMatches(
      db,
      analyseBatch([posting('p1', 'Python-kehittäjä'), posting('k1', 'Kotlin-kehittäjä')]),
      anchorTermsOf(db),
    );
    expect(first.found.map((match) => [match.alertId, match.postingId])).toEqual([[python, 'p1']]);

    // `kotlin` is anchored after the set was read for the batch above.
    const kotlin = await insertActiveAlert(db, { keywords: 'kotlin' }, now);
    const second = await findMatches(
      db,
      analyseBatch([posting('k2', 'Kotlin-kehittäjä')]),
      anchorTermsOf(db),
    );
    expect(second.found.map((match) => [match.alertId, match.postingId])).toEqual([[kotlin, 'k2']]);
  });

  it('numbers a new version only for terms new to the set', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    await insertActiveAlert(db, { keywords: 'sairaanhoitaja' }, now);
    const first = await currentVersion();
    const before = await versionRows();
    expect(before.length).toBeGreaterThan(0);
    expect(new Set(before.map((row) => row.version))).toEqual(new Set([first]));

    await insertActiveAlert(db, { keywords: 'sairaanhoitaja' }, now);
    expect(await currentVersion()).toBe(first);
    expect(await versionRows()).toEqual(before);

    await insertActiveAlert(db, { keywords: 'lähihoitaja' }, now);
    const second = await currentVersion();
    expect(BigInt(second ?? 0)).toBeGreaterThan(BigInt(first ?? 0));
    const after = await versionRows();
    // The earlier terms keep their version; only the new ones have the new one.
    expect(after.filter((row) => row.version === first)).toEqual(before);
    const added = after.filter((row) => row.version === second).map((row) => row.term);
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((term) => !before.some((row) => row.term === term))).toBe(true);
  });

  it('removes a term with the last alert anchored on it, and keeps one still anchored', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    const before = new Set((await versionRows()).map((row) => row.term));
    const first = await insertActiveAlert(db, { keywords: 'savolainen' }, now);
    const second = await insertActiveAlert(db, { keywords: 'savolainen' }, now);
    const terms = (await versionRows()).map((row) => row.term).filter((term) => !before.has(term));
    expect(terms.length).toBeGreaterThan(0);

    await db.delete(alerts).where(eq(alerts.id, first));
    expect((await versionRows()).map((row) => row.term)).toEqual(expect.arrayContaining(terms));
    await db.delete(alerts).where(eq(alerts.id, second));
    const left = (await versionRows()).map((row) => row.term);
    expect(left.filter((term) => terms.includes(term))).toEqual([]);
  });

  it('leaves the retention job the terms no anchor is on', async () => {
    const db = ctx.database.db;
    await insertActiveAlert(db, { keywords: 'leipuri' }, ctx.clock.now());
    const anchored = await versionRows();
    // As two concurrent deletes of the last two alerts on a term leave it.
    await db.execute(sql`insert into anchor_terms (term, version) values ('fi:orpo', 1)`);
    const result = await runRetention({ deps: ctx.deps, now: ctx.clock.now() });
    expect(result.anchorTerms).toBe(1);
    expect(await versionRows()).toEqual(anchored);
  });

  it('keeps nothing of anchors whose transaction rolled back', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    await insertActiveAlert(db, { keywords: 'leipuri' }, now);
    const version = await currentVersion();
    const before = await versionRows();
    await expect(
      withTransaction(db, async (tx) => {
        await insertActiveAlert(tx as never, { keywords: 'kondiittori' }, now);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await currentVersion()).toBe(version);
    expect(await versionRows()).toEqual(before);
  });
});
