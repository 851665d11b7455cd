import { describe, expect, it } from 'vitest';
import { createTestContext } from '../helpers/context';
import {
  insertActiveAlert,
  jobPosting,
  matchRows,
  postPostings,
  webhookEnv,
} from '../helpers/postings';

/**
 * Calls of the match webhook that overlap. A delivery claims its `webhook-id` first: a retry
 * that arrives while the delivery is still running waits for it and then answers its answer.
 * Calls that carry some of the same postings at once take turns on them: a call that upserts
 * a posting holds its row until it commits, so a second call with the same posting waits for the
 * first and then sees its matches: each pair is recorded once. The calls lock the postings in
 * the order of their ids whatever order they were sent in; in the order sent, calls that hold
 * some rows and want others would wait for each other in a circle until Postgres aborted one of
 * them (a deadlock, answered 500). Postgres only: PGlite's one connection never runs two calls at
 * once.
 */
describe('concurrent calls of the match webhook', () => {
  it('answers every call, without a deadlock, and records each pair once', async () => {
    const ctx = await createTestContext({ env: webhookEnv });
    try {
      const alertIds = await Promise.all(
        Array.from({ length: 5 }, () =>
          insertActiveAlert(ctx.database.db, { keywords: 'kehittäjä' }, ctx.clock.now()),
        ),
      );
      const postings = Array.from({ length: 20 }, () => jobPosting(ctx));
      // Eight calls, each with every posting, in an order of its own, under distinct ids.
      const calls = Array.from({ length: 8 }, (_, call) =>
        postPostings(
          ctx,
          postings.map((_, index) => postings[(index + call * 3) % postings.length]),
        ),
      );
      const answers = await Promise.all(
        calls.map(async (call) => {
          const response = await call;
          expect(response.status).toBe(200);
          return (await response.json()) as { new: number; updated: number; matched: number };
        }),
      );

      // Each posting was new to exactly one call, and the calls recorded each pair once in all.
      expect(answers.reduce((sum, answer) => sum + answer.new, 0)).toBe(postings.length);
      expect(answers.reduce((sum, answer) => sum + answer.matched, 0)).toBe(
        postings.length * alertIds.length,
      );
      const pairs = (await matchRows(ctx.database.db)).map(
        (row) => `${row.alertId} ${row.postingId}`,
      );
      expect(pairs).toHaveLength(postings.length * alertIds.length);
      expect(new Set(pairs).size).toBe(pairs.length);
    } finally {
      await ctx.close();
    }
  });

  it('processes a delivery once when its retry arrives while it is still running', async () => {
    const ctx = await createTestContext({ env: webhookEnv });
    try {
      await insertActiveAlert(ctx.database.db, { keywords: 'kehittäjä' }, ctx.clock.now());
      const postings = Array.from({ length: 50 }, () => jobPosting(ctx));
      // The pipeline gave up waiting and sent the same delivery again, twice, at once.
      const answers = await Promise.all(
        Array.from({ length: 3 }, async () => {
          const response = await postPostings(ctx, postings, { id: 'msg_retried' });
          expect(response.status).toBe(200);
          return (await response.json()) as Record<string, unknown>;
        }),
      );
      const first = { received: 50, new: 50, updated: 0, matched: 50 };
      expect(answers.filter((answer) => answer.duplicate === undefined)).toEqual([first]);
      expect(answers.filter((answer) => answer.duplicate === true)).toEqual([
        { ...first, duplicate: true },
        { ...first, duplicate: true },
      ]);
      expect(await matchRows(ctx.database.db)).toHaveLength(50);
    } finally {
      await ctx.close();
    }
  });
});
