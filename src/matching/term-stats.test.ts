import { describe, expect, it } from 'vitest';
import type { Queryable } from '../db/database';
import { cachedTermCounts } from './term-stats';

/** A database that answers the term-count query from `counts`, and counts the queries. */
function countingDatabase(counts: Record<string, number>) {
  const database = {
    queries: 0,
    counts,
    async execute() {
      database.queries++;
      return {
        rows: Object.entries(database.counts).map(([term, postings]) => ({ term, postings })),
      };
    },
  };
  return database;
}

const at = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 10, minutes));

describe('cachedTermCounts', () => {
  it('reads a term once, and again only when its count is five minutes old', async () => {
    const database = countingDatabase({ '': 40, 'fi:kehittäj': 3 });
    const db = database as unknown as Queryable;

    const first = await cachedTermCounts(db, ['fi:kehittäj'], at(0));
    expect([first.sampled, first.count('fi:kehittäj')]).toEqual([40, 3]);
    expect(database.queries).toBe(1);

    database.counts = { '': 80, 'fi:kehittäj': 9 };
    const cached = await cachedTermCounts(db, ['fi:kehittäj'], at(4));
    expect([cached.sampled, cached.count('fi:kehittäj')]).toEqual([40, 3]);
    expect(database.queries).toBe(1);

    const refreshed = await cachedTermCounts(db, ['fi:kehittäj'], at(5));
    expect([refreshed.sampled, refreshed.count('fi:kehittäj')]).toEqual([80, 9]);
    expect(database.queries).toBe(2);
  });

  it('reads the terms it has not met, and counts unknown terms as 0', async () => {
    const database = countingDatabase({ '': 10, 'm:091': 4 });
    const db = database as unknown as Queryable;
    await cachedTermCounts(db, ['m:091'], at(0));
    const more = await cachedTermCounts(db, ['m:091', 'fi:hoitaj'], at(1));
    expect(database.queries).toBe(2);
    expect([more.count('m:091'), more.count('fi:hoitaj')]).toEqual([4, 0]);
  });

  it('keeps one cache per database', async () => {
    const one = countingDatabase({ '': 10, 'o:2512': 2 });
    const other = countingDatabase({ '': 20, 'o:2512': 7 });
    await cachedTermCounts(one as unknown as Queryable, ['o:2512'], at(0));
    const read = await cachedTermCounts(other as unknown as Queryable, ['o:2512'], at(0));
    expect(read.count('o:2512')).toBe(7);
  });
});
